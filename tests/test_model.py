import math

import pytest
import torch
import torch.nn.functional as F

from llmpar.model import PRESETS, ModelConfig, Transformer, build_model, init_weights
from llmpar.model.transformer import apply_rope, rope_tables


@pytest.mark.parametrize("name", list(PRESETS))
def test_parameter_count_formula_matches_the_built_model(name):
    cfg = PRESETS[name]
    with torch.device("meta"):
        model = Transformer(cfg)
    assert sum(p.numel() for p in model.parameters()) == cfg.num_params()


def test_published_parameter_counts():
    # GPT-2 small 124.44M; Llama 2 7B 6.738B, 13B 13.016B, 70B 68.98B; Llama 3.2 1B 1.236B.
    assert PRESETS["gpt2-124m"].num_params() == 124_439_808
    assert PRESETS["llama-7b"].num_params() == 6_738_415_616
    assert PRESETS["llama-13b"].num_params() == 13_015_864_320
    assert PRESETS["llama-70b"].num_params() == 68_976_648_192
    assert PRESETS["llama-1b"].num_params() == 1_235_814_400


def _reference_attention(attn, x, rope):
    """Grouped-query attention written out: kv heads repeated, explicit causal softmax."""
    B, T, _ = x.shape
    hd = attn.head_dim
    q = attn.wq(x).view(B, T, -1, hd).transpose(1, 2)
    k = attn.wk(x).view(B, T, -1, hd).transpose(1, 2)
    v = attn.wv(x).view(B, T, -1, hd).transpose(1, 2)
    if rope is not None:
        q, k = apply_rope(q, rope[0][:T], rope[1][:T]), apply_rope(k, rope[0][:T], rope[1][:T])
    rep = q.size(1) // k.size(1)
    k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(hd)
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, -1)
    return attn.wo(y)


@pytest.mark.parametrize("name", ["tiny", "tiny-gpt2"])
def test_attention_matches_written_out_grouped_query_attention(name):
    model = build_model(PRESETS[name], seed=1, dtype=torch.float64)
    block = model.layers["0"]
    x = torch.randn(2, 10, model.cfg.d_model, dtype=torch.float64)
    rope = (model.rope_cos, model.rope_sin) if model.rope_cos is not None else None
    torch.testing.assert_close(block.attn(x, rope), _reference_attention(block.attn, x, rope))


@pytest.mark.parametrize("name", ["tiny", "tiny-gpt2"])
def test_causal_a_later_token_does_not_change_earlier_logits(name):
    model = build_model(PRESETS[name], seed=0, dtype=torch.float64)
    tokens = torch.randint(0, 256, (1, 12))
    changed = tokens.clone()
    changed[0, 7] = (tokens[0, 7] + 1) % 256
    a, b = model(tokens), model(changed)
    torch.testing.assert_close(a[:, :7], b[:, :7])
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_rope_scores_depend_only_on_relative_position():
    cfg = PRESETS["tiny"]
    cos, sin = rope_tables(cfg)
    q, k = torch.randn(cfg.head_dim, dtype=torch.float64), torch.randn(cfg.head_dim, dtype=torch.float64)

    def score(i, j):
        qi = apply_rope(q.view(1, 1, 1, -1), cos[i : i + 1], sin[i : i + 1])
        kj = apply_rope(k.view(1, 1, 1, -1), cos[j : j + 1], sin[j : j + 1])
        return (qi * kj).sum()

    torch.testing.assert_close(score(5, 2), score(13, 10))
    assert not torch.isclose(score(5, 2), score(5, 3))


def test_rmsnorm_and_tied_head():
    model = build_model(PRESETS["tiny-gpt2"], seed=0)
    assert model.head.weight is model.tok_emb.weight
    llama = build_model(PRESETS["tiny"], seed=0, dtype=torch.float64)
    norm = llama.layers["0"].attn_norm
    x = torch.randn(3, 64, dtype=torch.float64)
    torch.testing.assert_close(norm(x), x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + norm.eps))


def test_initial_weights_depend_only_on_seed_and_name():
    """A model that keeps only some layers (as a pipeline stage will) starts from the same weights."""
    full = build_model(PRESETS["tiny"], seed=3)
    part = Transformer(PRESETS["tiny"])
    del part.layers["0"], part.layers["1"]
    init_weights(part, seed=3)
    full_params = dict(full.named_parameters())
    for name, p in part.named_parameters():
        torch.testing.assert_close(p, full_params[name], rtol=0, atol=0)
    other = build_model(PRESETS["tiny"], seed=4)
    assert not torch.equal(other.layers["0"].attn.wq.weight, full.layers["0"].attn.wq.weight)


def test_fp32_and_fp64_models_start_from_the_same_values():
    a = build_model(PRESETS["tiny"], seed=0, dtype=torch.float32)
    b = build_model(PRESETS["tiny"], seed=0, dtype=torch.float64)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa.double(), pb)


def test_training_reduces_loss_on_a_repeated_batch():
    model = build_model(PRESETS["tiny"], seed=0, dtype=torch.float64)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    tokens = torch.randint(0, 256, (4, 17))
    losses = []
    for _ in range(20):
        logits = model(tokens[:, :-1])
        loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_flops_per_token_is_six_n_plus_attention():
    cfg = ModelConfig(arch="llama", vocab_size=100, d_model=32, n_layers=2, n_heads=4, d_ff=64, max_seq_len=16)
    matmul_weights = cfg.num_params() - 100 * 32
    assert cfg.flops_per_token(16) == 6 * matmul_weights + 12 * 2 * 32 * 16

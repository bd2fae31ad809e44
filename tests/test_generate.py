"""Inference in one process (fast): the KV cache against full recomputation, teacher forcing, the sampler,
Hugging Face parity, `llmpar eval`, and bad input refused before anything starts. fp64 where it is exact."""

from __future__ import annotations

import json
import math

import pytest
import torch
import torch.nn.functional as F

import llmpar
from llmpar.checkpoint.convert import write_layout
from llmpar.cli import main
from llmpar.inference.cache import KVCache, cache_bytes_formula
from llmpar.inference.sampler import Sampler, SamplingParams, sequence_generator
from llmpar.model import build_model
from llmpar.model.config import ModelConfig

# GQA (4 query heads, 2 kv heads), and a vocabulary larger than the byte tokenizer's and odd.
LLAMA = ModelConfig(
    arch="llama", vocab_size=259, d_model=48, n_layers=3, n_heads=4, n_kv_heads=2, d_ff=96, max_seq_len=128,
    tie_embeddings=False, norm_eps=1e-5, rope_theta=500000.0,
)  # fmt: skip
GPT2 = ModelConfig(
    arch="gpt2", vocab_size=259, d_model=48, n_layers=3, n_heads=4, n_kv_heads=4, d_ff=192, max_seq_len=128,
    tie_embeddings=True, norm_eps=1e-5,
)  # fmt: skip


def save_checkpoint(folder, cfg: ModelConfig, seed: int = 0, data: str | None = None, seq_len: int = 32) -> str:
    """An llmpar checkpoint of the seeded model (fp32 weights), as `llmpar train --save` writes one."""
    model = build_model(cfg, seed)
    state = {k: v for k, v in model.state_dict().items() if not (cfg.tie_embeddings and k == "head.weight")}
    header = {"layout": {}, "train": {"seq_len": seq_len, "data": data, "tokenizer": None, "seed": seed}}
    return write_layout(str(folder), cfg, state, 1, header, 1, 1, 1, 0)


def rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


@pytest.mark.parametrize("cfg", [LLAMA, GPT2], ids=["llama-gqa", "gpt2"])
def test_cached_logits_equal_a_full_recomputation_at_every_step(cfg):
    """Prompts of different lengths, left-padded in one batch: at every step, each sequence's logits with the
    cache equal those of the whole sequence run alone without one (fp64, 1e-9)."""
    model = build_model(cfg, seed=3, dtype=torch.float64).eval()
    g = torch.Generator().manual_seed(0)
    prompts = [torch.randint(0, 256, (n,), generator=g).tolist() for n in (5, 11, 2)]
    width, steps = max(map(len, prompts)), 12
    pad = torch.tensor([width - len(p) for p in prompts])
    cache = KVCache(pad, width + steps)
    batch = torch.tensor([[0] * (width - len(p)) + p for p in prompts])
    seqs = [list(p) for p in prompts]
    with torch.no_grad():
        cache.begin(width)
        logits = model(batch, cache)
        cache.end(width)
        for b, p in enumerate(prompts):  # every real position of the prefill
            full = model(torch.tensor([p]))[0]
            assert rel(logits[b, pad[b] :], full) < 1e-9
        for _ in range(steps):
            nxt = logits[:, -1].argmax(-1)
            for b in range(len(seqs)):
                seqs[b].append(int(nxt[b]))
            cache.begin(1)
            logits = model(nxt[:, None], cache)
            cache.end(1)
            for b, s in enumerate(seqs):
                assert rel(logits[b, -1], model(torch.tensor([s]))[0, -1]) < 1e-9
    # The cache holds what the formula says: 2 · layers · kv heads · head_dim · tokens · bytes.
    tokens = len(prompts) * (width + steps)
    assert cache.nbytes() == cache_bytes_formula(cfg.n_layers, cfg.n_kv_heads, 1, cfg.head_dim, tokens, 8)


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen")
    return {"llama": save_checkpoint(root / "llama", LLAMA), "gpt2": save_checkpoint(root / "gpt2", GPT2)}


@pytest.mark.parametrize("arch", ["llama", "gpt2"])
@pytest.mark.parametrize("sampling", [{}, {"temperature": 0.9, "top_k": 50, "top_p": 0.95, "seed": 7}])
def test_generated_log_probabilities_equal_the_training_forward_pass(checkpoints, arch, sampling):
    """Teacher forcing: the log-probability reported for each new token is the one the plain model's forward
    pass over prompt + completion gives it (fp64, 1e-9); greedy tokens are its argmax."""
    prompts = ["def f(x):", "import", "class A:\n    pass\n"]
    records = llmpar.generate(
        checkpoints[arch], prompts, max_new_tokens=16, dtype="fp64", logprobs=True, eos_ids=(), **sampling
    )
    model = llmpar.load_model(checkpoints[arch], dtype=torch.float64)
    assert [r["index"] for r in records] == [0, 1, 2]
    for r in records:
        ids = r["prompt_ids"] + r["token_ids"]
        assert len(r["token_ids"]) == 16 and r["finish_reason"] == "length"
        with torch.no_grad():
            logits = model(torch.tensor([ids[:-1]]))[0]
        n = len(r["prompt_ids"])
        targets = torch.tensor(r["token_ids"])
        expected = -F.cross_entropy(logits[n - 1 :], targets, reduction="none")  # the training loss, per token
        assert rel(torch.tensor(r["logprobs"], dtype=torch.float64), expected) < 1e-9
        assert max(r["token_ids"]) < 256  # the byte tokenizer's ids only, though the model has 259
        if not sampling:
            assert logits[n - 1 :, :256].argmax(-1).tolist() == r["token_ids"]
    if sampling:  # the same seed, the same tokens; another seed, others
        again = llmpar.generate(checkpoints[arch], prompts, max_new_tokens=16, dtype="fp64", **sampling)
        other = llmpar.generate(checkpoints[arch], prompts, max_new_tokens=16, dtype="fp64", **{**sampling, "seed": 8})
        assert [r["token_ids"] for r in again] == [r["token_ids"] for r in records]
        assert [r["token_ids"] for r in other] != [r["token_ids"] for r in records]


def test_the_sampler_restricts_filters_and_is_seeded_per_sequence():
    logits = torch.tensor([[0.0, 1.0, 3.0, 2.0, 9.0]], dtype=torch.float64)  # id 4: beyond the tokenizer
    greedy = Sampler(SamplingParams(), allowed=4)
    ids, lps = greedy.choose(logits, [])
    assert ids.tolist() == [2] and math.isclose(lps[0], torch.log_softmax(logits[0], -1)[2], rel_tol=1e-12)

    def draws(**options):
        sampler = Sampler(SamplingParams(temperature=5.0, **options), allowed=4)
        return {int(sampler.choose(logits, [sequence_generator(0, i)])[0][0]) for i in range(300)}

    assert draws() == {0, 1, 2, 3}  # never id 4, the likeliest, which the tokenizer cannot decode
    assert draws(top_k=2) == {2, 3}
    assert draws(top_k=1) == {2}  # greedy
    assert draws(top_p=0.5) == {2, 3}  # p(2) < 0.5 <= p(2) + p(3)
    # A sequence's stream depends on (seed, index) only.
    a = torch.rand(3, generator=sequence_generator(5, 2), dtype=torch.float64)
    b = torch.rand(3, generator=sequence_generator(5, 2), dtype=torch.float64)
    assert torch.equal(a, b) and not torch.equal(a, torch.rand(3, generator=sequence_generator(5, 3)).double())


def test_stop_strings_and_end_of_sequence_end_a_completion(checkpoints):
    free = llmpar.generate(checkpoints["llama"], ["def f(x):"], max_new_tokens=12, eos_ids=())[0]
    eos = free["token_ids"][4]
    ended = llmpar.generate(checkpoints["llama"], ["def f(x):"], max_new_tokens=12, eos_ids=(eos,))[0]
    first = free["token_ids"].index(eos)
    assert ended["finish_reason"] == "eos" and ended["token_ids"] == free["token_ids"][: first + 1]
    stop = bytes(free["token_ids"][5:7]).decode("latin-1")
    if all(t < 128 for t in free["token_ids"][:7]):  # a stop string only makes sense as text
        cut = llmpar.generate(checkpoints["llama"], ["def f(x):"], max_new_tokens=12, eos_ids=(), stop=[stop])[0]
        assert cut["finish_reason"] == "stop" and stop not in cut["completion"]


@pytest.fixture
def transformers():
    return pytest.importorskip("transformers")


@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_greedy_tokens_equal_transformers_generate(tmp_path, kind, transformers):
    """A random Hugging Face Llama (GQA, untied head, rope_theta 500000) and GPT-2: `llmpar generate`'s greedy
    tokens equal transformers' greedy `generate`, fp32, 64 new tokens."""
    torch.manual_seed(1)
    shape = dict(
        vocab_size=300, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=128
    )
    if kind == "llama":
        cfg = transformers.LlamaConfig(
            **shape, intermediate_size=96, num_key_value_heads=2, rope_theta=500000.0, tie_word_embeddings=False
        )
        hf = transformers.LlamaForCausalLM(cfg).eval()
    else:
        cfg = transformers.GPT2Config(**shape, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
        hf = transformers.GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():  # larger weights than the default init: a sharper distribution, no near-ties
        for p in hf.parameters():
            if p.dim() == 2:
                p.mul_(4.0)
    hf.save_pretrained(tmp_path, safe_serialization=True)
    prompts = [[5, 17, 42, 99, 3], [250, 1, 7]]
    ours = llmpar.generate(str(tmp_path), prompts, max_new_tokens=64, eos_ids=(), tokenizer=None)
    for p, r in zip(prompts, ours):
        with torch.no_grad():
            out = hf.generate(torch.tensor([p]), max_new_tokens=64, min_new_tokens=64, do_sample=False, pad_token_id=0)
        assert r["token_ids"] == out[0, len(p) :].tolist()


def test_eval_scores_the_held_out_windows_as_the_plain_model_does(tmp_path):
    text = tmp_path / "data.txt"
    text.write_text("".join(f"def f{i}(x):\n    return x * {i}\n" for i in range(400)))
    ck = save_checkpoint(tmp_path / "ck", LLAMA, data=str(text), seq_len=32)
    result = llmpar.evaluate(ck, dtype="fp64")
    from llmpar.data import ByteTokenizer, TokenBatches, load_tokens

    tokens, _ = load_tokens(str(text), ByteTokenizer())
    windows = TokenBatches(tokens, 32, 0).val_samples(0, min(64, TokenBatches(tokens, 32, 0).n_val_windows))
    model = llmpar.load_model(ck, dtype=torch.float64)
    with torch.no_grad():
        logits = model(windows[:, :-1])
    loss = F.cross_entropy(logits.flatten(0, 1), windows[:, 1:].flatten())
    acc = (logits.argmax(-1) == windows[:, 1:]).double().mean()
    assert result["sequences"] == len(windows) and result["tokens"] == windows[:, 1:].numel()
    assert abs(result["loss"] - float(loss)) < 1e-9 * float(loss)
    assert result["accuracy"] == float(acc)
    assert math.isclose(result["perplexity"], math.exp(float(loss)), rel_tol=1e-12)
    # --data: every window of the file.
    whole = llmpar.evaluate(ck, data=str(text), sequences=0, dtype="fp64")
    assert whole["sequences"] == (len(tokens) - 1) // 32


def run_cli(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_line_streams_writes_jsonl_and_reads_prompt_files(checkpoints, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "generate", checkpoints["llama"], "--prompt", "def f", "--max-new-tokens", "8")
    expected = llmpar.generate(checkpoints["llama"], ["def f"], max_new_tokens=8)[0]
    assert code == 0 and out == "def f" + expected["completion"] + "\n"
    prompts = tmp_path / "p.jsonl"
    prompts.write_text(json.dumps({"prompt": "def f"}) + "\n" + json.dumps({"ids": [105, 109]}) + "\n")
    out_file = tmp_path / "out.jsonl"
    args = ["generate", checkpoints["llama"], "--prompts", str(prompts), "--format", "jsonl", "--logprobs"]
    code, _, _ = run_cli(capsys, *args, "-o", str(out_file), "--max-new-tokens", "8")
    records = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert code == 0 and [r["prompt"] for r in records] == ["def f", "im"]
    assert records[0]["token_ids"] == expected["token_ids"] and len(records[1]["logprobs"]) == 8


def _mismatched(tmp_path, checkpoint):
    """A copy of the checkpoint whose manifest says a wider model than its tensors."""
    import shutil

    from llmpar.checkpoint.format import MANIFEST

    dst = tmp_path / "bad"
    shutil.copytree(checkpoint, dst)
    manifest = json.loads((dst / MANIFEST).read_text())
    manifest["model"]["d_ff"] = 128
    (dst / MANIFEST).write_text(json.dumps(manifest))
    return str(dst)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing", "no such checkpoint"),
        ("mismatch", "does not match its model config"),
        ("long", "longer than the model's context of 128 tokens"),
        ("tp", "--tp 4 splits n_kv_heads across ranks"),
        ("empty-file", "holds no prompt"),
        ("bad-id", "the token id 300, which the tokenizer cannot decode"),
        ("empty-prompt", "is empty"),
        ("top-p", "--top-p must be in (0, 1]"),
    ],
)
def test_bad_input_is_one_line_before_anything_starts(checkpoints, tmp_path, capsys, case, expected):
    ck = checkpoints["llama"]
    empty, ids = tmp_path / "empty.txt", tmp_path / "ids.jsonl"
    empty.write_text("\n\n")
    ids.write_text('{"ids": [1, 300]}\n')
    args = {
        "missing": [str(tmp_path / "nothing"), "--prompt", "x"],
        "mismatch": [_mismatched(tmp_path, ck) if case == "mismatch" else ck, "--prompt", "x"],
        "long": [ck, "--prompt", "x" * 100, "--max-new-tokens", "64"],
        "tp": [ck, "--prompt", "x", "--tp", "4"],
        "empty-file": [ck, "--prompts", str(empty)],
        "bad-id": [ck, "--prompts", str(ids)],
        "empty-prompt": [ck, "--prompt", ""],
        "top-p": [ck, "--prompt", "x", "--top-p", "0"],
    }[case]
    code, out, err = run_cli(capsys, "generate", *args)
    assert code == 2 and out == ""
    assert err.startswith("llmpar generate: error: ") and err.count("\n") == 1 and expected in err, err


class _Chars:
    """A tokenizer whose token i is chr(i), except 200 and 201: the two bytes of 'é' in UTF-8."""

    def decode(self, ids):
        raw = b"".join(bytes([0xC3]) if i == 200 else bytes([0xA9]) if i == 201 else chr(i).encode() for i in ids)
        return raw.decode("utf-8", errors="replace")


def test_streaming_prints_what_the_completion_will_be():
    import io

    from llmpar.inference.output import Streamer

    def stream(tokens, **kw):
        out = io.StringIO()
        s = Streamer(_Chars(), out, **kw)
        seen = []
        for t in tokens:
            s.add(t)
            seen.append(out.getvalue())
        s.close()
        return seen, out.getvalue()

    # a character split across two tokens waits for its second byte
    seen, final = stream([ord("a"), 200, 201, ord("b")])
    assert seen == ["a", "a", "aé", "aéb"] and final == "aéb\n"
    # text that may begin a stop string waits; the stop string and what follows are never printed
    seen, final = stream([ord(c) for c in "x\n\ny"], stop=["\n\n"])
    assert seen == ["x", "x", "x", "x"] and final == "x\n"
    seen, final = stream([ord(c) for c in "x\nz"], stop=["\n\n"])
    assert seen == ["x", "x", "x\nz"] and final == "x\nz\n"
    # the end-of-sequence token is not printed, nor anything after it
    _, final = stream([ord("a"), 7, ord("b")], eos_ids=(7,))
    assert final == "a\n"


def test_the_command_line_reads_prompts_on_stdin_and_stops_at_a_stop_string(checkpoints, capsys, monkeypatch):
    import io

    ck = checkpoints["gpt2"]
    free = llmpar.generate(ck, ["import"], max_new_tokens=16, eos_ids=())[0]
    text = free["completion"]
    pairs = (text[i : i + 2] for i in range(2, len(text) - 1))
    stop = next((p for p in pairs if p.isascii() and p.isprintable() and text.index(p) >= 2), None)
    assert stop is not None, text  # the fixture's GPT-2 writes some ASCII after "import"
    monkeypatch.setattr("sys.stdin", io.StringIO("import\nclass\n"))
    code, out, _ = run_cli(capsys, "generate", ck, "--max-new-tokens", "16", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["prompt"] for r in records] == ["import", "class"]
    assert records[0]["token_ids"] == free["token_ids"]
    code, out, _ = run_cli(capsys, "generate", ck, "--prompt", "import", "--max-new-tokens", "16", "--stop", stop)
    assert code == 0 and out == "import" + text[: text.index(stop)] + "\n"  # streamed, cut before the stop string


@pytest.mark.slow
def test_the_command_line_generates_and_evaluates_on_several_processes(checkpoints, tmp_path):
    """`llmpar generate` and `llmpar eval` as a user runs them, through the launcher: tp 2 × pp 2 in fp64 gives
    one process's tokens and numbers."""
    from helpers import run_llmpar

    ck = checkpoints["llama"]
    one = llmpar.generate(ck, ["def f", "import"], max_new_tokens=12, dtype="fp64", device="cpu", logprobs=True)
    proc = run_llmpar(["generate", ck, "--prompt", "def f", "--prompt", "import", "--max-new-tokens", "12",
                       "--format", "jsonl", "--logprobs", "--dtype", "fp64", "--tp", "2", "--pp", "2"])  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [r["token_ids"] for r in records] == [r["token_ids"] for r in one]
    for r, o in zip(records, one):
        assert r["logprobs"] == pytest.approx(o["logprobs"], rel=1e-9, abs=1e-12)
    data = tmp_path / "d.txt"
    data.write_text("def g(x):\n    return x + 1\n" * 40)
    single = run_llmpar(["eval", ck, "--data", str(data), "--seq-len", "32", "--json", "--dtype", "fp64"])
    multi = run_llmpar(["eval", ck, "--data", str(data), "--seq-len", "32", "--json", "--dtype", "fp64",
                        "--tp", "2", "--pp", "2"])  # fmt: skip
    assert single.returncode == 0 and multi.returncode == 0, (single.stderr[-1500:], multi.stderr[-1500:])
    a, b = json.loads(single.stdout), json.loads(multi.stdout)
    assert b["loss"] == pytest.approx(a["loss"], rel=1e-9) and b["accuracy"] == a["accuracy"]

"""The one parallel linear layer (llmpar.parallel.linear), the TP plan, and which backward action computes
which weight gradient under each pipeline schedule (real workers, slow)."""

import json
import re

import pytest
import torch
import torch.nn as nn

from helpers import FAST_FIELDS, launch
from llmpar.comm import Comm
from llmpar.mesh import Mesh
from llmpar.model import PRESETS, build_model
from llmpar.parallel import tp_plan
from llmpar.parallel.linear import ParallelLinear, SequenceShardInput, deferring, linear, use_parallel_linears


class _Store(list):
    def defer(self, weight, source, grad):
        self.append((weight, source, grad))


def _grads(x, w, b, defer: bool):
    x, w, b = (t.detach().clone().requires_grad_(True) for t in (x, w, b))
    store = _Store()
    with deferring(store if defer else None):
        y = linear(x, w, b)
    (y.sin().sum()).backward()
    for weight, source, grad in store:  # what the W action does
        weight.backward(grad.flatten(0, -2).t() @ source.full().flatten(0, -2))
        source.release()
    return x.grad, w.grad, b.grad, len(store)


def test_a_deferred_weight_gradient_equals_the_immediate_one():
    torch.manual_seed(0)
    x, w, b = (
        torch.randn(2, 5, 8, dtype=torch.float64),
        torch.randn(6, 8, dtype=torch.float64),
        torch.randn(6, dtype=torch.float64),
    )
    now, later = _grads(x, w, b, defer=False), _grads(x, w, b, defer=True)
    assert now[3] == 0 and later[3] == 1
    for a, c in zip(now[:3], later[:3]):
        torch.testing.assert_close(a, c, rtol=1e-12, atol=0)


def test_a_sequence_shard_input_runs_forward_twice_safely():
    """Under SP a column layer saves its input's sequence shard; nothing is kept on the module, so two forwards
    (recomputation will run one again) give two independent, correct backward passes."""
    torch.manual_seed(0)
    comm = Comm(Mesh(tp=1))  # one rank: the sequence "gather" is a copy
    full = nn.Linear(8, 6, dtype=torch.float64)
    layer = ParallelLinear.split(full, "column", 0, 1, comm, sequence_parallel=True)
    x = torch.randn(2, 4, 8, dtype=torch.float64)
    outs = []
    for _ in range(2):
        gathered = x.clone().requires_grad_(True)
        SequenceShardInput(x, comm).attach(gathered)
        outs.append(layer(gathered))
    (outs[0].sum() + 2 * outs[1].sum()).backward()
    expected = 3 * torch.ones(2, 4, 6, dtype=torch.float64).flatten(0, 1).t() @ x.flatten(0, 1)
    torch.testing.assert_close(layer.weight.grad, expected, rtol=1e-12, atol=0)


def test_the_model_keeps_its_names_and_its_tied_weight():
    model = build_model(PRESETS["tiny-gpt2"], seed=0)
    before = dict(model.named_parameters())
    use_parallel_linears(model)
    after = dict(model.named_parameters())
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)
    assert model.head.weight is model.tok_emb.weight
    assert not any(type(m) is nn.Linear for m in model.modules())


def test_the_tp_plan_splits_what_tensor_parallelism_splits():
    cfg = PRESETS["tiny-gpt2"]
    names = dict(build_model(cfg, seed=0).named_parameters())
    split = {n for n in names if tp_plan.split_dim(n) is not None}
    assert split == {
        n for n in names if re.search(r"attn\.w[qkv]\.|mlp\.w1\.|attn\.wo\.weight|mlp\.w2\.weight|tok_emb", n)
    }
    assert tp_plan.split_dim("layers.0.attn.wo.weight") == 1 and tp_plan.split_dim("layers.0.attn.wo.bias") is None
    # A vocabulary that divides by nothing: 1000 rows over 3 ranks hold 334, 334 and 332 real rows.
    assert [tp_plan.shard("tok_emb.weight", [1000, 64], 1000, 3, r) for r in range(3)] == [
        (0, 0, 334),
        (0, 334, 334),
        (0, 668, 332),
    ]
    assert tp_plan.local_numel("head.weight", [1000, 64], 1000, 3) == 334 * 64
    assert tp_plan.shard("layers.1.mlp.w2.weight", [64, 256], 1000, 4, 3) == (1, 192, 64)
    assert tp_plan.shard("norm.weight", [64], 1000, 4, 3) == (None, 0, 0)


LINEAR = re.compile(r"(attn\.w[qkvo]|mlp\.w[123]|head)\.weight$")


@pytest.mark.slow
def test_which_weight_gradients_each_schedule_computes_in_w(tmp_path):
    """Zero bubble defers the weight gradient of every linear layer to W, sequence parallelism and a full
    recomputation included (its column layers used to compute theirs in B); every other parameter, and every
    schedule without W, has its gradient computed in B."""
    base = dict(FAST_FIELDS, steps=1, eval_sequences=0, dtype="fp64", pp=2, tp=2, dp=1, micro_batches=2)
    layouts = {
        "sp-zb": dict(sequence_parallel=True, schedule="zb"),
        "zb": dict(schedule="zb"),
        "sp-1f1b": dict(sequence_parallel=True, schedule="1f1b"),
        # a full recomputation runs each block's forward again inside B: its linear layers still defer to W
        "sp-zb-full": dict(sequence_parallel=True, schedule="zb", recompute="full"),
        "zb-full": dict(schedule="zb", recompute="full"),
    }
    runs = [[{**base, **fields}, str(tmp_path / name)] for name, fields in layouts.items()]
    launch("grad_phases_runner.py", 4, runs, tmp_path / "runs.json", timeout=600)
    for name in layouts:
        phases = {}
        for rank in range(4):
            phases.update(json.loads((tmp_path / f"{name}.rank{rank}.json").read_text()))
        assert len(phases) == len(dict(build_model(PRESETS["tiny"], seed=0).named_parameters()))
        deferred = "zb" in name.split("-")
        for param, kinds in phases.items():
            expected = ["W"] if deferred and LINEAR.search(param) else ["B"]
            assert kinds == expected, f"{name}: {param} got its gradient in {kinds}, expected {expected}"

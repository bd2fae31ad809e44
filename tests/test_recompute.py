"""Activation recomputation (`--recompute selective|full`): the same gradients for less kept memory.

Unit tests run the model in this process. The slow tests train every layout with each mode in one torchrun
launch per world size (2, 4 and 8 workers) and check each run against the single-process run without
recomputation in fp64 (loss and gradient norm, 1e-9 relative at every step), its traffic per axis against the
cost model (1%) and its kept activations against the cost model (3%), where the cost model is exact without
recomputation too.
"""

import pytest
import torch
import torch.nn.functional as F

from helpers import FP64_RUN, launch_layouts, max_rel_diff, train_here
from llmpar.config import TrainConfig, validate
from llmpar.model import PRESETS
from llmpar.model.transformer import build_model
from llmpar.parallel.recompute import apply_recomputation
from llmpar.plan.cost import Batch, Layout, comm_bytes, memory
from llmpar.train.metrics import SavedTensorMeter

MODES = ("selective", "full")


def _train_once(model_name: str, mode: str, dtype: torch.dtype):
    """Loss, gradients and peak saved bytes of one forward and backward of a plain model with `mode` applied."""
    cfg = PRESETS[model_name]
    model = build_model(cfg, seed=0, dtype=dtype)
    apply_recomputation(model, mode)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, cfg.vocab_size, (4, 33), generator=g)
    meter = SavedTensorMeter(model.parameters())
    with meter.hooks():
        logits = model(tokens[:, :-1])
        loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten(), reduction="sum")
    loss.backward()
    return loss, {n: p.grad for n, p in model.named_parameters()}, meter.peak


@pytest.mark.parametrize("model_name", ["tiny", "tiny-gpt2"])
def test_recomputation_gives_the_same_gradients(model_name):
    loss, grads, _ = _train_once(model_name, "none", torch.float64)
    for mode in MODES:
        got_loss, got_grads, _ = _train_once(model_name, mode, torch.float64)
        assert torch.equal(got_loss, loss), mode
        for name, grad in grads.items():
            assert torch.equal(got_grads[name], grad), (mode, name)


@pytest.mark.parametrize("model_name", ["tiny", "tiny-gpt2"])
def test_recomputation_keeps_what_the_cost_model_says(model_name):
    cfg = PRESETS[model_name]
    batch = Batch(4, 32, "fp32")
    for mode in ("none", *MODES):
        peak = _train_once(model_name, mode, torch.float32)[2]
        predicted = memory(cfg, Layout(recompute=mode), batch)["activations"]
        assert peak == pytest.approx(predicted, rel=0.03), mode


def test_without_gradients_nothing_is_recomputed():
    model = build_model(PRESETS["tiny"], seed=0)
    plain = build_model(PRESETS["tiny"], seed=0)
    apply_recomputation(model, "full")
    tokens = torch.randint(0, 256, (2, 16))
    with torch.no_grad():
        out = model(tokens)
    assert out.grad_fn is None and torch.equal(out, plain(tokens).detach())


# --- every layout, with real workers --------------------------------------------------------------------------

BASE = {**FP64_RUN, "model": "tiny"}
LAYOUTS = {  # name: (TrainConfig fields, processes); "g": the GPT-2 model (biases, tied embeddings)
    "dp2": (dict(dp=2), 2),
    "dp2-zero1": (dict(dp=2, zero=1), 2),
    "dp2-zero2-m2": (dict(dp=2, zero=2, micro_batches=2), 2),
    "dp2-zero3-m2": (dict(dp=2, zero=3, micro_batches=2), 2),
    "g-dp2-zero3-m2": (dict(model="tiny-gpt2", dp=2, zero=3, micro_batches=2), 2),
    "tp2": (dict(dp=1, tp=2), 2),
    "tp2-sp": (dict(dp=1, tp=2, sequence_parallel=True), 2),
    "tp2-sp-gathered": (dict(dp=1, tp=2, sequence_parallel=True, sp_save_gathered=True), 2),
    **{f"pp2-{s}": (dict(dp=1, pp=2, schedule=s, micro_batches=4), 2) for s in ("naive", "gpipe", "interleaved", "zb")},
    "pp2-default": (dict(dp=1, pp=2, micro_batches=4), 2),
    "g-pp2-1f1b": (dict(model="tiny-gpt2", dp=1, pp=2, micro_batches=2), 2),
    "dp2-tp2-sp-zero3-m2": (dict(dp=2, tp=2, sequence_parallel=True, zero=3, micro_batches=2), 4),
    "dp2-pp2-zero3-gpipe": (dict(dp=2, pp=2, zero=3, schedule="gpipe", micro_batches=2), 4),
    "dp2-pp2-zero1-interleaved": (dict(dp=2, pp=2, zero=1, schedule="interleaved", micro_batches=2), 4),
    "tp2-sp-pp2-zb": (dict(dp=1, tp=2, pp=2, sequence_parallel=True, schedule="zb", micro_batches=4), 4),
    # ZeRO 2 and 3 with the schedules that split a step's backward (across chunks, and into B and W)
    **{
        f"dp2-pp2-zero{z}-{s}": (dict(dp=2, pp=2, zero=z, schedule=s, micro_batches=4), 4)
        for z in (2, 3)
        for s in ("interleaved", "zb")
    },
    "dp2-tp2-pp2-sp-zero1-interleaved": (
        dict(dp=2, tp=2, pp=2, sequence_parallel=True, zero=1, schedule="interleaved", micro_batches=2),
        8,
    ),
}


# The pipelines whose activations the cost model walks through the schedule (chunks at once, B to W apart):
# checked without recomputation too.
WITHOUT = ("pp2-interleaved", "pp2-zb", "tp2-sp-pp2-zb", "dp2-pp2-zero3-zb")


def modes(name: str) -> tuple[str, ...]:
    return ("none", *MODES) if name in WITHOUT else MODES


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("recompute")
    out = train_here(tmp / "one", {"tiny": dict(BASE, dp=1), "tiny-gpt2": dict(BASE, model="tiny-gpt2", dp=1)})
    for world in (2, 4, 8):
        layouts = {
            f"{name}/{mode}": dict(BASE, **fields, recompute=mode)
            for name, (fields, n) in LAYOUTS.items()
            if n == world
            for mode in modes(name)
        }
        out.update(launch_layouts(tmp / f"world{world}", world, layouts))
    return out


CASES = [(name, mode) for name in LAYOUTS for mode in modes(name)]


@pytest.mark.slow
@pytest.mark.parametrize("name,mode", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_every_layout_recomputes_exactly_at_the_predicted_cost(runs, name, mode):
    fields = dict(BASE, **LAYOUTS[name][0], recompute=mode)
    got = runs[f"{name}/{mode}"]
    reference = runs[fields["model"]]
    assert max_rel_diff(reference, got, "loss") <= 1e-9
    assert max_rel_diff(reference, got, "grad_norm") <= 1e-9
    cfg = validate(TrainConfig(**fields))
    layout, batch = cfg.parallel_layout(), Batch(cfg.global_batch_size, cfg.seq_len, cfg.dtype)
    assert got[-1]["layout"]["recompute"] == mode
    predicted = comm_bytes(cfg.model_cfg, layout, batch)
    for axis, value in got[-1]["comm_bytes"].items():
        assert value == pytest.approx(predicted[axis], rel=0.01, abs=16), axis
    activations = memory(cfg.model_cfg, layout, batch)["activations"]
    assert got[-1]["activation_bytes"] == pytest.approx(activations, rel=0.03)

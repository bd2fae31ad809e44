"""Context parallelism in training, with real worker processes (slow). fp64.

Every layout of the issue's matrix: cp 2 and 4, ring and all-to-all, on Llama and GPT-2 (grouped-query attention,
8 query and 4 key/value heads, a vocabulary of 259 that divides by nothing), alone and with dp 2, tp 2 + sequence
parallelism, pp 2 (every schedule: 1F1B, GPipe, naive, zero bubble, and interleaved on a 5-layer Llama whose four
chunks cannot be equal), ZeRO 1 and 3 and recomputation. Each must reproduce the single
process's losses and gradient norms at every step to 1e-9, its validation loss and its sampled text; move on the cp
axis exactly the bytes of docs/context-parallel.md's formulas; and hold 1/cp of the single process's activations.
A checkpoint saved under cp 2 (ZeRO-3 over dp × cp) resumes under cp 1 and cp 4 exactly.

Three launches (2, 4 and 8 workers) run the layouts one after the other; the single-process references train in
the test's own process.
"""

from __future__ import annotations

import json
import os

import pytest

from helpers import FP64_RUN, launch_layouts, max_rel_diff, train_here
from llmpar.model.config import load_model_config
from llmpar.pipeline.stages import partition

pytestmark = pytest.mark.slow

HERE = os.path.dirname(__file__)
MODELS = {
    "llama": os.path.join(HERE, "models", "llama-gqa-v259.json"),
    "gpt2": os.path.join(HERE, "models", "gpt2-gqa-v259.json"),
    "llama5": os.path.join(HERE, "models", "llama-5-layers.json"),  # 5 layers: an uneven interleaved split
}
BASE = {**FP64_RUN, "sample_tokens": 12}  # seq_len 32, global batch 8, 3 steps
RING, A2A = "ring", "all-to-all"

# name: (model, layout), by the number of workers each needs.
LAYOUTS: dict[int, dict[str, tuple[str, dict]]] = {
    2: {
        "llama-ring2": ("llama", dict(cp=2)),
        "llama-a2a2": ("llama", dict(cp=2, cp_mode=A2A)),
        "gpt2-ring2": ("gpt2", dict(cp=2)),
        "gpt2-a2a2": ("gpt2", dict(cp=2, cp_mode=A2A)),
    },
    4: {
        "llama-ring4": ("llama", dict(cp=4)),
        "llama-a2a4": ("llama", dict(cp=4, cp_mode=A2A)),
        "gpt2-ring4": ("gpt2", dict(cp=4)),
        "gpt2-a2a4": ("gpt2", dict(cp=4, cp_mode=A2A)),
        "llama-ring2-dp2": ("llama", dict(cp=2, dp=2)),
        "gpt2-a2a2-dp2": ("gpt2", dict(cp=2, dp=2, cp_mode=A2A)),
        "gpt2-ring2-tp2sp": ("gpt2", dict(cp=2, tp=2, sequence_parallel=True)),
        "llama-a2a2-tp2sp": ("llama", dict(cp=2, tp=2, sequence_parallel=True, cp_mode=A2A)),
        "llama-ring2-pp2": ("llama", dict(cp=2, pp=2, micro_batches=2)),
        "gpt2-a2a2-pp2-gpipe": ("gpt2", dict(cp=2, pp=2, micro_batches=4, schedule="gpipe", cp_mode=A2A)),
        "gpt2-ring2-pp2-naive": ("gpt2", dict(cp=2, pp=2, schedule="naive")),
        "llama5-a2a2-pp2-interleaved": (
            "llama5",
            dict(cp=2, pp=2, micro_batches=4, schedule="interleaved", virtual_stages=2, cp_mode=A2A),
        ),
        "llama-ring2-pp2-zb": ("llama", dict(cp=2, pp=2, micro_batches=2, schedule="zb", recompute="selective")),
        "gpt2-ring2-dp2-zero3": ("gpt2", dict(cp=2, dp=2, zero=3)),
        "llama-a2a2-dp2-zero3": ("llama", dict(cp=2, dp=2, zero=3, cp_mode=A2A)),
        "llama-ring4-zero1-full": ("llama", dict(cp=4, zero=1, recompute="full")),
    },
    8: {
        "llama-a2a4-dp2-zero3": ("llama", dict(cp=4, dp=2, zero=3, cp_mode=A2A)),
        "llama-ring4-tp2sp": ("llama", dict(cp=4, tp=2, sequence_parallel=True)),
        "gpt2-ring4-pp2": ("gpt2", dict(cp=4, pp=2, micro_batches=2)),
        "llama-ring4-dp2-zero3": ("llama", dict(cp=4, dp=2, zero=3)),
        "gpt2-a2a4-pp2": ("gpt2", dict(cp=4, pp=2, micro_batches=2, cp_mode=A2A)),
    },
}
ALL = {name: spec for runs in LAYOUTS.values() for name, spec in runs.items()}

# Checkpoints: 6 steps at a constant rate; saved under cp 2 (ZeRO-3 over dp × cp) at step 3, resumed from there.
CK_RUN = {**FP64_RUN, "steps": 6, "lr_schedule": "constant", "warmup": 0}
CK_SAVE = dict(cp=2, dp=2, zero=3)
CK_RESUME = {"resume-cp1-dp4": dict(dp=4), "resume-cp4": dict(cp=4)}


def fields(model: str, tmp, name: str, **layout) -> dict:
    return dict(BASE, model_config=MODELS[model], summary=str(tmp / f"{name}.summary.json"), **{"dp": 1, **layout})


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cp")
    out = train_here(tmp, {model: fields(model, tmp, model) for model in MODELS})
    for n, layouts in LAYOUTS.items():
        todo = {name: fields(model, tmp, name, **layout) for name, (model, layout) in layouts.items()}
        if n == 4:  # the checkpoint runs, in order: the save, then each resume from it
            ck = tmp / "ck"
            todo["ck-save"] = dict(CK_RUN, model_config=MODELS["llama"], save=str(ck), save_every=3, **CK_SAVE)
            for name, layout in CK_RESUME.items():
                todo[name] = dict(
                    CK_RUN, model_config=MODELS["llama"], resume=str(ck / "step_000003"), **{"dp": 1, **layout}
                )
        out.update(launch_layouts(tmp / f"world{n}", n, todo))
    summaries = {name: json.loads((tmp / f"{name}.summary.json").read_text()) for name in [*MODELS, *ALL]}
    return out, summaries


@pytest.mark.parametrize("name", list(ALL))
def test_every_layout_reproduces_one_process(runs, name):
    metrics, summaries = runs
    model, layout = ALL[name]
    got, ref = metrics[name], metrics[model]
    assert [line["step"] for line in got] == [1, 2, 3]
    assert max_rel_diff(ref, got, "loss") <= 1e-9
    assert max_rel_diff(ref, got, "grad_norm") <= 1e-9
    one, mine = summaries[model], summaries[name]
    assert abs(mine["val_loss"] - one["val_loss"]) <= 1e-9 * one["val_loss"]
    assert mine["val_accuracy"] == one["val_accuracy"]
    assert mine["sample"] == one["sample"]  # the sequence gathered back in order: the same next tokens
    assert got[-1]["layout"]["cp"] == layout["cp"] and got[-1]["layout"]["cp_mode"] == layout.get("cp_mode", RING)


def expected_cp_bytes(model: str, layout: dict) -> float:
    """docs/context-parallel.md: the bytes the busiest rank counts on the cp axis in one step."""
    mc = load_model_config(MODELS[model])
    n, t, m = layout["cp"], layout.get("tp", 1), layout.get("micro_batches", 1)
    b = BASE["global_batch_size"] // (layout.get("dp", 1) * m)
    L, D, e = BASE["seq_len"] // n, mc.head_dim, 8  # fp64
    H, Hkv = mc.n_heads // t, mc.n_kv_heads // t
    p = layout.get("pp", 1)
    v = layout.get("virtual_stages", 1) if layout.get("schedule") == "interleaved" else 1
    chunks = partition(mc, p * v, BASE["seq_len"])  # the pipeline's split; rank r holds chunks r, r + p, ...
    layers = max(sum(len(chunks[c]) for c in range(r, p * v, p)) for r in range(p))  # the busiest rank's
    if layout.get("cp_mode", RING) == RING:
        kv = 2 * b * Hkv * L * D * e
        forward = 2 * (n - 1) * kv  # sent and received
        backward = 2 * (n - 1) * (kv + kv)  # the blocks again, and the gradient accumulators (fp64: e bytes)
    else:
        forward = (n - 1) / n * 2 * b * L * D * e * (H + Hkv)  # q, k, v and the output
        backward = forward + (n - 1) / n * b * L * H * e  # and rowsum(dO ∘ O) per query (the output is kept once)
    again = forward if layout.get("recompute") == "full" else 0.0  # the blocks' forward runs again
    return layers * m * (forward + backward + again)


@pytest.mark.parametrize("name", list(ALL))
def test_cp_traffic_is_the_formula(runs, name):
    metrics, _ = runs
    model, layout = ALL[name]
    for line in metrics[name]:
        assert line["comm_bytes"]["cp"] == pytest.approx(expected_cp_bytes(model, layout), rel=0.01)


@pytest.mark.parametrize("name", [name for name, (_, layout) in ALL.items() if set(layout) <= {"cp", "cp_mode"}])
def test_gradients_are_reduced_over_dp_times_cp_and_activations_are_one_cp_th(runs, name):
    metrics, _ = runs
    model, layout = ALL[name]
    n = layout["cp"]
    single = metrics[model][-1]
    params = load_model_config(MODELS[model]).num_params()
    got = metrics[name][-1]
    assert got["comm_bytes"]["dp"] == pytest.approx(2 * (n - 1) / n * params * 8, rel=1e-6)  # one all-reduce
    assert got["comm_bytes"]["tp"] == got["comm_bytes"]["pp"] == 0
    assert got["activation_bytes"] == pytest.approx(single["activation_bytes"] / n, rel=0.005)


def test_a_checkpoint_saved_under_cp2_resumes_under_cp1_and_cp4_exactly(runs):
    metrics, _ = runs
    full = metrics["ck-save"]
    assert [line["step"] for line in full] == [1, 2, 3, 4, 5, 6]
    for name in CK_RESUME:
        resumed = metrics[name]
        assert [line["step"] for line in resumed] == [4, 5, 6], name
        assert max_rel_diff(full[3:], resumed, "loss") <= 1e-9, name
        assert max_rel_diff(full[3:], resumed, "grad_norm") <= 1e-9, name  # the optimizer state came along

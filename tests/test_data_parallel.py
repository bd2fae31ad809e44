"""Data parallelism with real worker processes started by the real launcher (slow: seconds per launch).

The single-process run is the reference: in fp64 every layout must give its loss at every step to 1e-9.

The layouts run in three launches: the real command under torchrun (`torchrun --nproc-per-node 2 -m llmpar
train --micro-batches 2`), whose metrics lines are checked against their contract, and one torchrun launch of two
workers and one of four for the other layouts (tests/layouts_runner.py: each writes its own metrics). The
single-process runs train in the test's own process, as `llmpar train --dp 1` trains in its own.
"""

import sys

import pytest

from helpers import FAST_FIELDS, FP64_ARGS, FP64_RUN, launch_layouts, max_rel_diff, read_metrics, run_llmpar, train_here

pytestmark = pytest.mark.slow

STEPS_ARGS = [*FP64_ARGS, "--model", "tiny", "--steps", "5"]
BASE = {**FP64_RUN, "model": "tiny", "steps": 5}
BF16_BASE = {**FAST_FIELDS, "steps": 6, "lr": 3e-3, "dp": 1}  # fp32 and bf16: the same curve
METRIC_KEYS = {
    "step",
    "loss",
    "grad_norm",
    "lr",
    "tokens",
    "step_time_s",
    "tokens_per_s",
    "mfu",
    "comm_bytes",
    "model_state_bytes",
    "activation_bytes",
    "peak_mem_bytes",
    "bubble_fraction",
    "layout",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dp")
    out = train_here(
        tmp / "one",
        {
            "ref": dict(BASE, dp=1),
            "g1": dict(BASE, model="tiny-gpt2", dp=1),
            "fp32": BF16_BASE,
            "bf16": dict(BF16_BASE, dtype="bf16"),
        },
    )
    # The real command line, one worker per process of an outside torchrun, --dp left out: the run whose metrics
    # lines are checked against their contract.
    path = tmp / "torchrun.jsonl"
    proc = run_llmpar(
        ["train", *STEPS_ARGS, "--micro-batches", "2", "--metrics", str(path)],
        prefix=[sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2", "-m", "llmpar"],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out[2, 2] = read_metrics(path)
    two = launch_layouts(
        tmp / "world2", 2, {"dp2m1": dict(BASE, dp=2), "g2": dict(BASE, model="tiny-gpt2", dp=2, micro_batches=2)}
    )
    four = launch_layouts(tmp / "world4", 4, {f"dp4m{m}": dict(BASE, dp=4, micro_batches=m) for m in (1, 2)})
    out[2, 1], out["g2"] = two["dp2m1"], two["g2"]
    out[4, 1], out[4, 2] = four["dp4m1"], four["dp4m2"]
    return out


@pytest.mark.parametrize("dp,micro", [(2, 1), (2, 2), (4, 1), (4, 2)])
def test_fp64_loss_and_gradient_norm_match_one_process(runs, dp, micro):
    ref, got = runs["ref"], runs[dp, micro]
    assert len(got) == 5
    assert max_rel_diff(ref, got, "loss") <= 1e-9
    assert max_rel_diff(ref, got, "grad_norm") <= 1e-9
    assert ref[-1]["loss"] < ref[0]["loss"]  # it learns: the comparison is not of two constants


@pytest.mark.parametrize("dp,micro", [(2, 1), (2, 2), (4, 1), (4, 2)])
def test_dp_traffic_is_one_ring_all_reduce_of_the_gradient_per_step(runs, dp, micro):
    from llmpar.model import PRESETS

    grad_bytes = PRESETS["tiny"].num_params() * 8  # fp64
    expected = 2 * (dp - 1) / dp * grad_bytes
    for line in runs[dp, micro]:
        assert abs(line["comm_bytes"]["dp"] - expected) <= 0.02 * expected
        assert line["comm_bytes"]["tp"] == line["comm_bytes"]["pp"] == 0
    assert all(line["comm_bytes"]["dp"] == 0 for line in runs["ref"])


def test_metrics_lines_follow_the_contract(runs):
    for line in runs[2, 2]:
        assert set(line) == METRIC_KEYS
        assert line["layout"] == {
            "dp": 2,
            "tp": 1,
            "pp": 1,
            "zero": 0,
            "schedule": "1f1b",
            "micro_batches": 2,
            "sequence_parallel": False,
            "recompute": "none",
            "cp": 1,
            "cp_mode": "ring",
        }
        assert set(line["comm_bytes"]) == {"dp", "tp", "pp", "cp"}
        assert line["tokens"] == 8 * 32 and line["mfu"] is None and line["bubble_fraction"] == 0.0
        assert line["tokens_per_s"] == pytest.approx(line["tokens"] / line["step_time_s"])
        assert line["activation_bytes"] > 0 and line["peak_mem_bytes"] > 0
    assert [line["step"] for line in runs["ref"]] == [1, 2, 3, 4, 5]
    # Replicas hold the whole model: the same state as one process.
    assert runs[2, 2][-1]["model_state_bytes"] == runs["ref"][-1]["model_state_bytes"]
    # Half the micro-batch, about half the activations saved for backward.
    ratio = runs[2, 2][-1]["activation_bytes"] / runs["ref"][-1]["activation_bytes"]
    assert 0.15 < ratio < 0.35


def test_gpt2_with_tied_embeddings(runs):
    ref, got = runs["g1"], runs["g2"]
    assert max_rel_diff(ref, got, "loss") <= 1e-9
    assert max_rel_diff(ref, got, "grad_norm") <= 1e-9


def test_outside_torchrun_runs_one_worker_per_process(runs):
    got = runs[2, 2]  # `torchrun --nproc-per-node 2 -m llmpar train` (the module's fixture)
    assert got[0]["layout"]["dp"] == 2  # --dp left out: filled from torchrun's world size
    assert max_rel_diff(runs["ref"], got, "loss") <= 1e-9


def test_bf16_mixed_precision_tracks_fp32(runs):
    a, b = runs["fp32"], runs["bf16"]
    assert 0 < max_rel_diff(a, b, "loss") < 0.02  # rounded, so not equal; but the same curve
    assert b[-1]["loss"] < b[0]["loss"]

"""Data parallelism with real worker processes started by the real launcher (slow: seconds per launch).

The single-process run is the reference: in fp64 every layout must give its loss at every step to 1e-9.
"""

import pytest

from helpers import FAST, max_rel_diff, read_metrics, run_llmpar, train_metrics

pytestmark = pytest.mark.slow

STEPS_ARGS = FAST + ["--dtype", "fp64", "--steps", "5", "--lr", "3e-3", "--warmup", "1"]
METRIC_KEYS = {"step", "loss", "grad_norm", "lr", "tokens", "step_time_s", "tokens_per_s", "mfu", "comm_bytes",
               "model_state_bytes", "activation_bytes", "peak_mem_bytes", "bubble_fraction", "layout"}


def train(tmp_path, name, *flags, model="tiny"):
    return train_metrics(tmp_path, name, [*STEPS_ARGS, "--model", model, *flags])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dp")
    out = {"ref": train(tmp, "ref", "--dp", "1")}
    for dp in (2, 4):
        for m in (1, 2):
            out[dp, m] = train(tmp, f"dp{dp}m{m}", "--dp", str(dp), "--micro-batches", str(m))
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
        assert line["layout"] == {"dp": 2, "tp": 1, "pp": 1, "zero": 0, "schedule": "1f1b", "micro_batches": 2,
                                  "sequence_parallel": False, "recompute": "none"}
        assert line["tokens"] == 8 * 32 and line["mfu"] is None and line["bubble_fraction"] == 0.0
        assert line["tokens_per_s"] == pytest.approx(line["tokens"] / line["step_time_s"])
        assert line["activation_bytes"] > 0 and line["peak_mem_bytes"] > 0
    assert [line["step"] for line in runs["ref"]] == [1, 2, 3, 4, 5]
    # Replicas hold the whole model: the same state as one process.
    assert runs[2, 2][-1]["model_state_bytes"] == runs["ref"][-1]["model_state_bytes"]
    # Half the micro-batch, about half the activations saved for backward.
    ratio = runs[2, 2][-1]["activation_bytes"] / runs["ref"][-1]["activation_bytes"]
    assert 0.15 < ratio < 0.35


def test_gpt2_with_tied_embeddings(tmp_path):
    ref = train(tmp_path, "g1", "--dp", "1", model="tiny-gpt2")
    got = train(tmp_path, "g2", "--dp", "2", "--micro-batches", "2", model="tiny-gpt2")
    assert max_rel_diff(ref, got, "loss") <= 1e-9
    assert max_rel_diff(ref, got, "grad_norm") <= 1e-9


def test_outside_torchrun_runs_one_worker_per_process(tmp_path, runs):
    import sys
    path = tmp_path / "torchrun.jsonl"
    proc = run_llmpar(["train", *STEPS_ARGS, "--metrics", str(path)],
                      prefix=[sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
                              "-m", "llmpar"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = read_metrics(path)
    assert got[0]["layout"]["dp"] == 2  # --dp left out: filled from torchrun's world size
    assert max_rel_diff(runs["ref"], got, "loss") <= 1e-9


def test_bf16_autocast_tracks_fp32(tmp_path):
    args = FAST + ["--steps", "6", "--lr", "3e-3", "--dp", "1"]
    fp32, bf16 = tmp_path / "fp32.jsonl", tmp_path / "bf16.jsonl"
    assert run_llmpar(["train", *args, "--metrics", str(fp32)]).returncode == 0
    assert run_llmpar(["train", *args, "--dtype", "bf16", "--metrics", str(bf16)]).returncode == 0
    a, b = read_metrics(fp32), read_metrics(bf16)
    assert 0 < max_rel_diff(a, b, "loss") < 0.02  # rounded, so not equal; but the same curve
    assert b[-1]["loss"] < b[0]["loss"]

"""Checkpoints with real worker processes (slow): save in one layout, resume in another, exactly; a save that
crashes loses nothing; --init starts from weights; 3D layouts end to end."""

import os

import pytest
import torch

from helpers import FAST, FP64_ARGS, FP64_RUN, launch_layouts, max_rel_diff, run_llmpar, train_metrics

pytestmark = pytest.mark.slow

RUN = FAST + ["--dtype", "fp64", "--steps", "6", "--lr-schedule", "constant", "--warmup", "0", "--lr", "3e-3"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """An uninterrupted ZeRO-3 run on 2 replicas, saving every 3 steps."""
    tmp = tmp_path_factory.mktemp("ck")
    metrics = train_metrics(
        tmp, "full", [*RUN, "--dp", "2", "--zero", "3", "--save", str(tmp / "ck"), "--save-every", "3"]
    )
    return tmp, metrics


@pytest.mark.parametrize(
    "layout",
    [["--dp", "1", "--tp", "2", "--pp", "2"], ["--dp", "2", "--zero", "0"]],
    ids=["zero3-dp2 -> tp2-pp2", "zero3 -> zero0"],
)
def test_resuming_in_another_layout_continues_the_run_exactly(saved, layout):
    tmp, full = saved
    resumed = train_metrics(tmp, "-".join(layout), [*RUN, *layout, "--resume", str(tmp / "ck" / "step_000003")])
    assert [line["step"] for line in resumed] == [4, 5, 6]
    assert max_rel_diff(full[3:], resumed, "loss") <= 1e-9
    assert max_rel_diff(full[3:], resumed, "grad_norm") <= 1e-9  # the optimizer state came along too


def test_a_save_folder_resumes_from_its_latest_checkpoint_and_refuses_a_changed_run(saved):
    tmp, _ = saved
    proc = run_llmpar(["train", *RUN, "--dp", "1", "--resume", str(tmp / "ck")])  # latest is step 6 = --steps
    assert proc.returncode == 2 and "the checkpoint is at step 6 but --steps is 6" in proc.stderr
    proc = run_llmpar(
        ["train", *RUN, "--dp", "1", "--steps", "8", "--global-batch-size", "4", "--resume", str(tmp / "ck")]
    )
    assert proc.returncode == 2 and "--global-batch-size 8" in proc.stderr


def test_a_worker_dying_during_a_save_leaves_the_previous_checkpoint_whole(tmp_path):
    ck = tmp_path / "ck"
    proc = run_llmpar(
        ["train", *RUN, "--dp", "2", "--save", str(ck), "--save-every", "2"], env={"LLMPAR_INJECT_FAULT": "1:save:4"}
    )
    assert proc.returncode == 1 and "while saving step 4" in proc.stderr
    assert sorted(os.listdir(ck)) == [".partial-step_000004", "step_000002"]
    import llmpar

    model = llmpar.load_model(str(ck))  # the save folder: its latest complete checkpoint
    assert isinstance(model, torch.nn.Module)
    # ... and a run resumes from it
    resumed = train_metrics(tmp_path, "resumed", [*RUN, "--dp", "1", "--resume", str(ck)])
    assert [line["step"] for line in resumed] == [3, 4, 5, 6]


def test_a_damaged_checkpoint_is_refused_before_any_worker_starts(saved, tmp_path):
    import shutil

    tmp, _ = saved
    copy = tmp_path / "copy"
    shutil.copytree(tmp / "ck" / "step_000003", copy)
    shard = next(p for p in copy.iterdir() if p.suffix == ".safetensors")
    with open(shard, "r+b") as f:
        f.truncate(shard.stat().st_size // 2)
    proc = run_llmpar(["train", *RUN, "--dp", "1", "--resume", str(copy)])
    assert proc.returncode == 2 and "truncated" in proc.stderr and "Traceback" not in proc.stderr


def test_init_starts_a_new_run_from_the_weights(saved, tmp_path):
    """--init loads the weights only: the first step's loss is the saved model's loss on the first batch."""
    import torch.nn.functional as F

    import llmpar
    from llmpar.data import ByteTokenizer, TokenBatches, load_tokens

    tmp, _ = saved
    got = train_metrics(tmp_path, "init", [*RUN, "--dp", "2", "--steps", "2", "--init", str(tmp / "ck")])
    model = llmpar.load_model(str(tmp / "ck"), dtype=torch.float64)
    x, y = TokenBatches(load_tokens(None, ByteTokenizer())[0], 32, seed=0).micro_batch(0, 8, 1, 0, 1, 0)
    with torch.no_grad():
        expected = F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
    assert got[0]["loss"] == pytest.approx(expected, rel=1e-12)


def test_3d_layouts_match_one_process(tmp_path):
    """dp 2 × tp 2 × pp 2 with ZeRO-1 and 1F1B on 8 ranks, and dp 2 × pp 2 with ZeRO-3, in one launch each."""
    three_d = launch_layouts(
        tmp_path, 8, {"3d": dict(FP64_RUN, model="tiny", dp=2, tp=2, pp=2, zero=1, schedule="1f1b", micro_batches=2)}
    )["3d"]
    tiny = [*FP64_ARGS, "--model", "tiny"]
    zero3 = train_metrics(
        tmp_path, "dp2-pp2-zero3", [*tiny, "--dp", "2", "--pp", "2", "--zero", "3", "--micro-batches", "2"]
    )
    ref = train_metrics(tmp_path, "ref", [*tiny, "--dp", "1"])
    for got in (three_d, zero3):
        assert max_rel_diff(ref, got, "loss") <= 1e-9
        assert max_rel_diff(ref, got, "grad_norm") <= 1e-9
    assert three_d[0]["layout"] == {
        "dp": 2,
        "tp": 2,
        "pp": 2,
        "zero": 1,
        "schedule": "1f1b",
        "micro_batches": 2,
        "sequence_parallel": False,
        "recompute": "none",
        "cp": 1,
        "cp_mode": "ring",
    }
    assert all(three_d[-1]["comm_bytes"][axis] > 0 for axis in ("dp", "tp", "pp"))
    assert three_d[-1]["comm_bytes"]["cp"] == 0

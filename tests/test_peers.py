"""`python -m llmpar.compare.peers`: torch's equivalents of llmpar's layouts train exactly as llmpar does (fp64: the
same losses and validation loss as one llmpar process), write llmpar's metrics lines, and refuse in one line what
they cannot run."""

from __future__ import annotations

import json
import sys

import pytest

from helpers import FAST, FP64_ARGS, FP64_RUN, LAUNCHER_VARIABLES, read_metrics, run_llmpar
from llmpar.compare import peers
from llmpar.compare.peers import PEERS, main, peer_for

PEER_COMMAND = [sys.executable, "-m", "llmpar.compare.peers"]


def _layout(**changes) -> dict:
    return {
        "dp": 1,
        "tp": 1,
        "pp": 1,
        "zero": 0,
        "schedule": "1f1b",
        "micro_batches": 1,
        "sequence_parallel": False,
        "recompute": "none",
        **changes,
    }


@pytest.mark.parametrize(
    "layout, peer",
    [
        (_layout(dp=2), "ddp"),
        (_layout(dp=4, micro_batches=2), "ddp"),
        (_layout(dp=2, zero=1), "zero-torch"),
        (_layout(dp=2, zero=2), None),
        (_layout(dp=8, zero=3), "fsdp2"),
        (_layout(tp=2), "dtensor-tp"),
        (_layout(tp=4, sequence_parallel=True), "dtensor-tp"),
        (_layout(pp=2), "pipelining"),
        (_layout(pp=4, schedule="gpipe", micro_batches=8), "pipelining"),
        (_layout(pp=2, schedule="interleaved"), None),
        (_layout(pp=2, schedule="zb"), None),
        (_layout(pp=2, schedule="naive"), None),
        (_layout(), None),  # one process
        (_layout(dp=2, tp=2), None),
        (_layout(dp=2, pp=2), None),
        (_layout(tp=2, pp=2), None),
        (_layout(dp=2, zero=1, tp=2), None),
        (_layout(dp=2, recompute="selective"), None),
        (_layout(tp=2, recompute="full"), None),
        (_layout(pp=2, recompute="full"), None),
        ({**_layout(dp=2), "cp": 2}, None),  # context parallelism: torch's cannot run on a CPU
        ({**_layout(tp=2), "cp": 2, "cp_mode": "all-to-all"}, None),
        ({"dp": 2}, "ddp"),  # the keys left out: llmpar's defaults
    ],
)
def test_peer_for_names_the_twin_of_a_layout(layout, peer):
    assert peer_for(layout) == peer
    assert peer is None or peer in PEERS


def test_every_peer_has_a_one_line_description():
    assert list(PEERS) == ["ddp", "zero-torch", "fsdp2", "dtensor-tp", "pipelining"]
    assert all(isinstance(v, str) and v and "\n" not in v for v in PEERS.values())
    assert set(peers.PEER_CLASSES) == set(PEERS)


@pytest.fixture
def no_launch(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a worker would have started")

    monkeypatch.setattr(peers, "launch", forbidden)
    for var in LAUNCHER_VARIABLES:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--peer", "megatron", "--dp", "2"], "--peer: 'megatron' is not one of ddp, zero-torch"),
        (
            ["--peer", "ddp", "--dp", "1", "--tp", "2"],
            "--tp 2: it runs with --tp 1; this layout's twin is --peer dtensor-tp",
        ),
        (["--peer", "ddp", "--dp", "1"], "--dp 1: it runs with --dp 2 or more"),
        (
            ["--peer", "ddp", "--dp", "2", "--zero", "1"],
            "--zero 1: it runs with --zero 0; this layout's twin is --peer zero-torch",
        ),
        (["--peer", "zero-torch", "--dp", "2", "--zero", "2"], "--zero 2: it runs with --zero 1; no peer is the twin"),
        (["--peer", "fsdp2", "--dp", "2", "--zero", "3", "--tp", "2"], "--tp 2: it runs with --tp 1; no peer"),
        (["--peer", "dtensor-tp", "--tp", "2", "--dp", "2"], "--dp 2: it runs with --dp 1"),
        (
            ["--peer", "pipelining", "--pp", "2", "--dp", "1", "--schedule", "interleaved", "--micro-batches", "2"],
            "--schedule interleaved: it runs with --schedule 1f1b or gpipe",
        ),
        (["--peer", "pipelining", "--pp", "1", "--dp", "1"], "--pp 1: it runs with --pp 2 or more"),
        (["--peer", "ddp", "--dp", "2", "--recompute", "full"], "--recompute full: the peers recompute nothing"),
        (["--peer", "ddp", "--dp", "2", "--dtype", "bf16"], "--dtype bf16"),
        (["--peer", "ddp", "--dp", "2", "--save", "x"], "--save: a peer writes no checkpoints"),
        (["--peer", "ddp", "--layout", "auto"], "--layout auto: a peer runs the layout its flags give"),
        (["--peer", "dtensor-tp", "--tp", "2", "--dp", "1", "--model", "tiny-gpt2"], "ties its embedding"),
        (["--peer", "ddp", "--dp", "2", "--global-batch-size", "7"], "--global-batch-size 7 is not divisible"),
    ],
)
def test_what_a_peer_cannot_run_is_one_line_before_any_worker(argv, needle, capsys, no_launch, tmp_path):
    code = main([*argv, "--model", "tiny", "--device", "cpu"] if "--model" not in argv else [*argv, "--device", "cpu"])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("llmpar.compare.peers: error: "), err
    assert needle in err, err
    assert "Traceback" not in err


def test_peer_is_required(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--dp", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2
    assert "--peer" in err[-1], err


# The runs: each peer against one llmpar process (the same flags but the layout), fp64, tiny, 3 steps.
PEER_RUNS = {
    "ddp": ["--peer", "ddp", "--dp", "2", "--micro-batches", "2"],
    "zero-torch": ["--peer", "zero-torch", "--dp", "2", "--zero", "1"],
    "fsdp2": ["--peer", "fsdp2", "--dp", "2", "--zero", "3"],
    "dtensor-tp": ["--peer", "dtensor-tp", "--dp", "1", "--tp", "2"],
    "dtensor-tp-sp": ["--peer", "dtensor-tp", "--dp", "1", "--tp", "2", "--sequence-parallel"],
    "pipelining-1f1b": ["--peer", "pipelining", "--dp", "1", "--pp", "2", "--micro-batches", "4"],
    "pipelining-gpipe": [
        "--peer",
        "pipelining",
        "--dp",
        "1",
        "--pp",
        "2",
        "--schedule",
        "gpipe",
        "--micro-batches",
        "2",
    ],
}
EXACT = 1e-9


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One llmpar process, fp64: its metrics lines and summary (trained in this process, as `llmpar train` trains a
    layout of one process)."""
    import torch

    from llmpar.config import TrainConfig, validate
    from llmpar.train.trainer import train

    tmp = tmp_path_factory.mktemp("reference")
    threads = torch.get_num_threads()
    try:
        cfg = validate(TrainConfig(model="tiny", **FP64_RUN, dp=1, metrics=str(tmp / "llmpar.jsonl")))
        summary = train(cfg)
    finally:
        torch.set_num_threads(threads)
    return read_metrics(tmp / "llmpar.jsonl"), summary


@pytest.mark.slow
@pytest.mark.parametrize("run", list(PEER_RUNS))
def test_a_peer_trains_exactly_as_llmpar_in_fp64(run, reference, tmp_path):
    ours, our_summary = reference
    metrics, summary_file = tmp_path / "metrics.jsonl", tmp_path / "out" / "summary.json"
    args = [*PEER_RUNS[run], "--model", "tiny", *FP64_ARGS, "--metrics", str(metrics), "--summary", str(summary_file)]
    proc = run_llmpar(args, prefix=PEER_COMMAND, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    theirs = read_metrics(metrics)
    summary = json.loads(summary_file.read_text())
    assert len(theirs) == len(ours) == 3
    deviations = [abs(a["loss"] - b["loss"]) / abs(a["loss"]) for a, b in zip(ours, theirs)]
    val = abs(summary["val_loss"] - our_summary["val_loss"]) / our_summary["val_loss"]
    print(f"{run}: loss max rel deviation {max(deviations):.2e}, val_loss {val:.2e}")
    assert max(deviations) < EXACT, (deviations, ours, theirs)
    assert val < EXACT, (summary, our_summary)
    assert summary["val_accuracy"] == pytest.approx(our_summary["val_accuracy"], rel=EXACT)
    assert summary["first_loss"] == pytest.approx(ours[0]["loss"], rel=EXACT)
    assert summary["final_loss"] == pytest.approx(ours[-1]["loss"], rel=EXACT)
    assert set(summary) == {"first_loss", "final_loss", "val_loss", "val_accuracy", "elapsed_s", "tokens_per_s"}
    for a, b in zip(ours, theirs):
        assert list(b) == list(a), "the keys of llmpar's metrics line, in its order"
        assert b["step"] == a["step"] and b["lr"] == a["lr"] and b["tokens"] == a["tokens"]
        assert b["grad_norm"] == pytest.approx(a["grad_norm"], rel=EXACT)
        assert b["mfu"] is None and b["comm_bytes"] is None
        assert b["model_state_bytes"] > 0 and b["peak_mem_bytes"] > 0 and b["activation_bytes"] > 0
        assert b["step_time_s"] > 0 and b["tokens_per_s"] == pytest.approx(b["tokens"] / b["step_time_s"])
        peer = PEER_RUNS[run][1]
        assert b["layout"]["peer"] == peer and peer_for(b["layout"]) == peer
        assert 0.0 <= b["bubble_fraction"] < 1.0 and (b["bubble_fraction"] > 0) == (peer == "pipelining")


@pytest.mark.slow
def test_a_failed_peer_worker_ends_the_job_naming_its_rank(tmp_path):
    args = ["--peer", "ddp", "--dp", "2", *FAST, "--metrics", str(tmp_path / "m.jsonl")]
    proc = run_llmpar(args, prefix=PEER_COMMAND, env={"LLMPAR_INJECT_FAULT": "1:2"}, timeout=120)
    assert proc.returncode == 1, proc.stderr[-3000:]
    err = proc.stderr.strip().splitlines()
    assert err[-1].startswith("llmpar.compare.peers: --peer ddp failed: worker rank 1 (pid "), err
    assert "injected fault (LLMPAR_INJECT_FAULT) on rank 1 at step 2" in err[-1]
    assert "Traceback" not in proc.stderr
    assert len(read_metrics(tmp_path / "m.jsonl")) == 1  # step 1's line, written before the failure

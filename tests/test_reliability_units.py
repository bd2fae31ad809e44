"""The pieces of reliability that need no worker processes: the save folder's lock and ownership, the metrics
file kept across a resume, the stop request, the heartbeat's explanation of a failed wait, one-line failures."""

import json
import os
import time

import pytest
import torch.distributed as dist

from llmpar.checkpoint.format import complete_steps
from llmpar.checkpoint.ownership import FolderLock, check_save_folder, resume_after_restart
from llmpar.config import TrainConfig
from llmpar.errors import UserError
from llmpar.launch import describe_exception, describe_failures
from llmpar.train import preempt
from llmpar.train.metrics import MetricsWriter
from llmpar.watchdog import PREFIX, Watchdog


def _checkpoint(root, step):
    folder = root / f"step_{step:06d}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")


def test_a_save_folder_with_checkpoints_is_refused_unless_the_run_resumes_from_it(tmp_path):
    ck = tmp_path / "ck"
    check_save_folder(str(ck), None)  # no folder yet
    ck.mkdir()
    (ck / ".partial-step_000004").mkdir()  # a crashed save is not a checkpoint
    check_save_folder(str(ck), None)
    _checkpoint(ck, 2)
    _checkpoint(ck, 10)
    assert [step for step, _ in complete_steps(str(ck))] == [2, 10]
    with pytest.raises(
        UserError,
        match=r"already holds checkpoints of a run \(steps 2 to 10\); to continue that "
        r"run add --resume",
    ):
        check_save_folder(str(ck), None)
    with pytest.raises(UserError):
        check_save_folder(str(ck), str(tmp_path / "elsewhere"))
    check_save_folder(str(ck), str(ck))
    check_save_folder(str(ck), str(ck / "step_000002"))


def test_the_folder_lock_admits_one_run_and_is_dropped_with_it(tmp_path):
    ck = str(tmp_path / "ck")
    first = FolderLock(ck)
    with pytest.raises(UserError, match="another llmpar run is writing checkpoints there now"):
        FolderLock(ck)
    assert os.listdir(ck) == []  # the lock adds nothing to the folder
    first.release()
    with FolderLock(ck):
        pass


def test_a_restarted_worker_resumes_from_the_save_folder(tmp_path, monkeypatch):
    cfg = TrainConfig(save=str(tmp_path / "ck"), init="some/hf/folder")
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "1")
    assert not resume_after_restart(cfg)  # nothing saved yet: start as the first attempt did
    _checkpoint(tmp_path / "ck", 4)
    assert resume_after_restart(cfg) and (cfg.resume, cfg.init) == (str(tmp_path / "ck"), None)
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "0")
    assert not resume_after_restart(TrainConfig(save=str(tmp_path / "ck")))  # the first attempt: no


def test_resuming_keeps_the_metrics_lines_up_to_the_checkpoint(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps({"step": s, "loss": 1.0}) + "\n" for s in range(1, 8)) + '{"step": 8, "lo')
    writer = MetricsWriter(str(path), keep_until=5)
    writer.write({"step": 6, "loss": 2.0})
    writer.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["step"], r["loss"]) for r in lines] == [(1, 1.0), (2, 1.0), (3, 1.0), (4, 1.0), (5, 1.0), (6, 2.0)]
    MetricsWriter(str(path)).close()  # a new run starts afresh
    assert path.read_text() == ""


def test_a_stop_request_arrives_by_signal_or_by_file(tmp_path, monkeypatch):
    monkeypatch.setattr(preempt, "_requested", [])
    monkeypatch.delenv(preempt.STOP_FILE, raising=False)
    assert preempt.requested() is None
    stop = tmp_path / "stop"
    monkeypatch.setenv(preempt.STOP_FILE, str(stop))
    assert preempt.requested() is None
    stop.write_text("SIGTERM")
    assert preempt.requested() == "SIGTERM"
    preempt.request("SIGUSR1")  # the first reason stays
    assert preempt.requested() == "SIGTERM"


def _store():
    return dist.HashStore()


def test_a_failed_wait_names_the_peer_that_stopped_and_what_it_was_doing():
    store = _store()
    waiting = Watchdog(0, store, interval=0.05)
    stuck = Watchdog(1, store, interval=0.05)
    busy = Watchdog(2, store, interval=0.05)
    try:
        stuck.activity.at(7, "training")
        busy.activity.at(7, "saving")
        time.sleep(0.2)
        stuck.close()  # stops beating, like a stopped process
        beats = dist.PrefixStore(PREFIX, store)
        stale = json.loads(beats.get("1"))
        stale["t"] -= 30
        beats.set("1", json.dumps(stale))
        waiting.activity.at(7, "training")
        waiting.activity.enter("all_reduce on the dp axis")
        time.sleep(0.1)
        text = waiting.explain(
            RuntimeError("[gloo/unbound_buffer.cc:78] Timed out waiting 5000ms for recv operation to complete"),
            "all_reduce on the dp axis",
            [0, 1, 2, 3],
        )
    finally:
        for dog in (waiting, stuck, busy):
            dog.close()
    assert text.startswith(
        "rank 0 timed out after 0.1 s waiting in all_reduce on the dp axis (group ranks 0, 1, 2, "
        "3) at step 7 (training): "
    )
    assert "rank 1 is not running (stopped or hung: no heartbeat for 3" in text
    assert "last seen at step 7, computing (training)" in text
    assert "rank 2 has been busy outside any collective for" in text and "(step 7, saving)" in text
    assert "rank 3 never reported" in text


def test_a_peer_waiting_in_the_same_collective_is_not_blamed():
    store = _store()
    a, b = Watchdog(0, store, interval=0.05), Watchdog(1, store, interval=0.05)
    try:
        for dog in (a, b):
            dog.activity.at(3, "training")
            dog.activity.enter("all_gather on the tp axis")
        time.sleep(0.15)
        text = a.explain(RuntimeError("Connection closed by peer"), "all_gather on the tp axis", [0, 1])
    finally:
        a.close()
        b.close()
    assert text.endswith(": Connection closed by peer") and "failed after" in text


class _Failure:
    def __init__(self, pid, exitcode, message=None, sig=None):
        self.pid, self.exitcode, self._sig = pid, exitcode, sig
        self.error_file_data = {"message": {"message": message}} if message else {}

    def signal_name(self):
        return self._sig


class _ChildFailed:
    def __init__(self, failures, first):
        self.failures, self._first = failures, first

    def get_first_failure(self):
        return self._first, self.failures[self._first]


def test_workers_failing_alike_share_one_line_and_a_killed_one_gets_a_hint():
    nan = "llmpar.errors.TrainingError: the loss is nan at step 3, so training cannot go on"
    text = describe_failures(_ChildFailed({0: _Failure(10, 1, nan), 1: _Failure(11, 1, nan)}, 0))
    assert text == "worker ranks 0, 1 failed: the loss is nan at step 3, so training cannot go on"
    text = describe_failures(
        _ChildFailed({0: _Failure(10, 1, "RuntimeError: boom"), 1: _Failure(11, -9, sig="SIGKILL")}, 1)
    )
    first, second = text.splitlines()
    assert first.startswith(
        "worker rank 1 (pid 11) failed first: killed by signal SIGKILL (unless someone killed "
        "it, most likely the kernel's out-of-memory killer"
    )
    assert second == "worker rank 0 (pid 10) failed: RuntimeError: boom"


def test_an_exception_is_described_on_one_line():
    assert describe_exception(ValueError("bad\nvalue")) == "ValueError: bad value"
    assert describe_exception(UserError("--data x: too short")) == "--data x: too short"
    assert describe_exception(MemoryError()).startswith("out of memory (MemoryError)")


def test_a_run_from_a_checkpoint_or_hugging_face_folder_is_named_by_it():
    assert TrainConfig(init="models/my-llama").model_name == "the model of models/my-llama"
    assert TrainConfig(resume="runs/ck").model_name == "the model of runs/ck"
    assert TrainConfig(model="tiny", init="runs/ck").model_name == "tiny"
    assert TrainConfig().model_name == "small"

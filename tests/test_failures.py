"""A failed worker takes the whole job down, promptly, with its message; nothing hangs."""

import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import FAST, workers

pytestmark = pytest.mark.slow


def test_a_worker_that_raises_ends_the_job_with_its_message():
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "llmpar", "train", *FAST, "--dp", "2", "--steps", "50"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LLMPAR_INJECT_FAULT": "1:3"},
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 1
    assert "worker rank 1" in proc.stderr
    assert "RuntimeError: injected fault (LLMPAR_INJECT_FAULT) on rank 1 at step 3" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert elapsed < 60


def _is_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"spawn_main" in f.read()
    except FileNotFoundError:
        return False


def _start_two_workers(tmp_path):
    """A long --dp 2 run, returned once it has written its first metrics line, with its workers' pids."""
    metrics = tmp_path / "m.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmpar", "train", *FAST, "--dp", "2", "--steps", "100000", "--metrics", str(metrics)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (metrics.exists() and metrics.stat().st_size > 0):  # training is under way
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("training did not start")
        time.sleep(0.2)
    found = workers([proc.pid])
    assert len(found) == 2
    return proc, found


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the workers through Linux's /proc")
def test_a_killed_worker_ends_the_job_within_a_minute(tmp_path):
    proc, workers = _start_two_workers(tmp_path)
    try:
        os.kill(workers[-1], signal.SIGKILL)
        killed_at = time.monotonic()
        _, err = proc.communicate(timeout=60)
        assert time.monotonic() - killed_at < 60
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1
    assert f"(pid {workers[-1]}) failed: killed by signal SIGKILL" in err
    for pid in workers:  # no worker left behind
        assert not _is_worker(pid)


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the workers through Linux's /proc")
def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path):
    proc, workers = _start_two_workers(tmp_path)
    try:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "stopped by SIGINT" in err and "Traceback" not in err
    assert workers and not any(_is_worker(pid) for pid in workers)

"""Nothing lost (slow, real workers): restarts after SIGKILL, under our launcher and under torchrun with two
agents; a stop on request saves and resumes exactly; a stuck rank ends the job with its name; a save folder
belongs to one run; a one-process run fails like a multi-process one; the closing sample of a padded vocabulary.

One uninterrupted fp64 run is the reference every interrupted run must reproduce, step for step, to 1e-9."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from helpers import (
    FAST,
    assert_none_left,
    max_rel_diff,
    read_metrics,
    run_llmpar,
    tagged_env,
    train_metrics,
    workers,
)
from llmpar.train.metrics import last_step

pytestmark = pytest.mark.slow

RUN = [*FAST, "--dtype", "fp64", "--steps", "24", "--lr", "3e-3", "--timeout", "60"]
LLMPAR = [sys.executable, "-m", "llmpar"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted run: 24 steps on 2 data-parallel processes."""
    return train_metrics(tmp_path_factory.mktemp("ref"), "ref", [*RUN, "--dp", "2"])


def _wait_for_step(procs: list[subprocess.Popen], metrics, step: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while last_step(metrics) < step:
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            for p in procs:
                p.kill()
            pytest.fail(
                f"the run did not reach step {step}: " + " | ".join((p.communicate()[1] or "")[-1500:] for p in procs)
            )
        time.sleep(0.1)


def _kill_a_worker_at(procs, metrics, steps: list[int]) -> None:
    """SIGKILL one worker (the last found) when the metrics reach each of `steps` in turn."""
    for step in steps:
        _wait_for_step(procs, metrics, step)
        found = workers([p.pid for p in procs])
        assert found, "no worker found"
        os.kill(found[-1], signal.SIGKILL)
        time.sleep(1.0)


def _popen(cmd: list[str], env: dict) -> subprocess.Popen:
    """A run driven by hand (its output read at the end)."""
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _saving(tmp_path, metrics, *more: str) -> list[str]:
    """The flags of a run that saves every 4 steps into tmp_path/ck and writes its metrics."""
    return ["--save", str(tmp_path / "ck"), "--save-every", "4", *more, "--metrics", str(metrics)]


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the workers through Linux's /proc")
def test_killed_twice_the_run_restarts_and_ends_as_if_never_interrupted(tmp_path, reference):
    """--max-restarts: two SIGKILLs, two restarts from the latest (background-written) checkpoint; the loss curve
    and the metrics file are those of the uninterrupted run."""
    metrics = tmp_path / "m.jsonl"
    env, tag = tagged_env()
    proc = _popen(
        [*LLMPAR, "train", *RUN, "--dp", "2", *_saving(tmp_path, metrics, "--save-async", "--max-restarts", "3")], env
    )
    try:
        _kill_a_worker_at([proc], metrics, [7, 15])
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-3000:]
    assert "restart 1 of 3 after a worker failed" in out and "restart 2 of 3" in out
    got = read_metrics(metrics)
    assert [line["step"] for line in got] == list(range(1, 25))  # each step once: none missing, none repeated
    assert max_rel_diff(reference, got, "loss") <= 1e-9
    assert max_rel_diff(reference, got, "grad_norm") <= 1e-9
    assert_none_left(tag)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the workers through Linux's /proc")
def test_under_torchrun_with_two_agents_a_restarted_group_resumes_by_itself(tmp_path, reference):
    """Two torchrun agents on the loopback address (as two machines would run), torchrun's own --max-restarts;
    the restarted workers find the latest complete checkpoint in --save without being told."""
    metrics, port = tmp_path / "m.jsonl", _free_port()
    env, tag = tagged_env({"TORCH_DISABLE_SHARE_RDZV_TCP_STORE": "1"})  # (as llmpar's warning advises)
    agents = [
        _popen(
            [
                sys.executable,
                "-m",
                "torch.distributed.run",
                "--nnodes",
                "2",
                "--nproc-per-node",
                "1",
                "--rdzv-backend",
                "c10d",
                "--rdzv-endpoint",
                f"127.0.0.1:{port}",
                "--rdzv-id",
                f"llmpar-{tag[:8]}",
                "--max-restarts",
                "2",
                "-m",
                "llmpar",
                "train",
                *RUN,
                *_saving(tmp_path, metrics),
            ],
            env,
        )
        for _ in range(2)
    ]
    try:
        _kill_a_worker_at(agents, metrics, [10])
        results = [a.communicate(timeout=300) for a in agents]
    finally:
        for a in agents:
            if a.poll() is None:
                a.kill()
    assert [a.returncode for a in agents] == [0, 0], [err[-2000:] for _, err in results]
    assert any("restart 1 of 2 after a worker failed: resuming from" in out for out, _ in results)
    got = read_metrics(metrics)
    assert [line["step"] for line in got] == list(range(1, 25))
    assert max_rel_diff(reference, got, "loss") <= 1e-9
    assert_none_left(tag)


def _start(tmp_path, args, env=None):
    metrics = tmp_path / "m.jsonl"
    full_env, tag = tagged_env(env)
    return _popen([*LLMPAR, "train", *args, "--metrics", str(metrics)], full_env), metrics, tag


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the workers through Linux's /proc")
def test_sigterm_to_the_launcher_saves_stops_with_75_and_resuming_continues_exactly(tmp_path, reference):
    ck = tmp_path / "ck"
    proc, metrics, tag = _start(tmp_path, [*RUN, "--dp", "2", "--save", str(ck), "--save-every", "100"])
    try:
        _wait_for_step([proc], metrics, 5)
        proc.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - asked
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 75, err[-3000:]
    stopped_at = last_step(metrics)
    assert 5 <= stopped_at < 24
    assert f"stopped by SIGTERM after step {stopped_at}" in err and f"--resume {ck}" in err
    assert "Traceback" not in err
    assert took < 30  # the rest of one step, one save, and the processes' exit (1.3 s: benchmarks/stop_times.py)
    assert sorted(os.listdir(ck)) == [f"step_{stopped_at:06d}"]
    assert_none_left(tag)
    # The same command with --resume continues the run as if it had never stopped, in the same metrics file.
    proc = run_llmpar(["train", *RUN, "--dp", "2", "--save", str(ck), "--resume", str(ck), "--metrics", str(metrics)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = read_metrics(metrics)
    assert [line["step"] for line in got] == list(range(1, 25))
    assert max_rel_diff(reference, got, "loss") <= 1e-9


def test_sigusr1_to_a_one_process_run_saves_and_stops(tmp_path):
    ck = tmp_path / "ck"
    proc, metrics, tag = _start(tmp_path, [*RUN, "--dp", "1", "--steps", "100000", "--save", str(ck)])
    try:
        _wait_for_step([proc], metrics, 3)
        proc.send_signal(signal.SIGUSR1)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 75, err[-3000:]
    step = last_step(metrics)
    assert f"stopped by SIGUSR1 after step {step}" in err
    assert os.path.isfile(ck / f"step_{step:06d}" / "manifest.json")
    assert_none_left(tag)


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="stops a worker through Linux's /proc")
@pytest.mark.parametrize("how", ["sleep", "SIGSTOP", "sleep-cp"])
def test_a_rank_that_stops_making_progress_ends_the_job_within_the_timeout_and_is_named(tmp_path, how):
    timeout = 8
    env = {"LLMPAR_INJECT_FAULT": "1:sleep:4"} if how != "SIGSTOP" else None
    layout = ["--dp", "1", "--cp", "2"] if how == "sleep-cp" else ["--dp", "2"]  # cp: its peer waits in attention
    proc, metrics, tag = _start(tmp_path, [*FAST, *layout, "--steps", "100000", "--timeout", str(timeout)], env)
    try:
        _wait_for_step([proc], metrics, 3)
        if how == "SIGSTOP":
            victim = max(workers([proc.pid]))  # rank 1: the launcher starts the ranks in order
            os.kill(victim, signal.SIGSTOP)
        stuck = time.monotonic()
        _, err = proc.communicate(timeout=120)
        took = time.monotonic() - stuck
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1
    lines = err.strip().splitlines()
    assert lines[0] == "llmpar train: failed" and len(lines) == 2, err
    assert "worker rank 0 (pid" in lines[1] and f"rank 0 timed out after {timeout}" in lines[1]
    if how == "sleep-cp":  # the ring's first transfer of the step
        assert "to rank 1 on the cp axis" in lines[1] or "from rank 1 on the cp axis" in lines[1], lines[1]
    else:
        assert "on the dp axis" in lines[1] or "on the world axis" in lines[1]  # the operation and its mesh axis
    culprit = "rank 1 is not running" if how == "SIGSTOP" else "rank 1 has been busy outside any collective"
    assert culprit in lines[1], lines[1]
    assert took < timeout + 15
    assert_none_left(tag)


def test_a_save_folder_belongs_to_one_run(tmp_path):
    ck = tmp_path / "ck"
    args = [*FAST, "--dp", "1", "--steps", "3"]
    assert run_llmpar(["train", *args, "--save", str(ck)]).returncode == 0
    before = {f: os.path.getmtime(ck / "step_000003" / f) for f in os.listdir(ck / "step_000003")}
    proc = run_llmpar(["train", *args, "--seed", "1", "--save", str(ck)])
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"llmpar train: error: --save {ck} already holds checkpoints of a run (step 3); "
        f"to continue that run add --resume {ck}, to start a new one give --save "
        f"another folder"
    )
    assert {f: os.path.getmtime(ck / "step_000003" / f) for f in os.listdir(ck / "step_000003")} == before
    # Resuming it is the way to write there again.
    assert run_llmpar(["train", *args, "--steps", "4", "--save", str(ck), "--resume", str(ck)]).returncode == 0
    assert sorted(os.listdir(ck)) == ["step_000003", "step_000004"]


def test_two_runs_cannot_write_one_save_folder_at_once(tmp_path):
    ck = tmp_path / "ck"
    first, metrics, _ = _start(tmp_path, [*FAST, "--dp", "1", "--steps", "100000", "--save", str(ck)])
    try:
        _wait_for_step([first], metrics, 1)  # running, holding the folder, no checkpoint yet
        second = run_llmpar(["train", *FAST, "--dp", "1", "--save", str(ck)])
    finally:
        first.kill()
        first.communicate()
    assert second.returncode == 2
    assert f"--save {ck}: another llmpar run is writing checkpoints there now" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("dp", ["1", "2"])
def test_a_worker_error_is_one_line_whatever_the_number_of_processes(tmp_path, dp):
    proc = run_llmpar(["train", *FAST, "--dp", dp, "--lr", "1e30"])  # the loss becomes NaN
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "llmpar train: failed" and "Traceback" not in proc.stderr
    assert len(lines) == 2, proc.stderr  # all ranks fail alike: one line for them
    assert "the loss is nan at step" in lines[1] and "lower --lr (now 1e+30)" in lines[1]
    if dp == "1":
        proc = run_llmpar(["train", *FAST, "--dp", "1"], env={"LLMPAR_INJECT_FAULT": "0:2"})
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[1].startswith("worker rank 0 (pid ")
        assert proc.stderr.strip().endswith(
            "failed: RuntimeError: injected fault (LLMPAR_INJECT_FAULT) on rank 0 at step 2"
        )


def test_a_padded_vocabulary_samples_only_what_the_tokenizer_decodes(tmp_path):
    """vocab_size 1000 on the byte tokenizer: the closing sample used to draw ids above 255 and fail the run."""
    config = tmp_path / "m.json"
    config.write_text(
        json.dumps(
            {
                "arch": "llama",
                "vocab_size": 1000,
                "d_model": 64,
                "n_layers": 2,
                "n_heads": 4,
                "n_kv_heads": 2,
                "d_ff": 128,
                "max_seq_len": 64,
            }
        )
    )
    args = [a for a in FAST if a not in ("--model", "tiny")]
    proc = run_llmpar(
        ["train", *args, "--model-config", str(config), "--dp", "1", "--sample-tokens", "300", "--eval-sequences", "0"]
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (
        "sample        (300 tokens after the prompt" in proc.stdout and "skipped" not in proc.stdout.split("sample")[1]
    )
    assert "validation    skipped (--eval-sequences 0)" in proc.stdout


def test_resuming_keeps_the_metrics_of_the_steps_before_and_says_how_the_schedule_continues(tmp_path):
    ck, metrics = tmp_path / "ck", tmp_path / "m.jsonl"
    args = [*FAST, "--dp", "1", "--save", str(ck), "--metrics", str(metrics)]
    assert run_llmpar(["train", *args, "--steps", "4", "--save-every", "2"]).returncode == 0
    with open(metrics, "a", encoding="utf-8") as f:
        f.write('{"step": 5, "loss": 1.0')  # a line cut short by a crash
    proc = run_llmpar(["train", *args, "--steps", "6", "--resume", str(ck / "step_000002")])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [line["step"] for line in read_metrics(metrics)] == [1, 2, 3, 4, 5, 6]
    assert "llmpar: resuming from" in proc.stdout
    assert (
        "the learning-rate schedule follows this run's flags (--steps 6; the checkpoint's run had --steps 4)"
        in proc.stdout
    )


def test_on_a_terminal_the_progress_bar_starts_below_the_first_line(tmp_path):
    """The bar used to be drawn before the run's first line, which then printed over it."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env, tag = tagged_env()
    args = [a for a in FAST if a != "--no-progress"]
    proc = subprocess.Popen(
        [*LLMPAR, "train", *args, "--dp", "1", "--steps", "3"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: the run is over
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    text = output.decode("utf-8", "replace")
    assert text.startswith("llmpar: training tiny"), text[:300]
    assert "3/3" in text  # the bar was drawn, after the first line
    assert_none_left(tag)

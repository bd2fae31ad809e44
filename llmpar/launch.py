"""Starting the workers, through PyTorch's elastic launcher (the engine behind torchrun).

- Under an outside `torchrun` (or Slurm running torchrun), this process is already one worker: it runs its part.
- Otherwise, with one process in the layout and no restarts asked for, it trains in this process.
- Otherwise it starts dp·tp·pp local workers with `elastic_launch`, as `torchrun --standalone` would. If one
  worker fails, the agent stops the others at once, and this process reports the failed worker's error; with
  --max-restarts N it restarts them instead (up to N times), and they resume from the latest checkpoint.

Whichever way the run goes, a failure ends as WorkerFailed (one line per failed worker), a stop on request
(SIGTERM/SIGUSR1 with --save) as Preempted, and a stop at once (Ctrl-C) as Interrupted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import uuid

from llmpar.config import TrainConfig, torchrun_world_size
from llmpar.errors import TrainingError, UserError
from llmpar.train.preempt import STOP_FILE, Preempted


class WorkerFailed(Exception):
    """One or more workers failed; the message says which and why."""


class Interrupted(Exception):
    """The launcher was asked to stop at once (Ctrl-C, a second SIGTERM); the workers have been stopped."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


def worker_entry(cfg: TrainConfig, in_launcher: bool = False) -> dict:
    """What each worker runs (a top-level function, so that the spawn start method can find it). Returns
    {"preempted": step, "checkpoint": folder, "why": signal} when it stopped early on request, else {}."""
    from llmpar.train import preempt
    from llmpar.train.trainer import train

    preempt.install(preemptible=cfg.save is not None, in_launcher=in_launcher)
    try:
        train(cfg)
    except Preempted as p:
        return {"preempted": p.step, "checkpoint": p.checkpoint, "why": p.why}
    return {}


def spawned_worker_entry(cfg: TrainConfig) -> dict:
    """What the workers `llmpar train` spawns run. One that has finished (its files closed, its process groups
    destroyed; the launcher's wrapper hands its result back before the interpreter exits) skips the interpreter's
    teardown of torch at exit: about 1.7 s less per run of two processes here. Restarted by the launcher, it
    resumes from the latest checkpoint in --save (under an outside torchrun, `validate` does that)."""
    from llmpar.checkpoint.ownership import resume_after_restart

    resume_after_restart(cfg)
    result = worker_entry(cfg)

    def leave():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    import atexit

    atexit.register(leave)
    return result


def launch(cfg: TrainConfig) -> None:
    """Run the job; raises WorkerFailed, Preempted or Interrupted when it does not simply finish."""
    outside = torchrun_world_size() is not None
    # The --save folder is this run's while it runs (rank 0 holds it under an outside torchrun).
    held = cfg.save if not outside or os.environ.get("RANK", "0") == "0" else None
    with _folder_lock(held) if held is not None else contextlib.nullcontext():
        if outside or (cfg.world_size == 1 and cfg.max_restarts == 0):
            _raise_if_preempted([_in_this_process(cfg, in_launcher=not outside)])
        else:
            _raise_if_preempted(_local_workers(cfg))


def _raise_if_preempted(results: list[dict]) -> None:
    """The workers' results (worker_entry's): Preempted if they stopped early on request."""
    stopped = [r for r in results if r and r.get("preempted") is not None]
    if stopped:
        checkpoint = next((r["checkpoint"] for r in stopped if r["checkpoint"]), None)  # (rank 0's)
        raise Preempted(stopped[0]["preempted"], checkpoint, stopped[0]["why"])


def _folder_lock(folder: str):
    from llmpar.checkpoint.ownership import FolderLock

    return FolderLock(folder)


def _in_this_process(cfg: TrainConfig, in_launcher: bool) -> dict:
    """This process is the worker: its errors are reported as a failed worker's, one line."""
    try:
        return worker_entry(cfg, in_launcher=in_launcher)
    except Exception as e:  # noqa: BLE001 - every failure of the worker is reported, none is lost
        rank = int(os.environ.get("RANK", "0"))
        if os.environ.get("LLMPAR_TRACEBACK"):
            import traceback

            traceback.print_exc()
        raise WorkerFailed(f"worker rank {rank} (pid {os.getpid()}) failed: {describe_exception(e)}") from None


def describe_exception(e: BaseException) -> str:
    """`Type: message` on one line, as the elastic launcher reports a worker's exception; our own error types
    (whose message says it all) without the type."""
    from llmpar.comm import CommError

    text = " ".join(str(e).split()) or type(e).__name__
    if isinstance(e, (UserError, CommError, TrainingError)):
        return text
    if isinstance(e, MemoryError) or "out of memory" in text.lower() or "can't allocate memory" in text:
        return (
            f"out of memory ({text}); a smaller micro-batch (--micro-batches), --zero, --tp or --pp would "
            f"need less per process"
        )
    return f"{type(e).__name__}: {text}"


def _local_workers(cfg: TrainConfig) -> list[dict]:
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    # We report failures ourselves, in one place; the launcher's own logs would repeat them with tracebacks.
    loggers = [logging.getLogger(name) for name in ("torch.distributed.elastic", "torch.multiprocessing")]
    levels = [logger.level for logger in loggers]
    if not os.environ.get("LLMPAR_LAUNCHER_LOGS"):  # (set it to see the launcher's own account)
        for logger in loggers:
            logger.setLevel(logging.CRITICAL)
    stop_dir = tempfile.mkdtemp(prefix="llmpar-stop-")
    stop_file = os.path.join(stop_dir, "stop")
    ours = {
        STOP_FILE: stop_file,  # the workers inherit it
        # SIGTERM and SIGUSR1 are ours (a request to save and stop); the agent keeps the rest (stop at once).
        "TORCHELASTIC_SIGNALS_TO_HANDLE": "SIGINT,SIGHUP,SIGQUIT",
        # A fresh store for the workers of every attempt: with the agent's store shared across restarts, the
        # restarted workers can read the previous attempt's addresses and fail to connect (pytorch#135712).
        "TORCH_DISABLE_SHARE_RDZV_TCP_STORE": "1",
    }
    saved_env = {name: os.environ.get(name) for name in ours}
    os.environ.update(ours)

    def on_stop_request(signum, frame):
        name = signal.Signals(signum).name
        if cfg.save is None or os.path.exists(stop_file):  # nothing to save, or asked twice: stop at once
            raise SignalException(f"got {name}", sigval=signal.Signals(signum))
        with open(stop_file, "w", encoding="utf-8") as f:
            f.write(name)
        print(
            f"llmpar train: {name} received: the workers finish this step, save a checkpoint, then stop (send "
            f"it again to stop at once)",
            file=sys.stderr,
            flush=True,
        )

    previous = {sig: signal.signal(sig, on_stop_request) for sig in (signal.SIGTERM, signal.SIGUSR1)}
    try:
        results = run_local(cfg.world_size, spawned_worker_entry, cfg, max_restarts=cfg.max_restarts)
    except ChildFailedError as e:
        raise WorkerFailed(describe_failures(e)) from None
    except SignalException as e:  # the agent has already stopped the workers
        raise Interrupted(e.sigval) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(stop_dir, ignore_errors=True)
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
    return list(results.values())


class _StoppedWorkerReaper:
    """Kills a worker that was asked to stop while it is stopped itself (SIGSTOP, a debugger): the agent's
    SIGTERM stays pending in a stopped process, and the agent waits 30 s before it kills it. Linux (/proc)."""

    def __init__(self, interval: float = 0.5):
        import threading

        self.interval, self.done = interval, threading.Event()
        self.thread = threading.Thread(target=self._run, name="llmpar-reaper", daemon=True)
        if os.path.isdir("/proc/self/task"):
            self.thread.start()

    def _run(self) -> None:
        from llmpar.procs import descendants, status

        term = 1 << (signal.SIGTERM - 1)
        while not self.done.wait(self.interval):
            for pid in descendants(os.getpid())[1:]:
                fields = status(pid)
                try:
                    stopped = fields.get("State", "").startswith(("T", "t"))
                    if stopped and int(fields.get("ShdPnd", "0"), 16) & term:
                        os.kill(pid, signal.SIGKILL)
                except (OSError, ValueError):
                    continue

    def close(self) -> None:
        self.done.set()


def run_local(nproc: int, fn, *args, max_restarts: int = 0) -> dict:
    """Run fn(*args) in nproc local workers through the elastic launcher, as `torchrun --standalone` would.
    Returns each rank's return value; raises ChildFailedError when a worker fails (the others are stopped) and
    no restart is left."""
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    config = LaunchConfig(
        min_nodes=1,
        max_nodes=1,
        nproc_per_node=nproc,
        run_id=f"llmpar-{uuid.uuid4().hex[:8]}",
        rdzv_backend="c10d",
        rdzv_endpoint="127.0.0.1:0",  # a free port
        max_restarts=max_restarts,
        monitor_interval=0.1,
        start_method="spawn",
    )
    if hasattr(config, "signals_to_handle"):  # (newer torch; older ones read only the environment variable)
        config.signals_to_handle = os.environ.get("TORCHELASTIC_SIGNALS_TO_HANDLE", config.signals_to_handle)
    if hasattr(config, "shutdown_timeout"):
        # Seconds between asking the workers to stop (SIGTERM, on which they exit at once) and killing them:
        # only a stopped or hung worker needs the kill.
        config.shutdown_timeout = 3
    reaper = _StoppedWorkerReaper()
    try:
        return elastic_launch(config, fn)(*args)
    finally:
        reaper.close()


_KILLED_HINT = {
    "SIGKILL": " (unless someone killed it, most likely the kernel's out-of-memory killer: `dmesg | grep -i "
    "'killed process'` says so; --zero 3, more --micro-batches, a shorter --seq-len or fewer processes "
    "need less memory, and `llmpar plan --hardware cpu` lists the layouts that fit)",
}


def describe_failures(error) -> str:
    """One line per failed worker: its rank and its error (exception message, or the signal that killed it).
    Workers that failed with the same message (all ranks see a non-finite loss) share one line."""
    root_rank = error.get_first_failure()[0]
    whys: dict[str, list] = {}
    for rank, f in sorted(error.failures.items()):
        if f.exitcode < 0:
            why = f"killed by signal {f.signal_name()}" + _KILLED_HINT.get(f.signal_name(), "")
        else:
            data = f.error_file_data if isinstance(f.error_file_data, dict) else {}
            message = data.get("message", {})
            text = message.get("message") if isinstance(message, dict) else message
            why = _strip_own_types(" ".join(str(text).split())) if text else f"exited with status {f.exitcode}"
        whys.setdefault(why, []).append((rank, f.pid))
    lines = []
    for why, who in sorted(whys.items(), key=lambda item: (item[1][0][0] != root_rank, item[1][0][0])):
        first = " first" if who[0][0] == root_rank and len(error.failures) > 1 and len(whys) > 1 else ""
        if len(who) == 1:
            lines.append(f"worker rank {who[0][0]} (pid {who[0][1]}) failed{first}: {why}")
        else:
            lines.append(f"worker ranks {', '.join(str(r) for r, _ in who)} failed{first}: {why}")
    return "\n".join(lines)


def _strip_own_types(message: str) -> str:
    """The elastic launcher reports `module.Type: message`; our own errors speak for themselves."""
    for name in ("UserError", "CommError", "TrainingError"):
        for prefix in (f"llmpar.errors.{name}: ", f"llmpar.comm.{name}: ", f"{name}: "):
            if message.startswith(prefix):
                return message[len(prefix) :]
    return message


__all__ = ["Interrupted", "Preempted", "TrainingError", "UserError", "WorkerFailed", "launch", "worker_entry"]

"""Starting the workers, through PyTorch's elastic launcher (the engine behind torchrun).

- Under an outside `torchrun` (or Slurm running torchrun), this process is already one worker: it runs its part.
- Otherwise, with one process in the layout, it trains in this process.
- Otherwise it starts dp·tp·pp local workers with `elastic_launch`, as `torchrun --standalone` would. If one
  worker fails, the agent stops the others at once, and this process reports the failed worker's error.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import uuid

from llmpar.config import TrainConfig, torchrun_world_size
from llmpar.errors import UserError


class WorkerFailed(Exception):
    """One or more workers failed; the message says which and why."""


class Interrupted(Exception):
    """The launcher was asked to stop (Ctrl-C, SIGTERM); the workers have been stopped."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


def _exit_on_signal(announce: bool) -> None:
    """Stop at once on SIGINT/SIGTERM. A KeyboardInterrupt could land anywhere, in a __del__ even, where Python
    swallows it (printing a traceback) and training would go on; the launcher or torchrun reports the stop."""
    def handler(signum, frame):
        if announce:
            print(f"llmpar train: stopped by {signal.Signals(signum).name}", file=sys.stderr, flush=True)
        os._exit(128 + signum)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


def worker_entry(cfg: TrainConfig, announce_stop: bool = False) -> None:
    """What each worker runs (a top-level function, so that the spawn start method can find it)."""
    from llmpar.train.trainer import train
    _exit_on_signal(announce_stop)
    train(cfg)


def launch(cfg: TrainConfig) -> None:
    if torchrun_world_size() is not None or cfg.world_size == 1:
        worker_entry(cfg, announce_stop=cfg.world_size == 1 and torchrun_world_size() is None)
        return

    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    # We report failures ourselves, in one place; the launcher's own logs would repeat them with tracebacks.
    loggers = [logging.getLogger(name) for name in ("torch.distributed.elastic", "torch.multiprocessing")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        run_local(cfg.world_size, worker_entry, cfg)
    except ChildFailedError as e:
        raise WorkerFailed(describe_failures(e)) from None
    except SignalException as e:  # the agent has already stopped the workers
        raise Interrupted(e.sigval) from None
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def run_local(nproc: int, fn, *args) -> dict:
    """Run fn(*args) in nproc local workers through the elastic launcher, as `torchrun --standalone` would.
    Returns each rank's return value; raises ChildFailedError when a worker fails (the others are stopped)."""
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch
    config = LaunchConfig(
        min_nodes=1, max_nodes=1, nproc_per_node=nproc, run_id=f"llmpar-{uuid.uuid4().hex[:8]}",
        rdzv_backend="c10d", rdzv_endpoint="127.0.0.1:0",  # a free port
        max_restarts=0, monitor_interval=0.1, start_method="spawn",
    )
    if hasattr(config, "shutdown_timeout"):
        config.shutdown_timeout = 10  # seconds between asking the other workers to stop and killing them
    return elastic_launch(config, fn)(*args)


def describe_failures(error) -> str:
    """One line per failed worker: its rank and its error (exception message, or the signal that killed it)."""
    lines = []
    root_rank = error.get_first_failure()[0]
    for rank, f in sorted(error.failures.items()):
        if f.exitcode < 0:
            why = f"killed by signal {f.signal_name()}"
        else:
            data = f.error_file_data if isinstance(f.error_file_data, dict) else {}
            message = data.get("message", {})
            why = message.get("message") if isinstance(message, dict) else message
            why = why or f"exited with status {f.exitcode}"
        lines.append(f"worker rank {rank} (pid {f.pid}) failed{' first' if rank == root_rank and len(error.failures) > 1 else ''}: {why}")
    return "\n".join(lines)


__all__ = ["Interrupted", "UserError", "WorkerFailed", "launch", "worker_entry"]

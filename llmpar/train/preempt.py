"""Stopping early when asked (a scheduler's notice before preemption): finish the step, save, stop.

How the request arrives:
- `llmpar train` launching its own workers: SIGTERM or SIGUSR1 to it. It creates the stop file named by
  LLMPAR_STOP_FILE (which the workers inherit); a second signal stops everything at once.
- A one-process run: SIGTERM or SIGUSR1 to it.
- Under an outside torchrun: SIGUSR1 to the workers (torchrun forwards signals it is told to handle:
  TORCHELASTIC_SIGNALS_TO_HANDLE=SIGTERM,SIGINT,SIGHUP,SIGQUIT,SIGUSR1, then SIGUSR1 to torchrun). SIGTERM to a
  worker stops it at once, because that is also how a launcher stops the workers of a failed job.

Each worker checks at the end of every step; the ranks agree (a maximum over the world, folded into the
metrics' reduction) so that all of them save the same step. Without --save there is nothing to keep, and the
signal stops the run at once.
"""

from __future__ import annotations

import os
import signal
import sys

EXIT_PREEMPTED = 75  # EX_TEMPFAIL: stopped early on request, after saving; resume to continue
STOP_FILE = "LLMPAR_STOP_FILE"

_requested: list[str] = []


class Preempted(Exception):
    """The run stopped early on request, after saving `checkpoint` at `step`."""

    def __init__(self, step: int, checkpoint: str | None, why: str):
        super().__init__(f"stopped by {why} after step {step}")
        self.step, self.checkpoint, self.why = step, checkpoint, why


def request(why: str) -> None:
    if not _requested:
        _requested.append(why)


def requested() -> str | None:
    """Why the run was asked to stop (a signal's name), or None."""
    if _requested:
        return _requested[0]
    path = os.environ.get(STOP_FILE)
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            request(f.read().strip() or "a stop request")
        return _requested[0]
    return None


def install(preemptible: bool, in_launcher: bool) -> None:
    """Signal handlers of a worker. SIGINT stops at once; SIGUSR1 (and SIGTERM `in_launcher`: a one-process run,
    whose launcher is the worker, which then also says what it does) asks for a save and a stop when
    `preemptible` (--save), and stops at once otherwise. A KeyboardInterrupt could land anywhere, in a __del__
    even, where Python swallows it, so stopping at once is os._exit; the launcher or torchrun reports it."""

    def stop_now(signum, frame):
        if in_launcher:
            print(f"llmpar train: stopped by {signal.Signals(signum).name}", file=sys.stderr, flush=True)
        os._exit(128 + signum)

    def save_and_stop(signum, frame):
        if _requested:
            if in_launcher:  # the second request: the user insists
                stop_now(signum, frame)
            return
        request(signal.Signals(signum).name)
        if in_launcher:
            print(
                f"llmpar train: {signal.Signals(signum).name} received: finishing this step, saving a checkpoint, "
                f"then stopping (send it again to stop at once)",
                file=sys.stderr,
                flush=True,
            )

    graceful = save_and_stop if preemptible else stop_now
    signal.signal(signal.SIGINT, stop_now)
    signal.signal(signal.SIGTERM, graceful if in_launcher else stop_now)
    signal.signal(signal.SIGUSR1, graceful)

"""Who is stuck: every worker publishes what it is doing, so that a wait that times out can name the culprit.

A collective that waits for a peer longer than `--timeout` fails on the ranks that wait (gloo raises; that is the
bound). What the error alone cannot say is *why* the peer did not come. So each worker runs a heartbeat thread
that writes, every second, into the job's key-value store (the rendezvous store every launcher provides):

    {"t": wall-clock time, "step": the optimizer step, "phase": "training" | "saving" | ...,
     "op": the collective the main thread waits in, or null while it computes, "since": when that began}

A process that is stopped (SIGSTOP, a debugger, swapped out) stops beating; one stuck in computation (a sleep,
a livelock) keeps beating with `op` null and an old `since`. When a wait fails, `explain` reads its peers'
heartbeats and writes one line: this rank, the operation and mesh axis it waited in, at which step, and for each
peer that did not arrive, what it was last seen doing.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch.distributed as dist

STALE_S = 3.0  # a heartbeat older than this: the process is not running
PREFIX = "llmpar-heartbeat"  # of the keys in the store


class Activity:
    """What this worker's main thread is doing now (written by the main thread, read by the heartbeat)."""

    def __init__(self):
        self.changed = threading.Event()  # wakes the heartbeat: a new step or phase is published at once
        self.step = 0
        self.phase = "starting"
        self.op: str | None = None  # e.g. "all_reduce on the dp axis"
        self.since = time.time()

    def enter(self, op: str) -> None:
        self.op, self.since = op, time.time()

    def leave(self) -> None:
        self.op, self.since = None, time.time()

    def at(self, step: int, phase: str) -> None:
        self.step, self.phase = step, phase
        self.changed.set()

    def state(self) -> dict:
        return {"t": time.time(), "step": self.step, "phase": self.phase, "op": self.op, "since": self.since}


class Watchdog:
    """The heartbeat thread of one worker, and the explanation of a failed wait."""

    def __init__(self, rank: int, store=None, interval: float = 1.0):
        self.rank, self.interval = rank, interval
        self.activity = Activity()
        self.store = None
        self.store_error: str | None = None
        self._stop = threading.Event()
        self._thread = None
        if store is not None:
            import torch.distributed as dist

            self.store = prefixed = dist.PrefixStore(PREFIX, store)
            self._in_group = dist.is_initialized()
            self._beat(prefixed)
            self._thread = threading.Thread(target=self._run, args=(prefixed,), name="llmpar-heartbeat", daemon=True)
            self._thread.start()

    def _beat(self, store: dist.PrefixStore) -> None:
        store.set(str(self.rank), json.dumps(self.activity.state()))

    def _run(self, store: dist.PrefixStore) -> None:
        import torch.distributed as dist

        while not self._stop.is_set():
            self.activity.changed.wait(self.interval)
            self.activity.changed.clear()
            if self._stop.is_set() or (self._in_group and not dist.is_initialized()):
                return  # (a trainer that was never closed, whose process group is gone)
            try:
                self._beat(store)
            except Exception:  # noqa: BLE001 - the store is gone: the job is ending
                return

    def close(self) -> None:
        self._stop.set()
        self.activity.changed.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def peers(self, ranks: list[int]) -> dict[int, dict | None]:
        """The last heartbeat of each rank (None: never seen)."""
        out: dict[int, dict | None] = dict.fromkeys(ranks)
        self.store_error = None
        if self.store is None:
            return out
        try:
            self.store.set_timeout(timedelta(seconds=5))
            for r in ranks:
                if self.store.check([str(r)]):
                    out[r] = json.loads(self.store.get(str(r)))
        except Exception as e:  # noqa: BLE001 - the store is unreachable (its host may be the stuck rank)
            self.store_error = " ".join(str(e).split())[:200] or type(e).__name__
        return out

    def explain(self, error: Exception, what: str, members: list[int]) -> str:
        """One line: this rank's failed wait, and what each other member of the group was last seen doing."""
        a = self.activity
        waited = time.time() - a.since
        cause = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        cause = cause.split("] ", 1)[-1]  # gloo prefixes its source location
        timed_out = "timed out" in cause.lower() or "timeout" in cause.lower()
        head = (
            f"rank {self.rank} {'timed out after' if timed_out else 'failed after'} {waited:.1f} s waiting in "
            f"{what} (group ranks {', '.join(map(str, members))}) at step {a.step} ({a.phase})"
        )
        now = time.time()
        blame = []
        for r, beat in self.peers([m for m in members if m != self.rank]).items():
            if beat is None:
                blame.append(f"rank {r} never reported")
            elif now - beat["t"] > STALE_S:
                blame.append(
                    f"rank {r} is not running (stopped or hung: no heartbeat for {now - beat['t']:.1f} s; "
                    f"last seen at step {beat['step']}, {_doing(beat)})"
                )
            elif beat["op"] is None:
                blame.append(
                    f"rank {r} has been busy outside any collective for {now - beat['since']:.1f} s "
                    f"(step {beat['step']}, {beat['phase']})"
                )
            elif beat["op"] != what or beat["step"] != a.step:
                blame.append(f"rank {r} is waiting elsewhere: {_doing(beat)} at step {beat['step']}")
        if self.store_error is not None:  # the store lives in rank 0's process (or the agent's)
            blame = [
                f"the peers' heartbeats could not be read ({self.store_error}); the store is hosted by rank 0 "
                f"or the launcher, which may be the one that stopped"
            ]
        if not blame:
            return f"{head}: {cause}"
        return f"{head}: {'; '.join(blame)}"


def _doing(beat: dict) -> str:
    if beat["op"] is None:
        return f"computing ({beat['phase']})"
    return f"waiting in {beat['op']}"


def default_store():
    """The store of the default process group (the launcher's rendezvous store), or None."""
    import torch.distributed as dist

    if not dist.is_initialized():
        return None
    try:
        return dist.distributed_c10d._get_default_store()
    except Exception:  # noqa: BLE001 - a private API; without it the explanation is shorter, nothing else changes
        return None

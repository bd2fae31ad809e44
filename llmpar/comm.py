"""Every collective and point-to-point transfer of llmpar goes through here, and is counted.

Counts are per rank and per mesh axis, in the "bus bytes" convention of NCCL-tests, so that they measure what
crosses the links whatever the algorithm's size:

    all-reduce of S bytes over n ranks           2(n-1)/n · S
    all-gather / reduce-scatter, full size S     (n-1)/n · S
    broadcast of S bytes                         S
    send or receive of S bytes                   S

An operation on a group of one rank is a no-op and counts nothing. The "world" axis carries the few numbers
the metrics gather each step; it is counted apart and not reported as training traffic, as is any operation
called with count=False (the metrics' own bookkeeping). A combined group counts as the axis the mesh says
(the "pp_ends" group, first and last pipeline stage sharing a tied embedding, as pipeline traffic).
"""

from __future__ import annotations

from typing import Protocol

import torch
import torch.distributed as dist

from llmpar.bus import bus_bytes
from llmpar.mesh import TRAFFIC_AXES, Mesh

_OPS = {"sum": dist.ReduceOp.SUM, "max": dist.ReduceOp.MAX, "min": dist.ReduceOp.MIN}
# torch 2.13 renamed the single-tensor collectives; older releases have only the old names.
_all_gather_single = getattr(dist, "all_gather_single", None) or dist.all_gather_into_tensor
_reduce_scatter_single = getattr(dist, "reduce_scatter_single", None) or dist.reduce_scatter_tensor


class Handle(Protocol):
    """What an operation called with async_op=True returns: `wait()` returns once it is complete."""

    def wait(self) -> object: ...


class _Done:
    """The handle of an operation that had nothing to do."""

    def wait(self):
        return True


class CommError(RuntimeError):
    """A collective or transfer that failed: timed out waiting for a peer, or lost one. The message says which
    rank, which operation on which mesh axis, at which step, and what the peers were doing (see watchdog)."""


class _Pending:
    """The handle of an asynchronous operation: waiting on it is where a stuck peer shows, so it is watched."""

    __slots__ = ("axis", "comm", "what", "work")

    def __init__(self, work, comm: Comm, what: str, axis: str):
        self.work, self.comm, self.what, self.axis = work, comm, what, axis

    def wait(self):
        return self.comm.watch(self.work.wait, self.what, self.axis)


class Comm:
    def __init__(self, mesh: Mesh, watchdog=None):
        self.mesh = mesh
        self.bytes = dict.fromkeys((*TRAFFIC_AXES, "world"), 0.0)
        # What this rank waits in, for the heartbeat, and who to blame when a wait fails (llmpar.watchdog).
        self.watchdog = watchdog

    def _count(self, axis: str, kind: str, t: torch.Tensor, count: bool = True) -> None:
        bucket = self.mesh.traffic_axis(axis) if count else "world"
        self.bytes[bucket] += bus_bytes(kind, t.numel() * t.element_size(), self.mesh.size(axis))

    def add_bytes(self, axis: str, nbytes: float) -> None:
        """Count `nbytes` bus bytes moved on `axis` by an operation issued outside this module (the context-
        parallel attention's transfers, `llmpar.parallel.context_parallel.CPComm`)."""
        self.bytes[self.mesh.traffic_axis(axis)] += nbytes

    def take_counts(self) -> dict[str, float]:
        """Bytes counted per axis since the last call, and reset."""
        counts, self.bytes = self.bytes, dict.fromkeys(self.bytes, 0.0)
        return counts

    def watch(self, fn, what: str, axis: str):
        """Run a blocking call (a collective, or the wait of an asynchronous one) as the watchdog's "waiting in
        `what`"; a failure becomes a CommError that names the operation, the axis and the peers' state."""
        dog = self.watchdog
        if dog is not None:
            dog.activity.enter(what)
        try:
            return fn()
        except RuntimeError as e:
            if isinstance(e, CommError) or dog is None:
                raise
            raise CommError(dog.explain(e, what, self.mesh.members(axis))) from None
        finally:
            if dog is not None:
                dog.activity.leave()

    def _run(self, kind: str, axis: str, call, async_op: bool):
        what = f"{kind} on the {self.mesh.axis_name(axis)} axis"
        if async_op:
            work = self.watch(call, what, axis)  # posting can fail too (a peer already gone)
            return _Pending(work, self, what, axis)
        return self.watch(call, what, axis)

    def all_reduce(self, t: torch.Tensor, axis: str, op: str = "sum", async_op: bool = False, count: bool = True):
        if self.mesh.size(axis) == 1:
            return _Done() if async_op else None
        self._count(axis, "all_reduce", t, count)
        return self._run(
            "all_reduce",
            axis,
            lambda: dist.all_reduce(t, op=_OPS[op], group=self.mesh.group(axis), async_op=async_op),
            async_op,
        )

    def all_gather(self, out: torch.Tensor, inp: torch.Tensor, axis: str, async_op: bool = False, count: bool = True):
        """out (n·k, ...) = concatenation of every rank's inp (k, ...) along dim 0."""
        if self.mesh.size(axis) == 1:
            out.copy_(inp)
            return _Done() if async_op else None
        self._count(axis, "all_gather", out, count)
        return self._run(
            "all_gather",
            axis,
            lambda: _all_gather_single(out, inp, group=self.mesh.group(axis), async_op=async_op),
            async_op,
        )

    def reduce_scatter(self, out: torch.Tensor, inp: torch.Tensor, axis: str, op: str = "sum", async_op: bool = False):
        """out (k, ...) = this rank's k rows of the reduction of every rank's inp (n·k, ...)."""
        if self.mesh.size(axis) == 1:
            out.copy_(inp)
            return _Done() if async_op else None
        self._count(axis, "reduce_scatter", inp)
        return self._run(
            "reduce_scatter",
            axis,
            lambda: _reduce_scatter_single(out, inp, op=_OPS[op], group=self.mesh.group(axis), async_op=async_op),
            async_op,
        )

    def broadcast(self, t: torch.Tensor, axis: str, src_index: int = 0, count: bool = True):
        """Copy the tensor of the group's `src_index`-th rank to every rank of the group."""
        if self.mesh.size(axis) == 1:
            return
        self._count(axis, "broadcast", t, count)
        self._run(
            "broadcast",
            axis,
            lambda: dist.broadcast(t, src=self.mesh.members(axis)[src_index], group=self.mesh.group(axis)),
            False,
        )

    def isend(self, t: torch.Tensor, peer: int, axis: str = "pp"):
        """Send to the `peer`-th rank of this rank's group on `axis`."""
        self._count(axis, "send", t)
        dst = self.mesh.members(axis)[peer]
        return self._run(f"send to rank {dst}", axis, lambda: dist.isend(t, dst=dst), True)

    def irecv(self, t: torch.Tensor, peer: int, axis: str = "pp"):
        """Receive from the `peer`-th rank of this rank's group on `axis`."""
        self._count(axis, "recv", t)
        src = self.mesh.members(axis)[peer]
        return self._run(f"receive from rank {src}", axis, lambda: dist.irecv(t, src=src), True)

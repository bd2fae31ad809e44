"""Pipeline schedules as data.

A schedule is, for each pipeline rank, the ordered list of actions it performs in one optimizer step:

    F(i, c)   forward of micro-batch i through model chunk c
    B(i, c)   backward of micro-batch i through chunk c (for "zb": the input gradient only)
    W(i, c)   the weight gradient of micro-batch i in chunk c ("zb" only)
    send_f / recv_f (i, c, peer)   the output activation of chunk c, to / from the rank of the next chunk
    send_b / recv_b (i, c, peer)   the gradient of chunk c's input, to / from the rank of the previous chunk

The model is cut into C = p·v chunks; chunk c lives on rank c mod p (v = 1 except for "interleaved"). A
generator gives each rank's order of F/B/W; `with_communication` places each receive just before the action
that needs it and each send just after the action that produces it. Consecutive transfers form one batch,
posted together (as `batch_isend_irecv` does), and `check` proves, before anything runs, that every send has its
receive in the same order and that no rank can wait forever (`llmpar.pipeline.check`). The same lists drive the
executor, the cost model's simulator (`llmpar.plan.cost.simulator`), and the timeline plot.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What an action does. A str, so that `a.kind == "F"` and dictionaries keyed by the plain names still work;
    printed as its value ("F", "send_f"), as the schedules' messages and the metrics' timeline show it."""

    F = "F"
    B = "B"
    W = "W"
    RECV_F = "recv_f"
    RECV_B = "recv_b"
    SEND_F = "send_f"
    SEND_B = "send_b"

    __str__ = str.__str__
    # As the plain value's: a Kind and its value are equal, so they must hash alike (Enum's own hash is its
    # name's, in Python; dictionaries of the simulator and the cost model look kinds up hundreds of thousands
    # of times a plan).
    __hash__ = str.__hash__

    def __format__(self, format_spec: str) -> str:
        return str.__format__(self, format_spec)


COMPUTE = (Kind.F, Kind.B, Kind.W)
SENDS = {Kind.SEND_F: Kind.RECV_F, Kind.SEND_B: Kind.RECV_B}  # each send, and the receive that matches it


@dataclass(frozen=True)
class Action:
    kind: Kind  # given as a Kind or its value ("F", "send_f", ...)
    micro: int
    chunk: int  # global chunk index
    peer: int | None = None  # the other rank of a transfer

    def __post_init__(self):
        if not isinstance(self.kind, Kind):
            object.__setattr__(self, "kind", Kind(self.kind))

    def __str__(self):
        peer = f"->{self.peer}" if self.kind in SENDS else f"<-{self.peer}" if self.peer is not None else ""
        return f"{self.kind}(mb={self.micro}, chunk={self.chunk}{', ' + peer if peer else ''})"

    @property
    def is_compute(self) -> bool:
        return self.kind in COMPUTE

    def transfer_key(self) -> tuple:
        """What a send and its receive agree on: the micro-batch, the chunk that produced it, and which way."""
        if self.kind in (Kind.SEND_F, Kind.RECV_F):
            producer = self.chunk if self.kind == Kind.SEND_F else self.chunk - 1
            return ("activation", self.micro, producer)
        producer = self.chunk if self.kind == Kind.SEND_B else self.chunk + 1
        return ("gradient", self.micro, producer)


@dataclass
class Schedule:
    name: str
    stages: int
    micro_batches: int
    chunks_per_rank: int
    ranks: list[list[Action]]  # the actions of each pipeline rank, in order

    @property
    def chunks(self) -> int:
        return self.stages * self.chunks_per_rank


class ScheduleError(ValueError):
    """A schedule that cannot run: a transfer without its partner, a dependency out of order, a deadlock."""


# --- the orders of computation --------------------------------------------------------------------------


def _naive(p: int, m: int, r: int) -> list[tuple]:
    """Model parallelism: one micro-batch goes all the way forward and back before the next starts."""
    return [a for i in range(m) for a in (("F", i, r), ("B", i, r))]


def _gpipe(p: int, m: int, r: int) -> list[tuple]:
    """All forwards, then all backwards (Huang et al., 2019)."""
    return [("F", i, r) for i in range(m)] + [("B", i, r) for i in range(m)]


def _one_f_one_b(p: int, m: int, r: int) -> list[tuple]:
    """1F1B (PipeDream-Flush, Narayanan et al., 2021): p−r−1 warm-up forwards, then alternate, then drain."""
    warmup = min(p - r - 1, m)
    order = [("F", i, r) for i in range(warmup)]
    for i in range(m - warmup):
        order += [("F", warmup + i, r), ("B", i, r)]
    return order + [("B", i, r) for i in range(m - warmup, m)]


def _interleaved(p: int, m: int, r: int, v: int) -> list[tuple]:
    """Interleaved 1F1B (Narayanan et al., 2021): v chunks per rank, taken p micro-batches at a time."""
    total = m * v
    # The k-th forward (and the k-th backward) of this rank: micro-batch (k // pv)·p + k mod p, of local chunk
    # (k // p) mod v, taken in reverse order backward.
    pv = p * v
    forwards = [("F", (k // pv) * p + k % p, (k // p) % v * p + r) for k in range(total)]
    backwards = [("B", (k // pv) * p + k % p, (v - 1 - (k // p) % v) * p + r) for k in range(total)]
    warmup = min((p - r - 1) * 2 + (v - 1) * p, total)
    steady = [a for pair in zip(forwards[warmup:], backwards[: total - warmup]) for a in pair]
    return forwards[:warmup] + steady + backwards[total - warmup :]


def _zero_bubble(p: int, m: int, r: int) -> list[tuple]:
    """ZB-H1 (Qi et al., 2023): 1F1B with each backward split into B (the input gradient, on the critical path)
    and W (the weight gradient, which nobody downstream waits for). Rank r keeps up to r W's pending in the
    steady state, so the gradient travels back sooner, and does them in the drain while the next gradient
    travels, instead of waiting. Every rank then holds at most p micro-batches, the memory of 1F1B's first rank.
    """
    warmup = min(p - r - 1, m)
    order, pending = [("F", i, r) for i in range(warmup)], []
    for i in range(m - warmup):
        order += [("F", warmup + i, r), ("B", i, r)]
        pending.append(i)
        if len(pending) > r:
            order.append(("W", pending.pop(0), r))
    for i in range(m - warmup, m):  # the drain: while the next gradient travels, do a pending W
        if pending:
            order.append(("W", pending.pop(0), r))
        order.append(("B", i, r))
        pending.append(i)
    return order + [("W", i, r) for i in pending]


def compute_order(name: str, p: int, m: int, v: int = 1) -> list[list[tuple]]:
    if name == "interleaved":
        return [_interleaved(p, m, r, v) for r in range(p)]
    generator = {"naive": _naive, "gpipe": _gpipe, "1f1b": _one_f_one_b, "zb": _zero_bubble}[name]
    return [generator(p, m, r) for r in range(p)]


_COMPUTE_KINDS = {k.value: k for k in COMPUTE}  # (the generators give the values; Kind(value) is slower)


def _action(kind: Kind, micro: int, chunk: int, peer: int | None = None) -> Action:
    """`Action(kind, micro, chunk, peer)` for a `kind` that is a Kind already, built without the dataclass's
    frozen __init__ (four object.__setattr__ calls and __post_init__): the cost model's schedules have hundreds of
    thousands of actions."""
    a = object.__new__(Action)
    a.__dict__.update(kind=kind, micro=micro, chunk=chunk, peer=peer)
    return a


def with_communication(orders: list[list[tuple]], p: int, chunks: int) -> list[list[Action]]:
    """Insert each transfer next to the computation it serves."""
    ranks = []
    for order in orders:
        actions = []
        for kind, i, c in order:
            if kind == Kind.F and c > 0:
                actions.append(_action(Kind.RECV_F, i, c, (c - 1) % p))
            if kind == Kind.B and c < chunks - 1:
                actions.append(_action(Kind.RECV_B, i, c, (c + 1) % p))
            actions.append(_action(_COMPUTE_KINDS[kind], i, c))
            if kind == Kind.F and c < chunks - 1:
                actions.append(_action(Kind.SEND_F, i, c, (c + 1) % p))
            if kind == Kind.B and c > 0:
                actions.append(_action(Kind.SEND_B, i, c, (c - 1) % p))
        ranks.append(actions)
    return ranks


def make_schedule(
    name: str, stages: int, micro_batches: int, chunks_per_rank: int = 1, checked: bool = True
) -> Schedule:
    """The checked schedule of `name` for p stages and m micro-batches (v chunks per rank for interleaved).
    `checked=False` skips the checker: for the cost model's simulations, whose simulator stops on a deadlock
    anyway; every schedule the executor runs is checked."""
    from llmpar.pipeline.check import check  # here: the checker reads this module's types

    v = chunks_per_rank if name == "interleaved" else 1
    orders = compute_order(name, stages, micro_batches, v)
    schedule = Schedule(name, stages, micro_batches, v, with_communication(orders, stages, stages * v))
    if checked:
        check(schedule)
    return schedule

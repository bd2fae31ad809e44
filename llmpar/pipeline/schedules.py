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
receive in the same order and that no rank can wait forever. The same lists drive the executor, the simulator
below, and the timeline plot.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPUTE = ("F", "B", "W")
SENDS = {"send_f": "recv_f", "send_b": "recv_b"}
SCHEDULES = ("naive", "gpipe", "1f1b", "interleaved", "zb")


@dataclass(frozen=True)
class Action:
    kind: str  # F, B, W, send_f, recv_f, send_b, recv_b
    micro: int
    chunk: int  # global chunk index
    peer: int | None = None  # the other rank of a transfer

    def __str__(self):
        peer = f"->{self.peer}" if self.kind.startswith("send") else f"<-{self.peer}" if self.peer is not None else ""
        return f"{self.kind}(mb={self.micro}, chunk={self.chunk}{', ' + peer if peer else ''})"

    @property
    def is_compute(self) -> bool:
        return self.kind in COMPUTE

    def transfer_key(self) -> tuple:
        """What a send and its receive agree on: the micro-batch, the chunk that produced it, and which way."""
        if self.kind in ("send_f", "recv_f"):
            producer = self.chunk if self.kind == "send_f" else self.chunk - 1
            return ("activation", self.micro, producer)
        producer = self.chunk if self.kind == "send_b" else self.chunk + 1
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

    def rank_of(self, chunk: int) -> int:
        return chunk % self.stages


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

    def micro(k):  # k-th forward (or backward) of this rank
        return (k // (p * v)) * p + k % p

    def chunk(k, forward):
        local = (k // p) % v
        return (local if forward else v - 1 - local) * p + r

    warmup = min((p - r - 1) * 2 + (v - 1) * p, total)
    order = [("F", micro(k), chunk(k, True)) for k in range(warmup)]
    for k in range(total - warmup):
        order += [("F", micro(warmup + k), chunk(warmup + k, True)), ("B", micro(k), chunk(k, False))]
    return order + [("B", micro(k), chunk(k, False)) for k in range(total - warmup, total)]


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


def with_communication(orders: list[list[tuple]], p: int, chunks: int) -> list[list[Action]]:
    """Insert each transfer next to the computation it serves."""
    ranks = []
    for order in orders:
        actions = []
        for kind, i, c in order:
            if kind == "F" and c > 0:
                actions.append(Action("recv_f", i, c, (c - 1) % p))
            if kind == "B" and c < chunks - 1:
                actions.append(Action("recv_b", i, c, (c + 1) % p))
            actions.append(Action(kind, i, c))
            if kind == "F" and c < chunks - 1:
                actions.append(Action("send_f", i, c, (c + 1) % p))
            if kind == "B" and c > 0:
                actions.append(Action("send_b", i, c, (c - 1) % p))
        ranks.append(actions)
    return ranks


def make_schedule(name: str, stages: int, micro_batches: int, chunks_per_rank: int = 1,
                  checked: bool = True) -> Schedule:
    """The checked schedule of `name` for p stages and m micro-batches (v chunks per rank for interleaved).
    `checked=False` skips the checker: for the cost model's simulations, whose simulator stops on a deadlock
    anyway; every schedule the executor runs is checked."""
    v = chunks_per_rank if name == "interleaved" else 1
    orders = compute_order(name, stages, micro_batches, v)
    schedule = Schedule(name, stages, micro_batches, v, with_communication(orders, stages, stages * v))
    if checked:
        check(schedule)
    return schedule


# --- the checker ----------------------------------------------------------------------------------------


def batches(actions: list[Action]) -> list[Action | tuple[Action, ...]]:
    """Compute actions, and runs of consecutive transfers grouped into batches posted together."""
    items, run = [], []
    for a in actions:
        if a.is_compute:
            if run:
                items.append(tuple(run))
                run = []
            items.append(a)
        else:
            run.append(a)
    if run:
        items.append(tuple(run))
    return items


def check(schedule: Schedule, grouped: bool = False) -> None:
    """Raise ScheduleError unless every send has its receive, in the same order, every computation follows
    what it needs, and no rank can wait forever.

    The executor posts every transfer without blocking and waits only for the receive a computation needs,
    which completes once the peer has posted the matching send (gloo's semantics, and MPI's). With
    `grouped`, the check is stricter: a batch of transfers completes only when all of them are matched, as
    when a batch is one NCCL group call."""
    _check_pairs(schedule)
    _check_dependencies(schedule)
    _check_progress(schedule, grouped)


def _transfers_by_pair(s: Schedule) -> dict:
    """(src, dst) -> (the sends src posts to dst, the receives dst posts from src), each in order."""
    pairs: dict = {}
    for r, actions in enumerate(s.ranks):
        for a in actions:
            if a.kind in SENDS:
                pairs.setdefault((r, a.peer), ([], []))[0].append(a)
            elif a.kind in SENDS.values():
                pairs.setdefault((a.peer, r), ([], []))[1].append(a)
    return pairs


def _check_pairs(s: Schedule) -> None:
    for (src, dst), (sends, recvs) in sorted(_transfers_by_pair(s).items()):
        for k in range(max(len(sends), len(recvs))):
            send = sends[k] if k < len(sends) else None
            recv = recvs[k] if k < len(recvs) else None
            if send is None or recv is None:
                raise ScheduleError(
                    f"{s.name}: rank {src} -> rank {dst}, transfer {k + 1}: "
                    + (f"rank {dst} posts {recv} but rank {src} sends nothing more" if send is None else
                       f"rank {src} posts {send} but rank {dst} receives nothing more"))
            if send.transfer_key() != recv.transfer_key() or SENDS[send.kind] != recv.kind:
                raise ScheduleError(f"{s.name}: rank {src} -> rank {dst}, transfer {k + 1}: rank {src} sends "
                                    f"{send} but rank {dst} receives {recv} (transfers between two ranks are "
                                    f"matched in order)")


def _check_dependencies(s: Schedule) -> None:
    for r, actions in enumerate(s.ranks):
        done: set = set()
        for a in actions:
            need = []
            if a.kind == "F" and a.chunk > 0:
                need.append(("recv_f", a.micro, a.chunk))
            if a.kind == "B":
                need.append(("F", a.micro, a.chunk))
                if a.chunk < s.chunks - 1:
                    need.append(("recv_b", a.micro, a.chunk))
            if a.kind == "W":
                need.append(("B", a.micro, a.chunk))
            if a.kind.startswith("send"):
                need.append(("F" if a.kind == "send_f" else "B", a.micro, a.chunk))
            for n in need:
                if n not in done:
                    raise ScheduleError(f"{s.name}: rank {r} runs {a} before {Action(*n)}, which it needs")
            key = (a.kind, a.micro, a.chunk)
            if key in done:
                raise ScheduleError(f"{s.name}: rank {r} runs {a} twice")
            done.add(key)
        for i in range(s.micro_batches):
            for c in range(r, s.chunks, s.stages):
                for kind in ("F", "B") + (("W",) if s.name == "zb" else ()):
                    if (kind, i, c) not in done:
                        raise ScheduleError(f"{s.name}: rank {r} never runs {Action(kind, i, c)}")


def _check_progress(s: Schedule, grouped: bool) -> None:
    items = [batches(actions) for actions in s.ranks]
    position = [0] * s.stages
    posted: set = set()  # (rank, k-th transfer of that rank) posted
    batch_of: dict = {}  # (rank, action) -> the batch (tuple) it belongs to
    for r, its in enumerate(items):
        for item in its:
            if isinstance(item, tuple):
                for a in item:
                    batch_of[r, a] = item
    partner = _partners(s)

    def matched(r, a) -> bool:
        return (r, a) in posted and partner[r, a] in posted

    def complete(r, batch) -> bool:
        return all(matched(r, a) for a in batch)

    def can_advance(r) -> bool:
        if position[r] == len(items[r]):
            return False
        item = items[r][position[r]]
        if isinstance(item, tuple):
            return True
        need = _recv_needed(s, item)
        if need is None:
            return True
        return complete(r, batch_of[r, need]) if grouped else matched(r, need)

    while True:
        moved = False
        for r in range(s.stages):
            while can_advance(r):
                item = items[r][position[r]]
                if isinstance(item, tuple):
                    posted.update((r, a) for a in item)
                position[r] += 1
                moved = True
        if all(position[r] == len(items[r]) for r in range(s.stages)):
            break
        if not moved:
            stuck = []
            for r in range(s.stages):
                if position[r] < len(items[r]):
                    item = items[r][position[r]]
                    need = _recv_needed(s, item)
                    stuck.append(f"rank {r} at {item} waits for {need}")
            raise ScheduleError(f"{s.name}: deadlock: " + "; ".join(stuck))
    for r in range(s.stages):  # the end of the step waits for every transfer
        for item in items[r]:
            if isinstance(item, tuple) and not complete(r, item):
                raise ScheduleError(f"{s.name}: rank {r}'s transfers {', '.join(map(str, item))} never complete")


def _recv_needed(s: Schedule, a: Action) -> Action | None:
    if a.kind == "F" and a.chunk > 0:
        return Action("recv_f", a.micro, a.chunk, (a.chunk - 1) % s.stages)
    if a.kind == "B" and a.chunk < s.chunks - 1:
        return Action("recv_b", a.micro, a.chunk, (a.chunk + 1) % s.stages)
    return None


def _partners(s: Schedule) -> dict:
    """(rank, transfer) -> (peer rank, the matching transfer), matched in order per pair of ranks."""
    partner = {}
    for (src, dst), (sends, recvs) in _transfers_by_pair(s).items():
        for send, recv in zip(sends, recvs):
            partner[src, send] = (dst, recv)
            partner[dst, recv] = (src, send)
    return partner


# --- the simulator --------------------------------------------------------------------------------------


def simulate(s: Schedule, costs, transfer: float = 0.0) -> list[list[tuple[Action, float, float]]]:
    """Start and end times of each compute action. `costs`: each kind's duration (a dict, the same for every
    chunk), or a function (rank, action) -> seconds. A computation starts when its rank is free and its input
    has arrived: `transfer` seconds after the send was posted (sends do not block the sender)."""
    duration = costs if callable(costs) else (lambda rank, a: costs[a.kind])
    sent: dict = {}  # transfer key -> time its data is ready to send
    clock = [0.0] * s.stages
    position = [0] * s.stages
    timeline: list[list] = [[] for _ in range(s.stages)]
    pending = sum(len(a) for a in s.ranks)
    while pending:
        progressed = False
        for r in range(s.stages):
            while position[r] < len(s.ranks[r]):
                a = s.ranks[r][position[r]]
                if a.kind in SENDS:
                    sent[a.transfer_key()] = clock[r]
                elif a.kind in SENDS.values():
                    if a.transfer_key() not in sent:
                        break
                    clock[r] = max(clock[r], sent[a.transfer_key()] + transfer)
                else:
                    start = clock[r]
                    clock[r] = start + duration(r, a)
                    timeline[r].append((a, start, clock[r]))
                position[r] += 1
                pending -= 1
                progressed = True
        if not progressed:
            raise ScheduleError(f"{s.name}: the simulation cannot progress (run check() first)")
    return timeline


def simulate_shared(s: Schedule, costs, transfer: float, cores: float, replicas: int = 1):
    """`simulate` for ranks that share `cores` processors (more processes than cores on one CPU machine): the
    computations running at a moment, times `replicas` (the other pipelines, of the data- and tensor-parallel
    replicas, which run the same schedule at the same time), share the cores equally, each at most one core.
    A rank waiting for a transfer, or done, leaves its core to the others. Durations are at one core's speed;
    `costs` may also give (work, wait): the action computes `work`, then waits `wait` seconds without a core
    (its collectives)."""
    duration = costs if callable(costs) else (lambda rank, a: costs[a.kind])
    sent: dict = {}
    position = [0] * s.stages
    running: dict[int, list] = {}  # rank -> [action, start, work left in one-core seconds]
    ready_at = [0.0] * s.stages  # a rank waiting for a transfer resumes at this time
    timeline: list[list] = [[] for _ in range(s.stages)]
    now = 0.0
    while True:
        moved = True
        while moved:  # let every rank go as far as it can at `now` (a send may free another rank)
            moved = False
            for r in range(s.stages):
                while r not in running and position[r] < len(s.ranks[r]) and ready_at[r] <= now:
                    a = s.ranks[r][position[r]]
                    if a.kind in SENDS.values():
                        if a.transfer_key() not in sent:
                            break
                        ready_at[r] = sent[a.transfer_key()] + transfer
                    elif a.kind in SENDS:
                        sent[a.transfer_key()] = now
                    else:
                        cost = duration(r, a)
                        work, wait = cost if isinstance(cost, tuple) else (cost, 0.0)
                        running[r] = [a, now, work, wait]
                    position[r] += 1
                    moved = True
        waiting = [t for r, t in enumerate(ready_at) if t > now]
        if not running and not waiting:
            if any(position[r] < len(s.ranks[r]) for r in range(s.stages)):
                raise ScheduleError(f"{s.name}: the simulation cannot progress (run check() first)")
            return timeline
        computing = [r for r, x in running.items() if x[2] > 1e-12]
        rate = min(1.0, cores / (len(computing) * replicas)) if computing else 0.0
        step = min([running[r][2] / rate for r in computing]
                   + [x[3] for x in running.values() if x[2] <= 1e-12] + [t - now for t in waiting])
        now += step
        for r in list(running):
            a, start, work, wait = running[r]
            if work > 1e-12:
                running[r][2] = work - step * rate
            else:
                running[r][3] = wait - step
            if running[r][2] <= 1e-12 and running[r][3] <= 1e-12:
                timeline[r].append((a, start, now))
                del running[r]


def bubble_fraction(timeline: list[list[tuple[Action, float, float]]]) -> float:
    """Idle share of the pipeline ranks between the first start and the last end."""
    end = max(t[-1][2] for t in timeline if t)
    busy = sum(e - b for t in timeline for _, b, e in t)
    return 1.0 - busy / (len(timeline) * end)


def peak_in_flight(actions: list[Action]) -> int:
    """The most micro-batches (per chunk) whose forward is done and whose activations are still held: until B,
    or until W for the zero-bubble schedule, which keeps what the weight gradient needs."""
    release = "W" if any(a.kind == "W" for a in actions) else "B"
    live = peak = 0
    for a in actions:
        if a.kind == "F":
            live += 1
            peak = max(peak, live)
        elif a.kind == release:
            live -= 1
    return peak

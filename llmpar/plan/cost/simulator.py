"""The pipeline simulator: a schedule's action lists (`llmpar.pipeline.schedules`) run against durations.

`simulate` gives each computation its start and end: a rank runs its actions in order; a computation starts
when its rank is free and its input has arrived, `transfer` seconds after the send was posted (sends do not
block). `simulate_shared` is the same for ranks that share fewer cores than there are processes (processor
sharing). `bubble_fraction` is the idle share of the result, and `peak_in_flight` the micro-batches whose
activations a rank holds at once. The cost model runs the real schedules through them (`cached_schedule`), and
`llmpar timeline` draws a schedule's ideal timeline with them.
"""

from __future__ import annotations

import functools

from llmpar.pipeline.schedules import SENDS, Action, Kind, Schedule, ScheduleError, compute_order, make_schedule

_RECVS = frozenset(SENDS.values())


@functools.lru_cache(maxsize=4096)
def cached_schedule(name: str, p: int, m: int, v: int) -> Schedule:
    """The schedule the cost model simulates, built once per shape (unchecked: the simulator stops on a deadlock)."""
    return make_schedule(name, p, m, v, checked=False)


@functools.lru_cache(maxsize=4096)
def pipeline_summary(
    name: str, p: int, m: int, v: int, durations: tuple[tuple[float, float, float], ...], transfer: float
) -> tuple[float, float]:
    """The pipeline's time and bubble fraction with each chunk's (F, B, W) durations: those of `simulate` on the
    cost model's schedule (`cached_schedule`), worked out from the schedule's compute order and the transfers
    `with_communication` places (a receive right before the computation that needs it, a send right after the
    one that produces it) without building the action lists, and kept: layouts that differ only where the
    pipeline does not look (a ZeRO stage, say) see the same durations, and the planner times hundreds of
    pipelines. `tests/test_plan_ux.py` checks it against `simulate`."""
    v = v if name == "interleaved" else 1  # (as make_schedule)
    orders = compute_order(name, p, m, v)
    last = p * v - 1
    by_kind = [{"F": f, "B": b, "W": w} for f, b, w in durations]
    sent: dict = {}  # (forward?, micro-batch, producing chunk) -> when its send was posted
    blocked: dict = {}  # the same key -> the rank whose receive waits for it
    clock = [0.0] * p
    position = [0] * p
    spans: list[list[tuple[float, float]]] = [[] for _ in range(p)]
    runnable = list(range(p - 1, -1, -1))
    while runnable:
        r = runnable.pop()
        order, i, now, done = orders[r], position[r], clock[r], spans[r]
        while i < len(order):
            kind, micro, c = order[i]
            forward = kind == "F"
            if (forward and c > 0) or (kind == "B" and c < last):  # its receive
                ready = sent.get((forward, micro, c - 1 if forward else c + 1))
                if ready is None:
                    blocked[(forward, micro, c - 1 if forward else c + 1)] = r
                    break
                now = max(now, ready + transfer)
            start = now
            now = start + by_kind[c][kind]
            done.append((start, now))
            if (forward and c < last) or (kind == "B" and c > 0):  # its send
                sent[(forward, micro, c)] = now
                if (forward, micro, c) in blocked:
                    runnable.append(blocked.pop((forward, micro, c)))
            i += 1
        position[r], clock[r] = i, now
    if any(position[r] < len(orders[r]) for r in range(p)):
        raise ScheduleError(f"{name}: the simulation cannot progress (run check() first)")
    end = max(rank[-1][1] for rank in spans if rank)
    if p == 1:
        return end, 0.0
    busy = sum(e - b for rank in spans for b, e in rank)
    return end, 1.0 - busy / (p * end)  # (bubble_fraction's arithmetic)


def simulate(s: Schedule, costs, transfer: float = 0.0) -> list[list[tuple[Action, float, float]]]:
    """Start and end times of each compute action. `costs`: each kind's duration (a dict, the same for every
    chunk), or a function (rank, action) -> seconds. A computation starts when its rank is free and its input
    has arrived: `transfer` seconds after the send was posted (sends do not block the sender)."""
    duration = costs if callable(costs) else (lambda rank, a: costs[a.kind])
    # A rank runs until a receive finds its data not yet sent; the send wakes it. (Each time depends only on its
    # rank's own actions and on when each send was posted, so the order the ranks are run in changes nothing.)
    sent: dict = {}  # transfer key -> time its data is ready to send
    blocked: dict = {}  # transfer key -> the rank whose receive waits for it
    clock = [0.0] * s.stages
    position = [0] * s.stages
    timeline: list[list] = [[] for _ in range(s.stages)]
    runnable = list(range(s.stages - 1, -1, -1))
    while runnable:
        r = runnable.pop()
        actions, i, now, done = s.ranks[r], position[r], clock[r], timeline[r]
        while i < len(actions):
            a = actions[i]
            kind = a.kind
            if kind in SENDS:
                key = a.transfer_key()
                sent[key] = now
                if key in blocked:
                    runnable.append(blocked.pop(key))
            elif kind in _RECVS:
                key = a.transfer_key()
                ready = sent.get(key)
                if ready is None:
                    blocked[key] = r
                    break
                now = max(now, ready + transfer)
            else:
                start = now
                now = start + duration(r, a)
                done.append((a, start, now))
            i += 1
        position[r], clock[r] = i, now
    if any(position[r] < len(s.ranks[r]) for r in range(s.stages)):
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
        step = min(
            [running[r][2] / rate for r in computing]
            + [x[3] for x in running.values() if x[2] <= 1e-12]
            + [t - now for t in waiting]
        )
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
    release = Kind.W if any(a.kind == Kind.W for a in actions) else Kind.B
    live = peak = 0
    for a in actions:
        if a.kind == Kind.F:
            live += 1
            peak = max(peak, live)
        elif a.kind == release:
            live -= 1
    return peak

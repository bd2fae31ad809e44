"""The schedule checker: proves, before anything runs, that a schedule's transfers pair up and that it cannot hang.

Three checks, each raising ScheduleError with the ranks and actions at fault:
- pairs: between two ranks, the k-th send of one matches the k-th receive of the other (same micro-batch, same
  producing chunk, same direction), as point-to-point transfers between two ranks are matched in order;
- dependencies: each rank runs every action once, after what it needs (a forward after its input's receive, a
  backward after its forward and its gradient's receive, W after B, a send after what it sends);
- progress: the ranks, run in turns, each posting its transfers without blocking and waiting only for the
  receive its next computation needs, all reach the end, and every transfer completes (with `grouped`, a batch
  of transfers completes only when all of it is matched, as one NCCL group call).
"""

from __future__ import annotations

from llmpar.pipeline.schedules import SENDS, Action, Kind, Schedule, ScheduleError


def batches(actions: list[Action]) -> list[Action | tuple[Action, ...]]:
    """Compute actions, and runs of consecutive transfers grouped into batches posted together."""
    items: list[Action | tuple[Action, ...]] = []
    run: list[Action] = []
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
                    + (
                        f"rank {dst} posts {recv} but rank {src} sends nothing more"
                        if send is None
                        else f"rank {src} posts {send} but rank {dst} receives nothing more"
                    )
                )
            if send.transfer_key() != recv.transfer_key() or SENDS[send.kind] != recv.kind:
                raise ScheduleError(
                    f"{s.name}: rank {src} -> rank {dst}, transfer {k + 1}: rank {src} sends "
                    f"{send} but rank {dst} receives {recv} (transfers between two ranks are "
                    f"matched in order)"
                )


def _check_dependencies(s: Schedule) -> None:
    for r, actions in enumerate(s.ranks):
        done: set = set()
        for a in actions:
            need = []
            if a.kind == Kind.F and a.chunk > 0:
                need.append((Kind.RECV_F, a.micro, a.chunk))
            if a.kind == Kind.B:
                need.append((Kind.F, a.micro, a.chunk))
                if a.chunk < s.chunks - 1:
                    need.append((Kind.RECV_B, a.micro, a.chunk))
            if a.kind == Kind.W:
                need.append((Kind.B, a.micro, a.chunk))
            if a.kind in SENDS:
                need.append((Kind.F if a.kind == Kind.SEND_F else Kind.B, a.micro, a.chunk))
            for n in need:
                if n not in done:
                    raise ScheduleError(f"{s.name}: rank {r} runs {a} before {Action(*n)}, which it needs")
            key = (a.kind, a.micro, a.chunk)
            if key in done:
                raise ScheduleError(f"{s.name}: rank {r} runs {a} twice")
            done.add(key)
        for i in range(s.micro_batches):
            for c in range(r, s.chunks, s.stages):
                for kind in (Kind.F, Kind.B) + ((Kind.W,) if s.name == "zb" else ()):
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
                    assert not isinstance(item, tuple)  # a batch of transfers never waits (can_advance)
                    need = _recv_needed(s, item)
                    stuck.append(f"rank {r} at {item} waits for {need}")
            raise ScheduleError(f"{s.name}: deadlock: " + "; ".join(stuck))
    for r in range(s.stages):  # the end of the step waits for every transfer
        for item in items[r]:
            if isinstance(item, tuple) and not complete(r, item):
                raise ScheduleError(f"{s.name}: rank {r}'s transfers {', '.join(map(str, item))} never complete")


def _recv_needed(s: Schedule, a: Action) -> Action | None:
    if a.kind == Kind.F and a.chunk > 0:
        return Action(Kind.RECV_F, a.micro, a.chunk, (a.chunk - 1) % s.stages)
    if a.kind == Kind.B and a.chunk < s.chunks - 1:
        return Action(Kind.RECV_B, a.micro, a.chunk, (a.chunk + 1) % s.stages)
    return None


def _partners(s: Schedule) -> dict:
    """(rank, transfer) -> (peer rank, the matching transfer), matched in order per pair of ranks."""
    partner = {}
    for (src, dst), (sends, recvs) in _transfers_by_pair(s).items():
        for send, recv in zip(sends, recvs):
            partner[src, send] = (dst, recv)
            partner[dst, recv] = (src, send)
    return partner

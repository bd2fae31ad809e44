"""The processes of a job, as Linux's /proc shows them (an empty answer elsewhere): who descends from whom, and
how much memory each holds. Used by the launcher (a stopped worker to kill), the memory pre-flight (what the job
holds already), the tests (workers to kill or stop, none left behind) and the benchmarks. And the cores they may
run on, which the processes of one machine share."""

from __future__ import annotations

import os


def cores() -> int:
    """The CPU cores this process may run on: its affinity mask (a container or `taskset` may allow fewer than the
    machine has), or the machine's count where the system has no mask."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def descendants(root: int) -> list[int]:
    """`root` and every process below it (children, their children, ...); [root] where /proc cannot be read."""
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return [root]
    for name in names:
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def rss(pid: int) -> int:
    """Bytes of memory the process holds now (its resident set), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def status(pid: int) -> dict[str, str]:
    """The fields of /proc/PID/status ({} if it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            return {k: v.strip() for k, _, v in (line.partition(":") for line in f) if v}
    except OSError:
        return {}

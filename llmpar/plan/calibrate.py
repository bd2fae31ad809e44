"""`llmpar calibrate`: measure this machine and write a hardware profile for the cost model.

On a CPU a "device" is one worker process and the processes of a node share its cores, so the compute and
memory rates are measured on ONE thread (per core) and `cores` is the number of cores this process may use; the
cost model divides the node's total among the processes. What is measured:

- `peak_flops` per dtype (fp32, fp64, bf16): the best FLOP/s of one thread on matmuls of the sizes the small
  models trained here use, e.g. (2048×256)@(256×1024), best over a few shapes and repeats. It is a rate
  reached, not a vendor peak, so `matmul_efficiency` is 1.0.
- `memory_bandwidth`: the bytes/s one thread moves in `torch.add(a, b, out=c)` on large fp32 tensors (64 MiB
  each; reads of a and b and the write of c counted).
- `op_overhead`: the seconds one dispatched operation costs when training: a chain of K autograd-tracked
  elementwise operations on a 16-element tensor, run forward and backward, divided by the operations
  dispatched (K forward, K backward). The bare dispatch of `x.add_(1)` without autograd is printed too.
- the links: real gloo processes started by PyTorch's elastic launcher (as `llmpar train` starts them) time
  each collective of hardware.COLLECTIVES with the very calls llmpar.comm makes: all-reduce, all-gather into one
  tensor, reduce-scatter of one tensor, and p2p (isend/irecv between two ranks, ping-pong, halved). A small
  message gives the latency per step (time / steps: 2(n−1) for all-reduce, n−1 for all-gather and
  reduce-scatter, 1 for p2p); a large one (16 MiB) the bus bandwidth in the NCCL-tests convention of
  llmpar.comm.bus_bytes, the small message's time taken off first so that steps·α + B/β gives both points.
  Each time is the median over operations timed one by one, after two warm-ups, of the slowest rank.
  With several process counts, the profile keeps the links of each (`local_links`: with more processes than
  cores, every step of a collective waits for a core), and `intra` describes the largest. All processes are on
  this node, so `inter` = `intra` and `devices_per_node` is large.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import math
import os
import socket
import statistics
import time

from llmpar.errors import UserError
from llmpar.plan.hardware import COLLECTIVES, Hardware, Link, save_hardware
from llmpar.procs import cores

DEFAULT_OUT = "llmpar-hardware.json"
DEVICES_PER_NODE = 1024  # every process measured here is on this node
MiB = 2**20


def _dtype(name: str):
    import torch

    return {"fp32": torch.float32, "fp64": torch.float64, "bf16": torch.bfloat16}[name]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="FILE",
        help=f"where to write the profile (JSON, for --hardware-config) [{DEFAULT_OUT}]",
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[2],
        metavar="N",
        help="process counts to measure the collectives on; the profile keeps each count's "
        "links (use the counts you will train with) [2]",
    )
    parser.add_argument("--name", default="cpu-calibrated", help="the profile's name [cpu-calibrated]")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (rougher, seconds)")


def run(args: argparse.Namespace) -> int:
    out = getattr(args, "out", DEFAULT_OUT)
    processes = _check_processes(getattr(args, "processes", [2]))
    _check_writable(out)
    quick = bool(getattr(args, "quick", False))
    name = getattr(args, "name", None) or "cpu-calibrated"
    print(
        f"llmpar calibrate: measuring {'(quick) ' if quick else ''}on {cores()} core(s), "
        f"collectives over {', '.join(map(str, processes))} processes...",
        flush=True,
    )
    load = _load()
    if load > 0.5 * cores():
        print(
            f"llmpar calibrate: warning: the machine is busy (load average {load:.1f} on {cores()} cores); "
            f"the numbers will include waiting for a core (collective latencies most), so run it again when "
            f"the machine is idle for its own numbers",
            flush=True,
        )
    compute = measure_compute(quick)
    links = {n: measure_links(n, quick) for n in processes}
    hw = _profile(compute, links, name)
    print(format_table(compute, links))
    print(
        f"  profile: {hw.cores} cores, {hw.memory_bytes / 2**30:.1f} GiB, links measured with "
        f"{', '.join(map(str, sorted(links)))} processes"
    )
    try:
        save_hardware(hw, out)
    except OSError as e:
        raise UserError(
            f"--out {out}: cannot write the profile ({e.strerror or e}); give a writable path, "
            f"e.g. --out ./{os.path.basename(out) or DEFAULT_OUT}"
        ) from None
    print(f"wrote {out} (use it with --hardware-config {out})")
    return 0


def measure(processes=(2,), quick: bool = False, name: str = "cpu-calibrated") -> Hardware:
    """Measure this machine: compute on one thread here, links with `n` gloo processes for each n given."""
    processes = _check_processes(processes)
    compute = measure_compute(quick)
    links = {n: measure_links(n, quick) for n in processes}
    return _profile(compute, links, name)


# ---------------------------------------------------------------- compute, on one thread of this process


def measure_compute(quick: bool = False) -> dict:
    """{"peak_flops": {dtype: FLOP/s}, "memory_bandwidth": B/s, "op_overhead": s, "dispatch": s} of one thread."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            flops = {d: matmul_rate(d, quick) for d in ("fp32", "fp64", "bf16")}
            bandwidth = stream_rate(quick)
            dispatch = dispatch_time(quick)
        attention = attention_rate(quick) / flops["fp32"]
        return {
            "peak_flops": flops,
            "memory_bandwidth": bandwidth,
            "op_overhead": autograd_op_time(quick),
            "dispatch": dispatch,
            "attention_efficiency": attention,
        }
    finally:
        torch.set_num_threads(threads)


def _best_time(fn, repeats: int, budget_s: float) -> float:
    """The shortest of up to `repeats` timings of fn() (after one warm-up), stopping early past budget_s."""
    fn()
    best, start = math.inf, time.perf_counter()
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        if time.perf_counter() - start > budget_s:
            break
    return best


def matmul_rate(dtype: str, quick: bool = False) -> float:
    """FLOP/s of a linear layer's three matmuls (forward X·Wᵀ, input gradient dY·W, weight gradient dYᵀ·X) in
    `dtype` on this thread, at the small models' sizes (2048 tokens, 256 ↔ 1024 features, both ways): what
    training runs, not the best case of one square shape."""
    import torch

    shapes = [(512, 256, 512)] if quick else [(2048, 256, 1024), (2048, 1024, 256)]
    flops = seconds = 0.0
    for m, k, n in shapes:
        x = torch.randn(m, k).to(_dtype(dtype))
        w = torch.randn(n, k).to(_dtype(dtype))
        dy = torch.randn(m, n).to(_dtype(dtype))
        for fn in (lambda: x @ w.t(), lambda: dy @ w, lambda: dy.t() @ x):  # noqa: B023 - timed at once
            seconds += _best_time(fn, 3 if quick else 6, 0.3 if quick else 1.0)
            flops += 2.0 * m * k * n
    return flops / seconds


def attention_rate(quick: bool = False) -> float:
    """FLOP/s of fused causal attention (scaled_dot_product_attention) forward and backward, fp32, one thread,
    at the shape of the `small` preset's micro-batches (8 sequences × 6 heads × 256 positions × 32 per head),
    counting the causal half of 4·s²·d_head per head forward and twice that backward."""
    import torch

    b, h, s, d = (2, 6, 128, 32) if quick else (8, 6, 256, 32)
    q, k, v = (torch.randn(b, h, s, d, requires_grad=True) for _ in range(3))

    def step():
        with torch.enable_grad():
            torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).sum().backward()

    t = _best_time(step, 3 if quick else 5, 0.5 if quick else 2.0)
    return 3 * 2.0 * b * h * s * s * d / t


def stream_rate(quick: bool = False) -> float:
    """Bytes/s of `torch.add(a, b, out=c)` on fp32 tensors of 64 MiB (16 MiB when quick): read a, b; write c."""
    import torch

    numel = (16 if quick else 64) * MiB // 4
    a, b, c = torch.rand(numel), torch.rand(numel), torch.empty(numel)
    t = _best_time(lambda: torch.add(a, b, out=c), 4 if quick else 8, 0.5 if quick else 2.0)
    return 3 * numel * 4 / t


def _per_call(fn, calls: int, repeats: int) -> float:
    """Median over repeats of the time of `calls` calls of fn(), per call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
    return statistics.median(times)


def dispatch_time(quick: bool = False) -> float:
    """Seconds per `x.add_(1)` on a 16-element tensor, without autograd: the bare dispatch of one operation."""
    import torch

    x = torch.zeros(16)
    return _per_call(lambda: x.add_(1), 200 if quick else 2000, 5 if quick else 11)


def autograd_op_time(quick: bool = False, chain: int = 32) -> float:
    """Seconds per operation dispatched in training: `chain` tracked multiplications on a 16-element tensor run
    forward then backward (one backward pass, so the engine's start is shared as in a real step), divided by
    the 2·chain operations (forward and backward) dispatched."""
    import torch

    w = torch.ones(16, requires_grad=True)

    def step():
        y = w
        for _ in range(chain):
            y = y * 1.0001
        y.backward(torch.ones(16))

    return _per_call(step, 10 if quick else 50, 5 if quick else 11) / (2 * chain)


# ---------------------------------------------------------------- links, with real gloo processes


def _steps(kind: str, n: int) -> int:
    return 1 if kind == "p2p" else (2 * (n - 1) if kind == "all_reduce" else n - 1)


def _bus_bytes(kind: str, nbytes: int, n: int) -> float:
    from llmpar.comm import bus_bytes

    return bus_bytes("send" if kind == "p2p" else kind, nbytes, n)


def link_worker(quick: bool) -> dict | None:
    """What each calibration worker runs (top level, for the spawn start method). Times every collective on a
    small and a large message; returns, on rank 0, {kind: {"small": s, "large": s, "large_bytes": S}}, each time
    the slowest rank's median over operations timed one by one (the mean with more processes than cores)."""
    import torch
    import torch.distributed as dist

    from llmpar.comm import _all_gather_single, _reduce_scatter_single

    n_cores = cores()
    torch.set_num_threads(max(1, n_cores // int(os.environ.get("LOCAL_WORLD_SIZE", 1))))  # as the trainer does
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=300))
    try:
        rank, n = dist.get_rank(), dist.get_world_size()
        large_numel = (4 if quick else 16) * MiB // 4 // n * n  # fp32, divisible by n
        small_numel = 16 * n
        reps = 5 if quick else 9
        small_iters = 10 if quick else 50

        def op(kind: str, numel: int):
            full = torch.ones(numel)
            part = torch.ones(numel // n)
            if kind == "all_reduce":
                return lambda: dist.all_reduce(full)
            if kind == "all_gather":
                return lambda: _all_gather_single(full, part)
            if kind == "reduce_scatter":
                return lambda: _reduce_scatter_single(part, full)
            buf = torch.ones(numel)  # p2p: rank 0 and rank 1 bounce the message; a round trip is two transfers

            def ping_pong():
                # (torch types isend/irecv as returning Work | None: None is for a rank outside the group, and
                # ranks 0 and 1 are in the default group)
                if rank == 0:
                    dist.isend(buf, 1).wait()  # type: ignore[union-attr]
                    dist.irecv(buf, 1).wait()  # type: ignore[union-attr]
                elif rank == 1:
                    dist.irecv(buf, 0).wait()  # type: ignore[union-attr]
                    dist.isend(buf, 0).wait()  # type: ignore[union-attr]

            return ping_pong

        def timed(kind: str, numel: int, iters: int) -> float:
            """The median time of one operation, each timed alone; the slowest rank's median."""
            fn = op(kind, numel)
            for _ in range(2):  # warm-up
                fn()
            times = []
            for _ in range(reps):
                dist.barrier()
                if iters > 1:
                    fn()  # absorbs the ranks' skew in leaving the barrier; the next ones start together
                for _ in range(iters):
                    t0 = time.perf_counter()
                    fn()
                    times.append((time.perf_counter() - t0) / (2 if kind == "p2p" else 1))
            # With more processes than cores a collective often waits for its peer to get a core back: that wait
            # is part of every collective such a job makes, so it is averaged in. Otherwise a stall is some
            # other program's doing, and the median leaves it out.
            typical = statistics.fmean(times) if n > n_cores else statistics.median(times)
            slowest = torch.tensor([typical], dtype=torch.float64)
            dist.all_reduce(slowest, op=dist.ReduceOp.MAX)
            return slowest.item()

        result: dict[str, dict | float] = {}
        for kind in COLLECTIVES:
            result[kind] = {
                "small": timed(kind, small_numel, small_iters),
                "large": timed(kind, large_numel, 1),
                "large_bytes": large_numel * 4,
            }
        result["skew"] = sync_skew(quick)
        dist.barrier()
        return result if rank == 0 else None
    finally:
        dist.destroy_process_group()


def sync_skew(quick: bool) -> float:
    """The mean wait at a synchronization that follows a stretch of identical computation on every rank (a
    matmul of a few milliseconds, then a small all-reduce), beyond the computation and the all-reduce timed
    alone: how far apart the ranks' identical work ends. The mean over ranks."""
    import torch
    import torch.distributed as dist

    a, b = torch.randn(256, 512), torch.randn(512, 512)
    flag = torch.zeros(4)
    iters = 10 if quick else 40

    def work():
        for _ in range(4):
            torch.mm(a, b)

    def median_of(fn) -> float:
        times = []
        for _ in range(iters):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    dist.barrier()
    alone = median_of(work)
    dist.barrier()
    collective = median_of(lambda: dist.all_reduce(flag))
    dist.barrier()
    together = []
    for _ in range(iters):
        t0 = time.perf_counter()
        work()
        dist.all_reduce(flag)
        together.append(time.perf_counter() - t0)
    wait = torch.tensor([max(0.0, statistics.fmean(together) - alone - collective)], dtype=torch.float64)
    dist.all_reduce(wait)
    return wait.item() / dist.get_world_size()


def measure_links(n: int, quick: bool = False) -> dict:
    """Time the collectives on `n` local gloo processes. Returns {kind: {"bandwidth": B/s, "latency": s,
    "small_s": s, "large_s": s}} for each kind of hardware.COLLECTIVES."""
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    from llmpar.launch import WorkerFailed, describe_failures, run_local

    loggers = [logging.getLogger(name) for name in ("torch.distributed.elastic", "torch.multiprocessing")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        raw = run_local(n, link_worker, quick)[0]
    except ChildFailedError as e:
        raise WorkerFailed(describe_failures(e)) from None
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
    out = {"skew": raw.pop("skew")}
    for kind, r in raw.items():
        latency = r["small"] / _steps(kind, n)
        transfer = r["large"] - r["small"]  # the latency part of the large message's time
        transfer = transfer if transfer > 0.5 * r["large"] else r["large"]
        out[kind] = {
            "bandwidth": _bus_bytes(kind, r["large_bytes"], n) / transfer,
            "latency": latency,
            "small_s": r["small"],
            "large_s": r["large"],
        }
    return out


# ---------------------------------------------------------------- the profile and the report


def _check_processes(processes) -> list[int]:
    counts = list(processes) if processes is not None else []
    if not counts:
        raise UserError("--processes: give at least one process count, e.g. --processes 2")
    for n in counts:
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise UserError(
                f"--processes: {n!r} cannot time a collective; give counts of 2 or more, e.g. --processes 2 4"
            )
    return sorted(set(counts))


def _check_writable(path: str) -> None:
    """Fail before minutes of measuring if the profile cannot be written where asked."""
    if not path:
        raise UserError(f"--out: empty path; give a file, e.g. --out {DEFAULT_OUT}")
    if os.path.isdir(path):
        raise UserError(f"--out {path}: is a folder; give a file name, e.g. --out {os.path.join(path, DEFAULT_OUT)}")
    folder = os.path.dirname(os.path.abspath(path))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if (
        not os.path.isdir(existing)
        or not os.access(existing, os.W_OK | os.X_OK)
        or (os.path.exists(path) and not os.access(path, os.W_OK))
    ):
        raise UserError(
            f"--out {path}: cannot write there (no permission in {existing!r}); give a writable "
            f"path, e.g. --out ./{os.path.basename(path)}"
        )


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return 0.0


def _memory_bytes() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0.0


def _profile(compute: dict, links: dict[int, dict], name: str) -> Hardware:
    import torch

    by_n = {
        n: Link({k: r[k]["bandwidth"] for k in COLLECTIVES}, {k: r[k]["latency"] for k in COLLECTIVES}, r["skew"])
        for n, r in links.items()
    }
    link = by_n[max(by_n)]
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return Hardware(
        name=name,
        peak_flops=dict(compute["peak_flops"]),
        matmul_efficiency=1.0,
        memory_bytes=_memory_bytes(),
        memory_bandwidth=compute["memory_bandwidth"],
        devices_per_node=DEVICES_PER_NODE,
        intra=link,
        inter=link,
        attention_efficiency=compute["attention_efficiency"],
        op_overhead=compute["op_overhead"],
        cores=cores(),
        local_links=by_n,
        source=f"llmpar calibrate on {socket.gethostname()}, {date}, torch {torch.__version__}",
    )


def format_table(compute: dict, links: dict[int, dict]) -> str:
    f = compute["peak_flops"]
    lines = [
        f"  matmul, one core      fp32 {f['fp32'] / 1e9:7.1f}   fp64 {f['fp64'] / 1e9:7.1f}   "
        f"bf16 {f['bf16'] / 1e9:7.1f} GFLOP/s",
        f"  fused attention       {compute['attention_efficiency']:.2f} of the fp32 matmul rate",
        f"  memory, one core      {compute['memory_bandwidth'] / 1e9:7.2f} GB/s (torch.add, 3 streams)",
        f"  op overhead           {compute['op_overhead'] * 1e6:7.2f} µs per op with autograd "
        f"(bare dispatch {compute['dispatch'] * 1e6:.2f} µs)",
    ]
    for n, link in sorted(links.items()):
        for kind in COLLECTIVES:
            r = link[kind]
            lines.append(
                f"  {kind:<15} n={n:<3} {r['bandwidth'] / 1e9:7.3f} GB/s bus   {r['latency'] * 1e6:7.1f} µs per step"
            )
        lines.append(f"  {'peer skew':<15} n={n:<3} {link['skew'] * 1e6:7.1f} µs waited at a synchronization")
    return "\n".join(lines)


__all__ = ["add_arguments", "format_table", "measure", "measure_compute", "measure_links", "run"]

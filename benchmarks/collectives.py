"""Time the collectives ZeRO and data parallelism use, on this machine's backend, for one payload.

    python benchmarks/collectives.py [--nproc 2] [--mbytes 64] [--reps 6]

Each is timed between two barriers, in alternation, and the median is printed with the bus bandwidth (bytes
counted as in llmpar's metrics: all-reduce 2(n-1)/n·S, reduce-scatter and all-gather (n-1)/n·S, the shards'
broadcasts S·(n-1)/n received per rank). On a ring, a reduce-scatter plus an all-gather is an all-reduce, so their
times should add up to it; where they do not, the backend's implementation is the difference.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.distributed as dist


def worker(args) -> dict:
    dist.init_process_group("gloo")
    reduce_scatter = getattr(dist, "reduce_scatter_single", None) or dist.reduce_scatter_tensor
    all_gather = getattr(dist, "all_gather_single", None) or dist.all_gather_into_tensor
    n = dist.get_world_size()
    S = args.mbytes * 2**20 // 4
    x, shard = torch.randn(S), torch.empty(S // n)
    ops = {
        "all-reduce": (lambda: dist.all_reduce(x), 2 * (n - 1) / n),
        "reduce-scatter": (lambda: reduce_scatter(shard, x), (n - 1) / n),
        "all-gather": (lambda: all_gather(x, shard), (n - 1) / n),
        "broadcast of each shard": (
            lambda: [dist.broadcast(x[i * S // n : (i + 1) * S // n], src=i) for i in range(n)],
            (n - 1) / n,
        ),
    }
    times = {k: [] for k in ops}
    for _ in range(args.reps):
        for name, (fn, _) in ops.items():
            dist.barrier()
            start = time.perf_counter()
            fn()
            dist.barrier()
            times[name].append(time.perf_counter() - start)
    dist.destroy_process_group()
    return {k: (statistics.median(v), ops[k][1] * S * 4) for k, v in times.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nproc", type=int, default=2)
    p.add_argument("--mbytes", type=int, default=64)
    p.add_argument("--reps", type=int, default=6)
    args = p.parse_args()
    from llmpar.launch import run_local

    result = run_local(args.nproc, worker, args)[0]
    print(f"gloo, {args.nproc} processes, {args.mbytes} MB fp32, median of {args.reps}")
    print(f"{'':26}{'time (ms)':>10}{'bus GB/s':>10}")
    for name, (t, bus) in result.items():
        print(f"{name:26}{t * 1e3:>10.1f}{bus / t / 1e9:>10.2f}")


if __name__ == "__main__":
    main()

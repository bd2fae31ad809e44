"""What the benchmark scripts share."""

import time

import torch
import torch.distributed as dist


def timed(fn) -> float:
    """Run fn() and return its wall time on the slowest rank (a step ends when its last rank ends)."""
    start = time.perf_counter()
    fn()
    elapsed = torch.tensor(time.perf_counter() - start, dtype=torch.float64)
    dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)
    return float(elapsed)

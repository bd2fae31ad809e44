"""llmpar's ZeRO against PyTorch's own sharding: step time and peak memory, same model, data and processes.

    python benchmarks/zero_vs_torch.py [--model-config benchmarks/models/llama-27m.json] [--dp 2] [--steps 5]
                                       [--rounds 2]

Contenders, each a fresh launch of --dp workers through the elastic launcher (so that each one's peak memory
is its own), run in alternation for --rounds rounds:

    llmpar --zero 3   against  FSDP2 (`fully_shard` on every block, then on the root), reshard after forward
    llmpar --zero 1   against  DDP + `ZeroRedundancyOptimizer(AdamW)`

All build the same model from the same seed and train it on the same batches with the same AdamW, loss and
clipping. A step's time is the slowest rank's; the first step is left out of the median.

Memory on CPU is the resident set, so that it tracks live tensors the workers run with glibc's mmap threshold
fixed at 64 KiB (every tensor above it is returned to the system when freed). A worker resets its high-water
mark after building and sharding the model, runs the steps, and reports the peak resident set during the steps
minus its resident set before the model was built: the memory of the model and its training (the largest over
ranks). Prints a table and the ratios llmpar / torch (below 1: llmpar is faster or smaller).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

CONTENDERS = ["llmpar-zero3", "fsdp2", "llmpar-zero1", "zero-redundancy"]


def _status(key: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key + ":"))


def rss() -> int:
    return _status("VmRSS")


def reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM, the peak resident set (Linux)


def peak_rss() -> int:
    return _status("VmHWM")


def worker(name: str, args) -> dict:
    from torch.distributed.fsdp import fully_shard
    from torch.distributed.optim import ZeroRedundancyOptimizer

    from llmpar.comm import Comm
    from llmpar.data import ByteTokenizer, TokenBatches, load_tokens
    from llmpar.mesh import Mesh
    from llmpar.model import build_model, load_model_config
    from llmpar.optim import adamw
    from llmpar.parallel import data_parallel

    torch.set_num_threads(max(1, torch.get_num_threads() // args.dp))
    dist.init_process_group("gloo")
    rank, n = dist.get_rank(), dist.get_world_size()
    cfg = load_model_config(args.model_config)
    batches = TokenBatches(load_tokens(None, ByteTokenizer())[0], args.seq_len, seed=0)
    B, T = args.global_batch_size, args.global_batch_size * args.seq_len
    warm = torch.zeros(4, requires_grad=True)  # the first optimizer loads modules (tens of MB): before the baseline
    warm.grad = torch.ones(4)
    adamw([warm], 1e-3, 0.1).step()
    before = rss()
    model = build_model(cfg, seed=0)
    lr, wd = 1e-3, 0.1

    if name.startswith("llmpar"):
        engine = data_parallel(model, Comm(Mesh(dp=n, rank=rank)), int(name[-1]), lr, wd)

        def step(k):
            engine.zero_grad()
            engine.start_micro_batch(True)
            x, y = batches.micro_batch(k, B, n, rank, 1, 0)
            loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten(), reduction="sum") / T
            loss.backward()
            engine.end_micro_batch(True)
            engine.clip_grad_norm_(1.0)
            engine.step(lr)
            return loss.item() * n  # this replica's mean loss, comparable with the others below
    else:
        if name == "fsdp2":
            for block in model.layers.values():
                fully_shard(block)
            fully_shard(model)
            optimizer = adamw(list(model.parameters()), lr, wd)
            wrapped = model
        else:
            wrapped = torch.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=25)
            params = list(model.parameters())
            optimizer = ZeroRedundancyOptimizer(
                [p for p in params if p.dim() >= 2],
                optimizer_class=torch.optim.AdamW,
                lr=lr,
                betas=(0.9, 0.95),
                eps=1e-8,
                weight_decay=wd,
                foreach=True,
            )
            optimizer.add_param_group({"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0})

        def step(k):
            optimizer.zero_grad()
            x, y = batches.micro_batch(k, B, n, rank, 1, 0)
            # Both average gradients over replicas: scale by the local token count.
            loss = F.cross_entropy(wrapped(x).flatten(0, 1), y.flatten(), reduction="sum") / (T / n)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            return loss.item()

    reset_peak_rss()
    times, losses = [], []
    for k in range(args.steps):
        start = time.perf_counter()
        losses.append(step(k))
        t = torch.tensor(time.perf_counter() - start, dtype=torch.float64)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        times.append(float(t))
    stats = torch.tensor([peak_rss() - before, peak_rss()], dtype=torch.float64)
    dist.all_reduce(stats, op=dist.ReduceOp.MAX)
    loss = torch.tensor(losses[-1], dtype=torch.float64)
    dist.all_reduce(loss)
    dist.destroy_process_group()
    return {
        "step_s": statistics.median(times[1:]),
        "added_bytes": float(stats[0]),
        "peak_rss": float(stats[1]),
        "loss": float(loss) / n,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-config", default="benchmarks/models/llama-27m.json")
    p.add_argument("--dp", type=int, default=2)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--global-batch-size", type=int, default=8)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()

    os.environ["MALLOC_MMAP_THRESHOLD_"] = "65536"  # read by each worker's C library at start
    from llmpar.launch import run_local

    results: dict[str, list[dict]] = {c: [] for c in CONTENDERS}
    for _ in range(args.rounds):
        for name in CONTENDERS:
            results[name].append(run_local(args.dp, worker, name, args)[0])

    from llmpar.model import load_model_config

    cfg = load_model_config(args.model_config)
    print(
        f"model {args.model_config} ({cfg.num_params() / 1e6:.1f}M parameters, fp32), dp={args.dp}, "
        f"global batch {args.global_batch_size}x{args.seq_len}, {args.steps} steps x {args.rounds} launches each"
    )
    print(f"{'':18}{'median step (s)':>16}{'training memory (MB)':>22}{'peak RSS (MB)':>15}{'last loss':>11}")
    summary = {}
    for name, rs in results.items():
        step_s = statistics.median(r["step_s"] for r in rs)
        added = statistics.median(r["added_bytes"] for r in rs)
        summary[name] = (step_s, added)
        print(
            f"{name:18}{step_s:>16.4f}{added / 1e6:>22.1f}{max(r['peak_rss'] for r in rs) / 1e6:>15.1f}"
            f"{rs[-1]['loss']:>11.4f}"
        )
    for ours, theirs in (("llmpar-zero3", "fsdp2"), ("llmpar-zero1", "zero-redundancy")):
        print(
            f"{ours} / {theirs}: step time {summary[ours][0] / summary[theirs][0]:.3f}, "
            f"training memory {summary[ours][1] / summary[theirs][1]:.3f}"
        )


if __name__ == "__main__":
    main()

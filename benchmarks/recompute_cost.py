"""What activation recomputation costs a step, and what it saves: --recompute none, selective and full on one layout.

    python benchmarks/recompute_cost.py [--model small] [--dp 2] [--tp 1] [--pp 1] [--micro-batches 1]
                                        [--steps 5] [--rounds 4] [--seq-len S] [--global-batch-size B]

Starts the layout's workers through the elastic launcher; each builds llmpar's Trainer once per mode (the same
weights and batches) and runs --steps steps of each, the modes alternating in rounds so that the machine's load
(other processes on shared cores) affects them alike. A step's time is the slowest rank's. Prints, per mode, the
median step time and its ratio to no recomputation, the same ratio the cost model predicts for this machine
(`llmpar plan --hardware cpu`), and the activations kept (the metrics' activation_bytes, the busiest rank)
beside the cost model's, and their ratio to no recomputation.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

MODES = ("none", "selective", "full")


def worker(configs, rounds):
    import torch
    import torch.distributed as dist

    from llmpar.train.trainer import Trainer

    trainers = {mode: Trainer(cfg) for mode, cfg in configs.items()}
    times: dict[str, list[float]] = {mode: [] for mode in configs}
    kept = {}
    for mode, trainer in trainers.items():  # a first step each: allocations, thread pools
        trainer.train_step(0)
        kept[mode] = trainer.parallel.meter.peak
    for _ in range(rounds):
        for mode, trainer in trainers.items():
            for step in range(configs[mode].steps):
                dist.barrier()
                elapsed = torch.tensor(trainer.train_step(1 + step)["step_time_s"], dtype=torch.float64)
                dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)
                times[mode].append(float(elapsed))
    peaks = torch.tensor([kept[m] for m in configs], dtype=torch.float64)
    dist.all_reduce(peaks, op=dist.ReduceOp.MAX)
    for trainer in trainers.values():
        trainer.close()
    return {"times": times, "kept": dict(zip(configs, peaks.tolist()))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="small")
    ap.add_argument("--dp", type=int, default=2)
    ap.add_argument("--tp", type=int, default=1)
    ap.add_argument("--pp", type=int, default=1)
    ap.add_argument("--micro-batches", type=int, default=1)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seq-len", type=int)
    ap.add_argument("--global-batch-size", type=int, default=16)
    args = ap.parse_args()

    from llmpar.config import TrainConfig, validate
    from llmpar.launch import run_local
    from llmpar.plan.cost import Batch, estimate
    from llmpar.plan.hardware import hardware
    from llmpar.procs import cores

    configs = {
        mode: validate(
            TrainConfig(
                model=args.model,
                dp=args.dp,
                tp=args.tp,
                pp=args.pp,
                micro_batches=args.micro_batches,
                recompute=mode,
                steps=args.steps,
                device="cpu",
                seq_len=args.seq_len,
                global_batch_size=args.global_batch_size,
                progress=False,
                sample_tokens=0,
            )
        )
        for mode in MODES
    }
    results = run_local(configs["none"].world_size, worker, configs, args.rounds)[0]
    cfg = configs["none"]
    batch = Batch(cfg.global_batch_size, cfg.seq_len, cfg.dtype)
    hw = dataclasses.replace(hardware("cpu"), cores=cores())  # this machine's cores, as the pre-flight plans
    predicted = {m: estimate(c.model_cfg, c.parallel_layout(), batch, hw) for m, c in configs.items()}
    base = statistics.median(results["times"]["none"])
    print(
        f"recomputation cost: --model {args.model} --dp {args.dp} --tp {args.tp} --pp {args.pp} --micro-batches "
        f"{args.micro_batches} --global-batch-size {cfg.global_batch_size} --seq-len {cfg.seq_len}, {cfg.dtype}; "
        f"median of {args.rounds} rounds × {args.steps} steps"
    )
    print(
        f"{'recompute':<10} {'step s':>8} {'vs none':>8} {'predicted':>10} {'kept MiB':>9} {'predicted':>10} "
        f"{'vs none':>8}"
    )
    for m in MODES:
        t = statistics.median(results["times"][m])
        kept = results["kept"][m]
        time_ratio = predicted[m].step_time_s / predicted["none"].step_time_s
        print(
            f"{m:<10} {t:>8.3f} {t / base:>8.3f} {time_ratio:>10.3f} {kept / 2**20:>9.2f} "
            f"{predicted[m].memory_bytes['activations'] / 2**20:>10.2f} {kept / results['kept']['none']:>8.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

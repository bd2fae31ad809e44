"""What saving every N steps costs the training loop: no saves, plain (synchronous) saves, --save-async.

    python benchmarks/save_cost.py [--model small] [--dp 2] [--zero 0] [--steps 40] [--save-every 5] [--rounds 3]
                                   [--seq-len S] [--global-batch-size B]

Starts --dp workers through the elastic launcher; each builds llmpar's Trainer once per variant and runs the
same steps, saving every --save-every steps (into a fresh folder) as `llmpar train --save` does, or not at all.
The variants alternate in rounds so that they see the same machine. A loop's time is the slowest rank's,
including waiting for the last background save to complete. Prints, per variant, the median loop time, the
cost per save against the loop without saves, and the checkpoint's size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

VARIANTS = ("none", "sync", "async")


def worker(cfg, variants, rounds, every, root):
    import torch
    import torch.distributed as dist

    from llmpar.train.trainer import Trainer

    times = {v: [] for v in variants}
    size = 0
    trainer = Trainer(cfg)
    for r in range(rounds):
        for v in variants:
            folder = os.path.join(root, f"{v}-{r}")
            trainer.cfg.save = folder if v != "none" else None
            trainer.saver = None
            if v == "async":
                from llmpar.checkpoint.state import AsyncSaver

                trainer.saver = AsyncSaver()
            dist.barrier()
            start = time.perf_counter()
            for step in range(cfg.steps):
                trainer.reduce_metrics(step, trainer.train_step(step))
                if v != "none" and (step + 1) % every == 0:
                    trainer.save(step + 1)
            if trainer.saver is not None:
                trainer.saver.wait()
            dist.barrier()  # rank 0 has published the last checkpoint
            elapsed = torch.tensor(time.perf_counter() - start, dtype=torch.float64)
            dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)
            times[v].append(float(elapsed))
            if v != "none" and dist.get_rank() == 0:
                last = os.path.join(folder, f"step_{cfg.steps // every * every:06d}")
                size = sum(os.path.getsize(os.path.join(last, f)) for f in os.listdir(last))
                shutil.rmtree(folder)
    trainer.close()
    del trainer
    return {"times": times, "size": size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="small")
    ap.add_argument("--dp", type=int, default=2)
    ap.add_argument("--zero", type=int, default=0)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--save-every", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seq-len", type=int)
    ap.add_argument("--global-batch-size", type=int, default=16)
    args = ap.parse_args()

    from llmpar.config import TrainConfig, validate
    from llmpar.launch import run_local

    cfg = validate(
        TrainConfig(
            model=args.model,
            dp=args.dp,
            zero=args.zero,
            steps=args.steps,
            device="cpu",
            seq_len=args.seq_len,
            global_batch_size=args.global_batch_size,
            progress=False,
            sample_tokens=0,
        )
    )
    root = tempfile.mkdtemp(prefix="llmpar-save-cost-")
    try:
        results = run_local(cfg.world_size, worker, cfg, VARIANTS, args.rounds, args.save_every, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    r0 = results[0]
    saves = args.steps // args.save_every
    base = statistics.median(r0["times"]["none"])
    print(
        f"save cost: --model {args.model} --dp {args.dp} --zero {args.zero}, {args.steps} steps, a save every "
        f"{args.save_every} ({saves} saves of {r0['size'] / 2**20:.1f} MiB), median of {args.rounds} rounds"
    )
    print(f"{'variant':<8} {'loop s':>8} {'per step s':>11} {'per save s':>11} {'vs none':>8}")
    for v in VARIANTS:
        t = statistics.median(r0["times"][v])
        per_save = (t - base) / saves if v != "none" else 0.0
        print(f"{v:<8} {t:>8.2f} {t / args.steps:>11.4f} {per_save:>11.3f} {t / base:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

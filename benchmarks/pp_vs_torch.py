"""llmpar's pipeline schedules against `torch.distributed.pipelining` (Schedule1F1B, ScheduleGPipe): step time,
same model, stages, micro-batches and processes.

    python benchmarks/pp_vs_torch.py [--model-config benchmarks/models/llama-27m.json] [--pp 2] [--m 8]
                                     [--steps 4] [--rounds 2]

Every worker builds the model twice from one seed and cuts it at the same layers: once trained by `llmpar
train`'s own step (`--pp P --schedule 1f1b|gpipe`), once wrapped in a `PipelineStage` and run by torch's
schedule with the same loss (summed cross-entropy over the global token count, `scale_grads=False`), clipping
by the global norm across stages, and AdamW. They alternate in rounds; a step's time is the slowest rank's, the
first step of each round is left out. Prints the ratio llmpar / torch (below 1: llmpar is faster) and losses.
NO_METER=1 turns off llmpar's saved-tensor meter (which measures `activation_bytes`), to see what it costs.
"""

from __future__ import annotations

import argparse
import os
import statistics

import torch
import torch.distributed as dist
import torch.nn.functional as F

from _common import timed
from llmpar.compare.peers import StageModule


def worker(args, schedule_name: str) -> dict:
    from torch.distributed.pipelining import PipelineStage, Schedule1F1B, ScheduleGPipe

    from llmpar.config import TrainConfig, validate
    from llmpar.model import build_model
    from llmpar.optim import adamw
    from llmpar.pipeline.stages import split_model
    from llmpar.train.trainer import Trainer

    cfg = validate(
        TrainConfig(
            model_config=args.model_config,
            dp=1,
            pp=args.pp,
            schedule=schedule_name,
            micro_batches=args.m,
            global_batch_size=args.m * args.micro_batch_size,
            seq_len=args.seq_len,
            device="cpu",
            steps=args.rounds * args.steps,
            lr_schedule="constant",
            warmup=0,
            progress=False,
            sample_tokens=0,
        )
    )
    ours = Trainer(cfg)  # joins the process group
    if os.environ.get("NO_METER"):
        import contextlib

        ours.parallel.meter.hooks = contextlib.nullcontext
    rank, p = dist.get_rank(), args.pp
    model = build_model(cfg.model_cfg, cfg.seed)
    chunk = split_model(model, rank, p, 1, cfg.seq_len)[0]
    stage = PipelineStage(StageModule(model, chunk), rank, p, torch.device("cpu"))
    tokens = cfg.global_batch_size * cfg.seq_len

    def loss_fn(logits, targets):
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum") / tokens

    kind = {"1f1b": Schedule1F1B, "gpipe": ScheduleGPipe}[schedule_name]
    schedule = kind(stage, n_microbatches=args.m, loss_fn=loss_fn, scale_grads=False)
    params = list(dict.fromkeys(model.parameters()))
    optimizer = adamw(params, cfg.lr, cfg.weight_decay)
    losses = {}

    def their_step(k):
        optimizer.zero_grad()
        x, y = ours.batches.micro_batch(k, cfg.global_batch_size, 1, 0, 1, 0)  # the whole global batch
        micro_losses = []
        if rank == 0:
            schedule.step(x)
        else:
            schedule.step(target=y, losses=micro_losses)
        sq = torch.stack([g.double().pow(2).sum() for g in (q.grad for q in params) if g is not None]).sum()
        dist.all_reduce(sq)  # the global norm, across stages
        coef = torch.clamp(cfg.grad_clip / (sq.sqrt() + 1e-6), max=1.0)
        for q in params:
            if q.grad is not None:
                q.grad.mul_(coef.to(q.grad.dtype))
        optimizer.step()
        if micro_losses:
            losses["torch"] = float(sum(loss.detach() for loss in micro_losses))

    def our_step(k):
        losses["llmpar"] = float(ours.train_step(k)["loss_part"])

    times = {"llmpar": [], "torch": []}
    step = 0
    for _ in range(args.rounds):
        times["llmpar"] += [timed(lambda: our_step(step + k)) for k in range(args.steps)][1:]
        times["torch"] += [timed(lambda: their_step(step + k)) for k in range(args.steps)][1:]
        step += args.steps
    ours.close()  # its heartbeat thread
    dist.destroy_process_group()
    return {name: statistics.median(t) for name, t in times.items()} | {"losses": losses}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-config", default="benchmarks/models/llama-27m.json")
    p.add_argument("--pp", type=int, default=2)
    p.add_argument("--m", type=int, default=8, help="micro-batches")
    p.add_argument("--micro-batch-size", type=int, default=1)
    p.add_argument("--seq-len", type=int, default=256)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    from llmpar.launch import run_local

    print(
        f"model {args.model_config}, pp={args.pp}, {args.m} micro-batches of {args.micro_batch_size}x{args.seq_len}, "
        f"fp32, {args.rounds} rounds of {args.steps} steps each"
    )
    print(f"{'schedule':10}{'llmpar step (s)':>17}{'torch step (s)':>16}{'ratio':>8}{'last loss llmpar / torch':>28}")
    for name in ("1f1b", "gpipe"):
        r = run_local(args.pp, worker, args, name)
        last = r[args.pp - 1]
        print(
            f"{name:10}{last['llmpar']:>17.4f}{last['torch']:>16.4f}{last['llmpar'] / last['torch']:>8.3f}"
            f"{last['losses']['llmpar']:>14.4f} / {last['losses']['torch']:.4f}"
        )


if __name__ == "__main__":
    main()

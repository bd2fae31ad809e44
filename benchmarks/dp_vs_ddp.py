"""llmpar's data parallelism against PyTorch's DistributedDataParallel: step time, same model, data, processes.

    python benchmarks/dp_vs_ddp.py [--model small] [--dp 2] [--steps 10] [--rounds 3] [--micro-batches 1]

Starts dp workers through the elastic launcher. Every worker builds the same model twice from the same seed:
one trained by llmpar's own training step (bucketed all-reduce overlapped with backward, metrics meters on),
one wrapped in `torch.nn.parallel.DistributedDataParallel` (25 MB buckets, gradients as bucket views) with the
same loss scaling, accumulation, clipping and AdamW. The two alternate in rounds of --steps steps so that both
see the same machine conditions; a step's time is the slowest rank's. Prints a table and the ratio
llmpar / DDP of the median step times (below 1: llmpar is faster), and checks that both reach the same loss.
"""

from __future__ import annotations

import argparse
import statistics

import torch
import torch.distributed as dist
import torch.nn.functional as F

from _common import timed


def ddp_step(model, optimizer, trainer, step: int) -> float:
    cfg = trainer.cfg
    dp_rank = trainer.mesh.coords["dp"]
    optimizer.zero_grad(set_to_none=False)
    local_tokens = trainer.tokens_per_step / cfg.dp  # DDP averages over replicas: scale by the local share
    loss_sum = 0.0
    for micro in range(cfg.micro_batches):
        x, y = trainer.batches.micro_batch(step, cfg.global_batch_size, cfg.dp, dp_rank, cfg.micro_batches, micro)
        last = micro == cfg.micro_batches - 1
        ctx = model.no_sync() if not last else torch.enable_grad()
        with ctx:
            logits = model(x)
            loss = F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="sum") / local_tokens
            loss.backward()
        loss_sum += loss.item()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    optimizer.step()
    return loss_sum


def worker(args) -> None:
    from llmpar.config import TrainConfig, validate
    from llmpar.model import build_model
    from llmpar.optim import adamw
    from llmpar.train.lr import lr_at
    from llmpar.train.trainer import Trainer

    cfg = validate(
        TrainConfig(
            model=args.model,
            dp=args.dp,
            micro_batches=args.micro_batches,
            device="cpu",
            steps=args.rounds * args.steps,
            global_batch_size=args.global_batch_size,
            lr_schedule="constant",
            warmup=0,
            progress=False,
            sample_tokens=0,
        )
    )
    trainer = Trainer(cfg)  # joins the process group
    reference = build_model(cfg.model_cfg, cfg.seed)
    ddp = torch.nn.parallel.DistributedDataParallel(reference, bucket_cap_mb=25, gradient_as_bucket_view=True)
    ddp_opt = adamw(list(reference.parameters()), cfg.lr, cfg.weight_decay)
    for group in ddp_opt.param_groups:
        group["lr"] = lr_at(1, lr=cfg.lr, warmup=0, steps=cfg.steps, schedule="constant")

    ours, theirs, last_loss = [], [], {}
    step = 0
    for _ in range(args.rounds):
        for k in range(args.steps):
            ours.append(timed(lambda: last_loss.__setitem__("ours", trainer.train_step(step + k)["loss_part"])))
        for k in range(args.steps):
            theirs.append(timed(lambda: last_loss.__setitem__("ddp", ddp_step(ddp, ddp_opt, trainer, step + k))))
        step += args.steps
    # The first step of each (allocations, first buckets) is left out of the medians.
    ours_loss = last_loss["ours"].clone()
    dist.all_reduce(ours_loss)  # each replica's share of the global mean
    ddp_loss = torch.tensor(last_loss["ddp"], dtype=torch.float64)
    dist.all_reduce(ddp_loss)
    ddp_loss /= cfg.dp  # each replica's own mean
    if dist.get_rank() == 0:
        m_ours, m_ddp = statistics.median(ours[1:]), statistics.median(theirs[1:])
        tokens = cfg.global_batch_size * cfg.seq_len
        print(
            f"model {cfg.model_name} ({cfg.model_cfg.num_params() / 1e6:.2f}M params), dp={cfg.dp}, "
            f"global batch {cfg.global_batch_size}x{cfg.seq_len}, micro-batches {cfg.micro_batches}, "
            f"{args.rounds}x{args.steps} steps each, {torch.get_num_threads()} thread(s) per rank"
        )
        print(f"{'':10}{'median step (s)':>18}{'tokens/s':>12}{'last loss':>12}")
        print(f"{'llmpar':10}{m_ours:>18.4f}{tokens / m_ours:>12,.0f}{float(ours_loss):>12.4f}")
        print(f"{'DDP':10}{m_ddp:>18.4f}{tokens / m_ddp:>12,.0f}{float(ddp_loss):>12.4f}")
        print(f"ratio llmpar/DDP step time: {m_ours / m_ddp:.3f}")
    trainer.close()  # its heartbeat thread
    dist.destroy_process_group()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="small")
    p.add_argument("--dp", type=int, default=2)
    p.add_argument("--global-batch-size", type=int, default=16)
    p.add_argument("--micro-batches", type=int, default=1)
    p.add_argument("--steps", type=int, default=10, help="steps per round and per contender")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()

    from llmpar.launch import run_local

    run_local(args.dp, worker, args)


if __name__ == "__main__":
    main()

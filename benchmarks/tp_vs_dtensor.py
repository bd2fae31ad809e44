"""llmpar's tensor parallelism against PyTorch's own (DTensor `parallelize_module`): step time, same model, data
and processes.

    python benchmarks/tp_vs_dtensor.py [--model-config benchmarks/models/llama-27m.json] [--tp 2]
                                       [--steps 5] [--rounds 3]

For each of "without SP" and "with SP", --tp workers build the model twice from one seed: one split by llmpar
(`--tp`, `--sequence-parallel`), one by `torch.distributed.tensor.parallel.parallelize_module` with the plan
torchtitan uses for Llama (`llmpar.compare.peers.dtensor_plan`, which `--peer dtensor-tp` runs too): q/k/v, w1,
w3 `ColwiseParallel`, wo and w2 `RowwiseParallel`, the embedding `RowwiseParallel`, the output layer
`ColwiseParallel`; with SP, the norms `SequenceParallel`, the attention and MLP inputs gathered once by
`PrepareModuleInput`, and row outputs sharded on the sequence. The two train the same batches with the same
AdamW and clipping, alternating in rounds of --steps; a step's time is the slowest rank's, the first step of
each is left out. Prints the ratio llmpar / DTensor of the median step times (below 1: llmpar is faster) and
both losses.
"""

from __future__ import annotations

import argparse
import statistics

import torch.distributed as dist
import torch.nn.functional as F

from _common import timed
from llmpar.compare.peers import clip_grad_norm, dtensor_plan


def worker(args, sequence_parallel: bool) -> dict:
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor.parallel import parallelize_module

    from llmpar.config import TrainConfig, validate
    from llmpar.model import build_model
    from llmpar.optim import adamw
    from llmpar.train.trainer import Trainer

    cfg = validate(
        TrainConfig(
            model_config=args.model_config,
            dp=1,
            tp=args.tp,
            device="cpu",
            sequence_parallel=sequence_parallel,
            seq_len=args.seq_len,
            global_batch_size=args.global_batch_size,
            steps=args.rounds * args.steps,
            lr_schedule="constant",
            warmup=0,
            progress=False,
            sample_tokens=0,
        )
    )
    ours = Trainer(cfg)  # joins the process group
    theirs = build_model(cfg.model_cfg, cfg.seed)
    parallelize_module(theirs, init_device_mesh("cpu", (args.tp,)), dtensor_plan(theirs, sequence_parallel))
    optimizer = adamw(list(theirs.parameters()), cfg.lr, cfg.weight_decay)
    tokens = cfg.global_batch_size * cfg.seq_len
    losses = {}

    def their_step(k):
        optimizer.zero_grad()
        x, y = ours.batches.micro_batch(k, cfg.global_batch_size, 1, 0, 1, 0)
        loss = F.cross_entropy(theirs(x).flatten(0, 1), y.flatten(), reduction="sum") / tokens
        loss.backward()
        clip_grad_norm(list(theirs.parameters()), cfg.grad_clip)
        for group in optimizer.param_groups:
            group["lr"] = cfg.lr
        optimizer.step()
        losses["dtensor"] = loss.item()

    def our_step(k):
        losses["llmpar"] = float(ours.train_step(k)["loss_part"])

    times = {"llmpar": [], "dtensor": []}
    step = 0
    for _ in range(args.rounds):
        for k in range(args.steps):
            times["llmpar"].append(timed(lambda: our_step(step + k)))
        for k in range(args.steps):
            times["dtensor"].append(timed(lambda: their_step(step + k)))
        step += args.steps
    ours.close()  # its heartbeat thread
    dist.destroy_process_group()
    return {name: statistics.median(t[1:]) for name, t in times.items()} | {"losses": losses}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-config", default="benchmarks/models/llama-27m.json")
    p.add_argument("--tp", type=int, default=2)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--global-batch-size", type=int, default=8)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    from llmpar.launch import run_local

    print(
        f"model {args.model_config}, tp={args.tp}, global batch {args.global_batch_size}x{args.seq_len}, fp32, "
        f"{args.rounds}x{args.steps} steps each"
    )
    print(f"{'':10}{'llmpar step (s)':>17}{'DTensor step (s)':>18}{'ratio':>8}{'last loss llmpar / DTensor':>30}")
    for sp in (False, True):
        r = run_local(args.tp, worker, args, sp)[0]
        name = "with SP" if sp else "without SP"
        print(
            f"{name:10}{r['llmpar']:>17.4f}{r['dtensor']:>18.4f}{r['llmpar'] / r['dtensor']:>8.3f}"
            f"{r['losses']['llmpar']:>16.4f} / {r['losses']['dtensor']:.4f}"
        )


if __name__ == "__main__":
    main()

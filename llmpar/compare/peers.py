"""PyTorch's own equivalents of llmpar's layouts ("peers"), as jobs `llmpar compare --peers` runs and tabulates.

    python -m llmpar.compare.peers --peer NAME [any `llmpar train` flags] --metrics FILE --summary FILE

    ddp         torch.nn.parallel.DistributedDataParallel                         twin of --dp N
    zero-torch  DDP + torch.distributed.optim.ZeroRedundancyOptimizer(AdamW)      twin of --dp N --zero 1
    fsdp2       torch.distributed.fsdp.fully_shard on every block, then the root  twin of --dp N --zero 3
    dtensor-tp  torch.distributed.tensor.parallel.parallelize_module              twin of --tp N [--sequence-parallel]
    pipelining  torch.distributed.pipelining PipelineStage + Schedule1F1B/GPipe   twin of --pp N --schedule 1f1b|gpipe

The flags are `llmpar train`'s, parsed by its own parser and validated by its own rules, and mean what they mean
there; the layout flags say the peer's layout, which must be the one the peer is the twin of (`peer_for`). A peer
builds the model llmpar builds (the same seeded initialization), trains it on llmpar's batches (llmpar.data) with
llmpar's loss (summed token cross-entropy over the global token count), learning-rate schedule, global-norm
clipping and AdamW (decay on matrices only), so that in fp64 its losses equal llmpar's to rounding; only the
parallelism is torch's. It writes llmpar's metrics line (one per step, the same keys; what torch does not let
us measure is null) and a summary whose validation loss is computed as `Trainer.validation_loss` computes it.
docs/compare-peers.md says how each peer is built and what it does not measure.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import logging
import math
import os
import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from llmpar.errors import TrainingError, UserError
from llmpar.train.metrics import SavedTensorMeter, _Saved

if TYPE_CHECKING:
    from llmpar.config import TrainConfig
    from llmpar.model.transformer import Transformer
    from llmpar.pipeline.stages import Chunk

PROG = "llmpar.compare.peers"

# name -> what it is, in a line (for the report).
PEERS: dict[str, str] = {
    "ddp": "torch.nn.parallel.DistributedDataParallel (25 MB buckets, gradients as bucket views): the twin of --dp N",
    "zero-torch": "DistributedDataParallel + torch.distributed.optim.ZeroRedundancyOptimizer(AdamW): the twin of "
    "--dp N --zero 1",
    "fsdp2": "torch.distributed.fsdp.fully_shard on every block, then the root, resharding after forward: the twin "
    "of --dp N --zero 3",
    "dtensor-tp": "torch.distributed.tensor.parallel.parallelize_module with torchtitan's Llama plan (with "
    "--sequence-parallel, its sequence-parallel plan): the twin of --tp N",
    "pipelining": "torch.distributed.pipelining: a PipelineStage on llmpar's cut of the layers, run by Schedule1F1B "
    "or ScheduleGPipe: the twin of --pp N --schedule 1f1b|gpipe",
}

# The layout each peer is the twin of, as `llmpar train` flags (for the messages).
TWIN_FLAGS = {
    "ddp": "--dp N (N >= 2) --zero 0",
    "zero-torch": "--dp N (N >= 2) --zero 1",
    "fsdp2": "--dp N (N >= 2) --zero 3",
    "dtensor-tp": "--tp N (N >= 2) [--sequence-parallel]",
    "pipelining": "--pp N (N >= 2) --schedule 1f1b|gpipe",
}
PIPELINE_SCHEDULES = ("1f1b", "gpipe")
_DATA_PARALLEL_ZERO = {"ddp": 0, "zero-torch": 1, "fsdp2": 3}


def peer_for(layout: dict) -> str | None:
    """The peer that is the twin of an llmpar layout (the metrics line's "layout" object: dp, tp, pp, zero, schedule,
    sequence_parallel, recompute), or None when torch has no single equivalent of it here: ZeRO-2, combinations
    of axes, recomputation, the interleaved, zero-bubble and naive schedules, one process; and context parallelism:
    torch's `context_parallel` cannot run on a CPU: docs/context-parallel.md)."""
    dp, tp, pp = (int(layout.get(k, 1)) for k in ("dp", "tp", "pp"))
    if int(layout.get("cp", 1)) > 1:
        return None
    zero = int(layout.get("zero", 0))
    sp = bool(layout.get("sequence_parallel", False))
    if layout.get("recompute", "none") not in (None, "none"):
        return None
    if dp >= 2 and tp == 1 and pp == 1 and not sp:
        return next((name for name, z in _DATA_PARALLEL_ZERO.items() if z == zero), None)
    if zero != 0:
        return None
    if tp >= 2 and dp == 1 and pp == 1:
        return "dtensor-tp"
    if pp >= 2 and dp == 1 and tp == 1 and not sp and layout.get("schedule", "1f1b") in PIPELINE_SCHEDULES:
        return "pipelining"
    return None


def _layout_mismatch(peer: str, cfg: TrainConfig) -> str | None:
    """Why the flags' layout is not the one `peer` is the twin of (naming the first flag at fault), or None."""
    layout = cfg.layout()
    if peer_for(layout) == peer:
        return None
    if cfg.recompute != "none":
        problem = f"--recompute {cfg.recompute}: the peers recompute nothing; leave --recompute out"
    else:
        checks: list[tuple[str, Any, bool, str]]
        if peer in _DATA_PARALLEL_ZERO:
            z = _DATA_PARALLEL_ZERO[peer]
            checks = [
                ("--tp", cfg.tp, cfg.tp == 1, "1"),
                ("--pp", cfg.pp, cfg.pp == 1, "1"),
                ("--dp", cfg.dp, cfg.dp >= 2, "2 or more"),
                ("--zero", cfg.zero, cfg.zero == z, str(z)),
            ]
        elif peer == "dtensor-tp":
            checks = [
                ("--dp", cfg.dp, cfg.dp == 1, "1"),
                ("--pp", cfg.pp, cfg.pp == 1, "1"),
                ("--tp", cfg.tp, cfg.tp >= 2, "2 or more"),
            ]
        else:
            checks = [
                ("--dp", cfg.dp, cfg.dp == 1, "1"),
                ("--tp", cfg.tp, cfg.tp == 1, "1"),
                ("--pp", cfg.pp, cfg.pp >= 2, "2 or more"),
                ("--schedule", cfg.schedule, cfg.schedule in PIPELINE_SCHEDULES, " or ".join(PIPELINE_SCHEDULES)),
            ]
        flag, value, _, wanted = next(c for c in checks if not c[2])
        problem = f"{flag} {value}: it runs with {flag} {wanted}"
    other = peer_for(layout)
    hint = f"this layout's twin is --peer {other}" if other else "no peer is the twin of this layout"
    return f"--peer {peer} is the twin of `llmpar train {TWIN_FLAGS[peer]}`; {problem}; {hint}"


# ---------------------------------------------------------------------------------------------------------------
# What the peers share (the benchmarks import these too).


def dtensor_plan(model: Transformer, sequence_parallel: bool) -> dict:
    """torchtitan's tensor-parallel plan for Llama, over llmpar's module names: q/k/v, w1, w3 `ColwiseParallel`,
    wo and w2 `RowwiseParallel`, the embedding `RowwiseParallel`, the output layer `ColwiseParallel` (its logits
    gathered whole); with sequence parallelism the norms `SequenceParallel`, the attention and MLP inputs gathered
    once by `PrepareModuleInput`, and the row-parallel outputs sharded on the sequence."""
    from torch.distributed.tensor import Replicate, Shard
    from torch.distributed.tensor.parallel import ColwiseParallel, PrepareModuleInput, RowwiseParallel, SequenceParallel

    seq = Shard(1) if sequence_parallel else Replicate()
    plan: dict[str, Any] = {
        "tok_emb": RowwiseParallel(input_layouts=Replicate(), output_layouts=seq),
        "head": ColwiseParallel(input_layouts=seq, output_layouts=Replicate()),
    }
    if sequence_parallel:
        plan["norm"] = SequenceParallel()
    for k, block in model.layers.items():
        p = f"layers.{k}."
        plan.update(
            {
                p + "attn.wq": ColwiseParallel(),
                p + "attn.wk": ColwiseParallel(),
                p + "attn.wv": ColwiseParallel(),
                p + "attn.wo": RowwiseParallel(output_layouts=seq),
                p + "mlp.w1": ColwiseParallel(),
                p + "mlp.w2": RowwiseParallel(output_layouts=seq),
            }
        )
        if hasattr(block.mlp, "w3"):  # (Llama's SwiGLU; GPT-2's MLP has two matrices)
            plan[p + "mlp.w3"] = ColwiseParallel()
        if sequence_parallel:
            plan.update(
                {
                    p + "attn_norm": SequenceParallel(),
                    p + "mlp_norm": SequenceParallel(),
                    # (the block calls attn(x, rope, cache): only x is sharded)
                    p + "attn": PrepareModuleInput(
                        input_layouts=(Shard(1), None, None), desired_input_layouts=(Replicate(), None, None)
                    ),
                    p + "mlp": PrepareModuleInput(input_layouts=(Shard(1),), desired_input_layouts=(Replicate(),)),
                }
            )
    return plan


def _is_dtensor(t) -> bool:
    """Whether t is a DTensor; without importing torch.distributed.tensor (a second or two) where no peer has."""
    module = sys.modules.get("torch.distributed.tensor")
    return module is not None and isinstance(t, module.DTensor)


def _local(t: torch.Tensor) -> torch.Tensor:
    """A DTensor's local shard (what this rank holds); any other tensor itself."""
    return t.to_local() if _is_dtensor(t) else t  # type: ignore[attr-defined]


def clip_grad_norm(
    params: Iterable[torch.Tensor],
    max_norm: float,
    skip: Iterable[torch.Tensor] = (),
    group: dist.ProcessGroup | None = None,
    across: bool = False,
) -> float:
    """llmpar's clipping of torch's gradients: the global L2 norm of the gradient (each parameter counted once),
    then every gradient scaled by min(1, max_norm / (norm + 1e-6)); max_norm 0: no clipping. Returns the norm.

    Gradients may be DTensors (FSDP2's shards, tensor parallelism's: their norm is a collective) and plain
    tensors (replicated; the same on every rank) together, which torch's clip_grad_norm_ cannot mix. `skip`: the
    parameters another rank counts (a tied weight's second copy). `across`: the ranks of `group` (the world if
    None) hold different parameters, whose squares add up (the stages of a pipeline)."""
    skipped = {id(p) for p in skip}
    pairs = [(p, p.grad) for p in params if p.grad is not None]
    sq = torch.zeros((), dtype=torch.float64, device=pairs[0][1].device if pairs else None)
    # DTensor gradients, then plain ones: [(parameter, gradient)] of each kind.
    kinds = [[(p, g) for p, g in pairs if _is_dtensor(g) == distributed] for distributed in (True, False)]
    for kind in kinds:
        counted = [g for p, g in kind if id(p) not in skipped]
        if counted:
            n: Any = torch.nn.utils.get_total_norm(counted)
            sq += (n.full_tensor() if _is_dtensor(n) else n).double() ** 2
    if across:
        dist.all_reduce(sq, group=group)
    norm = sq.sqrt()
    if max_norm > 0:
        for kind in kinds:
            if kind:  # (torch's function takes the parameters, and scales their .grad)
                torch.nn.utils.clip_grads_with_norm_([p for p, _ in kind], max_norm, norm.to(kind[0][1].dtype))
    return float(norm)


class StageModule(nn.Module):
    """One pipeline chunk of llmpar's split (llmpar.pipeline.stages), as the nn.Module a PipelineStage wraps: its
    parameters are the modules the split kept on this rank."""

    def __init__(self, model: Transformer, chunk: Chunk):
        super().__init__()
        self.model, self.chunk = model, chunk

    def forward(self, x):
        return self.chunk(x)


class _Meter(SavedTensorMeter):
    """llmpar's meter of the bytes autograd saves for backward (`activation_bytes`), for DTensors too: a saved
    DTensor counts its local shard, and parameters are recognized by their local shards' storages."""

    def __init__(self, parameters: Iterable[torch.Tensor]):
        super().__init__([_local(p) for p in parameters])

    def exclude_parameters(self, parameters: Iterable[torch.Tensor]) -> None:
        """Also leave out these parameters' storages (FSDP2's gathered parameters)."""
        self.exclude |= {_local(p).untyped_storage()._cdata for p in parameters}

    def _pack(self, t: torch.Tensor):
        if not _is_dtensor(t):
            return super()._pack(t)
        saved = super()._pack(t._local_tensor)  # type: ignore[attr-defined]
        if isinstance(saved, _Saved):
            saved.tensor = t  # unpacked as what autograd saved
            return saved
        return t


def _optimizer_state(optimizer) -> list[torch.Tensor]:
    """The tensors of an optimizer's state on this rank (ZeroRedundancyOptimizer: of its local shard)."""
    inner = getattr(optimizer, "optim", optimizer)
    return [v for s in inner.state.values() for v in s.values() if isinstance(v, torch.Tensor)]


# ---------------------------------------------------------------------------------------------------------------
# The peers: each builds llmpar's model and trains it with torch's parallelism.


class _Peer:
    """One rank's part of a peer run. A subclass builds `self.model` (this rank's part) and the optimizer, and
    defines the forward and backward passes of a step."""

    name = ""

    def __init__(self, cfg: TrainConfig, rank: int, device: torch.device):
        from llmpar.data import TokenBatches, load_tokenizer, load_tokens
        from llmpar.model import build_model
        from llmpar.parallel.parallelize import TORCH_DTYPES

        self.cfg, self.rank, self.device = cfg, rank, device
        tokens, _ = load_tokens(cfg.data, load_tokenizer(cfg.tokenizer))
        self.batches = TokenBatches(tokens, cfg.seq_len, cfg.seed)
        if self.batches.n_windows < 1 or self.batches.n_val_windows < 1:
            raise UserError(
                f"--data holds {len(tokens)} tokens, too few for one training and one validation "
                f"sequence of --seq-len {cfg.seq_len}; give more text or a shorter --seq-len"
            )
        self.dtype = TORCH_DTYPES[cfg.dtype]
        self.model: Transformer = build_model(cfg.model_cfg, cfg.seed, dtype=self.dtype, device=device)
        self.tokens_per_step = cfg.global_batch_size * cfg.seq_len
        self.optimizer: Any = None
        self.meter: _Meter | None = None
        # (replicas, this rank's replica) of the validation's share-out, and whether this rank counts the loss.
        self.replicas, self.replica, self.owns_loss = 1, 0, True

    def parameters(self) -> list[torch.Tensor]:
        return list(self.model.parameters())

    def loss(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Summed token cross-entropy over the global token count (the sum over the batch is its mean)."""
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum") / self.tokens_per_step

    def gradients(self, step: int) -> tuple[torch.Tensor, float, float]:
        """The step's forward and backward passes: (this rank's part of the loss, compute seconds, span seconds)."""
        raise NotImplementedError

    def clip(self) -> float:
        return clip_grad_norm(self.parameters(), self.cfg.grad_clip)

    def train_step(self, step: int) -> dict:
        """One optimizer step (step counts from 0), as llmpar's Trainer.train_step times and measures it."""
        from llmpar.train.lr import lr_at

        cfg = self.cfg
        start = time.perf_counter()
        lr = lr_at(step + 1, lr=cfg.lr, warmup=cfg.warmup, steps=cfg.steps, schedule=cfg.lr_schedule)
        self.optimizer.zero_grad(set_to_none=True)
        if self.meter is not None:
            self.meter.reset_peak()
        loss_part, busy, span = self.gradients(step)
        grad_norm = self.clip()
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.step()
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return {
            "loss_part": loss_part if self.owns_loss else torch.zeros_like(loss_part),
            "grad_norm": grad_norm,
            "lr": lr,
            "step_time_s": time.perf_counter() - start,
            "busy": busy,
            "span": span,
        }

    def held_tensors(self) -> list[torch.Tensor]:
        """Parameters, gradients and optimizer state this rank holds between steps (local shards)."""
        params = self.parameters()
        return [_local(t) for t in [*params, *(p.grad for p in params if p.grad is not None)]] + [
            _local(t) for t in _optimizer_state(self.optimizer)
        ]

    def logits(self, x: torch.Tensor) -> torch.Tensor | None:
        """Validation: the (B, T, V) logits of a batch (None on a rank that has none). Every rank calls it for
        every batch of its replica (a collective forward)."""
        return self.model(x.to(self.device))


class _DataParallelPeer(_Peer):
    """ddp, zero-torch, fsdp2: every rank a replica with its share of the batch, as llmpar's --dp N."""

    def __init__(self, cfg, rank, device):
        super().__init__(cfg, rank, device)
        self.replicas, self.replica = cfg.dp, rank
        self.wrapped: nn.Module = self.model

    def gradients(self, step):
        cfg = self.cfg
        # DDP and FSDP2 average the gradients over the replicas: each backward takes the loss times dp.
        loss_part = torch.zeros((), dtype=torch.float64, device=self.device)
        t0 = time.perf_counter()
        for micro in range(cfg.micro_batches):
            x, y = self.batches.micro_batch(step, cfg.global_batch_size, cfg.dp, self.rank, cfg.micro_batches, micro)
            with self.sync(micro == cfg.micro_batches - 1):
                assert self.meter is not None
                with self.meter.hooks():
                    loss = self.loss(self.wrapped(x.to(self.device)), y.to(self.device))
                (loss * cfg.dp).backward()
            loss_part += loss.detach().double()
        span = time.perf_counter() - t0
        return loss_part, span, span

    def sync(self, last: bool):
        """The context of a micro-batch's backward: DDP reduces on the last one only."""
        return contextlib.nullcontext()


class DDPPeer(_DataParallelPeer):
    name = "ddp"

    def __init__(self, cfg, rank, device):
        super().__init__(cfg, rank, device)
        self.meter = _Meter(self.model.parameters())
        self.wrapped = torch.nn.parallel.DistributedDataParallel(
            self.model,
            device_ids=[device] if device.type == "cuda" else None,
            bucket_cap_mb=25,
            gradient_as_bucket_view=True,
        )
        self.optimizer = self.make_optimizer()

    def make_optimizer(self):
        from llmpar.optim import adamw

        return adamw(self.parameters(), self.cfg.lr, self.cfg.weight_decay)

    def sync(self, last):
        assert isinstance(self.wrapped, torch.nn.parallel.DistributedDataParallel)
        return contextlib.nullcontext() if last else self.wrapped.no_sync()


class ZeroTorchPeer(DDPPeer):
    name = "zero-torch"

    def make_optimizer(self):
        from torch.distributed.optim import ZeroRedundancyOptimizer

        from llmpar.optim import BETAS, EPS, decays

        params = self.parameters()
        optimizer = ZeroRedundancyOptimizer(
            [p for p in params if decays(p)],
            optimizer_class=torch.optim.AdamW,
            lr=self.cfg.lr,
            betas=BETAS,
            eps=EPS,
            weight_decay=self.cfg.weight_decay,
            foreach=True,
        )
        optimizer.add_param_group({"params": [p for p in params if not decays(p)], "weight_decay": 0.0})
        return optimizer


class FSDP2Peer(_DataParallelPeer):
    name = "fsdp2"

    def __init__(self, cfg, rank, device):
        from torch.distributed.fsdp import FSDPModule, fully_shard

        from llmpar.optim import adamw

        super().__init__(cfg, rank, device)
        blocks = list(self.model.layers.values())
        for block in blocks:
            fully_shard(block, reshard_after_forward=True)
        fully_shard(self.model, reshard_after_forward=True)
        self.meter = _Meter(self.model.parameters())
        # The gathered parameters live in buffers FSDP2 allocates once and frees and refills in place: gather them
        # once so that the meter knows their storages (parameters, not activations).
        for module in [*blocks, self.model]:
            assert isinstance(module, FSDPModule)
            module.unshard()
        self.meter.exclude_parameters(self.model.parameters())
        for module in [*blocks, self.model]:
            assert isinstance(module, FSDPModule)
            module.reshard()
        self.optimizer = adamw(self.parameters(), cfg.lr, cfg.weight_decay)


class DTensorTPPeer(_Peer):
    name = "dtensor-tp"

    def __init__(self, cfg, rank, device):
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.tensor.parallel import parallelize_module

        from llmpar.optim import adamw

        super().__init__(cfg, rank, device)
        mesh = init_device_mesh(device.type, (cfg.tp,))
        parallelize_module(self.model, mesh, dtensor_plan(self.model, cfg.sequence_parallel))
        self.meter = _Meter(self.model.parameters())
        self.optimizer = adamw(self.parameters(), cfg.lr, cfg.weight_decay)
        self.owns_loss = rank == 0  # every rank computes the whole loss (the logits are gathered): counted once

    def gradients(self, step):
        cfg = self.cfg
        loss_part = torch.zeros((), dtype=torch.float64, device=self.device)
        t0 = time.perf_counter()
        for micro in range(cfg.micro_batches):
            x, y = self.batches.micro_batch(step, cfg.global_batch_size, 1, 0, cfg.micro_batches, micro)
            assert self.meter is not None
            with self.meter.hooks():
                loss = self.loss(self.model(x.to(self.device)), y.to(self.device))
            loss.backward()
            loss_part += loss.detach().double()
        span = time.perf_counter() - t0
        return loss_part, span, span


class PipeliningPeer(_Peer):
    name = "pipelining"

    def __init__(self, cfg, rank, device):
        from torch.distributed.pipelining import PipelineStage, Schedule1F1B, ScheduleGPipe

        from llmpar.optim import adamw
        from llmpar.pipeline.stages import split_model

        super().__init__(cfg, rank, device)
        p = cfg.pp
        self.chunk = split_model(self.model, rank, p, 1, cfg.seq_len)[0]  # llmpar's cut
        self.first, self.last = rank == 0, rank == p - 1
        self.stage = PipelineStage(StageModule(self.model, self.chunk), rank, p, device)
        kind = {"1f1b": Schedule1F1B, "gpipe": ScheduleGPipe}[cfg.schedule]
        self.schedule = kind(self.stage, n_microbatches=cfg.micro_batches, loss_fn=self.loss, scale_grads=False)
        self.params = list(dict.fromkeys(self.model.parameters()))
        self.meter = _Meter(self.params)
        self.optimizer = adamw(self.params, cfg.lr, cfg.weight_decay)
        self.owns_loss = self.last
        # A tied embedding: its copies on the first and the last stage add their gradients (counted once, on the
        # first); torch's pipelining leaves that to its user.
        self.tied: nn.Parameter | None = None
        self.ends: dist.ProcessGroup | None = None
        if cfg.model_cfg.tie_embeddings:
            self.ends = dist.new_group([0, p - 1])  # (every rank takes part in creating it)
            owner = self.model.tok_emb if self.first else self.model.head if self.last else None
            self.tied = owner.weight if owner is not None else None  # type: ignore[assignment]
        self.timeline: list[tuple[float, float]] = []
        self._timed("forward_one_chunk")
        self._timed("backward_one_chunk")

    def _timed(self, method: str) -> None:
        """Record the start and end of every call of the stage's computation (for the bubble fraction)."""
        inner = getattr(self.stage, method, None)
        if inner is None:
            return

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.timeline.append((t0, time.perf_counter()))

        setattr(self.stage, method, timed)

    def parameters(self):
        return self.params

    def gradients(self, step):
        cfg = self.cfg
        x, y = self.batches.micro_batch(step, cfg.global_batch_size, 1, 0, 1, 0)  # the whole batch: torch splits it
        losses: list[torch.Tensor] = []
        self.timeline = []
        start = time.perf_counter()
        assert self.meter is not None
        with self.meter.hooks():
            if self.first:
                self.schedule.step(x.to(self.device))
            elif self.last:
                self.schedule.step(target=y.to(self.device), losses=losses)
            else:
                self.schedule.step()
        if self.tied is not None and self.tied.grad is not None:
            dist.all_reduce(self.tied.grad, group=self.ends)
        loss_part = torch.zeros((), dtype=torch.float64, device=self.device)
        for loss in losses:
            loss_part += loss.detach().double()
        busy = sum(end - begin for begin, end in self.timeline)
        span = max((end for _, end in self.timeline), default=start) - start
        return loss_part, busy, span

    def clip(self):
        skip = [self.tied] if self.tied is not None and not self.first else []
        return clip_grad_norm(self.params, self.cfg.grad_clip, skip=skip, across=True)

    def logits(self, x):
        """The batch through the stages, one after the other: activations sent from stage to stage."""
        if self.first:
            h = self.chunk(x.to(self.device))
        else:
            h = torch.empty((*x.shape, self.cfg.model_cfg.d_model), dtype=self.dtype, device=self.device)
            dist.recv(h, self.rank - 1)
            h = self.chunk(h)
        if self.last:
            return h
        dist.send(h.contiguous(), self.rank + 1)
        return None


PEER_CLASSES: dict[str, type[_Peer]] = {
    c.name: c for c in (DDPPeer, ZeroTorchPeer, FSDP2Peer, DTensorTPPeer, PipeliningPeer)
}


# ---------------------------------------------------------------------------------------------------------------
# The worker: steps, the metrics line, validation, the summary.


def _metrics_line(peer: _Peer, step: int, m: dict) -> dict:
    """llmpar's metrics line (Trainer.reduce_metrics): the loss summed over the ranks, per-rank figures maxed."""
    from llmpar.train.metrics import peak_memory_bytes, unique_bytes

    cfg, device = peer.cfg, peer.device
    meter = peer.meter
    per_rank = torch.tensor(
        [
            m["step_time_s"],
            unique_bytes(peer.held_tensors()),
            meter.peak if meter is not None else 0,
            peak_memory_bytes(device),
            m["span"],
        ],
        dtype=torch.float64,
        device=device,
    )
    summed = torch.stack([m["loss_part"], torch.tensor(m["busy"], dtype=torch.float64, device=device)])
    dist.all_reduce(per_rank, op=dist.ReduceOp.MAX)
    dist.all_reduce(summed)
    step_time, state, act, peak, span = per_rank.tolist()
    loss, busy = summed.tolist()
    world = dist.get_world_size()
    bubble = max(0.0, 1.0 - busy / (world * span)) if cfg.pp > 1 and span > 0 else 0.0
    return {
        "step": step + 1,
        "loss": float(loss),
        "grad_norm": m["grad_norm"],
        "lr": m["lr"],
        "tokens": peer.tokens_per_step,
        "step_time_s": step_time,
        "tokens_per_s": peer.tokens_per_step / step_time,
        "mfu": None,
        "comm_bytes": None,  # torch's collectives are not counted
        "model_state_bytes": int(state),
        "activation_bytes": int(act) if meter is not None else None,
        "peak_mem_bytes": int(peak),
        "bubble_fraction": bubble,
        "layout": {**cfg.layout(), "peer": peer.name},
    }


@torch.no_grad()
def validation_loss(peer: _Peer) -> tuple[float | None, float | None]:
    """(loss, next-token accuracy) on the held-out sequences, as llmpar's Trainer.validation_loss: the first
    min(--eval-sequences, held out) // replicas · replicas of them, shared out equally among the replicas, in
    batches of the micro-batch size; the summed token cross-entropy over their tokens. (None, None) when skipped."""
    cfg, device = peer.cfg, peer.device
    dp, r = peer.replicas, peer.replica
    n = min(cfg.eval_sequences, peer.batches.n_val_windows) // dp * dp
    if n == 0:
        return None, None
    lo, hi = r * n // dp, (r + 1) * n // dp
    total = torch.zeros(3, dtype=torch.float64, device=device)  # loss, correct predictions, tokens
    b = cfg.micro_batch_size
    for start in range(lo, hi, b):
        seq = peer.batches.val_samples(start, min(b, hi - start))
        logits = peer.logits(seq[:, :-1])
        if logits is not None and peer.owns_loss:
            targets = seq[:, 1:].to(device)
            loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum").double()
            correct = (logits.argmax(dim=-1) == targets).sum().double()
            total += torch.stack([loss, correct, torch.tensor(float(targets.numel()), dtype=torch.float64)])
    dist.all_reduce(total)
    return float(total[0] / total[2]), float(total[1] / total[2])


def run_peer(name: str, cfg: TrainConfig, summary_path: str | None) -> dict:
    """This process's part of a peer run (in a process group of cfg.world_size). Returns the summary."""
    from llmpar.train.faults import injected_fault
    from llmpar.train.metrics import MetricsWriter
    from llmpar.train.report import Progress
    from llmpar.train.trainer import init_distributed

    rank, device = init_distributed(cfg)
    peer = PEER_CLASSES[name](cfg, rank, device)
    is_logger = rank == 0
    if is_logger:
        print(
            f"{PROG}: {name} on {cfg.world_size} processes (dp={cfg.dp} tp={cfg.tp} pp={cfg.pp}), {cfg.model_name} "
            f"({cfg.model_cfg.num_params() / 1e6:.2f}M parameters), {cfg.device}, {cfg.dtype}",
            flush=True,
        )
    writer = MetricsWriter(cfg.metrics if is_logger else None)
    progress = Progress(cfg, enabled=is_logger and cfg.progress)
    fault = injected_fault()
    first = last = None
    try:
        start = time.perf_counter()
        for step in range(cfg.steps):
            if fault == (rank, step + 1, "step"):
                raise RuntimeError(f"injected fault (LLMPAR_INJECT_FAULT) on rank {rank} at step {step + 1}")
            record = _metrics_line(peer, step, peer.train_step(step))
            writer.write(record)
            progress.update(record)
            first = first or record
            last = record
            if not math.isfinite(record["loss"]):
                raise TrainingError(
                    f"the loss is {record['loss']} at step {step + 1}, so training cannot go on; "
                    f"lower --lr (now {cfg.lr:g}) or --grad-clip (now {cfg.grad_clip:g})"
                )
        elapsed = time.perf_counter() - start
    finally:
        progress.close()
        writer.close()
    val_loss, val_accuracy = validation_loss(peer)
    assert first is not None and last is not None  # (steps >= 1)
    summary = {
        "first_loss": first["loss"],
        "final_loss": last["loss"],
        "val_loss": val_loss,
        "val_accuracy": val_accuracy,
        "elapsed_s": elapsed,
        "tokens_per_s": cfg.steps * peer.tokens_per_step / elapsed,
    }
    if is_logger:
        if summary_path:
            from llmpar.checkpoint.format import write_json_atomic

            os.makedirs(os.path.dirname(os.path.abspath(summary_path)), exist_ok=True)
            write_json_atomic(summary_path, summary)
        val = f"{val_loss:.4f}" if val_loss is not None else "skipped"
        print(
            f"{PROG}: {name}: loss {first['loss']:.4f} -> {last['loss']:.4f}, validation loss {val}, "
            f"{summary['tokens_per_s']:,.0f} tokens/s",
            flush=True,
        )
    return summary


def worker(name: str, cfg: TrainConfig, summary_path: str | None) -> dict:
    """What each worker the launcher starts runs. One that has finished (its files written, its process group
    destroyed) skips the interpreter's teardown of torch at exit, as llmpar's workers do; one that failed exits as
    usual, so that the launcher reads its error."""
    try:
        summary = run_peer(name, cfg, summary_path)
    finally:
        gc.collect()  # the models and their process groups first: gloo aborts if they go at interpreter shutdown
        if dist.is_initialized():
            dist.destroy_process_group()

    def leave():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    atexit.register(leave)
    return summary


# ---------------------------------------------------------------------------------------------------------------
# The command line.


def build_parser() -> argparse.ArgumentParser:
    """`llmpar train`'s own parser, with --peer."""
    from llmpar.cli import build_parser as llmpar_parser

    root = llmpar_parser()
    sub = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    train: argparse.ArgumentParser = sub.choices["train"]
    train.prog = PROG
    train.description = (
        "Run PyTorch's own equivalent of an llmpar layout (a peer) on llmpar's model, data and optimizer; write "
        "llmpar's metrics lines and a summary."
    )
    train.add_argument(
        "--peer", required=True, metavar="NAME", help=f"the peer to run: {' | '.join(PEERS)} (docs/compare-peers.md)"
    )
    return train


# Flags of `llmpar train` that a peer does not do, and why.
_NOT_DONE = (
    ("layout_mode", "--layout auto", "a peer runs the layout its flags give; give --dp/--tp/--pp"),
    ("resume", "--resume", "a peer starts from llmpar's initialization; leave it out"),
    ("init", "--init", "a peer starts from llmpar's initialization; leave it out"),
    ("save", "--save", "a peer writes no checkpoints; leave it out"),
    ("save_every", "--save-every", "a peer writes no checkpoints; leave it out"),
    ("save_async", "--save-async", "a peer writes no checkpoints; leave it out"),
    ("max_restarts", "--max-restarts", "a peer writes no checkpoints to restart from; leave it out"),
)


def prepare(args: argparse.Namespace) -> tuple[str, TrainConfig]:
    """The peer and its validated configuration; a UserError naming the flag when the peer cannot run them."""
    from llmpar.cli import train_config_from_args
    from llmpar.config import validate
    from llmpar.paths import check_writable_file

    name: str = args.peer
    if name not in PEERS:
        raise UserError(f"--peer: {name!r} is not one of {', '.join(PEERS)}")
    for attr, flag, why in _NOT_DONE:
        if getattr(args, attr, None):
            raise UserError(f"{flag}: {why}")
    if args.dtype == "bf16":
        raise UserError(
            "--dtype bf16: llmpar's bf16 keeps fp32 master weights, which the peers do not reproduce; the peers "
            "run in fp32 or fp64"
        )
    if args.recompute not in (None, "none"):
        raise UserError(f"--recompute {args.recompute}: the peers recompute nothing; leave --recompute out")
    version = tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2] if v.isdigit())
    if version < (2, 6):
        raise UserError(f"the peers need torch 2.6 or newer (fully_shard, get_total_norm); this is {torch.__version__}")
    cfg = validate(train_config_from_args(args))
    mismatch = _layout_mismatch(name, cfg)
    if mismatch:
        raise UserError(mismatch)
    mc = cfg.model_cfg
    if name == "dtensor-tp" and mc.tie_embeddings:
        raise UserError(
            f"--peer dtensor-tp: the model ({cfg.model_name}) ties its embedding and output weights, which the "
            f"plan would shard twice (rows, then columns); use a model without tied embeddings (tiny, small, "
            f"llama-7b...)"
        )
    if name == "dtensor-tp" and cfg.sequence_parallel and mc.arch != "llama":
        raise UserError(
            f"--peer dtensor-tp --sequence-parallel: the model ({cfg.model_name}) adds learned positions to the "
            f"sequence-sharded embedding, which the plan does not shard; use a Llama model or leave out "
            f"--sequence-parallel"
        )
    if args.summary:
        check_writable_file(args.summary, "--summary")
    return name, cfg


def launch(name: str, cfg: TrainConfig, summary_path: str | None) -> None:
    """Run the peer's workers (cfg.world_size of them, through the elastic launcher; under an outside torchrun,
    this process is one). Raises llmpar.launch.WorkerFailed (one line per failed worker) or Interrupted."""
    from llmpar.config import torchrun_world_size
    from llmpar.launch import Interrupted, WorkerFailed, describe_exception, describe_failures, run_local

    if torchrun_world_size() is not None:
        try:
            worker(name, cfg, summary_path)
        except Exception as e:  # noqa: BLE001 - every failure of the worker is reported, none is lost
            raise WorkerFailed(
                f"worker rank {os.environ.get('RANK', '0')} (pid {os.getpid()}) failed: {describe_exception(e)}"
            ) from None
        return

    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    # The failures are reported here, once; the launcher's own logs would repeat them with tracebacks.
    loggers = [logging.getLogger(n) for n in ("torch.distributed.elastic", "torch.multiprocessing")]
    levels = [logger.level for logger in loggers]
    if not os.environ.get("LLMPAR_LAUNCHER_LOGS"):
        for logger in loggers:
            logger.setLevel(logging.CRITICAL)
    try:
        run_local(cfg.world_size, worker, name, cfg, summary_path)
    except ChildFailedError as e:
        raise WorkerFailed(describe_failures(e)) from None
    except SignalException as e:
        raise Interrupted(e.sigval) from None
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    from llmpar.launch import Interrupted, WorkerFailed

    args = build_parser().parse_args(argv)
    try:
        name, cfg = prepare(args)
    except UserError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    try:
        launch(name, cfg, args.summary)
    except WorkerFailed as e:
        print(f"{PROG}: --peer {name} failed: {e}", file=sys.stderr)
        return 1
    except Interrupted as e:
        print(f"{PROG}: --peer {name} stopped by {e}; the workers were stopped", file=sys.stderr)
        return 128 + e.signum
    return 0


def _run_as_script() -> None:
    """`python -m llmpar.compare.peers`: this file runs as __main__, but the workers must find their function in
    llmpar.compare.peers, so the command runs from there. The workers are done and their files written when
    main returns: the interpreter's teardown of torch (a second) is skipped."""
    from llmpar.compare.peers import main as package_main

    code = package_main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _run_as_script()

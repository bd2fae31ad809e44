"""From the plain model to this rank's part of the parallel one: every transformation, in one ordered list.

    plain model (the single-process weights, seeded by name)
      1. tensor parallelism     split the plan's layers over tp (sequence parallelism: the norms' regions too)
      2. context parallelism    the attention cores over the sequence split across cp, the positions this rank's
      3. recomputation          selective: the attention cores, or full: the blocks, keep only their inputs
                                (the context-parallel cores are not recomputed: they keep little, see recompute)
      4. pipeline split         keep this rank's chunks of layers; its schedule
         (weights from a checkpoint or a Hugging Face model are loaded here: each rank reads its own slices)
      5. data parallelism       the engine of the ZeRO stage, reducing gradients over dp × cp (the "dp_cp" group)
    -> ParallelModel: what the executor runs, the checkpoint code saves and the trainer steps

Inference (`llmpar generate`, `llmpar eval`) takes steps 1 and 4 only, `shard_for_inference`: nothing is
trained, so nothing is recomputed and there is no data-parallel engine (replicas hold whole copies).

The order matters: tensor parallelism replaces modules that the pipeline split then keeps or drops, and the
data-parallel engine hooks (and, under ZeRO, repacks) the parameters that are left. Adding a transformation
means adding one step here, in its place, and whatever the mesh and the cost model need to know of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import torch
import torch.nn as nn

from llmpar.checkpoint.state import Placement, load_weights, placements
from llmpar.comm import Comm
from llmpar.mesh import Mesh
from llmpar.parallel import data_parallel
from llmpar.parallel.context_parallel import CPComm, apply_context_parallel
from llmpar.parallel.engine import DataParallelEngine
from llmpar.parallel.recompute import apply_recomputation
from llmpar.parallel.tensor_parallel import TensorParallel, apply_tensor_parallel
from llmpar.pipeline.schedules import Schedule, make_schedule
from llmpar.pipeline.stages import Chunk, split_model
from llmpar.pipeline.zero_bubble import DeferredWeightGrads
from llmpar.train.metrics import SavedTensorMeter

if TYPE_CHECKING:
    from llmpar.model.transformer import Transformer


# --dtype and --reduce-dtype. bf16 is mixed precision: bf16 parameters and activations, fp32 master weights and
# moments in the engine (llmpar.optim.MasterWeights), gradients reduced in bf16 or fp32.
TORCH_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp64": torch.float64}


@dataclass
class ParallelModel:
    """This rank's part of the model, and everything that knows how it is cut."""

    model: Transformer  # the modules this rank keeps, tp-split
    mesh: Mesh
    comm: Comm
    device: torch.device
    tp: TensorParallel  # the loss and logits over the vocabulary shards; which parameters are replicated
    chunks: list[Chunk]  # this rank's pipeline chunks, in order
    schedule: Schedule
    placements: dict[nn.Parameter, Placement]  # where each parameter sits in the global tensors (checkpoints)
    engine: DataParallelEngine
    meter: SavedTensorMeter  # the activations autograd keeps
    deferred: DeferredWeightGrads | None  # the zero-bubble schedule's W actions
    cp: CPComm | None = None  # context parallelism's communicator (None: one cp rank)

    def close(self) -> None:
        """Take the engine's hooks off the model (idempotent)."""
        self.engine.close()


def parallelize(model: Transformer, mesh: Mesh, comm: Comm, cfg, device: torch.device, weights=None) -> ParallelModel:
    """Apply the transformations to the plain model, in place and in order. `cfg`: the run's TrainConfig.
    `weights`: an open checkpoint to start from (its optimizer state is the caller's to load, into the engine)."""
    # 1. Tensor (and sequence) parallelism.
    tp = apply_tensor_parallel(model, comm, cfg.sequence_parallel, cfg.sp_save_gathered)
    # 2. Context parallelism.
    cp = apply_context_parallel(model, comm, cfg.cp_mode)
    # 3. Activation recomputation (the blocks or attention cores this rank keeps after the split: all of them now).
    apply_recomputation(model, cfg.recompute)
    # 4. The pipeline split.
    v = cfg.virtual_stages if cfg.schedule == "interleaved" else 1
    chunks = split_model(model, mesh.coords["pp"], cfg.pp, v, cfg.seq_len)
    schedule = make_schedule(cfg.schedule, cfg.pp, cfg.micro_batches, v)
    where = placements(model, tp, mesh)
    if weights is not None:  # before the engine packs the parameters into its buffers
        load_weights(weights, where)
    # 5. Data parallelism / ZeRO.
    skip, partial = shared_parameters(model, tp, mesh, chunks)
    engine = data_parallel(
        model,
        comm,
        cfg.zero,
        cfg.lr,
        cfg.weight_decay,
        skip_in_norm=skip,
        partial_grads=partial,
        groups=[c.parameters() for c in chunks],
        axis="dp_cp",
        reduce_dtype=TORCH_DTYPES[cfg.reduce_dtype],
    )
    meter = SavedTensorMeter(model.parameters())  # after the engine: it may have moved the parameters
    deferred = DeferredWeightGrads(meter) if cfg.schedule == "zb" else None
    return ParallelModel(model, mesh, comm, device, tp, chunks, schedule, where, engine, meter, deferred, cp)


def shard_for_inference(model: Transformer, mesh: Mesh, comm: Comm, weights) -> tuple[TensorParallel, list[Chunk]]:
    """Steps 1 and 4 of `parallelize` for inference, with one pipeline chunk per rank: this rank's part of the
    plain model, with its slices of `weights` (an open checkpoint or Hugging Face folder)."""
    tp = apply_tensor_parallel(model, comm, sequence_parallel=False)
    chunks = split_model(model, mesh.coords["pp"], mesh.pp, 1, model.cfg.max_seq_len)
    load_weights(weights, placements(model, tp, mesh))
    return tp, chunks


def shared_parameters(
    model: Transformer, tp: TensorParallel, mesh: Mesh, chunks: list[Chunk]
) -> tuple[set[nn.Parameter], dict[nn.Parameter, tuple[str, ...]]]:
    """Which gradients are partial sums to add over an axis, and which parameters another rank counts in the
    gradient norm: tp-replicated norms (SP makes their gradients partial), and a tied embedding split between
    the first and the last pipeline stage."""
    skip = set(tp.replicated) if mesh.coords["tp"] != 0 else set()
    # In the model's parameter order, the same on every rank: their sums are collectives.
    partial: dict[nn.Parameter, tuple[str, ...]] = {
        param: ("tp",) for param in model.parameters() if param in tp.partial_grads
    }
    if mesh.pp > 1 and model.cfg.tie_embeddings:
        first, last = chunks[0].first, chunks[-1].last
        if first or last:
            # This rank's copy of the tied weight: the embedding's on the first stage, else the output layer's.
            owner = model.tok_emb if first else model.head
            assert owner is not None
            tied = cast(nn.Parameter, owner.weight)  # (annotated as a Tensor, or not at all)
            partial[tied] = partial.get(tied, ()) + ("pp_ends",)
            if last and not first:
                skip.add(tied)
    return skip, partial

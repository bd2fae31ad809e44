"""Traffic: the bytes each rank sends per optimizer step on each mesh axis, before the step runs.

Counted as llmpar's communication module counts them (`llmpar.comm`: per rank and per axis, in the bus-bytes
convention of NCCL-tests, `bus_bytes`), from the collectives each strategy issues:
- data parallelism: one all-reduce of the gradients; ZeRO-1 a reduce-scatter and an all-gather, ZeRO-2 a
  reduce-scatter per micro-batch, ZeRO-3 the parameters gathered for forward and backward and the gradients
  reduce-scattered, per micro-batch; the gradient norm's all-reduce;
- tensor parallelism: two all-reduces per block forward and two backward (with sequence parallelism, all-gathers
  and reduce-scatters instead, and the re-gathers of the saved shards), the forward's again when a full
  recomputation runs it again, the embedding, the head and the vocabulary-parallel loss;
- pipeline parallelism: each micro-batch's activation and its gradient across every chunk boundary, and a tied
  embedding's gradient summed by the pipeline's two ends;
- context parallelism: each layer's keys and values (or, all-to-all, its q, k, v and output) exchanged forward
  and backward, per micro-batch (`context.layer_bytes`), the forward's again under full recomputation. Every other
  axis sees a rank's L = S/cp tokens of each sequence, and the gradients are reduced over the dp × cp ranks
  (ZeRO shards over them): counted on dp.
"""

from __future__ import annotations

from llmpar.bus import TRAFFIC_AXES, bus_bytes
from llmpar.layout import Layout
from llmpar.model.config import ModelConfig
from llmpar.plan.cost import context
from llmpar.plan.cost.params import stage_params
from llmpar.plan.cost.values import LLMPAR, Batch, Software, _act_dtype_bytes


def comm_bytes(cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR) -> dict[str, float]:
    """Bus bytes per step per rank on each axis (the busiest rank), as llmpar's communication module counts (with
    a hybrid sharding group, `Software.shard_group`, as the system that runs it would)."""
    by_stage = _comm_by_stage(cfg, layout, batch, software)
    return {axis: max(per_rank[axis] for per_rank in by_stage) for axis in TRAFFIC_AXES}


def gathered_bytes(params: float, matrices: float, weight_bytes: int, software: Software) -> float:
    """Bytes of `params` parameters, `matrices` of them the blocks' matrices (`StageParams.split`), as ZeRO gathers
    them: in the weights' dtype, the matrices in FP8 (one byte) with `Software.fp8_param_gather`."""
    if software.fp8_param_gather:
        return (params - matrices) * weight_bytes + matrices
    return params * weight_bytes


def _comm_by_stage(
    cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR
) -> list[dict[str, float]]:
    t, p, m, v = layout.tp, layout.pp, layout.micro_batches, layout.chunks_per_rank
    ranks = layout.dp * layout.cp  # the gradients' group: every dp and cp rank holds the whole stage and a share of it
    dp = software.zero_shards(ranks) if layout.zero else ranks  # ZeRO's group (a hybrid one: all-reduced across)
    w, e = batch.weight_bytes, batch.grad_bytes  # ZeRO gathers weights, reduces gradients
    mm, res = _act_dtype_bytes(batch.dtype)
    b = batch.global_batch_size // (layout.dp * m)
    s_len = context.local_tokens(layout, batch.seq_len)  # a rank's tokens of each sequence
    bsh = b * s_len * cfg.d_model
    cp_fwd, cp_bwd = context.layer_bytes(cfg, layout, b, batch.seq_len, batch.dtype)
    cp_layer = cp_fwd * (2 if context.forward_again(layout) else 1) + cp_bwd
    norm = 8  # the squared gradient norm's all-reduce (one fp64 number) on each axis it spans
    out = []
    for r, s in enumerate(stage_params(cfg, layout, batch.seq_len)):
        grads, weights = s.total * e, gathered_bytes(s.total, s.split, w, software)
        # Data parallelism: one all-reduce, or a reduce-scatter (per micro-batch for stage 2) and an all-gather
        # (a reduce-scatter moves the bus bytes of an all-gather of the same tensor).
        if layout.zero == 0:
            dpb = bus_bytes("all_reduce", grads, dp)
        elif layout.zero in (1, 2):
            scatters = m if layout.zero == 2 else 1
            dpb = (
                scatters * bus_bytes("all_gather", grads, dp)
                + bus_bytes("all_gather", weights, dp)
                + bus_bytes("all_reduce", norm, dp)
            )
        else:  # gathered for forward and again for backward, reduce-scattered, per micro-batch
            dpb = m * (
                2 * bus_bytes("all_gather", weights, dp)
                - bus_bytes("all_gather", s.embedding_only_unit * w, dp)
                + bus_bytes("all_gather", s.head_reads_embedding_unit * w, dp)
                + bus_bytes("all_gather", grads, dp)
            ) + bus_bytes("all_reduce", norm, dp)
        if dp < ranks:  # hybrid sharding: each reduce-scatter's share all-reduced across the replicas
            scatters = m if layout.zero >= 2 else 1
            dpb += scatters * bus_bytes("all_reduce", grads / dp, ranks // dp)
        # Tensor parallelism: per layer and micro-batch, 2 all-reduces forward and 2 backward; with SP, as many
        # all-gathers and reduce-scatters, plus the re-gathers of the saved shards; the embedding, the head and
        # the vocabulary-parallel loss (3 numbers per token). A full recomputation runs each block's forward
        # again in backward, its collectives with it: 2 all-reduces (the row layers' sums), or 2 all-gathers
        # and 2 reduce-scatters with SP.
        n_layers = len(s.layers)
        first, last = r == 0, r == p - 1
        again = layout.recompute == "full"
        tpb = 0.0
        if t > 1:
            if layout.sequence_parallel:
                per_layer = (8 if layout.sp_save_gathered else 10) + (4 if again else 0)
                # the embedding: reduce-scatter forward, all-gather backward; the head: all-gather forward,
                # reduce-scatter backward (and the re-gather of its saved shard)
                ends = (2 if first else 0) + ((2 if layout.sp_save_gathered else 3) if last else 0)
                tpb = m * (per_layer * n_layers + ends) * bus_bytes("all_gather", bsh * mm, t)
                sp_partial = s.replicated - (cfg.max_seq_len * cfg.d_model if cfg.arch == "gpt2" and first else 0)
                # SP makes the replicated parameters' gradients partial
                tpb += bus_bytes("all_reduce", sp_partial * e, t)
            else:
                ends = (1 if first else 0) + (1 if last else 0)
                tpb = m * ((6 if again else 4) * n_layers + ends) * bus_bytes("all_reduce", bsh * mm, t)
            if last:
                # the loss: max, sum of exponentials, target logit
                tpb += m * bus_bytes("all_reduce", 3 * b * s_len * max(mm, 4), t)
            tpb += bus_bytes("all_reduce", norm, t)
        # Pipeline: each micro-batch's activation forward and its gradient backward across every chunk boundary
        # this rank touches (a sequence shard with SP); a tied embedding's gradient summed by its two ends.
        ppb = 0.0
        if p > 1:
            chunks = list(range(r, p * v, p))
            boundaries = sum((c > 0) + (c < p * v - 1) for c in chunks)
            act = bsh * res / (t if layout.sequence_parallel else 1)
            ppb = 2 * boundaries * m * act + bus_bytes("all_reduce", norm, p)
            if s.tied:
                tied = s.tied * e / (dp if layout.zero >= 2 else 1)
                ppb += bus_bytes("all_reduce", tied, 2)
        # Context parallelism: each layer's exchange, per micro-batch.
        cpb = m * n_layers * cp_layer
        out.append({"dp": dpb, "tp": tpb, "pp": ppb, "cp": cpb})
    return out

"""Time: the FLOPs of a step, each pipeline action's duration, and the step's time through the schedule.

- FLOPs: the model's (6N + 12·L·d·s per token, PaLM's count, the one llmpar's MFU uses) and the hardware's
  (with what recomputation runs again).
- Each chunk's forward and backward for one micro-batch (`chunk_costs`): a roofline, matmul FLOPs at the matmul
  rate plus a fixed time per GEMM, elementwise bytes at the memory bandwidth, a fixed cost per operation
  dispatched, plus the tensor-parallel collectives on its critical path (each an α–β time on its link, `Hardware.link`).
- The step (`estimate`): the real schedule's action lists run through the simulator with those durations and the
  pipeline's transfer time (with processor sharing where processes outnumber cores), then the data-parallel
  reduction that the backward pass does not hide, the sum of a tied embedding, and the optimizer.
- Context parallelism (`context`): a rank's L = S/cp tokens everywhere; its attention's work; the ring's transfers
  overlapped, step by step, with the block at hand (each step takes the longer of the two), the all-to-alls and
  all-gathers on the critical path; the gradients reduced over the dp × cp ranks.
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import replace

from llmpar.bus import BUCKET_BYTES, bus_bytes
from llmpar.layout import Layout
from llmpar.model.config import ModelConfig
from llmpar.model.shapes import block_parameter_shapes
from llmpar.plan.cost import context, simulator
from llmpar.plan.cost.footprint import (
    block_matmuls,
    fp8_cast_elements,
    layer_activation_bytes,
    memory,
    memory_need,
    op_recomputed_matmul_flops,
    output_activation_bytes,
    process_memory,
)
from llmpar.plan.cost.params import _layer_params, partition, stage_params
from llmpar.plan.cost.traffic import comm_bytes, gathered_bytes
from llmpar.plan.cost.values import (
    BYTES,
    FP8_CASTS,
    LLMPAR,
    Batch,
    ChunkCost,
    Estimate,
    Software,
    _act_dtype_bytes,
    selective_policy,
)
from llmpar.plan.hardware import Hardware

# Operations dispatched (ATen calls, views included) by one block, and by the output layer with the loss,
# forward and backward, counted with a TorchDispatchMode on llmpar's modules (tests/test_cost_model.py
# recounts them). On a CPU each costs the dispatch overhead whatever its size.
OPS = {
    "llama": {"layer": (76, 141), "output": (16, 33), "embed": (1, 2)},
    "gpt2": {"layer": (39, 97), "output": (10, 18), "embed": (4, 6)},
}
# A context-parallel attention core's operations per call, (forward, backward), each (a + k·cp): llmpar's ring
# (the blocks' positions, the kernel per block, the merges: k per step) on the fused CPU kernel ("ring") and with
# explicit matmuls ("ring-explicit", other devices), and all-to-all (the four all-to-alls and the reorderings of the
# sequence), counted with a TorchDispatchMode on `llmpar.parallel.context_parallel` with its transfers replaced,
# grouped-query attention (tests/test_cost_model.py recounts them); they replace the fused kernel's SDPA_OPS. Another
# system's fused ring kernel (`Software.ring_fused` True) dispatches about RING_FUSED_OPS per step.
CP_OPS = {"ring": ((7, 45), (8, 54)), "ring-explicit": ((6, 61), (13, 96)), "all-to-all": ((52, 7), (74, 14))}
SDPA_OPS = (2, 8)
# The GEMMs of a block's weights as the fused systems run them (QKV, the attention's output projection, the MLP's
# in and out; `Software.fused_gemms`), each paying `Hardware.gemm_latency` beyond its FLOPs: once forward, once each
# for the input's and the weight's gradient backward. The output layer is one more.
FUSED_LAYER_GEMMS = 4


def layer_gemms(cfg: ModelConfig, software: Software) -> int:
    """The GEMMs of one block's weights: four where the system fuses them, else one per weight (llmpar's)."""
    return FUSED_LAYER_GEMMS if software.fused_gemms else len(block_matmuls(cfg))


RING_FUSED_OPS = 4


# --- FLOPs --------------------------------------------------------------------------------------------------


def model_flops_per_step(cfg: ModelConfig, batch: Batch) -> float:
    """6N + 12·L·d·s per token (PaLM's count, the one llmpar's MFU uses), times the tokens of a step."""
    return cfg.flops_per_token(batch.seq_len) * batch.global_batch_size * batch.seq_len


def hardware_flops_per_step(cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR) -> float:
    """Model FLOPs plus what recomputation adds: a whole forward again (full), or what the software's selective
    policy recomputes (the attention core's s² part, Korthikanti et al. 2022; every second matmul of a block;
    every K-th block)."""
    tokens = batch.global_batch_size * batch.seq_len
    extra = 0.0
    policy, every = selective_policy(software.selective) if layout.recompute == "selective" else ("", 0)
    if layout.recompute == "full":
        extra = cfg.flops_per_token(batch.seq_len) / 3
    elif policy == "attention" and context.recomputes_core(layout):  # (not a context-parallel core)
        extra = 4.0 * cfg.n_layers * cfg.d_model * batch.seq_len
    elif policy == "op":
        extra = cfg.n_layers * op_recomputed_matmul_flops(cfg, 1)
    elif policy == "every":
        extra = cfg.flops_per_token(batch.seq_len) / 3 / every
    return model_flops_per_step(cfg, batch) + extra * tokens


# --- time ---------------------------------------------------------------------------------------------------


def _collective_time(hw: Hardware, kind: str, nbytes: float, n: int, stride: int, world: int = 0) -> float:
    """Seconds of one collective of `kind` on a tensor of `nbytes` (a p2p transfer: its message) over n ranks
    `stride` global ranks apart (`Hardware.collective_time`), in a job of `world` processes."""
    on_node = min(world, hw.devices_per_node) if hw.cores else 0
    bus = bus_bytes("send" if kind == "p2p" else kind, nbytes, n)
    return hw.collective_time(kind, bus, n, stride, on_node)


def chunk_costs(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    hw: Hardware,
    layers: int,
    first: bool,
    last: bool,
    software: Software = LLMPAR,
    sharing: int | None = None,
) -> ChunkCost:
    """A roofline per micro-batch: matmul FLOPs at the matmul rate (and a fixed time per GEMM), elementwise bytes
    at the memory rate, a dispatch cost per operation, and the tensor-parallel collectives (which wait on the
    critical path).
    `sharing`: on a CPU, how many processes share the node's cores (by default all of the job's).

    Kept per what it depends on (not the ZeRO stage, but under FP8 matmuls, which cast the weights as ZeRO gathers
    them; nor the schedule but whether it splits W): the planner asks for the chunks of every layout, and of layouts
    that differ in those alone, several times."""
    # (a Hardware holds dicts: it is known by its identity, and kept with the result so that the identity stays
    # its own)
    fp8_zero = layout.zero if software.fp8 else None
    key = (cfg, batch, id(hw), layers, first, last, software, sharing, layout.world, layout.schedule == "zb", fp8_zero)
    key += _CHUNK_FIELDS(layout)
    found = _CHUNKS.get(key)
    if found is not None and found[0] is hw:
        return found[1]
    t, dtype = layout.tp, batch.dtype
    b = batch.global_batch_size // (layout.dp * layout.micro_batches)
    s = batch.seq_len
    n_cp = layout.cp
    tokens = b * context.local_tokens(layout, s)  # a rank's tokens of its micro-batch (L = S/cp of each sequence)
    procs = (sharing or min(layout.world, hw.devices_per_node)) if hw.cores else 1
    rate = hw.matmul_rate(dtype, procs)
    stream = hw.stream_rate(procs)
    d, hd = cfg.d_model, cfg.head_dim
    ops = OPS[cfg.arch]
    mm_bytes, _ = _act_dtype_bytes(dtype)

    # Forward FLOPs of one block on this rank: weights (2 per weight per token) and causal attention (4·d_head
    # FLOPs per query·key score, its scores and weighted sum; `context.attention_scores`: the causal half,
    # b·(H/t)·s²/2, without context parallelism).
    split, _ = _layer_params(cfg, t)
    fused_ring = software.fused_ring(bool(hw.cores))
    explicit_ring = n_cp > 1 and layout.cp_mode == "ring" and not fused_ring
    scores = context.attention_scores(cfg, layout, b, s, fused_ring)
    rate *= software.compute_efficiency
    # The blocks' weight GEMMs, in FP8 at its rate with their operands' casts streamed through memory (`FP8_CASTS`:
    # inputs and weights forward, output gradients backward), or at the 16-bit rate. The weights' casts (their
    # whole cost, on the forward): Transformer Engine's once a step, kept over the micro-batches, unless ZeRO-3
    # gathers the weights anew for each; torchao's every micro-batch; where ZeRO gathers them in FP8, each rank
    # casts its own shard (once a step after the optimizer under ZeRO-1/2, before each gather under ZeRO-3).
    block_rate, cast_f, cast_b, kept_casts = rate, 0.0, 0.0, 0.0
    if software.fp8:
        if "fp8" not in hw.peak_flops:
            raise ValueError(f"the hardware profile {hw.name!r} gives no FP8 rate (its peak_flops has no 'fp8')")
        block_rate = hw.matmul_rate("fp8", procs) * software.compute_efficiency
        casts = FP8_CASTS[software.fp8]
        normed, other, grads = fp8_cast_elements(cfg, t)
        once_a_step = (casts.weight_once and layout.zero < 3) or (software.fp8_param_gather and 0 < layout.zero < 3)
        cast_weights = split / (layout.micro_batches if once_a_step else 1)
        if software.fp8_param_gather and layout.zero:
            cast_weights /= software.zero_shards(layout.dp * n_cp)
        weight_casts = casts.weight * cast_weights / stream
        cast_f = tokens * (casts.normed * normed + casts.other * other) / stream + weight_casts
        cast_b = casts.grad * tokens * grads / stream
        # (a recomputed forward reuses the weights cast once a step: taken out of it below)
        kept_casts = weight_casts if once_a_step else 0.0
    # Fused attention skips the masked half, at its own rate (a fraction of the matmul rate, which `llmpar
    # calibrate` measures), for the sequence its kernel sees (a ring's block: the rank's L tokens); a
    # materialized one computes all of it as matmuls, and streams the s × s scores through memory about six
    # times forward (scores, scale-mask-softmax in and out, dropout in, out and mask, the weighted sum) and twice
    # that backward; llmpar's ring computes each block's visible rectangle with explicit matmuls (the masked
    # scores of its own block included: `scores` counts them) and streams them the same way, in at least fp32.
    if explicit_ring:
        attention, attention_rate = 4 * hd * scores, rate
        attention_stream = 6 * scores * context.acc_bytes(dtype)
    elif software.flash_attention:
        kernel_seq = context.local_tokens(layout, s) if n_cp > 1 and layout.cp_mode == "ring" else s
        attention = 4 * hd * scores
        attention_rate = hw.attention_rate(dtype, kernel_seq, hd, procs, software.attention_kernel)
        attention_rate *= software.compute_efficiency
        attention_stream = 0.0
    else:
        attention, attention_rate = 8 * hd * scores, rate
        attention_stream = 12 * scores * mm_bytes
    weights = 2 * tokens * split
    plain = Layout(
        tp=t,
        sequence_parallel=layout.sequence_parallel,
        sp_save_gathered=layout.sp_save_gathered,
        cp=n_cp,
        cp_mode=layout.cp_mode,
    )
    # Elementwise work: every saved tensor is written once and read about twice forward (norms, RoPE,
    # activations, residuals), twice that backward.
    # (a materialized attention's scores are streamed apart, at their own count)
    fused = _fused(software)
    layer_stream = 3 * layer_activation_bytes(cfg, tokens, s, plain, dtype, fused)
    ops_fwd, ops_bwd = ops["layer"]
    llmpar_core = software.ring_fused is None or layout.cp_mode != "ring"  # (llmpar's operators)
    if n_cp > 1 and llmpar_core and layout.cp_mode in ("ring", "all-to-all"):
        (af, kf), (ab, kb) = CP_OPS["ring-explicit" if explicit_ring else layout.cp_mode]
        ops_fwd += af + kf * n_cp - SDPA_OPS[0]
        ops_bwd += ab + kb * n_cp - SDPA_OPS[1]
    elif n_cp > 1 and layout.cp_mode == "ring":
        ops_fwd += RING_FUSED_OPS * n_cp
        ops_bwd += RING_FUSED_OPS * n_cp
    # The attention core's time (each block of a ring overlapped with its transfer: `_cp_attention`), and what of
    # it waits on the cp axis.
    attention_f = attention / attention_rate + attention_stream / stream
    attention_b = 2 * attention / attention_rate + 2 * attention_stream / stream
    core_f, core_b, cp_wait_f, cp_wait_b = _cp_attention(
        cfg, layout, batch, hw, b, attention_f, attention_b, fused_ring
    )
    gemms = layer_gemms(cfg, software) * hw.gemm_latency
    rest_f = weights / block_rate + gemms + cast_f + layer_stream / stream + ops_fwd * hw.op_overhead
    layers_fwd = layers * (rest_f + core_f)
    fwd = layers_fwd
    bwd_in = layers * (
        weights / block_rate + gemms + cast_b + 2 * layer_stream / stream + ops_bwd * hw.op_overhead + core_b
    )
    bwd_w = layers * (weights / block_rate + gemms)
    if first:
        fwd += tokens * d * mm_bytes / stream + ops["embed"][0] * hw.op_overhead
        bwd_in += tokens * d * mm_bytes / stream + ops["embed"][1] * hw.op_overhead
    if last:
        vocab = math.ceil(cfg.vocab_size / t)
        head_flops = 2 * tokens * d * vocab
        out_stream = 3 * output_activation_bytes(cfg, tokens, plain, dtype, software)
        fwd += head_flops / rate + hw.gemm_latency + out_stream / stream + ops["output"][0] * hw.op_overhead
        bwd_in += head_flops / rate + hw.gemm_latency + 2 * out_stream / stream + ops["output"][1] * hw.op_overhead
        bwd_w += head_flops / rate + hw.gemm_latency
    # Tensor-parallel collectives of this chunk (the same counts as comm_bytes, split forward/backward).
    wait_f = wait_b = layers_wait_f = 0.0
    if t > 1:
        act = tokens * d * mm_bytes
        if layout.sequence_parallel:
            ag = _collective_time(hw, "all_gather", act, t, 1, layout.world)
            rs = _collective_time(hw, "reduce_scatter", act, t, 1, layout.world)
            regather = 0 if layout.sp_save_gathered else 2 * ag
            layers_wait_f = layers * 2 * (ag + rs)
            wait_f += layers_wait_f
            wait_b += layers * (2 * (ag + rs) + regather)
        else:
            ar = _collective_time(hw, "all_reduce", act, t, 1, layout.world)
            layers_wait_f = layers * 2 * ar
            wait_f += layers_wait_f + (ar if first else 0.0)
            wait_b += layers * 2 * ar + (ar if last else 0.0)
        if last:
            wait_f += 3 * _collective_time(hw, "all_reduce", tokens * 4, t, 1, layout.world)
    if software.tp_comm_overlap and t > 1:
        # Megatron-Core's userbuffers: each tensor-parallel collective runs under the GEMM it feeds or drains;
        # what the GEMMs cannot hide stays exposed, what they hide slows them (`Hardware.overlap_slowdown`).
        def hidden_under(wait: float, gemms: float) -> float:
            return max(0.0, wait - gemms) + hw.overlap_slowdown * min(wait, gemms)

        wait_f = hidden_under(wait_f, layers * weights / block_rate)
        wait_b = hidden_under(wait_b, 2 * layers * weights / block_rate)
    fwd += wait_f
    bwd_in += wait_b
    # The context-parallel waits are part of the cores' time already (above); they count as waiting.
    wait_f += layers * cp_wait_f
    wait_b += layers * cp_wait_b
    # Recomputation runs (part of) the forward again inside the backward.
    policy, every = selective_policy(software.selective) if layout.recompute == "selective" else ("", 0)
    if layout.recompute == "full":
        bwd_in += fwd - layers * kept_casts
        wait_b += wait_f
    elif policy == "attention" and context.recomputes_core(layout):
        bwd_in += layers * attention_f
    elif policy == "op":  # every second matmul and the elementwise work, not the attention kernel
        bwd_in += layers * (
            tokens * op_recomputed_matmul_flops(cfg, t) / block_rate
            + len(block_matmuls(cfg)[1::2]) * hw.gemm_latency  # (the policy is defined on the unfused block)
            + layer_stream / stream
            + ops["layer"][0] * hw.op_overhead
        )
    elif policy == "every":  # one block in `every` runs its forward again
        bwd_in += (layers_fwd + layers_wait_f - layers * kept_casts) / every
        wait_b += (layers_wait_f + layers * cp_wait_f) / every
    if layout.schedule == "zb":
        cost = ChunkCost(F=fwd, B=bwd_in, W=bwd_w, wait_F=wait_f, wait_B=wait_b)
    else:
        cost = ChunkCost(F=fwd, B=bwd_in + bwd_w, wait_F=wait_f, wait_B=wait_b)
    if len(_CHUNKS) >= 65536:
        _CHUNKS.clear()
    _CHUNKS[key] = (hw, cost)
    return cost


# The layout's fields a chunk's costs depend on (besides its world size and whether the schedule splits W).
_CHUNK_FIELDS = operator.attrgetter(
    "dp", "tp", "micro_batches", "sequence_parallel", "sp_save_gathered", "cp", "cp_mode", "recompute"
)
_CHUNKS: dict[tuple, tuple[Hardware, ChunkCost]] = {}


@functools.lru_cache(maxsize=64)
def _fused(software: Software) -> Software:
    """The software with fused attention (its elementwise work is counted without a materialized matrix)."""
    return replace(software, flash_attention=True)


def _cp_attention(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    hw: Hardware,
    b: int,
    compute_f: float,
    compute_b: float,
    fused_ring: bool,
) -> tuple[float, float, float, float]:
    """(forward, backward, forward wait, backward wait) seconds of one layer's attention core on one rank, for one
    micro-batch, from its computation alone (`compute_f`, `compute_b`) and its context-parallel transfers.

    Ring: at each of the n steps the rank computes one block while the next one travels (`context.ring_steps`:
    the own block first, then the other ranks' half-visible ones): a step takes the longer of its block and its
    transfer, one key/value block forward (none at the last step); backward, the blocks and the gradient
    accumulators travel together (the block alone at the first step, the accumulator alone at the last). On a CPU
    the transfers take the cores that compute (gloo's threads) and add, as every collective does there. The
    ring's hops are NVLink while the cp group's ranks (tp·cp consecutive ranks) sit in one node, else the
    network's. All-to-all and all-gather: their collectives on the critical path (an all-to-all priced as an
    all-gather of the same bus bytes; the profiles measure no all-to-all)."""
    n = layout.cp
    if n == 1:
        return compute_f, compute_b, 0.0, 0.0
    t, dtype = layout.tp, batch.dtype
    e = BYTES[dtype]
    if layout.cp_mode == "ring":
        kv = context.kv_block_bytes(cfg, layout, b, batch.seq_len, e)
        kv_acc = context.kv_block_bytes(cfg, layout, b, batch.seq_len, context.acc_bytes(dtype))
        span = n * t <= hw.devices_per_node or bool(hw.cores)
        stride = t if span else hw.devices_per_node
        t_kv = _collective_time(hw, "p2p", kv, 2, stride, layout.world)
        t_acc = _collective_time(hw, "p2p", kv_acc, 2, stride, layout.world)
        t_both = _collective_time(hw, "p2p", kv + kv_acc, 2, stride, layout.world)
        shares = context.ring_steps(n, fused_ring)
        forward = [t_kv] * (n - 1) + [0.0]
        backward = [t_kv] + [t_both] * (n - 2) + [t_acc]
        if hw.cores:  # a CPU's transfers run on the cores that compute (gloo's threads): nothing overlaps
            return compute_f + sum(forward), compute_b + sum(backward), sum(forward), sum(backward)
        core_f = sum(max(compute_f * share, x) for share, x in zip(shares, forward))
        core_b = sum(max(compute_b * share, x) for share, x in zip(shares, backward))
        return core_f, core_b, core_f - compute_f, core_b - compute_b
    L = context.local_tokens(layout, batch.seq_len)
    if layout.cp_mode == "all-to-all":
        q = b * L * cfg.n_heads / t * cfg.head_dim * e
        kv_heads = b * L * cfg.n_kv_heads / t * cfg.head_dim * e
        once = 2 * _collective_time(hw, "all_gather", q, n, t, layout.world) + 2 * _collective_time(
            hw, "all_gather", kv_heads, n, t, layout.world
        )
        return compute_f + once, compute_b + once, once, once
    whole = n * context.kv_block_bytes(cfg, layout, b, batch.seq_len, e)  # all-gather: the gathered keys and values
    gather = _collective_time(hw, "all_gather", whole, n, t, layout.world)
    scatter = _collective_time(hw, "reduce_scatter", whole, n, t, layout.world)
    return compute_f + gather, compute_b + scatter, gather, scatter


def _hidden_under(hw: Hardware, comm: float, compute: float, pieces: int) -> tuple[float, float]:
    """(seconds exposed, seconds of computation overlapped) of a collective of `comm` seconds, issued in `pieces`
    equal parts, that runs beside `compute` seconds of computation: while they overlap it moves at
    `Hardware.overlap_bandwidth` of its speed (the computation takes memory bandwidth and SMs from it); the first
    part, and what the computation's time cannot carry, run alone."""
    if comm <= 0:
        return 0.0, 0.0
    first = comm / pieces
    if compute <= 0:
        return comm, 0.0
    share = hw.overlap_bandwidth
    exposed = max(first, comm - share * compute)
    return exposed, min((comm - first) / share, compute)


def _zero3_units(cfg: ModelConfig, st, r: int, p: int, software: Software) -> tuple[int, int]:
    """(all-gathers, reduce-scatters) of one pass over a pipeline rank's parameters under ZeRO-3: one per unit,
    a block or an embedding or output layer (llmpar, FSDP's per-block wrapping); or, with `Software.zero3_gather`
    "tensor", one all-gather per parameter tensor (DeepSpeed's ZeRO-3 of 2021)."""
    units = len(st.layers) + (r == 0) + (r == p - 1)
    if software.zero3_gather == "tensor":
        return len(st.layers) * len(block_parameter_shapes(cfg)) + (r == 0) + (r == p - 1), units
    return units, units


def estimate(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    hw: Hardware,
    keep_timeline: bool = False,
    software: Software = LLMPAR,
    simulate: bool = True,
) -> Estimate:
    """Predict one optimizer step of `layout`: its time (and bubble) by simulating the schedule, its memory and
    its traffic. With simulate=False the pipeline's time is its busiest rank's compute alone, with no bubble: a
    lower bound, which the planner uses to skip the simulation of layouts that cannot win (its memory and traffic
    are not predicted: `memory_bytes` and `comm_bytes` are empty and `fits` true)."""
    p, v, m, t = layout.pp, layout.chunks_per_rank, layout.micro_batches, layout.tp
    dp = layout.dp * layout.cp  # the gradients' group (ZeRO's), the ranks of one stage beside tp
    s_len = batch.seq_len
    b = batch.global_batch_size // (layout.dp * m)
    chunks = partition(cfg, p * v, s_len)
    # More processes than cores: the computations running at a moment share the cores (a rank idle in the
    # bubble gives its core to a busy one), so the schedule is simulated with processor sharing, from durations
    # at one core's speed.
    oversubscribed = bool(hw.cores) and min(layout.world, hw.devices_per_node) > hw.cores
    alike: dict[tuple, ChunkCost] = {}  # chunks of as many layers, neither first nor last, cost the same
    for c in range(p * v):
        key = (len(chunks[c]), c == 0, c == p * v - 1)
        if key not in alike:
            alike[key] = chunk_costs(
                cfg, layout, batch, hw, *key, software, sharing=hw.cores if oversubscribed else None
            )
    costs = [alike[len(chunks[c]), c == 0, c == p * v - 1] for c in range(p * v)]
    _, res = _act_dtype_bytes(batch.dtype)
    transfer = 0.0
    if p > 1:
        act = b * context.local_tokens(layout, s_len) * cfg.d_model * res / (t if layout.sequence_parallel else 1)
        transfer = _collective_time(hw, "p2p", act, 2, dp * t, layout.world)

    by_kind = [{"F": c.F, "B": c.B, "W": c.W} for c in costs]

    def duration(rank: int, action) -> float:
        return by_kind[action.chunk][action.kind]

    if simulate:
        if oversubscribed:
            s = simulator.cached_schedule(layout.schedule, p, m, v)

            def work_and_wait(rank: int, action):
                c = costs[action.chunk]
                wait = {"F": c.wait_F, "B": c.wait_B, "W": 0.0}[action.kind]
                return duration(rank, action) - wait, wait

            timeline = simulator.simulate_shared(s, work_and_wait, transfer, hw.cores, dp * t)
        elif keep_timeline:
            timeline = simulator.simulate(
                simulator.cached_schedule(layout.schedule, p, m, v), duration, transfer=transfer
            )
        else:  # (the time and bubble only: simulated once for the layouts whose pipelines see the same durations)
            timeline = None
            durations = tuple((c.F, c.B, c.W) for c in costs)
            pipeline_time, bubble = simulator.pipeline_summary(layout.schedule, p, m, v, durations, transfer)
        if timeline is not None:
            pipeline_time = max(tl[-1][2] for tl in timeline if tl)
            bubble = simulator.bubble_fraction(timeline) if p > 1 else 0.0
    else:
        timeline, bubble = None, 0.0
        pipeline_time = m * max(sum(costs[c].F + costs[c].B + costs[c].W for c in range(r, p * v, p)) for r in range(p))
        if oversubscribed:  # and the cores bound all the ranks' work
            work = sum(c.F + c.B + c.W - c.wait_F - c.wait_B for c in costs)
            pipeline_time = max(pipeline_time, m * work * dp * t / hw.cores)

    # After the pipeline: the data-parallel reductions the backward pass did not hide, the cross-stage sums, the
    # optimizer. A CPU's collectives run on the cores that compute, so nothing overlaps there.
    w, e = batch.weight_bytes, batch.grad_bytes
    stages = stage_params(cfg, layout, s_len)
    comm = comm_bytes(cfg, layout, batch, software) if simulate else {}
    procs = min(layout.world, hw.devices_per_node) if hw.cores else 0
    worst = 0.0
    parts = {}
    g = software.zero_shards(dp) if layout.zero else dp  # ZeRO's group, and its replicas across the others
    replicas = dp // g
    for r, st in enumerate(stages):
        grads, weights = st.total * e, gathered_bytes(st.total, st.split, w, software)
        # the replicas' all-reduce of each rank's share of the gradients (hybrid sharding), after its reduce-scatter
        across = _collective_time(hw, "all_reduce", grads / g, replicas, t * g, layout.world) if replicas > 1 else 0.0
        buckets = max(1, math.ceil(grads / BUCKET_BYTES))
        last_backward = sum(costs[c].B + costs[c].W for c in range(r, p * v, p))
        overlap = last_backward if software.overlap_dp and not hw.cores else 0.0
        forward = sum(costs[c].F for c in range(r, p * v, p))  # one micro-batch's, on this rank
        if layout.zero == 0:
            reduce = _collective_time(hw, "all_reduce", grads, dp, t, layout.world)
            reduce += (buckets - 1) * hw.collective_latency("all_reduce", dp, t, procs)
            dp_time, hidden = _hidden_under(hw, reduce, overlap, buckets) if dp > 1 else (0.0, 0.0)
        elif layout.zero in (1, 2):
            rs = _collective_time(hw, "reduce_scatter", grads, g, t, layout.world) + across
            ag = _collective_time(hw, "all_gather", weights, g, t, layout.world)
            extra = (m - 1) * rs if layout.zero == 2 else 0.0  # a reduce-scatter per earlier micro-batch
            dp_time, hidden = _hidden_under(hw, rs, overlap, buckets)
            if software.overlap_param_gather and overlap:  # under the next step's first forward, layer by layer
                ag_time, ag_hidden = _hidden_under(hw, ag, forward, max(1, len(st.layers)))
                dp_time, hidden = dp_time + ag_time, hidden + ag_hidden
            else:
                dp_time += ag
            dp_time += extra if hw.cores else 0.0
        else:
            gather = _collective_time(hw, "all_gather", weights, g, t, layout.world)
            rs = _collective_time(hw, "reduce_scatter", grads, g, t, layout.world) + across
            if not hw.cores:  # one collective per unit and pass, each paying the group's latency
                gathers, units = _zero3_units(cfg, st, r, p, software)
                gather += (gathers - 1) * hw.collective_latency("all_gather", g, t)
                rs += (units - 1) * hw.collective_latency("reduce_scatter", g, t)
                if replicas > 1:
                    rs += (units - 1) * hw.collective_latency("all_reduce", replicas, t * g)
            again = gather if software.reshard_after_forward else 0.0
            # Overlapped with compute unless the system does not (a CPU's collectives use the cores that compute;
            # DeepSpeed's overlap_comm is off by default). Each pass hides its own collectives only: the forward's
            # gathers under its computation, the backward's gathers and reduce-scatters under the backward's.
            if software.overlap_dp and not hw.cores:
                pieces = max(1, len(st.layers))
                f_time, f_hidden = _hidden_under(hw, gather, forward, pieces)
                b_time, b_hidden = _hidden_under(hw, again + rs, last_backward, pieces)
                dp_time, hidden = m * (f_time + b_time), m * (f_hidden + b_hidden)
            else:
                dp_time, hidden = m * (gather + again + rs), 0.0
        # A collective hidden behind computation still slows it: its kernels take SMs and memory bandwidth from
        # the matmuls they overlap (`Hardware.overlap_slowdown`, per second of computation overlapped).
        dp_time += hw.overlap_slowdown * hidden
        shard = st.total / (g if layout.zero >= 1 else 1)
        # AdamW reads p, g, m, v and writes p, m, v, norms: about 16 elements; mixed precision about 32 bytes
        # (the fp32 master and moments read and written, the bf16 gradient read, the bf16 weight written)
        per_param = 32 if batch.dtype == "bf16" else 16 * e
        optimizer = shard * per_param / hw.stream_rate(max(1, procs)) + (4 * len(st.layers) + 4) * 12 * hw.op_overhead
        tied = (
            _collective_time(hw, "all_reduce", st.tied * e, 2, max(1, (p - 1) * dp * t), layout.world)
            if st.tied
            else 0.0
        )
        total_r = dp_time + optimizer + tied
        if total_r > worst:
            worst, parts = total_r, {"dp_exposed": dp_time, "optimizer": optimizer, "tied_sum": tied}
    step = pipeline_time + worst
    tokens = batch.global_batch_size * s_len
    flops = hardware_flops_per_step(cfg, layout, batch, software)
    tflops = flops / step / layout.world / 1e12
    peak = hw.peak_flops.get(batch.dtype)
    mfu = model_flops_per_step(cfg, batch) / step / layout.world / peak if peak and not hw.cores else None
    mem: dict[str, float] = {}
    need = 0.0
    if simulate:
        mem = memory(cfg, layout, batch, software)
        need = memory_need(cfg, layout, batch, hw, software)
        # The peak one device (GPU) or one worker process (CPU) reaches, temporaries and runtime included.
        mem["peak"] = need if not hw.cores else process_memory(cfg, layout, batch, software=software)["total"]
    parts = {"pipeline": pipeline_time, **parts}
    return Estimate(
        layout=layout,
        micro_batch_size=b,
        step_time_s=step,
        tokens_per_s=tokens / step,
        tflops_per_gpu=tflops,
        mfu=mfu,
        memory_bytes=mem,
        comm_bytes=comm,
        bubble_fraction=bubble,
        fits=need <= hw.memory_bytes,
        parts=parts,
        timeline=timeline if keep_timeline else None,
    )

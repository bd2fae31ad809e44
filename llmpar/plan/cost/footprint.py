"""Memory: what one rank holds at the peak of a step, and what a whole worker process needs.

- Model state (`model_state_bytes`): parameters, gradients and AdamW's two moments as the engines hold them,
  each sharded over the dp × cp ranks from its ZeRO stage on (Rajbhandari et al. 2020, section 5).
- Activations (`activation_bytes`): the tensors one block saves for backward, counted from llmpar's modules
  (`layer_activation_bytes`), with the output layer's and the token ids, for the micro-batches each chunk holds
  at the worst moment of the schedule's real action list (`_held_states`: every chunk of a rank counted at the
  same moment); under zero bubble, what a micro-batch keeps from its B to its W (`deferred_bytes`) apart. With
  context parallelism a rank holds L = S/cp tokens of each sequence (`context.local_tokens`).
- `memory`: the two together on the busiest rank, the quantities the metrics line reports.
- A process's peak (`process_memory`, `ranks_memory`), the processes of a node together (`node_memory`) and what
  a device or a machine must hold for a layout to fit (`memory_need`): the memory pre-flight's prediction.
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import replace

from llmpar.layout import Layout
from llmpar.model.config import ModelConfig
from llmpar.pipeline.schedules import Kind, compute_order
from llmpar.plan.cost import context
from llmpar.plan.cost.params import StageParams, _layer_params, partition, stage_params
from llmpar.plan.cost.traffic import gathered_bytes
from llmpar.plan.cost.values import (
    BYTES,
    FP8_CASTS,
    LLMPAR,
    Batch,
    Software,
    _act_dtype_bytes,
    selective_policy,
)
from llmpar.plan.hardware import Hardware

# --- model state --------------------------------------------------------------------------------------------


def state_bytes_per_param(dtype: str, reduce_dtype: str | None = None) -> tuple[int, int, int]:
    """(parameter, gradient, optimizer) bytes per parameter, as llmpar holds them: fp32 and fp64 runs keep
    weights, gradients and AdamW's two moments in their dtype; bf16 ("mixed") is the ZeRO paper's mixed precision,
    (2, 2, 12): bf16 weights and gradients, fp32 master weights and moments; (2, 4, 12) with fp32 reduction."""
    batch = Batch(1, 1, dtype, reduce_dtype)
    if batch.dtype == "bf16":
        return 2, batch.grad_bytes, 12
    e = BYTES[batch.dtype]
    return e, e, 2 * e


def model_state_bytes(
    n_params: int,
    zero: int,
    dp: int,
    dtype: str,
    per_param: tuple[int, int, int] | None = None,
    reduce_dtype: str | None = None,
) -> dict[str, float]:
    """Parameters, gradients and optimizer state of one rank holding `n_params` (before ZeRO sharding).

    Rajbhandari et al. 2020, section 5: stage 1 shards the optimizer state, stage 2 also the gradients, stage 3
    also the parameters, each over the dp ranks. `per_param` overrides the bytes per parameter (their
    mixed-precision accounting is (2, 2, 12): fp16 weights and gradients, fp32 master weights and moments).
    """
    wp, wg, wo = per_param or state_bytes_per_param(dtype, reduce_dtype)
    n = n_params
    return {
        "params": n * wp / (dp if zero >= 3 else 1),
        "grads": n * wg / (dp if zero >= 2 else 1),
        "optimizer": n * wo / (dp if zero >= 1 else 1),
    }


# --- activations --------------------------------------------------------------------------------------------


def block_matmuls(cfg: ModelConfig) -> list[tuple[int, int, bool]]:
    """(input width, output width, column-parallel) of each matmul of a block, in the order its forward runs them:
    q, k, v, the attention output, then the MLP's (SwiGLU: gate, up, down; GeLU: up, down)."""
    d, f, kv = cfg.d_model, cfg.d_ff, cfg.n_kv_heads * cfg.head_dim
    q = cfg.n_heads * cfg.head_dim
    mlp = [(d, f, True), (d, f, True), (f, d, False)] if cfg.arch == "llama" else [(d, f, True), (f, d, False)]
    return [(d, q, True), (d, kv, True), (d, kv, True), (q, d, False), *mlp]


def fp8_cast_elements(cfg: ModelConfig, tp: int) -> tuple[float, float, float]:
    """(normalized inputs, other inputs, output gradients): elements per token of one block on one tp rank that FP8
    matmuls cast. A run of column-parallel GEMMs reads one input, the normalization's output (q, k and v one, the
    MLP's gate and up another); each row-parallel GEMM reads its tp shard of another tensor; every GEMM's output
    gradient is cast (the column ones' shards, the row ones' whole width)."""
    normed = other = grads = 0.0
    in_group = False
    for i, o, column in block_matmuls(cfg):
        if column:
            normed += 0 if in_group else i
            grads += o / tp
        else:
            other += i / tp
            grads += o
        in_group = column
    return normed, other, grads


def op_recomputed_matmul_flops(cfg: ModelConfig, tp: int) -> float:
    """Forward matmul FLOPs per token of one block on one tp rank that torchtitan's per-operation policy
    recomputes: every second matmul of the block (the 2nd, 4th, ...)."""
    return sum(2 * i * o / tp for n, (i, o, _) in enumerate(block_matmuls(cfg)) if n % 2 == 1)


def layer_activation_bytes(
    cfg: ModelConfig, tokens: int, seq_len: int, layout: Layout, dtype: str, software: Software = LLMPAR
) -> float:
    """Bytes one block saves for backward on one tp rank, for `tokens` = b·s tokens of a micro-batch.

    Counted from what llmpar's modules save (each storage once; parameters excluded), per token:
    - each norm: its input, 1/rms (or mean and 1/std), its normalized output, and the scaled output the next
      matmuls read: 3d + 1 (RMSNorm) or 2d + 2 (LayerNorm, whose output is the matmul input); a bf16 RMSNorm
      keeps its input in fp32 (`fp32_norm_input`: llmpar's normalizes in fp32; a fused kernel does not);
    - attention: q (after RoPE), k and v, the softmax's log-sum-exp per head, and the output, which the output
      projection reads as it is (q is token-major, so the kernel writes its output token-major):
      2d + 2·d_kv + heads over tp (fused flash attention keeps no s × s matrix); RoPE's cos and sin tables, once
      per layer;
    - MLP: SwiGLU's gate, up, SiLU and product (4·d_ff), or GeLU's input and output (2·d_ff), over tp.
    With sequence parallelism the norm terms are on a sequence shard (1/tp); in its default mode the column
    layers save that shard, with `--sp-save-gathered` they save the gathered input (d per column group).
    Korthikanti et al. 2022 (section 4) derive the same structure for GPT with dropout: sbh(34 + 5as/h).
    Context parallelism (`tokens` = b·L, L = S/cp): the RoPE tables of the rank's L positions; llmpar's ring
    attention keeps its output and log-sum-exp in at least fp32 (another system's fused ring kernel,
    `Software.ring_fused` True, its output in the inputs' dtype); selective recomputation leaves the
    context-parallel core alone (`context.recomputes_core`), so it keeps what no recomputation keeps.
    A materialized attention (`software.flash_attention` off, Megatron-LM before fused kernels) also keeps the
    softmax's output, the dropout mask and the dropout's output: 5·heads·s bytes per token (Korthikanti et al.).
    Recomputation (`llmpar.parallel.recompute`): "full" keeps the block's input only; "selective" what the
    software's policy does not recompute (`Software.selective`: the attention core by default). What a
    recomputation saves again inside the backward pass, one block at a time, is a temporary of that pass
    (`process_memory`), not counted here.
    """
    d, f, hd, t = cfg.d_model, cfg.d_ff, cfg.head_dim, layout.tp
    kv, heads = cfg.n_kv_heads * hd, cfg.n_heads
    mm, res = _act_dtype_bytes(dtype)
    block_input = tokens * d * res / (t if layout.sequence_parallel else 1)
    if layout.recompute == "full":
        return block_input  # only the block's input
    if layout.recompute == "selective":
        policy, every = selective_policy(software.selective)
        if policy == "attention" and not context.recomputes_core(layout):  # nothing is recomputed
            return layer_activation_bytes(cfg, tokens, seq_len, replace(layout, recompute="none"), dtype, software)
        if policy == "every":  # one block in `every` keeps its input only, the others everything
            whole = layer_activation_bytes(cfg, tokens, seq_len, replace(layout, recompute="none"), dtype, software)
            return block_input / every + whole * (1 - 1 / every)
        if policy == "op":  # the block's input, the saved matmuls' outputs, the attention kernel's output and lse
            saved = sum(o / t if column else o for n, (_, o, column) in enumerate(block_matmuls(cfg)) if n % 2 == 0)
            return block_input + tokens * ((saved + d / t) * mm + heads / t * 4)
    attn = (2 * d + 2 * kv) * mm + heads * 4
    if cfg.arch == "llama":
        norms = 2 * (d * (_norm_input(res, software.fp32_norm_input) + 2 * res) + 4)  # x, y, scaled; 1/rms fp32
        mlp = 4 * f * mm
        tables = context.local_tokens(layout, seq_len) * hd * mm
    else:
        norms = 2 * (2 * d * res + 8)
        mlp = 2 * f * mm
        tables = 0
    if not software.flash_attention:
        attn += 5 * heads * seq_len
    if layout.cp > 1 and layout.cp_mode == "ring" and not software.ring_fused:
        # llmpar's ring keeps its output and log-sum-exp in at least fp32; the projection reads the output cast to
        # the activations' dtype: a copy beside it where the dtypes differ
        acc = context.acc_bytes(dtype)
        attn += (d * acc if acc != mm else 0) + heads * (acc - 4)
    if layout.recompute == "selective":
        # The attention core keeps q, k, v only: its softmax statistics are recomputed; its output stays saved, as
        # the output projection's input.
        attn -= heads * 4
        attn -= 0 if software.flash_attention else 5 * heads * seq_len  # the scores are recomputed
    sharded = attn + mlp
    if layout.sequence_parallel:
        per_token = (norms + sharded) / t
        if layout.sp_save_gathered:
            per_token += 2 * d * mm * (1 - 1 / t)  # two column groups keep the gathered input
    else:
        per_token = norms + sharded / t
    return tokens * per_token + tables


def _norm_input(res: int, fp32: bool) -> int:
    """Bytes per element of the input an RMSNorm keeps: fp32 at least if it normalizes in fp32."""
    return max(res, 4) if fp32 else res


def output_activation_bytes(
    cfg: ModelConfig, tokens: int, layout: Layout, dtype: str, software: Software = LLMPAR
) -> float:
    """The final norm, the head's input and the loss's softmax (vocabulary-parallel when tp > 1): in fp32 at
    least, or, under a fused loss (`Software.loss`), the 16-bit logits and a log-sum-exp per token."""
    d, t = cfg.d_model, layout.tp
    mm, res = _act_dtype_bytes(dtype)
    fp32_in = software.fp32_norm_input
    norm: float = d * (_norm_input(res, fp32_in) + 2 * res) + 4 if cfg.arch == "llama" else 2 * d * res + 8
    vocab = math.ceil(cfg.vocab_size / t)
    softmax = vocab * mm + 4 if software.loss == "fused" else vocab * max(mm, 4)
    loss = softmax + (9 if t > 1 else 0)
    if layout.sequence_parallel:
        # with --sp-save-gathered the head keeps the gathered input instead of the norm's output shard
        norm = norm / t + (d * res * (1 - 1 / t) if layout.sp_save_gathered else 0)
    return tokens * (norm + loss)


@functools.lru_cache(maxsize=4096)
def _held_states(name: str, p: int, m: int, v: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Per pipeline rank, the largest states of what it holds as its actions run, each a vector: for each chunk
    of the rank, the micro-batches past their F and not yet past their B; then, under zero bubble, for each chunk
    the micro-batches past their B and not yet past their W. The walk follows the schedule's computations in the
    order of its action lists (the executor's lists without their transfers). In bounded time for any m: GPipe
    holds all m at once; the other schedules' states stop growing once m is a few times p·v (their warm-up: the
    steady state repeats the same states), so an m beyond 8·p·v is walked at 8·p·v (the same largest states:
    tests/test_plan_ux.py checks it).

    "Largest": only the states that no other state of the rank equals or exceeds in every count are kept (the
    walk skips those right after a B or W, which hold less than the one before). What a rank holds is a sum of
    these counts times bytes, never negative, so its largest is always at one of them; the planner asks for it
    thousands of times.

    The one-chunk schedules have closed forms, which the walk gives too (tests/test_cost_model.py checks them
    against it): GPipe holds all m micro-batches, naive one, 1F1B min(m, p − r) on rank r (its warm-up)."""
    if v == 1 and name in _HELD_IN_CLOSED_FORM:
        return tuple(((_HELD_IN_CLOSED_FORM[name](p, m, r), 0),) for r in range(p))
    return _walked_states(name, p, m, v)


_HELD_IN_CLOSED_FORM = {
    "gpipe": lambda p, m, r: m,
    "naive": lambda p, m, r: 1,
    "1f1b": lambda p, m, r: min(m, p - r),
}


def _walked_states(name: str, p: int, m: int, v: int, cap: bool = True) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """`_held_states` by walking the schedule's computations (all m micro-batches' with cap=False)."""
    if cap and m > 8 * p * v:
        if name == "gpipe":
            return tuple(((m, 0),) for _ in range(p))  # (GPipe has one chunk per rank)
        m = 8 * p * v
    orders = compute_order(name, p, m, v if name == "interleaved" else 1)
    zb = name == "zb"
    forward, backward, weight = Kind.F.value, Kind.B.value, Kind.W.value  # (the orders hold the plain values)
    out: list[tuple[tuple[int, ...], ...]] = []
    for r in range(p):
        if v == 1 and not zb:  # one count: its largest value
            held = most = 0
            for kind, _, _ in orders[r]:
                held += kind == forward
                held -= kind == backward
                most = max(most, held)
            out.append(((most, 0),))
            continue
        index = {c: k for k, c in enumerate(range(r, p * v, p))}
        counts, states = [0] * (2 * v), set()
        for kind, _, chunk in orders[r]:
            k = index.get(chunk, 0)
            if kind == forward:
                counts[k] += 1
            elif kind == backward:
                counts[k] -= 1
                if not zb:
                    continue  # (a state that holds less than the one before it: never the largest)
                counts[v + k] += 1  # what its W needs waits for it
            elif kind == weight:
                counts[v + k] -= 1
                continue  # (as a B outside zero bubble)
            else:
                continue
            states.add(tuple(counts))
        out.append(_maximal(states))
    return tuple(out)


def _maximal(states: set[tuple[int, ...]]) -> tuple[tuple[int, ...], ...]:
    """The states that no other state equals or exceeds in every count (the Pareto front)."""
    front: list[tuple[int, ...]] = []
    if all(len(state) == 2 for state in states):  # one chunk per rank: a sweep
        best = None
        for state in sorted(states, reverse=True):
            if best is None or state[1] > best:
                front.append(state)
                best = state[1]
        return tuple(front)
    for state in sorted(states, key=lambda s: (-sum(s), s)):
        if not any(all(a >= b for a, b in zip(kept, state)) for kept in front):
            front.append(state)
    return tuple(front)


def deferred_bytes(cfg: ModelConfig, tokens: int, layout: Layout, dtype: str, layers: int, head: bool) -> float:
    """Bytes a micro-batch of `layers` blocks (and the output layer, if `head`) leaves for the zero-bubble
    schedule's W on one tp rank: each linear layer's input (a column layer's sequence shard under SP, unless
    `--sp-save-gathered`) and its output gradient (whole over the sequence after a row layer)."""
    d, f, t = cfg.d_model, cfg.d_ff, layout.tp
    kv = cfg.n_kv_heads * cfg.head_dim
    mm, _ = _act_dtype_bytes(dtype)
    column_in = d / t if layout.sequence_parallel and not layout.sp_save_gathered else d
    gates = 2 if cfg.arch == "llama" else 1  # SwiGLU's w1 and w3, or GeLU's w1
    inputs = 2 * column_in + d / t + f / t  # q/k/v's, w1(/w3)'s, wo's, w2's
    grads = (d + 2 * kv) / t + d + gates * f / t + d  # q, k, v; wo's output; w1 (and w3); w2's output
    out = layers * (inputs + grads)
    if head:
        out += column_in + math.ceil(cfg.vocab_size / t)  # the head's input and the logits' gradient
    return tokens * out * mm


def activation_bytes(cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR) -> float:
    """Peak bytes saved for backward on the busiest rank: the micro-batches each chunk keeps in flight under
    the schedule, times what one micro-batch of that chunk saves."""
    return max(activation_bytes_by_stage(cfg, layout, batch, software))


def activation_bytes_by_stage(
    cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR
) -> list[float]:
    """`activation_bytes` of each pipeline rank (the same on every dp and tp rank of a stage)."""
    # (kept per layout less its ZeRO stage, which saves nothing: the planner asks for each layout several times,
    # and for the four stages of each alike)
    key = (cfg, batch, software, _ACTIVATION_FIELDS(layout))
    found = _ACTIVATIONS.get(key)
    if found is None:
        if len(_ACTIVATIONS) >= 65536:
            _ACTIVATIONS.clear()
        found = _ACTIVATIONS[key] = _activation_bytes_by_stage(cfg, layout, batch, software)
    return list(found)


# The layout's fields that what a rank saves for backward depends on (all but the ZeRO stage).
_ACTIVATION_FIELDS = operator.attrgetter(*(f for f in Layout.__dataclass_fields__ if f != "zero"))
_ACTIVATIONS: dict[tuple, tuple[float, ...]] = {}


def _activation_bytes_by_stage(cfg: ModelConfig, layout: Layout, batch: Batch, software: Software) -> tuple[float, ...]:
    b = batch.global_batch_size // (layout.dp * layout.micro_batches)
    tokens, s = b * context.local_tokens(layout, batch.seq_len), batch.seq_len
    p, v = layout.pp, layout.chunks_per_rank
    chunks = partition(cfg, p * v, s)
    states = _held_states(layout.schedule, p, layout.micro_batches, v)
    per_layer = layer_activation_bytes(cfg, tokens, s, layout, batch.dtype, software)  # the same for every layer
    alike: dict[tuple[int, bool, bool], tuple[float, float]] = {}  # chunks of as many layers, at the same end
    out = []
    for r in range(p):
        kept, waiting = [], []
        for c in range(r, p * v, p):
            key = (len(chunks[c]), c == 0, c == p * v - 1)
            if key not in alike:
                per_micro = sum(per_layer for _ in chunks[c])
                if c == 0:
                    per_micro += tokens * 8  # the token ids the embedding keeps
                if c == p * v - 1:
                    per_micro += output_activation_bytes(cfg, tokens, layout, batch.dtype, software)
                # Under zero bubble a B frees what its backward used, but the linear layers' inputs (made anew by
                # a full recomputation) wait for the W with their output gradients.
                alike[key] = per_micro, deferred_bytes(cfg, tokens, layout, batch.dtype, len(chunks[c]), c == p * v - 1)
            kept.append(alike[key][0])
            waiting.append(alike[key][1])
        weights = kept + waiting
        out.append(max(sum(map(operator.mul, state, weights)) for state in states[r]))
    return tuple(out)


def fp8_weight_copies(stage: StageParams, layout: Layout, software: Software) -> float:
    """Bytes of Transformer Engine's FP8 weights and their transposes, which it keeps over a step beside the 16-bit
    ones: 2 per matrix element a rank holds (none under ZeRO-3, where a gathered unit's copies are within the units'
    margin; nor under torchao, which casts the weights anew in each pass; nor where the parameters gather in FP8,
    Megatron-Core's fp8_param_gather, whose FP8 weights replace the 16-bit ones)."""
    if software.fp8 and FP8_CASTS[software.fp8].weight_once and layout.zero < 3 and not software.fp8_param_gather:
        return 2.0 * stage.split
    return 0.0


def memory(cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR) -> dict[str, float]:
    """Bytes per rank (the largest rank): "params", "grads", "optimizer", "activations", "total"."""
    stages = stage_params(cfg, layout, batch.seq_len)
    held = max(s.total for s in stages)
    shards = software.zero_shards(layout.dp * layout.cp)
    m = model_state_bytes(held, layout.zero, shards, batch.dtype, reduce_dtype=batch.reduce_dtype)
    m["params"] += max(fp8_weight_copies(s, layout, software) for s in stages)
    m["activations"] = activation_bytes(cfg, layout, batch, software)
    m["total"] = sum(m.values())
    return m


# --- a whole process's peak (the memory pre-flight) ---------------------------------------------------------
#
# `memory` counts the tensors the cost-model issue defined (state and saved activations). A process holds more at
# its peak: the runtime, the data, the temporaries of the step, and, while it starts, the whole model (every
# process builds the plain model before it keeps its part). `process_memory` adds those. The constants were
# measured on this project's machine by `benchmarks/memory_check.py` (its "fit" runs; docs/cost-model.md,
# "Memory pre-flight", gives the runs and the errors on held-out ones).

CPU_RUNTIME_BYTES = 300 * 2**20  # a CPU worker before its tensors: Python, torch, gloo and its threads
CPU_LAUNCHER_BYTES = 223 * 2**20  # the process that spawns the workers (the elastic agent) while they run
# Not measured here (no GPU): a CUDA context with cuBLAS workspaces (~0.5 GiB) and NCCL's buffers.
CUDA_RUNTIME_BYTES = 2**30
ALLOCATOR_SLACK = 0.035  # freed memory a process keeps (allocator caches, heap holes), share of its tensors
LOSS_COPIES = 2  # logits-sized fp32 tensors alive in the loss's backward besides the saved softmax
ZERO3_UNITS = 4  # ZeRO-3 units materialized at once: gathered, prefetched, and two gradient buffers
# glibc's largest mmap threshold: a freed buffer smaller than this goes back to the process's heap, not the system.
MMAP_THRESHOLD = 32 * 2**20


@functools.lru_cache(maxsize=256)
def _num_params(cfg: ModelConfig) -> int:
    return cfg.num_params()


@functools.lru_cache(maxsize=4096)
def _largest_param(cfg: ModelConfig, t: int = 1) -> int:
    """Elements of the largest parameter on a tp rank (an embedding or the head, or a layer's MLP matrix)."""
    vocab = math.ceil(cfg.vocab_size / t) * cfg.d_model // t if t > 1 else cfg.vocab_size * cfg.d_model
    return max(vocab, cfg.d_model * cfg.d_ff // t, cfg.d_model * cfg.n_heads * cfg.head_dim // t)


def _gloo_gather_retained(cfg: ModelConfig, layout: Layout, st: StageParams, r: int, e: int) -> float:
    """On a CPU, gloo's all-gather into a flat buffer allocates a buffer of the gathered size; those smaller than
    MMAP_THRESHOLD stay in the heap after they are freed, and the process keeps them (measured: docs). The ZeRO
    stages all-gather every parameter each step: ZeRO-1/2 in buckets (a parameter larger than a bucket alone),
    ZeRO-3 unit by unit (the embedding, each block, the output layer)."""
    t, p = layout.tp, layout.pp
    d, f, hd = cfg.d_model, cfg.d_ff, cfg.head_dim
    q, kv = cfg.n_heads * hd, cfg.n_kv_heads * hd
    matrices = [d * q // t, d * kv // t, d * kv // t, q * d // t] + [d * f // t] * (3 if cfg.arch == "llama" else 2)
    split, repl = _layer_params(cfg, t)
    vectors = split + repl - sum(matrices)
    table = math.ceil(cfg.vocab_size / t) * d
    ends = []  # the tables of this stage, and a gpt2's positions
    if r == 0:
        ends += [table] + ([cfg.max_seq_len * d] if cfg.arch == "gpt2" else [])
    if r == p - 1 and (not cfg.tie_embeddings or p > 1):
        ends.append(table)

    def small(n: int) -> bool:
        return n * e < MMAP_THRESHOLD

    n_layers = len(st.layers)
    if layout.zero in (1, 2):
        return e * (n_layers * (sum(m for m in matrices if small(m)) + vectors) + sum(x for x in ends if small(x)))
    unit = split + repl
    return e * (n_layers * unit * small(unit) + sum(x for x in ends if small(x)))


def process_memory(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    stage: int | None = None,
    device: str = "cpu",
    data_bytes: float = 0.0,
    saving: bool = False,
    software: Software = LLMPAR,
) -> dict[str, float]:
    """Peak bytes of one worker process of `layout` (of pipeline rank `stage`, or the largest), its parts:

    - "params", "grads", "optimizer", "activations": as `memory` (the rank's state, its saved tensors);
    - "temporaries": the most the step holds on top at once: in the backward pass, the loss's logits-sized
      gradients (LOSS_COPIES × tokens × vocabulary/tp), one layer's activation gradients (about what one layer
      saves for one micro-batch without recomputation), what a recomputation saves again for that layer and,
      with ZeRO-3, the gathered units; or, at the end of the backward pass (activations freed), the embedding's
      dense gradient; or, at the optimizer step, AdamW's foreach temporaries, one copy of the parameters it
      updates; or, when the run saves checkpoints (`saving`), the ZeRO stages' optimizer state (and ZeRO-3's
      parameters) gathered whole over dp for the save. The largest;
    - "build": what the process holds while it starts, before it cuts its part: the whole model in the
      parameters' dtype (built in fp32 and cast), with the initializer's two temporaries of the largest matrix.
      The peak is the larger of this and the training step;
    - "runtime": Python, torch and the communication backend (CPU_RUNTIME_BYTES), or the CUDA context;
    - "data": the token data held (on a CPU; the caller knows it);
    - "total": runtime + data + (1 + ALLOCATOR_SLACK) × max(build, state + activations + temporaries), what
      the metrics' `peak_mem_bytes` measures (peak RSS on a CPU, allocated memory plus the context on a GPU).
    """
    first_ranks = [s * (layout.world // layout.pp) for s in (range(layout.pp) if stage is None else [stage])]
    by_rank = ranks_memory(cfg, layout, batch, first_ranks, device, data_bytes, saving, software)
    return max(by_rank.values(), key=lambda parts: parts["total"])


def ranks_memory(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    ranks,
    device: str = "cpu",
    data_bytes: float = 0.0,
    saving: bool = False,
    software: Software = LLMPAR,
) -> dict[int, dict[str, float]]:
    """`process_memory`'s parts for each of some global ranks (the ranks of a stage alike: the mesh is
    pp × dp × cp × tp, pipeline outermost, so rank r is on stage r // (dp·cp·tp))."""
    stages = stage_params(cfg, layout, batch.seq_len)
    acts = activation_bytes_by_stage(cfg, layout, batch, software)
    by_stage: dict[int, dict[str, float]] = {}
    out = {}
    for rank in ranks:
        s = rank // (layout.world // layout.pp)
        if s not in by_stage:
            by_stage[s] = _stage_process_memory(
                cfg, layout, batch, s, stages[s], acts[s], device, data_bytes, saving, software
            )
        out[rank] = by_stage[s]
    return out


# The layout's fields that what one layer saves depends on (`layer_activation_bytes`).
_LAYER_FIELDS = operator.attrgetter("tp", "sequence_parallel", "sp_save_gathered", "recompute", "cp", "cp_mode")


@functools.lru_cache(maxsize=65536)
def _layer_backward_bytes(
    cfg: ModelConfig, tokens: int, seq_len: int, fields: tuple, dtype: str, software: Software
) -> float:
    """One layer's activation gradients (about what it saves without recomputation) and what a recomputation
    saves again for its backward beyond what the forward kept. `fields`: the layout's `_LAYER_FIELDS`."""
    tp, sp, gathered, recompute, cp, cp_mode = fields
    layout = Layout(tp=tp, sequence_parallel=sp, sp_save_gathered=gathered, recompute=recompute, cp=cp, cp_mode=cp_mode)
    plain = layer_activation_bytes(cfg, tokens, seq_len, replace(layout, recompute="none"), dtype, software)
    return 2 * plain - layer_activation_bytes(cfg, tokens, seq_len, layout, dtype, software)


def _stage_process_memory(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    r: int,
    st: StageParams,
    act: float,
    device: str,
    data_bytes: float,
    saving: bool,
    software: Software = LLMPAR,
) -> dict[str, float]:
    t, p = layout.tp, layout.pp
    dp = software.zero_shards(layout.dp * layout.cp)  # the ranks ZeRO shards over: dp × cp, or a hybrid group
    w, e, u = batch.weight_bytes, batch.grad_bytes, batch.update_bytes
    m = model_state_bytes(st.total, layout.zero, dp, batch.dtype, reduce_dtype=batch.reduce_dtype)
    m["params"] += fp8_weight_copies(st, layout, software)
    state = m["params"] + m["grads"] + m["optimizer"]
    b = batch.global_batch_size // (layout.dp * layout.micro_batches)
    tokens = b * context.local_tokens(layout, batch.seq_len)
    mm, _ = _act_dtype_bytes(batch.dtype)
    backward = 0.0
    if r == p - 1:  # the loss: fp32 logits (or fp64), vocabulary-parallel over tp; or one 16-bit gradient
        logits = tokens * math.ceil(cfg.vocab_size / t)
        backward += LOSS_COPIES * logits * max(mm, 4) if software.loss == "fp32" else logits * mm
    if st.layers:  # one layer's activation gradients, about what it saves without recomputation; and what a
        # recomputation saves again for the layer's backward, beyond what the forward kept
        backward += _layer_backward_bytes(cfg, tokens, batch.seq_len, _LAYER_FIELDS(layout), batch.dtype, software)
        # and context parallelism's blocks in flight, accumulators and (explicit matmuls) scores
        fused = software.fused_ring(device == "cpu")
        backward += context.backward_temporaries(
            cfg, layout, b, batch.seq_len, batch.dtype, fused, repeats=fused and software.ring_fused is None
        )
    if layout.zero == 3 and dp > 1:
        split, repl = _layer_params(cfg, t)
        table = math.ceil(cfg.vocab_size / t) * cfg.d_model + (
            cfg.max_seq_len * cfg.d_model if cfg.arch == "gpt2" else 0
        )
        # a block (as ZeRO gathers it: its matrices at one byte where they gather in FP8), or the embedding
        block = gathered_bytes(split + repl, split, w, software) if st.layers else 0
        backward += ZERO3_UNITS * max(block, table * w if r in (0, p - 1) else 0)
    # AdamW's foreach temporaries, one copy of what it updates (and bf16 gradients' fp32 copies for the masters)
    optimizer_step = st.total / (dp if layout.zero >= 1 else 1) * (u + (4 if u != e else 0))
    save = 0.0
    if saving and layout.zero >= 1 and dp > 1:  # full_states(): the moments (and the masters or ZeRO-3's weights)
        save = (3 if layout.zero == 3 or batch.dtype == "bf16" else 2) * st.total * u
    # The embedding's gradient comes last in the backward pass, when the activations are gone: dense, before it is
    # added to the gradient buffer.
    last_grad = _largest_param(cfg, t) * w if r == 0 else 0.0
    temporaries = max(act + backward, last_grad, optimizer_step, save) - act
    if device == "cpu" and layout.zero >= 1 and dp > 1:
        temporaries += _gloo_gather_retained(cfg, layout, st, r, w)
    build = _num_params(cfg) * max(4, w) + 2 * _largest_param(cfg) * 4
    if device != "cpu":  # the model is built on the host and moved to the device whole
        build = _num_params(cfg) * w
        data_bytes = 0.0
    step = state + act + temporaries
    runtime = CPU_RUNTIME_BYTES if device == "cpu" else CUDA_RUNTIME_BYTES
    total = runtime + data_bytes + (1 + ALLOCATOR_SLACK) * max(build, step)
    return {
        "params": m["params"],
        "grads": m["grads"],
        "optimizer": m["optimizer"],
        "activations": act,
        "temporaries": temporaries,
        "build": build,
        "runtime": runtime,
        "data": data_bytes,
        "total": total,
        "stage": r,
    }


def node_memory(
    cfg: ModelConfig,
    layout: Layout,
    batch: Batch,
    ranks: range | list[int] | None = None,
    launcher: bool = True,
    data_bytes: float = 0.0,
) -> float:
    """Bytes the CPU worker processes `ranks` (all of the layout's by default) need together at their peak, with
    the launching process when `launcher`: what one machine must have for them."""
    ranks = range(layout.world) if ranks is None else ranks
    processes = ranks_memory(cfg, layout, batch, ranks, data_bytes=data_bytes).values()
    return (CPU_LAUNCHER_BYTES if launcher else 0.0) + sum(parts["total"] for parts in processes)


def device_peak(cfg: ModelConfig, layout: Layout, batch: Batch, software: Software = LLMPAR) -> float:
    """Peak bytes of one GPU of the busiest stage in the training step: the CUDA context, and the state, the saved
    activations and the step's temporaries (`process_memory`: the loss's backward, one layer's gradients, the
    gathered ZeRO-3 units), with the allocator's margin (ALLOCATOR_SLACK). Not the model's build: the published
    systems build it on the meta device (llmpar's pre-flight checks its own build against the host's memory)."""
    # Stages alike but for their activations (as many layers, neither or the same end) peak in the one holding the
    # most activations: only those are computed.
    acts = activation_bytes_by_stage(cfg, layout, batch, software)
    params = stage_params(cfg, layout, batch.seq_len)
    busiest: dict[tuple, int] = {}
    for r in range(layout.pp):
        key = (len(params[r].layers), r == 0, r == layout.pp - 1)
        if key not in busiest or acts[r] > acts[busiest[key]]:
            busiest[key] = r
    first_ranks = [r * (layout.world // layout.pp) for r in busiest.values()]
    stages = ranks_memory(cfg, layout, batch, first_ranks, device="cuda", software=software).values()
    step = max(p["params"] + p["grads"] + p["optimizer"] + p["activations"] + p["temporaries"] for p in stages)
    return CUDA_RUNTIME_BYTES + (1 + ALLOCATOR_SLACK) * step


def memory_need(cfg: ModelConfig, layout: Layout, batch: Batch, hw: Hardware, software: Software = LLMPAR) -> float:
    """What `hw.memory_bytes` must hold for the layout to fit: on a GPU, one device's peak (`device_peak`); on a
    CPU, where the processes of a node share its memory, the most any node's processes need together, each
    process counted whole (`process_memory`: runtime and build included), with the launcher."""
    if not hw.cores:
        return device_peak(cfg, layout, batch, software)
    per_node = max(1, min(layout.world, hw.devices_per_node))
    return max(
        node_memory(cfg, layout, batch, range(k, min(k + per_node, layout.world)), launcher=layout.world > 1)
        for k in range(0, layout.world, per_node)
    )

"""The cost model: memory, communication, FLOPs and time of one optimizer step of a layout, before it runs.

Every quantity is the one `llmpar train` measures (DESIGN.md's metrics), predicted from the model's shapes:
- memory per rank: parameters, gradients and optimizer state as the engines hold them (`model_state_bytes`), and
  the tensors saved for backward at the peak of the step (`activation_bytes`), per layer as llmpar's modules
  save them, times the micro-batches the schedule keeps in flight;
- communication bytes per step per rank on each mesh axis (`comm_bytes`), in the bus-bytes convention, from the
  collectives each strategy issues;
- time: each pipeline action's duration from a roofline (matmul FLOPs at the matmul rate, elementwise bytes at
  the memory bandwidth, a fixed cost per operation dispatched) plus the tensor-parallel collectives on its
  critical path; the real schedule's action lists are run through the simulator (`pipeline.schedules`), with
  transfer times; then the data-parallel reduction that the backward pass does not hide, and the optimizer.

`docs/cost-model.md` gives each formula with its source, and the predictions beside measurements.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from llmpar.model.config import ModelConfig
from llmpar.parallel.flat import BUCKET_BYTES
from llmpar.pipeline import schedules as sched
from llmpar.pipeline.stages import partition as _partition
from llmpar.plan.hardware import Hardware

BYTES = {"fp64": 8, "fp32": 4, "bf16": 2}


@dataclass(frozen=True)
class Layout:
    dp: int = 1
    tp: int = 1
    pp: int = 1
    zero: int = 0
    schedule: str = "1f1b"
    virtual_stages: int = 1  # model chunks per pipeline rank (interleaved only)
    micro_batches: int = 1
    sequence_parallel: bool = False
    recompute: str = "none"
    sp_save_gathered: bool = False

    @property
    def world(self) -> int:
        return self.dp * self.tp * self.pp

    @property
    def chunks_per_rank(self) -> int:
        return self.virtual_stages if self.schedule == "interleaved" else 1

    def as_metrics(self) -> dict:
        """The metrics line's "layout" object."""
        return {"dp": self.dp, "tp": self.tp, "pp": self.pp, "zero": self.zero, "schedule": self.schedule,
                "micro_batches": self.micro_batches, "sequence_parallel": self.sequence_parallel,
                "recompute": self.recompute}


@dataclass(frozen=True)
class Batch:
    global_batch_size: int  # sequences per optimizer step
    seq_len: int
    dtype: str = "bf16"  # fp32 / fp64: everything in that dtype; bf16: autocast over fp32 weights (as llmpar);
    # mixed: Megatron-LM's and the ZeRO paper's mixed precision (16-bit weights, gradients and activations,
    # fp32 master weights and moments: 2 + 2 + 12 bytes per parameter)


@dataclass(frozen=True)
class Software:
    """How the training system runs a layout, where systems differ. The defaults are llmpar's; the published
    runs the cost model is checked against set theirs (`llmpar/plan/published.py`)."""
    flash_attention: bool = True  # fused attention (no s × s matrix in memory); else scores, softmax and dropout
    overlap_dp: bool = True  # data-parallel gradient reduction overlapped with the backward pass


LLMPAR = Software()


partition = functools.lru_cache(maxsize=4096)(_partition)


@functools.lru_cache(maxsize=4096)
def _schedule(name: str, p: int, m: int, v: int) -> sched.Schedule:
    return sched.make_schedule(name, p, m, v, checked=False)


@functools.lru_cache(maxsize=4096)
def _in_flight(name: str, p: int, m: int, v: int) -> tuple[tuple[int, ...], ...]:
    """Per pipeline rank, per chunk of it: the most micro-batches whose activations it holds at once."""
    s = _schedule(name, p, m, v)
    return tuple(tuple(sched.peak_in_flight([a for a in s.ranks[r] if a.chunk == c]) for c in range(r, p * v, p))
                 for r in range(p))


def _in_flight_bounded(name: str, p: int, m: int, v: int) -> tuple[tuple[int, ...], ...]:
    """`_in_flight`, in bounded time for any m: GPipe keeps all m; the other schedules' peak stops growing once m
    is a few times p·v (their warm-up), so a huge m is counted at 8·p·v."""
    if m > 1024:
        if name == "gpipe":
            return tuple((m,) * v for _ in range(p))
        m = 8 * p * v
    return _in_flight(name, p, m, v)


# --- parameters per rank ------------------------------------------------------------------------------------


@dataclass
class StageParams:
    """Parameter counts on one (pipeline rank, tp rank): matrices split over tp, and tp-replicated ones."""
    layers: list[int]
    split: int = 0  # elements of tp-split parameters held (this rank's share)
    replicated: int = 0  # elements replicated over tp (norms, row-parallel biases, positions)
    embedding: int = 0  # elements of the (vocab-parallel) token embedding held, padding included
    embedding_only_unit: int = 0  # a ZeRO-3 unit gathered for forward only (an untied embedding, positions)
    tied: int = 0  # a tied embedding held on both ends of a pipeline (summed across them each step)

    @property
    def total(self) -> int:
        return self.split + self.replicated + self.embedding


def _layer_params(cfg: ModelConfig, t: int) -> tuple[int, int]:
    """(split, replicated) elements of one block on one tp rank."""
    d, f, hd = cfg.d_model, cfg.d_ff, cfg.head_dim
    q, kv = cfg.n_heads * hd, cfg.n_kv_heads * hd
    split = (d * q + 2 * d * kv + q * d + (3 if cfg.arch == "llama" else 2) * d * f) // t
    if cfg.arch == "llama":
        return split, 2 * d
    return split + (q + 2 * kv + f) // t, 4 * d + 2 * d  # column biases split; LayerNorms and row biases not


def stage_params(cfg: ModelConfig, layout: Layout, seq_len: int) -> list[StageParams]:
    """One entry per pipeline rank (its chunks together): what each of its tp ranks holds."""
    return _stage_params(cfg, layout.tp, layout.pp, layout.chunks_per_rank, seq_len)


@functools.lru_cache(maxsize=4096)
def _stage_params(cfg: ModelConfig, t: int, p: int, v: int, seq_len: int) -> list[StageParams]:
    chunks = partition(cfg, p * v, seq_len)
    vocab = math.ceil(cfg.vocab_size / t) * t  # padded to a multiple of tp
    split, repl = _layer_params(cfg, t)
    final_norm = cfg.d_model * (1 if cfg.arch == "llama" else 2)
    out = []
    for r in range(p):
        layers = [layer for c in range(r, p * v, p) for layer in chunks[c]]
        s = StageParams(layers=layers, split=split * len(layers), replicated=repl * len(layers))
        first, last = r == 0, r == p - 1
        if first:
            s.embedding += vocab * cfg.d_model // t
            if cfg.arch == "gpt2":
                s.replicated += cfg.max_seq_len * cfg.d_model
                s.embedding_only_unit += cfg.max_seq_len * cfg.d_model
            if not cfg.tie_embeddings:
                s.embedding_only_unit += vocab * cfg.d_model // t
        if last:
            s.replicated += final_norm
            s.embedding += vocab * cfg.d_model // t if (cfg.tie_embeddings and not first) or not cfg.tie_embeddings \
                else 0
        if cfg.tie_embeddings and p > 1 and (first or last):
            s.tied = vocab * cfg.d_model // t
        out.append(s)
    return out


# --- memory -------------------------------------------------------------------------------------------------


def state_bytes_per_param(dtype: str) -> tuple[int, int, int]:
    """(parameter, gradient, optimizer) bytes per parameter: as llmpar holds them, weights, gradients and AdamW's
    two moments in the run's dtype, bf16 runs keeping fp32 weights under autocast; "mixed", the ZeRO paper's."""
    if dtype == "mixed":
        return 2, 2, 12
    e = _grad_bytes(dtype)
    return e, e, 2 * e


def _grad_bytes(dtype: str) -> int:
    """Bytes of one gradient element, as the data-parallel collectives move it."""
    return {"mixed": 2, "bf16": 4}.get(dtype) or BYTES[dtype]


def _compute_dtype(dtype: str) -> str:
    return "bf16" if dtype in ("bf16", "mixed") else dtype


def model_state_bytes(n_params: int, zero: int, dp: int, dtype: str,
                      per_param: tuple[int, int, int] | None = None) -> dict[str, float]:
    """Parameters, gradients and optimizer state of one rank holding `n_params` (before ZeRO sharding).

    Rajbhandari et al. 2020, section 5: stage 1 shards the optimizer state, stage 2 also the gradients, stage 3
    also the parameters, each over the dp ranks. `per_param` overrides the bytes per parameter (their
    mixed-precision accounting is (2, 2, 12): fp16 weights and gradients, fp32 master weights and moments).
    """
    wp, wg, wo = per_param or state_bytes_per_param(dtype)
    n = n_params
    return {"params": n * wp / (dp if zero >= 3 else 1),
            "grads": n * wg / (dp if zero >= 2 else 1),
            "optimizer": n * wo / (dp if zero >= 1 else 1)}


def _act_dtype_bytes(dtype: str) -> tuple[int, int]:
    """(bytes of a matmul output, bytes of a residual-stream/normalization tensor) saved for backward."""
    if dtype == "bf16":
        return 2, 4  # autocast: matmuls produce bf16; the residual stream and norms stay fp32
    if dtype == "mixed":
        return 2, 2
    return BYTES[dtype], BYTES[dtype]


def layer_activation_bytes(cfg: ModelConfig, tokens: int, seq_len: int, layout: Layout, dtype: str) -> float:
    """Bytes one block saves for backward on one tp rank, for `tokens` = b·s tokens of a micro-batch.

    Counted from what llmpar's modules save (each storage once; parameters excluded), per token:
    - each norm: its input, 1/rms (or mean and 1/std), its normalized output, and the scaled output the next
      matmuls read: 3d + 1 (RMSNorm) or 2d + 2 (LayerNorm, whose output is the matmul input);
    - attention: q and k after RoPE, v, the softmax's log-sum-exp per head, the output and (llama) its
      contiguous copy for the output projection: 3d + 2·d_kv + heads over tp (fused flash attention keeps no
      s × s matrix); RoPE's cos and sin tables, once per layer;
    - MLP: SwiGLU's gate, up, SiLU and product (4·d_ff), or GeLU's input and output (2·d_ff), over tp.
    With sequence parallelism the norm terms are on a sequence shard (1/tp); in its default mode the column
    layers save that shard, with `--sp-save-gathered` they save the gathered input (d per column group).
    Korthikanti et al. 2022 (section 4) derive the same structure for GPT with dropout: sbh(34 + 5as/h).
    """
    d, f, hd, t = cfg.d_model, cfg.d_ff, cfg.head_dim, layout.tp
    kv, heads = cfg.n_kv_heads * hd, cfg.n_heads
    mm, res = _act_dtype_bytes(dtype)
    if cfg.arch == "llama":
        norms = 2 * (3 * d * res + 4)  # x, y, scaled output; 1/rms in fp32
        attn = (3 * d + 2 * kv) * mm + heads * 4
        mlp = 4 * f * mm
        tables = seq_len * hd * mm
    else:
        norms = 2 * (2 * d * res + 8)
        attn = (2 * d + 2 * kv) * mm + heads * 4
        mlp = 2 * f * mm
        tables = 0
    if layout.recompute == "full":
        return tokens * d * res / (t if layout.sequence_parallel else 1)  # only the block's input
    if layout.recompute == "selective":
        attn -= d * mm + heads * 4  # the attention core's output and statistics are recomputed from q, k, v
    sharded = attn + mlp
    if layout.sequence_parallel:
        per_token = (norms + sharded) / t
        if layout.sp_save_gathered:
            per_token += 2 * d * mm * (1 - 1 / t)  # two column groups keep the gathered input
    else:
        per_token = norms + sharded / t
    return tokens * per_token + tables


def korthikanti_layer_activation_bytes(s: int, b: int, h: int, a: int, t: int = 1, sequence_parallel: bool = False,
                                       recompute: str = "none") -> float:
    """Korthikanti et al. 2022, section 4: the bytes a GPT layer of Megatron-LM stores for backward, in 16-bit
    with dropout and a materialized attention matrix, term by term (their closed forms are sbh(34 + 5as/h)
    without parallelism, sbh(10 + 24/t + 5as/(ht)) with tensor parallelism, sbh/t·(34 + 5as/h) with sequence
    parallelism too, 34·sbh/t with selective recomputation, and 2sbh with full recomputation)."""
    sbh, as2b = s * b * h, a * s * s * b
    if recompute == "full":
        return 2 * sbh / (t if sequence_parallel else 1)  # the layer's input only
    split = 1 / t  # tensor-parallel regions: heads and the MLP's hidden dimension
    seq = 1 / t if sequence_parallel else 1  # the regions sequence parallelism shards (else replicated)
    attention = (2 * sbh * seq  # the QKV projection's input
                 + 4 * sbh * split  # Q and K, for QKᵀ
                 + 2 * sbh * split  # V
                 + 2 * sbh * split  # the output projection's input
                 + sbh * seq)  # the attention dropout's mask
    scores = (2 * as2b + as2b + 2 * as2b) * split  # softmax output, its dropout mask, the dropout's output
    mlp = (2 * sbh * seq  # the first linear's input
           + 8 * sbh * split  # GeLU's input
           + 8 * sbh * split  # GeLU's output, the second linear's input
           + sbh * seq)  # the dropout's mask
    norms = 2 * 2 * sbh * seq  # the two LayerNorms' inputs
    if recompute == "selective":
        scores = 0.0  # recomputed in the backward pass
    return attention + scores + mlp + norms


def output_activation_bytes(cfg: ModelConfig, tokens: int, layout: Layout, dtype: str) -> float:
    """The final norm, the head's input and the loss's softmax (vocabulary-parallel when tp > 1)."""
    d, t = cfg.d_model, layout.tp
    mm, res = _act_dtype_bytes(dtype)
    norm = 3 * d * res + 4 if cfg.arch == "llama" else 2 * d * res + 8
    vocab = math.ceil(cfg.vocab_size / t)
    loss = vocab * (4 if dtype in ("bf16", "mixed") else mm) + (9 if t > 1 else 0)
    if layout.sequence_parallel:
        norm = norm / t + (d * res if layout.sp_save_gathered else 0)
    return tokens * (norm + loss)


def activation_bytes(cfg: ModelConfig, layout: Layout, batch: Batch) -> float:
    """Peak bytes saved for backward on the busiest rank: the micro-batches each chunk keeps in flight under
    the schedule, times what one micro-batch of that chunk saves."""
    return max(activation_bytes_by_stage(cfg, layout, batch))


def activation_bytes_by_stage(cfg: ModelConfig, layout: Layout, batch: Batch) -> list[float]:
    """`activation_bytes` of each pipeline rank (the same on every dp and tp rank of a stage)."""
    b = batch.global_batch_size // (layout.dp * layout.micro_batches)
    tokens, s = b * batch.seq_len, batch.seq_len
    p, v = layout.pp, layout.chunks_per_rank
    chunks = partition(cfg, p * v, s)
    in_flight = _in_flight_bounded(layout.schedule, p, layout.micro_batches, v)
    out = []
    for r in range(p):
        total = 0.0
        for k, c in enumerate(range(r, p * v, p)):
            per_micro = sum(layer_activation_bytes(cfg, tokens, s, layout, batch.dtype) for _ in chunks[c])
            if c == 0:
                per_micro += tokens * 8  # the token ids the embedding keeps
            if c == p * v - 1:
                per_micro += output_activation_bytes(cfg, tokens, layout, batch.dtype)
            total += per_micro * in_flight[r][k]
        out.append(total)
    return out


def memory(cfg: ModelConfig, layout: Layout, batch: Batch) -> dict[str, float]:
    """Bytes per rank (the largest rank): "params", "grads", "optimizer", "activations", "total"."""
    stages = stage_params(cfg, layout, batch.seq_len)
    held = max(s.total for s in stages)
    m = model_state_bytes(held, layout.zero, layout.dp, batch.dtype)
    m["activations"] = activation_bytes(cfg, layout, batch)
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


def process_memory(cfg: ModelConfig, layout: Layout, batch: Batch, stage: int | None = None, device: str = "cpu",
                   data_bytes: float = 0.0, saving: bool = False) -> dict[str, float]:
    """Peak bytes of one worker process of `layout` (of pipeline rank `stage`, or the largest), its parts:

    - "params", "grads", "optimizer", "activations": as `memory` (the rank's state, its saved tensors);
    - "temporaries": the most the step holds on top at once: in the backward pass, the loss's logits-sized
      gradients (LOSS_COPIES × tokens × vocabulary/tp), one layer's activation gradients (about what one layer
      saves for one micro-batch) and, with ZeRO-3, the gathered units; or, at the end of the backward pass
      (activations freed), the embedding's dense gradient; or, at the optimizer step, AdamW's foreach
      temporaries, one copy of the parameters it updates; or, when the run saves checkpoints (`saving`), the
      ZeRO stages' optimizer state (and ZeRO-3's parameters) gathered whole over dp for the save. The largest;
    - "build": what the process holds while it starts, before it cuts its part: the whole model in the
      parameters' dtype (built in fp32 and cast), with the initializer's two temporaries of the largest matrix.
      The peak is the larger of this and the training step;
    - "runtime": Python, torch and the communication backend (CPU_RUNTIME_BYTES), or the CUDA context;
    - "data": the token data held (on a CPU; the caller knows it);
    - "total": runtime + data + (1 + ALLOCATOR_SLACK) × max(build, state + activations + temporaries), what
      the metrics' `peak_mem_bytes` measures (peak RSS on a CPU, allocated memory plus the context on a GPU).
    """
    first_ranks = [s * layout.dp * layout.tp for s in (range(layout.pp) if stage is None else [stage])]
    by_rank = ranks_memory(cfg, layout, batch, first_ranks, device, data_bytes, saving)
    return max(by_rank.values(), key=lambda parts: parts["total"])


def ranks_memory(cfg: ModelConfig, layout: Layout, batch: Batch, ranks, device: str = "cpu",
                 data_bytes: float = 0.0, saving: bool = False) -> dict[int, dict[str, float]]:
    """`process_memory`'s parts for each of some global ranks (the ranks of a stage alike: the mesh is
    pp × dp × tp, tp innermost, so rank r is on stage r // (dp·tp))."""
    stages = stage_params(cfg, layout, batch.seq_len)
    acts = activation_bytes_by_stage(cfg, layout, batch)
    by_stage: dict[int, dict[str, float]] = {}
    out = {}
    for rank in ranks:
        s = rank // (layout.dp * layout.tp)
        if s not in by_stage:
            by_stage[s] = _stage_process_memory(cfg, layout, batch, s, stages[s], acts[s], device, data_bytes, saving)
        out[rank] = by_stage[s]
    return out


def _stage_process_memory(cfg: ModelConfig, layout: Layout, batch: Batch, r: int, st: StageParams, act: float,
                          device: str, data_bytes: float, saving: bool) -> dict[str, float]:
    t, dp, p = layout.tp, layout.dp, layout.pp
    e = _grad_bytes(batch.dtype)
    m = model_state_bytes(st.total, layout.zero, dp, batch.dtype)
    state = m["params"] + m["grads"] + m["optimizer"]
    b = batch.global_batch_size // (dp * layout.micro_batches)
    tokens = b * batch.seq_len
    mm, _ = _act_dtype_bytes(batch.dtype)
    backward = 0.0
    if r == p - 1:  # the loss: fp32 logits (or fp64), vocabulary-parallel over tp
        backward += LOSS_COPIES * tokens * math.ceil(cfg.vocab_size / t) * max(mm, 4)
    if st.layers:
        backward += layer_activation_bytes(cfg, tokens, batch.seq_len, layout, batch.dtype)
    if layout.zero == 3 and dp > 1:
        split, repl = _layer_params(cfg, t)
        table = math.ceil(cfg.vocab_size / t) * cfg.d_model + (cfg.max_seq_len * cfg.d_model if cfg.arch == "gpt2"
                                                               else 0)
        unit = max(split + repl if st.layers else 0, table if r in (0, p - 1) else 0)  # a block, or the embedding
        backward += ZERO3_UNITS * unit * e
    optimizer_step = st.total / (dp if layout.zero >= 1 else 1) * e
    save = 0.0
    if saving and layout.zero >= 1 and dp > 1:  # full_states(): the moments (and ZeRO-3's weights) gathered
        save = (3 if layout.zero == 3 else 2) * st.total * e
    # The embedding's gradient comes last in the backward pass, when the activations are gone: dense, before it is
    # added to the gradient buffer.
    last_grad = _largest_param(cfg, t) * e if r == 0 else 0.0
    temporaries = max(act + backward, last_grad, optimizer_step, save) - act
    if device == "cpu" and layout.zero >= 1 and dp > 1:
        temporaries += _gloo_gather_retained(cfg, layout, st, r, e)
    # e: the bytes of a weight (fp32 under bf16 autocast, as its gradient's)
    build = cfg.num_params() * max(4, e) + 2 * _largest_param(cfg) * 4
    if device != "cpu":  # the model is built on the host and moved to the device whole
        build = cfg.num_params() * e
        data_bytes = 0.0
    step = state + act + temporaries
    runtime = CPU_RUNTIME_BYTES if device == "cpu" else CUDA_RUNTIME_BYTES
    total = runtime + data_bytes + (1 + ALLOCATOR_SLACK) * max(build, step)
    return {"params": m["params"], "grads": m["grads"], "optimizer": m["optimizer"], "activations": act,
            "temporaries": temporaries, "build": build, "runtime": runtime, "data": data_bytes, "total": total,
            "stage": r}


def node_memory(cfg: ModelConfig, layout: Layout, batch: Batch, ranks: range | list[int] | None = None,
                launcher: bool = True, data_bytes: float = 0.0) -> float:
    """Bytes the CPU worker processes `ranks` (all of the layout's by default) need together at their peak, with
    the launching process when `launcher`: what one machine must have for them."""
    ranks = range(layout.world) if ranks is None else ranks
    processes = ranks_memory(cfg, layout, batch, ranks, data_bytes=data_bytes).values()
    return (CPU_LAUNCHER_BYTES if launcher else 0.0) + sum(parts["total"] for parts in processes)


def memory_need(cfg: ModelConfig, layout: Layout, batch: Batch, hw: Hardware) -> float:
    """What `hw.memory_bytes` must hold for the layout to fit: on a GPU, one device's tensors (`memory`); on a
    CPU, where the processes of a node share its memory, the most any node's processes need together, each
    process counted whole (`process_memory`: runtime and build included), with the launcher."""
    if not hw.cores:
        return memory(cfg, layout, batch)["total"]
    per_node = max(1, min(layout.world, hw.devices_per_node))
    return max(node_memory(cfg, layout, batch, range(k, min(k + per_node, layout.world)), launcher=layout.world > 1)
               for k in range(0, layout.world, per_node))


# --- communication ------------------------------------------------------------------------------------------


def _ar(n: int, size: float) -> float:
    return 2 * (n - 1) / n * size if n > 1 else 0.0


def _ag(n: int, size: float) -> float:
    return (n - 1) / n * size if n > 1 else 0.0


def comm_bytes(cfg: ModelConfig, layout: Layout, batch: Batch) -> dict[str, float]:
    """Bus bytes per step per rank on each axis (the busiest rank), as llmpar's communication module counts."""
    return {axis: max(per_rank[axis] for per_rank in _comm_by_stage(cfg, layout, batch)) for axis in ("dp", "tp", "pp")}


def _comm_by_stage(cfg: ModelConfig, layout: Layout, batch: Batch) -> list[dict[str, float]]:
    dp, t, p, m, v = layout.dp, layout.tp, layout.pp, layout.micro_batches, layout.chunks_per_rank
    e = _grad_bytes(batch.dtype)
    mm, res = _act_dtype_bytes(batch.dtype)
    b = batch.global_batch_size // (dp * m)
    bsh = b * batch.seq_len * cfg.d_model
    norm = 8  # the squared gradient norm's all-reduce (one fp64 number) on each axis it spans
    out = []
    for r, s in enumerate(stage_params(cfg, layout, batch.seq_len)):
        grads = s.total * e
        # Data parallelism: one all-reduce, or a reduce-scatter (per micro-batch for stage 2) and an all-gather.
        if layout.zero == 0:
            dpb = _ar(dp, grads)
        elif layout.zero == 1:
            dpb = 2 * _ag(dp, grads) + _ar(dp, norm)
        elif layout.zero == 2:
            dpb = (m + 1) * _ag(dp, grads) + _ar(dp, norm)
        else:  # gathered for forward and again for backward, reduce-scattered, per micro-batch
            dpb = m * (3 * _ag(dp, grads) - _ag(dp, s.embedding_only_unit * e)) + _ar(dp, norm)
        # Tensor parallelism: per layer and micro-batch, 2 all-reduces forward and 2 backward; with SP, as many
        # all-gathers and reduce-scatters, plus the re-gathers of the saved shards; the embedding, the head and
        # the vocabulary-parallel loss (3 numbers per token).
        n_layers = len(s.layers)
        first, last = r == 0, r == p - 1
        tpb = 0.0
        if t > 1:
            if layout.sequence_parallel:
                per_layer = 8 if layout.sp_save_gathered else 10
                # the embedding: reduce-scatter forward, all-gather backward; the head: all-gather forward,
                # reduce-scatter backward (and the re-gather of its saved shard)
                ends = (2 if first else 0) + ((2 if layout.sp_save_gathered else 3) if last else 0)
                tpb = m * (per_layer * n_layers + ends) * _ag(t, bsh * mm)
                sp_partial = s.replicated - (cfg.max_seq_len * cfg.d_model if cfg.arch == "gpt2" and first else 0)
                tpb += _ar(t, sp_partial * e)  # SP makes the replicated parameters' gradients partial
            else:
                ends = (1 if first else 0) + (1 if last else 0)
                tpb = m * (4 * n_layers + ends) * _ar(t, bsh * mm)
            if last:
                tpb += m * _ar(t, 3 * b * batch.seq_len * max(mm, 4))  # max, sum of exponentials, target logit
            tpb += _ar(t, norm)
        # Pipeline: each micro-batch's activation forward and its gradient backward across every chunk boundary
        # this rank touches (a sequence shard with SP); a tied embedding's gradient summed by its two ends.
        ppb = 0.0
        if p > 1:
            chunks = [c for c in range(r, p * v, p)]
            boundaries = sum((c > 0) + (c < p * v - 1) for c in chunks)
            act = bsh * res / (t if layout.sequence_parallel else 1)
            ppb = 2 * boundaries * m * act + _ar(p, norm)
            if s.tied:
                tied = s.tied * e / (dp if layout.zero >= 2 else 1)
                ppb += _ar(2, tied)
        out.append({"dp": dpb, "tp": tpb, "pp": ppb})
    return out


# --- FLOPs --------------------------------------------------------------------------------------------------


def model_flops_per_step(cfg: ModelConfig, batch: Batch) -> float:
    """6N + 12·L·d·s per token (PaLM's count, the one llmpar's MFU uses), times the tokens of a step."""
    return cfg.flops_per_token(batch.seq_len) * batch.global_batch_size * batch.seq_len


def hardware_flops_per_step(cfg: ModelConfig, layout: Layout, batch: Batch) -> float:
    """Model FLOPs plus what recomputation adds: a whole forward again (full), or the attention core
    (selective: the s² part, Korthikanti et al. 2022)."""
    tokens = batch.global_batch_size * batch.seq_len
    extra = 0.0
    if layout.recompute == "full":
        extra = cfg.flops_per_token(batch.seq_len) / 3
    elif layout.recompute == "selective":
        extra = 4.0 * cfg.n_layers * cfg.d_model * batch.seq_len
    return model_flops_per_step(cfg, batch) + extra * tokens


@dataclass
class Estimate:
    layout: Layout
    micro_batch_size: int
    step_time_s: float
    tokens_per_s: float
    tflops_per_gpu: float
    mfu: float | None
    memory_bytes: dict[str, float]
    comm_bytes: dict[str, float]
    bubble_fraction: float
    fits: bool
    parts: dict[str, float] = field(default_factory=dict)  # seconds: compute, exposed comm per axis, optimizer
    timeline: list | None = field(default=None, repr=False)

    def as_json(self) -> dict:
        return {**self.layout.as_metrics(), "micro_batch_size": self.micro_batch_size,
                "step_time_s": self.step_time_s, "tokens_per_s": self.tokens_per_s,
                "tflops_per_gpu": self.tflops_per_gpu, "mfu": self.mfu,
                "memory_bytes": {k: int(v) for k, v in self.memory_bytes.items()},
                "comm_bytes": {k: int(v) for k, v in self.comm_bytes.items()},
                "bubble_fraction": self.bubble_fraction, "fits": self.fits}


# --- time ---------------------------------------------------------------------------------------------------

# Operations dispatched (ATen calls, views included) by one block, and by the output layer with the loss,
# forward and backward, counted with a TorchDispatchMode on llmpar's modules (tests/test_cost_model.py
# recounts them). On a CPU each costs the dispatch overhead whatever its size.
OPS = {"llama": {"layer": (75, 143), "output": (16, 33), "embed": (1, 2)},
       "gpt2": {"layer": (39, 97), "output": (10, 18), "embed": (4, 6)}}


@dataclass
class ChunkCost:
    """Seconds of one micro-batch through one chunk: forward, backward (input and weight parts). Each includes
    the collectives on its critical path; `wait_F` and `wait_B` are those parts (a rank waiting on a
    collective computes nothing, which matters where processes share cores)."""
    F: float
    B: float  # the whole backward (1F1B, GPipe), or its input-gradient half with W (zero bubble)
    W: float = 0.0
    wait_F: float = 0.0
    wait_B: float = 0.0


def _collective_time(hw: Hardware, kind: str, bus: float, n: int, span: int, world: int = 0) -> float:
    """Seconds of one collective over n ranks spanning `span` global ranks, in a job of `world` processes."""
    on_node = min(world, hw.devices_per_node) if hw.cores else 0
    return hw.link(span, on_node).time(kind, bus, n) if n > 1 or kind == "p2p" else 0.0


def chunk_costs(cfg: ModelConfig, layout: Layout, batch: Batch, hw: Hardware, layers: int, first: bool,
                last: bool, software: Software = LLMPAR, sharing: int | None = None) -> ChunkCost:
    """A roofline per micro-batch: matmul FLOPs at the matmul rate, elementwise bytes at the memory rate, a
    dispatch cost per operation, and the tensor-parallel collectives (which wait on the critical path).
    `sharing`: on a CPU, how many processes share the node's cores (by default all of the job's)."""
    t, dtype = layout.tp, batch.dtype
    b = batch.global_batch_size // (layout.dp * layout.micro_batches)
    s = batch.seq_len
    tokens = b * s
    procs = (sharing or min(layout.world, hw.devices_per_node)) if hw.cores else 1
    rate = hw.matmul_rate(_compute_dtype(dtype), procs)
    stream = hw.stream_rate(procs)
    d, hd = cfg.d_model, cfg.head_dim
    ops = OPS[cfg.arch]
    mm_bytes, _ = _act_dtype_bytes(dtype)

    # Forward FLOPs of one block on this rank: weights (2 per weight per token) and causal attention (half of
    # the 4·s·d per token of scores and weighted sum).
    split, _ = _layer_params(cfg, t)
    # Fused attention skips the masked half, at its own rate (a fraction of the matmul rate, which `llmpar
    # calibrate` measures); a materialized one computes all of it as matmuls, and streams the s × s scores
    # through memory about six times forward (scores, scale-mask-softmax in and out, dropout in, out and mask,
    # the weighted sum) and twice that backward.
    attention = 2 * tokens * s * cfg.n_heads * hd / t * (1 if software.flash_attention else 2)
    attention_rate = rate * (hw.attention_efficiency if software.flash_attention else 1.0)
    weights = 2 * tokens * split
    plain = Layout(tp=t, sequence_parallel=layout.sequence_parallel, sp_save_gathered=layout.sp_save_gathered)
    # Elementwise work: every saved tensor is written once and read about twice forward (norms, RoPE,
    # activations, residuals), twice that backward.
    layer_stream = 3 * layer_activation_bytes(cfg, tokens, s, plain, dtype)
    if not software.flash_attention:
        layer_stream += 6 * b * cfg.n_heads / t * s * s * mm_bytes
    fwd = layers * (weights / rate + attention / attention_rate + layer_stream / stream
                    + ops["layer"][0] * hw.op_overhead)
    bwd_in = layers * (weights / rate + 2 * attention / attention_rate + 2 * layer_stream / stream
                       + ops["layer"][1] * hw.op_overhead)
    bwd_w = layers * weights / rate
    if first:
        fwd += tokens * d * mm_bytes / stream + ops["embed"][0] * hw.op_overhead
        bwd_in += tokens * d * mm_bytes / stream + ops["embed"][1] * hw.op_overhead
    if last:
        vocab = math.ceil(cfg.vocab_size / t)
        head_flops = 2 * tokens * d * vocab
        out_stream = 3 * output_activation_bytes(cfg, tokens, plain, dtype)
        fwd += head_flops / rate + out_stream / stream + ops["output"][0] * hw.op_overhead
        bwd_in += head_flops / rate + 2 * out_stream / stream + ops["output"][1] * hw.op_overhead
        bwd_w += head_flops / rate
    # Tensor-parallel collectives of this chunk (the same counts as comm_bytes, split forward/backward).
    wait_f = wait_b = 0.0
    if t > 1:
        act = tokens * d * mm_bytes
        if layout.sequence_parallel:
            ag = _collective_time(hw, "all_gather", _ag(t, act), t, t, layout.world)
            rs = _collective_time(hw, "reduce_scatter", _ag(t, act), t, t, layout.world)
            regather = 0 if layout.sp_save_gathered else 2 * ag
            wait_f += layers * 2 * (ag + rs)
            wait_b += layers * (2 * (ag + rs) + regather)
        else:
            ar = _collective_time(hw, "all_reduce", _ar(t, act), t, t, layout.world)
            wait_f += layers * 2 * ar + (ar if first else 0.0)
            wait_b += layers * 2 * ar + (ar if last else 0.0)
        if last:
            wait_f += 3 * _collective_time(hw, "all_reduce", _ar(t, tokens * 4), t, t, layout.world)
    fwd += wait_f
    bwd_in += wait_b
    # Recomputation runs (part of) the forward again inside the backward.
    if layout.recompute == "full":
        bwd_in += fwd
    elif layout.recompute == "selective":
        bwd_in += layers * (attention / attention_rate + (0 if software.flash_attention else
                                                6 * b * cfg.n_heads / t * s * s * mm_bytes / stream))
    if layout.recompute == "full":
        wait_b += wait_f
    if layout.schedule == "zb":
        return ChunkCost(F=fwd, B=bwd_in, W=bwd_w, wait_F=wait_f, wait_B=wait_b)
    return ChunkCost(F=fwd, B=bwd_in + bwd_w, wait_F=wait_f, wait_B=wait_b)


def estimate(cfg: ModelConfig, layout: Layout, batch: Batch, hw: Hardware, keep_timeline: bool = False,
             software: Software = LLMPAR, simulate: bool = True) -> Estimate:
    """Predict one optimizer step of `layout`: its time (and bubble) by simulating the schedule, its memory and
    its traffic. With simulate=False the pipeline's time is its busiest rank's compute alone, with no bubble: a
    lower bound, which the planner uses to skip the simulation of layouts that cannot win."""
    p, v, m, t, dp = layout.pp, layout.chunks_per_rank, layout.micro_batches, layout.tp, layout.dp
    s_len = batch.seq_len
    b = batch.global_batch_size // (dp * m)
    chunks = partition(cfg, p * v, s_len)
    # More processes than cores: the computations running at a moment share the cores (a rank idle in the
    # bubble gives its core to a busy one), so the schedule is simulated with processor sharing, from durations
    # at one core's speed.
    oversubscribed = bool(hw.cores) and min(layout.world, hw.devices_per_node) > hw.cores
    costs = [chunk_costs(cfg, layout, batch, hw, len(chunks[c]), c == 0, c == p * v - 1, software,
                         sharing=hw.cores if oversubscribed else None) for c in range(p * v)]
    _, res = _act_dtype_bytes(batch.dtype)
    transfer = 0.0
    if p > 1:
        act = b * s_len * cfg.d_model * res / (t if layout.sequence_parallel else 1)
        transfer = _collective_time(hw, "p2p", act, 2, dp * t * 2, layout.world)

    def duration(rank: int, action) -> float:
        c = costs[action.chunk]
        return {"F": c.F, "B": c.B, "W": c.W}[action.kind]

    if simulate:
        s = _schedule(layout.schedule, p, m, v)
        if oversubscribed:
            def work_and_wait(rank: int, action):
                c = costs[action.chunk]
                wait = {"F": c.wait_F, "B": c.wait_B, "W": 0.0}[action.kind]
                return duration(rank, action) - wait, wait
            timeline = sched.simulate_shared(s, work_and_wait, transfer, hw.cores, dp * t)
        else:
            timeline = sched.simulate(s, duration, transfer=transfer)
        pipeline_time = max(tl[-1][2] for tl in timeline if tl)
        bubble = sched.bubble_fraction(timeline) if p > 1 else 0.0
    else:
        timeline, bubble = None, 0.0
        pipeline_time = m * max(sum(costs[c].F + costs[c].B + costs[c].W for c in range(r, p * v, p))
                                for r in range(p))
        if oversubscribed:  # and the cores bound all the ranks' work
            work = sum(c.F + c.B + c.W - c.wait_F - c.wait_B for c in costs)
            pipeline_time = max(pipeline_time, m * work * dp * t / hw.cores)

    # After the pipeline: the data-parallel reductions the backward pass did not hide, the cross-stage sums, the
    # optimizer. A CPU's collectives run on the cores that compute, so nothing overlaps there.
    e = _grad_bytes(batch.dtype)
    stages = stage_params(cfg, layout, s_len)
    comm = comm_bytes(cfg, layout, batch)
    dp_span = dp * t
    procs = min(layout.world, hw.devices_per_node) if hw.cores else 0
    worst = 0.0
    parts = {}
    for r, st in enumerate(stages):
        grads = st.total * e
        buckets = max(1, math.ceil(grads / BUCKET_BYTES))
        last_backward = sum(costs[c].B + costs[c].W for c in range(r, p * v, p))
        overlap = last_backward if software.overlap_dp and not hw.cores else 0.0
        if layout.zero == 0:
            reduce = _collective_time(hw, "all_reduce", _ar(dp, grads), dp, dp_span, layout.world)
            reduce += (buckets - 1) * 2 * (dp - 1) * hw.link(dp_span, procs).latency["all_reduce"]
            dp_time = max(reduce / buckets, reduce - overlap) if dp > 1 else 0.0
        elif layout.zero in (1, 2):
            rs = _collective_time(hw, "reduce_scatter", _ag(dp, grads), dp, dp_span, layout.world)
            ag = _collective_time(hw, "all_gather", _ag(dp, grads), dp, dp_span, layout.world)
            extra = (m - 1) * rs if layout.zero == 2 else 0.0  # a reduce-scatter per earlier micro-batch
            dp_time = max(rs / buckets, rs - overlap) + ag + (extra if hw.cores else 0.0)
        else:
            gather = _collective_time(hw, "all_gather", _ag(dp, grads), dp, dp_span, layout.world)
            rs = _collective_time(hw, "reduce_scatter", _ag(dp, grads), dp, dp_span, layout.world)
            total = m * (2 * gather + rs)
            compute = sum(costs[c].F + costs[c].B + costs[c].W for c in range(r, p * v, p)) * m
            dp_time = total if hw.cores else max(total / max(1, len(st.layers)), total - compute)
        shard = st.total / (dp if layout.zero >= 1 else 1)
        optimizer = (shard * e * 16 / hw.stream_rate(max(1, procs))  # AdamW reads p, g, m, v and writes p, m, v, norms
                     + (4 * len(st.layers) + 4) * 12 * hw.op_overhead)
        tied = _collective_time(hw, "all_reduce", _ar(2, st.tied * e), 2, layout.world, layout.world) if st.tied else 0.0
        total_r = dp_time + optimizer + tied
        if total_r > worst:
            worst, parts = total_r, {"dp_exposed": dp_time, "optimizer": optimizer, "tied_sum": tied}
    step = pipeline_time + worst
    tokens = batch.global_batch_size * s_len
    flops = hardware_flops_per_step(cfg, layout, batch)
    tflops = flops / step / layout.world / 1e12
    peak = hw.peak_flops.get(_compute_dtype(batch.dtype))
    mfu = model_flops_per_step(cfg, batch) / step / layout.world / peak if peak and not hw.cores else None
    mem = memory(cfg, layout, batch)
    parts = {"pipeline": pipeline_time, **parts}
    return Estimate(layout=layout, micro_batch_size=b, step_time_s=step, tokens_per_s=tokens / step,
                    tflops_per_gpu=tflops, mfu=mfu, memory_bytes=mem, comm_bytes=comm, bubble_fraction=bubble,
                    fits=memory_need(cfg, layout, batch, hw) <= hw.memory_bytes, parts=parts, timeline=timeline if keep_timeline else None)

"""Context parallelism (`--cp n`): what splitting every sequence over n ranks costs one rank, per layer and
micro-batch (docs/context-parallel.md gives the operators; docs/cost-model.md the formulas and their sources).

Each rank keeps b = B/(dp·M) sequences per micro-batch but L = S/n tokens of each (the balanced split: 2n chunks
of c = S/(2n), rank r holding chunks r and 2n−1−r). Everything per token is as without context parallelism, with L
tokens instead of S (`local_tokens`). Attention is the exception: a query attends every earlier key of its
sequence, so the ranks exchange keys and values (`layer_bytes`), and the work of each rank (`attention_scores`)
depends on how:

- "ring": the key/value blocks travel around the ring (n − 1 passes forward; in the backward the blocks again and
  their gradient accumulators, n − 1 passes each). With explicit matmuls (llmpar off a CPU) each visible
  rectangle is computed whole, masked scores included: 2c²(n+1) scores per sequence and local head, (n+1)/n times
  the causal half a single process computes per rank; a fused kernel per block (torch's CPU flash kernel, which
  llmpar uses on a CPU; TransformerEngine's: `Software.fused_ring`) skips the masked ones: the causal share.
- "all-to-all" (DeepSpeed-Ulysses): four all-to-alls forward and four backward trade heads for sequence (and in
  the backward a fifth, small one: llmpar's kernel keeps one output, not two, and sends rowsum(dO ∘ O) instead);
  each rank attends the whole sequence with H/(t·n) heads, through the same fused kernel a single process uses.
- "all-gather": the keys and values all-gathered forward and their gradients reduce-scattered backward (Llama 3's
  context parallelism, Dubey et al. 2024, section 3.3.2). Not a mode of `llmpar train`: the published rows use it.
"""

from __future__ import annotations

from llmpar.layout import Layout
from llmpar.model.config import ModelConfig
from llmpar.plan.cost.values import BYTES

MODES = ("ring", "all-to-all", "all-gather")  # what the cost model prices (llmpar.layout.CP_MODES: what train runs)


def local_tokens(layout: Layout, seq_len: int) -> int:
    """Tokens of each sequence a rank holds: S / cp (the whole sequence without context parallelism)."""
    return seq_len // layout.cp


def acc_bytes(dtype: str) -> int:
    """Bytes of an element the ring keeps in at least fp32: its running output, its log-sum-exp and the key/value
    gradient accumulators that travel (context_parallel.py: `torch.promote_types(dtype, float32)`)."""
    return max(BYTES[dtype], 4)


def kv_block_bytes(cfg: ModelConfig, layout: Layout, b: int, seq_len: int, e: int) -> float:
    """One rank's keys and values of a micro-batch on one tp rank: 2·b·(Hkv/t)·L·D elements of `e` bytes."""
    return 2 * b * cfg.n_kv_heads / layout.tp * local_tokens(layout, seq_len) * cfg.head_dim * e


def layer_bytes(cfg: ModelConfig, layout: Layout, b: int, seq_len: int, dtype: str) -> tuple[float, float]:
    """(forward, backward) bus bytes one rank moves on the cp axis per layer and micro-batch, as llmpar's
    communication module counts them (a send of X counts X, a receive X; an all-to-all of an X-byte input over n
    ranks (n−1)/n·X; an all-gather or a reduce-scatter of an X-byte whole (n−1)/n·X).

    ring:        forward (n−1)·KV sent and as much received; backward (n−1)·(KV + KVacc) each way
    all-to-all:  forward q, k, v and the output, (n−1)/n · 2·b·L·D·e·(H + Hkv)/t; backward the same, and
                 rowsum(dO ∘ O) per query, (n−1)/n · b·L·(H/t)·e' (e' = max(e, 4); llmpar's fused CPU path, which
                 keeps one output; elsewhere autograd's path does not send it: 1/(8D) of the bytes over-predicted)
    all-gather:  forward (n−1)·KV (the keys and values gathered), backward (n−1)·KV (their gradients scattered)
    """
    n = layout.cp
    if n == 1:
        return 0.0, 0.0
    e = BYTES[dtype]
    kv = kv_block_bytes(cfg, layout, b, seq_len, e)
    if layout.cp_mode == "ring":
        kv_acc = kv_block_bytes(cfg, layout, b, seq_len, acc_bytes(dtype))
        return 2 * (n - 1) * kv, 2 * (n - 1) * (kv + kv_acc)
    if layout.cp_mode == "all-to-all":
        heads = (cfg.n_heads + cfg.n_kv_heads) / layout.tp
        moved = (n - 1) / n * 2 * b * local_tokens(layout, seq_len) * cfg.head_dim * e * heads
        delta = (n - 1) / n * b * local_tokens(layout, seq_len) * cfg.n_heads / layout.tp * acc_bytes(dtype)
        return moved, moved + delta
    if layout.cp_mode == "all-gather":
        return (n - 1) * kv, (n - 1) * kv
    raise ValueError(f"cp_mode {layout.cp_mode!r}: the cost model prices {', '.join(MODES)}")


def forward_again(layout: Layout) -> bool:
    """Whether the backward pass runs a block's context-parallel attention forward again: with full recomputation
    (the whole block runs again). Selective recomputation leaves the context-parallel core alone: ring attention
    keeps only q, k, v, its output and the log-sum-exp already, so there is nothing to gain."""
    return layout.cp > 1 and layout.recompute == "full"


def recomputes_core(layout: Layout) -> bool:
    """Whether `--recompute selective` recomputes the attention core: without context parallelism only."""
    return layout.cp == 1


def attention_scores(cfg: ModelConfig, layout: Layout, b: int, seq_len: int, fused_ring: bool) -> float:
    """Query·key scores one rank's forward computes per layer and micro-batch, counted as the cost model counts a
    single process's fused causal attention: its causal half, b·(H/t)·S²/2. With context parallelism:

    ring, explicit matmuls (llmpar): every visible rectangle whole, 2c²(n+1) per sequence and local head (the own
    block 2c × 2c masked, each other rank's block half: 2c × c or c × 2c): (n+1)/n times the causal share;
    ring, fused per block (`fused_ring`), all-to-all (the whole sequence for H/(t·n) heads) and all-gather (the
    rank's queries against the gathered prefix): the causal share, b·(H/t)·S²/(2n).
    """
    heads = b * cfg.n_heads / layout.tp
    n = layout.cp
    if n == 1 or layout.cp_mode != "ring" or fused_ring:
        return heads * seq_len * seq_len / (2 * n)
    c = seq_len / (2 * n)
    return heads * 2 * c * c * (n + 1)


def ring_steps(n: int, fused_ring: bool) -> list[float]:
    """The share of a rank's ring attention done at each of its n steps: its own block first, then n − 1 blocks
    of which half is visible (2c² scores each). The own block is 2c × 2c: 4c² scores computed by explicit matmuls,
    its causal half 2c² by a fused kernel."""
    own = 2 if fused_ring else 4
    total = own + 2 * (n - 1)
    return [own / total] + [2 / total] * (n - 1)


def backward_temporaries(
    cfg: ModelConfig, layout: Layout, b: int, seq_len: int, dtype: str, fused_ring: bool, repeats: bool = False
) -> float:
    """Bytes a layer's context-parallel attention holds in its backward pass beyond what a single process's
    attention holds there (one layer's activation gradients, `footprint.process_memory`), at its worst step:

    ring: the stacked key/value block and the next one arriving (2·KV), the rank's own accumulator, the step's, the
    one arriving and the one still leaving (4·KVacc), and, computed by explicit matmuls, three score-sized tensors
    of the own block (the probabilities, dO·Vᵀ and dS: 3·b·(H/t)·L² in at least fp32; a fused kernel keeps none),
    or, on llmpar's fused CPU kernel (`repeats`), the block's keys and values repeated to the query heads and their
    gradients at that size before they are summed (2·KV·H/Hkv);
    all-gather: the whole sequence's keys and values gathered, and their gradients (2·n·KV);
    all-to-all: nothing beyond: its buffers have the sizes of a single process's q, k, v and output."""
    n = layout.cp
    if n == 1 or layout.cp_mode == "all-to-all":
        return 0.0
    e, acc = BYTES[dtype], acc_bytes(dtype)
    kv = kv_block_bytes(cfg, layout, b, seq_len, e)
    if layout.cp_mode == "all-gather":
        return 2 * n * kv
    L = local_tokens(layout, seq_len)
    scores = 0.0 if fused_ring else 3 * b * cfg.n_heads / layout.tp * L * L * acc
    group = cfg.n_heads // cfg.n_kv_heads
    repeated = 2 * kv * group if repeats and group > 1 else 0.0
    return 2 * kv + 4 * kv_block_bytes(cfg, layout, b, seq_len, acc) + scores + repeated

"""Context parallelism: the sequence of every micro-batch split across the n ranks of a group, and the two exact
causal attention operators that let each rank hold only its part (docs/context-parallel.md explains the
algorithms, the masks and the bytes).

    chunk_positions / shard_sequence / unshard_sequence
                        the load-balanced causal split: 2n equal chunks, rank r holds chunks r and 2n-1-r
    ring_attention      keys and values travel around the ring; each rank attends its queries to each block in
                        turn and merges the partial results by their log-sum-exp (no head count constraint)
    all_to_all_attention
                        (Ulysses) an all-to-all trades heads for sequence, every rank attends the whole sequence
                        with 1/n of the heads, and the inverse all-to-all brings its tokens back

Everything outside attention (norms, MLP, projections) is per token: it runs on a rank's tokens unchanged. Only
attention needs the other ranks' keys and values.

The operators take a `CPComm` (the process group, this rank's index, n, a byte counter and a watch) rather than
llmpar's mesh; `apply_context_parallel` makes one from the mesh's cp axis and puts the operators in the model:

    every attention core      -> ContextParallelCore (ring or all-to-all) on this rank's tokens
    every attention's RoPE,   -> the angles (and learned positions) of this rank's global positions,
    the learned positions        `chunk_positions`, not 0 .. L-1

The data (each rank's tokens and targets, `shard_sequence`), the loss (a sum over every rank's tokens) and the
gradient reduction over dp × cp (the mesh's "dp_cp" group) are the trainer's and the data-parallel engine's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from llmpar.bus import bus_bytes
from llmpar.errors import UserError
from llmpar.parallel.cp_plan import heads_reason, seq_len_reason
from llmpar.parallel.tp_mappings import conjugate

if TYPE_CHECKING:
    from llmpar.comm import Comm
    from llmpar.model.transformer import Transformer

# Message tags: the key/value blocks and the gradient accumulators of the ring travel between the same two ranks,
# each in its own ordered stream.
_KV_TAG, _DKV_TAG = 0, 1


# --- the load-balanced causal split ---------------------------------------------------------------------------


def check_seq_len(seq_len: int, n: int) -> None:
    """The split cuts a sequence into 2n equal chunks (n = 1 keeps it whole): a UserError if it cannot."""
    why = seq_len_reason(seq_len, n)
    if why is not None:
        raise UserError(why)


def check_all_to_all_heads(n_heads: int, n_kv_heads: int, n: int, tp: int = 1) -> None:
    """All-to-all attention gives each rank 1/n of the query heads and of the key/value heads (of those its
    tensor-parallel rank holds)."""
    why = heads_reason(n_heads, n_kv_heads, n, tp)
    if why is not None:
        raise UserError(why)


def chunk_positions(seq_len: int, n: int, rank: int) -> torch.Tensor:
    """The global positions of rank `rank`'s tokens, in its local order: chunks `rank` and 2n-1-`rank` of 2n.

    Under a causal mask the token at position p attends p+1 keys, so a contiguous split would give the last rank
    almost 2n-1 times the work of the first. Pairing chunk r (early, cheap) with chunk 2n-1-r (late, costly) gives
    every rank the same work (Megatron's and TransformerEngine's load balancing). The positions increase along the
    local order, which the ring relies on (see `_visible_block`).
    """
    if not 0 <= rank < n:
        raise ValueError(f"rank {rank} is not in a group of {n}")
    check_seq_len(seq_len, n)
    if n == 1:
        return torch.arange(seq_len)
    c = seq_len // (2 * n)
    return torch.cat((torch.arange(rank * c, (rank + 1) * c), torch.arange((2 * n - 1 - rank) * c, (2 * n - rank) * c)))


def shard_sequence(x: torch.Tensor, n: int, rank: int, dim: int) -> torch.Tensor:
    """The tokens of rank `rank` (its two chunks, in its local order) of a full-sequence tensor."""
    return x.index_select(dim, chunk_positions(x.size(dim), n, rank).to(x.device))


def unshard_sequence(parts: list[torch.Tensor], n: int, dim: int) -> torch.Tensor:
    """The full-sequence tensor from every rank's part (rank order): the inverse of `shard_sequence`."""
    if len(parts) != n:
        raise ValueError(f"{len(parts)} parts for a group of {n}")
    if n == 1:
        return parts[0]
    halves = [part.chunk(2, dim=dim) for part in parts]  # (chunk r, chunk 2n-1-r) of each rank r
    return torch.cat([h[0] for h in halves] + [h[1] for h in reversed(halves)], dim=dim)


# --- communication ------------------------------------------------------------------------------------------------


def _ignore(kind: str, nbytes: float) -> None:
    pass


def _call(fn: Callable[[], object], what: str) -> object:
    return fn()


@dataclass
class CPComm:
    """What the operators need of a context-parallel group, and where they report what they move.

    `count(kind, nbytes)` is called once per transfer, in llmpar's bus-bytes convention (llmpar/bus.py):

        "send", "recv"   a point-to-point transfer of S bytes     S
        "all_to_all"     of a tensor of S bytes over n ranks      (n-1)/n · S  (the 1/n that stays is not moved)

    `scores` counts the query·key dot products this rank's attention computed (summed over batch rows and heads):
    the work that context parallelism shares out, and that the balanced split keeps equal across ranks. Ring
    attention counts its blocks' rectangles, forward and again in the backward, which recomputes them; all-to-all
    attention the S × S scores of its heads, forward (its backward is autograd's, through the same kernel).
    """

    group: dist.ProcessGroup | None  # None: the default group
    rank: int  # this rank's index in the group
    n: int
    count: Callable[[str, float], None] = _ignore
    scores: dict[str, int] = field(default_factory=lambda: {"forward": 0, "backward": 0})
    # Runs each blocking call (posting a transfer, waiting for one, an all-to-all) as watch(fn, what): in training,
    # llmpar's `Comm.watch`, so that a peer that never answers fails the job with a message naming it.
    watch: Callable[[Callable[[], object], str], object] = _call

    def _global(self, index: int) -> int:
        return index if self.group is None else dist.get_global_rank(self.group, index)

    def isend(self, t: torch.Tensor, to: int, tag: int):
        self.count("send", t.numel() * t.element_size())
        dst = self._global(to)
        what = f"send to rank {dst}"
        work = self.watch(lambda: dist.isend(t, dst=dst, group=self.group, tag=tag), what)
        return None if work is None else _Watched(work, self.watch, what)

    def receive(self, like: torch.Tensor, source: int, tag: int) -> Callable[[], torch.Tensor]:
        """Start receiving a tensor shaped as `like` from the `source`-th rank; returns a function that waits for
        it and returns it."""
        received = torch.empty_like(like)
        self.count("recv", received.numel() * received.element_size())
        src = self._global(source)
        what = f"receive from rank {src}"
        work: Any = self.watch(lambda: dist.irecv(received, src=src, group=self.group, tag=tag), what)

        def wait() -> torch.Tensor:
            if work is not None:
                self.watch(work.wait, what)
            return received

        return wait

    def ring_pass(self, t: torch.Tensor, tag: int) -> Callable[[], torch.Tensor]:
        """Start sending `t` to the next rank of the ring and receiving the previous rank's; returns a function
        that waits for both and returns what was received. Issued before the compute, waited after it."""
        sending = self.isend(t, (self.rank + 1) % self.n, tag)
        receiving = self.receive(t, (self.rank - 1) % self.n, tag)

        def wait() -> torch.Tensor:
            if sending is not None:
                sending.wait()
            return receiving()

        return wait

    def all_to_all(self, x: torch.Tensor) -> torch.Tensor:
        """x (n, ...): slot j goes to rank j; returns (n, ...) whose slot j came from rank j."""
        x = x.contiguous()
        out = torch.empty_like(x)
        self.count("all_to_all", bus_bytes("all_to_all", x.numel() * x.element_size(), self.n))
        self.watch(lambda: dist.all_to_all_single(out, x, group=self.group), "all_to_all")
        return out


class _Watched:
    """A posted transfer whose wait runs under the communicator's watch."""

    __slots__ = ("watch", "what", "work")

    def __init__(self, work, watch, what: str):
        self.work, self.watch, self.what = work, watch, what

    def wait(self):
        return self.watch(self.work.wait, self.what)


# --- attention on one block of queries and keys -----------------------------------------------------------------
#
# q (B, H, Lq, D) against one key/value block k, v (B, Hkv, Lk, D): the block's output normalised within the block
# and its log-sum-exp of the scores, (B, H, Lq). Two kernels compute the same thing:
#
#   fused      torch's CPU flash-attention operator (`_scaled_dot_product_flash_attention_for_cpu` and its
#              backward), which returns the log-sum-exp and takes it back: no Lq × Lk matrix is materialised. It
#              knows two masks only, none and causal (square, from the top left), which are the two the balanced
#              split needs: a rank's own block is causal in its local order, every other visible block is full.
#              Keys and values are repeated to the query heads for it (GQA), inside the rank, never on the wire.
#   explicit   matmuls, with the queries grouped as (B, Hkv, G, Lq, D), G = H / Hkv, query head h = kvh·G + g (the
#              order of repeat_interleave, and of scaled_dot_product_attention's enable_gqa): any mask, any
#              device. Used where the fused operator does not apply (not a CPU, or a mask that is not causal).

_FLASH: Any = getattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu", None)
_FLASH_BACKWARD: Any = getattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu_backward", None)


def _fused(q: torch.Tensor, mask: torch.Tensor | None) -> bool:
    """Whether the fused CPU kernel computes this block: on a CPU, with no mask or the causal one."""
    if _FLASH is None or q.device.type != "cpu" or q.dtype not in (torch.float32, torch.float64, torch.bfloat16):
        return False
    return mask is None or (mask.size(0) == mask.size(1) and bool(torch.equal(mask, torch.ones_like(mask).tril())))


def _repeat(kv: torch.Tensor, group: int) -> torch.Tensor:
    return kv if group == 1 else kv.repeat_interleave(group, dim=1)


def _grouped(x: torch.Tensor, kv_heads: int) -> torch.Tensor:
    """(B, H, L, ...) -> (B, Hkv, G, L, ...)."""
    return x.reshape(x.size(0), kv_heads, x.size(1) // kv_heads, *x.shape[2:])


def _scores(qg, k, mask, scale):
    """qg (B, Hkv, G, Lq, D), k (B, Hkv, Lk, D) -> scale · q kᵀ (B, Hkv, G, Lq, Lk), -inf where masked."""
    s = (qg @ k.unsqueeze(2).transpose(-1, -2)) * scale
    return s if mask is None else s.masked_fill(~mask, float("-inf"))


def attend_masked(q, k, v, mask, scale):
    """Attention of q (B, H, Lq, D) to one key/value block k, v (B, Hkv, Lk, D) where a per-sequence `mask`
    (B, Lq, Lk) allows (generation's prompts, left-padded), as `_attend` gives it: the output normalised within the
    block, in at least fp32, and the log-sum-exp (B, H, Lq); a query that sees no key of the block gives 0 and
    -inf. The fused kernel takes the mask as an additive bias; elsewhere explicit matmuls."""
    acc = torch.promote_types(q.dtype, torch.float32)
    group = q.size(1) // k.size(1)
    sees = mask.any(dim=-1)[:, None]  # (B, 1, Lq)
    if _fused(q, None):
        bias = torch.zeros(mask.shape, dtype=q.dtype, device=q.device).masked_fill_(~mask, float("-inf"))
        out, lse = _FLASH(q, _repeat(k, group), _repeat(v, group), 0.0, False, attn_mask=bias[:, None], scale=scale)
    else:
        allowed = mask[:, None, None]  # (B, 1, 1, Lq, Lk), over (kv head, query head of the group)
        s = _scores(_grouped(q.to(acc), k.size(1)), k.to(acc), allowed, scale)  # (B, Hkv, G, Lq, Lk)
        lse = torch.logsumexp(s, dim=-1)
        out = (torch.exp(s - lse.unsqueeze(-1)).masked_fill(~allowed, 0.0) @ v.to(acc).unsqueeze(2)).flatten(1, 2)
        lse = lse.flatten(1, 2)
    return out.to(acc).masked_fill(~sees.unsqueeze(-1), 0.0), lse.to(acc).masked_fill(~sees, float("-inf"))


def _attend(q, k, v, mask, scale):
    """Attention of q (B, H, Lq, D) to one block: its output (B, H, Lq, D), in q's dtype, normalised within the
    block, and the block's log-sum-exp of the scores (B, H, Lq), in at least fp32: what the merge needs."""
    group = q.size(1) // k.size(1)
    if _fused(q, mask):
        return _FLASH(q, _repeat(k, group), _repeat(v, group), 0.0, mask is not None, scale=scale)
    s = _scores(_grouped(q, k.size(1)), k, mask, scale)
    lse = torch.logsumexp(s, dim=-1)
    out = torch.exp(s - lse.unsqueeze(-1)) @ v.unsqueeze(2)
    return out.flatten(1, 2), lse.flatten(1, 2)


def _merge(out, lse, block_out, block_lse):
    """The online-softmax rule: outputs normalised over two disjoint sets of keys, weighted by each set's share
    of the total exp-sum, are the output over their union. lse = -inf (no key yet) gives the block's own."""
    total = torch.logaddexp(lse, block_lse)
    out = out * torch.exp(lse - total).unsqueeze(-1) + block_out * torch.exp(block_lse - total).unsqueeze(-1)
    return out, total


def _attend_backward(q, k, v, mask, scale, out, lse, dout):
    """Gradients of one block from the final output and log-sum-exp: the block's probabilities are exp(s - lse)
    exactly as they weighed in the output, and delta = rowsum(dout · out), so nothing of the forward but (out, lse)
    is kept. q, out, dout (B, H, Lq, D), lse (B, H, Lq). Returns dq (B, H, Lq, D), dk and dv (B, Hkv, Lk, D),
    summed over the G query heads that share them, in q's dtype (fused) or the accumulation's (explicit)."""
    Hkv = k.size(1)
    group = q.size(1) // Hkv
    if _fused(q, mask):
        dq, dk, dv = _FLASH_BACKWARD(
            dout.to(q.dtype).contiguous(),
            q,
            _repeat(k, group),
            _repeat(v, group),
            out.to(q.dtype).contiguous(),
            lse.float() if q.dtype == torch.bfloat16 else lse.contiguous(),
            0.0,
            mask is not None,
            scale=scale,
        )
        if group > 1:
            dk, dv = _grouped(dk, Hkv).sum(2), _grouped(dv, Hkv).sum(2)
        return dq, dk, dv
    qg, doutg = _grouped(q, Hkv).to(out.dtype), _grouped(dout, Hkv)
    p = torch.exp(_scores(qg, k.to(out.dtype), mask, scale) - _grouped(lse, Hkv).unsqueeze(-1))  # (B,Hkv,G,Lq,Lk)
    vs = v.to(out.dtype).unsqueeze(2)
    delta = (doutg * _grouped(out, Hkv)).sum(-1)
    dv = (p.transpose(-1, -2) @ doutg).sum(2)
    ds = p * (doutg @ vs.transpose(-1, -2) - delta.unsqueeze(-1))  # d(loss)/d(scores)
    dq = (ds @ k.to(out.dtype).unsqueeze(2)) * scale
    dk = (ds.transpose(-1, -2) @ qg).sum(2) * scale
    return dq.flatten(1, 2), dk, dv


def _visible_block(q_pos: torch.Tensor, kv_pos: torch.Tensor):
    """The part of a (queries, keys) block that causal attention needs, from the tokens' global positions:
    None if no query sees any key (the block is entirely in the future), else (first, end, mask): queries
    [first:] see some key of keys [:end], and mask (Lq-first, end) says which (None: all, a full block).

    Both position lists increase (the balanced split's local order), so the queries that see anything are a
    suffix and the keys seen by anyone a prefix. In the balanced split a block of another rank is half needed:
    from an earlier rank, all queries see its first chunk and none its second; from a later rank, only the
    second query chunk sees it, all of it. The rank's own block is the partially masked one: causal in the local
    order, since positions increase along it.
    """
    first = int(torch.searchsorted(q_pos, kv_pos[0]))  # the first query at or after the block's first key
    end = int(torch.searchsorted(kv_pos, q_pos[-1], right=True))  # the keys at or before the last query
    if first == len(q_pos) or end == 0:
        return None
    allowed = kv_pos[:end].unsqueeze(0) <= q_pos[first:].unsqueeze(1)
    return first, end, None if bool(allowed.all()) else allowed


# --- ring attention -----------------------------------------------------------------------------------------------


class RingAttention(torch.autograd.Function):
    """Exact causal attention of this rank's queries to every rank's keys and values, which travel around the ring.

    Forward, step t = 0..n-1: this rank holds the key/value block of rank (rank - t) mod n; it starts passing it on
    to rank + 1 (and receiving the next from rank - 1), attends its queries to the visible part of the block, and
    merges the result into its running (output, log-sum-exp). n-1 passes: the last block is not sent on.

    Backward: the key/value blocks go around again, and with each, from its second stop on, the accumulator of its
    key/value gradient: rank (owner + 1) starts it, each rank adds its share and passes it on, and the last rank
    of the circuit hands it to the owner, which adds its own share (computed at step 0). n-1 key/value passes and
    n-1 accumulator passes.
    """

    @staticmethod
    def forward(ctx, q, k, v, cp: CPComm, scale: float):
        B, H, L = q.shape[:3]
        acc = torch.promote_types(q.dtype, torch.float32)  # merge in at least fp32: bf16 would lose the weights
        positions = [chunk_positions(L * cp.n, cp.n, r).to(q.device) for r in range(cp.n)]
        # The output in q's memory layout, as the attention kernel writes its own: where q is a view of the
        # projection's (B, L, H·D) output (GPT-2), the output projection then reads this very tensor, no copy.
        out = torch.zeros_like(q, dtype=acc)
        lse = torch.full((B, H, L), float("-inf"), dtype=acc, device=q.device)
        kv = torch.stack((k, v))  # (2, B, Hkv, L, D): what travels, in the inputs' dtype
        for t in range(cp.n):
            source = (cp.rank - t) % cp.n
            wait = cp.ring_pass(kv, _KV_TAG) if t < cp.n - 1 else None
            block = _visible_block(positions[cp.rank], positions[source])
            if block is not None:
                first, end, mask = block
                ks, vs = kv[0, :, :, :end].contiguous(), kv[1, :, :, :end].contiguous()
                block_out, block_lse = _attend(q[:, :, first:], ks, vs, mask, scale)
                out[:, :, first:], lse[:, :, first:] = _merge(
                    out[:, :, first:], lse[:, :, first:], block_out.to(acc), block_lse.to(acc)
                )
                cp.scores["forward"] += B * H * (L - first) * end
            if wait is not None:
                kv = wait()
        ctx.save_for_backward(q, k, v, out, lse)
        ctx.cp, ctx.scale = cp, scale
        return out.to(q.dtype)

    @staticmethod
    def backward(ctx, dout):
        q, k, v, out, lse = ctx.saved_tensors
        cp, scale = ctx.cp, ctx.scale
        B, H, L = q.shape[:3]
        acc = out.dtype
        dout = dout.to(acc).contiguous()
        positions = [chunk_positions(L * cp.n, cp.n, r).to(q.device) for r in range(cp.n)]
        dq = torch.zeros(q.shape, dtype=acc, device=q.device)
        kv = torch.stack((k, v))
        # Gradient accumulators are summed over n ranks: they are kept, and travel, in the merge's precision.
        own_dkv = torch.zeros(kv.shape, dtype=acc, device=q.device)  # this rank's share of its own block (step 0)
        sending = None  # the accumulator last sent on, until it has left
        for t in range(cp.n):
            source = (cp.rank - t) % cp.n
            wait_kv = cp.ring_pass(kv, _KV_TAG) if t < cp.n - 1 else None
            # From step 2 on, the block's accumulator arrives from the previous rank, which added its share at t-1.
            arriving = cp.receive(own_dkv, (cp.rank - 1) % cp.n, _DKV_TAG) if t >= 2 else None
            dkv = own_dkv if t == 0 else torch.zeros_like(own_dkv)
            block = _visible_block(positions[cp.rank], positions[source])
            if block is not None:
                first, end, mask = block
                ks, vs = kv[0, :, :, :end].contiguous(), kv[1, :, :, :end].contiguous()
                dq_part, dk_part, dv_part = _attend_backward(
                    q[:, :, first:], ks, vs, mask, scale, out[:, :, first:], lse[:, :, first:], dout[:, :, first:]
                )
                dq[:, :, first:] += dq_part
                dkv[0, :, :, :end] += dk_part
                dkv[1, :, :, :end] += dv_part
                cp.scores["backward"] += B * H * (L - first) * end
            if t >= 1:
                if arriving is not None:
                    dkv += arriving()
                if sending is not None:
                    sending.wait()  # the previous accumulator has left: one in flight at a time
                sending = cp.isend(dkv, (cp.rank + 1) % cp.n, _DKV_TAG)
            if wait_kv is not None:
                kv = wait_kv()
        if cp.n > 1:  # the own block's accumulator, back from its circuit
            own_dkv += cp.receive(own_dkv, (cp.rank - 1) % cp.n, _DKV_TAG)()
        if sending is not None:
            sending.wait()
        dk, dv = own_dkv[0].to(k.dtype), own_dkv[1].to(v.dtype)
        return dq.to(q.dtype), dk, dv, None, None


def ring_attention(q, k, v, cp: CPComm, scale: float | None = None) -> torch.Tensor:
    """Causal attention over the whole sequence, each rank holding its tokens in the balanced layout:
    q (B, H, L, D), k and v (B, Hkv, L, D), L = S/n, Hkv dividing H -> (B, H, L, D), this rank's tokens."""
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    return RingAttention.apply(q, k, v, cp, scale)


# --- all-to-all (Ulysses) attention -----------------------------------------------------------------------------


def _heads_to_sequence(x: torch.Tensor, cp: CPComm) -> torch.Tensor:
    """(B, h, L, D), all heads of this rank's tokens -> (B, h/n, n·L, D), this rank's heads of every rank's tokens,
    in rank order (rank j's L tokens at [j·L, (j+1)·L))."""
    B, h, L, D = x.shape
    slots = x.reshape(B, cp.n, h // cp.n, L, D).movedim(1, 0)  # slot j: the heads rank j will hold
    return cp.all_to_all(slots).movedim(0, 2).reshape(B, h // cp.n, cp.n * L, D)


def _sequence_to_heads(y: torch.Tensor, cp: CPComm) -> torch.Tensor:
    """The inverse of `_heads_to_sequence`: (B, h/n, n·L, D) -> (B, h, L, D)."""
    B, hn, NL, D = y.shape
    slots = y.reshape(B, hn, cp.n, NL // cp.n, D).movedim(2, 0)  # slot j: rank j's tokens
    return cp.all_to_all(slots).movedim(0, 1).reshape(B, cp.n * hn, NL // cp.n, D)


# The all-to-alls as autograd operations: each one's backward is the other.
heads_to_sequence = conjugate("HeadsToSequence", _heads_to_sequence, _sequence_to_heads)
sequence_to_heads = conjugate("SequenceToHeads", _sequence_to_heads, _heads_to_sequence)


def to_global_order(x: torch.Tensor, n: int) -> torch.Tensor:
    """(B, h/n, n·L, ...) in rank order (rank j's L tokens at [j·L, (j+1)·L)) -> in position order."""
    return unshard_sequence(list(x.chunk(n, dim=2)), n, dim=2)


def to_rank_order(x: torch.Tensor, n: int) -> torch.Tensor:
    """(B, h/n, n·L, ...) in position order -> in rank order (rank j's L tokens at [j·L, (j+1)·L)): the inverse of
    `to_global_order`."""
    return torch.cat([shard_sequence(x, n, r, dim=2) for r in range(n)], dim=2)


def _token_major(shape: tuple[int, ...], like: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    """An empty (B, H, L, D) tensor laid out as (B, L, H, D): what the output projection reads as a view."""
    B, H, L, D = shape
    return torch.empty((B, L, H, D), dtype=dtype or like.dtype, device=like.device).transpose(1, 2)


class AllToAllAttention(torch.autograd.Function):
    """All-to-all attention with the fused CPU kernel, keeping one output tensor (where autograd through
    scaled_dot_product_attention would keep two).

    The kernel's output, in the head-split layout of the whole sequence, is not kept: its backward reads the output
    only through delta = rowsum(dO ∘ O) per query (FlashAttention-2's D), which this rank computes from its own
    tokens' output and gradient, all heads, before the inverse all-to-all. The output is returned laid out token
    by token, so that the output projection's saved input is this very tensor, as in one process. The cost: one
    all-to-all of delta, 1/D of the output gradient's. The kernel is then given an output O' = dO · delta/|dO|²,
    whose rowsum(dO ∘ O') is delta (exact up to rounding; a row with dO = 0 has delta = 0 and O' = 0).
    """

    @staticmethod
    def forward(ctx, q, k, v, cp: CPComm, scale: float):
        n, group = cp.n, q.size(1) // k.size(1)
        qs, ks, vs = (to_global_order(_heads_to_sequence(t, cp), n) for t in (q, k, v))  # (B, h/n, S, D)
        out, lse = _FLASH(qs, _repeat(ks, group), _repeat(vs, group), 0.0, True, scale=scale)
        B, Hn, S = qs.shape[:3]
        cp.scores["forward"] += B * Hn * S * S  # the full score matrix, as the CPU kernel computes it
        back = _sequence_to_heads(to_rank_order(out, n), cp)  # (B, H, L, D)
        del out
        y = _token_major(tuple(back.shape), back)
        y.copy_(back)
        ctx.save_for_backward(qs, ks, vs, lse, y)
        ctx.cp, ctx.scale = cp, scale
        return y

    @staticmethod
    def backward(ctx, dy):
        qs, ks, vs, lse, y = ctx.saved_tensors
        cp, scale, n = ctx.cp, ctx.scale, ctx.cp.n
        group = qs.size(1) // ks.size(1)
        acc = torch.promote_types(y.dtype, torch.float32)
        delta = (dy.to(acc) * y.to(acc)).sum(-1, keepdim=True)  # (B, H, L, 1): this rank's tokens, every head
        dout = to_global_order(_heads_to_sequence(dy, cp), n).to(qs.dtype)  # (B, h/n, S, D)
        delta = to_global_order(_heads_to_sequence(delta, cp), n)  # (B, h/n, S, 1)
        norm = (dout.to(acc) ** 2).sum(-1, keepdim=True)
        standin = (dout.to(acc) * torch.where(norm > 0, delta / norm, 0.0)).to(qs.dtype)  # rowsum(dout·O') = delta
        dq, dk, dv = _FLASH_BACKWARD(
            dout.contiguous(),
            qs,
            _repeat(ks, group),
            _repeat(vs, group),
            standin,
            lse,
            0.0,
            True,
            scale=scale,
        )
        if group > 1:
            dk, dv = _grouped(dk, ks.size(1)).sum(2), _grouped(dv, ks.size(1)).sum(2)
        grads = (_sequence_to_heads(to_rank_order(g, n), cp) for g in (dq, dk, dv))
        return *grads, None, None


def all_to_all_attention(q, k, v, cp: CPComm, scale: float | None = None) -> torch.Tensor:
    """Causal attention over the whole sequence, each rank holding its tokens in the balanced layout, by trading
    heads for sequence (DeepSpeed-Ulysses): q (B, H, L, D), k and v (B, Hkv, L, D) -> (B, H, L, D), this rank's
    tokens. H and Hkv must be multiples of n (`check_all_to_all_heads`).

    Each rank attends the whole sequence, put back in global order, with heads [r·H/n, (r+1)·H/n) and the key/value
    heads they read, [r·Hkv/n, (r+1)·Hkv/n): query head h reads key/value head h // (H/Hkv), and both ranges are
    the same 1/n of their heads. On a CPU, `AllToAllAttention` (the fused kernel, one output kept); elsewhere
    autograd through scaled_dot_product_attention, each all-to-all's backward the inverse all-to-all.
    """
    n = cp.n
    check_all_to_all_heads(q.size(1), k.size(1), n)
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    if n == 1:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale, enable_gqa=q.size(1) != k.size(1))
    if _fused(q, None):
        return AllToAllAttention.apply(q, k, v, cp, scale)
    qs, ks, vs = (to_global_order(heads_to_sequence(t, cp), n) for t in (q, k, v))  # (B, h/n, S, D)
    y = F.scaled_dot_product_attention(qs, ks, vs, is_causal=True, scale=scale, enable_gqa=qs.size(1) != ks.size(1))
    B, Hn, S, _ = qs.shape
    cp.scores["forward"] += B * Hn * S * S
    return sequence_to_heads(to_rank_order(y, n), cp)


# --- a drop-in for the model's attention core -------------------------------------------------------------------


class ContextParallelCore(nn.Module):
    """The context-parallel twin of `llmpar.model.transformer.AttentionCore`: forward(q, k, v) on this rank's
    tokens in the balanced layout, by `mode` "ring" or "all-to-all"."""

    def __init__(self, cp: CPComm, mode: str = "ring"):
        super().__init__()
        if mode not in ("ring", "all-to-all"):
            raise ValueError(f"unknown context-parallel mode {mode!r}")
        self.cp, self.mode = cp, mode

    def forward(self, q, k, v):
        attend = ring_attention if self.mode == "ring" else all_to_all_attention
        return attend(q, k, v, self.cp)


class LocalPositions:
    """positions(T): the global positions of the T tokens of each sequence that this rank holds (of a sequence of
    T·n tokens), on the model's device; cached by length (training, validation and sampling use a few)."""

    def __init__(self, n: int, rank: int, device: torch.device):
        self.n, self.rank, self.device = n, rank, device
        self._cache: dict[int, torch.Tensor] = {}

    def __call__(self, T: int) -> torch.Tensor:
        if T not in self._cache:
            self._cache[T] = chunk_positions(T * self.n, self.n, self.rank).to(self.device)
        return self._cache[T]


def mesh_cp_comm(comm: Comm) -> CPComm:
    """The operators' view of the mesh's cp axis: its group, bytes counted on "cp" by llmpar's `comm`, and every
    blocking call watched by it."""
    mesh = comm.mesh
    return CPComm(
        mesh.group("cp"),
        mesh.rank_in("cp"),
        mesh.size("cp"),
        count=lambda kind, nbytes: comm.add_bytes("cp", nbytes),
        watch=lambda fn, what: comm.watch(fn, f"{what} on the cp axis", "cp"),
    )


def apply_context_parallel(model: Transformer, comm: Comm, mode: str) -> CPComm | None:
    """Make the model attend over sequences split across the mesh's cp axis, in place: its attention cores
    become `ContextParallelCore`s and its positions (RoPE angles, learned positions) those of this rank's tokens.
    Returns the communicator (its `scores` count the attention work), or None with one cp rank."""
    from llmpar.model.transformer import Attention

    n = comm.mesh.size("cp")
    if n == 1:
        return None
    cp = mesh_cp_comm(comm)
    device = next(model.parameters()).device
    positions = LocalPositions(n, cp.rank, device)
    model.positions_of = positions
    for module in model.modules():
        if isinstance(module, Attention):
            module.core = ContextParallelCore(cp, mode)
            module.positions_of = positions
    return cp

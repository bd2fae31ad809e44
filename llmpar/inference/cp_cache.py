"""The KV cache of a batch whose sequences are split across the ranks of a context-parallel group
(`llmpar generate --cp N`): the prefill of long prompts shared by N ranks, and each rank holding 1/N of the cache.

The prompt batch, left-padded to a width W that 2N divides (extra padding on the left changes nothing: padding
is masked and a sequence's positions start at its first token), is split as training splits a sequence
(llmpar.parallel.context_parallel.chunk_positions): rank r feeds the tokens of chunks r and 2N-1-r, so the
prefill's causal work is the same on every rank. Rank 0 holds the last prompt slot, whose logits give the first
new token. A new token is fed to every rank (each computes it: the projections and the MLP are per token), and
attends as below. The two modes, as in training:

    ring         prefill: the key/value blocks of the prompt travel around the ring (N-1 passes), each attended
                 with the causal and padding mask, the partial results merged by their log-sum-exp. The cache
                 keeps the rank's own prompt slots, and the new tokens in turn: slot W + j on rank j mod N.
                 A new token attends to each rank's slots there, and the N partial outputs (each with its
                 log-sum-exp) are all-gathered and merged, in rank order, alike on every rank.
                     cp bytes per layer: prefill 2 (N-1) · B · W/N · kv_heads · head_dim · e sent,
                                         a new token (N-1) · B · heads · (head_dim + 1) · e' (all-gather, e' >= 4)
    all-to-all   prefill: an all-to-all trades heads for sequence (Ulysses); each rank attends the whole prompt
                 with 1/N of the heads and keeps their keys and values, for every slot, new ones included. A new
                 token attends with the rank's heads, and the heads' outputs are all-gathered.
                     cp bytes per layer: prefill 4 all-to-alls of this rank's q, k, v, out (each (N-1)/N moved),
                                         a new token (N-1) · B · heads/N · head_dim · e (all-gather)

Either way a rank's cache is 1/N of one process's (ring: 1/N of the slots, to within one new token; all-to-all:
1/N of the key/value heads, so those must divide by N, as in training).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from llmpar.inference.cache import KVCache
from llmpar.parallel.context_parallel import (
    CPComm,
    attend_masked,
    chunk_positions,
    heads_to_sequence,
    sequence_to_heads,
    to_global_order,
    to_rank_order,
)

_TAG = 0  # the prefill's key/value blocks

# gather(out (N·k, ...), inp (k, ...)): every rank's inp, in rank order, along dim 0 (llmpar's Comm.all_gather
# on the cp axis, counted there).
Gather = Callable[[torch.Tensor, torch.Tensor], object]


def padded_width(width: int, n: int) -> int:
    """The prompt width the split takes: the longest prompt's, rounded up to a multiple of 2n."""
    return -(-width // (2 * n)) * (2 * n)


def _merge(out, lse, block_out, block_lse):
    """The online-softmax merge (llmpar.parallel.context_parallel), where either side may have seen no key yet
    (lse -inf: weight 0)."""
    total = torch.logaddexp(lse, block_lse)
    mine = torch.exp(lse - total).nan_to_num(0.0).unsqueeze(-1)
    theirs = torch.exp(block_lse - total).nan_to_num(0.0).unsqueeze(-1)
    return out * mine + block_out * theirs, total


class RingCache(KVCache):
    """Ring mode: this rank's prompt slots, then every N-th new token (see the module's docstring)."""

    def __init__(self, pad: torch.Tensor, width: int, max_new_tokens: int, cp: CPComm, gather: Gather):
        n, r = cp.n, cp.rank
        super().__init__(pad, width + max_new_tokens - 1)
        self.width, self.cp, self.gather = width, cp, gather
        device = pad.device
        self.prompt_slots = [chunk_positions(width, n, rank).to(device) for rank in range(n)]
        new_here = torch.arange(width + r, self.capacity, n, device=device)
        self.held = torch.cat((self.prompt_slots[r], new_here))  # the global slot of each local one
        self.stored = 0  # local slots written
        self.query_slots = self.held[:0]

    def begin(self, T: int) -> None:
        if self.filled == 0:
            if self.width // self.cp.n != T:
                raise ValueError(f"the prefill feeds {self.width // self.cp.n} tokens per rank, not {T}")
            self.query_slots = self.prompt_slots[self.cp.rank]
        else:
            if T != 1:
                raise ValueError(f"after the prefill, one token per step, not {T}")
            if self.filled >= self.capacity:
                raise ValueError(f"the KV cache holds {self.capacity} slots; all are filled")
            self.query_slots = torch.tensor([self.filled], device=self.pad.device)
        self.positions = (self.query_slots[None, :] - self.pad[:, None]).clamp(min=0)  # (B, T)

    def end(self, T: int) -> None:
        if self.filled == 0:
            self.filled, self.stored = self.width, T
        else:
            self.stored += int(self._owns_new())
            self.filled += 1

    def _owns_new(self) -> bool:
        return (self.filled - self.width) % self.cp.n == self.cp.rank

    def _mask(self, key_slots: torch.Tensor) -> torch.Tensor:
        """(B, Lq, Lk): a query sees the keys at or before it that are not padding, and itself (a padding query
        sees itself only, as in llmpar.inference.cache)."""
        q, k = self.query_slots[None, :, None], key_slots[None, None, :]
        real = key_slots[None, None, :] >= self.pad[:, None, None]
        return ((k <= q) & real) | (k == q)

    def _store(self, i: int, k: torch.Tensor, v: torch.Tensor) -> None:
        if i not in self.keys:
            B, nkv, _, hd = k.shape
            self.keys[i] = k.new_empty((B, nkv, len(self.held), hd))
            self.values[i] = v.new_empty((B, nkv, len(self.held), hd))
        a, b = self.stored, self.stored + k.size(2)
        self.keys[i][:, :, a:b], self.values[i][:, :, a:b] = k, v

    def attend(self, i: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        cp, scale = self.cp, 1.0 / math.sqrt(q.size(-1))
        if self.filled == 0:  # the prefill: the prompt's blocks around the ring
            self._store(i, k, v)
            B, H, T, D = q.shape
            acc = torch.promote_types(q.dtype, torch.float32)
            out = torch.zeros((B, H, T, D), dtype=acc, device=q.device)
            lse = torch.full((B, H, T), float("-inf"), dtype=acc, device=q.device)
            kv = torch.stack((k, v))
            for t in range(cp.n):
                wait = cp.ring_pass(kv, _TAG) if t < cp.n - 1 else None
                mask = self._mask(self.prompt_slots[(cp.rank - t) % cp.n])
                if bool(mask.any()):
                    out, lse = _merge(out, lse, *attend_masked(q, kv[0], kv[1], mask, scale))
                if wait is not None:
                    kv = wait()
            return out.to(q.dtype)
        # A new token: every rank attends it to its slots; the partial results are merged.
        if self._owns_new():
            self._store(i, k, v)
        held = self.stored + int(self._owns_new())
        k, v = self.keys[i][:, :, :held], self.values[i][:, :, :held]
        part, part_lse = attend_masked(q, k, v, self._mask(self.held[:held]), scale)
        packed = torch.cat((part, part_lse.unsqueeze(-1)), dim=-1)  # (B, H, 1, D + 1)
        everyone = packed.new_empty((cp.n * packed.size(0), *packed.shape[1:]))
        self.gather(everyone, packed.contiguous())
        out, lse = part.new_zeros(part.shape), part_lse.new_full(part_lse.shape, float("-inf"))
        for rank_part in everyone.chunk(cp.n):
            out, lse = _merge(out, lse, rank_part[..., :-1], rank_part[..., -1])
        return out.to(q.dtype)


class HeadCache(KVCache):
    """All-to-all mode: every slot, with this rank's 1/N of the key/value heads (see the module's docstring)."""

    def __init__(self, pad: torch.Tensor, width: int, max_new_tokens: int, cp: CPComm, gather: Gather):
        super().__init__(pad, width + max_new_tokens - 1)
        self.width, self.cp, self.gather = width, cp, gather
        self.local = chunk_positions(width, cp.n, cp.rank).to(pad.device)

    def begin(self, T: int) -> None:
        if self.filled == 0:  # this rank's tokens of the prompt; the mask covers every slot (the heads' view)
            super().begin(self.width)
            self.positions = self.positions[:, self.local]
        else:
            super().begin(T)

    def end(self, T: int) -> None:
        super().end(self.width if self.filled == 0 else T)

    def attend(self, i: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        cp, n = self.cp, self.cp.n
        if self.filled == 0:  # the prefill: heads traded for the whole prompt, and back

            def whole(x):  # (B, h, W/N, D), this rank's tokens -> (B, h/N, W, D), its heads, in slot order
                return to_global_order(heads_to_sequence(x, cp), n)

            y = super().attend(i, whole(q), whole(k), whole(v))  # (B, H/N, W, D)
            return sequence_to_heads(to_rank_order(y, n), cp)
        h, hkv, r = q.size(1) // n, k.size(1) // n, cp.rank
        y = super().attend(i, q[:, r * h : (r + 1) * h], k[:, r * hkv : (r + 1) * hkv], v[:, r * hkv : (r + 1) * hkv])
        everyone = y.new_empty((n * y.size(0), *y.shape[1:]))  # (N·B, H/N, 1, D)
        self.gather(everyone, y.contiguous())
        return everyone.unflatten(0, (n, -1)).movedim(0, 1).flatten(1, 2)  # (B, H, 1, D), heads in rank order


def cp_bytes(
    mode: str,
    n: int,
    layers: int,
    B: int,
    width: int,
    new_tokens: int,
    heads: int,
    kv_heads: int,
    head_dim: int,
    element_size: int,
    last_stage: bool,
) -> int:
    """Bus bytes one rank moves on the cp axis for a group of B prompts padded to `width` and `new_tokens` new
    tokens, its stage holding `layers` layers and (tensor parallelism) `heads`, `kv_heads` of them (the formulas of
    the module's docstring); the last stage also broadcasts each round's chosen tokens, B · 2 fp64 numbers."""
    if n == 1:
        return 0
    L, steps = width // n, new_tokens - 1  # the prompt tokens a rank feeds; the new tokens fed after the prefill
    if mode == "ring":
        block = 2 * B * kv_heads * L * head_dim * element_size  # keys and values, sent once and received once
        merged = max(element_size, 4)  # the partial outputs travel in the merge's precision, fp32 at least
        per_layer = 2 * (n - 1) * block + steps * (n - 1) * B * heads * (head_dim + 1) * merged
    else:
        moved = B * L * head_dim * element_size * (2 * heads + 2 * kv_heads)  # q, k, v and out, (n-1)/n of each
        per_layer = (n - 1) * moved // n + steps * (n - 1) * B * heads * head_dim * element_size // n
    return layers * per_layer + (new_tokens * B * 2 * 8 if last_stage else 0)


def context_parallel_cache(
    mode: str, pad: torch.Tensor, width: int, max_new_tokens: int, cp: CPComm, gather: Gather
) -> KVCache:
    """The cache of one group of prompts (left-padded to `width`, which 2·cp.n divides) for `mode`."""
    cls = RingCache if mode == "ring" else HeadCache
    return cls(pad, width, max_new_tokens, cp, gather)

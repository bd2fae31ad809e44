"""The KV cache: each layer's keys and values of the tokens seen so far, so that a step computes one new token.
The cache also attends (`attend`): it knows which keys a query may see, and, split across ranks
(llmpar.inference.cp_cache, context parallelism), where they are.

A batch holds prompts of different lengths, left-padded to the longest: slot j of the cache holds the j-th token
of the padded batch, in every sequence. A sequence's tokens are at slots pad, pad+1, ... and its positions
(RoPE's angles, GPT-2's learned positions) are slot - pad: 0, 1, ..., as if it were alone.

    keys, values of layer i    (B, kv heads of this rank, capacity, head_dim) each, allocated at first use
    mask (B, 1, T, S)          query slot t sees key slot s if s <= t and s is not padding (a padding query sees
                               itself only, so that no row of the softmax is empty; its output is never read)

The cache holds what the layer computes: under tensor parallelism the rank's own kv heads (the split wk, wv
give them), in a pipeline stage its own layers only. Its size per rank is

    2 · layers · kv_heads/tp · head_dim · B · capacity · bytes
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


class KVCache:
    def __init__(self, pad: torch.Tensor, capacity: int):
        """`pad` (B,): padding slots before each sequence's first token; `capacity`: slots (prompt + new)."""
        self.pad, self.capacity = pad, capacity
        self.filled = 0  # slots written so far
        self.keys: dict[int, torch.Tensor] = {}
        self.values: dict[int, torch.Tensor] = {}
        self.positions = torch.zeros(0)  # (B, T) of the tokens being added
        self.mask = torch.zeros(0)  # (B, 1, T, filled + T)

    def begin(self, T: int) -> None:
        """The next forward adds T tokens per sequence, at slots filled .. filled+T-1."""
        if self.filled + T > self.capacity:
            raise ValueError(f"the KV cache holds {self.capacity} slots; {self.filled} + {T} do not fit")
        device = self.pad.device
        slots = torch.arange(self.filled, self.filled + T, device=device)  # (T,)
        keys = torch.arange(self.filled + T, device=device)  # (S,)
        self.positions = (slots[None, :] - self.pad[:, None]).clamp(min=0)  # (B, T)
        real = keys[None, :] >= self.pad[:, None]  # (B, S): not padding
        causal = keys[None, :] <= slots[:, None]  # (T, S)
        self_only = keys[None, :] == slots[:, None]  # (T, S)
        self.mask = (causal[None] & real[:, None, :]) | self_only[None]  # (B, T, S)
        self.mask = self.mask[:, None]  # (B, 1, T, S)

    def end(self, T: int) -> None:
        self.filled += T

    def layer(self, i: int) -> _LayerCache:
        return _LayerCache(self, i)

    def update(self, i: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Write layer i's k, v (B, nkv, T, hd) at the current slots; return every slot so far."""
        if i not in self.keys:
            B, nkv, _, hd = k.shape
            self.keys[i] = k.new_empty((B, nkv, self.capacity, hd))
            self.values[i] = v.new_empty((B, nkv, self.capacity, hd))
        a, b = self.filled, self.filled + k.size(2)
        self.keys[i][:, :, a:b] = k
        self.values[i][:, :, a:b] = v
        return self.keys[i][:, :, :b], self.values[i][:, :, :b]

    def attend(self, i: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """Layer i's attention of q (B, nh, T, hd) to every slot so far, after writing the T tokens' k, v
        (B, nkv, T, hd): (B, nh, T, hd)."""
        k, v = self.update(i, k, v)  # (B, nkv, S, hd)
        group = q.size(1) // k.size(1)  # query heads per kv head (repeated: enable_gqa with a mask is slow on CPU)
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)  # (B, nh, S, hd)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask)

    def nbytes(self) -> int:
        """Bytes this rank's cache holds (keys and values of its layers)."""
        return sum(t.numel() * t.element_size() for t in (*self.keys.values(), *self.values.values()))


class _LayerCache:
    """What one attention layer sees of the cache (the interface `Attention.forward` reads)."""

    __slots__ = ("cache", "index")

    def __init__(self, cache: KVCache, index: int):
        self.cache, self.index = cache, index

    @property
    def positions(self) -> torch.Tensor:
        return self.cache.positions

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return self.cache.attend(self.index, q, k, v)


def cache_bytes_formula(layers: int, kv_heads: int, tp: int, head_dim: int, tokens: int, element_size: int) -> int:
    """2 · layers · kv_heads/tp · head_dim · tokens · bytes (tokens = sequences × slots)."""
    return 2 * layers * (kv_heads // tp) * head_dim * tokens * element_size

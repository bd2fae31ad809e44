"""Cutting the plain model into pipeline chunks.

The layers are split into C = p·v contiguous chunks balanced by cost: a block costs its matmul FLOPs, the output
layer (on the last chunk) its own, the embedding (on the first) nothing: it is a lookup. Chunk c lives on
pipeline rank c mod p. A rank keeps the modules of its chunks and drops the others, so its parameters are
its own; the names stay the model's (layers are keyed by global index).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmpar.errors import UserError
from llmpar.model.config import ModelConfig

if TYPE_CHECKING:
    import torch.nn as nn

    from llmpar.model.transformer import Transformer


def layer_costs(cfg: ModelConfig, seq_len: int) -> tuple[float, float]:
    """FLOPs per token of one block and of the output layer (forward; backward is proportional)."""
    d, hd = cfg.d_model, cfg.head_dim
    attn = 2 * d * (cfg.n_heads + 2 * cfg.n_kv_heads) * hd + 2 * cfg.n_heads * hd * d + 4 * seq_len * d
    mlp = 2 * d * cfg.d_ff * (3 if cfg.arch == "llama" else 2)
    return attn + mlp, 2 * d * cfg.vocab_size


def partition(cfg: ModelConfig, chunks: int, seq_len: int) -> list[list[int]]:
    """Contiguous layer indices of each chunk, every chunk at least one layer, minimizing the costliest chunk."""
    L = cfg.n_layers
    if chunks > L:
        raise UserError(
            f"the model has {L} layers, too few for {chunks} pipeline chunks (--pp × --virtual-stages); "
            f"give each chunk at least one layer: lower --pp or --virtual-stages"
        )
    block, head = layer_costs(cfg, seq_len)
    # best[c][l]: the least possible maximum chunk cost putting layers 0..l-1 into chunks 0..c-1
    inf = float("inf")
    best = [[inf] * (L + 1) for _ in range(chunks + 1)]
    cut = [[0] * (L + 1) for _ in range(chunks + 1)]
    best[0][0] = 0.0
    for c in range(1, chunks + 1):
        for l in range(c, L - (chunks - c) + 1):
            for k in range(c - 1, l):
                cost = (l - k) * block + (head if c == chunks else 0.0)
                value = max(best[c - 1][k], cost)
                if value < best[c][l]:
                    best[c][l], cut[c][l] = value, k
    bounds, l = [], L
    for c in range(chunks, 0, -1):
        bounds.append((cut[c][l], l))
        l = cut[c][l]
    return [list(range(a, b)) for a, b in reversed(bounds)]


class Chunk:
    """One model chunk: the embedding if it is the first, some blocks, the norm and output layer if the last."""

    def __init__(self, model: Transformer, index: int, layers: list[int], first: bool, last: bool):
        self.model, self.index, self.layers, self.first, self.last = model, index, layers, first, last

    def __call__(self, x, cache=None):
        """`cache` (inference): the KV cache of this chunk's layers (llmpar.inference.cache)."""
        m = self.model
        h = m.embed(x, cache.positions if cache is not None else None) if self.first else x
        rope = (m.rope_cos, m.rope_sin) if m.rope_cos is not None else None
        for i in self.layers:
            h = m.layers[str(i)](h, rope, cache.layer(i) if cache is not None else None)
        return m.output(h) if self.last else h

    def parameters(self) -> list[nn.Parameter]:
        m = self.model
        params: list[nn.Parameter] = []
        if self.first:
            assert m.tok_emb is not None  # the first chunk's rank keeps the embedding
            params += list(m.tok_emb.parameters()) + (list(m.pos_emb.parameters()) if m.pos_emb is not None else [])
        for i in self.layers:
            params += list(m.layers[str(i)].parameters())
        if self.last:
            assert m.norm is not None and m.head is not None  # and the last chunk's, the norm and output layer
            params += list(m.norm.parameters()) + list(m.head.parameters())
        return list(dict.fromkeys(params))


def split_model(model: Transformer, rank: int, stages: int, chunks_per_rank: int, seq_len: int) -> list[Chunk]:
    """Keep on `rank` the modules of its chunks (rank, rank + p, ...), drop the others; return its chunks."""
    cfg = model.cfg
    C = stages * chunks_per_rank
    layers = partition(cfg, C, seq_len)
    mine = [c for c in range(C) if c % stages == rank]
    keep = {i for c in mine for i in layers[c]}
    for i in list(model.layers.keys()):
        if int(i) not in keep:
            del model.layers[i]
    if 0 not in mine:
        model.tok_emb = None
        model.pos_emb = None
    if C - 1 not in mine:
        model.norm = None
        model.head = None
    return [Chunk(model, c, layers[c], c == 0, c == C - 1) for c in mine]

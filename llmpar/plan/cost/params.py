"""Parameters per rank: how many elements of the model each (pipeline rank, tensor-parallel rank) holds.

The pipeline's chunks take their layers from `llmpar.pipeline.stages.partition` (the split `llmpar train` makes);
within a block, the matrices are split over tp (the column-parallel biases with them) and the norms and the
row-parallel biases are replicated. The first stage holds the (vocabulary-parallel, padded) embedding, the last
the final norm and the head, and a tied embedding is held by both ends of a pipeline.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from llmpar.layout import Layout
from llmpar.model.config import ModelConfig
from llmpar.pipeline.stages import partition as _partition

# The split `llmpar train` makes, cached: the planner asks for the same few splits thousands of times.
partition = functools.lru_cache(maxsize=4096)(_partition)


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

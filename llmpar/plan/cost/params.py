"""Parameters per rank: how many elements of the model each (pipeline rank, tensor-parallel rank) holds.

The pipeline's chunks take their layers from `llmpar.pipeline.stages.partition` (the split `llmpar train` makes);
within a block, the parameters are split over tp as the TP plan (`llmpar.parallel.tp_plan`) says: the matrices
(the column-parallel biases with them) split, the norms and the row-parallel biases replicated. The first stage
holds the (vocabulary-parallel, padded) embedding, the last the final norm and the head, and a tied embedding is
held by both ends of a pipeline.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from llmpar.layout import Layout
from llmpar.model.config import ModelConfig
from llmpar.model.shapes import block_parameter_shapes
from llmpar.parallel import tp_plan
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
    embedding_only_unit: int = 0  # ZeRO-3 units gathered for forward only (the token table and the positions,
    # unless the head on the same stage reads the table)
    head_reads_embedding_unit: int = 0  # ... and the embedding unit when it does: gathered once more per pass
    tied: int = 0  # a tied embedding held on both ends of a pipeline (summed across them each step)

    @property
    def total(self) -> int:
        return self.split + self.replicated + self.embedding


@functools.lru_cache(maxsize=256)
def _block_shapes(cfg: ModelConfig) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The parameters of one block of the plain model, by name (as layer 0's), with their shapes."""
    return tuple((f"layers.0.{name}", shape) for name, shape in block_parameter_shapes(cfg))


@functools.lru_cache(maxsize=4096)
def _layer_params(cfg: ModelConfig, t: int) -> tuple[int, int]:
    """(split, replicated) elements of one block on one tp rank."""
    split = replicated = 0
    for name, shape in _block_shapes(cfg):
        if tp_plan.split_dim(name) is None:
            replicated += math.prod(shape)
        else:
            split += tp_plan.local_numel(name, shape, cfg.vocab_size, t)
    return split, replicated


def stage_params(cfg: ModelConfig, layout: Layout, seq_len: int) -> list[StageParams]:
    """One entry per pipeline rank (its chunks together): what each of its tp ranks holds."""
    return _stage_params(cfg, layout.tp, layout.pp, layout.chunks_per_rank, seq_len)


@functools.lru_cache(maxsize=4096)
def _stage_params(cfg: ModelConfig, t: int, p: int, v: int, seq_len: int) -> list[StageParams]:
    chunks = partition(cfg, p * v, seq_len)
    table = tp_plan.local_numel("tok_emb.weight", (cfg.vocab_size, cfg.d_model), cfg.vocab_size, t)  # padded
    split, repl = _layer_params(cfg, t)
    final_norm = cfg.d_model * (1 if cfg.arch == "llama" else 2)
    out = []
    for r in range(p):
        layers = [layer for c in range(r, p * v, p) for layer in chunks[c]]
        s = StageParams(layers=layers, split=split * len(layers), replicated=repl * len(layers))
        first, last = r == 0, r == p - 1
        if first:
            s.embedding += table
            positions = cfg.max_seq_len * cfg.d_model if cfg.arch == "gpt2" else 0
            s.replicated += positions
            if cfg.tie_embeddings and last:
                # The head reads the tied table: ZeRO 3 gathers the embedding unit (the table and the positions)
                # again for the head's forward, and for its backward.
                s.head_reads_embedding_unit = table + positions
            else:  # the token table (a stage's own copy, if tied) and the positions are gathered for forward only
                s.embedding_only_unit += table + positions
        if last:
            s.replicated += final_norm
            s.embedding += table if (cfg.tie_embeddings and not first) or not cfg.tie_embeddings else 0
        if cfg.tie_embeddings and p > 1 and (first or last):
            s.tied = table
        out.append(s)
    return out

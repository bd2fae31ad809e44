"""How tensor parallelism splits the plain model: one table, read by every part of llmpar that needs to know.

    apply_tensor_parallel        which module becomes which parallel layer
    checkpoint placements        which slice of a global tensor a tp rank holds (and saves, and loads)
    llmpar convert               which slice each tp rank of the target layout gets
    the cost model               how many parameters a tp rank holds

Module names are the plain model's (`*` stands for a layer index). With t the tp size:

    column   weight (out, in) split by rows (output features), bias split alike: rank r holds out/t features
    row      weight (out, in) split by columns (input features); the bias is added after the sum: replicated
    vocab    rows of the vocabulary, padded up to a multiple of t: rank r holds rows r·⌈V/t⌉ .. (r+1)·⌈V/t⌉;
             the padding rows are never looked up and their logits are excluded from the softmax

Every parameter the table does not name (norms, learned positions) is replicated on every tp rank.
"""

from __future__ import annotations

import fnmatch
import math

TP_PLAN: tuple[tuple[str, str], ...] = (
    ("tok_emb", "vocab"),
    ("layers.*.attn.wq", "column"),  # query heads: n_heads/t per rank
    ("layers.*.attn.wk", "column"),  # kv heads: n_kv_heads/t per rank (each query head keeps its kv head)
    ("layers.*.attn.wv", "column"),
    ("layers.*.attn.wo", "row"),
    ("layers.*.mlp.w1", "column"),
    ("layers.*.mlp.w3", "column"),  # SwiGLU's gate (Llama only)
    ("layers.*.mlp.w2", "row"),
    ("head", "vocab"),  # tied: the embedding's own shard
)

# Where inputs enter the tensor-parallel region: once per module for all its column-parallel layers that read
# the same input (q/k/v; w1/w3; the head).
REGIONS: tuple[str, ...] = ("layers.*.attn", "layers.*.mlp", "head")


def style(module: str) -> str | None:
    """The style of a module of the plain model (by name): "column", "row", "vocab", or None (replicated)."""
    for pattern, kind in TP_PLAN:
        if fnmatch.fnmatchcase(module, pattern):
            return kind
    return None


def split_dim(param: str) -> int | None:
    """The dimension along which a parameter (by name, e.g. "layers.3.attn.wq.weight") is split; None if it is
    replicated."""
    module, _, leaf = param.rpartition(".")
    kind = style(module)
    if kind in ("column", "vocab"):
        return 0
    if kind == "row" and leaf == "weight":
        return 1
    return None


def vocab_rows(vocab_size: int, t: int) -> int:
    """Rows of the padded vocabulary on one tp rank."""
    return math.ceil(vocab_size / t)


def shard(
    param: str, shape: list[int] | tuple[int, ...], vocab_size: int, t: int, r: int
) -> tuple[int | None, int, int]:
    """(dim, start, length) of tp rank r's slice of a global parameter of `shape`: length counts real entries
    (the vocabulary padding excluded); dim None for a replicated parameter (or t = 1)."""
    dim = split_dim(param) if t > 1 else None
    if dim is None:
        return None, 0, 0
    if style(param.rpartition(".")[0]) == "vocab":
        rows = vocab_rows(vocab_size, t)
        return 0, r * rows, max(0, min(rows, vocab_size - r * rows))
    k = shape[dim] // t
    return dim, r * k, k


def local_numel(param: str, shape: list[int] | tuple[int, ...], vocab_size: int, t: int) -> int:
    """Elements one tp rank holds of a global parameter of `shape` (the vocabulary padding included)."""
    dim = split_dim(param) if t > 1 else None
    numel = math.prod(shape)
    if dim is None:
        return numel
    if style(param.rpartition(".")[0]) == "vocab":
        return numel // shape[0] * vocab_rows(vocab_size, t)
    return numel // t

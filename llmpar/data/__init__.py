"""Tokens in, global batches out: tokenizers, corpora and the layout-independent batch order.

Each name is imported from its module when first used (the batches need torch, the corpora numpy), so that
importing the package costs nothing: the run's configuration imports it, and `llmpar plan` never loads torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmpar.data.batches import TokenBatches
    from llmpar.data.corpus import check_data_path, describe_data, load_tokens, read_bin, write_bin
    from llmpar.data.tokenizer import ByteTokenizer, HFTokenizer, load_tokenizer

_LAZY = {
    "TokenBatches": "batches",
    "check_data_path": "corpus",
    "describe_data": "corpus",
    "load_tokens": "corpus",
    "read_bin": "corpus",
    "write_bin": "corpus",
    "ByteTokenizer": "tokenizer",
    "HFTokenizer": "tokenizer",
    "load_tokenizer": "tokenizer",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ByteTokenizer",
    "HFTokenizer",
    "TokenBatches",
    "check_data_path",
    "describe_data",
    "load_tokenizer",
    "load_tokens",
    "read_bin",
    "write_bin",
]

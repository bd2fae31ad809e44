"""Tokens in, global batches out: tokenizers, corpora and the layout-independent batch order."""

from llmpar.data.batches import TokenBatches
from llmpar.data.corpus import check_data_path, describe_data, load_tokens, read_bin, write_bin
from llmpar.data.tokenizer import ByteTokenizer, HFTokenizer, load_tokenizer

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

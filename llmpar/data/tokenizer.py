"""Tokenizers: bytes by default, a Hugging Face `tokenizer.json` when given (needs the optional `tokenizers`)."""

from __future__ import annotations

import os

import numpy as np

from llmpar.errors import UserError


class ByteTokenizer:
    """Each UTF-8 byte is a token: 256 ids, no training, no unknown text."""

    name = "bytes"
    vocab_size = 256

    def encode(self, text: str | bytes) -> np.ndarray:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return np.frombuffer(data, dtype=np.uint8).copy()

    def decode(self, ids) -> str:
        return bytes(int(i) for i in ids).decode("utf-8", errors="replace")


class HFTokenizer:
    """A Hugging Face `tokenizers` tokenizer read from a tokenizer.json file."""

    def __init__(self, path: str):
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise UserError(
                f"--tokenizer {path}: reading a tokenizer.json needs the 'tokenizers' package; "
                f"install it with: pip install 'llmpar[hf]'"
            ) from None
        try:
            self._tok = Tokenizer.from_file(path)
        except Exception as e:  # noqa: BLE001 - the library raises a bare Exception for a malformed file
            raise UserError(f"--tokenizer {path}: not a valid tokenizer.json ({e})") from None
        self.name = path
        self.vocab_size = self._tok.get_vocab_size(with_added_tokens=True)

    def encode(self, text: str | bytes) -> np.ndarray:
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return np.asarray(self._tok.encode(text).ids, dtype=np.uint32)

    def decode(self, ids) -> str:
        return self._tok.decode([int(i) for i in ids])


def load_tokenizer(path: str | None):
    if path is None:
        return ByteTokenizer()
    if not os.path.isfile(path):
        raise UserError(
            f"--tokenizer: no such file {path!r}; give the path of a Hugging Face tokenizer.json, "
            f"or leave the flag out for the byte-level tokenizer"
        )
    return HFTokenizer(path)

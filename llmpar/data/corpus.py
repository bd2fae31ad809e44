"""Where tokens come from: the embedded corpus, a text file, a folder of text, or a pre-tokenized `.bin`.

The `.bin` format written by `llmpar prepare-data` is a 32-byte header then the token ids, memory-mapped on
read:

    offset 0   8 bytes  magic b"LLMPTOK1"
    offset 8   u32      bytes per token (2 or 4)
    offset 12  u32      reserved (0)
    offset 16  u64      vocabulary size of the tokenizer that wrote it
    offset 24  u64      number of tokens

A `.bin` without this header is read as raw uint16 ids, the format nanoGPT's prepare scripts write.
"""

from __future__ import annotations

import os
import struct
import sysconfig

import numpy as np

from llmpar.errors import UserError

MAGIC = b"LLMPTOK1"
HEADER = struct.Struct("<8sIIQQ")  # 32 bytes
_SKIP_DIRS = {"site-packages", "dist-packages", "__pycache__", "test", "tests", "idle_test"}


def default_corpus_files() -> list[str]:
    """The running interpreter's standard-library sources (no tests, no installed packages), sorted."""
    root = sysconfig.get_paths()["stdlib"]
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in _SKIP_DIRS)
        files += [os.path.join(d, n) for n in names if n.endswith(".py")]
    return sorted(files)


def text_files(folder: str) -> list[str]:
    """Every regular, non-hidden file under a folder, in sorted order."""
    files = []
    for d, dirs, names in os.walk(folder):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        files += [os.path.join(d, n) for n in names if not n.startswith(".")]
    return sorted(f for f in files if os.path.isfile(f))


def read_text_bytes(files: list[str]) -> bytes:
    return b"\n".join(_read(f) for f in files)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def describe_data(path: str | None) -> str:
    if path is None:
        return f"the Python {sysconfig.get_python_version()} standard library sources (embedded corpus)"
    return path


def check_data_path(path: str | None) -> None:
    """Raise UserError if `--data` does not name something we can read."""
    if path is None:
        if not default_corpus_files():
            raise UserError("the embedded corpus (the Python standard library sources) was not found on this "
                            "machine; give a text file or folder with --data")
        return
    if not os.path.exists(path):
        raise UserError(f"--data: no such file or folder {path!r}; give a text file, a folder of text files, "
                        f"or a .bin written by 'llmpar prepare-data' (or leave --data out for the embedded corpus)")
    if os.path.isdir(path) and not text_files(path):
        raise UserError(f"--data: the folder {path!r} holds no files")
    if path.endswith(".bin"):
        read_bin(path)  # validates the header


def read_bin(path: str) -> tuple[np.ndarray, int | None]:
    """Memory-map a token file; returns (ids, vocab size or None when the file has no header)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(HEADER.size)
    if len(head) == HEADER.size and head[:8] == MAGIC:
        _, width, _, vocab, count = HEADER.unpack(head)
        dtype = {2: np.uint16, 4: np.uint32}.get(width)
        if dtype is None or HEADER.size + count * width != size:
            raise UserError(f"--data {path}: the header says {count} tokens of {width} bytes but the file holds "
                            f"{size - HEADER.size} bytes after it; rewrite it with 'llmpar prepare-data'")
        return np.memmap(path, dtype=dtype, mode="r", offset=HEADER.size, shape=(count,)), vocab
    if size % 2:
        raise UserError(f"--data {path}: neither an llmpar token file (no header) nor raw uint16 ids (odd size); "
                        f"write it with 'llmpar prepare-data'")
    return np.memmap(path, dtype=np.uint16, mode="r"), None


def write_bin(path: str, ids: np.ndarray, vocab_size: int) -> None:
    """Write ids with the header, atomically (a temporary file renamed into place)."""
    width = 2 if vocab_size <= 2**16 else 4
    ids = np.asarray(ids, dtype=np.uint16 if width == 2 else np.uint32)
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(HEADER.pack(MAGIC, width, 0, vocab_size, ids.size))
            f.write(ids.tobytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_tokens(path: str | None, tokenizer) -> tuple[np.ndarray, int]:
    """All token ids of `--data` as a 1-D array, and the vocabulary size they need."""
    if path is not None and path.endswith(".bin"):
        ids, vocab = read_bin(path)
        return ids, vocab if vocab is not None else int(ids.max()) + 1
    if path is None:
        files = default_corpus_files()
    elif os.path.isdir(path):
        files = text_files(path)
    else:
        files = [path]
    return tokenizer.encode(read_text_bytes(files)), tokenizer.vocab_size

"""Where tokens come from: the embedded corpus, a text file, a folder of text, or a pre-tokenized `.bin`.

The `.bin` format written by `llmpar prepare-data` is a 32-byte header then the token ids, memory-mapped on
read:

    offset 0   8 bytes  magic b"LLMPTOK1"
    offset 8   u32      bytes per token (2 or 4)
    offset 12  u32      reserved (0)
    offset 16  u64      vocabulary size of the tokenizer that wrote it
    offset 24  u64      number of tokens

A `.bin` without this header is read as raw uint16 ids, the format nanoGPT's prepare scripts write.

A folder is read as the text files under it, in sorted order, hidden ones left out. A file counts as text when
its first 8 KiB hold no NUL byte and are valid UTF-8 (what `git` and `grep` call binary is skipped, and counted).
"""

from __future__ import annotations

import codecs
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


SNIFF = 8192  # bytes looked at to tell text from binary


def is_text_file(path: str) -> bool:
    """No NUL byte and valid UTF-8 in the first 8 KiB (a character cut at the 8 KiB mark is fine)."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF)
    except OSError:
        return False
    if b"\0" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF)
    except UnicodeDecodeError:
        return False
    return True


def folder_files(folder: str) -> tuple[list[str], list[str]]:
    """(the text files, the other files) under a folder: regular and not hidden, in sorted order."""
    files = []
    for d, dirs, names in os.walk(folder):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        files += [os.path.join(d, n) for n in names if not n.startswith(".")]
    files = sorted(f for f in files if os.path.isfile(f))
    text = [f for f in files if is_text_file(f)]
    chosen = set(text)
    return text, [f for f in files if f not in chosen]


def text_files(folder: str) -> list[str]:
    """The text files under a folder, in sorted order (binary files are skipped: see `is_text_file`)."""
    return folder_files(folder)[0]


def read_text_bytes(files: list[str]) -> bytes:
    return b"\n".join(_read(f) for f in files)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def describe_data(path: str | None, tokens: int | None = None) -> str:
    """What --data is, with how many files were read (and skipped as binary) and `tokens`, when given."""
    n = "" if tokens is None else f", {tokens:,} tokens"
    if path is None:
        return f"the Python {sysconfig.get_python_version()} standard library sources (embedded corpus{n})"
    if os.path.isdir(path):
        text, skipped = folder_files(path)
        why = f", {len(skipped)} skipped as not text" if skipped else ""
        return f"{path} ({len(text)} text file{'s' if len(text) != 1 else ''}{why}{n})"
    return f"{path} ({n[2:]})" if n else path


def check_data_path(path: str | None) -> None:
    """Raise UserError if `--data` does not name something we can read."""
    if path is None:
        if not default_corpus_files():
            raise UserError(
                "the embedded corpus (the Python standard library sources) was not found on this "
                "machine; give a text file or folder with --data"
            )
        return
    if not os.path.exists(path):
        raise UserError(
            f"--data: no such file or folder {path!r}; give a text file, a folder of text files, "
            f"or a .bin written by 'llmpar prepare-data' (or leave --data out for the embedded corpus)"
        )
    if path.endswith(".bin"):
        read_bin(path)  # validates the header
    elif os.path.isdir(path):
        text, skipped = folder_files(path)
        if not text:
            raise UserError(
                f"--data: the folder {path!r} holds no text files"
                + (f" ({len(skipped)} skipped: a NUL byte or invalid UTF-8 in their first 8 KiB)" if skipped else "")
                + "; give a folder of text, or a .bin written by 'llmpar prepare-data'"
            )
    elif not os.path.isfile(path):
        raise UserError(f"--data {path}: not a regular file or folder; give a text file, a folder or a .bin")


def read_bin(path: str) -> tuple[np.ndarray, int | None]:
    """Memory-map a token file; returns (ids, vocab size or None when the file has no header)."""
    if not os.path.isfile(path):
        raise UserError(
            f"--data {path}: {'a folder' if os.path.isdir(path) else 'no such file'}; a .bin is a "
            f"token file written by 'llmpar prepare-data'"
        )
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(HEADER.size)
    except OSError as e:
        raise UserError(f"--data {path}: cannot read it ({e.strerror or e})") from None
    if size == 0:
        raise UserError(f"--data {path}: the file is empty; write it with 'llmpar prepare-data'")
    if len(head) == HEADER.size and head[:8] == MAGIC:
        _, width, _, vocab, count = HEADER.unpack(head)
        dtype = {2: np.uint16, 4: np.uint32}.get(width)
        if dtype is None or HEADER.size + count * width != size:
            raise UserError(
                f"--data {path}: the header says {count} tokens of {width} bytes but the file holds "
                f"{size - HEADER.size} bytes after it; rewrite it with 'llmpar prepare-data'"
            )
        if count == 0:
            raise UserError(
                f"--data {path}: the file holds no tokens; write it again from text with 'llmpar prepare-data'"
            )
        return np.memmap(path, dtype=dtype, mode="r", offset=HEADER.size, shape=(count,)), vocab
    if size % 2:
        raise UserError(
            f"--data {path}: neither an llmpar token file (no header) nor raw uint16 ids (odd size); "
            f"write it with 'llmpar prepare-data'"
        )
    return np.memmap(path, dtype=np.uint16, mode="r"), None


def check_vocabulary(ids: np.ndarray, vocab_size: int, path: str) -> None:
    """Every id below the model's vocab_size (a scan of the memory map: about a second per GB)."""
    top = int(ids.max()) if len(ids) else -1
    if top >= vocab_size:
        raise UserError(
            f"--data {path}: holds the token id {top}, beyond the model's vocab_size {vocab_size} (ids "
            f"0 to {vocab_size - 1}); use a model config with vocab_size > {top}, or the tokenizer "
            f"the model was made for"
        )


def write_bin(path: str, ids: np.ndarray, vocab_size: int) -> None:
    """Write ids with the header, atomically (a temporary file renamed into place), making missing folders."""
    width = 2 if vocab_size <= 2**16 else 4
    ids = np.asarray(ids, dtype=np.uint16 if width == 2 else np.uint32)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
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


def data_files(path: str | None) -> list[str]:
    """The text files a `--data` that is not a .bin reads: the embedded corpus (None), a folder's text files,
    or the file itself."""
    if path is None:
        return default_corpus_files()
    return text_files(path) if os.path.isdir(path) else [path]


def load_tokens(path: str | None, tokenizer) -> tuple[np.ndarray, int]:
    """All token ids of `--data` as a 1-D array, and the vocabulary size they need."""
    if path is not None and path.endswith(".bin"):
        ids, vocab = read_bin(path)
        return ids, vocab if vocab is not None else int(ids.max()) + 1
    return tokenizer.encode(read_text_bytes(data_files(path))), tokenizer.vocab_size

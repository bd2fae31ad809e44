"""The checkpoint on disk: tensors in safetensors files, described by a JSON manifest. No pickle anywhere.

    DIR/step_000010/
        manifest.json            what is where, and how to check it
        rank00000.safetensors    the pieces rank 0 wrote
        rank00003.safetensors    ...

Every tensor is stored by its global name and global shape, whatever the layout that wrote it. A rank writes
the piece of each tensor it holds — a slice along one dimension for a tensor-parallel shard, the whole tensor
otherwise — and each piece is written once, by one of the ranks that hold it. The manifest lists, per tensor,
its shape, dtype and pieces (file, key, start and stop per dimension). Per file it lists its size and SHA-256,
checked before anything is read. A reader assembles any slice of any tensor from the pieces that overlap it,
so any layout reads any checkpoint.

Writing is atomic: the ranks write into `.partial-step_000010/`, rank 0 writes the manifest, and only then
renames the folder to `step_000010/`. A crash leaves the partial folder, which readers ignore, and never
damages a complete checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from typing import NoReturn

import torch

from llmpar.errors import UserError, is_json_int

FORMAT, VERSION = "llmpar-checkpoint", 1
MANIFEST = "manifest.json"
STEP_DIR = re.compile(r"^step_(\d{6,})$")


def step_dir(root: str, step: int) -> str:
    return os.path.join(root, f"step_{step:06d}")


def partial_dir(root: str, step: int) -> str:
    return os.path.join(root, f".partial-step_{step:06d}")


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: str, data: dict) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: once, at import, before any thread writes
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def save_safetensors(tensors: dict, path: str, metadata: dict | None = None) -> None:
    """safetensors' save_file, with the permissions of any other file written here: the library creates its
    files 0600, whatever the umask."""
    from safetensors.torch import save_file

    save_file(tensors, path, metadata=metadata)
    os.chmod(path, 0o666 & ~_UMASK)


def write_pieces(
    folder: str, rank: int, pieces: list[tuple[str, torch.Tensor, list[int], list[int], list[int]]]
) -> None:
    """Write this rank's pieces — (name, tensor, global shape, start, stop) — and a note of them for rank 0."""
    fname = f"rank{rank:05d}.safetensors"
    tensors, entries = {}, []
    for k, (name, t, shape, start, stop) in enumerate(pieces):
        key = f"{k}:{name}"
        tensors[key] = t.detach().contiguous().cpu()
        entries.append(
            {
                "name": name,
                "key": key,
                "shape": list(shape),
                "dtype": str(t.dtype).removeprefix("torch."),
                "start": list(start),
                "stop": list(stop),
            }
        )
    path = os.path.join(folder, fname)
    save_safetensors(tensors, path)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    write_json_atomic(
        os.path.join(folder, f"rank{rank:05d}.json"),
        {"file": fname, "bytes": os.path.getsize(path), "sha256": sha256(path), "pieces": entries},
    )


def finish(root: str, step: int, header: dict) -> str:
    """Rank 0, after every rank has written: merge the ranks' notes into the manifest and publish the folder."""
    folder = partial_dir(root, step)
    tensors: dict[str, dict] = {}
    files: dict[str, dict] = {}
    for note_name in sorted(n for n in os.listdir(folder) if n.endswith(".json") and n.startswith("rank")):
        with open(os.path.join(folder, note_name), encoding="utf-8") as f:
            note = json.load(f)
        if note["file"]:  # (a rank with nothing to write leaves only its note, in a background save)
            files[note["file"]] = {"bytes": note["bytes"], "sha256": note["sha256"]}
        for e in note["pieces"]:
            t = tensors.setdefault(e["name"], {"shape": e["shape"], "dtype": e["dtype"], "pieces": []})
            t["pieces"].append({"file": note["file"], "key": e["key"], "start": e["start"], "stop": e["stop"]})
        os.remove(os.path.join(folder, note_name))
    write_json_atomic(
        os.path.join(folder, MANIFEST),
        {"format": FORMAT, "version": VERSION, "step": step, **header, "files": files, "tensors": tensors},
    )
    fsync_dir(folder)
    final = step_dir(root, step)
    if os.path.exists(final):  # a checkpoint of this step already exists: replace it, never half of it
        shutil.rmtree(final)
    os.rename(folder, final)
    fsync_dir(root)
    return final


def complete_steps(root: str) -> list[tuple[int, str]]:
    """(step, folder name) of the complete checkpoints (step folders with a manifest) under a --save folder, in
    step order; crashed saves (`.partial-step_N`) are not among them."""
    if not os.path.isdir(root):
        return []
    return sorted(
        (int(m.group(1)), n)
        for n in os.listdir(root)
        if (m := STEP_DIR.match(n)) and os.path.isfile(os.path.join(root, n, MANIFEST))
    )


def latest(path: str) -> str:
    """`path` itself if it is a checkpoint, else its latest complete step folder."""
    if not os.path.isdir(path):
        raise UserError(
            f"{path}: {'not a folder' if os.path.exists(path) else 'no such folder'}; give a checkpoint "
            f"folder (step_NNNNNN), the folder --save wrote to, or a Hugging Face model folder"
        )
    if os.path.isfile(os.path.join(path, MANIFEST)):
        return path
    steps = complete_steps(path)
    if not steps:
        raise UserError(
            f"{path} holds no complete checkpoint (a step_NNNNNN folder with a manifest.json); "
            f"give the folder --save wrote to, or one of its step folders"
        )
    return os.path.join(path, steps[-1][1])


_DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _json_kind(x) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(x), "a number"
    )


def is_plain_file_name(name) -> bool:
    """A name that stays in its folder: no separator, no `..`, not absolute, nothing hidden in it."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and os.path.basename(name) == name
    )


def check_manifest(m, where: str) -> None:
    """Raise UserError naming the key unless `m` is a manifest every reader can trust: the keys present, of
    their types, every file a plain name in the checkpoint folder, every piece inside its tensor and in a file
    the manifest lists (and so checks). Nothing read later needs checking again."""

    def bad(key: str, what: str) -> NoReturn:
        raise UserError(
            f"checkpoint {where}: {MANIFEST}: {key} {what}; the manifest is damaged or was not written by llmpar"
        )

    def obj(value, key: str, required: bool = True) -> dict:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            bad(key, "is missing" if value is None else f"must be an object, not {_json_kind(value)}")
        return value

    def ints(value, key: str, n: int | None = None, bound: list | None = None) -> list[int]:
        if not isinstance(value, list) or not all(is_json_int(v) and v >= 0 for v in value):
            bad(key, f"must be a list of integers 0 or more, got {json.dumps(value)[:60]}")
        if n is not None and len(value) != n:
            bad(key, f"has {len(value)} entries but the tensor has {n} dimensions")
        if bound is not None and any(v > b for v, b in zip(value, bound)):
            bad(key, f"{value} lies outside the tensor's shape {bound}")
        return value

    obj(m, "the top level")
    if m.get("format") != FORMAT:
        raise UserError(f"checkpoint {where}: not an llmpar checkpoint (no '{FORMAT}' manifest)")
    if not is_json_int(m.get("version")) or m["version"] > VERSION:
        bad("version", f"is {m.get('version')!r}; this llmpar reads version {VERSION} (a newer llmpar wrote it?)")
    if not is_json_int(m.get("step")) or m["step"] < 0:
        bad("step", f"must be an integer 0 or more, got {m.get('step')!r}")
    obj(m.get("model"), "model")
    for key in ("train", "layout", "rng"):
        obj(m.get(key), key, required=False)
    files = obj(m.get("files"), "files")
    for name, meta in files.items():
        key = f"files[{name!r}]"
        if not is_plain_file_name(name):
            bad(key, "is not a plain file name: a checkpoint reads only files in its own folder")
        meta = obj(meta, key)
        if not is_json_int(meta.get("bytes")) or meta["bytes"] < 0:
            bad(f"{key}.bytes", f"must be an integer 0 or more, got {meta.get('bytes')!r}")
        if not isinstance(meta.get("sha256"), str) or not _SHA256.match(meta["sha256"]):
            bad(f"{key}.sha256", "must be 64 lowercase hexadecimal digits")
    for name, meta in obj(m.get("tensors"), "tensors").items():
        key = f"tensors[{name!r}]"
        meta = obj(meta, key)
        shape = ints(meta.get("shape"), f"{key}.shape")
        if meta.get("dtype") not in _DTYPES:
            bad(f"{key}.dtype", f"is {meta.get('dtype')!r}, not one of {', '.join(_DTYPES)}")
        pieces = meta.get("pieces")
        if not isinstance(pieces, list) or not pieces:
            bad(f"{key}.pieces", f"must be a non-empty list, got {json.dumps(pieces)[:60]}")
        for k, piece in enumerate(pieces):
            pk = f"{key}.pieces[{k}]"
            piece = obj(piece, pk)
            if piece.get("file") not in files:
                bad(f"{pk}.file", f'names {piece.get("file")!r}, which is not in "files"')
            if not isinstance(piece.get("key"), str):
                bad(f"{pk}.key", f"must be a string, got {piece.get('key')!r}")
            start = ints(piece.get("start"), f"{pk}.start", len(shape), shape)
            stop = ints(piece.get("stop"), f"{pk}.stop", len(shape), shape)
            if any(a > b for a, b in zip(start, stop)):
                bad(pk, f"starts after it stops (start {start}, stop {stop})")


class Checkpoint:
    """A checkpoint opened for reading: its manifest, checked files, and slices of any tensor.

    The manifest is checked whole on opening (`check_manifest`). Files are read only if the manifest lists them,
    only from inside the checkpoint folder (a name or link leading outside is refused), and only after their
    size and SHA-256 were checked: here with `verify` (the default), or by the launcher's validation before the
    workers open the same checkpoint with verify=False (they then check the sizes only)."""

    def __init__(self, path: str, verify: bool = True):
        self.path = latest(path)
        try:
            with open(os.path.join(self.path, MANIFEST), encoding="utf-8") as f:
                self.manifest = json.load(f)
        except (OSError, ValueError) as e:  # ValueError: bad JSON or bad UTF-8
            raise UserError(f"checkpoint {self.path}: cannot read {MANIFEST} ({e})") from None
        check_manifest(self.manifest, self.path)
        self._open: dict = {}
        self._verified: set[str] = set()
        self._trusted = not verify  # verified before, by another process
        if verify:
            self.verify()

    def _file(self, name: str) -> str:
        """The path of a file the manifest lists, refused if it (or a link) leads out of the checkpoint folder."""
        root = os.path.realpath(self.path)
        real = os.path.realpath(os.path.join(root, name))
        if name not in self.manifest["files"] or os.path.dirname(real) != root:
            raise UserError(
                f"checkpoint {self.path}: {name} leads outside the checkpoint folder (to {real}); "
                f"a checkpoint reads only its own files"
            )
        return real

    def _check_file(self, name: str, checksum: bool) -> str:
        path, meta = self._file(name), self.manifest["files"][name]
        if not os.path.isfile(path):
            raise UserError(f"checkpoint {self.path}: the file {name} is missing")
        if os.path.getsize(path) != meta["bytes"]:
            raise UserError(
                f"checkpoint {self.path}: {name} holds {os.path.getsize(path)} bytes but the "
                f"manifest says {meta['bytes']}: the file is truncated or was replaced"
            )
        if checksum and sha256(path) != meta["sha256"]:
            raise UserError(
                f"checkpoint {self.path}: {name} does not match its SHA-256 in the manifest: the "
                f"file was altered or damaged"
            )
        self._verified.add(name)
        return path

    def verify(self) -> None:
        for name in self.manifest["files"]:
            self._check_file(name, checksum=True)

    @property
    def step(self) -> int:
        return self.manifest["step"]

    def names(self) -> list[str]:
        return list(self.manifest["tensors"])

    def shape(self, name: str) -> list[int]:
        return self.manifest["tensors"][name]["shape"]

    def has(self, name: str) -> bool:
        return name in self.manifest["tensors"]

    def _slice(self, piece: dict):
        """The safetensors slice of a piece, its file opened once (and checked first, if not yet)."""
        from safetensors import SafetensorError, safe_open

        name = piece["file"]
        f = self._open.get(name)
        if f is None:
            path = self._file(name) if name in self._verified else self._check_file(name, not self._trusted)
            try:
                f = self._open[name] = safe_open(path, framework="pt")
            except (SafetensorError, OSError) as e:  # a damaged header
                raise UserError(f"checkpoint {self.path}: {name} is not a readable safetensors file ({e})") from None
        try:
            return f.get_slice(piece["key"])
        except SafetensorError:
            raise UserError(
                f"checkpoint {self.path}: {name} holds no tensor {piece['key']!r}, which the manifest places there"
            ) from None

    def read(self, name: str, start: list[int] | None = None, stop: list[int] | None = None) -> torch.Tensor:
        """The slice [start, stop) of a tensor (the whole tensor by default), from the pieces overlapping it."""
        meta = self.manifest["tensors"].get(name)
        if meta is None:
            raise UserError(f"checkpoint {self.path} has no tensor {name!r}")
        shape = meta["shape"]
        start = start or [0] * len(shape)
        stop = stop or list(shape)
        out = torch.empty([b - a for a, b in zip(start, stop)], dtype=getattr(torch, meta["dtype"]))
        covered = 0
        for piece in meta["pieces"]:
            lo = [max(a, p) for a, p in zip(start, piece["start"])]
            hi = [min(b, q) for b, q in zip(stop, piece["stop"])]
            if any(a >= b for a, b in zip(lo, hi)):
                continue
            stored = self._slice(piece)
            if list(stored.get_shape()) != [b - a for a, b in zip(piece["start"], piece["stop"])]:
                raise UserError(
                    f"checkpoint {self.path}: {piece['file']} holds {piece['key']!r} with shape "
                    f"{stored.get_shape()}, but the manifest says [{piece['start']}, {piece['stop']})"
                )
            src = tuple(slice(a - p, b - p) for a, b, p in zip(lo, hi, piece["start"]))
            dst = tuple(slice(a - s, b - s) for a, b, s in zip(lo, hi, start))
            out[dst] = stored[src]
            n = 1
            for a, b in zip(lo, hi):
                n *= b - a
            covered += n
        if covered != out.numel():
            raise UserError(f"checkpoint {self.path}: the pieces of {name!r} do not cover [{start}, {stop})")
        return out

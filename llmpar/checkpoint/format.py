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

import torch

from llmpar.errors import UserError

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


def write_pieces(folder: str, rank: int, pieces: list[tuple[str, torch.Tensor, list[int], list[int], list[int]]]) -> None:
    """Write this rank's pieces — (name, tensor, global shape, start, stop) — and a note of them for rank 0."""
    from safetensors.torch import save_file
    fname = f"rank{rank:05d}.safetensors"
    tensors, entries = {}, []
    for k, (name, t, shape, start, stop) in enumerate(pieces):
        key = f"{k}:{name}"
        tensors[key] = t.detach().contiguous().cpu()
        entries.append({"name": name, "key": key, "shape": list(shape), "dtype": str(t.dtype).removeprefix("torch."),
                        "start": list(start), "stop": list(stop)})
    path = os.path.join(folder, fname)
    save_file(tensors, path)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    write_json_atomic(os.path.join(folder, f"rank{rank:05d}.json"),
                      {"file": fname, "bytes": os.path.getsize(path), "sha256": sha256(path), "pieces": entries})


def finish(root: str, step: int, header: dict) -> str:
    """Rank 0, after every rank has written: merge the ranks' notes into the manifest and publish the folder."""
    folder = partial_dir(root, step)
    tensors, files = {}, {}
    for note_name in sorted(n for n in os.listdir(folder) if n.endswith(".json") and n.startswith("rank")):
        with open(os.path.join(folder, note_name), encoding="utf-8") as f:
            note = json.load(f)
        files[note["file"]] = {"bytes": note["bytes"], "sha256": note["sha256"]}
        for e in note["pieces"]:
            t = tensors.setdefault(e["name"], {"shape": e["shape"], "dtype": e["dtype"], "pieces": []})
            t["pieces"].append({"file": note["file"], "key": e["key"], "start": e["start"], "stop": e["stop"]})
        os.remove(os.path.join(folder, note_name))
    write_json_atomic(os.path.join(folder, MANIFEST), {"format": FORMAT, "version": VERSION, "step": step,
                                                       **header, "files": files, "tensors": tensors})
    fsync_dir(folder)
    final = step_dir(root, step)
    if os.path.exists(final):  # a checkpoint of this step already exists: replace it, never half of it
        shutil.rmtree(final)
    os.rename(folder, final)
    fsync_dir(root)
    return final


def latest(path: str) -> str:
    """`path` itself if it is a checkpoint, else its latest complete step folder."""
    if not os.path.isdir(path):
        raise UserError(f"--resume/--init {path}: no such folder")
    if os.path.isfile(os.path.join(path, MANIFEST)):
        return path
    steps = sorted((int(m.group(1)), n) for n in os.listdir(path) if (m := STEP_DIR.match(n))
                   and os.path.isfile(os.path.join(path, n, MANIFEST)))
    if not steps:
        raise UserError(f"{path} holds no complete checkpoint (a step_NNNNNN folder with a manifest.json); "
                        f"give the folder --save wrote to, or one of its step folders")
    return os.path.join(path, steps[-1][1])


class Checkpoint:
    """A checkpoint opened for reading: its manifest, checked files, and slices of any tensor."""

    def __init__(self, path: str, verify: bool = True):
        self.path = latest(path)
        try:
            with open(os.path.join(self.path, MANIFEST), encoding="utf-8") as f:
                self.manifest = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            raise UserError(f"{self.path}: cannot read {MANIFEST} ({e})") from None
        if self.manifest.get("format") != FORMAT:
            raise UserError(f"{self.path}: not an llmpar checkpoint (no '{FORMAT}' manifest)")
        if verify:
            self.verify()
        self._open: dict = {}

    def verify(self) -> None:
        for name, meta in self.manifest["files"].items():
            path = os.path.join(self.path, name)
            if not os.path.isfile(path):
                raise UserError(f"checkpoint {self.path}: the file {name} is missing")
            if os.path.getsize(path) != meta["bytes"]:
                raise UserError(f"checkpoint {self.path}: {name} holds {os.path.getsize(path)} bytes but the "
                                f"manifest says {meta['bytes']}: the file is truncated or was replaced")
            if sha256(path) != meta["sha256"]:
                raise UserError(f"checkpoint {self.path}: {name} does not match its SHA-256 in the manifest: the "
                                f"file was altered or damaged")

    @property
    def step(self) -> int:
        return self.manifest["step"]

    def names(self) -> list[str]:
        return list(self.manifest["tensors"])

    def shape(self, name: str) -> list[int]:
        return self.manifest["tensors"][name]["shape"]

    def has(self, name: str) -> bool:
        return name in self.manifest["tensors"]

    def read(self, name: str, start: list[int] | None = None, stop: list[int] | None = None) -> torch.Tensor:
        """The slice [start, stop) of a tensor (the whole tensor by default), from the pieces overlapping it."""
        from safetensors import safe_open
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
            f = self._open.get(piece["file"])
            if f is None:
                f = self._open[piece["file"]] = safe_open(os.path.join(self.path, piece["file"]), framework="pt")
            src = tuple(slice(a - p, b - p) for a, b, p in zip(lo, hi, piece["start"]))
            dst = tuple(slice(a - s, b - s) for a, b, s in zip(lo, hi, start))
            out[dst] = f.get_slice(piece["key"])[src]
            n = 1
            for a, b in zip(lo, hi):
                n *= b - a
            covered += n
        if covered != out.numel():
            raise UserError(f"checkpoint {self.path}: the pieces of {name!r} do not cover [{start}, {stop})")
        return out

"""What a step costs, measured: bytes saved for backward, model state held, peak memory; and the metrics line.

The line's schema is a contract (docs/design.md): every key is always present, 0 or null where it does not apply.
"""

from __future__ import annotations

import json
import os
import resource

import torch

from llmpar.plan.hardware import PROFILES, device_profile


class _Saved:
    """A tensor autograd saved for backward, counted while it lives."""

    __slots__ = ("key", "meter", "tensor")

    def __init__(self, meter: SavedTensorMeter, tensor: torch.Tensor, key: int):
        self.tensor, self.key, self.meter = tensor, key, meter

    def __del__(self):
        self.meter._release(self.key)


class _Untracked:
    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


class SavedTensorMeter:
    """Counts the bytes of the tensors autograd saves for backward: live now, and the peak since `reset_peak`.

    Each storage is counted once however many operations save it (x is saved by q, k and v alike), and
    parameters (saved by every matmul) are not activations and are not counted. A saved tensor stops counting
    when autograd releases it, i.e. when the backward pass has used it.
    """

    def __init__(self, parameters):
        # Storages are identified by their StorageImpl (`_cdata`), which survives a resize: ZeRO-3 frees and
        # regathers parameter buffers in place, and they must stay recognized as parameters.
        self.exclude = {p.untyped_storage()._cdata for p in parameters}
        self.live: dict[int, list[int]] = {}  # storage pointer -> [references, bytes]
        self.current = 0
        self.peak = 0

    def hooks(self):
        return torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)

    def reset_peak(self) -> None:
        self.peak = self.current

    def _pack(self, t: torch.Tensor):
        storage = t.untyped_storage()
        key = storage._cdata
        if key in self.exclude or storage.nbytes() == 0:
            return t
        entry = self.live.get(key)
        if entry is None:
            self.live[key] = [1, storage.nbytes()]
            self.current += storage.nbytes()
            self.peak = max(self.peak, self.current)
        else:
            entry[0] += 1
        return _Saved(self, t, key)

    def track(self, t: torch.Tensor) -> _Saved | _Untracked:
        """Count a tensor held for backward outside autograd (until the returned handle is dropped)."""
        saved = self._pack(t)
        return saved if isinstance(saved, _Saved) else _Untracked(t)

    @staticmethod
    def _unpack(saved):
        return saved.tensor if isinstance(saved, _Saved) else saved

    def _release(self, key: int) -> None:
        entry = self.live[key]
        entry[0] -= 1
        if entry[0] == 0:
            self.current -= entry[1]
            del self.live[key]


def unique_bytes(tensors) -> int:
    """Bytes of the distinct storages behind some tensors (views of one buffer count once)."""
    seen = {}
    for t in tensors:
        if t is not None and isinstance(t, torch.Tensor):
            s = t.untyped_storage()
            seen[s._cdata] = s.nbytes()
    return sum(seen.values())


def peak_memory_bytes(device: torch.device) -> int:
    """CUDA peak allocated, or the process's peak resident set size on CPU."""
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux reports KiB


def peak_flops(device: torch.device, dtype: str) -> float | None:
    """Dense bf16 peak of this GPU, for MFU: its hardware profile's (vendor datasheets). Unknown devices, and runs
    in other dtypes, report mfu null."""
    if device.type != "cuda" or dtype != "bf16":
        return None
    profile = device_profile(torch.cuda.get_device_name(device))
    return PROFILES[profile].peak_flops["bf16"] if profile else None


class MetricsWriter:
    """Appends one JSON line per optimizer step; written by rank 0 only, flushed at every line.

    A run that resumes at step k (after a crash, a restart or a preemption) keeps the file's lines of steps 1..k
    and drops the rest (steps it will train again, and a line cut short by a crash), so that one file holds the
    whole run, each step once. A new run starts the file afresh."""

    def __init__(self, path: str | None, keep_until: int = 0):
        self.file = None
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            kept = _lines_until(path, keep_until) if keep_until > 0 else []
            tmp = f"{path}.tmp-{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as f:
                f.writelines(kept)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # the old lines are never half-rewritten
            self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the run, closed by close()

    def write(self, record: dict) -> None:
        if self.file:
            self.file.write(json.dumps(record) + "\n")
            self.file.flush()

    def close(self) -> None:
        if self.file:
            self.file.close()


def _lines_until(path: str, step: int) -> list[str]:
    """The complete metrics lines of steps 1..step of an existing file, in order (none if there is no file)."""
    kept = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                if (
                    isinstance(record, dict)
                    and isinstance(record.get("step"), int)
                    and record["step"] <= step
                    and line.endswith("\n")
                ):
                    kept.append(line)
    except FileNotFoundError:
        return []
    return kept


def last_step(path: str) -> int:
    """The step of the last complete line of a metrics file (0 if there is none yet); for watchers of a live run."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        return json.loads(lines[-1])["step"] if lines else 0
    except (OSError, ValueError, KeyError, TypeError):
        return 0

"""Saving a training run's state from any layout, and loading it into any other.

Each rank knows, for each of its parameters, the global tensor it is part of: its name (a tied output layer on
the last pipeline stage is the embedding, "tok_emb.weight"), its global shape, and the slice it holds (a
tensor-parallel cut along one dimension, without the vocabulary padding; the whole tensor otherwise). Saving
gathers the ZeRO shards over the dp group, then one rank per copy writes its pieces of the parameters and of
AdamW's two moments. Loading reads exactly the slices this rank holds, in the new layout.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
import torch.distributed as dist
from torch import nn

from llmpar.checkpoint.format import (
    Checkpoint,
    finish,
    partial_dir,
    write_json_atomic,
    write_pieces,
)
from llmpar.errors import UserError
from llmpar.model.config import config_to_dict

if TYPE_CHECKING:
    from llmpar.model.transformer import Transformer

OPTIMIZER_KEYS = ("exp_avg", "exp_avg_sq")


@dataclass
class Placement:
    name: str  # the global tensor
    shape: list[int]  # its global shape
    dim: int | None  # the dimension this rank's tensor is a slice along (None: the whole tensor)
    start: int = 0
    length: int = 0  # real (not padding) entries along dim
    writes: bool = True  # this copy is the one saved

    def bounds(self) -> tuple[list[int], list[int]]:
        start, stop = [0] * len(self.shape), list(self.shape)
        if self.dim is not None:
            start[self.dim], stop[self.dim] = self.start, self.start + self.length
        return start, stop

    def local_slice(self) -> tuple:
        """The part of this rank's tensor that holds real entries (padding rows excluded)."""
        if self.dim is None:
            return (...,)
        return (slice(None),) * self.dim + (slice(0, self.length),)


def placements(model: Transformer, tp, mesh) -> dict[nn.Parameter, Placement]:
    tp_rank, last_stage = mesh.coords["tp"], mesh.coords["pp"] == mesh.pp - 1
    first_stage = mesh.coords["pp"] == 0
    out = {}
    for name, p in model.named_parameters():
        tied_copy = name == "head.weight" and model.cfg.tie_embeddings
        if tied_copy:
            name = "tok_emb.weight"
        cut = tp.cuts.get(p)
        if cut is None:
            placement = Placement(name, list(p.shape), None, writes=tp_rank == 0)
        else:
            dim, start, length, total = cut
            shape = list(p.shape)
            shape[dim] = total
            placement = Placement(name, shape, dim, start, length, writes=length > 0)
        if tied_copy and last_stage and not first_stage:
            placement.writes = False  # the first stage's copy is the one saved
        out[p] = placement
    return out


def save(
    pm, cfg, step: int, crash: bool = False, background: AsyncSaver | None = None, timeout: float = 600.0
) -> str | None:
    """Every rank calls it after optimizer step `step`; returns the checkpoint folder (on rank 0). `crash`, the
    fault a test injects: this rank writes part of a file into the folder and dies before the save completes.

    With `background`, the ranks copy their pieces to host memory now (the one collective, ZeRO's gather, runs
    here) and the saver's threads write them while training goes on: each rank writes its file and a note, and
    rank 0's thread publishes the folder once every rank's note is there. A crash at any point leaves only the
    partial folder, as a plain save does."""
    mesh, rank = pm.mesh, pm.mesh.rank
    root = cfg.save
    folder = partial_dir(root, step)
    if rank == 0:
        os.makedirs(root, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)  # what a crashed save left
        os.makedirs(folder)
    _barrier(pm)
    if crash:
        with open(os.path.join(folder, f"rank{rank:05d}.safetensors"), "wb") as f:
            f.write(b"half a checkpoint")
        raise RuntimeError(f"injected fault (LLMPAR_INJECT_FAULT) on rank {rank} while saving step {step}")
    states = pm.engine.full_states()  # a collective over dp for the ZeRO stages
    pieces = []
    if mesh.coords["dp"] == 0 and mesh.coords["cp"] == 0:  # one copy of each piece (weights are the same on both)
        for p, where in pm.placements.items():
            if not where.writes:
                continue
            start, stop = where.bounds()
            for key, tensor in [("", states[p]["param"])] + [(k, states[p][k]) for k in OPTIMIZER_KEYS]:
                name = f"optimizer.{key}/{where.name}" if key else where.name
                piece = tensor[where.local_slice()]
                if background is not None:  # training will change it in place: a copy, as it is now
                    piece = piece.detach().to("cpu", copy=True)
                pieces.append((name, piece, where.shape, start, stop))
    header = _header(cfg, step) if rank == 0 else None
    if background is not None:
        background.start(folder, rank, pieces, header, root, step, cfg.world_size, timeout)
        return None
    if pieces:
        write_pieces(folder, rank, pieces)
    _barrier(pm)
    final = finish(root, step, header) if header is not None else None  # rank 0 made the header
    _barrier(pm)
    return final


def _header(cfg, step: int) -> dict:
    return {
        "model": config_to_dict(cfg.model_cfg),
        "layout": cfg.layout(),
        "train": {
            "seed": cfg.seed,
            "global_batch_size": cfg.global_batch_size,
            "seq_len": cfg.seq_len,
            "dtype": cfg.dtype,
            "data": cfg.data,
            "tokenizer": cfg.tokenizer,
            "samples_consumed": step * cfg.global_batch_size,
            "optimizer_steps": step,
            # The learning-rate schedule the run planned (a resumed run says how it continues it).
            "steps": cfg.steps,
            "warmup": cfg.warmup,
            "lr": cfg.lr,
            "lr_schedule": cfg.lr_schedule,
        },
        # No random number is drawn while training (no dropout; the data order is a function of the seed
        # and the step), so the seed and the step are the whole random state.
        "rng": {"seed": cfg.seed, "data_order": "permutation of (seed, epoch)"},
    }


class AsyncSaver:
    """The background half of `save(..., background=saver)`: one checkpoint at a time, per rank.

    A rank's thread writes its pieces and its note (a rank with no pieces writes only the note). Rank 0's thread
    then waits for every rank's note and publishes the folder (the manifest, then the rename), exactly as a plain
    save does after its barrier. An error in a thread (a full disk) is raised by the next `wait`."""

    def __init__(self):
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self, folder, rank, pieces, header, root, step, world, timeout) -> None:
        def work():
            try:
                if pieces:
                    write_pieces(folder, rank, pieces)
                else:
                    write_json_atomic(os.path.join(folder, f"rank{rank:05d}.json"), {"file": None, "pieces": []})
                if header is not None:
                    _await_notes(folder, world, timeout)
                    finish(root, step, header)
            except BaseException as e:  # noqa: BLE001 - kept for the training thread to raise
                self.error = e

        self.thread = threading.Thread(target=work, name=f"llmpar-save-{step}", daemon=True)
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise RuntimeError(f"writing a checkpoint in the background failed: {error}") from error


def _await_notes(folder: str, world: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sum(n.startswith("rank") and n.endswith(".json") for n in os.listdir(folder)) < world:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{folder}: not every rank wrote its part within {timeout:.0f} s; the checkpoint "
                f"stays incomplete (the previous one is intact)"
            )
        time.sleep(0.02)


def _barrier(pm) -> None:
    if dist.is_initialized():
        flag = torch.zeros(1, device=pm.device)
        pm.comm.all_reduce(flag, "world", count=False)


def load_weights(ck: Checkpoint, where: dict[nn.Parameter, Placement]) -> None:
    """Copy this rank's slices of the parameters into the model (padding stays zero)."""
    with torch.no_grad():
        for p, w in where.items():
            start, stop = w.bounds()
            p[w.local_slice()].copy_(ck.read(w.name, start, stop).to(p.dtype))


def load_optimizer(ck: Checkpoint, engine, where: dict[nn.Parameter, Placement]) -> None:
    states: dict[nn.Parameter, dict[str, torch.Tensor]] = {}
    for p, w in where.items():
        start, stop = w.bounds()
        states[p] = {}
        for key in ("param", *OPTIMIZER_KEYS):
            name = w.name if key == "param" else f"optimizer.{key}/{w.name}"
            if not ck.has(name):
                raise UserError(
                    f"--resume {ck.path}: it holds no optimizer state ({name}); it was written by "
                    f"'llmpar convert' or from weights only: start from it with --init instead"
                )
            # In the optimizer's dtype (a bf16 run's fp32 masters and moments). ZeRO-3's p holds no memory now.
            dtype = engine.state_dtype or p.dtype
            full = torch.zeros(p.shape, dtype=dtype, device=p.device)
            full[w.local_slice()].copy_(ck.read(name, start, stop).to(dtype))
            states[p][key] = full
    engine.load_states(states, ck.manifest["train"]["optimizer_steps"])

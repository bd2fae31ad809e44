"""`llmpar convert`: between llmpar checkpoints of different layouts, and to and from Hugging Face format.

Any layout reads any llmpar checkpoint, so resharding is not needed to resume; converting writes the files as a
run in the target layout would (a file per writing rank, each holding that rank's tensor-parallel slices of the
layers of its pipeline stage). That is useful to ship a checkpoint cut for the machines that will read it.
"""

from __future__ import annotations

import os
import shutil

from llmpar.checkpoint.format import Checkpoint, finish, partial_dir, step_dir, write_pieces
from llmpar.checkpoint.hf import is_hf_folder, read_hf, write_hf
from llmpar.errors import UserError
from llmpar.model.config import ModelConfig, config_from_dict, config_to_dict
from llmpar.parallel import tp_plan
from llmpar.paths import check_writable_folder
from llmpar.pipeline.stages import partition


def tp_cut(name: str, shape: list[int], cfg: ModelConfig, tp: int, r: int) -> tuple[int | None, int, int]:
    """(dim, start, length) of tp rank r's slice of a global tensor (a parameter or its optimizer state), as
    tensor parallelism cuts it (`tp_plan`)."""
    return tp_plan.shard(name.rsplit("/", 1)[-1], shape, cfg.vocab_size, tp, r)


def stage_of(name: str, cfg: ModelConfig, pp: int, seq_len: int) -> int:
    """The pipeline rank that holds a tensor (1F1B's split: one chunk per rank)."""
    base = name.rsplit("/", 1)[-1]
    if base.startswith(("tok_emb.", "pos_emb.")):
        return 0
    if base.startswith(("norm.", "head.")):
        return pp - 1
    layer = int(base.split(".")[1])
    return next(c for c, layers in enumerate(partition(cfg, pp, seq_len)) if layer in layers)


def write_layout(
    dst: str, cfg: ModelConfig, tensors: dict, step: int, header: dict, dp: int, tp: int, pp: int, zero: int
) -> str:
    """Write `tensors` (global, by name) as an llmpar checkpoint cut for the layout dp × tp × pp."""
    for name, value in (("--tp", tp), ("--pp", pp), ("--dp", dp)):
        if value < 1:
            raise UserError(f"{name} must be positive")
    for field in ("n_heads", "n_kv_heads", "d_ff"):
        if getattr(cfg, field) % tp:
            raise UserError(f"--tp {tp}: {field}={getattr(cfg, field)} is not divisible by {tp}")
    if pp > cfg.n_layers:
        raise UserError(f"--pp {pp}: the model has only {cfg.n_layers} layers")
    seq_len = header["train"].get("seq_len") or min(cfg.max_seq_len, 256)
    by_rank: dict[int, list] = {}
    for name, t in tensors.items():
        shape = list(t.shape)
        s = stage_of(name, cfg, pp, seq_len)
        for r in range(tp):
            dim, start, length = tp_cut(name, shape, cfg, tp, r)
            if dim is None and r > 0:
                break  # replicated: written by tp rank 0
            lo, hi = [0] * len(shape), list(shape)
            if dim is not None:
                if length == 0:
                    continue
                lo[dim], hi[dim] = start, start + length
            piece = t[tuple(slice(a, b) for a, b in zip(lo, hi))]
            rank = s * dp * tp + r  # dp rank 0 of this (pp, tp) position
            by_rank.setdefault(rank, []).append((name, piece, shape, lo, hi))
    folder = partial_dir(dst, step)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for rank, pieces in sorted(by_rank.items()):
        write_pieces(folder, rank, pieces)
    layout = {**header.get("layout", {}), "dp": dp, "tp": tp, "pp": pp, "zero": zero}
    return finish(dst, step, {**header, "model": config_to_dict(cfg), "layout": layout})


def convert(src: str, dst: str, to: str, dp: int, tp: int, pp: int, zero: int) -> str:
    if os.path.realpath(src) == os.path.realpath(dst):
        raise UserError(f"{dst}: the destination must differ from the source")
    for name, value in (("--tp", tp), ("--pp", pp), ("--dp", dp)):
        if value < 1:
            raise UserError(f"{name} {value}: must be 1 or more")
    if zero not in (0, 1, 2, 3):
        raise UserError(f"--zero {zero}: choose 0, 1, 2 or 3")
    check_writable_folder(dst, "the destination")
    if (
        to == "hf"
        and os.path.isdir(dst)
        and any(n == "config.json" or n.endswith(".safetensors") for n in os.listdir(dst))
    ):
        raise UserError(
            f"{dst} already holds a model (config.json or .safetensors files); give another destination or remove it"
        )
    if is_hf_folder(src):
        cfg, tensors = read_hf(src)
        step, header = 0, {"train": {"seed": 0, "optimizer_steps": 0}, "rng": {}}
    else:
        ck = Checkpoint(src)
        cfg = config_from_dict(ck.manifest["model"], ck.path)
        tensors = {n: ck.read(n) for n in ck.names()}
        step = ck.step
        header = {k: ck.manifest[k] for k in ("layout", "train", "rng") if k in ck.manifest}
    try:
        if to == "hf":
            weights = {n: t for n, t in tensors.items() if not n.startswith("optimizer.")}
            write_hf(dst, cfg, weights)
            return dst
        if os.path.lexists(step_dir(dst, step)):
            raise UserError(f"{step_dir(dst, step)} already exists; give another destination or remove it")
        return write_layout(dst, cfg, tensors, step, header, dp, tp, pp, zero)
    except OSError as e:  # checked writable above; the disk can still fill up
        raise UserError(f"{dst}: cannot write the converted checkpoint ({e.strerror or e})") from None

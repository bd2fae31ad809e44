"""`llmpar train --layout auto`: the planner chooses the layout, before any worker starts.

The run's processes (`--nproc`, torchrun's world, one per GPU, or on a CPU two, or the fixed axes' product if
larger) are the planner's devices, and the hardware profile is this machine's: `cpu` on a CPU, the GPU's own
(`device_profile`) on a GPU, or `--hardware NAME` / `--hardware-config FILE`. The layout flags given with
`--layout auto` are fixed, the others searched, exactly as `llmpar plan` does with the same flags; the choice is
the planner's `auto` choice: the simplest of the layouts predicted within 3% of the fastest (`llmpar plan` lists
the layouts fastest first and says which one that is). So `llmpar plan` and `llmpar train --layout auto` agree by
construction: the same search, the same choice, and the flags of `report.layout_flags`.

Every worker decides alike (under torchrun each one validates its own configuration): the choice depends on the
flags, the process count and the profile only, never on what memory happens to be free; the memory pre-flight
checks the chosen layout against the machine afterwards, as it checks a layout given by hand.
"""

from __future__ import annotations

import math

from llmpar.config import RECOMPUTE, SCHEDULES, TrainConfig, _choice, _cuda_count, _positive
from llmpar.errors import UserError
from llmpar.layout import CP_MODES, Layout
from llmpar.plan.cost import Batch, Estimate
from llmpar.plan.hardware import Hardware, device_profile, hardware
from llmpar.plan.planner import TIE, Fixed, GiB, Plan, _complexity, explain_empty, plan
from llmpar.plan.report import layout_flags
from llmpar.procs import cores

# Why a layout ranks before another within the tie, by the position where their _complexity keys first differ.
SIMPLER = (
    "a simpler schedule",
    "fewer micro-batches",
    "a lower ZeRO stage",
    "no sequence parallelism",
    "no recomputation",
    "no context parallelism",
)


def profile(cfg: TrainConfig) -> Hardware:
    """The profile to plan with: the one given, else this machine's."""
    if cfg.hardware is not None and cfg.hardware_config is not None:
        raise UserError("give either --hardware NAME or --hardware-config FILE, not both")
    if cfg.hardware is not None or cfg.hardware_config is not None:
        return hardware(cfg.hardware, cfg.hardware_config)
    if cfg.device == "cpu":
        return hardware("cpu")
    import torch

    name = torch.cuda.get_device_name(0)
    found = device_profile(name)
    if found is None:
        raise UserError(
            f"--layout auto: llmpar has no profile of the GPU {name!r}; give --hardware NAME (a100-80gb, h100-sxm, "
            f"h200) or --hardware-config FILE (`llmpar calibrate` writes one)"
        )
    return hardware(found)


def processes(cfg: TrainConfig, outside: int | None) -> tuple[int, str]:
    """How many processes the run has, and where that comes from (for the messages)."""
    if outside is not None:
        return outside, "the processes torchrun started"
    if cfg.nproc is not None:
        return cfg.nproc, f"--nproc {cfg.nproc}"
    if cfg.device == "cuda":
        return _cuda_count(), "one per GPU"
    fixed = math.prod(v for v in (cfg.dp, cfg.tp, cfg.pp, cfg.cp) if v is not None)
    n = max(fixed, 2 if cores() >= 2 else 1)
    return n, "this CPU's default; --nproc N for another count"


def _fixed(cfg: TrainConfig) -> Fixed:
    """The layout flags given, checked as `validate` checks them; the others (None) are searched."""
    for flag, value in (
        ("--dp", cfg.dp),
        ("--tp", cfg.tp),
        ("--pp", cfg.pp),
        ("--cp", cfg.cp),
        ("--virtual-stages", cfg.virtual_stages),
        ("--micro-batches", cfg.micro_batches),
        ("--micro-batch-size", cfg.sequences_per_micro_batch),
    ):
        if value is not None:
            _positive(flag, value)
    if cfg.zero is not None:
        _choice("--zero", cfg.zero, (0, 1, 2, 3))
    if cfg.schedule is not None:
        _choice("--schedule", cfg.schedule, SCHEDULES)
    if cfg.recompute is not None:
        _choice("--recompute", cfg.recompute, RECOMPUTE)
    if cfg.cp_mode is not None:
        _choice("--cp-mode", cfg.cp_mode, CP_MODES)
    if cfg.sp_save_gathered:
        raise UserError(
            "--sp-save-gathered with --layout auto: the planner does not search it; leave it out, or give the "
            "layout with --dp/--tp/--pp and --sequence-parallel"
        )
    return Fixed(
        dp=cfg.dp,
        tp=cfg.tp,
        pp=cfg.pp,
        zero=cfg.zero,
        schedule=cfg.schedule,
        virtual_stages=cfg.virtual_stages,
        micro_batches=cfg.micro_batches,
        micro_batch_size=cfg.sequences_per_micro_batch,
        sequence_parallel=cfg.sequence_parallel,
        recompute=cfg.recompute,
        # (--cp and --cp-mode left out are None, searched, as the other layout flags; --cp-mode with --cp 1 means
        # nothing to search)
        cp=cfg.cp,
        cp_mode=cfg.cp_mode if cfg.cp != 1 else None,
    )


def _check_processes(fixed: Fixed, n: int, where: str) -> None:
    """The fixed axes against the processes: one line naming the flag and what would work."""
    divisors = [k for k in range(1, n + 1) if n % k == 0]
    for flag, value in (("--dp", fixed.dp), ("--tp", fixed.tp), ("--pp", fixed.pp), ("--cp", fixed.cp)):
        if value is not None and n % value:
            raise UserError(
                f"--layout auto {flag} {value}: the run has {n} processes ({where}), which {value} does not "
                f"divide; use {flag} {' or '.join(map(str, divisors))}, or run a multiple of {value} processes"
            )
    axes = (("--dp", fixed.dp), ("--tp", fixed.tp), ("--pp", fixed.pp), ("--cp", fixed.cp))
    given = [(f, v) for f, v in axes if v is not None]
    product = math.prod(v for _, v in given)
    if n % product or (fixed.dp is not None and len(given) == 4 and product != n):
        flags = " × ".join(f"{f} {v}" for f, v in given)
        raise UserError(
            f"--layout auto {flags} = {product} processes, but the run has {n} ({where}); leave one of them out "
            f"to have the planner fill it, or run {product} processes"
        )


def choose(cfg: TrainConfig, outside: int | None) -> tuple[Layout, str]:
    """The planner's choice for `cfg` (its model and seq_len known, its layout fields None where searched), and
    the lines that say what was chosen and why. Raises UserError when no layout can be chosen."""
    if cfg.layout_mode != "auto":
        raise UserError(
            f"--layout {cfg.layout_mode}: the one value is auto (the planner's choice for this machine); give a "
            f"layout by hand with --dp/--tp/--pp and the other layout flags instead"
        )
    fixed = _fixed(cfg)
    n, where = processes(cfg, outside)
    _check_processes(fixed, n, where)
    hw = profile(cfg)
    dtype = cfg.dtype if cfg.dtype in hw.dtypes else None
    if dtype is None:
        raise UserError(
            f"--layout auto --dtype {cfg.dtype}: the hardware profile {hw.name!r} gives no {cfg.dtype} rate to plan "
            f"with; use --dtype {' or '.join(hw.dtypes)}, or another --hardware"
        )
    batch = Batch(cfg.global_batch_size, cfg.seq_len, dtype)
    try:
        result = plan(cfg.model_cfg, hw, n, batch, fixed, top=20, too_big=False)
    except UserError as e:
        raise UserError(f"--layout auto on {n} processes: {e}") from None
    if not result.candidates:
        why = explain_empty(result, hw)
        raise UserError(f"--layout auto on {n} processes ({where}) with the {hw.name} profile: {why}")
    best = result.auto[0]
    return best.layout, _why(best, result.auto[1:2], result, n, hw)


def how_chosen(best: Estimate, result: Plan) -> str:
    """How the choice relates to `llmpar plan`'s list: the fastest, or the simplest within TIE of it."""
    fastest = result.candidates[0]
    place = next((i for i, e in enumerate(result.candidates, 1) if e is best), None)
    where = f"#{place} of `llmpar plan`'s list" if place else "beyond `llmpar plan`'s list"
    if best is fastest:
        return f"the fastest ({where})"
    return f"the simplest within {TIE:.0%} of the fastest ({where}, which is sorted by predicted time)"


def _why(best: Estimate, rest: list[Estimate], result: Plan, n: int, hw: Hardware) -> str:
    """2 or 3 lines: the choice with its prediction, and the runner-up with why it lost."""
    flags = " ".join(layout_flags(best.layout))
    mem = best.memory_bytes["total"]
    lines = [
        f"llmpar train: --layout auto chose {flags} for {n} process{'es' if n > 1 else ''} on the {hw.name} profile, "
        f"{how_chosen(best, result)} of {result.fitting} layouts that fit ({result.searched} searched)",
        f"  predicted: step {best.step_time_s:.3f} s ({best.tokens_per_s:,.0f} tokens/s, bubble "
        f"{best.bubble_fraction:.1%}), {_size(mem)} per process for model state and activations",
    ]
    if rest:
        second = rest[0]
        diff = second.step_time_s / best.step_time_s - 1
        if second.step_time_s > best.step_time_s * (1 + TIE):
            lost = f"{diff:.1%} slower"
        else:
            a, b = _complexity(best), _complexity(second)
            simpler = next((SIMPLER[i] for i in range(len(a)) if a[i] != b[i]), None)
            lost = (
                f"{diff:.1%} slower, as simple a layout"
                if simpler is None
                else (
                    f"{abs(diff):.1%} {'slower' if diff >= 0 else 'faster'}: within the {TIE:.0%} that the cost model "
                    f"cannot tell apart, the simpler layout goes first ({simpler})"
                )
            )
        lines.append(f"  runner-up: {' '.join(layout_flags(second.layout))}: {second.step_time_s:.3f} s, {lost}")
    return "\n".join(lines)


def _size(x: float) -> str:
    return f"{x / GiB:.2f} GiB" if x >= GiB else f"{x / 2**20:.1f} MiB"

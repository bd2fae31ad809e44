"""The planner: every layout of N devices that can run, its predicted cost, fastest first.

Layout flags the user gives are fixed; the rest are searched: dp · cp · tp · pp = N, the ZeRO stage, the
micro-batch size, the schedule (and virtual stages), sequence parallelism, recomputation and the context-parallel
mode. A layout that cannot run is
rejected with the reason (the same checks `llmpar train` makes before it starts), and one that runs out of
memory with the bytes it needs. Candidates that fit are ordered by predicted step time (`order`: equal times by
memory per device, then the simpler layout). `llmpar train --layout auto` runs the simplest of those within 3% of
the fastest (`simplest_within_tie`), and the plan says which that is.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from llmpar.config import (
    MAX_MICRO_BATCHES,
    TrainConfig,
    _check_pipeline,
    _check_tensor_parallel,
    micro_batches_of_size,
)
from llmpar.errors import UserError
from llmpar.layout import CP_MODES
from llmpar.model.config import ModelConfig
from llmpar.parallel.cp_plan import layout_reason
from llmpar.plan.cost import Batch, Estimate, Layout, estimate, memory_need
from llmpar.plan.cost.context import MODES as PRICED_CP_MODES
from llmpar.plan.cost.values import LLMPAR, Software
from llmpar.plan.hardware import Hardware

GiB = 2**30
SEARCHED_SCHEDULES = ("1f1b", "interleaved", "zb")  # GPipe takes 1F1B's time with more memory; naive is slower


@dataclass
class Fixed:
    """The layout flags given on the command line (None: searched)."""

    dp: int | None = None
    tp: int | None = None
    pp: int | None = None
    zero: int | None = None
    schedule: str | None = None
    virtual_stages: int | None = None
    micro_batches: int | None = None
    micro_batch_size: int | None = None  # sequences per micro-batch per replica: micro_batches = B / (dp · this)
    sequence_parallel: bool | None = None
    recompute: str | None = None
    cp: int | None = None
    cp_mode: str | None = None


@dataclass
class Plan:
    candidates: list[Estimate]  # fit in memory, in `order` (fastest first), the first `top`
    too_big: list[Estimate] = field(default_factory=list)  # run, but do not fit; least memory first
    too_big_need: list[float] = field(default_factory=list)  # what each of them needs (`memory_need`)
    rejected: list[tuple[dict, str]] = field(default_factory=list)  # (layout, why it cannot run)
    searched: int = 0
    fitting: int = 0  # how many layouts fit (the candidates are the best `top` of them)
    # Context-parallel layouts left out of the search because a layout searched beside them is as small and
    # faster: the same with dp·cp replicas (`layouts`).
    dominated: int = 0
    # Per (dp, tp, pp, cp): None if some variant fits, else why none can be used (the least memory one needs, or
    # the first reason a variant cannot run).
    verdict: dict = field(default_factory=dict)
    least_need: float | None = None  # the least memory_need of the layouts that do not fit
    fixed: Fixed = field(default_factory=Fixed)  # the layout flags given
    timed: list[Estimate] = field(default_factory=list)  # every layout that fits and was simulated
    # What `llmpar train --layout auto` runs for this request, and its runner-up: `simplest_within_tie(timed)`.
    auto: list[Estimate] = field(default_factory=list)


def _divisors(n: int) -> list[int]:
    return [k for k in range(1, n + 1) if n % k == 0]


def _shape_reason(cfg: ModelConfig, layout: Layout, batch: Batch) -> str | None:
    """Why `llmpar train` would refuse this layout, or None."""
    tc = TrainConfig(global_batch_size=batch.global_batch_size, seq_len=batch.seq_len, model_cfg=cfg)
    tc = tc.with_layout(layout)
    try:
        _check_tensor_parallel(tc)
        if layout.zero > 0 and layout.dp * layout.cp == 1:
            raise UserError("ZeRO needs --dp 2 or more")
        _check_pipeline(tc)
    except UserError as e:
        return str(e)
    if layout.sequence_parallel and batch.seq_len % layout.tp:
        return f"--sequence-parallel needs --seq-len divisible by --tp {layout.tp}"
    return cp_reason(cfg, layout, batch.seq_len)


def cp_reason(cfg: ModelConfig, layout: Layout, seq_len: int) -> str | None:
    """Why `llmpar train` would refuse this layout's context parallelism, in its words (`parallel.cp_plan`,
    torch-free: the plan does not import torch), or None. The all-gather mode (Megatron-Core's and Llama 3's), which
    the cost model prices and train does not run, splits the sequence as the ring does: its checks are the ring's."""
    mode = "ring" if layout.cp_mode == "all-gather" else layout.cp_mode
    return layout_reason(seq_len, layout.cp, mode, layout.tp, layout.sequence_parallel, cfg.n_heads, cfg.n_kv_heads)


def check_request(cfg: ModelConfig, gpus: int, batch: Batch, fixed: Fixed) -> None:
    """Requests no layout can serve, explained before searching."""
    if gpus < 1:
        raise UserError(f"--gpus {gpus}: give the number of devices to plan for, 1 or more")
    if batch.global_batch_size < 1 or batch.seq_len < 1:
        raise UserError("--global-batch-size and --seq-len must be positive")
    if batch.seq_len > cfg.max_seq_len:
        raise UserError(f"--seq-len {batch.seq_len} is longer than the model's max_seq_len {cfg.max_seq_len}")
    tps = [t for t in _divisors(cfg.n_heads) if cfg.n_kv_heads % t == 0 and cfg.d_ff % t == 0]
    cps = _cp_sizes(batch.seq_len, fixed)
    most = max(tps) * cfg.n_layers * batch.global_batch_size * max(cps)
    if gpus > most:
        cp_part = f" × cp {max(cps)} (two tokens of each sequence per rank)" if max(cps) > 1 else ""
        raise UserError(
            f"{gpus} devices are more than this model and batch can use: at most tp {max(tps)} (the "
            f"attention heads split no further) × pp {cfg.n_layers} (one layer per stage) × dp "
            f"{batch.global_batch_size} (one sequence per replica){cp_part} = {most}; plan for fewer devices "
            f"or a larger --global-batch-size"
        )
    if fixed.cp_mode is not None and fixed.cp_mode not in PRICED_CP_MODES:
        raise UserError(f"--cp-mode {fixed.cp_mode!r}: choose one of {', '.join(PRICED_CP_MODES)}")
    axes = (("--dp", fixed.dp), ("--tp", fixed.tp), ("--pp", fixed.pp), ("--cp", fixed.cp))
    for flag, value in axes:
        if value is not None and (value < 1 or gpus % value):
            raise UserError(
                f"{flag} {value} does not divide --gpus {gpus}; use one of {', '.join(map(str, _divisors(gpus)))}"
            )
    fixed_product = math.prod(v for _, v in axes if v is not None)
    names = "--dp/--tp/--pp" + ("/--cp" if fixed.cp is not None else "")
    if fixed_product and gpus % fixed_product:
        raise UserError(f"the fixed {names} multiply to {fixed_product}, which does not divide --gpus {gpus}")
    if None not in (fixed.dp, fixed.tp, fixed.pp) and fixed_product != gpus:
        product = " × ".join(f"{flag} {value}" for flag, value in axes if value is not None)
        if fixed.cp is not None:
            raise UserError(f"{product} = {fixed_product}, not --gpus {gpus}; leave one of them out to have it filled")
        if gpus // fixed_product not in cps:  # (cp fills the rest where it can)
            raise UserError(
                f"{product} = {fixed_product}, not --gpus {gpus}, and --cp {gpus // fixed_product} cannot fill the "
                f"rest (--seq-len {batch.seq_len} must be a multiple of 2 × cp); leave one of them out to have it "
                f"filled"
            )
    if fixed.dp is not None and fixed.dp > batch.global_batch_size:
        raise UserError(
            f"--dp {fixed.dp} is more than the --global-batch-size {batch.global_batch_size}: every "
            f"replica needs at least one sequence; use a batch of at least {fixed.dp} sequences"
        )
    _check_micro_batch_size(gpus, batch.global_batch_size, fixed)


def _cp_sizes(seq_len: int, fixed: Fixed) -> list[int]:
    """The context-parallel sizes the search may take: the one fixed, or every n with S a multiple of 2n (1
    always). Which of them divide the devices is the search's business."""
    if fixed.cp is not None:
        return [fixed.cp]
    return [1] + [n for n in range(2, seq_len // 2 + 1) if seq_len % (2 * n) == 0]


def _check_micro_batch_size(gpus: int, B: int, fixed: Fixed) -> None:
    """--micro-batch-size N: micro-batches = B / (dp · N). With dp fixed, N must divide each replica's share;
    with --micro-batches too, the two must agree. With dp searched, it keeps the dp it divides (`layouts`)."""
    n, m, dp = fixed.micro_batch_size, fixed.micro_batches, fixed.dp
    if n is None:
        return
    if n > B:
        raise UserError(
            f"--micro-batch-size {n} is more than the --global-batch-size {B}: a micro-batch is part of one "
            f"replica's share of the batch; use --micro-batch-size {B} or less"
        )
    if dp is not None:
        micro_batches_of_size(B, dp, n, m, f"--dp {dp}")
    if dp is None:  # the replica counts the search can take, and each one's share of the batch
        shares = sorted({B // d for d in _divisors(gpus // ((fixed.tp or 1) * (fixed.pp or 1))) if B % d == 0})
        if shares and not any(share % n == 0 for share in shares):
            near = sorted({k for share in shares for k in _divisors(share)}, key=lambda k: abs(k - n))[:3]
            raise UserError(
                f"--micro-batch-size {n} divides no replica's share of the batch: on {gpus} devices a replica has "
                f"{' or '.join(map(str, shares))} sequences (--global-batch-size {B} / dp); use --micro-batch-size "
                f"{' or '.join(map(str, sorted(near)))}"
            )
    if dp is None and m is not None:
        per_replica = m * n
        if B % per_replica or gpus % (B // per_replica):
            raise UserError(
                f"--micro-batches {m} × --micro-batch-size {n} = {per_replica} sequences per replica, which "
                + (
                    f"does not divide the --global-batch-size {B}"
                    if B % per_replica
                    else f"makes {B // per_replica} replicas, and {B // per_replica} does not divide --gpus {gpus}"
                )
                + "; give one of the two flags"
            )


def layouts(cfg: ModelConfig, gpus: int, batch: Batch, fixed: Fixed, max_micro_batch: int = 16, skipped=None):
    """Every layout the search considers (valid or not), as (layout, why it cannot run or None).

    Context parallelism is searched over the sizes S allows (`_cp_sizes`), in both modes where one is not fixed.
    A context-parallel layout whose micro-batch holds b ≥ cp sequences (b a multiple of cp) is dominated by the
    same layout with dp·cp replicas and b/cp sequences per micro-batch: the same tokens per rank and micro-batch,
    the same micro-batches, the same model state (ZeRO shards over dp·cp either way), and less work (no
    attention exchanged, none of the ring's masked scores). Where the search holds that layout too (dp, cp and the
    micro-batch size not fixed, b/cp one of the searched sizes), the context-parallel one is left out and counted
    in `skipped` (a one-element list), not yielded. Context parallelism earns its place where a replica has fewer
    sequences per micro-batch than that: a sequence too long for one device, or a batch too small for the
    replicas."""
    B = batch.global_batch_size
    can_skip = fixed.dp is None and fixed.cp is None and fixed.micro_batch_size is None
    for tp, pp, cp in itertools.product(_divisors(gpus), _divisors(gpus), _cp_sizes(batch.seq_len, fixed)):
        if gpus % (tp * pp * cp):
            continue
        dp = gpus // (tp * pp * cp)
        if (fixed.dp or dp) != dp or (fixed.tp or tp) != tp or (fixed.pp or pp) != pp:
            continue
        modes = ["ring"] if cp == 1 else ([fixed.cp_mode] if fixed.cp_mode else list(CP_MODES))
        if B % dp:
            yield Layout(dp=dp, tp=tp, pp=pp, cp=cp), f"--global-batch-size {B} does not divide by dp {dp}"
            continue
        per_replica = B // dp
        if fixed.micro_batch_size is not None:
            n = fixed.micro_batch_size
            m = per_replica // n
            why = None
            if per_replica % n:
                why = f"{per_replica} sequences per replica do not divide into micro-batches of {n}"
            elif fixed.micro_batches not in (None, m):
                why = f"{per_replica} sequences per replica are {m} micro-batches of {n}, not {fixed.micro_batches}"
            elif m > MAX_MICRO_BATCHES:
                why = f"{per_replica} sequences per replica are {m} micro-batches of {n}: more than {MAX_MICRO_BATCHES}"
            if why:
                yield Layout(dp=dp, tp=tp, pp=pp, cp=cp, micro_batches=max(1, m)), why
                continue
            ms = [m]
        elif fixed.micro_batches is not None:
            if per_replica % fixed.micro_batches:
                yield (
                    Layout(dp=dp, tp=tp, pp=pp, cp=cp, micro_batches=fixed.micro_batches),
                    f"{per_replica} sequences per replica do not divide into {fixed.micro_batches} micro-batches",
                )
                continue
            ms = [fixed.micro_batches]
        else:
            ms = [per_replica // mb for mb in _divisors(per_replica) if mb <= max_micro_batch and mb & (mb - 1) == 0]
        if cp > 1 and can_skip:
            kept = []
            for m in ms:
                b = per_replica // m
                searched = fixed.micro_batches is not None or (b // cp) & (b // cp - 1) == 0
                if b % cp == 0 and searched:
                    if skipped is not None:
                        skipped[0] += 1
                else:
                    kept.append(m)
            ms = kept
        zeros = [fixed.zero] if fixed.zero is not None else ([0, 1, 2, 3] if dp * cp > 1 else [0])
        if pp == 1:
            scheds = [(fixed.schedule or "1f1b", 1)]
        elif fixed.schedule is not None:
            scheds = (
                [(fixed.schedule, fixed.virtual_stages or 2)]
                if fixed.schedule == "interleaved"
                else [(fixed.schedule, 1)]
            )
        else:
            vs = [fixed.virtual_stages] if fixed.virtual_stages else [2, 4]
            vs = [v for v in vs if pp * v <= cfg.n_layers]
            scheds = [("1f1b", 1), ("zb", 1)] + [("interleaved", v) for v in vs]
        sps = (
            [fixed.sequence_parallel] if fixed.sequence_parallel is not None else ([False, True] if tp > 1 else [False])
        )
        # Selective recomputation leaves a context-parallel core alone: with cp > 1 it is no recomputation at all.
        recs = ["none", "selective", "full"] if cp == 1 else ["none", "full"]
        recs = [fixed.recompute] if fixed.recompute else recs
        for m, zero, (sch, v), sp, rec, mode in itertools.product(ms, zeros, scheds, sps, recs, modes):
            yield (
                Layout(
                    dp=dp,
                    tp=tp,
                    pp=pp,
                    zero=zero,
                    schedule=sch,
                    virtual_stages=v,
                    micro_batches=m,
                    sequence_parallel=sp,
                    recompute=rec,
                    cp=cp,
                    cp_mode=mode,
                ),
                None,
            )


def plan(
    cfg: ModelConfig,
    hw: Hardware,
    gpus: int,
    batch: Batch,
    fixed: Fixed | None = None,
    top: int = 10,
    too_big: bool = True,
    software: Software = LLMPAR,
) -> Plan:
    """Search, predict and order (the module's docstring). `too_big`: also predict the `top` layouts that need
    the least memory of those that do not fit (each a simulation); they are predicted anyway when none fits.
    `software`: how the training system runs a layout (`llmpar.plan.cost.values.SOFTWARE`)."""
    fixed = fixed or Fixed()
    check_request(cfg, gpus, batch, fixed)
    result = Plan(candidates=[], fixed=fixed)
    shape_ok: dict = {}
    budget = hw.memory_bytes
    fitting: list[Layout] = []
    smallest: list[tuple[float, Layout]] = []
    skipped = [0]
    for layout, why in layouts(cfg, gpus, batch, fixed, skipped=skipped):
        result.searched += 1
        if why is None:
            key = (
                layout.tp,
                layout.pp,
                layout.zero,
                layout.schedule,
                layout.virtual_stages,
                layout.micro_batches,
                layout.sequence_parallel,
                layout.cp,
                layout.cp_mode,
                layout.dp * layout.cp > 1,
            )
            if key not in shape_ok:
                shape_ok[key] = _shape_reason(cfg, layout, batch)
            why = shape_ok[key]
        triple = (layout.dp, layout.tp, layout.pp, layout.cp)
        if why is not None:
            result.rejected.append((layout.as_metrics(), why))
            result.verdict.setdefault(triple, why)
            continue
        need = memory_need(cfg, layout, batch, hw, software)  # per device; on a CPU, the processes of a node together
        if need <= budget:
            fitting.append(layout)
            result.verdict[triple] = None
        else:
            smallest.append((need, layout))
            old = result.verdict.get(triple, "")
            if old is not None and (not isinstance(old, float) or need < old):
                result.verdict[triple] = need
    # Time only what fits. The simulation is the costly part: bound each layout from below by its busiest
    # rank's compute (no bubble), and simulate in that order until the next bound can neither enter the top nor
    # come within TIE of the fastest (where `--layout auto` chooses).
    bounds = sorted(
        (
            (estimate(cfg, lay, batch, hw, simulate=False, software=software).step_time_s, i, lay)
            for i, lay in enumerate(fitting)
        )
    )
    estimates: list[Estimate] = []
    for bound, _, lay in bounds:
        if len(estimates) >= top:
            times = sorted(e.step_time_s for e in estimates)
            if bound > max(times[top - 1], times[0] * (1 + TIE)):
                break
        estimates.append(estimate(cfg, lay, batch, hw, software=software))
    result.timed = estimates
    result.dominated = skipped[0]
    result.candidates = order(estimates)[:top]
    result.auto = simplest_within_tie(estimates)[:2]
    result.fitting = len(fitting)
    smallest.sort(key=lambda x: x[0])
    if too_big or not result.candidates:
        result.too_big = [estimate(cfg, lay, batch, hw, software=software) for _, lay in smallest[:top]]
        result.too_big_need = [need for need, _ in smallest[:top]]
    result.least_need = smallest[0][0] if smallest else None
    return result


def order(estimates: list[Estimate]) -> list[Estimate]:
    """The plan's order (its table and its JSON): by predicted step time, fastest first; equal times by memory
    per device (the least first), then the simpler layout (`_complexity`)."""
    return sorted(estimates, key=lambda e: (e.step_time_s, e.memory_bytes["total"], _complexity(e)))


ORDER_NOTE = (
    "sorted by predicted step time, fastest first; equal times by memory per device (least first), then by the "
    "simpler layout"
)

# For `llmpar train --layout auto`, predictions closer than this are a tie. The model is not more precise: on the
# development machine, the measured times of the best family of layouts spread 10% where their predictions
# spread 3%.
TIE = 0.03
SIMPLER_SCHEDULE = {"1f1b": 0, "gpipe": 1, "zb": 2, "interleaved": 3, "naive": 4}


def _complexity(e: Estimate) -> tuple:
    """Simpler first: 1F1B before zero-bubble (a split backward) before interleaved (more chunks), then fewer
    micro-batches, the lower ZeRO stage, no SP, no recomputation, no context parallelism (then the ring, which
    any head count allows, before all-to-all)."""
    lay = e.layout
    return (
        SIMPLER_SCHEDULE.get(lay.schedule, 5) if lay.pp > 1 else 0,
        lay.micro_batches,
        lay.zero,
        lay.sequence_parallel,
        lay.recompute != "none",
        (lay.cp, lay.cp_mode != "ring") if lay.cp > 1 else (1, False),
    )


def simplest_within_tie(estimates: list[Estimate]) -> list[Estimate]:
    """`llmpar train --layout auto`'s order: by predicted step time, except that among predictions within TIE of
    the fastest the simplest layout comes first (a complex schedule is not worth a gain smaller than the
    model's precision)."""
    if not estimates:
        return []
    ordered = sorted(estimates, key=lambda e: e.step_time_s)
    best = ordered[0].step_time_s
    tied = [e for e in ordered if e.step_time_s <= best * (1 + TIE)]
    return sorted(tied, key=_complexity) + ordered[len(tied) :]


# `llmpar plan`'s exit statuses beyond 0 (docs/design.md): nothing fits; nothing can run (as a user error).
NOTHING_FITS = 1
NOTHING_RUNS = 2


def outcome(plan_: Plan, hw: Hardware) -> tuple[int, str | None]:
    """The exit status of `llmpar plan` and, unless 0, its one-line error: 1 when layouts run but none fits in
    memory, 2 when none of the layouts asked for can run (the flags ask for what `llmpar train` refuses)."""
    if plan_.candidates:
        return 0, None
    return (NOTHING_FITS if plan_.too_big else NOTHING_RUNS), explain_empty(plan_, hw)


def _fixed_flags(fixed: Fixed) -> list[str]:
    """The layout flags given, as the command line names them."""
    names = {"micro_batches": "--micro-batches", "micro_batch_size": "--micro-batch-size"}
    out = []
    for name in Fixed.__dataclass_fields__:
        value = getattr(fixed, name)
        if value is not None:
            flag = names.get(name, "--" + name.replace("_", "-"))
            out.append(flag if value is True else "--no-sequence-parallel" if value is False else f"{flag} {value}")
    return out


def axes_words(lay: Layout) -> str:
    """ "dp 2 tp 2 pp 1", with "cp 2 ring" when the layout splits its sequences."""
    words = f"dp {lay.dp} tp {lay.tp} pp {lay.pp}"
    return words + (f" cp {lay.cp} {lay.cp_mode}" if lay.cp > 1 else "")


def explain_empty(plan_: Plan, hw: Hardware) -> str:
    """Why no layout fits, and what would."""
    given = _fixed_flags(plan_.fixed)
    some = given[0] if len(given) == 1 else f"some of {', '.join(given)}"
    search = f", or leave {some} out for the planner to search" if given else ""
    if plan_.too_big:
        best = plan_.too_big[0]
        lay = best.layout
        if hw.cores:  # a CPU: the processes of a node share its memory
            where, need = (
                f"the {hw.memory_bytes / GiB:.0f} GiB of a machine shared by its processes",
                (
                    f"{(plan_.least_need or 0) / GiB:.1f} GiB there ({axes_words(lay)}, ZeRO "
                    f"{lay.zero}, micro-batch {best.micro_batch_size}: its processes together, each with its runtime "
                    f"and, while it starts, the whole model)"
                ),
            )
            fix = "use fewer processes, a smaller --global-batch-size or --seq-len, or a machine with more memory"
        else:
            where, need = (
                f"{hw.memory_bytes / GiB:.0f} GiB per device",
                (
                    f"{best.memory_bytes['peak'] / GiB:.1f} GiB ({axes_words(lay)}, ZeRO "
                    f"{lay.zero}, recompute {lay.recompute}, micro-batch {best.micro_batch_size})"
                ),
            )
            fix = "use more devices, a smaller --global-batch-size or --seq-len, or a device with more memory"
        if plan_.searched == 1:
            return f"the layout asked for does not fit in {where}: it needs {need}; {fix}{search}"
        return f"no layout fits in {where}: the least memory any needs is {need}; {fix}{search}"
    reasons = sorted({why for _, why in plan_.rejected})
    if len(reasons) == 1 and plan_.searched == 1:
        return f"the layout asked for cannot run: {reasons[0]}"
    return "no layout can run: " + "; ".join(reasons[:4]) + search

"""`llmpar plan`'s output: a readable table, or the JSON of the plan contract (docs/design.md); in both, each
candidate with the `llmpar train` flags that run it (`train_args`, the one function that writes them)."""

from __future__ import annotations

import shlex

from llmpar.model.config import ModelConfig
from llmpar.plan.cost import Batch, Estimate, Layout
from llmpar.plan.hardware import Hardware
from llmpar.plan.planner import ORDER_NOTE, TIE, GiB, Plan, outcome


def _schedule(e: Estimate) -> str:
    lay = e.layout
    if lay.pp == 1:
        return "-"
    return f"{lay.schedule}×{lay.virtual_stages}" if lay.schedule == "interleaved" else lay.schedule


def _cp(lay) -> str:
    """The cp column: 1, or the size and the mode ("2-ring", "4-a2a")."""
    return "1" if lay.cp == 1 else f"{lay.cp}-{ {'ring': 'ring', 'all-to-all': 'a2a'}.get(lay.cp_mode, 'ag') }"


def _mb(x: float) -> str:
    return f"{x / 2**20:.0f}" if x >= 2**20 or x == 0 else f"{x / 2**20:.2f}"


def rejections(plan: Plan, per: str = "per device") -> list[tuple[str, str]]:
    """One line per dp × tp × pp (× cp) of which no variant fits: the least memory one needs, or why none can run."""
    out = []
    for (d, t, p, c), verdict in sorted(plan.verdict.items()):
        if verdict is None:
            continue
        why = f"out of memory: needs {verdict / GiB:.1f} GiB {per} at best" if isinstance(verdict, float) else verdict
        out.append((f"dp {d} tp {t} pp {p}" + (f" cp {c}" if c > 1 else ""), why))
    return out


# How far the cost model's step time is from measured ones, by split of the published runs (`llmpar.plan.compare`):
# the half it was fitted on, the half held out from the fitting, and each blind set, as the model now predicts them
# (docs/cost-model.md says which model saw which set first, and its first look). UNSEEN, the band `plan` prints: the
# later blind sets together. tests/test_cost_model.py recomputes these numbers.
BANDS = {
    "fit": {"rows": 39, "mean": 0.051, "max": 0.168},
    "held-out": {"rows": 41, "mean": 0.069, "max": 0.375},
    "blind": {"rows": 29, "mean": 0.077, "median": 0.080, "max": 0.185},
    "blind2": {"rows": 34, "mean": 0.116, "median": 0.076, "max": 0.381},
    "blind3": {"rows": 21, "mean": 0.157, "median": 0.125, "max": 0.409},
    "blind4": {"rows": 46, "mean": 0.126, "median": 0.088, "max": 0.687},
    "blind5": {"rows": 177, "mean": 0.172, "median": 0.168, "max": 0.475},
    "blind6": {"rows": 25, "mean": 0.086, "median": 0.076, "max": 0.183},
    "blind7": {"rows": 34, "mean": 0.227, "median": 0.148, "max": 1.011},
    "blind8": {"rows": 18, "mean": 1.353, "median": 0.663, "max": 5.552},
    "blind9": {"rows": 35, "mean": 0.055, "median": 0.055, "max": 0.111},
    "blind10": {"rows": 33, "mean": 0.147, "median": 0.158, "max": 0.292},
    "blind11": {"rows": 8, "mean": 0.466, "median": 0.476, "max": 1.332},
    "blind12": {"rows": 12, "mean": 0.137, "median": 0.137, "max": 0.267},
    "blind13": {"rows": 8, "mean": 0.150, "median": 0.153, "max": 0.171},
    "blind14": {"rows": 1, "mean": 0.063, "median": 0.063, "max": 0.063},
    "blind15": {"rows": 8, "mean": 0.151, "median": 0.149, "max": 0.306},
    "blind16": {"rows": 7, "mean": 0.078, "median": 0.074, "max": 0.143},
    "blind17": {"rows": 30, "mean": 0.056, "median": 0.039, "max": 0.220},
    "blind18": {"rows": 28, "mean": 0.055, "median": 0.049, "max": 0.157},
    "blind19": {"rows": 23, "mean": 0.235, "median": 0.133, "max": 0.710},
    "blind20": {"rows": 8, "mean": 0.046, "median": 0.035, "max": 0.156},
    "blind21": {"rows": 7, "mean": 0.104, "median": 0.110, "max": 0.186},
    "blind22": {"rows": 20, "mean": 0.077, "median": 0.048, "max": 0.189},
}
UNSEEN = {
    "splits": tuple(f"blind{n}" for n in range(5, 17)),
    "rows": 366,
    "mean": 0.218,
    "median": 0.143,
    "max": 5.552,
}
# The same runs, by the kind of layout (`layout_kind`): a kind with at least MIN_KIND_ROWS of them gets its own band
# beside the whole one.
UNSEEN_BY_KIND = {
    "pipeline-parallel": {"rows": 77, "mean": 0.355, "median": 0.075, "max": 5.552},
    "fully sharded": {"rows": 242, "mean": 0.164, "median": 0.163, "max": 0.506},
    "data-parallel": {"rows": 19, "mean": 0.309, "median": 0.223, "max": 1.011},
    "tensor- or context-parallel": {"rows": 28, "mean": 0.251, "median": 0.168, "max": 1.332},
}
MIN_KIND_ROWS = 20
# The band of a prediction with FP8 matmuls (`Software.fp8`): the FP8 blind sets (the seventeenth to twentieth first
# predicted by the sixth round's model, the twenty-second by the seventh's), all kinds of layout together.
UNSEEN_FP8 = {
    "splits": ("blind17", "blind18", "blind19", "blind20", "blind22"),
    "rows": 109,
    "mean": 0.097,
    "median": 0.049,
    "max": 0.710,
}
# The choices among layouts in those runs (`compare.choice_summary`): runs of one system on one cluster, with
# the same model, sequence and GPUs, in two or more layouts; how often the layout the model ranked first was the
# fastest measured (within 5%), and what a layout drawn at random would have done.
CHOICES = {
    "splits": UNSEEN["splits"],
    "choices": 50,
    "first_within": 45,
    "chance_within": 21.1,
    "mean_loss": 0.037,
    "chance_loss": 0.134,
    "max_loss": 0.639,
    "pairs": 235,
    "pairs_ordered": 211,
}


# On a CPU the published (GPU) runs say nothing. What does: `benchmarks/cost_model_check.py` on this project's 2-core
# machine, the day its `cpu` profile was measured (docs/cost-model.md, "On this machine"): predicted over measured step
# time of dp 2, tp 2, pp 2 and dp 2 × tp 2 with ZeRO 3. On other days the machine ran up to 1.5× faster or slower
# than on that day, and every prediction with it: a CPU profile holds for the day it was measured.
CPU_RATIOS = (0.94, 0.85, 0.96, 1.00)
_cpu_errors = sorted(abs(1 / r - 1) for r in CPU_RATIOS)  # the throughput's error, as the published bands count it
CPU_CHECK = {
    "rows": len(_cpu_errors),
    "mean": sum(_cpu_errors) / len(_cpu_errors),
    "median": _cpu_errors[len(_cpu_errors) // 2],
    "max": _cpu_errors[-1],
}


def layout_kind(layout: Layout) -> str:
    """What kind of layout the error bands group it with: pipeline-parallel (pp > 1), fully sharded (ZeRO-3
    without a pipeline), tensor- or context-parallel, or data-parallel."""
    if layout.pp > 1:
        return "pipeline-parallel"
    if layout.zero == 3:
        return "fully sharded"
    return "tensor- or context-parallel" if layout.tp > 1 or layout.cp > 1 else "data-parallel"


def expected_error(layout: Layout, hw: Hardware | None = None, fp8: bool = False) -> dict:
    """The band a prediction of `layout` carries (`--json`'s "expected_error"): UNSEEN's at the runs of its
    kind where at least MIN_KIND_ROWS were of its kind, else at all of them ("kind": "all"), as fractions; on a CPU
    profile (`hw.cores`), this project's CPU check ("kind": "cpu"); with FP8 matmuls (`fp8`), UNSEEN_FP8's ("kind":
    "fp8")."""
    if hw is not None and hw.cores:
        return {"kind": "cpu", "runs": CPU_CHECK["rows"], **{k: CPU_CHECK[k] for k in ("mean", "median", "max")}}
    if fp8:
        return {"kind": "fp8", "runs": UNSEEN_FP8["rows"], **{k: UNSEEN_FP8[k] for k in ("mean", "median", "max")}}
    kind = layout_kind(layout)
    band: dict = UNSEEN_BY_KIND.get(kind) or {"rows": 0}
    if band["rows"] < MIN_KIND_ROWS:
        kind, band = "all", UNSEEN
    return {"kind": kind, "runs": band["rows"], **{k: band[k] for k in ("mean", "median", "max")}}


def error_band(layout: Layout, hw: Hardware | None = None, fp8: bool = False) -> str:
    """`expected_error` as `plan` prints it beside its best layout, with the whole band beside a kind's. The errors
    have a long tail (one system's runs off by up to seven times), so the median leads: half the runs were within it."""
    band = expected_error(layout, hw, fp8)
    if band["kind"] == "cpu":
        return (
            f"expected error of the step time on a CPU: the published runs behind the GPU band do not apply; on this "
            f"project's 2-core machine {band['runs']} layouts were within {band['max']:.0%} of their measured "
            f"throughput (mean {band['mean']:.0%}) on the day its profile was measured, and a machine's speed moves "
            f"from day to day (up to 1.5× here): run `llmpar calibrate` on the day you plan (docs/cost-model.md)"
        )

    def half(b: dict, runs: str) -> str:
        return f"half of {runs} were within ±{b['median']:.0%} (mean {b['mean']:.0%}, largest {b['max']:.0%}"

    if band["kind"] == "fp8":
        nvidia = max(BANDS[split]["max"] for split in ("blind17", "blind18", "blind20", "blind22"))
        return (
            f"expected error of the step time with FP8 matmuls, from the published FP8 runs the model had not seen: "
            f"{half(band, 'the ' + str(band['runs']))}: NVIDIA's NeMo, DGX Cloud, Megatron-Bridge and MLPerf runs "
            f"within {nvidia:.0%}, torchtitan's long sequences and rowwise scaling predicted up to "
            f"{1 + BANDS['blind19']['max']:.1f}× fast; docs/cost-model.md)"
        )
    if band["kind"] == "all":
        return (
            f"expected error of the step time, from the published runs the model had not seen: "
            f"{half(UNSEEN, 'the ' + str(UNSEEN['rows']))}; docs/cost-model.md)"
        )
    such = f"the {band['runs']} such runs"
    return (
        f"expected error of the step time for a {band['kind']} layout, from the published runs the model had not "
        f"seen: {half(band, such)}); of all, {half(UNSEEN, str(UNSEEN['rows']))}; docs/cost-model.md)"
    )


def choice_line() -> str:
    """What the later blind sets say of the model's ranking (CHOICES), as `plan` prints it under the error band."""
    c = CHOICES
    return (
        f"its ranking: in {c['choices']} published choices among layouts (one system, cluster, model and GPU count) "
        f"that the model had not seen, the layout it ranked first measured within 5% of the fastest in "
        f"{c['first_within']} (a random pick: {c['chance_within']:.0f}), {c['mean_loss']:.1%} slower than the fastest "
        f"on average (random: {c['chance_loss']:.0%}; docs/cost-model.md)"
    )


def _size_line(cfg: ModelConfig) -> str:
    n = cfg.num_params()
    return f"{n / 1e9:.2f}B" if n >= 1e9 else f"{n / 1e6:.2f}M"


def _rows(estimates: list[Estimate]) -> list[str]:
    """The table's header and one row per estimate, numbered from 1."""
    head = (
        f"{'#':>2} {'dp':>4} {'tp':>3} {'pp':>3} {'cp':>6} {'zero':>4} {'schedule':>13} {'mbs':>4} {'m':>4} {'sp':>3} "
        f"{'recompute':>9} {'step s':>8} {'tokens/s':>10} {'TFLOP/s':>8} {'MFU':>6} {'mem GiB':>8} "
        f"{'bubble':>6}  comm MB/step dp/tp/pp/cp"
    )
    lines = [head]
    for i, e in enumerate(estimates, 1):
        lay = e.layout
        mfu = f"{e.mfu:.1%}" if e.mfu is not None else "-"
        lines.append(
            f"{i:>2} {lay.dp:>4} {lay.tp:>3} {lay.pp:>3} {_cp(lay):>6} {lay.zero:>4} {_schedule(e):>13} "
            f"{e.micro_batch_size:>4} "
            f"{lay.micro_batches:>4} {'yes' if lay.sequence_parallel else 'no':>3} {lay.recompute:>9} "
            f"{e.step_time_s:>8.3f} {e.tokens_per_s:>10,.0f} {e.tflops_per_gpu:>8.3g} {mfu:>6} "
            f"{e.memory_bytes['peak'] / GiB:>8.1f} {e.bubble_fraction:>6.3f}  "
            f"{_mb(e.comm_bytes['dp'])}/{_mb(e.comm_bytes['tp'])}/{_mb(e.comm_bytes['pp'])}/{_mb(e.comm_bytes['cp'])}"
        )
    return lines


def too_big_reason(need: float, hw: Hardware) -> str:
    """Why a layout that runs does not fit: what it needs against what the profile has."""
    if hw.cores:  # a CPU: the processes of a machine share its memory
        return (
            f"does not fit: its processes on a machine need {need / GiB:.1f} GiB together (each with its runtime "
            f"and, while it starts, the whole model), more than the machine's {hw.memory_bytes / GiB:.0f} GiB"
        )
    return f"does not fit: needs {need / GiB:.1f} GiB per device, more than a device's {hw.memory_bytes / GiB:.0f} GiB"


def auto_note(plan: Plan) -> str | None:
    """Which row `llmpar train --layout auto` runs for this request, and why, when it is not simply the first."""
    if not plan.auto:
        return None
    choice = plan.auto[0]
    place = next((i for i, e in enumerate(plan.candidates, 1) if e is choice), None)
    if place == 1:
        return "llmpar train --layout auto would run #1 for this request"
    where = (
        f"#{place}" if place else " ".join(layout_flags(choice.layout)) + f" (beyond the {len(plan.candidates)} here)"
    )
    return (
        f"llmpar train --layout auto would run {where}: the simplest layout within {TIE:.0%} of the fastest "
        f"(closer predictions are a tie; `llmpar train` prints why)"
    )


def table(
    plan: Plan,
    cfg: ModelConfig,
    hw: Hardware,
    gpus: int,
    batch: Batch,
    name: str,
    model: list[str],
    software: str = "llmpar",
    fp8: bool = False,
) -> str:
    lines = [
        f"llmpar plan: {name} ({_size_line(cfg)} parameters) on {gpus} × {hw.name}, "
        f"global batch {batch.global_batch_size} × {batch.seq_len} tokens, {batch.dtype}; "
        f"{plan.searched} layout{'s' if plan.searched != 1 else ''} searched, {plan.fitting} fit in "
        f"{hw.memory_bytes / GiB:.0f} GiB" + (" (the machine's, shared by its processes)" if hw.cores else "")
    ]
    if plan.candidates:
        lines += ["", *_rows(plan.candidates), ORDER_NOTE]
        note = auto_note(plan)
        if note:
            lines.append(note)
        lines += ["", "the command of each:"]
        if software != "llmpar":
            lines.append(f"   (predicted for --software {software}; these commands run the layout with llmpar)")
        if fp8:
            lines.append(
                "   (predicted with FP8 matmuls; llmpar train runs them in 16 bits: these commands run the layout)"
            )
        lines += [f"{i:>2} {command(e.layout, model, batch, hw)}" for i, e in enumerate(plan.candidates, 1)]
        if any(e.layout.cp > 1 and e.layout.cp_mode == "all-gather" for e in plan.candidates):
            lines.append(
                "   (--cp-mode all-gather is priced for the systems that run it, Megatron-Core and Llama 3's; llmpar "
                "train runs ring and all-to-all)"
            )
        best = plan.candidates[0]
        p = best.parts
        lines += [
            "",
            f"best: 1, step {best.step_time_s:.3f} s = pipeline {p['pipeline']:.3f} (bubble "
            f"{best.bubble_fraction:.1%}) + data-parallel reduction (not hidden, or slowing what hides it) "
            f"{p['dp_exposed']:.3f} + "
            f"optimizer {p['optimizer']:.3f}"
            + (f" + tied-embedding sum {p['tied_sum']:.3f}" if p.get("tied_sum") else ""),
        ]
        lines.append(f"      {error_band(best.layout, hw, fp8)}")
        if not hw.cores:  # (the published choices are GPU runs)
            lines.append(f"      {choice_line()}")
        m = best.memory_bytes
        lines.append(
            f"      memory per device {m['total'] / GiB:.2f} GiB = parameters {m['params'] / GiB:.2f} + "
            f"gradients {m['grads'] / GiB:.2f} + optimizer {m['optimizer'] / GiB:.2f} + activations "
            f"{m['activations'] / GiB:.2f}; at its peak {m['peak'] / GiB:.2f} GiB (the step's temporaries, the "
            f"runtime and the allocator's margin added: the 'mem GiB' column)"
        )
    elif plan.too_big:
        one = plan.searched == 1
        lines += [
            "",
            "the layout asked for does not fit; its prediction:"
            if one
            else "no layout fits; those that need the least memory, least first:",
            *_rows(plan.too_big),
        ]
        lines += [f"{i:>2} {too_big_reason(need, hw)}" for i, need in enumerate(plan.too_big_need, 1)]
    rej = rejections(plan, "on the machine" if hw.cores else "per device")
    if rej and not (plan.too_big and plan.searched == 1):  # (the one layout's row says it already)
        lines += ["", "layouts that cannot be used:"]
        lines += [f"  {lay:<20} {why}" for lay, why in rej[:12]]
        if len(rej) > 12:
            lines.append(f"  ... and {len(rej) - 12} more (--json lists them all)")
    return "\n".join(lines)


def train_args(layout: Layout, model: list[str], batch: Batch, hw: Hardware) -> list[str]:
    """The `llmpar train` arguments that run `layout` as the cost model predicts it: the model (`model`: its
    --model or --model-config flag), the layout (`layout_flags`), the batch, the dtype, and the device of a CPU
    profile. The one place that turns a prediction into flags: the table, the JSON and `llmpar train --layout
    auto` use it, and a test parses them back with train's own parser."""
    args = [*model, *layout_flags(layout)]
    args += ["--global-batch-size", str(batch.global_batch_size), "--seq-len", str(batch.seq_len)]
    args += ["--dtype", batch.dtype]
    if batch.reduce_dtype and batch.reduce_dtype != batch.dtype:
        args += ["--reduce-dtype", batch.reduce_dtype]
    if hw.cores:  # a CPU profile predicts CPU processes (train would take a GPU where there is one)
        args += ["--device", "cpu"]
    return args


def layout_flags(layout: Layout) -> list[str]:
    """The layout's flags: dp, tp, pp and micro-batches always, sequence parallelism on or off where tp > 1, context
    parallelism and its mode where cp > 1, the others where they differ from train's default."""
    args = ["--dp", str(layout.dp), "--tp", str(layout.tp), "--pp", str(layout.pp)]
    if layout.cp > 1:
        args += ["--cp", str(layout.cp), "--cp-mode", layout.cp_mode]
    if layout.zero:
        args += ["--zero", str(layout.zero)]
    if layout.pp > 1 or layout.schedule != "1f1b":
        args += ["--schedule", layout.schedule]
    if layout.schedule == "interleaved":
        args += ["--virtual-stages", str(layout.virtual_stages)]
    if layout.sequence_parallel:
        args.append("--sequence-parallel")
    elif layout.tp > 1:  # off by train's default; said, since the planner may have chosen it
        args.append("--no-sequence-parallel")
    if layout.sp_save_gathered:
        args.append("--sp-save-gathered")
    if layout.recompute != "none":
        args += ["--recompute", layout.recompute]
    return [*args, "--micro-batches", str(layout.micro_batches)]


def command(layout: Layout, model: list[str], batch: Batch, hw: Hardware) -> str:
    """`train_args` as a shell command line."""
    return "llmpar train " + shlex.join(train_args(layout, model, batch, hw))


def _with_flags(e: Estimate, model: list[str], batch: Batch, hw: Hardware, fp8: bool = False) -> dict:
    args = train_args(e.layout, model, batch, hw)
    return {
        **e.as_json(),
        "train_args": args,
        "train_command": "llmpar train " + shlex.join(args),
        "expected_error": expected_error(e.layout, hw, fp8),
    }


def as_json(plan: Plan, model: list[str], batch: Batch, hw: Hardware, fp8: bool = False) -> dict:
    _, error = outcome(plan, hw)
    auto = plan.auto[0] if plan.auto else None
    return {
        "candidates": [_with_flags(e, model, batch, hw, fp8) for e in plan.candidates],
        "order": ORDER_NOTE,
        "auto": next((i for i, e in enumerate(plan.candidates) if e is auto), None),
        "rejected": [{"layout": lay, "reason": why} for lay, why in _unique(plan.rejected)],
        "too_big": [
            {**_with_flags(e, model, batch, hw, fp8), "reason": too_big_reason(need, hw)}
            for e, need in zip(plan.too_big, plan.too_big_need)
        ],
        "searched": plan.searched,
        "fitting": plan.fitting,
        "error": error,
    }


def _unique(rejected):
    seen, out = set(), []
    for lay, why in rejected:
        key = (lay["dp"], lay["tp"], lay["pp"], lay["cp"], why)
        if key not in seen:
            seen.add(key)
            out.append((lay, why))
    return out

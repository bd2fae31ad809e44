"""`llmpar plan`'s output: a readable table, or the JSON of the plan contract (docs/design.md)."""

from __future__ import annotations

from llmpar.model.config import ModelConfig
from llmpar.plan.cost import Batch, Estimate
from llmpar.plan.hardware import Hardware
from llmpar.plan.planner import GiB, Plan, explain_empty


def _schedule(e: Estimate) -> str:
    lay = e.layout
    if lay.pp == 1:
        return "-"
    return f"{lay.schedule}×{lay.virtual_stages}" if lay.schedule == "interleaved" else lay.schedule


def _mb(x: float) -> str:
    return f"{x / 2**20:.0f}" if x >= 2**20 or x == 0 else f"{x / 2**20:.2f}"


def rejections(plan: Plan, per: str = "per device") -> list[tuple[str, str]]:
    """One line per dp × tp × pp of which no variant fits: the least memory one needs, or why none can run."""
    out = []
    for (d, t, p), verdict in sorted(plan.verdict.items()):
        if verdict is None:
            continue
        why = f"out of memory: needs {verdict / GiB:.1f} GiB {per} at best" if isinstance(verdict, float) else verdict
        out.append((f"dp {d} tp {t} pp {p}", why))
    return out


def table(plan: Plan, cfg: ModelConfig, hw: Hardware, gpus: int, batch: Batch, name: str) -> str:
    n = cfg.num_params()
    size = f"{n / 1e9:.2f}B" if n >= 1e9 else f"{n / 1e6:.2f}M"
    lines = [
        f"llmpar plan: {name} ({size} parameters) on {gpus} × {hw.name}, "
        f"global batch {batch.global_batch_size} × {batch.seq_len} tokens, {batch.dtype}; "
        f"{plan.searched} layouts searched, {plan.fitting} fit in {hw.memory_bytes / GiB:.0f} GiB"
        + (" (the machine's, shared by its processes)" if hw.cores else "")
    ]
    if not plan.candidates:
        lines.append(explain_empty(plan, hw))
    else:
        head = (
            f"{'#':>2} {'dp':>4} {'tp':>3} {'pp':>3} {'zero':>4} {'schedule':>13} {'mbs':>4} {'m':>4} {'sp':>3} "
            f"{'recompute':>9} {'step s':>8} {'tokens/s':>10} {'TFLOP/s':>8} {'MFU':>6} {'mem GiB':>8} "
            f"{'bubble':>6}  comm MB/step dp/tp/pp"
        )
        lines += ["", head]
        for i, e in enumerate(plan.candidates, 1):
            lay = e.layout
            mfu = f"{e.mfu:.1%}" if e.mfu is not None else "-"
            lines.append(
                f"{i:>2} {lay.dp:>4} {lay.tp:>3} {lay.pp:>3} {lay.zero:>4} {_schedule(e):>13} {e.micro_batch_size:>4} "
                f"{lay.micro_batches:>4} {'yes' if lay.sequence_parallel else 'no':>3} {lay.recompute:>9} "
                f"{e.step_time_s:>8.3f} {e.tokens_per_s:>10,.0f} {e.tflops_per_gpu:>8.3g} {mfu:>6} "
                f"{e.memory_bytes['total'] / GiB:>8.1f} {e.bubble_fraction:>6.3f}  "
                f"{_mb(e.comm_bytes['dp'])}/{_mb(e.comm_bytes['tp'])}/{_mb(e.comm_bytes['pp'])}"
            )
        best = plan.candidates[0]
        lines += ["", "best: " + command(best, name, batch)]
        p = best.parts
        lines.append(
            f"      step {best.step_time_s:.3f} s = pipeline {p['pipeline']:.3f} (bubble "
            f"{best.bubble_fraction:.1%}) + data-parallel reduction not hidden {p['dp_exposed']:.3f} + "
            f"optimizer {p['optimizer']:.3f}"
            + (f" + tied-embedding sum {p['tied_sum']:.3f}" if p.get("tied_sum") else "")
        )
        m = best.memory_bytes
        lines.append(
            f"      memory per device {m['total'] / GiB:.2f} GiB = parameters {m['params'] / GiB:.2f} + "
            f"gradients {m['grads'] / GiB:.2f} + optimizer {m['optimizer'] / GiB:.2f} + activations "
            f"{m['activations'] / GiB:.2f}"
        )
    rej = rejections(plan, "on the machine" if hw.cores else "per device")
    if rej:
        lines += ["", "layouts that cannot be used:"]
        lines += [f"  {lay:<20} {why}" for lay, why in rej[:12]]
        if len(rej) > 12:
            lines.append(f"  ... and {len(rej) - 12} more (--json lists them all)")
    return "\n".join(lines)


def command(e: Estimate, name: str, batch: Batch) -> str:
    lay = e.layout
    flags = [f"llmpar train --model {name}", f"--dp {lay.dp}", f"--tp {lay.tp}", f"--pp {lay.pp}"]
    if lay.zero:
        flags.append(f"--zero {lay.zero}")
    if lay.pp > 1:
        flags.append(f"--schedule {lay.schedule}")
        if lay.schedule == "interleaved":
            flags.append(f"--virtual-stages {lay.virtual_stages}")
    if lay.sequence_parallel:
        flags.append("--sequence-parallel")
    if lay.recompute != "none":
        flags.append(f"--recompute {lay.recompute}")
    flags += [
        f"--global-batch-size {batch.global_batch_size}",
        f"--micro-batches {lay.micro_batches}",
        f"--seq-len {batch.seq_len}",
        f"--dtype {batch.dtype}",
    ]
    return " ".join(flags)


def as_json(plan: Plan) -> dict:
    return {
        "candidates": [e.as_json() for e in plan.candidates],
        "rejected": [{"layout": lay, "reason": why} for lay, why in _unique(plan.rejected)],
        "too_big": [e.as_json() for e in plan.too_big],
        "searched": plan.searched,
        "fitting": plan.fitting,
    }


def _unique(rejected):
    seen, out = set(), []
    for lay, why in rejected:
        key = (lay["dp"], lay["tp"], lay["pp"], why)
        if key not in seen:
            seen.add(key)
            out.append((lay, why))
    return out

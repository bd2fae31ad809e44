"""The report folder: `results.json` (everything), `report.md` (the table, the figures, each run's command).

Every number in the table is formatted from results.json by the functions below, and results.json's measured
numbers come from each run's own metrics lines and summary (`llmpar.compare.results`).
"""

from __future__ import annotations

import json
import os
import shlex

from llmpar.bus import TRAFFIC_AXES
from llmpar.checkpoint.format import write_json_atomic
from llmpar.errors import UserError

MIB = 2**20


def fmt_time(x) -> str:
    return "–" if x is None else f"{x:.4g}"


def fmt_mib(x) -> str:
    return "–" if x is None else f"{x / MIB:.1f}"


def fmt_comm(x) -> str:
    return "–" if x is None else f"{x / MIB:.2f}"


def fmt_fraction(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def loss_digits(dtype: str) -> int:
    """Decimals the losses are printed with: fp64's layouts agree to 1e-9, fp32's to the rounding of their
    different summation orders (about 3e-5 relative after the default run's 30 steps), which 3 decimals leave
    out; the exact difference is the deviation column's."""
    return 6 if dtype == "fp64" else 3


def fmt_loss(x, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def fmt_accuracy(x, digits: int = 3) -> str:
    return "–" if x is None else f"{100 * x:.{max(digits - 2, 0)}f}%"


def fmt_deviation(x) -> str:
    return "–" if x is None else ("0" if x == 0 else f"{x:.1e}")


def fmt_rate(x) -> str:
    return "–" if x is None else f"{x:,.0f}"


def with_prediction(measured, predicted, ratio, fmt) -> str:
    """`measured (predicted, ×ratio)`; the prediction is left out where there is none."""
    if predicted is None:
        return fmt(measured)
    r = f", ×{ratio:.2f}" if ratio is not None else ""
    return f"{fmt(measured)} ({fmt(predicted)}{r})"


HEADER = (
    "layout",
    "procs",
    "step time s",
    "tokens/s",
    "peak MiB/proc",
    "model state MiB",
    "activations MiB",
    "comm MiB/step, per axis",
    "bubble",
    "final loss",
    "val loss",
    "val accuracy",
    "max loss deviation",
)


def row(run: dict, digits: int = 3) -> list[str]:
    """One layout's cells: each cost as `measured (predicted, ×measured/predicted)`; the losses with `digits`
    decimals (`loss_digits`)."""
    if run["status"] != "ok":
        return [run["name"], str(run["processes"]), f"**{run['status']}**: {run.get('error') or ''}"] + [""] * (
            len(HEADER) - 3
        )
    m, p, r = run["measured"], run.get("predicted") or {}, run.get("ratio") or {}

    def cost(key, fmt):
        return with_prediction(m.get(key), p.get(key), r.get(key), fmt)

    comm = "–"
    if m.get("comm_bytes") is not None:
        # The axes that carry traffic, measured or predicted; none: 0.
        pc_all = p.get("comm_bytes") or {}
        parts = []
        for axis in TRAFFIC_AXES:
            mc, pc = m["comm_bytes"][axis], pc_all.get(axis)
            if mc or pc:
                rc = (r.get("comm_bytes") or {}).get(axis)
                parts.append(f"{axis} {with_prediction(mc, pc, rc, fmt_comm)}")
        comm = ", ".join(parts) or "0"
    pipelined = run["pipeline"]
    return [
        run["name"],
        str(m["processes"]),
        cost("step_time_s", fmt_time),
        cost("tokens_per_s", fmt_rate),
        cost("peak_mem_bytes", fmt_mib),
        cost("model_state_bytes", fmt_mib),
        cost("activation_bytes", fmt_mib),
        comm,
        cost("bubble_fraction", fmt_fraction) if pipelined else "–",
        fmt_loss(m["final_loss"], digits),
        fmt_loss(m["val_loss"], digits),
        fmt_accuracy(m["val_accuracy"], digits),
        fmt_deviation(run.get("max_loss_deviation")),
    ]


def markdown_table(results: dict) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    digits = loss_digits(results["settings"]["dtype"])
    for run in results["runs"]:
        if run["status"] == "pending":
            continue
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row(run, digits)) + " |")
    return "\n".join(lines)


def write(out: str, results: dict) -> None:
    """results.json and report.md, each written whole (a reader never sees half of one); a disk that is full or
    gone is a UserError naming the folder."""
    try:
        write_json_atomic(os.path.join(out, "results.json"), results)
        text = markdown(results)
        tmp = os.path.join(out, "report.md.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(out, "report.md"))
    except OSError as e:
        raise UserError(
            f"-o {out}: cannot write the report ({e.strerror or e}); free some space or give another folder"
        ) from None


def markdown(results: dict) -> str:
    s = results["settings"]
    done = [r for r in results["runs"] if r["status"] != "pending"]
    lines = [
        f"# llmpar compare: {s['model']} ({s['parameters'] / 1e6:.2f}M parameters), {len(done)} layouts",
        "",
        f"Every layout trained the same model from the same seed ({s['seed']}) on the same data, "
        f"{s['global_batch_size']} sequences of {s['seq_len']} tokens per step, for {s['steps']} steps, in "
        f"{s['dtype']} on {s['device']}, one after another.",
        "",
        f"    {results['command']}",
        "",
        "Each cost is **measured (predicted, ×measured/predicted)**; the predictions are `llmpar plan`'s cost "
        f"model on the hardware profile `{s['hardware']}`. Step time: the median after the first "
        f"{s['warm_up_steps']} steps. Memory: per process, the largest over the steps and ranks (peak memory is "
        "CUDA's peak allocated, or the peak resident set on a CPU). Communication: per process and step, in "
        "NCCL-tests bus bytes. Max loss deviation: the largest relative difference of the training loss from "
        f"the first layout's (`{results['reference']}`) at any step. Losses are printed with "
        f"{loss_digits(s['dtype'])} decimals"
        + (
            ": in fp64 every layout computes the same numbers to about 1e-16."
            if s["dtype"] == "fp64"
            else f": in {s['dtype']} the layouts' curves differ by the rounding of their different orders of "
            "summation, which grows with the steps (the last column is the exact difference)."
        ),
        "",
        markdown_table(results),
        "",
    ]
    verdict = agreement(results)
    if verdict:
        lines += [verdict, ""]
    for why in results.get("peers_not_run") or []:
        lines += [f"- No peer run for {why}"]
    if results.get("peers_not_run"):
        lines.append("")
    pending = [r["name"] for r in results["runs"] if r["status"] == "pending"]
    if pending:
        lines += [f"Not run yet: {', '.join(pending)}.", ""]
    check = results.get("assert_equal")
    if check is not None:
        verdict = "every layout's curve equals the first's" if check["passed"] else "**FAILED**"
        lines += [f"`--assert-equal {check['tolerance']:g}`: {verdict}."]
        lines += [f"- {failure}" for failure in check["failures"]]
        lines.append("")
    figures = results.get("figures") or {}
    if figures:
        lines += ["## Figures", ""]
        for title, path in figures.items():
            lines += [f"### {title}", "", f"![{title}]({path})", ""]
    lines += ["## Commands", "", "Each layout, as run (its log, metrics and summary are in `runs/`):", ""]
    for run in done:
        lines += [f"- `{run['name']}`: `{run['command']}`"]
    lines.append("")
    return "\n".join(lines)


def agreement(results: dict) -> str | None:
    """Whether the layouts that ran learned the same model, as far as the table prints it."""
    ok = [r for r in results["runs"] if r["status"] == "ok"]
    if len(ok) < 2:
        return None
    digits = loss_digits(results["settings"]["dtype"])
    printed = {
        (fmt_loss(r["measured"]["val_loss"], digits), fmt_accuracy(r["measured"]["val_accuracy"], digits)) for r in ok
    }
    worst = max(ok, key=lambda r: r.get("max_loss_deviation") or 0.0)
    far = (
        f"the largest difference of a training loss from the first layout's at any step is "
        f"{fmt_deviation(worst.get('max_loss_deviation'))} ({worst['name']})"
    )
    if len(printed) == 1:
        loss, accuracy = printed.pop()
        return (
            f"**Every layout learned the same model**: validation loss {loss} and next-token accuracy {accuracy} "
            f"for all {len(ok)}, to the printed precision; {far}."
        )
    return f"**The layouts' validation losses or accuracies differ at the printed precision**; {far}."


def command_line(argv: list[str]) -> str:
    return shlex.join(argv)


def load(out: str) -> dict:
    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        return json.load(f)

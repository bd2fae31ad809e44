"""Timelines as pictures: one row per pipeline rank, one box per computation, coloured by kind.

The measured timeline of a run comes from its metrics lines (the "timeline" key, written when --pp > 1); the
ideal timeline of a schedule comes from the cost model's simulator (`llmpar.plan.cost.simulator`), with F = 1,
B = 2 (B = W = 1 when split), per chunk.
"""

from __future__ import annotations

import json
import os

from llmpar.errors import UserError

COLOURS = {"F": "#4c78a8", "B": "#54a24b", "W": "#f58518"}


def ideal_timeline(schedule_name: str, stages: int, micro_batches: int, virtual_stages: int = 2):
    from llmpar.pipeline.schedules import ScheduleError, make_schedule
    from llmpar.plan.cost.simulator import bubble_fraction, simulate

    try:
        s = make_schedule(schedule_name, stages, micro_batches, virtual_stages)
    except ScheduleError as e:
        raise UserError(str(e)) from None
    v = s.chunks_per_rank
    split = schedule_name == "zb"
    timeline = simulate(s, {"F": 1 / v, "B": (1 if split else 2) / v, "W": 1 / v})
    rows = [[(a.kind, a.micro, a.chunk, b, e) for a, b, e in rank] for rank in timeline]
    return rows, bubble_fraction(timeline)


def _timeline_line(line, where: str) -> bool:
    """True for a metrics line that carries a timeline, False for one that carries none; a UserError (naming
    the line and the key) for anything else."""

    def bad(what: str):
        raise UserError(f"--metrics {where}: {what}; give the --metrics file of an 'llmpar train' run")

    if not isinstance(line, dict):
        bad(f"holds {type(line).__name__} {json.dumps(line)[:40]}, not a metrics object")
    if "step" not in line:
        bad('has no "step": not an llmpar metrics line')
    if not line.get("timeline"):
        return False
    layout = line.get("layout")
    if (
        not isinstance(line["step"], int)
        or not isinstance(layout, dict)
        or not all(k in layout for k in ("pp", "schedule", "micro_batches"))
    ):
        bad('its "step" or "layout" (pp, schedule, micro_batches) is missing or malformed')
    if not isinstance(line.get("bubble_fraction"), (int, float)):
        bad('its "bubble_fraction" is missing or not a number')
    ranks = line["timeline"]
    ok = (
        isinstance(ranks, list)
        and all(isinstance(rank, list) for rank in ranks)
        and all(
            isinstance(box, list)
            and len(box) == 5
            and box[0] in COLOURS
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in box[1:])
            for rank in ranks
            for box in rank
        )
    )
    if not ok:
        bad('its "timeline" is not a list per rank of [kind (F, B or W), micro-batch, chunk, start, end]')
    return True


def measured_timeline(metrics_path: str, step: int | None):
    if os.path.isdir(metrics_path):
        raise UserError(f"--metrics {metrics_path}: is a folder; give the metrics file (JSON lines) of a run")
    lines = []
    try:
        with open(metrics_path, "rb") as f:
            for number, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                try:
                    line = json.loads(raw.decode("utf-8"))
                except ValueError as e:  # bad JSON, or bad UTF-8: not a metrics file
                    raise UserError(
                        f"--metrics {metrics_path}: line {number} is not JSON ({e}); give the --metrics "
                        f"file of an 'llmpar train' run"
                    ) from None
                if _timeline_line(line, f"{metrics_path} line {number}"):
                    lines.append(line)
    except OSError as e:
        raise UserError(f"--metrics {metrics_path}: cannot read it ({e.strerror or e})") from None
    if not lines:
        raise UserError(f"--metrics {metrics_path} has no timeline: it is written for runs with --pp 2 or more")
    if step is None:
        line = lines[-1]
    else:
        found = [line for line in lines if line["step"] == step]
        if not found:
            raise UserError(f"--step {step}: the metrics hold steps {lines[0]['step']} to {lines[-1]['step']}")
        line = found[0]
    layout = line["layout"]
    title = (
        f"measured: pp={layout['pp']} {layout['schedule']} m={layout['micro_batches']}, step {line['step']}, "
        f"bubble {line['bubble_fraction']:.3f}"
    )
    return [[tuple(a) for a in rank] for rank in line["timeline"]], title


# What the time axis of a picture is in (`draw`'s `unit`).
SECONDS = "time (s)"
PREDICTED_SECONDS = "time (s, predicted)"
FORWARD_UNITS = "time (units of one stage's forward)"


def draw(rows, title: str, path: str, unit: str) -> None:
    """Draw `rows` (per rank, [kind, micro-batch, chunk, start, end]) to the PNG `path`. `unit` labels the time
    axis: what the starts and ends are in (SECONDS, PREDICTED_SECONDS or FORWARD_UNITS). The legend sits to the
    right of the plot, clear of the title and the boxes."""
    draw_panels([(rows, title, unit)], path)


def draw_panels(panels, path: str) -> None:
    """Timelines one above the other, on one time scale: `panels` is a list of (rows, title, unit)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    end = max(e for rows, _, _ in panels for rank in rows for *_, e in rank)
    boxes_per_rank = max(sum(len(r) for r in rows) / len(rows) for rows, _, _ in panels)
    heights = [0.6 * len(rows) + 1.2 for rows, _, _ in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(max(8, min(24, 0.35 * boxes_per_rank)), sum(heights)),
        height_ratios=heights,
        squeeze=False,
    )
    kinds: set[str] = set()
    for ax, (rows, title, unit) in zip(axes[:, 0], panels):
        for r, rank in enumerate(rows):
            for kind, micro, _chunk, begin, finish in rank:
                ax.barh(
                    r, finish - begin, left=begin, height=0.8, color=COLOURS[kind], edgecolor="white", linewidth=0.5
                )
                if (finish - begin) > end / 80:
                    ax.text((begin + finish) / 2, r, str(micro), ha="center", va="center", fontsize=7, color="white")
        ax.set_yticks(range(len(rows)), [f"rank {r}" for r in range(len(rows))])
        ax.invert_yaxis()
        ax.set_xlim(0, end)
        ax.set_xlabel(unit)
        ax.set_title(title, fontsize=10)
        kinds |= {kind for rank in rows for kind, *_ in rank}
    axes[0, 0].legend(
        handles=[Patch(color=c, label=k) for k, c in COLOURS.items() if k in kinds],
        loc="upper left",
        bbox_to_anchor=(1.005, 1),
        fontsize=8,
        frameon=False,
        borderaxespad=0,
    )
    fig.tight_layout()  # (it makes room for the legend outside the axes)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fig.savefig(path, dpi=120)
    except OSError as e:  # checked writable before drawing; the disk can still fill up
        raise UserError(f"-o {path}: cannot write the picture ({e.strerror or e})") from None
    finally:
        plt.close(fig)

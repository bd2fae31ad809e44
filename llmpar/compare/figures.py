"""The report's pictures: loss curves overlaid (and their distance from the first layout's), the costs side by
side (measured bars, predicted marks), and each pipeline layout's measured timeline above its predicted one."""

from __future__ import annotations

import os
from typing import Any

from llmpar.bus import TRAFFIC_AXES

MIB = 2**20
AXIS_COLOURS = {"dp": "#4c78a8", "tp": "#f58518", "pp": "#54a24b", "cp": "#b279a2"}
STYLES = ["-", "--", "-.", ":"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: str) -> None:
    plt = _plt()
    try:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    finally:
        plt.close(fig)


def loss_figure(runs: list[dict], reference: str, path: str) -> None:
    """Top: the training loss of every layout against the step. Bottom: each curve's relative difference from
    the reference layout's (log scale; a curve equal to it at every step has nothing to draw and says so)."""
    plt = _plt()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=[3, 2])
    ref = next(r for r in runs if r["name"] == reference)["measured"]["losses"]
    cmap = plt.get_cmap("tab10")
    for i, run in enumerate(runs):
        losses = run["measured"]["losses"]
        steps = range(1, len(losses) + 1)
        style = dict(color=cmap(i % 10), linestyle=STYLES[i % len(STYLES)], linewidth=1.4)
        top.plot(steps, losses, label=run["name"], **style)
        if run["name"] == reference:
            continue
        diffs = [(k, abs(a - b) / abs(b)) for k, (a, b) in enumerate(zip(losses, ref), 1)]
        shown = [(k, d) for k, d in diffs if d > 0]
        if shown:
            bottom.plot(*zip(*shown), marker=".", markersize=4, **style)
        else:
            bottom.plot([], [], **style)
    top.set_ylabel("training loss (nats/token)")
    top.set_title("Loss per step, every layout (same seed, data and global batch)", fontsize=10)
    bottom.set_yscale("log")
    bottom.set_xlabel("optimizer step")
    bottom.set_ylabel(f"|loss − {reference}| / {reference}")
    bottom.set_title(
        "Relative difference from the first layout (curves equal to it at every step: not drawn)", fontsize=9
    )
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, borderaxespad=0)
    fig.tight_layout()
    _save(fig, path)


def costs_figure(runs: list[dict], path: str) -> None:
    """Three panels of bars, one bar per layout: step time, peak memory per process, communication per step
    (stacked by mesh axis). The cost model's prediction is the black mark on each bar."""
    plt = _plt()
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    names = [r["name"] for r in runs]
    ys = range(len(runs))
    fig, axes = plt.subplots(1, 3, figsize=(13, 0.38 * len(runs) + 1.8), sharey=True)
    mark: dict[str, Any] = dict(marker="|", color="black", markersize=14, markeredgewidth=2, linestyle="none")

    def panel(ax, key, scale, label, colour):
        for y, run in zip(ys, runs):
            m, p = run["measured"].get(key), (run.get("predicted") or {}).get(key)
            if m is not None:
                ax.barh(y, m / scale, color=colour, height=0.7)
            if p is not None:
                ax.plot([p / scale], [y], **mark)
        ax.set_xlabel(label)

    panel(axes[0], "step_time_s", 1.0, "step time (s, median)", "#4c78a8")
    panel(axes[1], "peak_mem_bytes", MIB, "peak memory per process (MiB)", "#72b7b2")
    ax = axes[2]
    for y, run in zip(ys, runs):
        comm = run["measured"].get("comm_bytes")
        if comm is not None:
            left = 0.0
            for axis in TRAFFIC_AXES:
                ax.barh(y, comm[axis] / MIB, left=left, color=AXIS_COLOURS.get(axis, "grey"), height=0.7)
                left += comm[axis] / MIB
        pc = (run.get("predicted") or {}).get("comm_bytes")
        if pc is not None:
            ax.plot([sum(pc.values()) / MIB], [y], **mark)
    ax.set_xlabel("communication per process and step (MiB)")
    axes[0].set_yticks(list(ys), names)
    axes[0].invert_yaxis()
    handles: list[Artist] = [Patch(color=AXIS_COLOURS.get(a, "grey"), label=f"{a} axis") for a in TRAFFIC_AXES]
    handles.append(Line2D([], [], **mark, label="predicted"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=8)
    fig.suptitle("What each layout costs: measured bars, the cost model's prediction marked", fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _save(fig, path)


def timeline_figure(run: dict, line: dict, predicted_timeline, path: str) -> None:
    """The run's measured pipeline timeline (`line`: its last metrics line) above the cost model's simulated
    one."""
    from llmpar.pipeline.plot import PREDICTED_SECONDS, SECONDS, draw_panels

    measured = [[tuple(box) for box in rank] for rank in line["timeline"]]
    panels = [
        (measured, f"{run['name']}: measured, step {line['step']}, bubble {line['bubble_fraction']:.3f}", SECONDS)
    ]
    if predicted_timeline is not None:
        bubble = (run.get("predicted") or {}).get("bubble_fraction")
        title = f"{run['name']}: predicted" + (f", bubble {bubble:.3f}" if bubble is not None else "")
        panels.append((predicted_timeline, title, PREDICTED_SECONDS))
    draw_panels(panels, path)


def draw_all(out: str, results: dict, extras: dict, timelines: dict) -> dict:
    """Every figure the runs allow; returns {title: file name relative to `out`}. `extras[name]["last_line"]`:
    each run's last metrics line; `timelines[name]`: its predicted pipeline timeline, or None."""
    ok = [r for r in results["runs"] if r["status"] == "ok"]
    figures: dict[str, str] = {}
    if not ok:
        return figures
    reference = results["reference"]
    if any(r["name"] == reference for r in ok):
        loss_figure(ok, reference, os.path.join(out, "loss.png"))
        figures["Loss curves"] = "loss.png"
    costs_figure(ok, os.path.join(out, "costs.png"))
    figures["Step time, memory and communication"] = "costs.png"
    for run in ok:
        line = extras.get(run["name"], {}).get("last_line", {})
        if line.get("timeline"):
            name = f"timeline-{run['slug']}.png"
            timeline_figure(run, line, timelines.get(run["name"]), os.path.join(out, name))
            figures[f"Pipeline timeline: {run['name']}"] = name
    return figures

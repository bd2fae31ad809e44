"""What each run measured (from its own metrics lines and summary, nothing else), what the cost model predicted
for it, and how far each loss curve is from the first layout's.

Measured, per run:
- step time: the median over the steps after the first two (which warm up), or over all steps when there are
  four or fewer; tokens/s from it;
- peak memory, model state and activations per process: the largest over the steps (each line's per-rank
  figures are already the largest over ranks);
- communication per step per axis, and the loss: the last step's (the traffic is the same every step);
- bubble: the median over the same steps as the time;
- validation loss and next-token accuracy: the run's summary.
"""

from __future__ import annotations

import json
import statistics

from llmpar.bus import TRAFFIC_AXES

WARM_UP_STEPS = 2


def timed_steps(lines: list[dict]) -> list[dict]:
    """The steps whose times count: all but the first two, unless that leaves fewer than three."""
    return lines[WARM_UP_STEPS:] if len(lines) > WARM_UP_STEPS + 2 else lines


def _largest(lines: list[dict], key: str):
    values = [line[key] for line in lines if line.get(key) is not None]
    return max(values) if values else None


def measured(metrics: list[dict], summary: dict, processes: int) -> dict:
    if not metrics:
        raise ValueError("the run wrote no metrics line")
    timed = timed_steps(metrics)
    step_time = statistics.median(line["step_time_s"] for line in timed)
    last = metrics[-1]
    bubbles = [line["bubble_fraction"] for line in timed if line.get("bubble_fraction") is not None]
    comm = last.get("comm_bytes")
    return {
        "processes": processes,
        "steps": len(metrics),
        "step_time_s": step_time,
        "tokens_per_s": last["tokens"] / step_time,
        "peak_mem_bytes": _largest(metrics, "peak_mem_bytes"),
        "model_state_bytes": _largest(metrics, "model_state_bytes"),
        "activation_bytes": _largest(metrics, "activation_bytes"),
        "comm_bytes": {axis: comm.get(axis, 0) for axis in TRAFFIC_AXES} if comm is not None else None,
        "bubble_fraction": statistics.median(bubbles) if bubbles else None,
        "final_loss": last["loss"],
        "val_loss": summary.get("val_loss"),
        "val_accuracy": summary.get("val_accuracy"),
        "losses": [line["loss"] for line in metrics],
    }


def predicted(cfg, hw) -> tuple[dict, list | None]:
    """The cost model's prediction for a validated TrainConfig on the profile `hw`, and its simulated pipeline
    timeline (per rank: kind, micro-batch, chunk, start s, end s) when pp > 1."""
    from llmpar.plan.cost import Batch, estimate

    batch = Batch(cfg.global_batch_size, cfg.seq_len, cfg.dtype, cfg.reduce_dtype)
    e = estimate(cfg.model_cfg, cfg.parallel_layout(), batch, hw, keep_timeline=cfg.pp > 1)
    mem = e.memory_bytes
    prediction = {
        "step_time_s": e.step_time_s,
        "tokens_per_s": e.tokens_per_s,
        "peak_mem_bytes": mem.get("peak"),
        "model_state_bytes": mem["params"] + mem["grads"] + mem["optimizer"],
        "activation_bytes": mem["activations"],
        "comm_bytes": {axis: e.comm_bytes.get(axis, 0.0) for axis in TRAFFIC_AXES},
        "bubble_fraction": e.bubble_fraction,
    }
    timeline = None
    if e.timeline is not None:
        timeline = [[(a.kind, a.micro, a.chunk, b, end) for a, b, end in rank] for rank in e.timeline]
    return prediction, timeline


COSTS = ("step_time_s", "tokens_per_s", "peak_mem_bytes", "model_state_bytes", "activation_bytes", "bubble_fraction")


def ratios(m: dict, p: dict | None) -> dict:
    """measured / predicted for every cost both give (None where either is missing or the prediction is 0)."""

    def ratio(a, b):
        return a / b if a is not None and b else None

    if p is None:
        return {}
    out = {key: ratio(m.get(key), p.get(key)) for key in COSTS}
    mc, pc = m.get("comm_bytes"), p.get("comm_bytes")
    if mc is not None and pc is not None:
        out["comm_bytes"] = {axis: ratio(mc[axis], pc[axis]) for axis in TRAFFIC_AXES}
    return out


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def deviation(losses: list[float], reference: list[float]) -> float:
    """The largest relative difference of a loss curve from the reference's, over the steps both have."""
    return max((relative(a, b) for a, b in zip(losses, reference)), default=0.0)


def first_departure(losses: list[float], reference: list[float], tol: float) -> int | None:
    """The first step (1-based) at which the curve departs from the reference by more than `tol` (relative)."""
    for i, (a, b) in enumerate(zip(losses, reference), 1):
        if relative(a, b) > tol:
            return i
    if len(losses) != len(reference):
        return min(len(losses), len(reference)) + 1
    return None


def load_summary(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)

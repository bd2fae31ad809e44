"""The cost model's predictions against `llmpar train`'s measurements on this machine.

    python benchmarks/cost_model_check.py [--hardware-config PROFILE.json] [--steps 8] [--skip-planner]

Part 1: for the layouts of the cost-model issue (dp 2, tp 2, pp 2 with 1F1B, dp 2 × tp 2 with ZeRO 3), the
predicted communication per axis, model-state and activation memory, and step time, over what a real run
measures (the median step time of the steps after the first two).
Part 2: `llmpar plan` for 4 processes and the `small` model; the planner's candidates (one per distinct
dp × tp × pp × schedule × micro-batching, llmpar's --recompute none) are all run, and the planner's first choice
is compared with the fastest measured.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from llmpar.model.config import PRESETS
from llmpar.plan.cost import Batch, Layout, estimate
from llmpar.plan.hardware import hardware
from llmpar.plan.planner import Fixed, plan

MODEL, B, S = "small", 16, 256


def run(layout: Layout, steps: int, tmp: str) -> dict:
    """Train `layout` for a few steps; its last metrics line, with the median step time of steps 3 and on."""
    path = os.path.join(tmp, f"m{abs(hash(layout))}.jsonl")
    args = [sys.executable, "-m", "llmpar", "train", "--model", MODEL, "--global-batch-size", str(B), "--seq-len",
            str(S), "--steps", str(steps), "--dp", str(layout.dp), "--tp", str(layout.tp), "--pp", str(layout.pp),
            "--zero", str(layout.zero), "--schedule", layout.schedule, "--micro-batches", str(layout.micro_batches),
            "--virtual-stages", str(max(2, layout.virtual_stages)), "--device", "cpu", "--dtype", "fp32",
            "--no-progress", "--sample-tokens", "0", "--eval-sequences", "8", "--metrics", path]
    if layout.sequence_parallel:
        args.append("--sequence-parallel")
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    lines = [json.loads(line) for line in open(path)]
    last = lines[-1]
    last["step_time_median"] = statistics.median(line["step_time_s"] for line in lines[2:])
    return last


def describe(lay: Layout) -> str:
    sched = "" if lay.pp == 1 else f" {lay.schedule}" + (f"×{lay.virtual_stages}" if lay.schedule == "interleaved"
                                                          else "")
    return (f"dp{lay.dp} tp{lay.tp} pp{lay.pp} z{lay.zero}{sched} m{lay.micro_batches}"
            + (" sp" if lay.sequence_parallel else ""))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hardware-config", help="a profile from llmpar calibrate [the built-in cpu profile]")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--skip-planner", action="store_true")
    args = ap.parse_args()
    hw = hardware("cpu", args.hardware_config)
    cfg, batch = PRESETS[MODEL], Batch(B, S, "fp32")
    tmp = tempfile.mkdtemp()

    print(f"Part 1: predicted / measured, model {MODEL}, batch {B} × {S}, fp32, profile {hw.name}")
    print(f"{'layout':<28} {'comm dp':>8} {'comm tp':>8} {'comm pp':>8} {'state':>7} {'activ.':>7} "
          f"{'step s pred':>11} {'meas':>7} {'ratio':>6}")
    for lay in (Layout(dp=2), Layout(tp=2), Layout(pp=2, micro_batches=2), Layout(dp=2, tp=2, zero=3)):
        got = run(lay, args.steps, tmp)
        e = estimate(cfg, lay, batch, hw)
        comm = [f"{e.comm_bytes[a] / got['comm_bytes'][a]:.4f}" if got["comm_bytes"][a] else "-"
                for a in ("dp", "tp", "pp")]
        state = (e.memory_bytes["params"] + e.memory_bytes["grads"] + e.memory_bytes["optimizer"]) / \
            got["model_state_bytes"]
        act = e.memory_bytes["activations"] / got["activation_bytes"]
        print(f"{describe(lay):<28} {comm[0]:>8} {comm[1]:>8} {comm[2]:>8} {state:>7.4f} {act:>7.4f} "
              f"{e.step_time_s:>11.3f} {got['step_time_median']:>7.3f} "
              f"{e.step_time_s / got['step_time_median']:>6.2f}", flush=True)
    if args.skip_planner:
        return

    print(f"\nPart 2: llmpar plan --model {MODEL} --gpus 4 --hardware cpu --global-batch-size {B} --seq-len {S} "
          f"--recompute none, every candidate run")
    result = plan(cfg, hw, 4, batch, Fixed(recompute="none"), top=10_000)
    seen, picks = set(), []
    for e in result.candidates:  # one per layout shape; ZeRO stages differ by a few percent at most here
        lay = e.layout
        key = (lay.dp, lay.tp, lay.pp, lay.schedule, lay.virtual_stages, lay.micro_batches, lay.sequence_parallel)
        if key not in seen:
            seen.add(key)
            picks.append(e)
    print(f"{'rank':>4} {'layout':<28} {'predicted s':>11} {'measured s':>10}")
    measured = []
    for i, e in enumerate(picks, 1):
        got = run(e.layout, args.steps, tmp)
        measured.append((got["step_time_median"], i, e))
        print(f"{i:>4} {describe(e.layout):<28} {e.step_time_s:>11.3f} {got['step_time_median']:>10.3f}", flush=True)
    fastest = min(measured, key=lambda x: x[0])
    first = measured[0]
    print(f"\nplanner's first choice: {describe(first[2].layout)}, measured {first[0]:.3f} s; fastest measured: "
          f"{describe(fastest[2].layout)} (planner's #{fastest[1]}), {fastest[0]:.3f} s; "
          f"ratio {first[0] / fastest[0]:.3f}")


if __name__ == "__main__":
    main()

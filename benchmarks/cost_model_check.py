"""The cost model's predictions against `llmpar train`'s measurements on this machine.

    python benchmarks/cost_model_check.py [--hardware-config PROFILE.json] [--steps 8] [--skip-planner]

Part 1: for the layouts of the cost-model issue (dp 2, tp 2, pp 2 with 1F1B, dp 2 × tp 2 with ZeRO 3), the
predicted communication per axis, model-state and activation memory, and step time, over what a real run
measures.
Part 2: `llmpar plan` for 4 processes and the `small` model (llmpar's --recompute none): the planner's ten
candidates (distinct in dp × tp × pp, schedule, micro-batching and SP; ZeRO stages differ by a few percent at
most here), and the best-predicted layout of every other dp × tp × pp, are run; the planner's first choice is
compared with the fastest measured.

A measured step time is the median over --rounds runs, taken in alternating order, of each run's median step
time after its first two steps: on two shared cores one run of a layout varies by ±15% from the next.
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
    args = [
        sys.executable,
        "-m",
        "llmpar",
        "train",
        "--model",
        MODEL,
        "--global-batch-size",
        str(B),
        "--seq-len",
        str(S),
        "--steps",
        str(steps),
        "--dp",
        str(layout.dp),
        "--tp",
        str(layout.tp),
        "--pp",
        str(layout.pp),
        "--zero",
        str(layout.zero),
        "--schedule",
        layout.schedule,
        "--micro-batches",
        str(layout.micro_batches),
        "--virtual-stages",
        str(max(2, layout.virtual_stages)),
        "--device",
        "cpu",
        "--dtype",
        "fp32",
        "--no-progress",
        "--sample-tokens",
        "0",
        "--eval-sequences",
        "8",
        "--metrics",
        path,
    ]
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
    sched = (
        "" if lay.pp == 1 else f" {lay.schedule}" + (f"×{lay.virtual_stages}" if lay.schedule == "interleaved" else "")
    )
    return f"dp{lay.dp} tp{lay.tp} pp{lay.pp} z{lay.zero}{sched} m{lay.micro_batches}" + (
        " sp" if lay.sequence_parallel else ""
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hardware-config", help="a profile from llmpar calibrate [the built-in cpu profile]")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-planner", action="store_true")
    args = ap.parse_args()
    hw = hardware("cpu", args.hardware_config)
    cfg, batch = PRESETS[MODEL], Batch(B, S, "fp32")
    tmp = tempfile.mkdtemp()

    def measure(layouts: list[Layout]) -> list[dict]:
        """Each layout's last metrics line, with its step time the median over rounds (alternating order)."""
        runs = [[] for _ in layouts]
        for r in range(args.rounds):
            order = range(len(layouts)) if r % 2 == 0 else reversed(range(len(layouts)))
            for i in order:
                runs[i].append(run(layouts[i], args.steps, tmp))
        for got in runs:
            got[-1]["step_time_median"] = statistics.median(g["step_time_median"] for g in got)
        return [got[-1] for got in runs]

    print(f"Part 1: predicted / measured, model {MODEL}, batch {B} × {S}, fp32, profile {hw.name}")
    print(
        f"{'layout':<28} {'comm dp':>8} {'comm tp':>8} {'comm pp':>8} {'state':>7} {'activ.':>7} "
        f"{'step s pred':>11} {'meas':>7} {'ratio':>6}"
    )
    part1 = [Layout(dp=2), Layout(tp=2), Layout(pp=2, micro_batches=2), Layout(dp=2, tp=2, zero=3)]
    for lay, got in zip(part1, measure(part1)):
        e = estimate(cfg, lay, batch, hw)
        comm = [
            f"{e.comm_bytes[a] / got['comm_bytes'][a]:.4f}" if got["comm_bytes"][a] else "-" for a in ("dp", "tp", "pp")
        ]
        state = (e.memory_bytes["params"] + e.memory_bytes["grads"] + e.memory_bytes["optimizer"]) / got[
            "model_state_bytes"
        ]
        act = e.memory_bytes["activations"] / got["activation_bytes"]
        print(
            f"{describe(lay):<28} {comm[0]:>8} {comm[1]:>8} {comm[2]:>8} {state:>7.4f} {act:>7.4f} "
            f"{e.step_time_s:>11.3f} {got['step_time_median']:>7.3f} "
            f"{e.step_time_s / got['step_time_median']:>6.2f}",
            flush=True,
        )
    if args.skip_planner:
        return

    print(
        f"\nPart 2: llmpar plan --model {MODEL} --gpus 4 --hardware cpu --global-batch-size {B} --seq-len {S} "
        f"--recompute none"
    )
    result = plan(cfg, hw, 4, batch, Fixed(recompute="none"), top=10_000)
    seen, picks, triples = set(), [], set()
    for e in result.candidates:
        lay = e.layout
        key = (lay.dp, lay.tp, lay.pp, lay.schedule, lay.virtual_stages, lay.micro_batches, lay.sequence_parallel)
        triple = (lay.dp, lay.tp, lay.pp)
        if key in seen or (len(picks) >= 10 and triple in triples):
            continue
        seen.add(key)
        triples.add(triple)
        picks.append(e)
    print(f"{'rank':>4} {'layout':<32} {'predicted s':>11} {'measured s':>10}")
    results = measure([e.layout for e in picks])
    measured = []
    for i, (e, got) in enumerate(zip(picks, results), 1):
        measured.append((got["step_time_median"], i, e))
        print(f"{i:>4} {describe(e.layout):<32} {e.step_time_s:>11.3f} {got['step_time_median']:>10.3f}")
    fastest = min(measured, key=lambda x: x[0])
    first = measured[0]
    print(
        f"\nplanner's first choice: {describe(first[2].layout)}, measured {first[0]:.3f} s; fastest measured: "
        f"{describe(fastest[2].layout)} (planner's #{fastest[1]}), {fastest[0]:.3f} s; "
        f"ratio {first[0] / fastest[0]:.3f}"
    )


if __name__ == "__main__":
    main()

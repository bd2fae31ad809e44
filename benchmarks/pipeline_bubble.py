"""The measured pipeline bubble of each schedule, against its theory, on a model where compute dominates.

    python benchmarks/pipeline_bubble.py [--model-config benchmarks/models/llama-27m.json] [--pp 2] [--m 8]
                                         [--steps 3] [--plots DIR]

Runs `llmpar train --pp P --micro-batches M --schedule S` for each schedule through the real command line (one
micro-batch of one sequence, so that the micro-batch count changes nothing else), and reports the median
`bubble_fraction` over the steps after the first, beside the theory: (p−1)/p for naive, (p−1)/(m+p−1) for
GPipe and 1F1B, (p−1)/(v·m+p−1) for interleaved; for zero-bubble the simulator's value with the B and W costs
measured in the run. With --plots, draws each run's measured timeline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(args, schedule: str, micro: int, path: str) -> list[dict]:
    cmd = [
        sys.executable,
        "-m",
        "llmpar",
        "train",
        "--model-config",
        args.model_config,
        "--pp",
        str(args.pp),
        "--dp",
        "1",
        "--schedule",
        schedule,
        "--micro-batches",
        str(micro),
        "--global-batch-size",
        str(micro),
        "--seq-len",
        str(args.seq_len),
        "--steps",
        str(args.steps),
        "--no-progress",
        "--sample-tokens",
        "0",
        "--eval-sequences",
        "0",
        "--device",
        "cpu",
        "--metrics",
        path,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr)
    with open(path) as f:
        return [json.loads(line) for line in f]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-config", default="benchmarks/models/llama-27m.json")
    p.add_argument("--pp", type=int, default=2)
    p.add_argument("--m", type=int, default=8)
    p.add_argument("--seq-len", type=int, default=256)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--plots", metavar="DIR")
    args = p.parse_args()
    P, m = args.pp, args.m

    from llmpar.pipeline.schedules import make_schedule
    from llmpar.plan.cost.simulator import bubble_fraction, simulate

    print(
        f"model {args.model_config}, pp={P}, micro-batch 1 x {args.seq_len} tokens, fp32, "
        f"median of steps 2..{args.steps}"
    )
    print(f"{'schedule':14}{'m':>4}{'measured bubble':>17}{'theory':>9}{'step (s)':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for schedule, micro in (("naive", m), ("gpipe", m), ("1f1b", m), ("interleaved", m), ("zb", m)):
            path = os.path.join(tmp, f"{schedule}.jsonl")
            lines = run(args, schedule, micro, path)[1:]
            bubble = statistics.median(line["bubble_fraction"] for line in lines)
            step = statistics.median(line["step_time_s"] for line in lines)
            if schedule == "naive":
                theory = (P - 1) / P
            elif schedule == "interleaved":
                theory = (P - 1) / (2 * micro + P - 1)
            elif schedule == "zb":  # the simulator, with this run's measured mean F, B and W durations
                costs = {
                    k: statistics.mean(e - b for rank in lines[-1]["timeline"] for kk, _, _, b, e in rank if kk == k)
                    for k in "FBW"
                }
                theory = bubble_fraction(simulate(make_schedule("zb", P, micro), costs))
            else:
                theory = (P - 1) / (micro + P - 1)
            print(f"{schedule:14}{micro:>4}{bubble:>17.3f}{theory:>9.3f}{step:>10.2f}")
            if args.plots:
                os.makedirs(args.plots, exist_ok=True)
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "llmpar",
                        "timeline",
                        "--metrics",
                        path,
                        "-o",
                        os.path.join(args.plots, f"measured-{schedule}.png"),
                    ],
                    check=True,
                    capture_output=True,
                )


if __name__ == "__main__":
    main()

"""Run one training job under several layouts and compare every step with the single-process run.

    python benchmarks/loss_compare.py [--steps 5] [--model tiny] [--dtype fp64] \
        --layout "--dp 2" --layout "--dp 2 --micro-batches 2" --layout "--dp 4"

Each layout is started through the real command line (`python -m llmpar train`), with the same seed, data and
global batch. Prints, per layout, the largest relative difference of the loss and of the gradient norm over all
steps, and the measured dp traffic per step against the ring all-reduce formula 2(N-1)/N x gradient bytes.
With --assert-equal TOL it exits non-zero when a loss differs by more than TOL.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

BYTES = {"fp64": 8, "fp32": 4, "bf16": 4}  # gradients are fp32 under bf16 autocast


def run(flags: list[str], path: str) -> list[dict]:
    cmd = [sys.executable, "-m", "llmpar", "train", *flags, "--metrics", path, "--no-progress", "--sample-tokens", "0"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{shlex.join(cmd)} failed:\n{proc.stderr}")
    with open(path) as f:
        return [json.loads(line) for line in f]


def rel(a: list[dict], b: list[dict], key: str) -> float:
    return max(abs(x[key] - y[key]) / abs(x[key]) for x, y in zip(a, b))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="tiny")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--dtype", default="fp64")
    p.add_argument("--extra", default="--seq-len 32 --global-batch-size 16 --lr 3e-3 --warmup 1 --device cpu",
                   help="flags given to every run")
    p.add_argument("--layout", action="append", default=[], help="flags of one layout (repeatable)")
    p.add_argument("--assert-equal", type=float, metavar="TOL")
    args = p.parse_args()
    layouts = args.layout or ["--dp 2", "--dp 2 --micro-batches 2", "--dp 4", "--dp 4 --micro-batches 2"]

    from llmpar.model import preset
    grad_bytes = preset(args.model).num_params() * BYTES[args.dtype]
    common = ["--model", args.model, "--steps", str(args.steps), "--dtype", args.dtype, *shlex.split(args.extra)]
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        ref = run(common + ["--dp", "1"], os.path.join(tmp, "ref.jsonl"))
        print(f"reference: 1 process, {args.model}, {args.dtype}, {args.steps} steps, "
              f"loss {ref[0]['loss']:.6f} -> {ref[-1]['loss']:.6f}; gradient {grad_bytes:,} bytes")
        print(f"{'layout':34}{'max rel. diff loss':>20}{'grad norm':>12}{'dp bytes/step':>16}{'formula':>14}")
        for i, layout in enumerate(layouts):
            got = run(common + shlex.split(layout), os.path.join(tmp, f"{i}.jsonl"))
            n = got[0]["layout"]["dp"]
            formula = 2 * (n - 1) / n * grad_bytes
            worst = max(worst, rel(ref, got, "loss"))
            print(f"{layout:34}{rel(ref, got, 'loss'):>20.2e}{rel(ref, got, 'grad_norm'):>12.2e}"
                  f"{got[-1]['comm_bytes']['dp']:>16,}{formula:>14,.0f}")
    if args.assert_equal is not None and worst > args.assert_equal:
        sys.exit(f"a layout's loss differs by {worst:.2e} > {args.assert_equal:.0e}")


if __name__ == "__main__":
    main()

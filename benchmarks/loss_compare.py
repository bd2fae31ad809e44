"""Run one training job under several layouts and compare every step with the single-process run.

    python benchmarks/loss_compare.py [--steps 5] [--model tiny] [--dtype fp64] \
        --layout "--dp 2" --layout "--dp 2 --micro-batches 2" --layout "--dp 4"

Each layout is started through the real command line (`python -m llmpar train`), with the same seed, data and
global batch. Prints, per layout, the largest relative difference of the loss and of the gradient norm over all
steps; the measured dp traffic of the last step against the formula of its ZeRO stage, with f = (N-1)/N, G the
gradient bytes and M the micro-batches:

    stage 0 and 1: 2f·G        stage 2: (M+1)f·G        stage 3: 3M·f·G

and the model state per rank relative to one process, against (weights + gradients + 2 moments = 4 units):

    stage 0: 1     stage 1: (2 + 2/N)/4     stage 2: (1 + 3/N)/4     stage 3: 1/N

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

BYTES = {"fp64": 8, "fp32": 4, "bf16": 2}  # gradients are bf16 under bf16 mixed precision


def run(flags: list[str], path: str) -> list[dict]:
    cmd = [sys.executable, "-m", "llmpar", "train", *flags, "--metrics", path, "--no-progress", "--sample-tokens", "0"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{shlex.join(cmd)} failed:\n{proc.stderr}")
    with open(path) as f:
        return [json.loads(line) for line in f]


def traffic(zero: int, n: int, m: int, grad_bytes: int) -> float:
    f = (n - 1) / n
    return {0: 2 * f, 1: 2 * f, 2: (m + 1) * f, 3: 3 * m * f}[zero] * grad_bytes


def state(zero: int, n: int, dtype: str) -> float:
    if dtype == "bf16":  # 2 + 2 + 12 bytes per parameter: the 12 of the fp32 masters and moments shard first
        return {0: 1.0, 1: (4 + 12 / n) / 16, 2: (2 + 14 / n) / 16, 3: 1 / n}[zero]
    return {0: 1.0, 1: (2 + 2 / n) / 4, 2: (1 + 3 / n) / 4, 3: 1 / n}[zero]


def rel(a: list[dict], b: list[dict], key: str) -> float:
    return max(abs(x[key] - y[key]) / abs(x[key]) for x, y in zip(a, b))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="tiny")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--dtype", default="fp64")
    p.add_argument(
        "--extra",
        default="--seq-len 32 --global-batch-size 16 --lr 3e-3 --warmup 1 --device cpu",
        help="flags given to every run",
    )
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
        print(
            f"reference: 1 process, {args.model}, {args.dtype}, {args.steps} steps, "
            f"loss {ref[0]['loss']:.6f} -> {ref[-1]['loss']:.6f}; gradient {grad_bytes:,} bytes"
        )
        print(
            f"{'layout':40}{'max rel. diff: loss':>20}{'grad norm':>11}{'dp bytes/step':>15}{'formula':>12}"
            f"{'state ratio':>13}{'formula':>9}"
        )
        for i, layout in enumerate(layouts):
            got = run(common + shlex.split(layout), os.path.join(tmp, f"{i}.jsonl"))
            lay = got[0]["layout"]
            n, zero, m = lay["dp"], lay["zero"], lay["micro_batches"]
            worst = max(worst, rel(ref, got, "loss"))
            ratio = got[-1]["model_state_bytes"] / ref[-1]["model_state_bytes"]
            print(
                f"{layout:40}{rel(ref, got, 'loss'):>20.2e}{rel(ref, got, 'grad_norm'):>11.2e}"
                f"{got[-1]['comm_bytes']['dp']:>15,}{traffic(zero, n, m, grad_bytes):>12,.0f}"
                f"{ratio:>13.4f}{state(zero, n, args.dtype):>9.4f}"
            )
    if args.assert_equal is not None and worst > args.assert_equal:
        sys.exit(f"a layout's loss differs by {worst:.2e} > {args.assert_equal:.0e}")


if __name__ == "__main__":
    main()

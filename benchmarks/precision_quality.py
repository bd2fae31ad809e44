"""How closely bf16 mixed precision follows fp32: the default run in both, and bf16 layouts against one process.

    python benchmarks/precision_quality.py [--part default|layouts|state|all] [--steps 300] [--flags FLAGS]
                                           [--out FILE.json]

default   `llmpar train` with its defaults (the small model, 300 steps, as many processes as the launch allows),
          once with --dtype fp32 and once with --dtype bf16: the largest relative difference of the loss at the
          logged steps after step 50, and of the final validation losses. The bar: under 2% and under 1%.
          --flags adds flags to both runs (a smaller model, where bf16 matmuls are slow: CPUs without
          AVX512-BF16 or AMX emulate them, tens of times slower than fp32).
layouts   the tiny model, 30 steps, in bf16: one process, then dp 2, dp 2 ZeRO 3, tp 2 with sequence
          parallelism, pp 2 (1f1b), dp 2 × tp 2 × pp 2; the largest relative difference of each layout's loss
          from the one-process bf16 curve (tests/test_mixed_precision.py asserts the bound docs/memory.md
          justifies).
state     the tiny model at dp 2 and dp 4, ZeRO 0-3, in fp32, bf16 and bf16 with --reduce-dtype fp32: the
          measured `model_state_bytes` per rank in bytes per parameter, beside the ZeRO paper's formula
          (the table of docs/memory.md).

Every run goes through the real command line. Prints a table and writes the numbers to --out (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

LAYOUTS = {
    "dp2": "--dp 2",
    "dp2-zero3": "--dp 2 --zero 3",
    "tp2-sp": "--dp 1 --tp 2 --sequence-parallel",
    "pp2-1f1b": "--dp 1 --pp 2 --schedule 1f1b --micro-batches 2",
    "dp2-tp2-pp2": "--dp 2 --tp 2 --pp 2 --schedule 1f1b --micro-batches 2",
}
LAYOUT_RUN = "--model tiny --steps 30 --seq-len 64 --global-batch-size 8 --device cpu --dtype bf16 --sample-tokens 0"


def train(flags: str, path: str) -> tuple[list[dict], float | None]:
    """`llmpar train FLAGS --metrics PATH`: its metrics lines and its final validation loss."""
    cmd = [sys.executable, "-m", "llmpar", "train", *shlex.split(flags), "--metrics", path, "--no-progress"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{shlex.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    val = re.search(r"validation\s+([0-9.]+)", proc.stdout)
    with open(path) as f:
        return [json.loads(line) for line in f], float(val.group(1)) if val else None


def deviation(ref: list[dict], got: list[dict], after: int = 0) -> float:
    """The largest relative difference of the loss at the steps after `after`."""
    return max(abs(b["loss"] - a["loss"]) / a["loss"] for a, b in zip(ref, got) if a["step"] > after)


def default_runs(tmp: str, steps: int, flags: str) -> dict:
    fp32, val32 = train(f"{flags} --dtype fp32 --steps {steps}", os.path.join(tmp, "fp32.jsonl"))
    bf16, val16 = train(f"{flags} --dtype bf16 --steps {steps}", os.path.join(tmp, "bf16.jsonl"))
    assert val32 is not None and val16 is not None
    out = {
        "flags": flags,
        "steps": steps,
        "layout": fp32[0]["layout"],
        "max_loss_deviation_after_step_50": deviation(fp32, bf16, after=50),
        "final_loss": {"fp32": fp32[-1]["loss"], "bf16": bf16[-1]["loss"]},
        "validation_loss": {"fp32": val32, "bf16": val16},
        "validation_deviation": abs(val16 - val32) / val32,
        "step_time_s": {
            "fp32": sorted(m["step_time_s"] for m in fp32)[len(fp32) // 2],
            "bf16": sorted(m["step_time_s"] for m in bf16)[len(bf16) // 2],
        },
    }
    print(f"`llmpar train {flags}` ({steps} steps, dp {out['layout']['dp']}): fp32 against bf16")
    print(f"  largest loss deviation after step 50   {out['max_loss_deviation_after_step_50']:.3%}   (bar: 2%)")
    print(f"  validation loss   fp32 {val32:.4f}   bf16 {val16:.4f}   {out['validation_deviation']:.3%}   (bar: 1%)")
    print(f"  median step time  fp32 {out['step_time_s']['fp32']:.3f} s   bf16 {out['step_time_s']['bf16']:.3f} s")
    return out


def layout_runs(tmp: str) -> dict:
    ref, _ = train(f"{LAYOUT_RUN} --dp 1", os.path.join(tmp, "one.jsonl"))
    out = {"run": LAYOUT_RUN, "deviation": {}}
    print(f"bf16 layouts against one process ({LAYOUT_RUN}): largest relative loss deviation")
    for name, flags in LAYOUTS.items():
        got, _ = train(f"{LAYOUT_RUN} {flags}", os.path.join(tmp, f"{name}.jsonl"))
        out["deviation"][name] = deviation(ref, got)
        print(f"  {name:14} {out['deviation'][name]:.2e}")
    return out


# Bytes per parameter of weights, gradients, optimizer state (fp32 masters and moments in bf16).
PER_PARAM = {"fp32": (4, 4, 8), "bf16": (2, 2, 12), "bf16 --reduce-dtype fp32": (2, 4, 12)}


def state_runs(tmp: str) -> dict:
    from llmpar.model import preset

    psi = preset("tiny").num_params()
    out = {"parameters": psi, "bytes_per_parameter": {}}
    print(f"model state per rank, bytes per parameter (tiny, {psi:,} parameters): measured / formula")
    print(f"  {'precision':26}{'dp':>4}" + "".join(f"{'ZeRO ' + str(z):>16}" for z in range(4)))
    for precision, (w, g, o) in PER_PARAM.items():
        for n in (2, 4):
            row = []
            for zero in range(4):
                flags = "--model tiny --steps 1 --seq-len 32 --global-batch-size 8 --device cpu --eval-sequences 0"
                path = os.path.join(tmp, f"state-{len(out['bytes_per_parameter'])}.jsonl")
                got, _ = train(f"{flags} --sample-tokens 0 --dtype {precision} --dp {n} --zero {zero}", path)
                measured = got[-1]["model_state_bytes"] / psi
                formula = w / (n if zero >= 3 else 1) + g / (n if zero >= 2 else 1) + o / (n if zero >= 1 else 1)
                out["bytes_per_parameter"][f"{precision}, dp {n}, zero {zero}"] = [measured, formula]
                row.append(f"{measured:7.2f} / {formula:5.2f}")
            print(f"  {precision:26}{n:>4}" + "".join(f"{c:>16}" for c in row))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--part", choices=("default", "layouts", "state", "all"), default="all")
    p.add_argument("--steps", type=int, default=300, help="steps of the default runs [300]")
    p.add_argument("--flags", default="", help="flags added to both default runs [none: the default run]")
    p.add_argument("--out", help="write the numbers to this JSON file")
    args = p.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.part in ("default", "all"):
            results["default"] = default_runs(tmp, args.steps, args.flags)
        if args.part in ("layouts", "all"):
            results["layouts"] = layout_runs(tmp)
        if args.part in ("state", "all"):
            results["state"] = state_runs(tmp)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()

"""Soak: a long run whose workers are killed again and again must end exactly where an unkilled run ends.

    python benchmarks/soak.py [--steps 1000] [--save-every 50] [--kill-every 100] [--dp 2] [--seed 0] [--out DIR]

Runs `llmpar train` (fp64, tiny model) twice through the real command line: once uninterrupted, once with
--max-restarts 20 while this script SIGKILLs a random worker at a random moment about every --kill-every steps
(uniform in ±50%). Then it compares the two runs' final checkpoints tensor by tensor (weights and both AdamW
moments) and their metrics files line by line, and prints the largest differences, the number of kills and
restarts, and the wall times. Not a test: its results are recorded in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


from llmpar.procs import descendants  # noqa: E402
from llmpar.train.metrics import last_step  # noqa: E402


def _workers(pid: int) -> list[int]:
    found = []
    for child in descendants(pid)[1:]:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    found.append(child)
        except OSError:
            pass
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--save-every", type=int, default=50)
    ap.add_argument("--kill-every", type=int, default=100)
    ap.add_argument("--dp", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="of the kills (the training seed is llmpar's default)")
    ap.add_argument("--out", help="a folder for the runs [a temporary one]")
    args = ap.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="llmpar-soak-")
    os.makedirs(out, exist_ok=True)
    common = [
        sys.executable,
        "-m",
        "llmpar",
        "train",
        "--model",
        "tiny",
        "--dtype",
        "fp64",
        "--seq-len",
        "32",
        "--global-batch-size",
        "8",
        "--steps",
        str(args.steps),
        "--dp",
        str(args.dp),
        "--device",
        "cpu",
        "--eval-sequences",
        "8",
        "--sample-tokens",
        "0",
        "--no-progress",
        "--save-every",
        str(args.save_every),
    ]

    start = time.monotonic()
    ref = subprocess.run(
        [*common, "--save", f"{out}/ref", "--metrics", f"{out}/ref.jsonl"], capture_output=True, text=True
    )
    ref_s = time.monotonic() - start
    if ref.returncode:
        print(ref.stderr[-3000:])
        return 1

    rng = random.Random(args.seed)
    metrics = f"{out}/soak.jsonl"
    start = time.monotonic()
    proc = subprocess.Popen(
        [*common, "--save", f"{out}/soak", "--metrics", metrics, "--max-restarts", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    kills, progress = [], 0  # steps trained in all (counting those trained again after a kill)
    next_kill = rng.uniform(0.5, 1.5) * args.kill_every
    last = 0
    while proc.poll() is None:
        step = last_step(metrics)
        if step > last:
            progress += step - last
        last = step
        if progress >= next_kill and step < args.steps - 5:
            workers = _workers(proc.pid)
            if workers:
                victim = rng.choice(workers)
                os.kill(victim, signal.SIGKILL)
                kills.append(step)
                next_kill = progress + rng.uniform(0.5, 1.5) * args.kill_every
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    soak_s = time.monotonic() - start
    if proc.returncode:
        print(stderr[-3000:])
        return 1

    import torch

    from llmpar.checkpoint.format import Checkpoint

    a, b = Checkpoint(f"{out}/ref"), Checkpoint(f"{out}/soak")
    assert a.step == b.step == args.steps and sorted(a.names()) == sorted(b.names())
    weights = max(float((a.read(n) - b.read(n)).abs().max()) for n in a.names() if not n.startswith("optimizer."))
    moments = max(float((a.read(n) - b.read(n)).abs().max()) for n in a.names() if n.startswith("optimizer."))
    ref_lines = [json.loads(line) for line in open(f"{out}/ref.jsonl", encoding="utf-8")]
    soak_lines = [json.loads(line) for line in open(metrics, encoding="utf-8")]
    steps_ok = [r["step"] for r in soak_lines] == list(range(1, args.steps + 1))
    loss = max(abs(x["loss"] - y["loss"]) / abs(x["loss"]) for x, y in zip(ref_lines, soak_lines))
    restarts = stdout.count("after a worker failed")
    print(
        f"soak: {args.steps} steps, dp {args.dp}, save every {args.save_every}, a worker killed about every "
        f"{args.kill_every} steps (torch {torch.__version__})"
    )
    print(f"  kills at steps   {kills} ({len(kills)} kills, {restarts} restarts)")
    print(
        f"  metrics          {len(soak_lines)} lines, steps 1..{args.steps} each once: {steps_ok}; "
        f"max relative loss difference {loss:.2e}"
    )
    print(f"  final checkpoint max |difference|: weights {weights:.2e}, AdamW moments {moments:.2e}")
    print(f"  wall time        uninterrupted {ref_s:.0f} s, soak {soak_s:.0f} s")
    return 0 if (weights == 0 and moments == 0 and steps_ok and len(kills) == restarts) else 1


if __name__ == "__main__":
    sys.exit(main())

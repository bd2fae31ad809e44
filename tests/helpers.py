"""Running the real command line, as a user would, and reading what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# A small, fast configuration: short sequences, a few steps; FAST adds the tiny model.
FAST_RUN = ["--seq-len", "32", "--global-batch-size", "8", "--steps", "4", "--eval-sequences", "8",
            "--sample-tokens", "0", "--no-progress", "--device", "cpu"]
FAST = ["--model", "tiny", *FAST_RUN]


def run_llmpar(args: list[str], env: dict | None = None, timeout: float = 300, cwd: str | None = None,
               prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """`python -m llmpar ARGS` (or PREFIX ARGS, e.g. torchrun) in a fresh process."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("LLMPAR_INJECT_FAULT", None) if not (env and "LLMPAR_INJECT_FAULT" in env) else None
    cmd = (prefix or [sys.executable, "-m", "llmpar"]) + args
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd)


def train_metrics(tmp_path, name: str, args: list[str]) -> list[dict]:
    """`llmpar train ARGS --metrics FILE`, which must succeed; its metrics lines."""
    path = tmp_path / f"{name}.jsonl"
    proc = run_llmpar(["train", *args, "--metrics", str(path)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return read_metrics(path)


def read_metrics(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def max_rel_diff(a: list[dict], b: list[dict], key: str = "loss") -> float:
    assert len(a) == len(b), (len(a), len(b))
    return max(abs(x[key] - y[key]) / abs(x[key]) for x, y in zip(a, b))

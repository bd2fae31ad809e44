"""Running the real command line, as a user would, and reading what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# A small, fast configuration: the tiny model, short sequences, a few steps.
FAST = ["--model", "tiny", "--seq-len", "32", "--global-batch-size", "8", "--steps", "4",
        "--eval-sequences", "8", "--sample-tokens", "0", "--no-progress", "--device", "cpu"]


def run_llmpar(args: list[str], env: dict | None = None, timeout: float = 300, cwd: str | None = None,
               prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """`python -m llmpar ARGS` (or PREFIX ARGS, e.g. torchrun) in a fresh process."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("LLMPAR_INJECT_FAULT", None) if not (env and "LLMPAR_INJECT_FAULT" in env) else None
    cmd = (prefix or [sys.executable, "-m", "llmpar"]) + args
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd)


def read_metrics(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def max_rel_diff(a: list[dict], b: list[dict], key: str = "loss") -> float:
    assert len(a) == len(b), (len(a), len(b))
    return max(abs(x[key] - y[key]) / abs(x[key]) for x, y in zip(a, b))

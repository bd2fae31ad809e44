"""Running the real command line, as a user would, and reading what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

from llmpar.procs import descendants

# A small, fast configuration: short sequences, a few steps; FAST adds the tiny model.
FAST_RUN = [
    "--seq-len",
    "32",
    "--global-batch-size",
    "8",
    "--steps",
    "4",
    "--eval-sequences",
    "8",
    "--sample-tokens",
    "0",
    "--no-progress",
    "--device",
    "cpu",
]
FAST = ["--model", "tiny", *FAST_RUN]


def run_llmpar(
    args: list[str],
    env: dict | None = None,
    timeout: float = 300,
    cwd: str | None = None,
    prefix: list[str] | None = None,
) -> subprocess.CompletedProcess:
    """`python -m llmpar ARGS` (or PREFIX ARGS, e.g. torchrun) in a fresh process. Asserts that, once it has
    ended, none of the processes it started is left behind."""
    full_env, tag = tagged_env(env)
    cmd = (prefix or [sys.executable, "-m", "llmpar"]) + args
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd)
    assert_none_left(tag)
    return proc


def tagged_env(env: dict | None = None) -> tuple[dict, str]:
    """The environment for a run: os.environ (without an injected fault unless asked), `env`, and a tag that
    every process of the run inherits, so that `assert_none_left` can find any it left behind."""
    full_env = {**os.environ, **(env or {})}
    if not (env and "LLMPAR_INJECT_FAULT" in env):
        full_env.pop("LLMPAR_INJECT_FAULT", None)
    tag = uuid.uuid4().hex
    full_env["LLMPAR_TEST_TAG"] = tag
    return full_env, tag


def processes_tagged(tag: str) -> list[int]:
    """Live processes whose environment carries LLMPAR_TEST_TAG=tag (Linux; [] elsewhere)."""
    needle = f"LLMPAR_TEST_TAG={tag}".encode()
    found = []
    if not os.path.isdir("/proc"):
        return found
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    with open(f"/proc/{pid}/stat", "rb") as st:
                        if st.read().split(b") ")[-1][:1] != b"Z":  # a zombie is already gone
                            found.append(int(pid))
        except OSError:
            continue
    return found


def assert_none_left(tag: str, grace: float = 10.0) -> None:
    """No process of the tagged run is alive (after `grace` seconds for them to finish exiting)."""
    deadline = time.monotonic() + grace
    while (left := processes_tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"processes left behind: {left}"


def train_metrics(tmp_path, name: str, args: list[str]) -> list[dict]:
    """`llmpar train ARGS --metrics FILE`, which must succeed; its metrics lines."""
    path = tmp_path / f"{name}.jsonl"
    proc = run_llmpar(["train", *args, "--metrics", str(path)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return read_metrics(path)


# The same small configuration as TrainConfig fields, for the layouts runner and `train_here`.
FAST_RUN_FIELDS = dict(
    seq_len=32, global_batch_size=8, steps=4, eval_sequences=8, sample_tokens=0, progress=False, device="cpu"
)
FAST_FIELDS = dict(model="tiny", **FAST_RUN_FIELDS)
# The exact comparisons: fp64, 3 steps at lr 3e-3 after 1 step of warm-up; FP64_ARGS is the same for the command line.
FP64_RUN = {**FAST_RUN_FIELDS, "dtype": "fp64", "steps": 3, "lr": 3e-3, "warmup": 1}
FP64_ARGS = [*FAST_RUN, "--dtype", "fp64", "--steps", "3", "--lr", "3e-3", "--warmup", "1"]
# The variables a launcher (torchrun) sets for its workers.
LAUNCHER_VARIABLES = (
    "TORCHELASTIC_RUN_ID",
    "RANK",
    "WORLD_SIZE",
    "MASTER_ADDR",
    "MASTER_PORT",
    "LOCAL_RANK",
    "LOCAL_WORLD_SIZE",
)
HERE = os.path.dirname(__file__)


def launch(runner: str, nproc: int, runs: list, path, timeout: float = 900) -> None:
    """Write RUNS to the JSON file PATH and run `python -m torch.distributed.run --standalone --nproc-per-node NPROC
    tests/RUNNER PATH`, which must succeed (and leave no process behind)."""
    path.write_text(json.dumps(runs))
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(nproc)]
    proc = run_llmpar([str(path)], timeout=timeout, prefix=[*torchrun, os.path.join(HERE, runner)])
    assert proc.returncode == 0, proc.stderr[-4000:]


def launch_layouts(tmp, nproc: int, runs: dict[str, dict]) -> dict[str, list[dict]]:
    """Train RUNS (name: TrainConfig fields, each using all NPROC workers) one after the other in the workers of
    one torchrun launch (tests/layouts_runner.py); their metrics lines by name. A launch costs seconds (torch is
    imported by every process), a small layout a fraction of one."""
    tmp.mkdir(parents=True, exist_ok=True)
    configs = [{**fields, "metrics": str(tmp / f"{name}.jsonl")} for name, fields in runs.items()]
    launch("layouts_runner.py", nproc, configs, tmp / "runs.json")
    return {name: read_metrics(tmp / f"{name}.jsonl") for name in runs}


def train_here(tmp, runs: dict[str, dict]) -> dict[str, list[dict]]:
    """Train one-process RUNS (name: TrainConfig fields) in this process, one after the other: what `llmpar train`
    does with a layout of one process (it trains in its own process, with no process group), without the cost of
    starting one. Their metrics lines by name. The trainer sets torch's thread count (to the cores); it is put
    back afterwards."""
    import torch

    from llmpar.config import TrainConfig, torchrun_world_size, validate
    from llmpar.train.trainer import train

    assert torchrun_world_size() is None, "train_here runs one-process layouts outside torchrun"
    assert torch.get_default_dtype() == torch.float32  # as in a fresh process
    tmp.mkdir(parents=True, exist_ok=True)
    threads = torch.get_num_threads()
    try:
        for name, fields in runs.items():
            cfg = validate(TrainConfig(**fields, metrics=str(tmp / f"{name}.jsonl")))
            assert cfg.world_size == 1, (name, cfg.world_size)
            train(cfg)
    finally:
        torch.set_num_threads(threads)
    return {name: read_metrics(tmp / f"{name}.jsonl") for name in runs}


def read_metrics(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def max_rel_diff(a: list[dict], b: list[dict], key: str = "loss") -> float:
    assert len(a) == len(b), (len(a), len(b))
    return max(abs(x[key] - y[key]) / abs(x[key]) for x, y in zip(a, b))


def workers(pids: list[int]) -> list[int]:
    """The llmpar workers among the descendants of some processes (spawned by llmpar, or started by torchrun)."""
    found = []
    for pid in sorted({d for p in pids for d in descendants(p)} - set(pids)):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if b"spawn_main" in cmd or b"llmpar\0train" in cmd:
            found.append(pid)
    return found


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """`llmpar ARGS` through the command's main() in this process: (exit status, stdout, stderr)."""
    from llmpar.cli import main

    try:
        code = main(args)
    except SystemExit as e:  # argparse's own errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err

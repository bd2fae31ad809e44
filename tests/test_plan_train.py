"""`llmpar plan` and `llmpar train` agree (slow): the planner's top candidates on the `cpu` profile with 4 processes,
each run through the real command line with exactly the flags the plan printed (its JSON `train_args`), measure
the traffic of every axis and the model state the plan predicted (within 1%) and its activations (within 5%).
`llmpar train --layout auto` runs the one the plan names for it (`auto`: the simplest within 3% of the fastest) and
says so.

Each case is a plan of the `small` model, batch 8 × 64, steered by plan flags where the search alone would not
reach the feature: `--zero 3` (ZeRO-3, with and without a pipeline), `--recompute selective`, `--cp 2` in each mode
(the cp axis's bytes checked too). The unsteered plan's
first candidates are pipelines (dp 2 × pp 2, zero-bubble with 2 micro-batches, then `--layout auto`'s choice with 1).
"""

import contextlib
import io
import json

import pytest

from helpers import read_metrics, run_llmpar
from llmpar.cli import main

pytestmark = pytest.mark.slow

BATCH = ["--model", "small", "--global-batch-size", "8", "--seq-len", "64"]
PLAN = ["plan", *BATCH, "--gpus", "4", "--hardware", "cpu"]
# What a run adds to the plan's flags: how long, and where its metrics go; nothing the prediction depends on.
RUN = ["--steps", "2", "--no-progress", "--sample-tokens", "0", "--eval-sequences", "8"]
CASES = [  # the plan's flags, and which of its candidates to run
    pytest.param([], slice(0, 1), id="pipeline"),  # (and the plan's `auto` choice, by --layout auto below)
    pytest.param(["--zero", "3", "--recompute", "none"], slice(0, 2), id="zero 3"),
    pytest.param(["--recompute", "selective"], slice(0, 2), id="recompute"),
    # context parallelism, both modes (the plan's first ring and first all-to-all candidates)
    pytest.param(["--cp", "2", "--cp-mode", "ring"], slice(0, 1), id="cp ring"),
    pytest.param(["--cp", "2", "--cp-mode", "all-to-all"], slice(0, 1), id="cp all-to-all"),
]


def _plan(flags: list[str]) -> dict:
    """The plan (its JSON): the candidates, fastest first, and `auto`, the index of --layout auto's choice."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*PLAN, *flags, "--json"]) == 0
    return json.loads(out.getvalue())


def _run(c: dict, metrics, *args: str) -> dict:
    proc = run_llmpar(["train", *args, *RUN, "--metrics", str(metrics)])
    assert proc.returncode == 0, (c["train_command"], proc.stderr[-3000:])
    return proc


def _check(predicted: dict, measured: dict) -> None:
    assert measured["layout"] == {k: predicted[k] for k in measured["layout"]}
    for axis in ("dp", "tp", "pp", "cp"):
        assert measured["comm_bytes"][axis] == pytest.approx(predicted["comm_bytes"][axis], rel=0.01, abs=16), axis
    mem = predicted["memory_bytes"]
    assert measured["model_state_bytes"] == pytest.approx(mem["params"] + mem["grads"] + mem["optimizer"], rel=0.01)
    assert measured["activation_bytes"] == pytest.approx(mem["activations"], rel=0.05)


@pytest.mark.parametrize("flags,which", CASES)
def test_the_plans_candidates_run_as_predicted(tmp_path, flags, which):
    candidates = _plan(flags)["candidates"][which]
    assert len(candidates) == which.stop - which.start
    for i, c in enumerate(candidates):
        metrics = tmp_path / f"{i}.jsonl"
        _run(c, metrics, *c["train_args"])
        _check(c, read_metrics(metrics)[-1])


def test_layout_auto_runs_the_plans_auto_choice(tmp_path):
    """The pipeline case's `auto` candidate, chosen by `--layout auto` for 4 processes and printed before the
    workers start (their first line comes after it)."""
    plan = _plan([])
    first = plan["candidates"][plan["auto"]]
    metrics = tmp_path / "auto.jsonl"
    proc = _run(first, metrics, "--layout", "auto", "--nproc", "4", *BATCH, "--device", "cpu")
    lines = proc.stdout.splitlines()
    flags = " ".join(first["train_args"][2 : first["train_args"].index("--global-batch-size")])
    assert lines[0].startswith(f"llmpar train: --layout auto chose {flags} for 4 processes on the cpu profile"), lines
    assert lines[1].startswith(f"  predicted: step {first['step_time_s']:.3f} s"), lines
    assert lines[2].startswith("  runner-up: "), lines
    assert lines[3].startswith("llmpar: training small"), lines
    _check(first, read_metrics(metrics)[-1])

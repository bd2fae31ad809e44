"""`llmpar plan` and `llmpar simulate` as a user meets them: fast (no torch), clear exit statuses and messages,
the flags that fix what is otherwise searched, the table's order said where it is shown, a readable picture."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import run_cli
from llmpar.model.config import PRESETS

PLAN_70B = [
    "plan",
    "--model",
    "llama-70b",
    "--gpus",
    "64",
    "--hardware",
    "h100-sxm",
    "--global-batch-size",
    "256",
    "--seq-len",
    "4096",
]


def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_importing_the_plan_command_does_not_import_torch():
    out = _python("import sys, llmpar.cli, llmpar.plan.cli, llmpar.plan.report; print('torch' in sys.modules)")
    assert out.split() == ["False"]


def test_plan_does_not_import_torch():
    code = (
        "import contextlib, io, sys\n"
        "from llmpar.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main({PLAN_70B!r})\n"
        "assert code == 0 and out.getvalue().count('llmpar train --model') == 10, out.getvalue()\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules)\n"
    )
    assert _python(code).split() == ["False", "False"]


def test_simulate_does_not_import_torch_before_drawing(tmp_path):
    # The drawing itself is matplotlib's (numpy); everything before it is llmpar's own arithmetic.
    code = (
        "import sys\n"
        "import llmpar.pipeline.plot as plot\n"
        "seen = []\n"
        "plot.draw = lambda *a, **kw: seen.append('torch' in sys.modules)\n"
        "from llmpar.cli import main\n"
        "code = main(['simulate', '--model', 'llama-7b', '--hardware', 'a100-80gb', '--tp', '2', '--pp', '4',\n"
        "             '--schedule', 'interleaved', '--micro-batches', '16', '--global-batch-size', '64',\n"
        f"             '--seq-len', '4096', '-o', {str(tmp_path / 'x.png')!r}])\n"
        "print(code, seen)\n"
    )
    assert _python(code).splitlines()[-1] == "0 [False]"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_block_parameter_shapes_are_the_blocks(name):
    """The cost model counts a block's parameters from `block_parameter_shapes` (torch-free); they are the
    built block's, name by name, in its order."""
    import torch

    from llmpar.model.shapes import block_parameter_shapes
    from llmpar.model.transformer import Block

    cfg = PRESETS[name]
    with torch.device("meta"):
        block = Block(cfg)
    assert block_parameter_shapes(cfg) == tuple((n, tuple(p.shape)) for n, p in block.named_parameters())


def test_lazy_packages_keep_their_names():
    """The packages import their torch modules when a name is first used; `llmpar.parallel.data_parallel` stays
    the function (the module of that name is imported behind it)."""
    import llmpar.parallel
    from llmpar.data import TokenBatches, read_bin
    from llmpar.model import Transformer, build_model
    from llmpar.parallel import DataParallel, FullySharded, ShardedOptimizer, data_parallel

    assert callable(data_parallel) and data_parallel.__name__ == "data_parallel"
    assert llmpar.parallel.data_parallel is data_parallel
    assert {c.__name__ for c in (DataParallel, FullySharded, ShardedOptimizer)} == {
        "DataParallel",
        "FullySharded",
        "ShardedOptimizer",
    }
    assert TokenBatches.__name__ == "TokenBatches" and callable(read_bin)
    assert Transformer.__name__ == "Transformer" and callable(build_model)
    with pytest.raises(AttributeError):
        llmpar.parallel.nothing  # noqa: B018


@pytest.mark.parametrize(
    ("name", "p", "m", "v"),
    [
        ("1f1b", 4, 8, 1),
        ("gpipe", 3, 5, 1),
        ("naive", 3, 4, 1),
        ("zb", 4, 8, 1),
        ("zb", 8, 3, 1),
        ("interleaved", 4, 8, 2),
        ("interleaved", 2, 6, 4),
    ],
)
def test_held_states_keep_every_largest_state(name, p, m, v):
    """The cost model keeps, per rank, only the states of the walk that no other exceeds; every state of the
    executor's own action list is at or under one of them, and each of them is one of its states."""
    from llmpar.pipeline.schedules import Kind, make_schedule
    from llmpar.plan.cost.footprint import _held_states

    schedule = make_schedule(name, p, m, v)
    kept = _held_states(name, p, m, v)
    for r in range(p):
        index = {c: k for k, c in enumerate(range(r, p * v, p))}
        counts, seen = [0] * (2 * v), set()
        for a in schedule.ranks[r]:
            k = index[a.chunk]
            if a.kind == Kind.F:
                counts[k] += 1
            elif a.kind == Kind.B:
                counts[k] -= 1
                counts[v + k] += name == "zb"
            elif a.kind == Kind.W:
                counts[v + k] -= 1
            else:
                continue
            seen.add(tuple(counts))
        assert set(kept[r]) <= seen
        assert all(any(all(x >= y for x, y in zip(big, state)) for big in kept[r]) for state in seen)
        assert not any(a != b and all(x >= y for x, y in zip(a, b)) for a in kept[r] for b in kept[r])


def test_the_one_chunk_schedules_closed_forms_are_the_walk():
    """GPipe holds m micro-batches, naive 1 and 1F1B min(m, p − r) on rank r: what walking their actions gives."""
    from llmpar.plan.cost.footprint import _HELD_IN_CLOSED_FORM, _held_states, _walked_states

    for name in _HELD_IN_CLOSED_FORM:
        for p in range(1, 9):
            for m in (*range(1, 41), 2000):
                assert _held_states(name, p, m, 1) == _walked_states(name, p, m, 1), (name, p, m)


def test_more_micro_batches_than_8_pv_hold_what_8_pv_hold():
    """The walk stops at 8·p·v micro-batches: beyond the warm-up the schedules repeat their states, so walking
    all of them finds no larger one."""
    from llmpar.plan.cost.footprint import _walked_states

    for name, v in (("zb", 1), ("interleaved", 2), ("interleaved", 3), ("1f1b", 1)):
        for p in (1, 2, 3, 4, 6, 8):
            capped = _walked_states(name, p, 8 * p * v, v)
            for m in (8 * p * v + p, 11 * p * v, 16 * p * v):
                assert _walked_states(name, p, m, v, cap=False) == capped, (name, p, m, v)


SMALL_CPU = ["plan", "--model", "small", "--gpus", "4", "--hardware", "cpu", "--global-batch-size", "16"]


def test_the_table_is_sorted_by_time_says_so_and_the_json_has_its_order(capsys):
    from llmpar.plan.planner import ORDER_NOTE

    code, table, _ = run_cli(SMALL_CPU, capsys)
    assert code == 0
    lines = table.splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#"))
    rows = lines[head + 1 : head + 11]
    times = [float(row.split()[11]) for row in rows]
    assert times == sorted(times) and len(times) == 10
    assert lines[head + 11] == ORDER_NOTE  # the line right under the table
    code, out, _ = run_cli([*SMALL_CPU, "--json"], capsys)
    plan = json.loads(out)
    assert plan["order"] == ORDER_NOTE
    keys = [(c["step_time_s"], c["memory_bytes"]["total"]) for c in plan["candidates"]]
    assert keys == sorted(keys)  # equal times: the least memory first
    commands = [line[3:] for line in lines if line[:2].strip().isdigit() and "llmpar train" in line]
    assert commands == [c["train_command"] for c in plan["candidates"]]  # the table's order is the JSON's


def test_the_plan_says_which_row_layout_auto_runs(capsys, monkeypatch):
    """`llmpar train --layout auto` keeps its rule (the simplest within 3% of the fastest), and the plan names
    the row it runs; for 4 CPU processes that is not the fastest row."""
    from llmpar.config import TrainConfig, validate

    _, out, _ = run_cli([*SMALL_CPU, "--json"], capsys)
    plan = json.loads(out)
    k = plan["auto"]
    assert k is not None and k > 0
    fastest, chosen = plan["candidates"][0], plan["candidates"][k]
    assert chosen["step_time_s"] <= fastest["step_time_s"] * 1.03
    _, table, _ = run_cli(SMALL_CPU, capsys)
    assert f"llmpar train --layout auto would run #{k + 1}: the simplest layout within 3% of the fastest" in table
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    searched = dict.fromkeys(("dp", "tp", "pp", "zero", "schedule", "virtual_stages", "micro_batches", "recompute"))
    cfg = validate(  # (as the command line gives it: the layout flags left out are None, searched)
        TrainConfig(
            layout_mode="auto",
            nproc=4,
            device="cpu",
            model="small",
            global_batch_size=16,
            seq_len=256,
            sequence_parallel=None,
            **searched,
        )
    )
    assert (cfg.dp, cfg.tp, cfg.pp, cfg.zero, cfg.schedule, cfg.micro_batches) == tuple(
        chosen[key] for key in ("dp", "tp", "pp", "zero", "schedule", "micro_batches")
    )
    assert f"the simplest within 3% of the fastest (#{k + 1} of `llmpar plan`'s list" in cfg.layout_why


BIG_FIXED = [
    "plan",
    "--model",
    "llama-70b",
    "--hardware",
    "h100-sxm",
    "--global-batch-size",
    "16",
    "--seq-len",
    "4096",
    "--dp",
    "1",
    "--tp",
    "8",
    "--pp",
    "1",
    "--zero",
    "0",
    "--micro-batches",
    "1",
    "--sequence-parallel",
    "--recompute",
    "none",
]


def test_a_fixed_layout_that_does_not_fit_exits_1_with_its_prediction_and_why(capsys):
    code, table, err = run_cli(BIG_FIXED, capsys)
    assert code == 1
    assert "1 layout searched, 0 fit in 80 GiB" in table
    assert "the layout asked for does not fit; its prediction:" in table
    row = next(line for line in table.splitlines() if line.startswith(" 1    1   8   1"))
    assert float(row.split()[11]) > 0  # its predicted step time
    assert " 1 does not fit: needs 391.9 GiB per device, more than a device's 80 GiB" in table
    assert err.startswith("llmpar plan: error: the layout asked for does not fit in 80 GiB per device: it needs 391.9")
    assert "leave some of --dp 1, --tp 8, --pp 1, --zero 0, --micro-batches 1" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, out, err = run_cli([*BIG_FIXED, "--json"], capsys)
    assert code == 1
    plan = json.loads(out)  # the JSON alone on stdout
    assert plan["candidates"] == [] and plan["fitting"] == 0 and plan["searched"] == 1
    (one,) = plan["too_big"]
    assert one["fits"] is False and one["step_time_s"] > 0 and one["reason"].startswith("does not fit: needs 391.9")
    assert (one["dp"], one["tp"], one["pp"]) == (1, 8, 1) and one["train_args"]
    assert plan["error"] == err.strip().removeprefix("llmpar plan: error: ")


def test_a_fixed_layout_that_cannot_run_exits_2_with_the_reason(capsys):
    args = ["plan", "--model", "tiny", "--hardware", "cpu", "--dp", "1", "--tp", "4", "--pp", "1"]
    code, table, err = run_cli(args, capsys)
    assert code == 2
    assert "layouts that cannot be used:" in table and "n_kv_heads=2 is not divisible by 4" in table
    assert err.startswith("llmpar plan: error: no layout can run: --tp 4 splits n_kv_heads across ranks")
    assert "--tp values that fit this model: 1, 2" in err and len(err.strip().splitlines()) == 1
    code, out, err = run_cli([*args, "--json"], capsys)
    plan = json.loads(out)
    assert code == 2 and plan["candidates"] == [] and plan["too_big"] == []
    assert plan["rejected"][0]["layout"]["tp"] == 4 and "not divisible by 4" in plan["rejected"][0]["reason"]
    assert plan["error"] and "not divisible by 4" in plan["error"]


def test_a_plan_that_fits_exits_0_with_no_error(capsys):
    code, out, err = run_cli([*SMALL_CPU, "--json", "--top", "1"], capsys)
    assert code == 0 and err == "" and json.loads(out)["error"] is None


SEVEN_B = ["plan", "--model", "llama-7b", "--gpus", "8", "--hardware", "h100-sxm", "--global-batch-size", "32"]
SEVEN_B += ["--seq-len", "2048", "--tp", "2", "--top", "20", "--json"]


@pytest.mark.parametrize("flag,want", [(["--sequence-parallel"], {True}), (["--no-sequence-parallel"], {False})])
def test_sequence_parallelism_can_be_fixed_on_or_off(capsys, flag, want):
    code, out, _ = run_cli([*SEVEN_B, *flag], capsys)
    candidates = json.loads(out)["candidates"]
    assert code == 0 and {c["sequence_parallel"] for c in candidates} == want
    for c in candidates:  # the printed command carries the choice
        assert flag[0] in c["train_args"] and c["train_command"].split().count(flag[0]) == 1
    if want == {False}:
        assert all("--sequence-parallel" not in c["train_args"] for c in candidates)


def test_sequence_parallelism_is_searched_when_left_out(capsys):
    code, out, _ = run_cli(SEVEN_B, capsys)
    assert code == 0 and {c["sequence_parallel"] for c in json.loads(out)["candidates"]} == {False, True}


@pytest.mark.parametrize(
    "flag,want", [([], False), (["--sequence-parallel"], True), (["--no-sequence-parallel"], False)]
)
def test_train_names_the_flags_alike(monkeypatch, flag, want):
    """`llmpar train` takes both spellings; with --layout auto, either one fixes what is otherwise searched."""
    import llmpar.launch
    import llmpar.preflight
    from llmpar.cli import main

    launched = []
    monkeypatch.setattr(llmpar.launch, "launch", launched.append)
    monkeypatch.setattr(llmpar.preflight, "check", lambda cfg: None)
    for var in ("TORCHELASTIC_RUN_ID", "WORLD_SIZE", "RANK", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    run = ["--model", "tiny", "--global-batch-size", "8", "--seq-len", "32", "--device", "cpu"]
    assert main(["train", *run, "--dp", "1", "--tp", "2", *flag]) == 0
    assert launched.pop().sequence_parallel is want
    if flag:
        assert main(["train", *run, "--layout", "auto", "--nproc", "4", "--tp", "2", *flag]) == 0
        assert launched.pop().sequence_parallel is want


def test_micro_batch_size_fixes_the_sequences_per_micro_batch(capsys, tmp_path):
    args = [*SMALL_CPU, "--micro-batch-size", "2", "--top", "20", "--json"]
    code, out, _ = run_cli(args, capsys)
    plan = json.loads(out)
    assert code == 0 and plan["candidates"]
    for c in plan["candidates"]:
        assert c["micro_batch_size"] == 2 and c["micro_batches"] == 16 // (c["dp"] * 2)
    # with --micro-batches too, the two agree and fix dp: 16 / (2 × 2) = 4 replicas
    code, out, _ = run_cli([*args, "--micro-batches", "2"], capsys)
    assert code == 0 and {c["dp"] for c in json.loads(out)["candidates"]} == {4}
    # simulate takes it too
    pytest.importorskip("matplotlib")
    code, out, err = run_cli(
        ["simulate", "--model", "tiny", "--hardware", "cpu", "--pp", "2", "--global-batch-size", "8"]
        + ["--micro-batch-size", "2", "-o", str(tmp_path / "sim.png")],
        capsys,
    )
    assert code == 0, err
    assert "--micro-batches 4 " in out.splitlines()[0]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--dp", "2", "--micro-batch-size", "3"], "--micro-batch-size 3 does not divide the 8 sequences of each"),
        (
            ["--dp", "4", "--micro-batch-size", "2", "--micro-batches", "4"],
            "--micro-batches 4 and --micro-batch-size 2 disagree",
        ),
        (["--micro-batch-size", "2", "--micro-batches", "3"], "= 6 sequences per replica, which does not divide"),
        (["--micro-batch-size", "3"], "--micro-batch-size 3 divides no replica's share of the batch"),
        (["--micro-batch-size", "32"], "--micro-batch-size 32 is more than the --global-batch-size 16"),
    ],
)
def test_a_micro_batch_size_that_cannot_be_is_refused_clearly(capsys, args, needle):
    code, out, err = run_cli([*SMALL_CPU, *args], capsys)
    assert code == 2 and out == ""
    assert err.startswith("llmpar plan: error: ") and needle in err and len(err.strip().splitlines()) == 1


def _drawn(monkeypatch):
    """The figures `draw` saves, kept open for the test to read."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    figures = []
    save = Figure.savefig

    def keep(fig, *args, **kwargs):
        figures.append(fig)
        save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    return figures


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _check_picture(fig, unit: str) -> None:
    (ax,) = fig.axes
    assert ax.get_xlabel() == unit
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # beside the plot: over no box
    assert not _overlap(legend, ax.title.get_window_extent(renderer))
    assert legend.x1 <= fig.bbox.x1 + 1  # and inside the picture


def test_simulate_labels_its_time_axis_in_predicted_seconds(monkeypatch, tmp_path, capsys):
    figures = _drawn(monkeypatch)
    args = ["simulate", "--model", "tiny", "--hardware", "cpu", "--pp", "4", "--schedule", "zb"]
    code, out, err = run_cli(
        [*args, "--micro-batches", "4", "--global-batch-size", "8", "-o", str(tmp_path / "s.png")], capsys
    )
    assert code == 0, err
    (fig,) = figures
    _check_picture(fig, "time (s, predicted)")
    step = float(out.splitlines()[1].split()[1])  # "  step 0.0xxx s, ..."
    assert fig.axes[0].get_xlim()[1] == pytest.approx(step, rel=0.2)  # seconds: about the predicted step


def test_timeline_keeps_its_units(monkeypatch, tmp_path, capsys):
    figures = _drawn(monkeypatch)
    code, _, err = run_cli(["timeline", "--schedule", "1f1b", "--pp", "2", "-o", str(tmp_path / "i.png")], capsys)
    assert code == 0, err
    _check_picture(figures.pop(), "time (units of one stage's forward)")
    line = {
        "step": 1,
        "bubble_fraction": 0.25,
        "layout": {"pp": 2, "schedule": "1f1b", "micro_batches": 1},
        "timeline": [[["F", 0, 0, 0.0, 0.1], ["B", 0, 0, 0.3, 0.5]], [["F", 0, 1, 0.1, 0.2], ["B", 0, 1, 0.2, 0.3]]],
    }
    (tmp_path / "m.jsonl").write_text(json.dumps(line) + "\n")
    code, _, err = run_cli(["timeline", "--metrics", str(tmp_path / "m.jsonl"), "-o", str(tmp_path / "m.png")], capsys)
    assert code == 0, err
    _check_picture(figures.pop(), "time (s)")


SHAPES = [("naive", 3, 4, 1), ("gpipe", 4, 5, 1), ("1f1b", 1, 3, 1), ("1f1b", 4, 8, 1), ("1f1b", 8, 3, 1)]
SHAPES += [
    ("zb", 4, 6, 1),
    ("zb", 2, 1, 1),
    ("interleaved", 2, 4, 2),
    ("interleaved", 4, 8, 4),
    ("interleaved", 3, 9, 2),
]


@pytest.mark.parametrize(("name", "p", "m", "v"), SHAPES)
@pytest.mark.parametrize("transfer", [0.0, 0.05, 3.0])
def test_the_pipeline_summary_is_the_simulation(name, p, m, v, transfer):
    """The planner times pipelines with `pipeline_summary` (from the compute order, kept by durations); its time
    and bubble are those of `simulate` on the schedule's action lists, to the last bit."""
    from llmpar.plan.cost import simulator

    chunks = p * (v if name == "interleaved" else 1)
    durations = tuple((0.5 + 0.1 * c, 1.1 + 0.07 * c, 0.3 if name == "zb" else 0.0) for c in range(chunks))
    by_kind = [{"F": f, "B": b, "W": w} for f, b, w in durations]
    schedule = simulator.cached_schedule(name, p, m, v)
    timeline = simulator.simulate(schedule, lambda r, a: by_kind[a.chunk][a.kind], transfer)
    end = max(rank[-1][2] for rank in timeline)
    bubble = simulator.bubble_fraction(timeline) if p > 1 else 0.0
    assert simulator.pipeline_summary(name, p, m, v, durations, transfer) == (end, bubble)

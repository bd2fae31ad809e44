"""`llmpar compare`: layouts by name, the default set, its one-line errors, and a real comparison whose report
must say what its runs' own metrics files say."""

from __future__ import annotations

import json
import os
import statistics

import pytest

from helpers import run_llmpar
from llmpar.bus import TRAFFIC_AXES
from llmpar.cli import main, train_fields, train_flag_parser
from llmpar.compare import report
from llmpar.compare.layouts import default_layouts, parse
from llmpar.compare.results import deviation, first_departure, measured
from llmpar.compare.run import train_argv
from llmpar.errors import UserError
from llmpar.model.config import PRESETS


def test_a_layout_is_read_from_its_name():
    s = parse("dp2-tp2-pp2-interleaved-v2-m8-sp-zero1-full-seed3")
    assert (s.dp, s.tp, s.pp, s.zero, s.schedule, s.virtual_stages, s.micro_batches) == (
        2,
        2,
        2,
        1,
        "interleaved",
        2,
        8,
    )
    assert s.sequence_parallel and s.recompute == "full" and s.seed == 3 and s.processes == 8
    assert parse("single").processes == 1
    # Micro-batches left out: two per stage (and chunk), so the pipeline has work to overlap; naive runs one.
    assert parse("pp4").micro_batches == 8 and parse("pp2-interleaved").micro_batches == 8
    assert parse("pp4-naive").micro_batches == 1
    c = parse("dp2-cp2-a2a")
    assert (c.cp, c.cp_mode, c.processes) == (2, "all-to-all", 4) and parse("cp4").cp_mode == "ring"


@pytest.mark.parametrize(
    "name, words",
    [
        ("dp2-fsdp", "unknown token 'fsdp'"),
        ("dp2-dp4", "sets dp a second time"),
        ("1f1b", "needs a pipeline"),
        ("pp2-v2", "v<N> is for the interleaved schedule"),
        ("sp", "add tp<N>"),
        ("single-dp2", "leave out dp, tp, pp and cp"),
        ("single-cp2", "leave out dp, tp, pp and cp"),
        ("a2a", "add cp<N>"),
        ("cp0", "at least cp1"),
        ("dp0", "at least dp1"),
        ("zero4", "zero0 to zero3"),
        ("dp2--tp2", "empty"),
    ],
)
def test_a_bad_layout_name_says_what_is_wrong(name, words):
    with pytest.raises(UserError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse(name)


def test_the_default_set_is_fitted_to_the_processes_and_the_model():
    small = PRESETS["small"]  # 4 layers, 6 heads, 2 kv heads
    names = [s.name for s in default_layouts(4, small, 16)]
    assert names == [
        "single",
        "dp4",
        "dp4-zero1",
        "dp4-zero2",
        "dp4-zero3",
        "pp4-naive",
        "tp2",
        "tp2-sp",
        "pp4-gpipe",
        "pp4-1f1b",
        "pp2-interleaved-v2",
        "pp4-zb",
        "tp2-pp2",
    ]
    eight = [s.name for s in default_layouts(8, small, 16)]
    assert eight[-1] == "dp2-tp2-pp2" and "dp8" in eight and "pp4-1f1b" in eight  # (4 layers: 4 stages at most)
    two = [s.name for s in default_layouts(2, small, 16)]
    assert "tp2-pp2" not in two and two[-1] == "pp2-zb" and all(parse(n).processes <= 2 for n in two)
    # Every default layout runs the global batch: it divides by dp × micro-batches.
    for s in default_layouts(8, small, 16) + default_layouts(3, PRESETS["tiny-gpt2"], 12):
        assert 12 % (s.dp * s.micro_batches) == 0 or 16 % (s.dp * s.micro_batches) == 0
        assert s.processes <= 8


def test_a_layouts_command_line_means_the_same_configuration():
    """The `llmpar train` flags the report prints for a layout parse back to the fields it was run with."""
    base = {
        "model": "tiny",
        "steps": 7,
        "dtype": "fp64",
        "seq_len": 64,
        "progress": False,
        "metrics": "m.jsonl",
        **parse("dp2-tp2-pp2-interleaved-v2-m4-sp-full").train_fields(),
    }
    for fields in (base, {**base, **parse("dp2-cp2-a2a-tp2-sp").train_fields()}):
        argv = train_argv(fields)
        back = train_fields(train_flag_parser().parse_args(argv))
        assert {k: back.get(k, v) for k, v in fields.items()} == fields
        assert "--no-progress" in argv and "--sequence-parallel" in argv


def _cli(capsys, *argv):
    code = main(["compare", *argv])
    err = capsys.readouterr().err.strip()
    return code, err


@pytest.mark.parametrize(
    "argv, words",
    [
        (["dp2-zerro1"], "unknown token 'zerro1'"),
        (["dp2-tp2-pp2"], "needs 8 processes and --nproc is 4; give --nproc 8"),
        (["tp4"], "layout 'tp4': "),
        (["dp2", "dp2"], "given twice"),
        (["dp2", "--dp", "2"], "--dp: each layout says it in its name"),
        (["dp2", "--save", "x"], "--save: compare writes"),
        (["dp2", "--assert-equal", "0"], "--assert-equal 0: give a positive"),
    ],
)
def test_bad_input_is_one_line_before_anything_runs(tmp_path, capsys, argv, words):
    out = tmp_path / "report"
    code, err = _cli(capsys, *argv, "--model", "small", "--device", "cpu", "-o", str(out))
    assert code == 2 and words in err and len(err.splitlines()) == 1, err
    assert not out.exists()  # nothing was run or written


def test_the_report_folder_is_never_someone_elses(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    code, err = _cli(capsys, "dp2", "--device", "cpu", "-o", str(taken))
    assert code == 2 and "the folder exists" in err and "--overwrite" in err
    code, err = _cli(capsys, "dp2", "--device", "cpu", "-o", str(taken), "--overwrite")
    assert code == 2 and "other than a comparison's report" in err
    assert (taken / "notes.txt").read_text() == "mine"
    a_file = tmp_path / "file"
    a_file.write_text("x")
    code, err = _cli(capsys, "dp2", "--device", "cpu", "-o", str(a_file))
    assert code == 2 and "is a file" in err


def test_deviation_and_first_departure():
    ref = [5.0, 4.0, 3.0]
    assert deviation([5.0, 4.0, 3.0], ref) == 0
    assert deviation([5.0, 4.0 * (1 + 1e-6), 3.0], ref) == pytest.approx(1e-6)
    assert first_departure([5.0, 4.0 * (1 + 1e-6), 3.0], ref, 1e-9) == 2
    assert first_departure([5.0, 4.0], ref, 1e-9) == 3  # a shorter curve departs where it ends
    assert first_departure(ref, ref, 1e-9) is None


def _recomputed(lines: list[dict], summary: dict) -> dict:
    """What the report must say of a run, computed here from its metrics lines and summary, independently."""
    timed = lines[2:] if len(lines) > 4 else lines
    step = statistics.median(x["step_time_s"] for x in timed)
    return {
        "step_time_s": step,
        "tokens_per_s": lines[-1]["tokens"] / step,
        "peak_mem_bytes": max(x["peak_mem_bytes"] for x in lines),
        "model_state_bytes": max(x["model_state_bytes"] for x in lines),
        "activation_bytes": max(x["activation_bytes"] for x in lines),
        "comm_bytes": {axis: lines[-1]["comm_bytes"].get(axis, 0) for axis in TRAFFIC_AXES},  # a line from before cp: 0
        "final_loss": lines[-1]["loss"],
        "val_loss": summary["val_loss"],
        "val_accuracy": summary["val_accuracy"],
        "losses": [x["loss"] for x in lines],
    }


def test_measured_numbers_come_from_the_metrics_lines():
    lines = [
        {
            "step": k,
            "loss": 5.0 - k / 10,
            "tokens": 2048,
            "step_time_s": t,
            "peak_mem_bytes": 100 + k,
            "model_state_bytes": 10,
            "activation_bytes": 20 + (k == 3),
            "comm_bytes": {"dp": 7, "tp": 0, "pp": 0},
            "bubble_fraction": 0.0,
        }
        for k, t in zip(range(1, 7), [9.0, 5.0, 1.0, 2.0, 3.0, 4.0])
    ]
    m = measured(lines, {"val_loss": 4.2, "val_accuracy": 0.3}, 2)
    expected = _recomputed(lines, {"val_loss": 4.2, "val_accuracy": 0.3})
    assert m["step_time_s"] == 2.5  # the median of steps 3-6: the first two warm up
    assert {k: m[k] for k in expected} == expected


@pytest.mark.slow
def test_a_small_comparison_reports_what_its_runs_measured(tmp_path):
    """Four layouts in fp64 through the real launcher: the report's numbers are the metrics files', every figure is
    a PNG, and --assert-equal 1e-9 holds; a layout with another seed fails it, named with its step; a layout
    whose worker fails is reported as failed while the others run."""
    out = tmp_path / "report"
    argv = ["single", "dp2", "tp2-sp", "pp2-1f1b-m4", "--model", "tiny", "--steps", "6", "--seq-len", "32"]
    argv += ["--dtype", "fp64", "--device", "cpu", "--eval-sequences", "8", "--assert-equal", "1e-9", "-o", str(out)]
    argv += ["--tensorboard", str(tmp_path / "tb")]
    done = run_llmpar(["compare", *argv], timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    table = (out / "report.md").read_text()
    assert results["assert_equal"]["passed"] and [r["name"] for r in results["runs"]] == argv[:4]
    for run in results["runs"]:
        folder = out / run["folder"]
        lines = [json.loads(x) for x in (folder / "metrics.jsonl").read_text().splitlines()]
        summary = json.loads((folder / "summary.json").read_text())
        expected = _recomputed(lines, summary)
        assert {k: run["measured"][k] for k in expected} == expected, run["name"]
        assert run["max_loss_deviation"] < 1e-9 and len(lines) == 6
        # The report's row is those numbers, formatted.
        cells = report.row(run, digits=6)  # (fp64: 6 decimals)
        assert "| " + " | ".join(cells) + " |" in table
        assert cells[9] == f"{lines[-1]['loss']:.6f}" and cells[10] == f"{summary['val_loss']:.6f}"
        assert cells[11] == f"{100 * summary['val_accuracy']:.4f}%"
        # Each cost beside its prediction: the traffic the cost model predicts is the traffic measured.
        for axis, ratio in run["ratio"]["comm_bytes"].items():
            assert ratio is None or ratio == pytest.approx(1.0, rel=1e-6), (run["name"], axis)
        assert run["command"].startswith("llmpar train ")
    # Each layout's curves in a TensorBoard folder of its own, named as the layout.
    assert sorted(os.listdir(tmp_path / "tb")) == sorted(argv[:4])
    assert all(any(f.startswith("events.") for f in os.listdir(tmp_path / "tb" / n)) for n in argv[:4])
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["costs.png", "loss.png", "timeline-pp2-1f1b-m4.png"]
    import matplotlib.image

    for name in pngs:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        height, width, _ = matplotlib.image.imread(out / name).shape
        assert height > 200 and width > 400
        assert f"]({name})" in table

    # Made to differ: another seed departs at step 1, and the verifier says so; a failing worker is reported.
    out2 = tmp_path / "differ"
    env = {"LLMPAR_INJECT_FAULT": "1:2"}  # rank 1 raises at step 2: only dp2 has a rank 1
    argv2 = ["single", "single-seed1", "dp2", "--model", "tiny", "--steps", "3", "--seq-len", "32", "--dtype", "fp64"]
    argv2 += ["--device", "cpu", "--eval-sequences", "8", "--assert-equal", "1e-9", "-o", str(out2)]
    done = run_llmpar(["compare", *argv2], env=env, timeout=600)
    assert done.returncode == 1
    assert "layout single-seed1 departs from single at step 1" in done.stderr, done.stderr[-3000:]
    assert "layout dp2 failed" in done.stderr and "injected fault" in done.stderr
    results = json.loads((out2 / "results.json").read_text())
    assert [r["status"] for r in results["runs"]] == ["ok", "ok", "failed"]
    assert "**failed**" in (out2 / "report.md").read_text()
    assert not results["assert_equal"]["passed"]


def test_peers_are_paired_with_their_twins_or_say_why_not(tmp_path):
    from llmpar.compare.run import prepare

    given = {"model": "small", "device": "cpu", "steps": 3}
    runs, skipped = prepare(["dp2", "dp2-zero2", "tp2-sp", "pp2-gpipe"], given, 4, str(tmp_path), peers=True)
    assert [r.name for r in runs] == [
        "dp2",
        "ddp (dp2)",
        "dp2-zero2",
        "tp2-sp",
        "dtensor-tp (tp2-sp)",
        "pp2-gpipe",
        "pipelining (pp2-gpipe)",
    ]
    assert skipped == [] and runs[1].argv[1:5] == ["-m", "llmpar.compare.peers", "--peer", "ddp"]
    assert len({r.folder for r in runs}) == len(runs)
    runs, skipped = prepare(["dp2"], {**given, "dtype": "bf16"}, 4, str(tmp_path), peers=True)
    assert [r.name for r in runs] == ["dp2"] and skipped[0].startswith("ddp (dp2): --dtype bf16")


def test_predictions_use_the_profile_given(tmp_path):
    """--hardware-config (a profile `llmpar calibrate` wrote for this machine) is what the predictions use."""
    import dataclasses
    import json as _json

    from llmpar.compare import _profile
    from llmpar.compare.run import prepare
    from llmpar.plan.hardware import hardware, save_hardware

    runs, _ = prepare(["dp2"], {"model": "small", "device": "cpu"}, 4, str(tmp_path), peers=False)
    cfg = runs[0].cfg
    assert _profile(cfg, None, None)[0].name == "cpu"
    slower = dataclasses.replace(hardware("cpu"), name="slower", peak_flops={"fp32": 1e9, "fp64": 5e8, "bf16": 1e9})
    path = tmp_path / "machine.json"
    save_hardware(slower, str(path))
    assert _json.loads(path.read_text())["name"] == "slower"
    hw, why = _profile(cfg, None, str(path))
    assert hw.name == "slower" and why is None and _profile(cfg, "h100-sxm", None)[0].name == "h100-sxm"
    with pytest.raises(UserError, match="--hardware-config"):
        _profile(cfg, None, str(tmp_path / "missing.json"))

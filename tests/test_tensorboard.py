"""`llmpar train --tensorboard DIR`: the metrics line's numbers as TensorBoard scalars, and the refusals.

The runs are of one process, which `llmpar train` trains in its own process: fast, no worker is started."""

import sys

import numpy as np
import pytest

import llmpar.launch
import llmpar.paths
import llmpar.train.trainer
from helpers import FAST, LAUNCHER_VARIABLES, read_metrics
from llmpar.cli import main
from llmpar.train.tensorboard import MISSING

RUN = [*FAST, "--dp", "1", "--steps", "3"]
# The tags of a CPU run: mfu is null there, so it has none.
TAGS = {
    "loss",
    "grad_norm",
    "lr",
    "step_time_s",
    "tokens_per_s",
    "comm_bytes/dp",
    "comm_bytes/tp",
    "comm_bytes/pp",
    "comm_bytes/cp",
    "model_state_bytes",
    "activation_bytes",
    "peak_mem_bytes",
    "bubble_fraction",
    "val_loss",
    "val_accuracy",
}


@pytest.fixture
def here(monkeypatch):
    """`llmpar train` in this process, outside any launcher; the summaries it would print, in a list. The trainer
    sets torch's thread count: it is put back afterwards."""
    import torch

    for var in LAUNCHER_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    summaries = []
    monkeypatch.setattr(llmpar.train.trainer, "print_summary", lambda cfg, summary: summaries.append(summary))
    threads = torch.get_num_threads()
    yield summaries
    torch.set_num_threads(threads)


def scalars(folder) -> dict[str, list[tuple[int, float]]]:
    """Every scalar TensorBoard shows of FOLDER: tag -> [(step, value)], as its own reader reads them (purges
    included)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(folder), size_guidance={"scalars": 0})  # 0: keep every event
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def f32(x: float) -> float:
    """What TensorBoard keeps of a number: its float32 rounding."""
    return float(np.float32(x))


def expected(lines: list[dict], summary: dict) -> dict[str, list[tuple[int, float]]]:
    """The scalars the metrics lines and the summary's validation make, by tag."""
    want: dict[str, list[tuple[int, float]]] = {}
    for line in lines:
        for key, value in line.items():
            if key == "comm_bytes":
                for axis, n in value.items():
                    want.setdefault(f"comm_bytes/{axis}", []).append((line["step"], f32(n)))
            elif key not in ("step", "tokens", "layout", "timeline") and value is not None:
                want.setdefault(key, []).append((line["step"], f32(value)))
    last = lines[-1]["step"]
    want["val_loss"] = [(last, f32(summary["val_loss"]))]
    want["val_accuracy"] = [(last, f32(summary["val_accuracy"]))]
    return want


def test_the_scalars_are_the_metrics_lines_step_by_step(here, tmp_path):
    tb, metrics = tmp_path / "tb", tmp_path / "m.jsonl"
    assert main(["train", *RUN, "--metrics", str(metrics), "--tensorboard", str(tb)]) == 0
    lines = read_metrics(metrics)
    assert [line["step"] for line in lines] == [1, 2, 3]
    got = scalars(tb)
    assert set(got) == TAGS
    assert got == expected(lines, here[0])


def test_a_resumed_run_continues_the_curves_and_a_new_run_replaces_them(here, tmp_path):
    tb, ck, metrics = tmp_path / "tb", tmp_path / "ck", tmp_path / "m.jsonl"
    out = ["--metrics", str(metrics), "--tensorboard", str(tb)]
    assert main(["train", *RUN, *out, "--save", str(ck), "--save-every", "2"]) == 0
    # Resumed from step 2: step 3 and the validation again, each shown once (the first run's are purged).
    assert main(["train", *RUN, *out, "--resume", str(ck / "step_000002")]) == 0
    lines = read_metrics(metrics)  # steps 1-2 of the first run, 3 of the second
    assert [line["step"] for line in lines] == [1, 2, 3]
    assert scalars(tb) == expected(lines, here[1])
    # A new run in the same folder: only its own curves are shown.
    assert main(["train", *RUN, *out, "--steps", "2"]) == 0
    lines = read_metrics(metrics)
    assert [line["step"] for line in lines] == [1, 2]
    assert scalars(tb) == expected(lines, here[2])
    assert len(list(tb.iterdir())) == 3  # an event file per run


def _error(capsys, argv) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def test_without_the_tensorboard_package_the_flag_is_refused(no_launch, capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # `import tensorboard` raises ImportError
    err = _error(capsys, ["train", *RUN, "--tensorboard", str(tmp_path / "tb")])
    assert err == f"llmpar train: error: {MISSING}"
    assert MISSING == (
        "--tensorboard needs the tensorboard package; install it with: pip install 'llmpar[tensorboard]'"
    )
    assert not (tmp_path / "tb").exists()


def test_a_folder_that_cannot_be_written_is_refused(no_launch, capsys, monkeypatch, tmp_path):
    a_file = tmp_path / "f"
    a_file.write_text("x")
    err = _error(capsys, ["train", *RUN, "--tensorboard", str(a_file)])
    assert err == f"llmpar train: error: --tensorboard {a_file}: a file is in the way; give a folder"
    err = _error(capsys, ["train", *RUN, "--tensorboard", str(a_file / "tb")])
    assert "is a file, not a folder" in err
    # A folder without write permission (faked: root may write anywhere).
    locked = tmp_path / "locked"
    locked.mkdir()
    access = llmpar.paths.os.access
    monkeypatch.setattr(llmpar.paths.os, "access", lambda p, mode: str(p) != str(locked) and access(p, mode))
    err = _error(capsys, ["train", *RUN, "--tensorboard", str(locked)])
    assert err.endswith(f"--tensorboard {locked}: the folder is not writable; give a folder where you may write")
    err = _error(capsys, ["train", *RUN, "--tensorboard", str(locked / "tb")])
    assert "is not writable" in err

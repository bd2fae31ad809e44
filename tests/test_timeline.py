"""`llmpar timeline`: the ideal timeline of a schedule, and the measured one of a run's metrics."""

import json

import pytest

from llmpar.cli import main


@pytest.fixture
def matplotlib():
    """Only drawing needs matplotlib: the errors are found before it is imported."""
    return pytest.importorskip("matplotlib")


def test_ideal_timeline_of_a_schedule(tmp_path, capsys, matplotlib):
    out = tmp_path / "zb.png"
    assert main(["timeline", "--schedule", "zb", "--pp", "4", "--micro-batches", "8", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    assert "bubble 0.143" in capsys.readouterr().out


def test_measured_timeline_from_metrics(tmp_path, capsys, matplotlib):
    line = {
        "step": 3,
        "bubble_fraction": 0.25,
        "layout": {"pp": 2, "schedule": "1f1b", "micro_batches": 2},
        "timeline": [
            [["F", 0, 0, 0.0, 1.0], ["F", 1, 0, 1.0, 2.0], ["B", 0, 0, 3.0, 5.0], ["B", 1, 0, 5.0, 7.0]],
            [["F", 0, 1, 1.0, 2.0], ["B", 0, 1, 2.0, 3.0], ["F", 1, 1, 3.0, 4.0], ["B", 1, 1, 4.0, 5.0]],
        ],
    }
    metrics = tmp_path / "m.jsonl"
    metrics.write_text(json.dumps(line) + "\n")
    out = tmp_path / "run.png"
    assert main(["timeline", "--metrics", str(metrics), "-o", str(out)]) == 0
    assert out.stat().st_size > 10_000 and "step 3, bubble 0.250" in capsys.readouterr().out


def test_timeline_errors(tmp_path, capsys):
    assert main(["timeline", "-o", str(tmp_path / "x.png")]) == 2
    assert "give either --metrics FILE" in capsys.readouterr().err
    no_pp = tmp_path / "m.jsonl"
    no_pp.write_text(json.dumps({"step": 1, "bubble_fraction": 0.0}) + "\n")
    assert main(["timeline", "--metrics", str(no_pp)]) == 2
    assert "written for runs with --pp 2 or more" in capsys.readouterr().err
    assert main(["timeline", "--schedule", "interleaved", "--pp", "2", "--micro-batches", "3"]) == 2
    assert "not a multiple of --pp 2" in capsys.readouterr().err


def test_timeline_makes_the_folder_of_its_picture(tmp_path, matplotlib):
    out = tmp_path / "new" / "t.png"
    assert main(["timeline", "--schedule", "1f1b", "--pp", "2", "--micro-batches", "2", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"[1, 2]\n", "line 1: holds list [1, 2], not a metrics object"),
        (b'{"step": 1}\n7\n', "line 2: holds int 7"),
        (b'{"loss": 1.0}\n', 'line 1: has no "step"'),
        (b"\x00\x01\xfe\xff", "line 1 is not JSON"),
        (json.dumps({"step": 1, "timeline": [["F"]]}).encode(), 'its "step" or "layout"'),
    ],
)
def test_a_file_that_is_not_metrics_is_refused(tmp_path, capsys, content, message):
    metrics = tmp_path / "m.jsonl"
    metrics.write_bytes(content)
    assert main(["timeline", "--metrics", str(metrics), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x.png").exists()

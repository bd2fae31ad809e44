"""The examples of the documentation run as written (slow: they train)."""

import os
import re
import subprocess

import pytest

pytestmark = pytest.mark.slow

DOCS = os.path.join(os.path.dirname(__file__), "..", "docs")


def commands_of(page: str) -> list[str]:
    """The commands of the ```sh blocks that follow a `<!-- tested -->` marker."""
    text = open(os.path.join(DOCS, page), encoding="utf-8").read()
    blocks = re.findall(r"<!-- tested -->\s*```sh\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_checkpoint_examples_run(tmp_path):
    commands = commands_of("checkpoints.md")
    assert len(commands) >= 6
    for command in commands:
        proc = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{command}\n{proc.stderr[-3000:]}"
    assert sorted(os.listdir(tmp_path / "runs" / "ck")) == ["step_000003", "step_000006", "step_000008"]
    assert sorted(os.listdir(tmp_path / "runs" / "ck-tp2-pp2" / "step_000008")) == [
        "manifest.json",
        "rank00000.safetensors",
        "rank00001.safetensors",
        "rank00002.safetensors",
        "rank00003.safetensors",
    ]
    assert "(1, 2, 256)" in proc.stdout  # the last command prints the logits' shape

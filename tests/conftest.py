"""Fixtures the test modules share."""

import pytest

import llmpar.launch
from helpers import LAUNCHER_VARIABLES


@pytest.fixture
def no_launch(monkeypatch):
    """A command that would start workers fails the test instead; and no launcher's environment is inherited."""

    def forbidden(cfg):
        raise AssertionError("a worker would have started")

    monkeypatch.setattr(llmpar.launch, "launch", forbidden)
    for var in LAUNCHER_VARIABLES:
        monkeypatch.delenv(var, raising=False)

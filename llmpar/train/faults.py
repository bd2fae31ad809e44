"""Faults the tests inject into a run through the environment: how they check that one failed worker ends the
whole job with its message, that a stuck one is named, and that a crashed save loses nothing."""

from __future__ import annotations

import os


def injected_fault() -> tuple[int, int, str] | None:
    """LLMPAR_INJECT_FAULT=RANK:STEP makes that rank raise at that step; RANK:save:STEP, while it saves the
    checkpoint of that step (after writing its part, before the checkpoint is complete). How the tests check
    that one failed worker ends the whole job with its message, and that a crashed save loses nothing."""
    value = os.environ.get("LLMPAR_INJECT_FAULT")
    if not value:
        return None
    parts = value.split(":")
    if len(parts) == 3:
        return int(parts[0]), int(parts[2]), parts[1]
    return int(parts[0]), int(parts[1]), "step"

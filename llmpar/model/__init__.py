"""The plain model: configuration, presets and the transformer. Nothing here knows about ranks.

The transformer (and torch with it) is imported when one of its names is first used, so that the configuration
and the presets are torch-free (`llmpar plan` never loads torch).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from llmpar.model.config import PRESETS, ModelConfig, load_model_config, preset

if TYPE_CHECKING:
    from llmpar.model.transformer import Transformer, build_model, init_weights

_LAZY = {"Transformer": "transformer", "build_model": "transformer", "init_weights": "transformer"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PRESETS", "ModelConfig", "Transformer", "build_model", "init_weights", "load_model_config", "preset"]

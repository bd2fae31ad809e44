"""The plain model: configuration, presets and the transformer. Nothing here knows about ranks."""

from llmpar.model.config import PRESETS, ModelConfig, load_model_config, preset
from llmpar.model.transformer import Transformer, build_model, init_weights

__all__ = ["PRESETS", "ModelConfig", "Transformer", "build_model", "init_weights", "load_model_config", "preset"]

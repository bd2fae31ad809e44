"""Checkpoints and Hugging Face folders as whole tensors: `llmpar.load_model`, and the sources `--init` and
`--resume` read slices from."""

from __future__ import annotations

import torch

from llmpar.checkpoint.format import Checkpoint
from llmpar.checkpoint.hf import is_hf_folder, read_hf
from llmpar.errors import UserError
from llmpar.model.config import ModelConfig, config_from_dict
from llmpar.model.transformer import Transformer


class TensorsInMemory:
    """Whole tensors held in memory, read like a checkpoint (a Hugging Face model's, for --init)."""

    def __init__(self, path: str, state: dict[str, torch.Tensor]):
        self.path, self.state = path, state

    def has(self, name: str) -> bool:
        return name in self.state

    def read(self, name: str, start=None, stop=None) -> torch.Tensor:
        t = self.state[name]
        if start is None:
            return t
        return t[tuple(slice(a, b) for a, b in zip(start, stop))]


def open_weights(path: str):
    """(model config, a source with .read(name, start, stop)) for an llmpar checkpoint or a Hugging Face folder."""
    if is_hf_folder(path):
        cfg, state = read_hf(path)
        return cfg, TensorsInMemory(path, state)
    ck = Checkpoint(path, verify=False)  # verified when the run was validated
    return config_from_dict(ck.manifest["model"], ck.path), ck


def global_state(path: str) -> tuple[ModelConfig, dict[str, torch.Tensor]]:
    """Every parameter of the model at `path`, whole, by llmpar's names."""
    if is_hf_folder(path):
        return read_hf(path)
    ck = Checkpoint(path)
    cfg = config_from_dict(ck.manifest["model"], ck.path)
    return cfg, {name: ck.read(name) for name in ck.names() if not name.startswith("optimizer.")}


def load_model(path: str, dtype: torch.dtype = torch.float32, device: str | torch.device = "cpu") -> Transformer:
    """A single-process model from an llmpar checkpoint (of any layout, or a --save folder: its latest step) or
    a Hugging Face folder (Llama or GPT-2, safetensors). Its forward takes token ids (B, T) and returns logits."""
    cfg, state = global_state(path)
    model = Transformer(cfg).to(device=device, dtype=dtype)  # in its dtype first: loading copies into it
    if cfg.tie_embeddings and "tok_emb.weight" in state:
        state = {**state, "head.weight": state["tok_emb.weight"]}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:  # tensors missing, unexpected or of another shape than the config says
        why = " ".join(str(e).split())
        raise UserError(f"{path}: its weights do not fit its model config ({why[:300]})") from None
    return model.eval()

"""llmpar: train and run GPT/Llama-style language models in parallel, exactly and predictably."""

__version__ = "0.1.0"


def load_model(path: str, dtype=None, device="cpu"):
    """A single-process model from an llmpar checkpoint or a Hugging Face folder; forward(token ids) -> logits."""
    import torch

    from llmpar.checkpoint.api import load_model as _load

    return _load(path, dtype=dtype or torch.float32, device=device)

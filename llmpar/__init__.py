"""llmpar: train and run GPT/Llama-style language models in parallel, exactly and predictably."""

__version__ = "0.1.0"


def load_model(path: str, dtype=None, device="cpu"):
    """A single-process model from an llmpar checkpoint or a Hugging Face folder; forward(token ids) -> logits."""
    import torch

    from llmpar.checkpoint.api import load_model as _load

    return _load(path, dtype=dtype or torch.float32, device=device)


def generate(source: str, prompts, **options):
    """Complete prompts with the model at `source` (an llmpar checkpoint or a Hugging Face folder), in any layout
    (dp, tp, pp): see llmpar.inference.generate."""
    from llmpar.inference import generate as _generate

    return _generate(source, prompts, **options)


def evaluate(source: str, **options) -> dict:
    """Loss, perplexity and next-token accuracy of the model at `source`: see llmpar.inference.evaluate."""
    from llmpar.inference import evaluate as _evaluate

    return _evaluate(source, **options)

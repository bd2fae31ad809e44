"""llmpar: train and run GPT/Llama-style language models in parallel, exactly and predictably."""

__version__ = "0.1.0"

"""Checkpoints: the on-disk format, saving and loading in any layout, and Hugging Face interop."""

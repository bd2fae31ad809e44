"""Parallel strategies, one module each, applied as transformations of the plain model."""

from llmpar.parallel.data_parallel import DataParallel

__all__ = ["DataParallel"]

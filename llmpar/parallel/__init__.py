"""Parallel strategies, one module each, applied as transformations of the plain model.

Tensor parallelism (the tp axis): tensor_parallel.apply_tensor_parallel, with tp_mappings' conjugate operations.

Context parallelism (the cp axis): context_parallel.apply_context_parallel, ring or all-to-all attention over the
sequence split across the cp ranks; cp_plan (torch-free) says what a layout needs of it.

Data-parallel family (the `--zero` stage picks one; each implements `engine.DataParallelEngine`):
    data_parallel.DataParallel      stage 0: replicas, bucketed all-reduce overlapped with backward
    zero.ShardedOptimizer           stages 1 and 2: optimizer state (and gradients) sharded
    zero3.FullySharded              stage 3: parameters sharded too, gathered around each unit's use

The engines (and torch with them) are imported when first used, so that the torch-free modules here (`tp_plan`
and `cp_plan`, which the cost model reads) import without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmpar.parallel.engine import DataParallelEngine

_LAZY = {
    "DataParallel": "data_parallel",
    "DataParallelEngine": "engine",
    "ShardedOptimizer": "zero",
    "FullySharded": "zero3",
}


def _load(name: str) -> Any:
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    # Importing the module `data_parallel` binds that name in this package to the module; the package's name for
    # it is the function below.
    globals()["data_parallel"] = _data_parallel
    return value


def __getattr__(name: str):
    if name in _LAZY:
        return _load(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _data_parallel(model, comm, zero: int, lr: float, weight_decay: float, **options) -> DataParallelEngine:
    """The data-parallel engine for a ZeRO stage, reducing over a mesh axis (dp, within each model-parallel
    position). `options`: skip_in_norm, partial_grads, axis (see `DataParallelEngine`)."""
    if zero == 0:
        return _load("DataParallel")(model, comm, lr, weight_decay, **options)
    if zero in (1, 2):
        return _load("ShardedOptimizer")(model, comm, zero, lr, weight_decay, **options)
    return _load("FullySharded")(model, comm, lr, weight_decay, **options)


_data_parallel.__name__ = _data_parallel.__qualname__ = "data_parallel"
data_parallel = _data_parallel

__all__ = ["DataParallel", "DataParallelEngine", "FullySharded", "ShardedOptimizer", "data_parallel"]

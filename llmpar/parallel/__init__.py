"""Parallel strategies, one module each, applied as transformations of the plain model.

Tensor parallelism (the tp axis): tensor_parallel.apply_tensor_parallel, with tp_mappings' conjugate operations.

Data-parallel family (the `--zero` stage picks one; each implements `engine.DataParallelEngine`):
    data_parallel.DataParallel      stage 0: replicas, bucketed all-reduce overlapped with backward
    zero.ShardedOptimizer           stages 1 and 2: optimizer state (and gradients) sharded
    zero3.FullySharded              stage 3: parameters sharded too, gathered around each unit's use
"""

from llmpar.parallel.data_parallel import DataParallel
from llmpar.parallel.engine import DataParallelEngine
from llmpar.parallel.zero import ShardedOptimizer
from llmpar.parallel.zero3 import FullySharded


def data_parallel(model, comm, zero: int, lr: float, weight_decay: float, **options) -> DataParallelEngine:
    """The data-parallel engine for a ZeRO stage, reducing over a mesh axis (dp, within each model-parallel
    position). `options`: skip_in_norm, partial_grads, axis (see `DataParallelEngine`)."""
    if zero == 0:
        return DataParallel(model, comm, lr, weight_decay, **options)
    if zero in (1, 2):
        return ShardedOptimizer(model, comm, zero, lr, weight_decay, **options)
    return FullySharded(model, comm, lr, weight_decay, **options)


__all__ = ["DataParallel", "DataParallelEngine", "FullySharded", "ShardedOptimizer", "data_parallel"]

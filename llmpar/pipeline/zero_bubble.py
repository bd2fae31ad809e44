"""The split backward of the zero-bubble schedule (Qi et al., 2023).

A linear layer's backward computes two things: the gradient of its input (needed at once by the layer before,
and by the previous pipeline stage) and the gradient of its weight (needed by nobody until the optimizer
step). During a B action every linear layer (`llmpar.parallel.linear`: plain, column- and row-parallel alike)
computes only the first, and keeps its input and output gradient for later; the W action computes dW = dYᵀX
from them and hands it to autograd's accumulator of the weight, so the data-parallel hooks see it as they
would any gradient. Other parameters (norms, biases, embeddings) are small and get their gradients in B.

Under sequence parallelism a column layer keeps only its input's sequence shard; W gathers the whole input
again, as the B of a layer that does not defer would.
"""

from __future__ import annotations

import contextlib

import torch.nn as nn

from llmpar.parallel.linear import deferring, weight_grad


class _Store(list):
    """The (weight, input, output gradient) triples one (micro-batch, chunk) defers; counted by the meter while
    they wait for W, like any activation."""

    def __init__(self, meter):
        super().__init__()
        self.meter = meter

    def defer(self, weight: nn.Parameter, source, grad) -> None:
        self.append((weight, source, self.meter.track(source.kept()), self.meter.track(grad)))


class DeferredWeightGrads:
    """Collects, per (micro-batch, chunk), the weight gradients the linear layers of the rank defer."""

    def __init__(self, meter):
        self.meter = meter
        self._stores: dict = {}

    @contextlib.contextmanager
    def collect(self, micro: int, chunk: int):
        """Linear layers run during this forward defer their weight gradients to (micro, chunk)'s W."""
        with deferring(self._stores.setdefault((micro, chunk), _Store(self.meter))):
            yield

    def apply(self, micro: int, chunk: int) -> None:
        """The W action: compute and accumulate the deferred weight gradients of (micro, chunk)."""
        store = self._stores.pop((micro, chunk))
        while store:
            weight, source, _, grad = store.pop(0)
            dw = weight_grad(grad.tensor, source.full())
            source.release()
            weight.backward(dw.to(weight.dtype))  # through the weight's accumulator: its hooks fire

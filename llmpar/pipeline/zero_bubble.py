"""The split backward of the zero-bubble schedule (Qi et al., 2023).

A linear layer's backward computes two things: the gradient of its input (needed at once by the layer before,
and by the previous pipeline stage) and the gradient of its weight (needed by nobody until the optimizer
step). During a B action the linear layers compute only the first, and keep (input, output gradient) for
later; the W action computes dW = dYᵀX from them and hands it to autograd's accumulator of the weight, so the
data-parallel hooks see it as they would any gradient. Other parameters (norms, biases, embeddings) are small
and get their gradients in B.
"""

from __future__ import annotations

import contextlib
import types

import torch
import torch.nn as nn
import torch.nn.functional as F


class _DeferredLinear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, store):
        ctx.save_for_backward(x, weight)
        ctx.store, ctx.weight, ctx.has_bias = store, weight, bias is not None
        return F.linear(x, weight, bias)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        dt = grad.dtype  # under bf16 autocast, the matmuls of backward run in bf16 as autocast's would
        ctx.store.append((ctx.weight, ctx.store.meter.track(x), ctx.store.meter.track(grad)))
        grad_bias = grad.flatten(0, -2).sum(0) if ctx.has_bias else None
        return grad @ weight.to(dt), None, grad_bias, None


class _Store(list):
    """The (weight, input, output gradient) triples one (micro-batch, chunk) defers; counted by the meter while
    they wait for W, like any activation."""

    def __init__(self, meter):
        super().__init__()
        self.meter = meter


class DeferredWeightGrads:
    """Collects, per (micro-batch, chunk), the weight gradients the linear layers of the rank defer."""

    def __init__(self, model: nn.Module, meter):
        self.meter = meter
        self._stores: dict = {}
        self._current = None
        for module in model.modules():
            if isinstance(module, nn.Linear):
                module.forward = types.MethodType(
                    lambda mod, x: self._linear(x, mod.weight, mod.bias), module)
            elif hasattr(module, "matmul"):  # tensor-parallel layers
                module.matmul = self._linear

    def _linear(self, x, weight, bias):
        if self._current is None or not torch.is_grad_enabled():
            return F.linear(x, weight, bias)
        return _DeferredLinear.apply(x, weight, bias, self._current)

    @contextlib.contextmanager
    def collect(self, micro: int, chunk: int):
        """Linear layers run during this forward defer their weight gradients to (micro, chunk)'s W."""
        self._current = self._stores.setdefault((micro, chunk), _Store(self.meter))
        try:
            yield
        finally:
            self._current = None

    def apply(self, micro: int, chunk: int) -> None:
        """The W action: compute and accumulate the deferred weight gradients of (micro, chunk)."""
        store = self._stores.pop((micro, chunk))
        while store:
            weight, x, grad = store.pop(0)
            x, grad = x.tensor, grad.tensor
            dw = grad.flatten(0, -2).t() @ x.flatten(0, -2).to(grad.dtype)
            weight.backward(dw.to(weight.dtype))  # through the weight's accumulator: its hooks fire

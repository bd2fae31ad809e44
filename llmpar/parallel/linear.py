"""One linear layer for every parallel style, and the one function its matmul goes through.

    style "none"     y = x Wᵀ + b, the whole layer (no tensor parallelism, or a layer it leaves whole)
    style "column"   W split by output features; x is already in the tensor-parallel region
    style "row"      W split by input features; the partial products leave the region: all-reduced (TP) or
                     reduce-scattered to the sequence (SP); the bias, replicated, is added after the sum

The backward pass of y = x Wᵀ computes dx = dy W (needed at once by the layer before) and dW = dyᵀ x (needed
by nobody before the optimizer step). `linear()` can change two things about dW:

    where x comes from   saved whole (the default); or, for column layers under sequence parallelism, only this
                         rank's 1/t of the sequence is saved and the whole input is gathered again when dW is
                         computed, once for all the layers that read it (`SequenceShardInput`): 1/t of the
                         memory for one more all-gather (Megatron-LM does the same)
    when it is computed  in backward (the default); or, inside `deferring(store)` (the zero-bubble schedule's
                         forward), kept with x and dy for the W action, which computes it later

A layer keeps nothing between calls: what one forward needs for its backward lives in the autograd graph (and in
the input tensor itself, for a sequence shard), so running a forward twice (recomputation) is safe.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import cast

import torch
import torch.nn as nn
import torch.nn.functional as F

from llmpar.comm import Comm
from llmpar.parallel.tp_mappings import all_gather_sequence, reduce_from_tp, reduce_scatter_to_sequence

_SHARD_ATTR = "_llmpar_sequence_shard"
_store = None  # where the linear layers of the current forward defer dW to (the zero-bubble schedule), if anywhere


class SequenceShardInput:
    """The input of the column-parallel layers that read one gathered sequence under SP: this rank's shard is
    kept; the whole sequence is gathered again, once for all of them, when the first one computes dW."""

    def __init__(self, shard: torch.Tensor, comm: Comm):
        self.shard: torch.Tensor | None = shard  # None once every user has its dW
        self.comm = comm
        self.users = 0  # layers that saved it and have not yet computed their dW
        self._pending: Callable[[], torch.Tensor] | None = None  # the gather in flight: its result
        self._full: torch.Tensor | None = None

    def attach(self, gathered: torch.Tensor) -> torch.Tensor:
        """Mark the gathered input as coming from this shard (the column layers that read it look here)."""
        setattr(gathered, _SHARD_ATTR, self)
        return gathered

    @staticmethod
    def of(x: torch.Tensor) -> SequenceShardInput | None:
        return getattr(x, _SHARD_ATTR, None)

    def kept(self) -> torch.Tensor:
        """What is held until dW is computed: this rank's shard only."""
        assert self.shard is not None  # kept() comes before the last release()
        return self.shard

    def start(self) -> None:
        """Start gathering; it travels while the input gradient is computed."""
        if self._full is None and self._pending is None:
            assert self.shard is not None  # released only once no user is left to gather it
            self._pending = all_gather_sequence(self.shard, self.comm, async_op=True)

    def full(self) -> torch.Tensor:
        self.start()
        if self._full is None:
            assert self._pending is not None  # start() posted the gather
            self._full, self._pending = self._pending(), None
        return self._full

    def release(self) -> None:
        self.users -= 1
        if self.users == 0:
            self._full = self.shard = None


class _Saved:
    """An input saved whole: what `SequenceShardInput` is for a shard."""

    def __init__(self, x: torch.Tensor):
        self.x: torch.Tensor | None = x  # None once released

    def start(self) -> None:
        pass

    def kept(self) -> torch.Tensor:
        """What is held until dW is computed (counted as an activation while it waits for W)."""
        return self.full()

    def full(self) -> torch.Tensor:
        assert self.x is not None  # full() comes before release()
        return self.x

    def release(self) -> None:
        self.x = None


def weight_grad(grad: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """dW = dyᵀ x over every token, in the gradient's precision (the parameters': bf16 in a bf16 run)."""
    return grad.flatten(0, -2).t() @ x.flatten(0, -2).to(grad.dtype)


class _Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, shard: SequenceShardInput | None, store):
        if shard is not None:
            shard.users += 1
            ctx.save_for_backward(shard.shard, weight)  # the shard only: the activation counted is 1/t
        else:
            ctx.save_for_backward(x, weight)
        ctx.shard, ctx.store, ctx.weight, ctx.has_bias = shard, store, weight, bias is not None
        return F.linear(x, weight, bias)

    @staticmethod
    def backward(ctx, grad):
        saved, weight = ctx.saved_tensors
        source = ctx.shard if ctx.shard is not None else _Saved(saved)
        if ctx.store is None:
            source.start()
        grad_input = grad @ weight.to(grad.dtype)
        grad_bias = grad.flatten(0, -2).sum(0) if ctx.has_bias else None
        if ctx.store is not None:  # dW waits for the W action
            ctx.store.defer(ctx.weight, source, grad)
            return grad_input, None, grad_bias, None, None
        grad_weight = weight_grad(grad, source.full())
        source.release()
        return grad_input, grad_weight, grad_bias, None, None


def linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """y = x Wᵀ + b, its dW computed as the input and the current forward ask (see the module's docstring)."""
    if not torch.is_grad_enabled():
        return F.linear(x, weight, bias)
    shard = SequenceShardInput.of(x)
    if shard is None and _store is None:
        return F.linear(x, weight, bias)
    return _Linear.apply(x, weight, bias, shard, _store)


def deferral_store():
    """Where the linear layers of the running forward defer dW to (None: nowhere). A forward run again later (a
    recomputation, inside the backward pass) re-enters it with `deferring`."""
    return _store


@contextlib.contextmanager
def deferring(store):
    """The linear layers of forwards run inside defer their weight gradients to `store` (`store.defer(weight,
    input, grad)`), for the zero-bubble schedule's W action."""
    global _store
    previous, _store = _store, store
    try:
        yield
    finally:
        _store = previous


class ParallelLinear(nn.Module):
    """A Linear layer of a style (module docstring), holding this rank's part of the weight."""

    def __init__(
        self,
        weight: nn.Parameter,
        bias: nn.Parameter | None,
        style: str = "none",
        comm: Comm | None = None,
        sequence_parallel: bool = False,
    ):
        super().__init__()
        assert style in ("none", "column", "row")
        self.weight, self.bias = weight, bias
        self.style, self.comm, self.sequence_parallel = style, comm, sequence_parallel
        self.out_features, self.in_features = weight.shape

    @classmethod
    def split(
        cls,
        full: nn.Linear,
        style: str,
        rank: int = 0,
        size: int = 1,
        comm: Comm | None = None,
        sequence_parallel: bool = False,
        weight: nn.Parameter | None = None,
    ) -> ParallelLinear:
        """This rank's part of a whole layer (`weight`: a parameter to use instead, e.g. a tied one)."""
        w, b = full.weight.detach(), full.bias.detach() if full.bias is not None else None
        if style == "column":
            k = full.out_features // size
            w, b = w[rank * k : (rank + 1) * k], b[rank * k : (rank + 1) * k] if b is not None else None
        elif style == "row":
            k = full.in_features // size
            w = w[:, rank * k : (rank + 1) * k]
        if weight is None:  # (nn.Linear's annotation says Tensor; its weight is a Parameter)
            weight = cast(nn.Parameter, full.weight) if style == "none" else nn.Parameter(w.clone())
        bias = full.bias if style == "none" or b is None else nn.Parameter(b.clone())
        return cls(weight, bias, style, comm, sequence_parallel)

    def forward(self, x):
        if self.style != "row":
            return linear(x, self.weight, self.bias)
        y = linear(x, self.weight)
        y = reduce_scatter_to_sequence(y, self.comm) if self.sequence_parallel else reduce_from_tp(y, self.comm)
        return y + self.bias if self.bias is not None else y

    def extra_repr(self) -> str:
        return f"{self.in_features}, {self.out_features}, style={self.style}, bias={self.bias is not None}"


def use_parallel_linears(model: nn.Module) -> None:
    """Every remaining nn.Linear of a model becomes a ParallelLinear of style "none", sharing its parameters (a
    tied output layer stays tied): so that every matmul goes through `linear()`."""
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.Linear):  # (nn.Linear's annotation says Tensor; its weight is a Parameter)
                setattr(module, name, ParallelLinear(cast(nn.Parameter, child.weight), child.bias))

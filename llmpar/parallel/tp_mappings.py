"""The communication of tensor parallelism, each operation named by its pair of forward and backward collectives
(the vocabulary of Megatron-LM's `mappings.py`). All of them go through `Comm` on the "tp" axis.

    copy_to_tp            forward: identity              backward: all-reduce
    reduce_from_tp        forward: all-reduce            backward: identity
    gather_from_sequence  forward: all-gather (sequence) backward: reduce-scatter (sequence)
    reduce_scatter_to_sequence
                          forward: reduce-scatter (seq.) backward: all-gather (sequence)

Activations are (batch, sequence, features); the sequence is dimension 1. A sequence-parallel tensor holds
this rank's contiguous 1/tp of the sequence.
"""

from __future__ import annotations

import torch

from llmpar.comm import Comm


def all_gather_sequence(x: torch.Tensor, comm: Comm, async_op: bool = False):
    """(B, T/n, ...) on each rank -> (B, T, ...), the ranks' parts in rank order. With async_op, returns a
    function that waits for the transfer and returns the result."""
    n = comm.mesh.size("tp")
    out = torch.empty((n, *x.shape), dtype=x.dtype, device=x.device)
    handle = comm.all_gather(out.view(-1), x.contiguous().view(-1), "tp", async_op=async_op)

    def result():
        if handle is not None:
            handle.wait()
        return out.movedim(0, 1).reshape(x.size(0), n * x.size(1), *x.shape[2:])  # (B, n, T/n, ...) -> (B, T, ...)

    return result if async_op else result()


def reduce_scatter_sequence(x: torch.Tensor, comm: Comm) -> torch.Tensor:
    """(B, T, ...) partial sums on each rank -> this rank's (B, T/n, ...) of their sum."""
    n = comm.mesh.size("tp")
    B, T = x.size(0), x.size(1)
    chunks = x.reshape(B, n, T // n, *x.shape[2:]).movedim(1, 0).contiguous()  # (n, B, T/n, ...)
    out = torch.empty(chunks.shape[1:], dtype=x.dtype, device=x.device)
    comm.reduce_scatter(out.view(-1), chunks.view(-1), "tp")
    return out


def _all_reduce(x: torch.Tensor, comm: Comm) -> torch.Tensor:
    x = x.clone()  # never reduce in place a tensor autograd may hand to someone else too
    comm.all_reduce(x, "tp")
    return x


def conjugate(name: str, forward, backward):
    """An autograd operation that runs `forward(x, comm)` and, on the way back, `backward(grad, comm)`."""

    class Op(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, comm):
            ctx.comm = comm
            return forward(x, comm)

        @staticmethod
        def backward(ctx, grad):
            return backward(grad, ctx.comm), None

    Op.__name__ = Op.__qualname__ = name
    return Op.apply


copy_to_tp = conjugate("CopyToTP", lambda x, comm: x.view_as(x), _all_reduce)
reduce_from_tp = conjugate("ReduceFromTP", _all_reduce, lambda grad, comm: grad)
gather_from_sequence = conjugate("GatherFromSequence", all_gather_sequence, reduce_scatter_sequence)
reduce_scatter_to_sequence = conjugate("ReduceScatterToSequence", reduce_scatter_sequence, all_gather_sequence)

"""Activation recomputation (Chen et al. 2016; Korthikanti et al. 2022): keep less for the backward pass, and
compute the rest again when the backward pass needs it.

    --recompute selective   each attention core (`AttentionCore`: scores, causal softmax, the weighted sum of the
                            values, one fused call) keeps its inputs q, k and v only; its output and softmax
                            statistics are computed again in backward
    --recompute full        each transformer block keeps its input only; the whole block runs again in backward

Both wrap a module's forward in one autograd Function, `_Recomputed`:

    forward    run the module's own forward without a graph (autograd Functions run theirs so); save its inputs
               with save_for_backward, so that the activation meter counts them like any saved tensor
    backward   run the forward again from the saved inputs, with a graph, under the autocast state and the
               zero-bubble deferral of the first run; backpropagate the output's gradient through it (the
               parameters' gradients accumulate as in any backward, their hooks fire); return the inputs'

The second run calls the module's own forward, not the module: the hooks around the module ran once, in the
real forward, and do not run again. The hooks inside it do (tensor parallelism's entry into its region, so its
collectives are issued again: a full recomputation repeats the block's forward communication). ZeRO-3 gathers
a block's parameters for its backward from a hook on the block's output gradient, which fires before the
recomputation, so the recomputation finds them gathered: nothing is gathered twice, nothing freed early.

Under the zero-bubble schedule, the linear layers of a forward defer their weight gradients to the W action
(`linear.deferring`); the recomputation re-enters the deferral its first run was under, so the weight
gradients of a recomputed block are still computed in W, from the recomputed inputs.

The models have no dropout nor any other randomness, so no random state is saved and restored: the second run
computes exactly what the first did.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from llmpar.model.transformer import AttentionCore, Block
from llmpar.parallel.linear import deferral_store, deferring

# The module each mode recomputes, and how many of its forward's first arguments are the tensors it keeps (the
# others, a block's RoPE tables, are constants the module holds anyway).
MODES = {"selective": (AttentionCore, 3), "full": (Block, 1)}


class _Recomputed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, run, store, *inputs):
        device = inputs[0].device.type
        ctx.run, ctx.store = run, store
        ctx.autocast = (device, torch.is_autocast_enabled(device), torch.get_autocast_dtype(device))
        ctx.save_for_backward(*inputs)
        return run(*inputs)

    @staticmethod
    def backward(ctx, grad):
        inputs = [t.detach().requires_grad_(t.requires_grad) for t in ctx.saved_tensors]
        device, enabled, dtype = ctx.autocast
        with torch.enable_grad(), torch.autocast(device, dtype=dtype, enabled=enabled), deferring(ctx.store):
            out = ctx.run(*inputs)
        torch.autograd.backward(out, grad)
        return None, None, *(t.grad for t in inputs)


def _recomputed(forward, kept: int):
    """`forward` (a module's own), keeping only its first `kept` arguments for backward when a graph is built."""

    def run(*args):
        if not torch.is_grad_enabled():  # validation, sampling: nothing is saved anyway
            return forward(*args)
        inputs, constants = args[:kept], args[kept:]
        return _Recomputed.apply(lambda *x: forward(*x, *constants), deferral_store(), *inputs)

    return run


def apply_recomputation(model: nn.Module, mode: str) -> None:
    """Make every module that `mode` ("none", "selective", "full") recomputes keep only its inputs for backward,
    in place."""
    if mode == "none":
        return
    kind, kept = MODES[mode]
    for module in model.modules():
        if isinstance(module, kind):
            module.forward = _recomputed(module.forward, kept)

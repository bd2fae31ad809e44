"""Data parallelism (ZeRO stage 0): every replica holds the whole model; gradients are summed across replicas.

The gradients live in flat buckets (about 25 MB each, parameters taken in reverse order, roughly the order the
backward pass produces them), and each parameter's `.grad` is a view into its bucket, so autograd accumulates
straight into the buffer that is communicated. During the backward pass of the last micro-batch of a step, a
hook marks each parameter ready as its gradient completes; a complete bucket's all-reduce starts at once,
asynchronously, overlapping the rest of the backward pass. Earlier micro-batches only accumulate: one
all-reduce per bucket per optimizer step, whatever the number of micro-batches.

Losses are scaled by the global token count before backward, so the all-reduce is a plain sum and the result
is exactly the gradient of the global mean loss. With one process the same code runs and the sums are no-ops.

The buckets hold the gradients in the engine's reduce dtype. When it is the parameters' (fp32, fp64, bf16 with
bf16 reduction), each `.grad` is a view of its bucket; a bf16 run that reduces in fp32 adds each bf16 gradient
into its fp32 bucket as it appears instead (so micro-batches accumulate in fp32 too) and keeps no `.grad`.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from llmpar.comm import Comm, Handle
from llmpar.optim import adamw
from llmpar.parallel import engine as base
from llmpar.parallel.engine import DataParallelEngine, InOrder
from llmpar.parallel.flat import BUCKET_BYTES, bucketize


class _GradBucket:
    def __init__(self, params: list[nn.Parameter], dtype: torch.dtype):
        self.params = params
        self.buffer = torch.zeros(sum(p.numel() for p in params), dtype=dtype, device=params[0].device)
        self.views, offset = {}, 0
        for p in params:
            self.views[p] = self.buffer[offset : offset + p.numel()].view_as(p)
            offset += p.numel()
        self.pending: set = set()
        self.handle: Handle | None = None


class DataParallel(DataParallelEngine):
    def __init__(
        self,
        model: nn.Module,
        comm: Comm,
        lr: float,
        weight_decay: float,
        bucket_bytes: int = BUCKET_BYTES,
        **options,
    ):
        super().__init__(comm, **options)
        self.params = [p for p in dict.fromkeys(model.parameters()) if p.requires_grad]  # tied weights once
        self.device = self.params[0].device
        self.buckets = [_GradBucket(ps, self.grad_dtype(ps[0])) for ps in bucketize(self.params[::-1], bucket_bytes)]
        self._bucket_index = {p: i for i, b in enumerate(self.buckets) for p in b.params}
        self._grad_is_view = self.buckets[0].buffer.dtype == self.params[0].dtype  # else .grad is added in
        if self._grad_is_view:
            for p in self.params:
                p.grad = self.grad_of(p)
        self.hook_grad_ready(self.params, self._on_grad_ready)
        self.order = InOrder(len(self.buckets), self._launch)
        self.optimizer = adamw(self.optimized(self.params), lr, weight_decay)
        self._syncing = False

    def zero_grad(self) -> None:
        for b in self.buckets:
            b.buffer.zero_()

    def start_micro_batch(self, last: bool, group: int | None = None, completes: bool = True) -> None:
        self._syncing = last  # only the step's last backward action reduces (every bucket; those of the
        # other chunks, and gradients an earlier B left for this W, are complete already: flushed at the end)
        if last:
            self._summed = set()
            self.order.reset()
            for b in self.buckets:
                b.pending = set(b.params)

    def _on_grad_ready(self, p: nn.Parameter) -> None:
        i = self._bucket_index[p]
        b = self.buckets[i]
        grad = base.present(p.grad)  # the hook runs once it is accumulated
        if not self._grad_is_view:  # this backward's gradient, added into the (fp32) bucket
            b.views[p].add_(grad)
            p.grad = None
        elif grad.data_ptr() != b.views[p].data_ptr():  # autograd replaced the gradient: move it into the bucket
            b.views[p].copy_(grad)
            p.grad = b.views[p]
        if self._syncing and self.sum_now(p):  # the step's accumulated gradient
            b.pending.discard(p)
            if not b.pending:
                self.order.mark(i)

    def grad_of(self, p) -> torch.Tensor:
        return self.buckets[self._bucket_index[p]].views[p]

    def _launch(self, i: int) -> None:
        self.buckets[i].handle = self.comm.all_reduce(self.buckets[i].buffer, self.axis, async_op=True)

    def end_micro_batch(self, last: bool) -> None:
        if not last:
            return
        self.sum_remaining_partials()
        self.order.flush()  # parameters that got no gradient this step count as zero
        for b in self.buckets:
            handle = b.handle
            assert handle is not None  # flush() has launched every bucket's all-reduce
            handle.wait()
        self._syncing = False

    def clip_grad_norm_(self, max_norm: float) -> float:
        # Every replica holds the same reduced gradient; across tp and pp the ranks' parts add up, each copy of
        # a replicated parameter counted on one rank only.
        sq = base.squares([self.grad_of(p) for p in self.params if p not in self.skip_in_norm], self.device)
        norm = base.global_norm(sq, self.comm, self.norm_axes)
        grads = self.optimizer_grads([self.grad_of(p) for p in self.params])
        base.clip_(grads, norm.to(grads[0].dtype), max_norm)
        return float(norm)

    def full_states(self) -> dict:
        state = self._optimizer().state
        updated = self._updated  # p itself, or its fp32 master
        return {
            p: {"param": updated[p].detach(), **{k: state[updated[p]][k] for k in self.STATE_KEYS}} for p in self.params
        }

    def load_states(self, states: dict, step: int) -> None:
        if self.master is not None:  # the parameters were loaded rounded: the masters take the exact values
            self.master.load([states[p]["param"] for p in self.params])
        for p in self.params:
            self._optimizer().state[self._updated[p]] = self.adam_state(
                step, *(states[p][k].clone() for k in self.STATE_KEYS)
            )

    def held_tensors(self) -> list[torch.Tensor]:
        return self.params + [b.buffer for b in self.buckets] + self.optimizer_state()

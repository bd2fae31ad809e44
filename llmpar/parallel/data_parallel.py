"""Data parallelism: every replica holds the whole model; gradients are summed across replicas.

The gradients live in flat buckets (about 25 MB each, parameters taken in reverse order, roughly the order the
backward pass produces them), and each parameter's `.grad` is a view into its bucket, so autograd accumulates
straight into the buffer that is communicated. During the backward pass of the last micro-batch of a step, a
hook marks each parameter ready as its gradient is complete; as soon as a bucket is complete (and every bucket
before it has been launched, so that all ranks issue the same collectives in the same order) its all-reduce
starts asynchronously, overlapping the rest of the backward pass. Earlier micro-batches only accumulate: one
all-reduce per bucket per optimizer step, whatever the number of micro-batches.

Losses are scaled by the global token count before backward, so the all-reduce is a plain sum and the result
is exactly the gradient of the global mean loss.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from llmpar.comm import Comm


class _Bucket:
    def __init__(self, params: list[nn.Parameter]):
        self.params = params
        numel = sum(p.numel() for p in params)
        self.buffer = torch.zeros(numel, dtype=params[0].dtype, device=params[0].device)
        self.views = {}
        offset = 0
        for p in params:
            self.views[p] = self.buffer[offset: offset + p.numel()].view_as(p)
            offset += p.numel()
        self.pending = set()
        self.handle = None


class DataParallel:
    def __init__(self, model: nn.Module, comm: Comm, bucket_bytes: int = 25 * 2**20):
        self.model = model
        self.comm = comm
        params = [p for p in dict.fromkeys(model.parameters()) if p.requires_grad]  # tied weights once
        self.buckets: list[_Bucket] = []
        current, size = [], 0
        for p in reversed(params):
            if current and (size + p.numel() * p.element_size() > bucket_bytes or p.dtype != current[0].dtype):
                self.buckets.append(_Bucket(current))
                current, size = [], 0
            current.append(p)
            size += p.numel() * p.element_size()
        if current:
            self.buckets.append(_Bucket(current))
        self._bucket_of = {p: b for b in self.buckets for p in b.params}
        for p in params:
            p.grad = self._bucket_of[p].views[p]
            p.register_post_accumulate_grad_hook(self._on_grad_ready)
        self._syncing = False
        self._next = 0  # index of the next bucket to launch

    def zero_grad(self) -> None:
        for b in self.buckets:
            b.buffer.zero_()

    def prepare_sync(self) -> None:
        """Call before the backward pass of the last micro-batch: its gradients will be reduced as they appear."""
        self._syncing = True
        self._next = 0
        for b in self.buckets:
            b.pending = set(b.params)
            b.handle = None

    def _on_grad_ready(self, p: nn.Parameter) -> None:
        if not self._syncing:
            return
        b = self._bucket_of[p]
        view = b.views[p]
        if p.grad.data_ptr() != view.data_ptr():  # autograd replaced the gradient: move it into the bucket
            view.copy_(p.grad)
            p.grad = view
        b.pending.discard(p)
        self._launch_ready()

    def _launch_ready(self) -> None:
        while self._next < len(self.buckets) and not self.buckets[self._next].pending:
            b = self.buckets[self._next]
            b.handle = self.comm.all_reduce(b.buffer, "dp", async_op=True)
            self._next += 1

    def finish_sync(self) -> None:
        """Wait for every bucket's all-reduce. Parameters that got no gradient this step count as zero."""
        for b in self.buckets[self._next:]:
            b.pending.clear()
        self._launch_ready()
        for b in self.buckets:
            b.handle.wait()
        for p, b in self._bucket_of.items():
            p.grad = b.views[p]
        self._syncing = False

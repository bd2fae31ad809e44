"""ZeRO stages 1 and 2 (Rajbhandari et al., 2020): the optimizer state, and in stage 2 the gradient, sharded
across the data-parallel group. Parameters stay whole on every rank.

The parameters are packed into flat buckets (about 25 MB, reverse order, padded to a multiple of the dp size
N); rank r owns shard r of every bucket: it keeps the AdamW moments for it, updates it, and the updated shards
are all-gathered back into every rank's buckets after the step.

    stage 1   gradients accumulate in full buckets (as in plain DP); during the last micro-batch's backward each
              complete bucket is reduce-scattered in place: rank r's slice of the bucket becomes the reduced
              gradient of its shard.
              held: weights Ψ + gradients Ψ + moments 2Ψ/N
    stage 2   no full gradient is kept: during every micro-batch's backward, each parameter's gradient is copied
              into a bucket-sized staging buffer as it appears; a complete bucket is reduce-scattered and its
              shard added to the rank's gradient shard; the staging buffer is then freed.
              held: weights Ψ + gradient shard Ψ/N + moments 2Ψ/N

Per step, with one micro-batch, both move a reduce-scatter and an all-gather of the model: 2(N-1)/N · G bytes,
the same as one all-reduce. Each extra micro-batch costs stage 2 another reduce-scatter, (N-1)/N · G, the price
of not holding the full gradient; stage 1 accumulates locally and pays nothing more.

In a pipeline, buckets hold one chunk's parameters each; stage 2 reduces a chunk's buckets in the backward action
that completes its micro-batch (a B, or the zero-bubble schedule's W: gradients its B produced wait in the
staging buffer, added to, until then). Stage 1 reduces every chunk's buckets in the step's last action.

Shards mix parameters with and without weight decay; `ShardedAdamW` applies the decay to the right ranges.

In a bf16 run the buckets hold bf16 parameters, the optimizer updates fp32 masters of this rank's shards
(`llmpar.optim.MasterWeights`), and the rounded bf16 shards are all-gathered: half the bytes of fp32. Gradient
buffers are in the reduce dtype; a stage-1 run that reduces bf16 gradients in fp32 adds each `.grad` into its
fp32 bucket as it appears, instead of making `.grad` a view of it.
"""

from __future__ import annotations

import functools

import torch
import torch.nn as nn

from llmpar.comm import Comm, Handle
from llmpar.optim import ShardedAdamW
from llmpar.parallel import engine as base
from llmpar.parallel.engine import DataParallelEngine, InOrder
from llmpar.parallel.flat import BUCKET_BYTES, FlatParams, bucketize


class _Bucket:
    def __init__(self, params: list[nn.Parameter], n: int, rank: int, stage: int, grad_dtype: torch.dtype):
        self.flat = FlatParams(params, n, rank)
        self.shard = self.flat.shard()  # a view: updating it updates the parameters
        self.index = {p: i for i, p in enumerate(params)}
        self.pending: set = set()
        self.handle: Handle | None = None
        if stage == 1:  # a full gradient buffer; its shard slice is the reduced gradient
            self.grad = torch.zeros_like(self.flat.full, dtype=grad_dtype)
            self.grad_views = self.flat.views(self.grad)
            self.grad_shard: torch.Tensor | None = self.grad[self.flat.lo : self.flat.hi]
        else:  # only the shard is kept (from the step's first reduction to zero_grad); staging lives per backward
            self.grad_shard = None
            self.staging: torch.Tensor | None = None
        self.grad_dtype = grad_dtype


def sharded_squares(holders, skip: set) -> torch.Tensor:
    """This rank's squares of a sharded gradient (buckets or units with .flat and .grad_shard), less the
    elements of parameters counted on another rank. Padding is zero and adds nothing."""
    shards = [h.grad_shard for h in holders]
    sq = base.squares(shards, shards[0].device)
    if skip:
        views = [h.grad_shard[a:b] for h in holders for a, b in h.flat.ranges(lambda p: p in skip)]
        sq = sq - base.squares(views, sq.device)
    return sq


class ShardedOptimizer(DataParallelEngine):
    def __init__(
        self,
        model: nn.Module,
        comm: Comm,
        stage: int,
        lr: float,
        weight_decay: float,
        bucket_bytes: int = BUCKET_BYTES,
        **options,
    ):
        assert stage in (1, 2)
        super().__init__(comm, **options)
        self.stage = stage
        n, rank = comm.mesh.size(self.axis), comm.mesh.rank_in(self.axis)
        self.params = [p for p in dict.fromkeys(model.parameters()) if p.requires_grad]
        # Buckets never straddle two pipeline chunks (each chunk's are reduced when its micro-batch completes).
        # A parameter summed across pipeline stages gets a bucket of its own, laid out alike on both stages, so
        # that its gradient shards can be summed element for element at the end of the step.
        solo = set(self.cross_stage())
        self.buckets: list[_Bucket] = []
        self._group_buckets: list[list[_Bucket]] = []  # each chunk's buckets, in the order they are reduced
        for group in self.grouped(self.params):
            rest = [p for p in group if p not in solo]
            members = set(group)  # (a list's `in` would compare tensors)
            mine = [[p] for p in self.cross_stage() if p in members] + bucketize(rest[::-1], bucket_bytes)
            self._group_buckets.append([_Bucket(ps, n, rank, stage, self.grad_dtype(ps[0])) for ps in mine])
            self.buckets += self._group_buckets[-1]
        self._cross_buckets = [b for b in self.buckets if b.flat.params[0] in solo]
        self._bucket_of = {p: b for b in self.buckets for p in b.flat.params}
        self._slot = {b: (g, k) for g, bs in enumerate(self._group_buckets) for k, b in enumerate(bs)}
        self._grad_is_view = self.buckets[0].grad_dtype == self.params[0].dtype  # else stage 1 adds .grad in
        if stage == 1 and self._grad_is_view:
            for p in self.params:
                p.grad = self.grad_of(p)
        self.hook_grad_ready(self.params, self._on_grad_ready)
        shards = self.optimized([b.shard for b in self.buckets])
        if stage == 1 and self.master is None:
            for b in self.buckets:
                b.shard.grad = b.grad_shard
        self.optimizer = ShardedAdamW(shards, [b.flat.decay_ranges() for b in self.buckets], lr, weight_decay)
        self.orders = [InOrder(len(bs), functools.partial(self._launch, bs)) for bs in self._group_buckets]
        self._reducing = False
        self._active: list[int] = []  # the chunks whose buckets this action reduces

    def zero_grad(self) -> None:
        for b in self.buckets:
            if self.stage == 1:
                b.grad.zero_()
            else:  # free the gradient shard between steps: the forward pass has the memory for itself
                b.grad_shard = b.shard.grad = None

    def start_micro_batch(self, last: bool, group: int | None = None, completes: bool = True) -> None:
        # Stage 1 reduces once, in the step's last action, every chunk's buckets; stage 2 in every action that
        # completes a micro-batch's gradient, the buckets of the action's chunk.
        if self.stage == 1:
            self._reducing, self._active = last, list(range(len(self.orders)))
        else:
            self._reducing = completes
            self._active = [group] if group is not None else list(range(len(self.orders)))
        if self._reducing:
            self._summed = set()
            for g in self._active:
                self.orders[g].reset()
                for b in self._group_buckets[g]:
                    b.pending = set(b.flat.params)

    def _on_grad_ready(self, p: nn.Parameter) -> None:
        if p.grad is None:  # a weight whose gradient a zero-bubble B left for W (autograd calls the hook anyway)
            return
        b = self._bucket_of[p]
        grad = base.present(p.grad)  # the hook runs once it is accumulated
        if self.stage == 1:
            view = b.grad_views[b.index[p]]
            if not self._grad_is_view:  # this backward's gradient, added into the (fp32) bucket
                view.add_(grad)
                p.grad = None
            elif grad.data_ptr() != view.data_ptr():
                view.copy_(grad)
                p.grad = view
            complete = self.sum_now(p) if self._reducing else True  # (the bucket's view)
        else:
            # Stage 2 sums each contribution's partial sums as it comes (it keeps no full gradient to sum later),
            # and adds it: under zero bubble a later micro-batch's B may contribute before this one's W reduces.
            complete = self.sum_now(p)
            if b.staging is None:
                b.staging = torch.zeros_like(b.flat.full, dtype=b.grad_dtype)
            b.flat.views(b.staging)[b.index[p]].add_(base.present(p.grad))
            p.grad = None  # the full gradient is not kept
        if self._reducing and complete and p in b.pending:
            b.pending.discard(p)
            if not b.pending:
                g, k = self._slot[b]
                self.orders[g].mark(k)

    def _launch(self, buckets: list[_Bucket], k: int) -> None:
        b = buckets[k]
        if k > 0:  # one reduce-scatter in flight per chunk (each holds a bucket-sized buffer in the backend)
            self._retire(buckets[k - 1])
        if self.stage == 1:  # in place: this rank's slice of the bucket receives the sum of every rank's slice
            b.handle = self.comm.reduce_scatter(base.present(b.grad_shard), b.grad, self.axis, async_op=True)
        else:
            if b.staging is None:  # no parameter of this bucket got a gradient
                b.staging = torch.zeros_like(b.flat.full, dtype=b.grad_dtype)
            b.handle = self.comm.reduce_scatter(b.staging[b.flat.lo : b.flat.hi], b.staging, self.axis, async_op=True)

    def grad_of(self, p) -> torch.Tensor | None:
        if self.stage == 2:
            return p.grad
        b = self._bucket_of[p]
        return b.grad_views[b.index[p]]

    def _retire(self, b: _Bucket) -> None:
        """Wait for a bucket's reduce-scatter; in stage 2, add the result to the gradient shard, free staging."""
        if b.handle is None:
            return
        b.handle.wait()
        b.handle = None
        if self.stage == 2:
            b.grad_shard = base.accumulate(b.shard, b.grad_shard, base.present(b.staging)[b.flat.lo : b.flat.hi])
            b.staging = None

    def end_micro_batch(self, last: bool) -> None:
        if not self._reducing:
            return
        if self.stage == 1:  # stage 2 sums each micro-batch's gradient as it comes
            self.sum_remaining_partials()
        for g in self._active:
            self.orders[g].flush()
            for b in self._group_buckets[g]:
                self._retire(b)
        if last and self.stage == 2:  # a tied embedding's shards, summed across stages once every transfer is posted
            for b in self._cross_buckets:
                self.comm.all_reduce(base.present(b.grad_shard), "pp_ends")
        self._reducing = False

    def clip_grad_norm_(self, max_norm: float) -> float:
        shards = self.optimizer_grads([base.present(b.grad_shard) for b in self.buckets])  # all reduced by now
        norm = base.global_norm(
            sharded_squares(self.buckets, self.skip_in_norm), self.comm, (self.axis, *self.norm_axes)
        )
        base.clip_(shards, norm.to(shards[0].dtype), max_norm)
        return float(norm)

    def step(self, lr: float) -> None:
        super().step(lr)  # each rank updates its shards (views of its buckets), in bf16 through fp32 masters
        handles = [self.comm.all_gather(b.flat.full, b.shard, self.axis, async_op=True) for b in self.buckets]
        for h in handles:
            h.wait()

    def full_states(self) -> dict:
        out = {}
        for b in self.buckets:
            updated = self._updated[b.shard]  # the shard itself, or its fp32 master
            state = self._optimizer().state[updated]
            gathered = {k: base.gather_flat(b.flat, state[k], self.comm, self.axis) for k in self.STATE_KEYS}
            params = base.gather_flat(b.flat, updated, self.comm, self.axis) if self.master is not None else None
            for i, p in enumerate(b.flat.params):
                param = params[i] if params is not None else p.detach()
                out[p] = {"param": param, **{k: gathered[k][i] for k in self.STATE_KEYS}}
        return out

    def load_states(self, states: dict, step: int) -> None:
        if self.master is not None:  # the parameters were loaded rounded: the masters take the exact values
            self.master.load(
                [base.scatter_flat(b.flat, [states[p]["param"] for p in b.flat.params]) for b in self.buckets]
            )
        for b in self.buckets:
            shards = [base.scatter_flat(b.flat, [states[p][k] for p in b.flat.params]) for k in self.STATE_KEYS]
            self._optimizer().state[self._updated[b.shard]] = self.adam_state(step, *shards)

    def held_tensors(self) -> list[torch.Tensor | None]:
        grads = [b.grad if self.stage == 1 else b.grad_shard for b in self.buckets]
        return [b.flat.full for b in self.buckets] + grads + self.optimizer_state()

"""AdamW as llmpar uses it: on whole parameters, or on flat shards of them (ZeRO).

Both apply the same arithmetic to every element, so a sharded run updates each weight exactly as a replicated
one: decoupled weight decay `p *= 1 - lr·wd` on matrices and embeddings only (not norms, not biases), then
torch's AdamW update with β = (0.9, 0.95), ε = 1e-8.

Mixed precision (`--dtype bf16`, as Megatron-LM and the ZeRO paper do it): the model's parameters are bf16 and
compute with bf16; the optimizer updates fp32 master copies of them instead (`MasterWeights`) and rounds the
result into the bf16 parameters after each step. The moments are fp32 too: 2 + 2 + 12 bytes per parameter
(bf16 weight and gradient; fp32 master, exp_avg, exp_avg_sq), the last 12 sharded by every ZeRO stage.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

BETAS, EPS = (0.9, 0.95), 1e-8


def decays(p: torch.Tensor) -> bool:
    """Weight decay applies to matrices and embeddings (2-D and more), not to norms and biases."""
    return p.dim() >= 2


def adamw(params: Sequence[torch.Tensor], lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW over whole parameters, in two groups: with and without weight decay."""
    groups = [
        {"params": [p for p in params if decays(p)], "weight_decay": weight_decay},
        {"params": [p for p in params if not decays(p)], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr, betas=BETAS, eps=EPS, foreach=True)


class ShardedAdamW:
    """AdamW over flat shards that mix parameters with and without weight decay.

    `decay_ranges[i]` lists the (start, end) element ranges of shard i that belong to decayed parameters; the
    decay is applied to those ranges, then torch's AdamW (without decay) updates every element. The ranges
    cost no memory, unlike a mask.
    """

    def __init__(
        self, shards: list[torch.Tensor], decay_ranges: list[list[tuple[int, int]]], lr: float, weight_decay: float
    ):
        self.shards, self.decay_ranges, self.weight_decay = shards, decay_ranges, weight_decay
        self.inner = torch.optim.AdamW(shards, lr=lr, betas=BETAS, eps=EPS, weight_decay=0.0, foreach=True)

    @property
    def param_groups(self):
        return self.inner.param_groups

    @property
    def state(self):
        return self.inner.state

    @torch.no_grad()
    def step(self) -> None:
        lr = self.inner.param_groups[0]["lr"]
        if self.weight_decay:
            factor = 1 - lr * self.weight_decay
            for shard, ranges in zip(self.shards, self.decay_ranges):
                for a, b in ranges:
                    shard[a:b].mul_(factor)
        self.inner.step()


class MasterWeights:
    """fp32 master copies of bf16 tensors (whole parameters, or an engine's flat shards of them).

    The optimizer updates the masters; `grads` gives it fp32 gradients (a bf16 gradient is copied for the step,
    an fp32 one, reduced and accumulated in fp32, is used as it is), and `publish` rounds the updated masters
    into the bf16 tensors, which the model computes with (and ZeRO 1/2 then all-gather, in bf16)."""

    def __init__(self, tensors: Sequence[torch.Tensor]):
        self.tensors = list(tensors)
        self.masters = [t.detach().float() for t in self.tensors]

    def grads(self, grads: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """Set each master's fp32 gradient from the engine's gradient of its tensor; returns them."""
        for m, g in zip(self.masters, grads):
            m.grad = g if g.dtype == torch.float32 else g.float()
        return [m.grad for m in self.masters]  # type: ignore[misc]

    @torch.no_grad()
    def publish(self) -> None:
        """After the optimizer step: round the masters into the bf16 tensors; drop the step's fp32 gradients."""
        torch._foreach_copy_(self.tensors, self.masters)
        for m in self.masters:
            m.grad = None

    @torch.no_grad()
    def load(self, values: Sequence[torch.Tensor]) -> None:
        """Set the masters (from a checkpoint's fp32 parameters), and the bf16 tensors from them."""
        torch._foreach_copy_(self.masters, list(values))
        self.publish()

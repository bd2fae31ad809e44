"""Learning-rate schedules. The rate of step k (1-based) depends only on k and the flags."""

from __future__ import annotations

import math


def lr_at(step: int, *, lr: float, warmup: int, steps: int, schedule: str, min_lr_ratio: float = 0.1) -> float:
    """Linear warm-up from lr/warmup to lr over `warmup` steps, then constant or cosine decay to min_lr_ratio·lr
    at step `steps`."""
    if warmup > 0 and step <= warmup:
        return lr * step / warmup
    if schedule == "constant":
        return lr
    decay_steps = max(1, steps - warmup)
    progress = min(1.0, (step - warmup) / decay_steps)
    min_lr = lr * min_lr_ratio
    return min_lr + 0.5 * (lr - min_lr) * (1.0 + math.cos(math.pi * progress))

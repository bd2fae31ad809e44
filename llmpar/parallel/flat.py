"""Parameters packed into one flat buffer, padded to a multiple of the data-parallel size, and split into
equal shards: what makes every ZeRO collective one large call.

    buffer  [ p0 ........ | p1 .... | p2 .............. | pad ]     length n·k
    shards  [   rank 0     |   rank 1   |  ...  |   rank n-1  ]      k each

The parameters become views of the buffer (`p.data = buffer[offset:offset+numel].view_as(p)`), so writing the
buffer (an all-gather) updates them, and freeing the buffer's storage (ZeRO-3) frees them, while autograd's
saved references stay valid for the next gather.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from llmpar.bus import BUCKET_BYTES  # noqa: F401 (re-exported: the engines' bucket size)
from llmpar.optim import decays


class FlatParams:
    def __init__(self, params: list[nn.Parameter], n: int, rank: int):
        self.params = params
        self.numels = [p.numel() for p in params]
        self.offsets = [sum(self.numels[:i]) for i in range(len(params))]
        self.numel = sum(self.numels)
        self.shard_size = -(-self.numel // n)  # ceil
        self.padded = self.shard_size * n
        self.lo, self.hi = rank * self.shard_size, (rank + 1) * self.shard_size
        p0 = params[0]
        self.full = torch.zeros(self.padded, dtype=p0.dtype, device=p0.device)
        with torch.no_grad():
            for p, off, k in zip(params, self.offsets, self.numels):
                self.full[off : off + k].copy_(p.reshape(-1))
                p.data = self.full[off : off + k].view_as(p)

    @property
    def nbytes(self) -> int:
        return self.padded * self.full.element_size()

    def shard(self) -> torch.Tensor:
        """This rank's part of the buffer (a view)."""
        return self.full[self.lo : self.hi]

    def views(self, buffer: torch.Tensor) -> list[torch.Tensor]:
        """Each parameter's place in another buffer laid out like this one (e.g. its gradient)."""
        return [buffer[off : off + k].view_as(p) for p, off, k in zip(self.params, self.offsets, self.numels)]

    def ranges(self, predicate) -> list[tuple[int, int]]:
        """(start, end) ranges, in shard coordinates, of this shard's elements of the parameters `predicate` picks."""
        ranges = []
        for p, off, k in zip(self.params, self.offsets, self.numels):
            a, b = max(off, self.lo), min(off + k, self.hi)
            if a < b and predicate(p):
                ranges.append((a - self.lo, b - self.lo))
        return ranges

    def decay_ranges(self) -> list[tuple[int, int]]:
        """The ranges of this shard that take weight decay (matrices and embeddings)."""
        return self.ranges(decays)

    def release(self) -> None:
        """Free the full buffer's memory; the parameters keep their shapes but hold nothing until gathered."""
        self.full.untyped_storage().resize_(0)

    def materialize(self) -> None:
        """Give the full buffer its memory back (contents undefined until gathered)."""
        if self.full.untyped_storage().nbytes() == 0:
            self.full.untyped_storage().resize_(self.nbytes)

    @property
    def is_materialized(self) -> bool:
        return self.full.untyped_storage().nbytes() > 0


def bucketize(params: list[nn.Parameter], bucket_bytes: int) -> list[list[nn.Parameter]]:
    """Consecutive parameters grouped into buckets of about bucket_bytes (one dtype per bucket)."""
    buckets: list[list[nn.Parameter]] = []
    current: list[nn.Parameter] = []
    size = 0
    for p in params:
        nbytes = p.numel() * p.element_size()
        if current and (size + nbytes > bucket_bytes or p.dtype != current[0].dtype):
            buckets.append(current)
            current, size = [], 0
        current.append(p)
        size += nbytes
    if current:
        buckets.append(current)
    return buckets

"""The global batch of every step, the same in every layout.

The token stream is cut into windows of seq_len + 1 tokens (inputs and their next-token targets) that start
every seq_len tokens. The last `val_fraction` of the stream is held out for validation. Each epoch visits the
training windows in a permutation drawn from the seed and the epoch number, so sample g of the run (counting
from 0 across steps) is a fixed window whatever the layout. Step k's global batch is samples [k·B, (k+1)·B);
data-parallel replica r takes its contiguous part of it, and micro-batch j of the replica its contiguous part of
that:

    global batch (B)  = [ replica 0 | replica 1 | ... ]          each B/dp
    replica r         = [ micro 0 | micro 1 | ... ]              each B/(dp·M)
"""

from __future__ import annotations

import numpy as np
import torch


class TokenBatches:
    def __init__(self, tokens: np.ndarray, seq_len: int, seed: int, val_fraction: float = 0.01):
        self.seq_len = seq_len
        self.seed = seed
        n_val = max(seq_len + 1, int(len(tokens) * val_fraction))
        self.train = tokens[: len(tokens) - n_val]
        self.val = tokens[len(tokens) - n_val :]
        self.n_windows = max(0, (len(self.train) - 1) // seq_len)
        self.n_val_windows = (len(self.val) - 1) // seq_len
        self._perm_epoch = -1  # the epoch that _perm orders the windows of (-1: none yet)
        self._perm = np.empty(0, dtype=np.int64)

    @staticmethod
    def minimum_tokens(seq_len: int, val_fraction: float = 0.01) -> int:
        """Fewest tokens that give one training window and one validation window."""
        n = 2 * (seq_len + 1)
        while n - max(seq_len + 1, int(n * val_fraction)) < seq_len + 1:
            n += 1
        return n

    def _window(self, g: int) -> int:
        epoch, pos = divmod(g, self.n_windows)
        if epoch != self._perm_epoch:
            rng = np.random.default_rng([self.seed, epoch])
            self._perm = rng.permutation(self.n_windows)
            self._perm_epoch = epoch
        return int(self._perm[pos])

    def samples(self, start: int, count: int) -> torch.Tensor:
        """Training samples start .. start+count-1 of the run, as a (count, seq_len + 1) int64 tensor."""
        S = self.seq_len
        rows = [self.train[w * S : w * S + S + 1] for w in (self._window(g) for g in range(start, start + count))]
        return torch.from_numpy(np.stack(rows).astype(np.int64))

    def micro_batch(self, step: int, global_batch: int, dp: int, dp_rank: int, micro_batches: int, micro: int):
        """Inputs and targets (each (b, seq_len), b = B/(dp·M)) of one micro-batch of one replica at `step` (from 0)."""
        b = global_batch // (dp * micro_batches)
        start = step * global_batch + dp_rank * (global_batch // dp) + micro * b
        seq = self.samples(start, b)
        return seq[:, :-1], seq[:, 1:]

    def val_samples(self, start: int, count: int) -> torch.Tensor:
        S = self.seq_len
        rows = [self.val[w * S : w * S + S + 1] for w in range(start, start + count)]
        return torch.from_numpy(np.stack(rows).astype(np.int64))

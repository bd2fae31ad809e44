"""Choosing the next token: greedy, or sampled with temperature, top-k and top-p, the same in every layout.

Sampling draws one uniform number per sequence per step from that sequence's own generator, seeded by
(--seed, the prompt's index): never from a rank's or a batch's state, so a prompt gets the same tokens whichever
replica, pipeline group or batch position it lands in, and every rank of a tensor-parallel group (which all see
the same gathered logits) picks the same token. The token is found by inverting the cumulative distribution in
vocabulary order, in fp64.

Only ids the tokenizer can decode are candidates: a model's vocabulary may be padded beyond the tokenizer's.
The log-probability reported with each token is the model's own (temperature 1, its whole vocabulary): the one
training's cross-entropy gives the same token.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.0  # 0: greedy
    top_k: int = 0  # 0: off
    top_p: float = 1.0  # 1: off
    seed: int = 0


def sequence_generator(seed: int, index: int) -> torch.Generator:
    """The random stream of prompt `index` (its position in the input, whatever the layout)."""
    return torch.Generator().manual_seed((seed * 1_000_003 + index * 7919 + 1) % (2**63))


class Sampler:
    def __init__(self, params: SamplingParams, allowed: int):
        """`allowed`: the ids the tokenizer can decode (0 .. allowed-1)."""
        self.params, self.allowed = params, allowed

    def choose(self, logits: torch.Tensor, generators: list[torch.Generator]) -> tuple[torch.Tensor, torch.Tensor]:
        """logits (B, V) of the model's real vocabulary -> (the chosen ids (B,) int64, their log-probs (B,) fp64)."""
        logits = logits.double()
        logprobs = torch.log_softmax(logits, dim=-1)
        candidates = logits[:, : self.allowed]
        p = self.params
        if p.temperature == 0.0:
            ids = candidates.argmax(dim=-1)
        else:
            ids = torch.stack([self._draw(row, g) for row, g in zip(candidates, generators)])
        return ids, logprobs.gather(1, ids[:, None]).squeeze(1)

    def _draw(self, logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        p = self.params
        u = torch.rand((), generator=generator, dtype=torch.float64)  # drawn first: one per step, always
        logits = logits / p.temperature
        if 0 < p.top_k < logits.numel():
            kth = torch.topk(logits, p.top_k).values[-1]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        probs = torch.softmax(logits, dim=-1)
        if p.top_p < 1.0:  # the smallest set of most likely tokens whose probability reaches top_p
            sorted_probs, order = torch.sort(probs, descending=True, stable=True)
            before = torch.cumsum(sorted_probs, 0) - sorted_probs  # probability of the tokens ranked above
            drop = order[before >= p.top_p]
            probs = probs.clone()
            probs[drop] = 0.0
        cdf = torch.cumsum(probs, 0)
        index = torch.searchsorted(cdf, u * cdf[-1], right=True)
        return index.clamp(max=probs.numel() - 1)

"""What context parallelism needs of a layout, without torch: the one place its refusals are worded.

`llmpar train` raises them before any worker starts (`config.validate`), the operators raise them when called
directly (`context_parallel.check_seq_len`, `check_all_to_all_heads`), and the planner, which does not import torch,
gives them as the reason a layout cannot run (`plan.planner.cp_reason`).
"""

from __future__ import annotations

import math

from llmpar.layout import CP_MODES


def seq_len_reason(seq_len: int, n: int) -> str | None:
    """The split cuts a sequence into 2n equal chunks (n = 1 keeps it whole)."""
    if n == 1 or seq_len % (2 * n) == 0:
        return None
    m = 2 * n
    below, above = seq_len // m * m, (seq_len // m + 1) * m
    works = f"{below} or {above}" if below > 0 else f"{above}"
    return (
        f"--seq-len {seq_len} cannot be split over --cp {n}: context parallelism cuts each sequence into "
        f"2 × cp = {m} equal chunks (two per rank, so that causal attention costs every rank the same), so "
        f"--seq-len must be a multiple of {m} ({works} would work)"
    )


def heads_reason(n_heads: int, n_kv_heads: int, n: int, tp: int = 1) -> str | None:
    """All-to-all attention gives each rank 1/n of the query heads and of the key/value heads (of those its
    tensor-parallel rank holds: `n_heads` and `n_kv_heads` are per tp rank)."""
    if n_heads % n == 0 and n_kv_heads % n == 0:
        return None
    holds = "the model has" if tp == 1 else f"each of the --tp {tp} ranks holds"
    return (
        f"--cp-mode all-to-all splits the attention heads over the --cp {n} ranks, but {holds} {n_heads} "
        f"query heads and {n_kv_heads} key/value heads: both must be multiples of {n}. Choose a --cp that divides "
        f"both, or --cp-mode ring, which works with any number of heads"
    )


def layout_reason(
    seq_len: int, cp: int, mode: str, tp: int, sequence_parallel: bool, n_heads: int, n_kv_heads: int
) -> str | None:
    """Why a layout's context parallelism cannot run, or None: the mode, the split of the sequence, a rank's
    L = S/cp tokens split over tp by sequence parallelism, all-to-all's heads (a tp rank's) over cp."""
    if mode not in CP_MODES:
        return f"--cp-mode: {mode!r} is not one of {', '.join(CP_MODES)}"
    if cp == 1:
        return None
    why = seq_len_reason(seq_len, cp)
    if why is not None:
        return why
    local = seq_len // cp
    if sequence_parallel and local % tp:
        m = 2 * cp * tp // math.gcd(2, tp)
        lo = max(m, seq_len // m * m)
        near = f"{lo} or {lo + m}" if lo != seq_len else str(seq_len)
        return (
            f"--cp {cp} gives each rank {local} tokens of every sequence, which --sequence-parallel cannot "
            f"split over --tp {tp}; use a --seq-len that is a multiple of {m} ({near})"
        )
    if mode == "all-to-all":
        return heads_reason(n_heads // tp, n_kv_heads // tp, cp, tp)
    return None

"""How traffic is counted, without torch (the planner imports this; the workers' `comm` and `mesh` re-export it).

Bytes are per rank, in the "bus bytes" convention of NCCL-tests (see `llmpar.comm`), on the mesh axes the metrics
report. The data-parallel engines' bucket size lives here too: the cost model reads it.
"""

from __future__ import annotations

TRAFFIC_AXES = ("dp", "tp", "pp", "cp")  # the axes whose traffic the metrics report (comm_bytes), in their order
BUCKET_BYTES = 25 * 2**20  # the data-parallel engines' bucket size


def bus_bytes(kind: str, nbytes: float, n: int) -> float:
    """Bytes one rank moves for a collective of `kind` on a tensor of `nbytes` over `n` ranks."""
    if n <= 1:
        return 0.0
    if kind == "all_reduce":
        return 2.0 * (n - 1) / n * nbytes
    if kind in ("all_gather", "reduce_scatter", "all_to_all"):
        return (n - 1) / n * nbytes
    if kind in ("broadcast", "send", "recv"):
        return float(nbytes)
    raise ValueError(f"unknown collective {kind!r}")

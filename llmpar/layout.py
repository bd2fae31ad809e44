"""A parallel layout: how one training job splits its model and its batch over its processes.

One type for everyone who speaks of layouts: `llmpar train`'s configuration (`TrainConfig.parallel_layout()`),
the metrics line's "layout" object (`as_metrics`), the cost model, the planner and the memory pre-flight. It holds
no dependency, so that the configuration can name it without importing the cost model.
"""

from __future__ import annotations

from dataclasses import dataclass

# The keys of the metrics line's "layout" object (docs/design.md), in their order.
METRICS_KEYS = (
    "dp",
    "tp",
    "pp",
    "cp",
    "zero",
    "schedule",
    "micro_batches",
    "sequence_parallel",
    "recompute",
    "cp_mode",
)
CP_MODES = ("ring", "all-to-all")


@dataclass(frozen=True)
class Layout:
    dp: int = 1
    tp: int = 1
    pp: int = 1
    zero: int = 0
    schedule: str = "1f1b"
    virtual_stages: int = 1  # model chunks per pipeline rank (interleaved only)
    micro_batches: int = 1
    sequence_parallel: bool = False
    recompute: str = "none"
    sp_save_gathered: bool = False
    cp: int = 1  # context parallelism: each sequence split over cp ranks
    cp_mode: str = "ring"  # CP_MODES: keys and values passed around a ring, or heads traded for sequence

    @property
    def world(self) -> int:
        return self.dp * self.cp * self.tp * self.pp

    @property
    def chunks_per_rank(self) -> int:
        return self.virtual_stages if self.schedule == "interleaved" else 1

    def as_metrics(self) -> dict:
        """The metrics line's "layout" object."""
        return {key: getattr(self, key) for key in METRICS_KEYS}

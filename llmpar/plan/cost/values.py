"""The cost model's values: what it is asked (a layout, a batch, the software that runs it) and what it answers
(a chunk's durations, a layout's estimate), with the bytes of each dtype as the model counts them.

`Layout` is llmpar's one layout type (`llmpar.layout`), the same the training configuration builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmpar.layout import Layout

BYTES = {"fp64": 8, "fp32": 4, "bf16": 2}


@dataclass(frozen=True)
class Batch:
    global_batch_size: int  # sequences per optimizer step
    seq_len: int
    # fp32 / fp64: everything in that dtype. bf16 (or its alias "mixed", the published runs' word): mixed
    # precision as llmpar, Megatron-LM and the ZeRO paper run it: 16-bit weights, gradients and activations, fp32
    # master weights and moments (2 + 2 + 12 bytes per parameter).
    dtype: str = "bf16"
    reduce_dtype: str | None = None  # the gradients' reduction and accumulation (--reduce-dtype); None: dtype's

    def __post_init__(self):
        if self.dtype == "mixed":
            object.__setattr__(self, "dtype", "bf16")

    @property
    def weight_bytes(self) -> int:
        """Bytes of a weight the model computes with (and ZeRO gathers)."""
        return BYTES[self.dtype]

    @property
    def grad_bytes(self) -> int:
        """Bytes of a gradient element as the data-parallel collectives move and the buffers hold it."""
        return BYTES[self.reduce_dtype or self.dtype]

    @property
    def update_bytes(self) -> int:
        """Bytes of an element the optimizer updates: the fp32 master in bf16, else the weight itself."""
        return 4 if self.dtype == "bf16" else BYTES[self.dtype]


@dataclass(frozen=True)
class Software:
    """How the training system runs a layout, where systems differ. The defaults are llmpar's; the published
    runs the cost model is checked against set theirs (`llmpar/plan/published.py`)."""

    flash_attention: bool = True  # fused attention (no s × s matrix in memory); else scores, softmax and dropout
    overlap_dp: bool = True  # data-parallel gradient reduction overlapped with the backward pass
    # A bf16 RMSNorm keeps its input as fp32 for backward (llmpar's normalizes in fp32 in plain PyTorch); a fused
    # kernel keeps the bf16 input.
    fp32_norm_input: bool = True


LLMPAR = Software()


@dataclass
class ChunkCost:
    """Seconds of one micro-batch through one chunk: forward, backward (input and weight parts). Each includes
    the collectives on its critical path; `wait_F` and `wait_B` are those parts (a rank waiting on a
    collective computes nothing, which matters where processes share cores)."""

    F: float
    B: float  # the whole backward (1F1B, GPipe), or its input-gradient half with W (zero bubble)
    W: float = 0.0
    wait_F: float = 0.0
    wait_B: float = 0.0


@dataclass
class Estimate:
    layout: Layout
    micro_batch_size: int
    step_time_s: float
    tokens_per_s: float
    tflops_per_gpu: float
    mfu: float | None
    memory_bytes: dict[str, float]
    comm_bytes: dict[str, float]
    bubble_fraction: float
    fits: bool
    parts: dict[str, float] = field(default_factory=dict)  # seconds: compute, exposed comm per axis, optimizer
    timeline: list | None = field(default=None, repr=False)

    def as_json(self) -> dict:
        return {
            **self.layout.as_metrics(),
            "micro_batch_size": self.micro_batch_size,
            "step_time_s": self.step_time_s,
            "tokens_per_s": self.tokens_per_s,
            "tflops_per_gpu": self.tflops_per_gpu,
            "mfu": self.mfu,
            "memory_bytes": {k: int(v) for k, v in self.memory_bytes.items()},
            "comm_bytes": {k: int(v) for k, v in self.comm_bytes.items()},
            "bubble_fraction": self.bubble_fraction,
            "fits": self.fits,
        }


# --- bytes per element --------------------------------------------------------------------------------------


def _act_dtype_bytes(dtype: str) -> tuple[int, int]:
    """(bytes of a matmul output, bytes of a residual-stream/normalization tensor) saved for backward or sent
    between stages: the activations' dtype, the parameters' (bf16 in a bf16 run)."""
    return BYTES[dtype], BYTES[dtype]

"""The cost model's values: what it is asked (a layout, a batch, the software that runs it) and what it answers
(a chunk's durations, a layout's estimate), with the bytes of each dtype as the model counts them.

`Layout` is llmpar's one layout type (`llmpar.layout`), the same the training configuration builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from llmpar.layout import Layout
from llmpar.plan.hardware import ATTENTION_KERNELS

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
    # ZeRO-3: free the gathered parameters after each unit's forward and gather them again for its backward
    # (FSDP's FULL_SHARD, llmpar's); False keeps them from forward to backward (one gather per micro-batch, and the
    # stage's parameters whole in memory in between: FSDP's SHARD_GRAD_OP / reshard_after_forward=False).
    reshard_after_forward: bool = True
    # The share of the hardware's matmul and attention rates the system's kernels and runtime reach (1: what the
    # profile says, as Megatron-LM reaches it). Fitted per system on the published runs (docs/cost-model.md).
    compute_efficiency: float = 1.0
    # What `--recompute selective` recomputes (`selective_policy`): "attention", the attention core (Korthikanti
    # et al. 2022; llmpar, Megatron-LM); "op", torchtitan's per-operation policy (every matmul's and the
    # attention kernel's outputs saved but every second matmul's in each block, all else recomputed); or
    # "every-K", every K-th block recomputed whole and the others not at all (torchtitan's layer policy).
    selective: str = "attention"
    # The cross-entropy over the vocabulary: "fp32", the logits cast to fp32, the softmax saved in fp32 and
    # LOSS_COPIES fp32 logits-sized tensors alive in its backward (llmpar, torchtitan: PyTorch's cross_entropy on
    # .float() logits); "vocab-parallel", Megatron-LM's: the fp32 softmax saved, computed in place, one 16-bit
    # gradient in the backward; "fused", a fused kernel (flash-attn's, llm-foundry's default): the 16-bit logits
    # and a log-sum-exp per token saved, one 16-bit gradient.
    loss: str = "fp32"
    # ZeRO-3's all-gathers: one per block ("unit": llmpar, FSDP's per-block wrapping) or one per parameter tensor
    # ("tensor": DeepSpeed's ZeRO-3 of 2021, microsoft/DeepSpeed deepspeed/runtime/zero/partition_parameters.py
    # at c83e49f9e, April 2021: `_allgather_param`, a torch.distributed.all_gather per parameter). Each pays the
    # group's latency.
    zero3_gather: str = "unit"
    # Tensor-parallel collectives overlapped with the GEMMs they feed (Megatron-Core / Transformer Engine's
    # userbuffers, NeMo's ub_tp_comm_overlap); else on the critical path.
    tp_comm_overlap: bool = False
    # Context parallelism's ring attention: True, each block computed by a fused kernel that skips the masked
    # scores and returns the log-sum-exp (TransformerEngine's, Megatron-Core's and torch's context_parallel on flash
    # attention), at the attention rate, its output kept in the inputs' dtype; False, by explicit matmuls over each
    # visible rectangle, masked scores included, at the matmul rate, with the scores streamed through memory; None,
    # as llmpar computes it: torch's fused CPU flash kernel on a CPU (each block causal or full, the two masks it
    # knows), explicit matmuls on other devices, the output and log-sum-exp kept in at least fp32 either way
    # (llmpar/parallel/context_parallel.py; llmpar/plan/cost/context.py).
    ring_fused: bool | None = None
    # ZeRO-1/2: the updated parameters' all-gather issued layer by layer under the next step's first forward
    # (Megatron-Core's distributed optimizer with overlap_param_gather, as NeMo runs it: NVIDIA/NeMo
    # docs/source/features/optimizations/communication_overlap.rst); else after the optimizer, exposed.
    overlap_param_gather: bool = False
    # ZeRO's sharding group (FSDP's HYBRID_SHARD): parameters, gradients and optimizer state sharded over this many
    # consecutive data-parallel ranks and replicated across the groups, each rank's share of the gradients
    # all-reduced across the replicas after its reduce-scatter; 0 (llmpar's ZeRO), or a group that does not divide
    # a layout's dp × cp ranks (the planner's searched layouts): over all of them.
    shard_group: int = 0
    # The GEMMs of a block's weights, each paying `Hardware.gemm_latency`: False, one per weight as llmpar's blocks
    # run them (q, k, v, the attention output, the MLP's: 7 for Llama, 6 for GPT-2); True, four, as Megatron fuses
    # them (QKV, the attention output, the MLP's in and out). The published systems' recipes price the fused count
    # (torchtitan's and Hugging Face's unfused blocks run 7 or 6: a difference under half a percent of their steps).
    fused_gemms: bool = False
    # The blocks' weight GEMMs in FP8 (the forward's and both of the backward's; attention and the output layer stay
    # 16-bit, as Transformer Engine and torchao run them), at the hardware's FP8 rate (`Hardware.peak_flops["fp8"]`),
    # each GEMM's operands cast first (`FP8_CASTS`): "" (16-bit matmuls), or the scaling recipe.
    fp8: str = ""
    # ZeRO's parameter gathers move the blocks' matrices in FP8, one byte each (torchao's FSDP float8 all-gather,
    # Megatron-Core's fp8_param_gather), each rank casting its own shard.
    fp8_param_gather: bool = False
    # The fused attention kernel (`ATTENTION_KERNELS`), whose rate the hardware profile gives by sequence length
    # (`Hardware.attention_rate`): "cudnn", cuDNN's fused attention, which Transformer Engine prefers on Hopper
    # (NVIDIA/TransformerEngine transformer_engine/pytorch/attention.py since 2023: "Select FusedAttention on sm90
    # and FlashAttention on others") and torch's scaled_dot_product_attention picks first on Hopper since torch 2.11
    # (llmpar's); "flash3", FlashAttention-3 (priced as cuDNN's: the same Hopper-native class); "flash2",
    # FlashAttention-2, the flash-attn package 2.x or the flash backend that scaled_dot_product_attention picks
    # first on Hopper before torch 2.11 (pytorch/pytorch#138522 made cuDNN's opt-in after 2.5).
    attention_kernel: str = "cudnn"

    def zero_shards(self, ranks: int) -> int:
        """The ranks ZeRO shards over, of the `ranks` that hold the same stage (dp × cp)."""
        return self.shard_group if 0 < self.shard_group < ranks and ranks % self.shard_group == 0 else ranks

    def fused_ring(self, cpu: bool) -> bool:
        """Whether ring attention's blocks run in a fused kernel, on a CPU (`cpu`) or not."""
        return self.flash_attention and (self.ring_fused if self.ring_fused is not None else cpu)

    def __post_init__(self):
        selective_policy(self.selective)
        if self.zero3_gather not in ("unit", "tensor"):
            raise ValueError(f"zero3_gather {self.zero3_gather!r}: choose unit or tensor")
        if self.shard_group < 0:
            raise ValueError(f"shard_group {self.shard_group}: a number of ranks, or 0 for all")
        if self.loss not in LOSSES:
            raise ValueError(f"loss {self.loss!r}: choose one of {', '.join(LOSSES)}")
        if self.fp8 and self.fp8 not in FP8_CASTS:
            raise ValueError(f"fp8 {self.fp8!r}: choose one of {', '.join(FP8_CASTS)}, or none for 16-bit matmuls")
        if self.fp8_param_gather and not self.fp8:
            raise ValueError("fp8_param_gather needs FP8 matmuls (fp8: a scaling recipe)")
        if self.attention_kernel not in ATTENTION_KERNELS:
            raise ValueError(
                f"attention kernel {self.attention_kernel!r}: choose one of {', '.join(ATTENTION_KERNELS)}"
            )


LOSSES = ("fp32", "vocab-parallel", "fused")


class FP8Casts(NamedTuple):
    """What an FP8 recipe's casts move through memory, in bytes per element (`FP8_CASTS`)."""

    normed: int  # a GEMM input a normalization writes (q, k and v's; gate and up's)
    other: int  # the other GEMM inputs (the attention output, the MLP product)
    grad: int  # a GEMM's output gradient, backward
    weight: int  # a weight
    weight_once: bool  # weights cast once a step (their FP8 copies kept over its micro-batches), else each micro-batch


# FP8 scaling recipes (`Software.fp8`), as their code runs the casts on an H100 (Hopper's FP8 GEMMs read both
# operands K-major, so every operand is also written transposed); read in NVIDIA/TransformerEngine d0067d0d (and
# Megatron-Core d98e8a64) and pytorch/ao 36027d82 (docs/cost-model.md, "Sixth round"). A cast reads the 16-bit
# tensor (2 bytes) and writes its FP8 copy and the transposed one (1 + 1); a scale from the tensor's own maximum
# reads it once more first (2).
FP8_CASTS = {
    # Transformer Engine's DelayedScaling: the normalization kernel writes FP8 itself (a transpose follows), every
    # other tensor a fused cast-transpose; the FP8 weights kept over a step (`is_first_microbatch`)
    "delayed": FP8Casts(normed=2, other=4, grad=4, weight=4, weight_once=True),
    # Transformer Engine's per-tensor current scaling: an amax pass before every cast (the normalization computes
    # its output's amax, the cast stays separate)
    "current": FP8Casts(normed=4, other=6, grad=6, weight=6, weight_once=True),
    # Transformer Engine's 1×128 / 128×128 blocks: each block's scale found as it is cast, one pass
    "blockwise": FP8Casts(normed=4, other=4, grad=4, weight=4, weight_once=True),
    # torchao's Float8Linear, dynamic per-tensor scaling: an amax pass, then one cast writing both layouts; the
    # weight cast in every forward and again in the backward (3 + 3 bytes beside its amax)
    "tensorwise": FP8Casts(normed=6, other=6, grad=6, weight=8, weight_once=False),
    # torchao's rowwise scaling: each layout cast apart from a 16-bit transposed copy
    "rowwise": FP8Casts(normed=8, other=8, grad=8, weight=10, weight_once=False),
}


def selective_policy(name: str) -> tuple[str, int]:
    """("attention" | "op" | "every", K) for a `Software.selective` name, or ValueError naming the choices."""
    if name in ("attention", "op"):
        return name, 0
    if name.startswith("every-") and name[6:].isdigit() and int(name[6:]) >= 1:
        return "every", int(name[6:])
    raise ValueError(f"selective recomputation {name!r}: choose attention, op or every-K (K a whole number, 1 or more)")


LLMPAR = Software()

# The on/off knobs of `Software` that `llmpar plan` and `simulate` take as flags (--overlap-dp / --no-overlap-dp, ...:
# the knob's name with dashes), with their help; the CLI, its parsing and `compare.plan_args` read this one list.
SWITCHES = (
    ("overlap_dp", "the data-parallel reduction overlapped with the backward pass"),
    ("reshard_after_forward", "ZeRO-3: free gathered parameters after forward and gather again for backward"),
    ("overlap_param_gather", "ZeRO-1/2: the updated parameters gathered under the next forward (Megatron-Core)"),
    (
        "tp_comm_overlap",
        "the tensor-parallel collectives run under the GEMMs they feed (Megatron-Core, Transformer Engine, async TP)",
    ),
    ("fp8_param_gather", "with --fp8: ZeRO gathers the blocks' matrices in FP8 (torchao, Megatron-Core)"),
)

# Named recipes (`llmpar plan --software NAME`): how the systems of the published runs run a layout. The flags
# --attention, --attention-kernel, the SWITCHES, --shard-group, --selective-recompute, --loss and --fp8 override a
# recipe's knobs. The
# compute efficiency of "deepspeed" was fitted on the fitting half of the published runs, that of "fsdp" refitted with
# the overlap share on every row seen before the fifth blind set (docs/cost-model.md, "Fourth round").
FSDP_EFFICIENCY = 0.95
DEEPSPEED_EFFICIENCY = 0.74
SOFTWARE: dict[str, Software] = {
    "llmpar": LLMPAR,
    # Megatron-LM as Narayanan et al. (2021) ran it: the attention matrix materialized, the data-parallel
    # all-reduce after the backward pass, fused normalization kernels.
    "megatron-2021": Software(
        flash_attention=False, overlap_dp=False, fp32_norm_input=False, loss="vocab-parallel", fused_gemms=True
    ),
    # Megatron-LM 2022 (Korthikanti et al.): the same, with the reduction overlapped with the backward pass.
    "megatron-2022": Software(
        flash_attention=False, overlap_dp=True, fp32_norm_input=False, loss="vocab-parallel", fused_gemms=True
    ),
    # Megatron-Core, NeMo, and Meta's Llama 3 stack: fused (flash) attention, overlapped reduction, fused kernels.
    "megatron": Software(
        flash_attention=True,
        overlap_dp=True,
        fp32_norm_input=False,
        loss="vocab-parallel",
        ring_fused=True,
        overlap_param_gather=True,
        fused_gemms=True,
    ),
    # Megatron-DeepSpeed 2021-22 (BLOOM, MT-NLG): DeepSpeed's pipeline engine, which reduces gradients after the
    # pipeline flush, with Megatron's materialized attention.
    "deepspeed": Software(
        flash_attention=False,
        overlap_dp=False,
        fp32_norm_input=False,
        compute_efficiency=DEEPSPEED_EFFICIENCY,
        loss="vocab-parallel",
        zero3_gather="tensor",
        fused_gemms=True,
        attention_kernel="flash2",  # Megatron-DeepSpeed's --use-flash-attn: the flash-attn package
    ),
    # PyTorch FSDP (llm-foundry, torchtitan): flash attention, reduce-scatter overlapped with the backward pass,
    # parameters freed after forward (FULL_SHARD).
    "fsdp": Software(
        flash_attention=True,
        overlap_dp=True,
        fp32_norm_input=False,
        compute_efficiency=FSDP_EFFICIENCY,
        ring_fused=True,
        fused_gemms=True,
        attention_kernel="flash2",  # scaled_dot_product_attention before torch 2.11, or the flash-attn package
    ),
}


@dataclass(frozen=True)
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

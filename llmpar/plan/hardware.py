"""Hardware profiles: what the cost model needs to know of a device and its links.

A profile gives, per device: the dense matmul peak per dtype and the fraction of it that large matmuls reach, the
memory and its bandwidth (for the memory-bound operations), a fixed cost per operation dispatched (kernel
launch, or Python and dispatcher overhead on a CPU), and two link classes, within a node and across nodes, each
an α–β model: a collective over n ranks moving B bus bytes per rank takes steps(n)·α + B/β.

The GPU profiles are vendor figures (peak, memory, bandwidth) with the achievable fractions that public
microbenchmarks report; `llmpar calibrate` measures the same quantities on the machine it runs on and writes a
profile file that `--hardware-config` reads. On a CPU a "device" is one worker process: the processes of a node
share its cores, so the rates given are per core and the cost model divides the node's total among the processes.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
from dataclasses import dataclass

from llmpar.errors import UserError, is_json_int, is_json_number

COLLECTIVES = ("all_reduce", "all_gather", "reduce_scatter", "p2p")
BYTES_PER_DTYPE = ("bf16", "fp32", "fp64")  # the dtypes a run may compute in
# ... and the rates a profile may give: those, and FP8 matmuls' (a recipe's, `Software.fp8`, not a run's dtype)
RATED = (*BYTES_PER_DTYPE, "fp8")
# The fused attention kernels a profile rates (`Hardware.attention_rate`; a recipe's `Software.attention_kernel`)
ATTENTION_KERNELS = ("flash2", "flash3", "cudnn")


@dataclass(frozen=True)
class AttentionCurve:
    """A fused attention kernel's FLOP rate (forward and backward, causal) by sequence length s and head size d:
    the matmul rate × efficiency × s / (s + half_seq) × (d / 128)^head_exponent below a head size of 128."""

    efficiency: float
    half_seq: float
    head_exponent: float


@dataclass(frozen=True)
class Link:
    """One class of link, per collective kind (gloo's reduce-scatter is slower than its all-reduce, its p2p far
    quicker to start). `bandwidth`: bus bytes per second per rank that a large transfer reaches (NCCL-tests'
    busbw). `latency`: seconds per step of a collective (a ring all-reduce over n ranks has 2(n−1) steps)."""

    bandwidth: dict[str, float]
    latency: dict[str, float]
    # Seconds a rank waits, on average, for its peers at a synchronization that follows computation: the
    # ranks' identical work does not end at the same moment (the machine's noise). Measured by calibrate.
    skew: float = 0.0

    def time(self, kind: str, bus_bytes: float, n: int) -> float:
        if (n <= 1 and kind != "p2p") or bus_bytes <= 0:
            return 0.0
        steps = 1 if kind == "p2p" else (2 * (n - 1) if kind == "all_reduce" else n - 1)
        return steps * self.latency[kind] + bus_bytes / self.bandwidth[kind] + self.skew


@dataclass(frozen=True)
class Hardware:
    name: str
    peak_flops: dict[str, float]  # dense matmul peak per device, per dtype (bf16, fp32, fp64; fp8), FLOP/s
    matmul_efficiency: float  # the fraction of peak that large matmuls reach
    memory_bytes: float  # per device
    memory_bandwidth: float  # bytes/s per device, what a streaming elementwise operation reaches
    devices_per_node: int
    intra: Link  # within a node
    inter: Link  # across nodes
    op_overhead: float = 0.0  # seconds per operation dispatched
    # Seconds a matmul takes beyond its FLOPs at the matmul rate: a small GEMM cannot fill the device (too few
    # tiles for its SMs, a fixed cost to start and drain). Measured on an H200 (benchmarks/gemm_efficiency.py):
    # over 448 GEMMs of 1,024-8,192 tokens, FLOPs / (0.70 peak) + 8 µs, within 14% RMS (76% without the 8 µs;
    # docs/benchmarks.md). 0 on a CPU, whose rate is flat over the model's shapes and whose fixed cost is the
    # dispatch (`op_overhead`).
    gemm_latency: float = 0.0
    attention_efficiency: float = 1.0  # fused attention's FLOP rate over the matmul rate (long sequences)
    # Fused attention's rate grows with the sequence (short ones leave the kernel's tiles and SMs idle): the
    # rate at sequence length s is attention_efficiency · s / (s + attention_half_seq), times (head size / 128)^0.37
    # below a head size of 128 (`attention_rate`). 0: no dependence (a CPU's, or a profile that measured one shape).
    attention_half_seq: float = 0.0
    # Kernels whose curve differs from the one above (`ATTENTION_KERNELS`: kernel -> AttentionCurve); the others run
    # at the one above. None: every kernel at the one above.
    attention_curves: dict[str, AttentionCurve] | None = None
    # Seconds of computation lost per second of computation that a data-parallel collective overlaps (its kernels
    # share the SMs and the memory bandwidth with the matmuls). Fitted on the published runs (docs/cost-model.md).
    overlap_slowdown: float = 0.0
    # The share of its bandwidth a data-parallel collective reaches while computation runs beside it (the two
    # compete for memory bandwidth and SMs). Fitted on the published runs (docs/cost-model.md).
    overlap_bandwidth: float = 1.0
    cores: int = 0  # CPU: the node's cores, shared by its processes (0 on a GPU: one device per process)
    # CPU: the links measured with n processes on the node (more processes than cores wait for a core at
    # every step of a collective, so the link depends on how many share the node); keys are n
    local_links: dict[int, Link] | None = None
    source: str = ""

    @property
    def dtypes(self) -> tuple[str, ...]:
        """The dtypes a run may compute in on this profile (those it rates; `fp8` is a recipe's matmul rate)."""
        return tuple(d for d in self.peak_flops if d in BYTES_PER_DTYPE)

    def matmul_rate(self, dtype: str, processes_on_node: int = 1) -> float:
        """FLOP/s one process reaches on large matmuls."""
        rate = self.peak_flops[dtype] * self.matmul_efficiency
        return rate * self.cores / processes_on_node if self.cores else rate

    def attention_rate(
        self, dtype: str, seq_len: int, head_dim: int, processes_on_node: int = 1, kernel: str = "cudnn"
    ) -> float:
        """FLOP/s of fused causal attention (forward and backward together) at this sequence length and head size,
        by `kernel`. The profile's own shape was measured on an H200 (`benchmarks/gemm_efficiency.py`,
        docs/benchmarks.md; torch 2.11's scaled_dot_product_attention, cuDNN's kernel): head size 128, 0.19 of peak
        at s = 512, 0.37 at 2048, 0.50 at 8192; head size 64, 0.15, 0.32, 0.40. A kernel in `attention_curves`
        runs at its own curve."""
        curve = (self.attention_curves or {}).get(kernel)
        if curve is None:
            curve = AttentionCurve(self.attention_efficiency, self.attention_half_seq, 0.37)
        rate = self.matmul_rate(dtype, processes_on_node) * curve.efficiency
        if curve.half_seq:
            rate *= seq_len / (seq_len + curve.half_seq) * min(1.0, head_dim / 128) ** curve.head_exponent
        return rate

    def stream_rate(self, processes_on_node: int = 1) -> float:
        """Bytes/s one process moves through memory in elementwise operations."""
        if self.cores:
            return self.memory_bandwidth * min(self.cores, processes_on_node) / processes_on_node
        return self.memory_bandwidth

    def link(self, span: int, processes_on_node: int = 0) -> Link:
        """The link of a group whose ranks lie within `span` consecutive global ranks (nodes are filled in rank
        order): within a node if the span fits in one. On a CPU profile measured at several process counts, the
        one measured with the fewest processes not fewer than those sharing the node (or the most measured)."""
        if self.local_links and processes_on_node:
            counts = sorted(self.local_links)
            n = next((c for c in counts if c >= processes_on_node), counts[-1])
            return self.local_links[n]
        return self.intra if span <= self.devices_per_node else self.inter

    def collective_time(
        self, kind: str, bus_bytes: float, n: int, stride: int = 1, processes_on_node: int = 0
    ) -> float:
        """Seconds of one collective of `kind` moving `bus_bytes` bus bytes per rank over a group of n ranks that
        lie `stride` global ranks apart (a p2p transfer: n = 2, `stride` the distance). Nodes hold
        `devices_per_node` consecutive ranks.

        A group within one node runs on the node's link (NVLink). A group that spans nodes is priced as NCCL runs
        it (rings, or trees for an all-reduce over many nodes): the group's ranks on one node reach the other
        nodes through their own network adapters (one per GPU in the profiles, rail-aligned), so a group with k
        ranks per node moves k adapters' bandwidth, at most the node's link; a group with one rank per node gets
        one adapter's. Latency (`collective_latency`): a ring through the group's n ranks takes n − 1 steps (2(n − 1)
        for an all-reduce) in lockstep, each as slow as its slowest hop, the network's when the group spans nodes;
        an all-reduce may instead take NCCL's tree, a chain within each node and 2⌈log2 N⌉ network steps between
        N nodes, the fewer (NCCL chooses by size; the bandwidth term is the same)."""
        if (n <= 1 and kind != "p2p") or bus_bytes <= 0:
            return 0.0
        if self.cores:  # a CPU profile: one machine's links, as calibrate measured them
            return self.link(n * stride, processes_on_node).time(kind, bus_bytes, n)
        per_node, nodes = self.group_nodes(n, stride)
        if nodes == 1:
            return self.intra.time(kind, bus_bytes, n)
        return (
            self.collective_latency(kind, n, stride)
            + bus_bytes / self.network_bandwidth(kind, per_node)
            + (self.inter.skew)
        )

    def group_nodes(self, n: int, stride: int) -> tuple[int, int]:
        """(ranks on each node, nodes) of a group of n ranks `stride` global ranks apart, nodes holding
        `devices_per_node` consecutive ranks."""
        g = self.devices_per_node
        per_node = max(1, min(n, g // stride)) if stride < g else 1
        return per_node, math.ceil(n / per_node)

    def network_bandwidth(self, kind: str, per_node: int) -> float:
        """Bus bytes/s per rank of a collective whose group has `per_node` ranks on each of several nodes."""
        if kind == "p2p":
            return self.inter.bandwidth[kind]
        return min(self.intra.bandwidth[kind], per_node * self.inter.bandwidth[kind])

    def collective_latency(self, kind: str, n: int, stride: int = 1, processes_on_node: int = 0) -> float:
        """The latency part of `collective_time`: seconds a collective over the group takes however small."""
        if self.cores:
            link = self.link(n * stride, processes_on_node)
            return (1 if kind == "p2p" else 2 * (n - 1) if kind == "all_reduce" else n - 1) * link.latency[kind]
        per_node, nodes = self.group_nodes(n, stride)
        if kind == "p2p":
            return (self.inter if nodes > 1 else self.intra).latency[kind]
        if nodes == 1:
            return (2 * (n - 1) if kind == "all_reduce" else n - 1) * self.intra.latency[kind]
        if kind == "all_reduce":  # NCCL's tree: a chain within each node, a double binary tree between nodes
            tree = (
                2 * (per_node - 1) * self.intra.latency[kind]
                + 2 * math.ceil(math.log2(nodes)) * self.inter.latency[kind]
            )
            return min(2 * (n - 1) * self.inter.latency[kind], tree)
        # A ring through every rank of the group: its n − 1 steps go in lockstep, each as slow as the ring's
        # slowest hop, a network one (NCCL has no tree for these).
        return (n - 1) * self.inter.latency[kind]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _link(bandwidth: float, latency: float, **per_kind: float) -> Link:
    return Link({k: per_kind.get(k, bandwidth) for k in COLLECTIVES}, dict.fromkeys(COLLECTIVES, latency))


GiB = 2**30

# FlashAttention-2 on an H100 SXM5, forward and backward, causal, as its authors publish it
# (Dao-AILab/flash-attention assets/flash2_h100_fwd_bwd_benchmark.png): head size 128, 163, 221, 265, 294, 308 and
# 328 TFLOP/s at 512 to 16,384 tokens; head size 64, 141, 192, 232, 257, 273, 284. The curve through them (least
# squares; within 2.5% of each): 0.48 of the 0.70-of-peak matmul rate (0.34 of peak) at long sequences, half of that
# at 530 tokens, (d / 128)^0.2 below a head size of 128 (the 64-wide heads' ratio, 0.84 to 0.89).
FLASH2_HOPPER = AttentionCurve(efficiency=0.48, half_seq=530, head_exponent=0.2)

# fmt: off
PROFILES: dict[str, Hardware] = {
    # NVIDIA A100 SXM4 80GB in a DGX A100: 312 TFLOP/s dense bf16, 2.04 TB/s HBM2e; NVLink 3 (300 GB/s each
    # way; NCCL all-reduce busbw ≈ 230 GB/s); one 200 Gb/s HDR InfiniBand adapter per GPU (25 GB/s). Fused
    # attention: FlashAttention-2 reaches 50–73% of peak forward and backward (Dao 2023); the sequence-length
    # curve measured on an H200, reaching 0.95 of the matmul rate (0.76 of peak) at long sequences. A GEMM's 8 µs
    # beyond its FLOPs: the H200's (not measured on an A100).
    "a100-80gb": Hardware(
        name="a100-80gb", peak_flops={"bf16": 312e12, "fp32": 156e12, "fp64": 19.5e12}, matmul_efficiency=0.80,
        memory_bytes=80 * GiB, memory_bandwidth=0.85 * 2.039e12, devices_per_node=8,
        intra=_link(230e9, 8e-6), inter=_link(0.9 * 25e9, 12e-6), op_overhead=4e-6, attention_efficiency=0.95,
        gemm_latency=8e-6, attention_half_seq=1400, overlap_slowdown=0.4, overlap_bandwidth=0.5,
        source="NVIDIA A100 datasheet; DGX A100 user guide (NVLink 3, 8× HDR 200 Gb/s); NCCL-tests busbw"),
    # NVIDIA H100 SXM5 80GB in a DGX H100: 989 TFLOP/s dense bf16 (1,979 FP8), 3.35 TB/s HBM3; NVLink 4 (450 GB/s each
    # way; NCCL busbw ≈ 360 GB/s without NVLink SHARP); one 400 Gb/s NDR adapter per GPU (50 GB/s).
    # Fused attention: cuDNN's kernel (scaled_dot_product_attention of torch 2.11) as measured on an H200
    # (benchmarks/gemm_efficiency.py); FlashAttention-2, an Ampere-style kernel, at its own lower curve
    # (`FLASH2_HOPPER`). Matmul efficiency 0.70 and 8 µs a GEMM: the H200's GEMMs (docs/benchmarks.md; fitted at
    # 0.66 on published runs once, then set back).
    "h100-sxm": Hardware(
        name="h100-sxm", peak_flops={"bf16": 989e12, "fp32": 494e12, "fp64": 67e12, "fp8": 1979e12},
        matmul_efficiency=0.70,
        memory_bytes=80 * GiB, memory_bandwidth=0.85 * 3.35e12, devices_per_node=8,
        intra=_link(360e9, 8e-6), inter=_link(0.9 * 50e9, 12e-6), op_overhead=4e-6, attention_efficiency=0.94,
        gemm_latency=8e-6, attention_half_seq=1400, overlap_slowdown=0.4, overlap_bandwidth=0.5,
        attention_curves={"flash2": FLASH2_HOPPER},
        source="NVIDIA H100 datasheet; DGX H100 user guide (NVLink 4, 8× NDR 400 Gb/s); NCCL-tests busbw"),
    # This project's development machine (AMD EPYC, 2 cores, gloo over loopback) as `llmpar calibrate
    # --processes 2 4` measured it on 2026-11-28. Run `llmpar calibrate` on another machine for its own profile.
    "cpu": Hardware(
        name="cpu", peak_flops={"fp32": 9.35e+10, "fp64": 4.12e+10, "bf16": 2.13e+11}, matmul_efficiency=1.0,
        memory_bytes=2.528e+10, memory_bandwidth=2.92e+10, devices_per_node=1024,
        intra=Link({"all_reduce": 1.16e+09, "all_gather": 7.78e+08, "reduce_scatter": 4.34e+08, "p2p": 3.16e+09},
                   {"all_reduce": 0.00082, "all_gather": 0.00119, "reduce_scatter": 0.00181, "p2p": 0.000137},
                   skew=0.00567),
        inter=Link({"all_reduce": 1.16e+09, "all_gather": 7.78e+08, "reduce_scatter": 4.34e+08, "p2p": 3.16e+09},
                   {"all_reduce": 0.00082, "all_gather": 0.00119, "reduce_scatter": 0.00181, "p2p": 0.000137},
                   skew=0.00567),
        local_links={
            2: Link({"all_reduce": 1.26e+09, "all_gather": 9.73e+08, "reduce_scatter": 4.26e+08, "p2p": 4.29e+09},
                    {"all_reduce": 0.000183, "all_gather": 0.000242, "reduce_scatter": 0.000453, "p2p": 6.96e-05},
                    skew=0.00242),
            4: Link({"all_reduce": 1.16e+09, "all_gather": 7.78e+08, "reduce_scatter": 4.34e+08, "p2p": 3.16e+09},
                    {"all_reduce": 0.00082, "all_gather": 0.00119, "reduce_scatter": 0.00181, "p2p": 0.000137},
                    skew=0.00567)},
        op_overhead=3.99e-06, attention_efficiency=0.292, cores=2,
        source="llmpar calibrate --processes 2 4, 2026-11-28"),
}
# fmt: on
# The same parts with other memory. NVIDIA A100 SXM4 40GB (DGX A100 320GB): the 80GB part's compute and links,
# with 40 GB of HBM2 at 1555 GB/s. NVIDIA H200 SXM 141GB: the H100's compute and links (HGX H200: NVLink 4,
# 8× NDR 400 Gb/s) with 141 GB of HBM3e at 4.8 TB/s.
PROFILES["a100-40gb"] = dataclasses.replace(
    PROFILES["a100-80gb"],
    name="a100-40gb",
    memory_bytes=40 * GiB,
    memory_bandwidth=0.85 * 1.555e12,
    source="NVIDIA A100 datasheet (40GB SXM4: 1555 GB/s); links as a100-80gb",
)
PROFILES["h200"] = dataclasses.replace(
    PROFILES["h100-sxm"],
    name="h200",
    memory_bytes=141e9,
    memory_bandwidth=0.85 * 4.8e12,
    source="NVIDIA H200 datasheet; HGX H200 (NVLink 4, 8× NDR 400 Gb/s)",
)
# Meta's Grand Teton H100 as torchtitan describes it (96GB HBM2e at 2.4 TB/s, 500 W power limit, 400 Gb/s RDMA
# per GPU: pytorch/torchtitan benchmarks/llama3_h100_202412_torchtitan.md); its dense bf16 peak "is between SXM
# and NVL" (pytorch/torchtitan docs/performance.md, Aug 2024): between the H100 NVL's 835 and the SXM's 989
# TFLOP/s, the midpoint taken.
PROFILES["h100-hbm2e-500w"] = dataclasses.replace(
    PROFILES["h100-sxm"],
    name="h100-hbm2e-500w",
    peak_flops={k: v * (835 + 989) / 2 / 989 for k, v in PROFILES["h100-sxm"].peak_flops.items()},
    memory_bytes=96e9,
    memory_bandwidth=0.85 * 2.4e12,
    source="torchtitan's Grand Teton H100 (96GB HBM2e, 2.4 TB/s, 500 W; peak between H100 NVL and SXM); "
    "links as h100-sxm",
)


def _four_64gb_gpus_a_node(base: Hardware, name: str, adapter: float, source: str) -> Hardware:
    """`base`'s GPU with 64 GB (four of its five HBM stacks: 4/5 of its memory bandwidth), four to a node, each with
    a network adapter of `adapter` bytes/s (at NCCL's 0.9 of the line rate); all else `base`'s."""
    return dataclasses.replace(
        base,
        name=name,
        memory_bytes=64 * GiB,
        memory_bandwidth=base.memory_bandwidth * 4 / 5,
        devices_per_node=4,
        inter=_link(0.9 * adapter, base.inter.latency["all_reduce"]),
        source=source,
    )


# The GPUs of two EuroHPC machines, 4 to a node (the Modalities rows of published.py ran on them).
# Leonardo Booster (CINECA): "4x NVIDIA custom Ampere A100 GPU 64 GB HBM2" and "2x dual-port HDR network interface
# (400 Gbps aggregated)" per node (leonardo-supercomputer.cineca.eu/hpc-system; docs.hpc.cineca.it/hpc/leonardo.html:
# "NVIDIA Ampere A100-64", InfiniBand HDR, Dragonfly+). Four 100 Gb/s HDR ports for four GPUs: 12.5 GB/s per GPU, half
# a DGX A100's. Not published in what was read, and taken: the memory bandwidth, 4/5 of the 80GB part's 2.039 TB/s
# (64 GB is four of its five 16 GB HBM2e stacks, each with its 1024-bit interface); the NVLink 3 link within the node
# (the four GPUs' NVLinks join them directly, 12 links a GPU as in a DGX A100: the a100-80gb profile's busbw kept);
# the peak, efficiencies and latencies of a100-80gb (the same GA100 at 312 TFLOP/s dense bf16).
PROFILES["a100-64gb-leonardo"] = _four_64gb_gpus_a_node(
    PROFILES["a100-80gb"],
    "a100-64gb-leonardo",
    12.5e9,
    "CINECA Leonardo Booster (4x A100 SXM4 64GB HBM2e a node, 2x dual-port HDR100 = 400 Gb/s a node); memory "
    "bandwidth 4/5 of the 80GB part's (assumed); NVLink and compute as a100-80gb",
)
# MareNostrum 5 ACC (BSC): 4 NVIDIA H100 SXM 64GB a node (BullSequana XH3000, two Sapphire Rapids CPUs), NDR
# InfiniBand in a fat tree, one ConnectX-7 NDR200 adapter per GPU (4x 200 Gb/s = 800 Gb/s a node: BSC's MareNostrum 5
# user guide as remembered, not re-read here): 25 GB/s per GPU, half a DGX H100's. Not published in what was read, and
# taken: the memory bandwidth, 4/5 of the 80GB SXM part's 3.35 TB/s (64 GB is four of its five 16 GB HBM stacks); the
# NVLink 4 link within the node (the four GPUs joined directly: h100-sxm's busbw kept); the peak (Modalities' MFU uses
# 989 TFLOP/s for it), efficiencies and latencies of h100-sxm.
PROFILES["h100-64gb-mn5"] = _four_64gb_gpus_a_node(
    PROFILES["h100-sxm"],
    "h100-64gb-mn5",
    25e9,
    "BSC MareNostrum 5 ACC (4x H100 SXM 64GB a node; 4x NDR200 = 800 Gb/s a node, as remembered from BSC's "
    "user guide, not confirmed from a page read here); memory bandwidth 4/5 of the 80GB SXM part's (assumed); NVLink "
    "and compute as h100-sxm",
)
PROFILES = {
    name: PROFILES[name]
    for name in (
        "a100-80gb",
        "a100-40gb",
        "a100-64gb-leonardo",
        "h100-sxm",
        "h100-hbm2e-500w",
        "h100-64gb-mn5",
        "h200",
        "cpu",
    )
}

# The profile of a CUDA device, by a part of its name (torch.cuda.get_device_name, lower-cased).
DEVICE_PROFILES = (("a100", "a100-80gb"), ("h200", "h200"), ("h100", "h100-sxm"))


def device_profile(device_name: str) -> str | None:
    """The name of the profile of a CUDA device called `device_name`, or None for a device without one."""
    name = device_name.lower()
    return next((profile for part, profile in DEVICE_PROFILES if part in name), None)


def hardware(name: str | None = None, config_file: str | None = None) -> Hardware:
    """A named profile, or one read from a JSON file (the format `llmpar calibrate` writes)."""
    if config_file:
        return load_hardware(config_file)
    if name not in PROFILES:
        close = [p for p in PROFILES if name and p.startswith(name)] or difflib.get_close_matches(
            name or "", PROFILES, n=1
        )
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UserError(
            f"--hardware: unknown profile {name!r}{hint}; choose one of {', '.join(PROFILES)}, "
            f"or describe yours with --hardware-config FILE (`llmpar calibrate` writes one)"
        )
    return PROFILES[name]


def load_hardware(path: str) -> Hardware:
    if not os.path.isfile(path):
        raise UserError(f"--hardware-config: no file {path!r}; `llmpar calibrate --out {path}` writes one")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:  # ValueError: bad JSON or bad UTF-8
        raise UserError(
            f"--hardware-config {path}: not a hardware profile ({e}); `llmpar calibrate` writes one"
        ) from None
    _check_profile(data, path)
    data = {**data, "intra": Link(**data["intra"]), "inter": Link(**data["inter"])}
    if data.get("local_links"):
        data["local_links"] = {int(n): Link(**link) for n, link in data["local_links"].items()}
    if data.get("attention_curves"):
        data["attention_curves"] = {k: AttentionCurve(**c) for k, c in data["attention_curves"].items()}
    return Hardware(**data)


def _check_profile(data, path: str) -> None:
    """Every key a profile needs, of its type and in its range (a zero bandwidth would divide by zero, a negative
    latency rank a layout first), or a UserError naming the key."""

    def bad(key: str, what: str):
        raise UserError(
            f"--hardware-config {path}: not a hardware profile: {key} {what}; `llmpar calibrate` writes one"
        )

    def number(value, key: str, zero_ok: bool = False, most: float | None = None) -> None:
        if (
            not is_json_number(value)
            or value < 0
            or (value == 0 and not zero_ok)
            or (most is not None and value > most)
        ):
            rng = f"between 0 and {most}" if most else "0 or more" if zero_ok else "more than 0"
            bad(key, f"must be a number {rng}, got {json.dumps(value)}")

    def integer(value, key: str, least: int) -> None:
        if not is_json_int(value) or value < least:
            bad(key, f"must be an integer {least} or more, got {json.dumps(value)}")

    def fields(obj, key: str, required: tuple, optional: tuple) -> dict:
        if not isinstance(obj, dict):
            bad(key, f"must be an object, got {json.dumps(obj)[:40]}")
        missing = [k for k in required if k not in obj]
        unknown = sorted(set(obj) - set(required) - set(optional))
        if missing or unknown:
            bad(key, f"lacks {', '.join(missing)}" if missing else f"has unknown key(s) {', '.join(unknown)}")
        return obj

    def link(obj, key: str) -> None:
        fields(obj, key, ("bandwidth", "latency"), ("skew",))
        for part, zero_ok in (("bandwidth", False), ("latency", True)):
            per_kind = fields(obj[part], f"{key}.{part}", COLLECTIVES, ())
            for kind in COLLECTIVES:
                number(per_kind[kind], f"{key}.{part}.{kind}", zero_ok=zero_ok)
        number(obj.get("skew", 0.0), f"{key}.skew", zero_ok=True)

    names = [f.name for f in dataclasses.fields(Hardware)]
    required = tuple(f.name for f in dataclasses.fields(Hardware) if f.default is dataclasses.MISSING)
    fields(data, "the file", required, tuple(n for n in names if n not in required))
    if not isinstance(data["name"], str) or not isinstance(data.get("source", ""), str):
        bad("name", "and source must be strings")
    peaks = fields(data["peak_flops"], "peak_flops", (), RATED)
    if not set(peaks) & set(BYTES_PER_DTYPE):
        bad(
            "peak_flops",
            f"names no dtype to compute in (fp8 alone is a matmul rate); give the FLOP/s of one or more of "
            f"{', '.join(BYTES_PER_DTYPE)}",
        )
    for dtype, rate in peaks.items():
        number(rate, f"peak_flops.{dtype}")
    number(data["matmul_efficiency"], "matmul_efficiency", most=1.0)
    number(data.get("attention_efficiency", 1.0), "attention_efficiency")
    number(data.get("attention_half_seq", 0.0), "attention_half_seq", zero_ok=True)
    curves = data.get("attention_curves")
    if curves is not None:
        fields(curves, "attention_curves", (), ATTENTION_KERNELS)
        for kernel, curve in curves.items():
            key = f"attention_curves.{kernel}"
            fields(curve, key, tuple(f.name for f in dataclasses.fields(AttentionCurve)), ())
            number(curve["efficiency"], f"{key}.efficiency")
            number(curve["half_seq"], f"{key}.half_seq", zero_ok=True)
            number(curve["head_exponent"], f"{key}.head_exponent", zero_ok=True)
    number(data["memory_bytes"], "memory_bytes")
    number(data["memory_bandwidth"], "memory_bandwidth")
    number(data.get("op_overhead", 0.0), "op_overhead", zero_ok=True)
    number(data.get("gemm_latency", 0.0), "gemm_latency", zero_ok=True)
    integer(data["devices_per_node"], "devices_per_node", 1)
    integer(data.get("cores", 0), "cores", 0)
    link(data["intra"], "intra")
    link(data["inter"], "inter")
    local = data.get("local_links")
    if local is not None:
        if not isinstance(local, dict):
            bad("local_links", f"must be an object (processes -> link), got {json.dumps(local)[:40]}")
        for n, value in local.items():
            if not n.isdigit() or int(n) < 1:
                bad(f"local_links.{n}", "must be keyed by a process count, 1 or more")
            link(value, f"local_links.{n}")


def save_hardware(hw: Hardware, path: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(hw.to_dict(), f, indent=2)
        f.write("\n")
    os.replace(tmp, path)

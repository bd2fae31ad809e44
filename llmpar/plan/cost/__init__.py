"""The cost model: memory, communication, FLOPs and time of one optimizer step of a layout, before it runs.

Every quantity is the one `llmpar train` measures (docs/design.md's metrics), predicted from the model's shapes:
- memory per rank: parameters, gradients and optimizer state as the engines hold them (`model_state_bytes`), and
  the tensors saved for backward at the peak of the step (`activation_bytes`), per layer as llmpar's modules
  save them, times the micro-batches the schedule keeps in flight;
- communication bytes per step per rank on each mesh axis (`comm_bytes`), in the bus-bytes convention, from the
  collectives each strategy issues;
- time: each pipeline action's duration from a roofline (matmul FLOPs at the matmul rate, elementwise bytes at
  the memory bandwidth, a fixed cost per operation dispatched) plus the tensor-parallel collectives on its
  critical path; the real schedule's action lists are run through the simulator (`simulator`), with transfer
  times; then the data-parallel reduction that the backward pass does not hide, and the optimizer.

One module per concern, all re-exported here:

    values.py     what the model is asked and answers: Batch, Software, ChunkCost, Estimate (Layout: llmpar.layout)
    params.py     the parameters each (pipeline rank, tp rank) holds
    footprint.py  memory: model state, activations, a whole process's peak, what a node needs
    traffic.py    bytes per step on each mesh axis
    timing.py     FLOPs, each chunk's durations, and the step's time (`estimate`)
    simulator.py  the pipeline schedules run against durations: timelines, bubble, micro-batches in flight

`docs/cost-model.md` gives each formula with its source, and the predictions beside measurements.
"""

from llmpar.layout import Layout
from llmpar.plan.cost.footprint import (
    ALLOCATOR_SLACK,
    CPU_LAUNCHER_BYTES,
    CPU_RUNTIME_BYTES,
    CUDA_RUNTIME_BYTES,
    LOSS_COPIES,
    MMAP_THRESHOLD,
    ZERO3_UNITS,
    activation_bytes,
    activation_bytes_by_stage,
    block_matmuls,
    device_peak,
    layer_activation_bytes,
    memory,
    memory_need,
    model_state_bytes,
    node_memory,
    op_recomputed_matmul_flops,
    output_activation_bytes,
    process_memory,
    ranks_memory,
    state_bytes_per_param,
)
from llmpar.plan.cost.params import StageParams, partition, stage_params
from llmpar.plan.cost.simulator import bubble_fraction, peak_in_flight, simulate, simulate_shared
from llmpar.plan.cost.timing import OPS, chunk_costs, estimate, hardware_flops_per_step, model_flops_per_step
from llmpar.plan.cost.traffic import comm_bytes
from llmpar.plan.cost.values import BYTES, LLMPAR, LOSSES, Batch, ChunkCost, Estimate, Software, selective_policy

__all__ = [
    "ALLOCATOR_SLACK",
    "BYTES",
    "CPU_LAUNCHER_BYTES",
    "CPU_RUNTIME_BYTES",
    "CUDA_RUNTIME_BYTES",
    "LLMPAR",
    "LOSSES",
    "LOSS_COPIES",
    "MMAP_THRESHOLD",
    "OPS",
    "ZERO3_UNITS",
    "Batch",
    "ChunkCost",
    "Estimate",
    "Layout",
    "Software",
    "StageParams",
    "activation_bytes",
    "activation_bytes_by_stage",
    "block_matmuls",
    "bubble_fraction",
    "chunk_costs",
    "comm_bytes",
    "device_peak",
    "estimate",
    "hardware_flops_per_step",
    "layer_activation_bytes",
    "memory",
    "memory_need",
    "model_flops_per_step",
    "model_state_bytes",
    "node_memory",
    "op_recomputed_matmul_flops",
    "output_activation_bytes",
    "partition",
    "peak_in_flight",
    "process_memory",
    "ranks_memory",
    "selective_policy",
    "simulate",
    "simulate_shared",
    "stage_params",
    "state_bytes_per_param",
]

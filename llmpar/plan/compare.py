"""The cost model against published measurements of large runs (`published.py`).

Each row is predicted for its own layout, batch and hardware profile, with the software of its system
(Megatron-LM in 2021–22 materialized the attention matrix and, in 2021, reduced gradients after the backward
pass; Llama 3 used fused attention), and converted to the source's own measure with the source's own FLOP
count. Where a source does not state the micro-batch size or the number of interleaved stages, the row is
predicted with the best the planner finds among the usual values (micro-batches of 1–8 sequences, 2–8
virtual stages); the table says which it took.
"""

from __future__ import annotations

import itertools

from llmpar.model.config import ModelConfig
from llmpar.plan.cost import Batch, Layout, Software, estimate
from llmpar.plan.hardware import PROFILES
from llmpar.plan.published import FIT_SOURCES, RUNS


def comparable(run: dict) -> str | None:
    """Why a row is left out of the comparison, or None."""
    if run["source"] not in FIT_SOURCES:
        return "a source whose measure this comparison does not convert yet"
    if run["cp"] != 1:
        return "context parallelism, which the cost model does not model"
    if "FP8" in run["note"]:
        return "FP8 matmuls; the profiles are 16-bit"
    if run["global_batch_size"] is None:
        return "the source does not give the batch"
    return None


def _source_flops(run: dict, cfg: ModelConfig) -> float:
    """FLOPs of one step as the source counts them."""
    B, s, l, h, V = run["global_batch_size"], run["seq_len"], cfg.n_layers, cfg.d_model, cfg.vocab_size
    if run["source"] == "narayanan2021":  # with full recomputation (Narayanan et al. 2021, eq. 3)
        return 96 * B * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h))
    if run["source"] == "korthikanti2022":  # model FLOPs (Korthikanti et al. 2022, section 6)
        return 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h))
    return cfg.flops_per_token(s) * B * s  # PaLM's model FLOPs, as Llama 3 reports MFU


def predict(run: dict):
    """(the best estimate, its micro-batch size, its virtual stages) for a published row."""
    cfg = ModelConfig(**run["model"], max_seq_len=run["seq_len"])
    software = Software(
        flash_attention=run["source"] == "llama3_2024",
        overlap_dp=run["source"] != "narayanan2021",
        fp32_norm_input=False,  # their fused normalization kernels keep the bf16 input
    )
    batch = Batch(run["global_batch_size"], run["seq_len"], "mixed")
    mbs = [run["micro_batch_size"]] if run["micro_batch_size"] else [1, 2, 4, 8]
    interleaved = run["schedule"] == "interleaved" and run["pp"] > 1
    vs = [run["virtual_stages"]] if run["virtual_stages"] else ([2, 3, 4, 6, 8] if interleaved else [1])
    best = None
    for mb, v in itertools.product(mbs, vs):
        per_replica = run["global_batch_size"] // run["dp"]
        if per_replica % mb:
            continue
        m = per_replica // mb
        if interleaved and v > 1 and (m % run["pp"] or cfg.n_layers < run["pp"] * v):
            continue
        layout = Layout(
            dp=run["dp"],
            tp=run["tp"],
            pp=run["pp"],
            zero=run["zero"],
            schedule="interleaved" if interleaved and v > 1 else "1f1b",
            virtual_stages=v if interleaved else 1,
            micro_batches=m,
            sequence_parallel=run["sequence_parallel"],
            recompute=run["recompute"],
        )
        e = estimate(cfg, layout, batch, PROFILES[run["hardware"]], software=software)
        if best is None or e.step_time_s < best[0].step_time_s:
            best = (e, mb, v)
    return best


def published_comparison() -> list[dict]:
    """One row per comparable published measurement: predicted and measured, in the source's measure."""
    rows = []
    for run in RUNS:
        if comparable(run) is not None:
            continue
        cfg = ModelConfig(**run["model"], max_seq_len=run["seq_len"])
        e, mb, v = predict(run)
        achieved = _source_flops(run, cfg) / e.step_time_s / run["gpus"]
        measured = run["measured"]
        if measured["tflops_per_gpu"] is not None and run["source"] == "narayanan2021":
            quantity, predicted, value = "TFLOP/s per GPU", achieved / 1e12, measured["tflops_per_gpu"]
        else:
            peak = PROFILES[run["hardware"]].peak_flops["bf16"]  # the 16-bit peak, as the sources' MFU
            quantity, predicted, value = "MFU", achieved / peak, measured["mfu"]
        rows.append(
            {
                "source": run["source"],
                "name": run["name"],
                "hardware": run["hardware"],
                "gpus": run["gpus"],
                "layout": f"t{run['tp']} p{run['pp']} d{run['dp']}",
                "micro_batch_size": mb,
                "virtual_stages": v,
                "quantity": quantity,
                "predicted": predicted,
                "measured": value,
                "error": predicted / value - 1,
                "bubble": e.bubble_fraction,
            }
        )
    return rows

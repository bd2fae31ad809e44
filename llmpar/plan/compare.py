"""The cost model against published measurements of large runs (`published.py`).

Each row is predicted for its own layout, batch and hardware profile, with the software of its system
(Megatron-LM in 2021–22 materialized the attention matrix and, in 2021, reduced gradients after the backward
pass; Llama 3 used fused attention), and converted to the source's own measure with the source's own FLOP
count. Where a source does not state the micro-batch size or the number of interleaved stages, the row is
predicted with the best the planner finds among the usual values (micro-batches of 1–8 sequences, 2–8
virtual stages); the table says which it took.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import replace

from llmpar.model.config import ModelConfig
from llmpar.plan.cost import Batch, Layout, Software, estimate
from llmpar.plan.cost.values import SOFTWARE, SWITCHES
from llmpar.plan.hardware import PROFILES
from llmpar.plan.published import BLIND_SPLITS, RUNS


def comparable(run: dict) -> str | None:
    """Why a row is left out of the comparison, or None."""
    if run["software"]["fp8"] and "fp8" not in PROFILES[run["hardware"]].peak_flops:
        return "FP8 matmuls on hardware whose profile gives no FP8 rate"
    if run["global_batch_size"] is None:
        return "the source does not give the batch"
    if run["global_batch_size"] % run["dp"]:
        return "the batch does not divide over the data-parallel ranks"
    if _measured_tokens(run) is None:
        return "the source gives no throughput this comparison can convert"
    return None


# Sources whose TFLOP/s count the hardware's FLOPs with a full recomputation (Narayanan et al. 2021, eq. 3), as
# Megatron-LM and Megatron-DeepSpeed logged them.
# megatron_deepspeed_long_seq's TFLOPS are Megatron-DeepSpeed's throughput_calculator of 2023, the same count with
# the padded vocabulary (published.py, "Eleventh blind rows").
HARDWARE_FLOPS = (
    "narayanan2021",
    "narayanan2021_zero3",
    "bloom_bigscience",
    "smith2022",
    "megatron_deepspeed_long_seq",
)


# Sources whose MFU counts model FLOPs as Korthikanti et al. (2022) do, 72·l·h²·(1 + s/6h + V/12lh) a token: MegaScale's
# paper (its Megatron-LM rows' printed MFU reproduces from their printed throughput with this count; published.py,
# "Sixth blind rows"), and the Megatron-LM README's H100 table of 2024, whose TFLOP/s are Megatron-LM's
# num_floating_point_operations, the same count for its GPT shapes (published.py, "Seventh blind rows").
MODEL_FLOPS_KORTHIKANTI = ("korthikanti2022", "megascale_megatron", "megascale", "megatron_core_h100")


# Sources whose TFLOP/s count MaxText's training FLOPs (maxtext_utils.calculate_tflops_training_per_device): 6 x every
# parameter (embedding and output layer included) a token, plus the causal half of 12·l·heads·head_dim·s
# (published.py, "Eighth blind rows").
MODEL_FLOPS_MAXTEXT = ("maxtext_a3",)


def _source_flops_per_token(run: dict, cfg: ModelConfig) -> float:
    """FLOPs of one token as the source counts them."""
    s, l, h, V = run["seq_len"], cfg.n_layers, cfg.d_model, cfg.vocab_size
    if run["source"] in HARDWARE_FLOPS:  # with full recomputation (Narayanan et al. 2021, eq. 3)
        return 96 * l * h * h * (1 + s / (6 * h) + V / (16 * l * h))
    if run["source"] in MODEL_FLOPS_KORTHIKANTI:  # model FLOPs (Korthikanti et al. 2022, section 6)
        return 72 * l * h * h * (1 + s / (6 * h) + V / (12 * l * h))
    if run["source"] in MODEL_FLOPS_MAXTEXT:  # MaxText's count (published.py, "Eighth blind rows")
        return 6 * cfg.num_params() + 6 * l * cfg.n_heads * cfg.head_dim * s
    if run["source"] == "dgxc_benchmarking":  # NVIDIA's README: multi-head Q/K/V and a 4h two-matrix MLP, no GQA
        return 72 * l * h * h + 12 * l * h * s + 6 * V * h
    # nemo_megatron_launcher publishes tokens/s only (no FLOP figure); fms_fsdp gives tokens/s per GPU, and its MFU
    # ("nanoGPT/PaLM", 6N + 12·l·h·s) is kept in the notes only (published.py, "Second blind rows"): both are
    # compared by their tokens/s, and the count below is never used for them.
    return cfg.flops_per_token(s)  # PaLM's model FLOPs, as Llama 3 reports MFU


def _measured_tokens(run: dict) -> float | None:
    """Tokens per second per GPU the source measured: given, or from its TFLOP/s or MFU by its own FLOP count."""
    measured = run["measured"]
    if measured.get("tokens_per_s_per_gpu"):
        return measured["tokens_per_s_per_gpu"]
    cfg = ModelConfig(**run["model"], max_seq_len=run["seq_len"])
    per_token = _source_flops_per_token(run, cfg)
    if measured.get("tflops_per_gpu"):
        return measured["tflops_per_gpu"] * 1e12 / per_token
    if measured.get("mfu"):  # a fraction of the 16-bit peak, in the source's own FLOPs
        return measured["mfu"] * PROFILES[run["hardware"]].peak_flops["bf16"] / per_token
    return None


# The recipe (`SOFTWARE`) of each source's system.
RECIPES = {
    "narayanan2021": "megatron-2021",
    "korthikanti2022": "megatron-2022",
    "llama3_2024": "megatron",
    "megatron_bridge": "megatron",
    "bloom_bigscience": "deepspeed",
    "smith2022": "deepspeed",
    "llm_foundry": "fsdp",
    "torchtitan": "fsdp",
    "zhang2022_opt": "fsdp",
    # blind sources (published.BLIND_SOURCES; narayanan2021's Table 2 PTD-P rows are blind too)
    "dgxc_benchmarking": "megatron",
    "nemotron4_15b": "megatron",
    "nemotron4_340b": "megatron",
    "narayanan2021_zero3": "deepspeed",
    # second blind sources (published.BLIND2_SOURCES): NeMo of 2022 (Megatron kernels, attention materialized, the
    # reduction overlapped) and PyTorch FSDP
    "nemo_megatron_launcher": "megatron-2022",
    "fms_fsdp": "fsdp",
    # context-parallel rows: NeMo 2024–25 (Megatron-Core, Transformer Engine)
    "dgxc_benchmarking_cp": "megatron",
    # third blind sources (published.BLIND3_SOURCES), set before any prediction: the flash-attn training code (DDP,
    # FlashAttention, fused kernels, overlapped reduction: no recipe of its own, Megatron-Core's is the nearest;
    # the rows' software says loss "fused"), Megatron-Core 0.6 (the rows say overlap_dp False) and PaddleNLP's
    # hybrid parallelism with flash attention (Megatron-style TP/PP with sharded optimizer state)
    "flash_attn_training": "megatron",
    "flagperf_megatron": "megatron",
    "flagperf_paddle": "megatron",
    # fourth blind sources (published.BLIND4_SOURCES), set before any prediction, from each system's nature: InternLM's
    # training code is a Megatron-style stack, not FSDP (replicated bf16 parameters, ZeRO-1 optimizer sharding with the
    # gradient reduction overlapped, flash attention, fused dense kernels: Megatron-Core's recipe is the nearest, as for
    # flash_attn_training; the rows' software says loss "fused"); YaFSDP and its PyTorch FSDP baseline both shard
    # parameters, gradients and optimizer state per layer (all-gather, fp32 reduce-scatter overlapped with the
    # backward) under Hugging Face accelerate: the PyTorch FSDP recipe for both
    "internlm": "megatron",
    "yafsdp": "fsdp",
    "yafsdp_torch_fsdp": "fsdp",
    # fifth blind sources (published.BLIND5_SOURCES), set before any prediction: Modalities trains with PyTorch FSDP1
    # (FULL_SHARD or HYBRID_SHARD, bf16 parameters and reduction, one unit per block): the PyTorch FSDP recipe
    "modalities": "fsdp",
    # sixth blind sources (published.BLIND6_SOURCES), set before any prediction, from each system's nature: the
    # MegaScale paper's baseline is Megatron-LM at commit 285068c8 (January 2023, the Korthikanti et al. era of the
    # code: Megatron's kernels, attention materialized unless --use-flash-attn, which the paper does not mention; the
    # rows say overlap_dp False, as the paper lists DP overlap among MegaScale's additions); MegaScale itself is a
    # Megatron-LM derivative with FlashAttention-2 and TP/PP/DP communication overlapped: Megatron-Core's recipe is the
    # nearest (the rows say attention flash, overlap_dp and tp_comm_overlap True); TinyLlama trains with PyTorch FSDP
    # (FULL_SHARD under Lightning Fabric) and FlashAttention-2: the PyTorch FSDP recipe (the row says loss "fused")
    "megascale_megatron": "megatron-2022",
    "megascale": "megatron",
    "tinyllama": "fsdp",
    # seventh blind sources (published.BLIND7_SOURCES), set before any prediction, from each system's nature: the
    # Megatron-LM README's H100 table ran Megatron-Core r0.8.0 with DP, TP and PP communication overlapped and the
    # distributed optimizer's parameter all-gather overlapped: Megatron-Core's recipe; Paxml and MaxText on JAX/XLA
    # (GSPMD) shard parameters, gradients and optimizer state over the FSDP axis (all-gathers and reduce-scatters that
    # XLA's latency-hiding scheduler overlaps with computation), replicate them over the data axis (126M: plain data
    # parallelism): no recipe of their own, PyTorch FSDP's is the nearest (the rows say which attention kernel, where
    # the source does)
    "megatron_core_h100": "megatron",
    "pax_jax_toolbox": "fsdp",
    "maxtext_jax_toolbox": "fsdp",
    # eighth blind sources (published.BLIND8_SOURCES), set before any prediction, from each system's nature: nanotron is
    # a Megatron-style stack (tensor parallelism with sequence parallelism, a 1F1B pipeline, ZeRO-1 optimizer sharding
    # over torch DDP's bucketed, overlapped gradient reduction, flash attention): Megatron-Core's recipe is the nearest,
    # as for internlm and flash_attn_training (the rows say tp_comm_overlap False, as the harness sets
    # tp_linear_async_communication False, and reduce_dtype fp32)
    "nanotron_bench": "megatron",
    # MaxText on JAX/XLA (GSPMD) shards parameters, gradients and optimizer state over the FSDP axis, as for
    # maxtext_jax_toolbox: PyTorch FSDP's recipe is the nearest (the row says attention flash)
    "maxtext_a3": "fsdp",
    # ninth blind sources (published.BLIND9_SOURCES), set before any prediction, from the system's nature: the Zero
    # Bubble paper ran its schedules and Megatron-LM's own 1F1B in sail-sg's fork of Megatron-LM of late 2023 (the
    # legacy "local" transformer layers, Megatron's fused kernels, mixed precision with fp32 master weights; pure
    # pipeline parallelism, so no data-parallel reduction to overlap); its memory column fits attention with the s x s
    # scores stored (Korthikanti et al.'s sb(34h + 5as), which the paper's Table 1 uses), not a flash kernel: the
    # recipe of Megatron-LM 2022, with attention materialized (the rows say so)
    "zero_bubble": "megatron-2022",
    # tenth blind sources (published.BLIND10_SOURCES), set before any prediction, from each system's nature: MosaicGPT
    # under Composer shards parameters, gradients and optimizer state with PyTorch FSDP FULL_SHARD (one unit per block,
    # bf16 compute, fp32 reduction, FlashAttention), as llm_foundry's MPT rows do: the PyTorch FSDP recipe;
    # torchtitan's async-TP benchmark is FSDP2 with tensor (and sequence) parallelism inside the host, as the
    # torchtitan rows' 2D runs: the PyTorch FSDP recipe (the rows say tp_comm_overlap True for async TP, False for
    # vanilla TP); litgpt's eager row is Lightning Fabric's PyTorch FSDP FULL_SHARD: the PyTorch FSDP recipe; its
    # Thunder row runs Thunder's own ZeRO-3 (parameters all-gathered and gradients reduce-scattered per bucketed block)
    # with compiled kernels: no recipe of its own, PyTorch FSDP's is the nearest (the row says compile True)
    "mosaicgpt_examples": "fsdp",
    "torchtitan_async_tp": "fsdp",
    "litgpt_fsdp": "fsdp",
    "litgpt_thunder": "fsdp",
    # eleventh blind sources (published.BLIND11_SOURCES), set before any prediction, from the system's nature: the
    # DeepSpeed4Science long-sequence rows ran Megatron-DeepSpeed (Megatron's tensor and sequence parallelism inside
    # the DeepSpeed engine, its fp16 optimizer, ZeRO stage 0, no pipeline), the system of the bloom_bigscience and
    # smith2022 rows: the Megatron-DeepSpeed recipe ("deepspeed"); the rows say attention flash (FlashAttention's
    # Triton kernel), which the recipe's materialized default does not; with one data-parallel rank there is no
    # gradient reduction for the recipe's unoverlapped all-reduce to price
    "megatron_deepspeed_long_seq": "deepspeed",
    # twelfth blind sources (published.BLIND12_SOURCES), set before any prediction, from the system's nature: XTuner's
    # speed benchmark ran Hugging Face Llama models under the DeepSpeed engine with ZeRO stage 3 (parameters, gradients
    # and optimizer state sharded, overlap_comm on), as the narayanan2021_zero3 rows' DeepSpeed ZeRO-3: the DeepSpeed
    # recipe ("deepspeed"); the rows say attention flash (FlashAttention 2), loss fp32 (transformers' cross-entropy on
    # fp32 logits) and overlap_dp True, and carry their Ulysses-style sequence parallelism as cp with cp_mode all-to-all
    "xtuner_sequence_parallel": "deepspeed",
    # thirteenth blind sources (published.BLIND13_SOURCES), set before any prediction, from the system's nature:
    # PaddleNLP's Trainer runs Megatron-style tensor parallelism with sharding stage 2 (optimizer state and gradients
    # sharded over the other ranks), flash attention and AMP O2, the stack of the flagperf_paddle rows: the recipe
    # chosen for them (Megatron-Core's); the rows say attention flash and loss "vocab-parallel"
    "paddlenlp_pretrain": "megatron",
    # fourteenth blind sources (published.BLIND14_SOURCES), set before any prediction, from the system's nature:
    # Megatron-Bridge trains on Megatron-Core with Transformer Engine layers, the distributed optimizer and the
    # gradient reduce-scatter and parameter all-gather overlapped, the stack of the megatron_bridge and
    # megatron_core_h100 rows: Megatron-Core's recipe; the row says attention flash, loss "fused" (TE's fused
    # cross-entropy), reduce_dtype bf16 and no recomputation
    "megatron_bridge_verification": "megatron",
    # fifteenth blind sources (published.BLIND15_SOURCES), set before any prediction, from each system's nature:
    # lightning-thunder's LitGPT benchmark shards the bf16 model with PyTorch FSDP1 (SHARD_GRAD_OP) or FSDP2
    # (fully_shard, reshard_after_forward False), eager or under torch.compile: the PyTorch FSDP recipe (the rows say
    # reshard_after_forward False, reduce_dtype bf16, fp32_master False); its ThunderFX rows are the same FSDP2 with
    # Thunder compiling the model through dynamo: no recipe of their own, PyTorch FSDP's is the nearest (compile True),
    # as for litgpt_thunder; the torchtitan runs of other people's threads are FSDP2 as the torchtitan rows are: the
    # PyTorch FSDP recipe (the rows say loss "fp32", reduce_dtype fp32)
    "thunder_benchmark_litgpt": "fsdp",
    "thunder_benchmark_litgpt_thunderfx": "fsdp",
    "torchtitan_threads": "fsdp",
    # sixteenth blind sources (published.BLIND16_SOURCES), set before any prediction, from the system's nature: the
    # NeMo launcher's BF16 benchmarks of February 2024 ran NeMo 1.23 on Megatron-Core with Transformer Engine layers,
    # tensor, pipeline (interleaved) and sequence parallelism and Apex's distributed Adam with the gradient
    # reduce-scatter and parameter all-gather overlapped, the stack of the dgxc_benchmarking rows (NeMo launcher,
    # distributed_fused_adam): Megatron-Core's recipe; the rows say attention flash, tp_comm_overlap as each config
    # sets ub_tp_comm_overlap, no recomputation
    "nemo_perf_summary": "megatron",
    # seventeenth blind sources (published.BLIND17_SOURCES), set before any prediction, from the system's nature: the
    # FP8 tables of NVIDIA's DGX Cloud recipes ran the stacks of the dgxc_benchmarking and dgxc_benchmarking_cp rows
    # (NeMo 1 launcher or NeMo 2.0 on Megatron-Core with Transformer Engine layers, tensor, pipeline (interleaved),
    # sequence and context parallelism, the distributed optimizer with the gradient reduce-scatter and parameter
    # all-gather overlapped): Megatron-Core's recipe; the rows say attention flash, fp8 "delayed" with fp8_param_gather,
    # tp_comm_overlap as each launch sets it, reduce_dtype bf16 and recomputation as configured
    "dgxc_benchmarking_fp8": "megatron",
    # eighteenth blind sources (published.BLIND18_SOURCES), set before any prediction, from the system's nature: NeMo's
    # FP8 pre-training tables of 2024 ran NeMo on Megatron-Core with Transformer Engine layers, tensor, pipeline
    # (interleaved), sequence and context parallelism and Apex's distributed Adam with the gradient reduce-scatter and
    # parameter all-gather overlapped, the stack of the nemo_perf_summary rows: Megatron-Core's recipe; the rows say
    # attention flash, tp_comm_overlap as each config sets ub_tp_comm_overlap, no recomputation, fp8 "delayed"
    "nemo_perf_summary_fp8": "megatron",
    # nineteenth blind sources (published.BLIND19_SOURCES), set before any prediction, from each system's nature:
    # every row is torchtitan (FSDP2, with TP, PP and context parallelism in the larger runs) with torchao's float8
    # linears, the system of the torchtitan and torchtitan_async_tp rows: the PyTorch FSDP recipe (the rows say
    # fp8 "tensorwise" or "rowwise", fp8_param_gather where stated, tp_comm_overlap True for async TP, loss "fp32"
    # without TP)
    "torchtitan_float8": "fsdp",
    "torchtitan_async_tp_float8": "fsdp",
    "torchtitan_h200_float8": "fsdp",
    "torchao_float8": "fsdp",
    "aws_torchtitan_float8": "fsdp",
    # twentieth blind sources (published.BLIND20_SOURCES), set before any prediction, from each system's nature: NeMo
    # 2.0's and Megatron-Bridge's performance recipes run Megatron-Core with Transformer Engine layers, tensor, pipeline
    # (interleaved), sequence and context parallelism and the distributed optimizer with the gradient reduce-scatter
    # and parameter all-gather overlapped (Megatron-FSDP in one 8-GPU row, stored zero 3): Megatron-Core's recipe; the
    # rows say attention flash, tp_comm_overlap where TP > 1, no recomputation, reduce_dtype bf16, fp8 "current"
    # (Megatron-Bridge) or "delayed" (NeMo 25.02) with fp8_param_gather
    "nemo2_perf_summary_fp8": "megatron",
    "megatron_bridge_fp8": "megatron",
    # twenty-first blind sources (published.BLIND21_SOURCES), set before any prediction, from each system's nature:
    # OLMo-core's official scripts shard parameters, gradients and optimizer state with PyTorch FSDP2 (fully_shard per
    # block, bf16 compute, fp32 reduction) under torch.compile, and NeMo Automodel's benchmarking recipe runs FSDP2
    # with prefetch over the data and context ranks (PyTorch's context parallelism): the PyTorch FSDP recipe; Fast-LLM
    # shards optimizer state and gradients (ZeRO stage 2) in its own PyTorch engine with overlapped reduce-scatter and
    # all-gather and flash-attn: no recipe of its own, PyTorch FSDP's is the nearest (the row says zero 2)
    "olmo_core": "fsdp",
    "automodel": "fsdp",
    "fast_llm": "fsdp",
    # twenty-second blind sources (published.BLIND22_SOURCES), set before any prediction, from each system's nature:
    # MLPerf Training's GPT-3 175B submissions on H100 (NVIDIA's and its cloud partners') all run NVIDIA's NeMo
    # implementation on Megatron (Megatron-Core from v4.0) with Transformer Engine: tensor parallelism with sequence
    # parallelism and userbuffers communication overlap, an interleaved pipeline, the distributed optimizer, FP8
    # delayed scaling: Megatron-Core's recipe (the rows say fp8 "delayed" and, from v4.0, fp8_param_gather)
    "mlperf_gpt3_nvidia": "megatron",
    "mlperf_gpt3_partners": "megatron",
}


# The attention kernel of the sources whose system runs another than its recipe's (`Software.attention_kernel`),
# where a row does not name its own; set after the looks, from each system's code (docs/cost-model.md, "Seventh
# round"): JAX on GPU through Transformer Engine's cuDNN attention (MaxText's attention=cudnn_flash_te, which
# NVIDIA/JAX-Toolbox rosetta/rosetta/projects/maxtext/README.md names as its flash attention; Pax's "TE" rows),
# and nanotron's flash-attn 2 (huggingface/nanotron src/nanotron/models/llama.py: flash_attn_varlen_func).
KERNELS = {
    "maxtext_a3": "cudnn",
    "maxtext_jax_toolbox": "cudnn",
    "pax_jax_toolbox": "cudnn",
    "nanotron_bench": "flash2",
}


def software_of(run: dict) -> Software:
    """The row's system as the cost model's software: its recipe, with the knobs the row states."""
    sw = run.get("software") or {}
    recipe = SOFTWARE[RECIPES[run["source"]]]
    knobs = {}
    if sw.get("attention") in ("flash", "materialized"):
        knobs["flash_attention"] = sw["attention"] == "flash"
    for knob, _ in SWITCHES:  # (the rows state overlap_dp, reshard_after_forward and tp_comm_overlap)
        if sw.get(knob) is not None:
            knobs[knob] = sw[knob]
    if sw.get("loss") is not None:
        knobs["loss"] = sw["loss"]
    if sw.get("fp8"):
        knobs["fp8"] = sw["fp8"]
    kernel = sw.get("attention_kernel") or KERNELS.get(run["source"])
    if kernel:
        knobs["attention_kernel"] = kernel
    if sw.get("shard_group"):  # FSDP's HYBRID_SHARD
        knobs["shard_group"] = sw["shard_group"]
    checkpointing = sw.get("activation_checkpointing") or ""
    if run["recompute"] == "selective" and checkpointing.startswith("selective op"):
        knobs["selective"] = "op"
    elif run["recompute"] == "selective" and checkpointing.startswith("selective layer"):
        every = re.search(r"ac_freq (\d+)", checkpointing)
        assert every, checkpointing  # the layer policy names its frequency
        knobs["selective"] = f"every-{every[1]}"
    return replace(recipe, **knobs)


def predict(run: dict):
    """(the best estimate, its micro-batch size, its virtual stages) for a published row."""
    cfg = ModelConfig(**run["model"], max_seq_len=run["seq_len"])
    software = software_of(run)
    reduce = (run.get("software") or {}).get("reduce_dtype")
    batch = Batch(run["global_batch_size"], run["seq_len"], "bf16", reduce_dtype=reduce if reduce == "fp32" else None)
    per_replica = run["global_batch_size"] // run["dp"]
    if run["micro_batch_size"]:
        mbs = [run["micro_batch_size"]]
    else:  # the usual sizes, and (without a pipeline) the whole replica's batch at once
        mbs = [1, 2, 4, 8] + ([per_replica] if run["pp"] == 1 else [])
    interleaved = run["schedule"] == "interleaved" and run["pp"] > 1
    vs = [run["virtual_stages"]] if run["virtual_stages"] else ([2, 3, 4, 6, 8] if interleaved else [1])
    best = None
    for mb, v in itertools.product(mbs, vs):
        if per_replica % mb:
            continue
        m = per_replica // mb
        if interleaved and v > 1 and (m % run["pp"] or cfg.n_layers < run["pp"] * v):
            continue
        # the row's own schedule ("1f1b", "zb"); an interleaved one with a single chunk is 1F1B; without a
        # pipeline, no schedule
        schedule = run["schedule"] if run["pp"] > 1 and run["schedule"] != "interleaved" else "1f1b"
        layout = Layout(
            dp=run["dp"],
            tp=run["tp"],
            pp=run["pp"],
            zero=run["zero"],
            schedule="interleaved" if interleaved and v > 1 else schedule,
            virtual_stages=v if interleaved else 1,
            micro_batches=m,
            sequence_parallel=run["sequence_parallel"],
            recompute=run["recompute"],
            cp=run["cp"],
            cp_mode=run["cp_mode"],
        )
        e = estimate(cfg, layout, batch, PROFILES[run["hardware"]], software=software)
        # A published run ran: the fastest of the choices that fit, if any does.
        if best is None or (e.fits, -e.step_time_s) > (best[0].fits, -best[0].step_time_s):
            best = (e, mb, v)
    return best


# The knobs of `Software` that `llmpar plan` takes as flags (the rest are a recipe's own: --software): the on/off
# SWITCHES as --knob / --no-knob, and five with values.
def _switch(knob: str):
    flag = knob.replace("_", "-")
    return lambda v: [f"--{flag}" if v else f"--no-{flag}"]


_KNOB_FLAGS = {
    "flash_attention": lambda v: ["--attention", "fused" if v else "materialized"],
    **{knob: _switch(knob) for knob, _ in SWITCHES},
    "shard_group": lambda v: ["--shard-group", str(v)],
    "selective": lambda v: ["--selective-recompute", v],
    "loss": lambda v: ["--loss", v],
    "fp8": lambda v: ["--fp8", v or "none"],
    "attention_kernel": lambda v: ["--attention-kernel", v],
}


def plan_args(run: dict) -> tuple[dict, list[str]]:
    """A published row as `llmpar plan` takes it: (the model, for a `--model-config` file; the other flags), every
    choice fixed, the micro-batch size and virtual stages the comparison took where the source gives none. What
    `predict` gives for the row, `llmpar plan --model-config FILE FLAGS` gives too (tests/test_cost_model.py)."""
    found = predict(run)
    assert found is not None, run["name"]
    e, mb, _ = found
    lay = e.layout
    recipe = RECIPES[run["source"]]
    software, base = software_of(run), SOFTWARE[recipe]
    flags = ["--software", recipe]
    for field in dataclasses.fields(Software):
        mine = getattr(software, field.name)
        if mine != getattr(base, field.name):
            if field.name not in _KNOB_FLAGS:
                raise ValueError(f"{run['name']}: {field.name} is not a flag of llmpar plan")
            flags += _KNOB_FLAGS[field.name](mine)
    reduce = (run.get("software") or {}).get("reduce_dtype")
    flags += ["--hardware", run["hardware"], "--gpus", str(run["gpus"]), "--dtype", "bf16"]
    flags += ["--reduce-dtype", "fp32"] if reduce == "fp32" else []
    flags += ["--global-batch-size", str(run["global_batch_size"]), "--seq-len", str(run["seq_len"])]
    zero = lay.zero if lay.dp * lay.cp > 1 else 0  # (ZeRO over one rank shards nothing; train asks for dp 2)
    flags += ["--dp", str(lay.dp), "--tp", str(lay.tp), "--pp", str(lay.pp), "--zero", str(zero)]
    flags += ["--cp", str(lay.cp)] + (["--cp-mode", lay.cp_mode] if lay.cp > 1 else [])
    if lay.pp > 1:
        flags += ["--schedule", lay.schedule, "--virtual-stages", str(lay.virtual_stages)]
    flags += ["--micro-batch-size", str(mb), "--recompute", lay.recompute]
    flags += ["--sequence-parallel" if lay.sequence_parallel else "--no-sequence-parallel"]
    return {**run["model"], "max_seq_len": run["seq_len"]}, flags


def published_comparison(split: str | None = None) -> list[dict]:
    """One row per comparable published measurement (of one split: "fit", "held-out" or one of BLIND_SPLITS; the
    first two when None): predicted and measured tokens per second per GPU. The rows of BLIND_SPLITS are only ever
    predicted when asked for by name: they are kept for one comparison with a frozen model."""
    rows = []
    for run in RUNS:
        if comparable(run) is not None:
            continue
        if (split is None and run["split"] in BLIND_SPLITS) or (split and run["split"] != split):
            continue
        found = predict(run)
        if found is None:
            continue
        e, mb, v = found
        predicted, measured = e.tokens_per_s / run["gpus"], _measured_tokens(run)
        assert measured is not None  # (comparable)
        rows.append(
            {
                "source": run["source"],
                "name": run["name"],
                "split": run["split"],
                "hardware": run["hardware"],
                "gpus": run["gpus"],
                "layout": f"t{run['tp']} p{run['pp']} d{run['dp']} z{run['zero']}"
                + (f" c{run['cp']}" if run["cp"] > 1 else ""),
                "micro_batch_size": mb,
                "virtual_stages": v,
                "quantity": "tokens/s per GPU",
                "predicted": predicted,
                "measured": measured,
                "error": predicted / measured - 1,
                "bubble": e.bubble_fraction,
                "estimate": e,
            }
        )
    return rows


# What `plan` is for is a choice among layouts. A published choice: runs of one source (one system on one cluster),
# on the same hardware and number of GPUs, of the same model and sequence length, in at least two layouts.
CHOICE_KEYS = ("source", "hardware", "gpus", "seq_len")
LAYOUT_KEYS = ("tp", "pp", "dp", "cp", "zero", "recompute", "sequence_parallel", "schedule", "cp_mode")
CHOICE_MARGIN = 0.05  # two layouts whose measured throughputs differ by less than this are a tie


def layout_choices(rows: list[dict], runs: list[dict] | None = None) -> list[list[dict]]:
    """The published choices among `rows` (`published_comparison`'s): each a list of its distinct layouts, one
    dict per layout with the mean "measured" and "predicted" tokens/s per GPU of its rows (rows of one layout
    differ only in what the model cannot see: a release, a kernel, a run's noise). A layout is its parallel sizes,
    ZeRO stage, recomputation, schedule, micro-batch size, virtual stages and hybrid-sharding group. `runs`: the
    published runs the rows come from (RUNS)."""
    by_name = {(run["source"], run["name"]): run for run in (RUNS if runs is None else runs)}
    choices: dict[tuple, dict[tuple, list[dict]]] = {}
    for row in rows:
        run = by_name[row["source"], row["name"]]
        shard = (run.get("software") or {}).get("shard_group")
        key = tuple(run[k] for k in CHOICE_KEYS) + (repr(sorted(run["model"].items())),)
        layout = tuple(run[k] for k in LAYOUT_KEYS) + (row["micro_batch_size"], row["virtual_stages"], shard)
        choices.setdefault(key, {}).setdefault(layout, []).append(row)
    out = []
    for layouts in choices.values():
        if len(layouts) < 2:
            continue
        merged = []
        for same in layouts.values():
            merged.append(
                {
                    "names": [r["name"] for r in same],
                    "measured": sum(r["measured"] for r in same) / len(same),
                    "predicted": sum(r["predicted"] for r in same) / len(same),
                }
            )
        out.append(merged)
    return out


def choice_summary(rows: list[dict], runs: list[dict] | None = None) -> dict:
    """How well the model chose among the published layouts of `rows`: "choices" (how many), "first_within"
    (those whose layout predicted fastest measured within CHOICE_MARGIN of the fastest measured), "mean_loss" and
    "max_loss" (how much slower than the fastest the predicted-fastest layout measured), "pairs" (two layouts of a
    choice that measured more than CHOICE_MARGIN apart) and "pairs_ordered" (those the model orders as measured);
    and, for scale, what a layout drawn at random would give: "chance_within" (the expected number of choices it
    gets within the margin) and "chance_loss" (its mean loss)."""
    losses, pairs, ordered, chance_within, chance_loss = [], 0, 0, 0.0, 0.0
    for layouts in layout_choices(rows, runs):
        fastest = max(lay["measured"] for lay in layouts)
        pick = max(layouts, key=lambda lay: lay["predicted"])
        losses.append(1 - pick["measured"] / fastest)
        each = [1 - lay["measured"] / fastest for lay in layouts]
        chance_within += sum(loss <= CHOICE_MARGIN for loss in each) / len(each)
        chance_loss += sum(each) / len(each)
        for a, b in itertools.combinations(layouts, 2):
            if abs(a["measured"] / b["measured"] - 1) > CHOICE_MARGIN:
                pairs += 1
                ordered += (a["measured"] > b["measured"]) == (a["predicted"] > b["predicted"])
    return {
        "choices": len(losses),
        "first_within": sum(loss <= CHOICE_MARGIN for loss in losses),
        "mean_loss": sum(losses) / len(losses) if losses else 0.0,
        "max_loss": max(losses, default=0.0),
        "pairs": pairs,
        "pairs_ordered": ordered,
        "chance_within": chance_within,
        "chance_loss": chance_loss / len(losses) if losses else 0.0,
    }

"""Published throughput of large GPT/Llama training runs on A100 and H100 clusters, for checking the cost model.

Each entry of `RUNS` is one measured row of a published table: the model's shape, the layout (dp×tp×pp, plus
context parallelism where used), the batch, the schedule and memory options, and what the source measured. The
rows were checked against text copies of the sources (see "Verification" below); fields a source does not state
are None, or carry the most likely value together with an explanation in the row's "note".

What "measured" means differs between sources, and a comparison with the cost model has to follow it:

narayanan2021 (Megatron-LM, SC21, Table 1, A100)
    teraFLOP/s per GPU and "% of theoretical peak" (312 TFLOP/s dense 16-bit) are *hardware-style* numbers: the
    FLOP count per iteration is 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)), which counts the matmuls of the forward
    pass, the backward pass and one extra forward pass for full activation recomputation (the 96 instead of 72),
    plus the logit layer. Attention's two s×s matmuls are included (the s/(6h) term, counted without a causal
    discount); softmax, layer norm and other elementwise work are not. Times are end to end (data loading,
    optimizer step and logging included). To compare with model FLOPs, multiply by
    72·(1 + s/(6h) + V/(12·l·h)) / (96·(1 + s/(6h) + V/(16·l·h))), about 0.75. The paper says the interleaved
    pipeline schedule with the scatter/gather optimization was used for these runs but gives neither the number of
    virtual stages nor the micro-batch size per row. Stored: "mfu" = the reported fraction of peak (so it is a
    hardware-FLOPs utilization), "flops_counted" = "hardware".

korthikanti2022 (sequence parallelism + selective recomputation, MLSys 2023, Tables 3 and 5, A100)
    MFU counts model FLOPs, 72·B·s·l·h²·(1 + s/(6h) + V/(12·l·h)), i.e. forward + backward with no recomputation;
    HFU adds the recomputed attention-score matmuls (s/(6h) becomes s/(3h)). Both against a 312 TFLOP/s peak.
    Attention's s×s matmuls are counted without a causal discount. Table 5's runs have data-parallel size 1
    (one model replica); the abstract adds a 530B run with 8-way data parallelism on 2240 GPUs. Stored: "mfu" =
    MFU, "flops_counted" = "model"; the HFU is in the note; "tokens_per_s_per_gpu" is derived here from the
    reported iteration time as B·s / (time·GPUs). Recomputing MFU from the stored batch, shape and the reported
    iteration time reproduces the paper's MFU and HFU within 0.2 points, which confirms batch, GPU count and time.

llama3_2024 (The Llama 3 Herd of Models, Table 4, H100 SXM 80GB at 700 W)
    "BF16 MFU" after Chowdhery et al. (PaLM): model FLOPs (no recomputation) against the 989 TFLOP/s dense BF16
    peak; TFLOPs/GPU is the same quantity in absolute terms. The paper does not spell out its attention FLOP
    convention (causal or not, document masking). Data parallelism is FSDP (parameters, gradients and optimizer
    state sharded; parameters not re-sharded after the forward pass). The 8K-context stages ran without activation
    checkpointing. The third row uses 16-way context parallelism (128K context) — outside what our cost model
    handles.

megatron_bridge (NVIDIA NeMo / Megatron-Bridge performance summary, DGX-H100)
    "Model TFLOP/sec/GPU" and "Tokens/sec/GPU" from NVIDIA's benchmark recipes. All dense-model rows that NVIDIA
    publishes for DGX-H100 are FP8 (per-tensor current scaling, Transformer Engine): matmuls run in FP8 while the
    model FLOPs are counted as usual, so TFLOP/s can exceed the 989 TFLOP/s BF16 peak. `dtype` below says "bf16"
    only because the schema has no FP8 value — every such row says "FP8" at the start of its note; our cost model
    does not model FP8. Recompute and sequence-parallel settings are not shown in the table.

Verification (what was read, and how)
    * narayanan2021 Table 1: three independent text transcriptions of the table in public GitHub repositories (a
      CSV in SotaroKaneda/MLCarbon data/megatron_table.csv, and two markdown transcriptions in paper-notes files)
      agree on every cell; the Megatron-LM README text of that period gives the vocabulary (51,200), sequence
      length (2048), up to 3072 A100s and end-to-end timing; a paper summary gives Eq. (3) (96·B·s·l·h²…, with
      recomputation) and the interleaved schedule. The PDF itself was not readable here. The parameter counts
      recomputed from Eq. (2) match the names in the table. Micro-batch sizes and virtual-stage counts: not found.
    * korthikanti2022: Table 5 (iteration times, MFU, HFU) from two independent transcriptions plus the
      Megatron-LM README's MFU/HFU table (same NVIDIA authors, not independent); Table 3 (heads, hidden, layers,
      TP, PP, GPUs) from two transcriptions; global and micro batch from one transcription, with the global batch
      confirmed by the MFU arithmetic above. The interleaved schedule with 3 virtual stages for 175B and 530B is
      from one third-party transcription only (unverified); dtype is not stated in what was read.
    * llama3_2024 Table 4: five transcriptions (arXiv HTML, PDF extractions, notes). The CP row's DP is printed
      as 4 in arXiv v1 and in the HTML rendering, and as 8 in a transcription citing v3; 8 is the value consistent
      with 16,384 GPUs = 8·16·16·DP and with 16M tokens per batch, so 8 is stored.
    * megatron_bridge: read directly from NVIDIA-NeMo/Megatron-Bridge docs/performance-summary-archive.md
      (25.11 and 26.02 NeMo containers); the parallel layouts match the H100 presets in
      scripts/performance/configs/llama/*_workload_base_configs.py of the same repository.

Not included: the 2024 Megatron-LM README weak-scaling table on H100 (2B–462B, vocabulary 131,072, sequence 4096,
up to 6144 H100s, MFU 41%→48%) and its 175B strong-scaling runs (96→4608 H100s, batch 1152, MFU 47%→42%) are
published as images, so their per-row layouts could not be read; MegaScale and torchtitan were not verified.
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "narayanan2021": (
        "Deepak Narayanan, Mohammad Shoeybi, Jared Casper, Patrick LeGresley, Mostofa Patwary, Vijay Korthikanti, "
        "Dmitri Vainbrand, Prethvi Kashinkunti, Julie Bernauer, Bryan Catanzaro, Amar Phanishayee, Matei Zaharia. "
        '"Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM." SC \'21 (International '
        "Conference for High Performance Computing, Networking, Storage and Analysis), 2021. arXiv:2104.04473. "
        "Table 1 (weak scaling, GPT 1.7B–1T on up to 3072 A100 80GB, Selene)."
    ),
    "korthikanti2022": (
        "Vijay Korthikanti, Jared Casper, Sangkug Lym, Lawrence McAfee, Michael Andersch, Mohammad Shoeybi, "
        'Bryan Catanzaro. "Reducing Activation Recomputation in Large Transformer Models." Proceedings of Machine '
        "Learning and Systems 5 (MLSys 2023); arXiv:2205.05198 (2022). Table 3 (model configurations) and Table 5 "
        "(end-to-end iteration time, MFU, HFU); abstract (530B on 2240 A100s). Same MFU/HFU figures in the "
        "NVIDIA/Megatron-LM README (2022–2023 versions)."
    ),
    "llama3_2024": (
        'Llama Team, AI @ Meta (Abhimanyu Dubey, Aaron Grattafiori, et al.). "The Llama 3 Herd of Models." '
        "arXiv:2407.21783, 2024 (v1 31 Jul 2024; v3 23 Nov 2024). Section 3.3.2 and Table 4 (scaling "
        "configurations and MFU for each stage of Llama 3 405B pre-training, H100 80GB)."
    ),
    "megatron_bridge": (
        'NVIDIA NeMo Framework, Megatron-Bridge. "Performance" summary archive, Pre-Training Performance, '
        "System DGX-H100, NeMo containers 25.11 and 26.02. "
        "https://github.com/NVIDIA-NeMo/Megatron-Bridge/blob/main/docs/performance-summary-archive.md "
        "(also https://docs.nvidia.com/nemo/megatron-bridge/latest/performance-summary-archive.html); recipes in "
        "scripts/performance/configs/llama/."
    ),
}


def _gpt(d_model: int, n_layers: int, n_heads: int, vocab_size: int = 51200) -> dict:
    """Megatron GPT: LayerNorm, GeLU MLP with d_ff = 4h, multi-head attention, learned position embeddings
    (s·h parameters, not in the FLOP count), input and output embeddings tied."""
    return {
        "arch": "gpt2",
        "vocab_size": vocab_size,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "n_kv_heads": n_heads,
        "d_ff": 4 * d_model,
        "tie_embeddings": True,
    }


def _llama(d_model: int, n_layers: int, n_heads: int, n_kv_heads: int, d_ff: int) -> dict:
    """Llama 3: RMSNorm, SwiGLU MLP (three d_model×d_ff matrices), GQA, RoPE, untied embeddings. The vocabulary is
    128,256 in the released checkpoints (the paper rounds it to 128K / 128,000)."""
    return {
        "arch": "llama",
        "vocab_size": 128256,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "n_kv_heads": n_kv_heads,
        "d_ff": d_ff,
        "tie_embeddings": False,
    }


def _run(
    source,
    name,
    hardware,
    gpus,
    model,
    seq_len,
    global_batch_size,
    micro_batch_size,
    tp,
    pp,
    dp,
    cp,
    virtual_stages,
    schedule,
    sequence_parallel,
    recompute,
    zero,
    dtype,
    measured,
    note,
) -> dict:
    assert gpus == tp * pp * dp * cp, (name, gpus, tp, pp, dp, cp)
    return {
        "source": source,
        "name": name,
        "hardware": hardware,
        "gpus": gpus,
        "model": model,
        "seq_len": seq_len,
        "global_batch_size": global_batch_size,
        "micro_batch_size": micro_batch_size,
        "tp": tp,
        "pp": pp,
        "dp": dp,
        "cp": cp,
        "virtual_stages": virtual_stages,
        "schedule": schedule,
        "sequence_parallel": sequence_parallel,
        "recompute": recompute,
        "zero": zero,
        "dtype": dtype,
        "measured": measured,
        "note": note,
    }


# ---- Narayanan et al. 2021, Table 1 --------------------------------------------------------------------------

_NARAYANAN_NOTE = (
    "A100 80GB (Selene, 8 GPUs/node, 8x200 Gb/s InfiniBand HDR per node). Throughput counts hardware FLOPs with "
    "full activation recomputation (96·B·s·l·h²(1 + s/6h + V/16lh)); model FLOPs are about 0.75x. Micro-batch size "
    "not given in Table 1. 16-bit mixed precision; fp16 vs bf16 not stated in what was read."
)

# (name, heads, hidden, layers, tp, pp, gpus, batch, TFLOP/s per GPU, fraction of peak)
_NARAYANAN_TABLE1 = [
    ("GPT 1.7B", 24, 2304, 24, 1, 1, 32, 512, 137.0, 0.44),
    ("GPT 3.6B", 32, 3072, 30, 2, 1, 64, 512, 138.0, 0.44),
    ("GPT 7.5B", 32, 4096, 36, 4, 1, 128, 512, 142.0, 0.46),
    ("GPT 18.4B", 48, 6144, 40, 8, 1, 256, 1024, 135.0, 0.43),
    ("GPT 39.1B", 64, 8192, 48, 8, 2, 512, 1536, 138.0, 0.44),
    ("GPT 76.1B", 80, 10240, 60, 8, 4, 1024, 1792, 140.0, 0.45),
    ("GPT 145.6B", 96, 12288, 80, 8, 8, 1536, 2304, 148.0, 0.47),
    ("GPT 310.1B", 128, 16384, 96, 8, 16, 1920, 2160, 155.0, 0.50),
    ("GPT 529.6B", 128, 20480, 105, 8, 35, 2520, 2520, 163.0, 0.52),
    ("GPT 1008.0B", 160, 25600, 128, 8, 64, 3072, 3072, 163.0, 0.52),
]

RUNS: list[dict] = []

for _name, _heads, _h, _l, _tp, _pp, _n, _b, _tflops, _frac in _NARAYANAN_TABLE1:
    _interleaved = _pp > 1
    RUNS.append(
        _run(
            "narayanan2021",
            _name,
            "a100-80gb",
            _n,
            _gpt(_h, _l, _heads),
            2048,
            _b,
            None,
            _tp,
            _pp,
            _n // (_tp * _pp),
            1,
            None if _interleaved else 1,
            "interleaved" if _interleaved else "1f1b",
            False,
            "full",
            0,
            "fp16",
            {"tflops_per_gpu": _tflops, "mfu": _frac, "tokens_per_s_per_gpu": None, "flops_counted": "hardware"},
            _NARAYANAN_NOTE
            + (
                " Interleaved schedule with scatter/gather (paper, Sec. 5.1); number of virtual stages not stated."
                if _interleaved
                else " No pipeline parallelism."
            ),
        )
    )

# ---- Korthikanti et al. 2022, Tables 3 and 5 ------------------------------------------------------------------

_KORTHIKANTI_NOTE = (
    "A100 80GB. Sequence parallelism + selective activation recomputation (attention scores recomputed). "
    "Benchmark with data-parallel size 1. tokens_per_s_per_gpu derived from Table 5 iteration time. "
    "16-bit mixed precision; bf16 vs fp16 not stated in what was read."
)

# (name, heads, hidden, layers, tp, pp, gpus, global batch, micro batch, virtual stages, schedule,
#  iteration time s (selective+SP), iteration time s (full recompute), MFU, HFU)
_KORTHIKANTI_TABLE = [
    ("GPT 22B", 64, 6144, 48, 8, 1, 8, 4, 4, 1, "1f1b", 1.10, 1.42, 0.415, 0.437),
    ("GPT-3 175B", 96, 12288, 96, 8, 8, 64, 64, 1, 3, "interleaved", 13.75, 18.13, 0.514, 0.528),
    ("MT-NLG 530B", 128, 20480, 105, 8, 35, 280, 280, 1, 3, "interleaved", 37.83, 49.05, 0.560, 0.570),
    ("GPT 1T", 160, 25600, 128, 8, 64, 512, 512, 1, None, "1f1b", 71.49, 94.42, 0.563, 0.570),
]

for _name, _heads, _h, _l, _tp, _pp, _n, _b, _mb, _v, _sched, _t, _t_full, _mfu, _hfu in _KORTHIKANTI_TABLE:
    _extra = f" HFU {_hfu:.3f}; same run with full recomputation and no sequence parallelism: {_t_full} s/iteration."
    if _v == 3:
        _extra += (
            " Interleaved schedule with 3 virtual stages per one third-party transcription of Table 3;"
            " not verified against the paper."
        )
    elif _v is None:
        _extra += " Pipeline schedule (interleaved or not) not stated in what was read."
    _extra += " Micro-batch size from a single transcription."
    RUNS.append(
        _run(
            "korthikanti2022",
            _name,
            "a100-80gb",
            _n,
            _gpt(_h, _l, _heads),
            2048,
            _b,
            _mb,
            _tp,
            _pp,
            1,
            1,
            _v,
            _sched,
            True,
            "selective",
            0,
            "bf16",
            {
                "tflops_per_gpu": None,
                "mfu": _mfu,
                "tokens_per_s_per_gpu": round(_b * 2048 / (_t * _n), 1),
                "flops_counted": "model",
            },
            _KORTHIKANTI_NOTE + _extra,
        )
    )

RUNS.append(
    _run(
        "korthikanti2022",
        "MT-NLG 530B (DP=8)",
        "a100-80gb",
        2240,
        _gpt(20480, 105, 128),
        2048,
        None,
        None,
        8,
        35,
        8,
        1,
        None,
        "1f1b",
        True,
        "selective",
        0,
        "bf16",
        {"tflops_per_gpu": None, "mfu": 0.542, "tokens_per_s_per_gpu": None, "flops_counted": "model"},
        "A100 80GB. From the abstract: 530B on 2240 A100s reaches MFU 54.2% with sequence parallelism + selective "
        "recomputation, versus 42.1% with full recomputation. TP 8 x PP 35 x DP 8 is inferred from the Table 3 "
        "configuration and 2240 GPUs (one transcription states 8-way data parallelism); global batch, micro-batch and "
        "schedule not stated in what was read.",
    )
)

# ---- Llama 3 405B, Table 4 --------------------------------------------------------------------------------------

_LLAMA3_405B = _llama(16384, 126, 128, 8, 53248)
_LLAMA3_NOTE = (
    "H100 SXM 80GB (700 W), Meta RoCE cluster (400 Gb/s per GPU). BF16. MFU = model FLOPs / 989 TFLOP/s (PaLM "
    "definition); attention FLOP convention not stated. Data parallelism is FSDP (optimizer state, gradients and "
    "parameters sharded; parameters not re-sharded after forward), recorded as zero=1. Pipeline uses an interleaved "
    "schedule with V stages per rank (V not stated) and one layer fewer on the first and last stages. Micro-batch "
    "size not stated; 'Batch size/DP' is sequences per data-parallel group. Sequence parallelism not stated."
)

RUNS.append(
    _run(
        "llama3_2024",
        "Llama 3 405B (8K GPUs)",
        "h100-sxm",
        8192,
        _LLAMA3_405B,
        8192,
        64 * 32,
        None,
        8,
        16,
        64,
        1,
        None,
        "interleaved",
        False,
        "none",
        1,
        "bf16",
        {"tflops_per_gpu": 430.0, "mfu": 0.43, "tokens_per_s_per_gpu": None, "flops_counted": "model"},
        _LLAMA3_NOTE + " 8K-context stage, trained without activation checkpointing.",
    )
)
RUNS.append(
    _run(
        "llama3_2024",
        "Llama 3 405B (16K GPUs)",
        "h100-sxm",
        16384,
        _LLAMA3_405B,
        8192,
        128 * 16,
        None,
        8,
        16,
        128,
        1,
        None,
        "interleaved",
        False,
        "none",
        1,
        "bf16",
        {"tflops_per_gpu": 400.0, "mfu": 0.41, "tokens_per_s_per_gpu": None, "flops_counted": "model"},
        _LLAMA3_NOTE + " 8K-context stage, trained without activation checkpointing; the paper attributes the drop "
        "from 43% to the smaller batch per DP group.",
    )
)
RUNS.append(
    _run(
        "llama3_2024",
        "Llama 3 405B (16K GPUs, 128K context)",
        "h100-sxm",
        16384,
        _LLAMA3_405B,
        131072,
        8 * 16,
        None,
        8,
        16,
        8,
        16,
        None,
        "interleaved",
        False,
        "none",
        1,
        "bf16",
        {"tflops_per_gpu": 380.0, "mfu": 0.38, "tokens_per_s_per_gpu": None, "flops_counted": "model"},
        _LLAMA3_NOTE + " CONTEXT PARALLELISM 16 (all-gather of K/V, sequence split in 2·CP chunks), which our cost "
        "model does not handle. DP printed as 4 in arXiv v1/HTML, 8 in v3; 8 is consistent with the GPU count and "
        "16M tokens per batch. Recompute setting for this stage not stated (stored 'none').",
    )
)

# ---- NVIDIA Megatron-Bridge, DGX-H100 (FP8) ---------------------------------------------------------------------

_LLAMA3_70B = _llama(8192, 80, 64, 8, 28672)
_MB_NOTE = (
    "FP8 (per-tensor current scaling via Transformer Engine) — not BF16; our cost model does not model FP8. "
    "DGX-H100 (H100 SXM 80GB, 8/node). Model TFLOP/s as NVIDIA reports it (their model-FLOPs count; the exact "
    "convention is not shown with the table); no MFU given. Whether the distributed optimizer was used is not "
    "shown (stored zero=0). Sequence parallelism and recompute settings are not shown either (stored True and "
    "'none', unverified)."
)

RUNS.append(
    _run(
        "megatron_bridge",
        "Llama 3 70B (NeMo 25.11)",
        "h100-sxm",
        64,
        _LLAMA3_70B,
        8192,
        128,
        1,
        4,
        8,
        2,
        1,
        5,
        "interleaved",
        True,
        "none",
        0,
        "bf16",
        {"tflops_per_gpu": 719.0, "mfu": None, "tokens_per_s_per_gpu": 1602.0, "flops_counted": "model"},
        _MB_NOTE + " Gradient accumulation 64.",
    )
)
RUNS.append(
    _run(
        "megatron_bridge",
        "Llama 3 70B (NeMo 26.02)",
        "h100-sxm",
        64,
        _LLAMA3_70B,
        8192,
        256,
        1,
        4,
        8,
        2,
        1,
        5,
        "interleaved",
        True,
        "none",
        0,
        "bf16",
        {"tflops_per_gpu": 728.0, "mfu": None, "tokens_per_s_per_gpu": 1621.0, "flops_counted": "model"},
        _MB_NOTE + " Gradient accumulation 128.",
    )
)
RUNS.append(
    _run(
        "megatron_bridge",
        "Llama 3.1 405B (NeMo 25.11)",
        "h100-sxm",
        1024,
        _LLAMA3_405B,
        8192,
        512,
        1,
        8,
        8,
        8,
        2,
        8,
        "interleaved",
        True,
        "none",
        0,
        "bf16",
        {"tflops_per_gpu": 737.0, "mfu": None, "tokens_per_s_per_gpu": 292.0, "flops_counted": "model"},
        _MB_NOTE + " CONTEXT PARALLELISM 2, which our cost model does not handle. Gradient accumulation 64.",
    )
)
RUNS.append(
    _run(
        "megatron_bridge",
        "Llama 3.1 405B (NeMo 26.02)",
        "h100-sxm",
        1024,
        _LLAMA3_405B,
        8192,
        1536,
        1,
        8,
        8,
        8,
        2,
        8,
        "interleaved",
        True,
        "none",
        0,
        "bf16",
        {"tflops_per_gpu": 784.0, "mfu": None, "tokens_per_s_per_gpu": 311.0, "flops_counted": "model"},
        _MB_NOTE + " CONTEXT PARALLELISM 2, which our cost model does not handle. Gradient accumulation 192.",
    )
)

del _name, _heads, _h, _l, _tp, _pp, _n, _b, _tflops, _frac, _interleaved
del _mb, _v, _sched, _t, _t_full, _mfu, _hfu, _extra

"""From `llmpar plan` / `llmpar simulate` flags to a request the cost model answers; every mistake a UserError."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace

from llmpar.config import MAX_MICRO_BATCHES, MICRO_BATCHES_WHY, RECOMPUTE, SCHEDULES, micro_batches_of_size
from llmpar.errors import UserError
from llmpar.layout import CP_MODES
from llmpar.model.config import ModelConfig, load_model_config, preset
from llmpar.plan.cost import BYTES, Batch, Layout, estimate
from llmpar.plan.cost.context import MODES as PRICED_CP_MODES
from llmpar.plan.cost.values import FP8_CASTS, LLMPAR, LOSSES, SOFTWARE, SWITCHES, Software, selective_policy
from llmpar.plan.hardware import ATTENTION_KERNELS, Hardware, hardware
from llmpar.plan.planner import Fixed, _shape_reason, check_request


@dataclass
class Request:
    model: ModelConfig
    name: str
    model_flags: list[str]  # how `llmpar train` names the same model: --model PRESET or --model-config FILE
    hardware: Hardware
    gpus: int
    batch: Batch
    fixed: Fixed
    software: Software = LLMPAR


def plan_request(args: argparse.Namespace, need_gpus: bool = True) -> Request:
    if args.model and args.model_config:
        raise UserError("give either --model PRESET or --model-config FILE, not both")
    cfg = load_model_config(args.model_config) if args.model_config else preset(args.model or "small")
    name = args.model or args.model_config or "small"
    if args.hardware and args.hardware_config:
        raise UserError("give either --hardware NAME or --hardware-config FILE, not both")
    hw = hardware(args.hardware or ("h100-sxm" if not args.hardware_config else None), args.hardware_config)
    dtype = args.dtype or ("fp32" if hw.cores else "bf16")
    if dtype not in BYTES:
        raise UserError(f"--dtype {dtype!r}: choose bf16, fp32 or fp64")
    if dtype not in hw.dtypes:
        raise UserError(
            f"--dtype {dtype}: the hardware profile {hw.name!r} gives no {dtype} rate; choose one of "
            f"{', '.join(hw.dtypes)}"
        )
    if args.schedule is not None and args.schedule not in SCHEDULES:
        raise UserError(f"--schedule {args.schedule!r}: choose one of {', '.join(SCHEDULES)}")
    if args.recompute is not None and args.recompute not in RECOMPUTE:
        raise UserError(f"--recompute {args.recompute!r}: choose one of {', '.join(RECOMPUTE)}")
    if args.zero is not None and args.zero not in (0, 1, 2, 3):
        raise UserError(f"--zero {args.zero}: choose 0, 1, 2 or 3")
    cp, cp_mode = getattr(args, "cp", None), getattr(args, "cp_mode", None)
    if cp_mode is not None and cp_mode not in PRICED_CP_MODES:
        raise UserError(
            f"--cp-mode {cp_mode!r}: choose one of {', '.join(PRICED_CP_MODES)} (all-gather is priced only: llmpar "
            f"train runs {' and '.join(CP_MODES)})"
        )
    for flag, value in (
        ("--virtual-stages", args.virtual_stages),
        ("--micro-batches", args.micro_batches),
        ("--micro-batch-size", args.micro_batch_size),
        ("--dp", args.dp),
        ("--tp", args.tp),
        ("--pp", args.pp),
        ("--cp", cp),
        ("--gpus", args.gpus),
        ("--global-batch-size", args.global_batch_size),
        ("--seq-len", args.seq_len),
        ("--top", getattr(args, "top", None)),
    ):
        if value is not None and value < 1:
            raise UserError(f"{flag} {value}: must be 1 or more")
    if args.micro_batches is not None and args.micro_batches > MAX_MICRO_BATCHES:
        raise UserError(f"--micro-batches {args.micro_batches}: at most {MAX_MICRO_BATCHES} ({MICRO_BATCHES_WHY})")
    gpus = args.gpus
    if gpus is None:
        if need_gpus and None in (args.dp, args.tp, args.pp):
            raise UserError("--gpus N: how many devices to plan for (or give all of --dp, --tp and --pp)")
        gpus = (args.dp or 1) * (args.tp or 1) * (args.pp or 1) * (cp or 1)
    seq_len = args.seq_len or min(cfg.max_seq_len, 256 if hw.cores else cfg.max_seq_len)
    reduce = getattr(args, "reduce_dtype", None)
    if reduce is not None and (dtype != "bf16" or reduce not in ("bf16", "fp32")):
        raise UserError(
            f"--reduce-dtype {reduce}: with --dtype bf16 choose bf16 or fp32"
            if dtype == "bf16"
            else f"--reduce-dtype {reduce}: an {dtype} run reduces its gradients in {dtype}; leave --reduce-dtype out"
        )
    batch = Batch(args.global_batch_size, seq_len, dtype, reduce_dtype=reduce)
    fixed = Fixed(
        dp=args.dp,
        tp=args.tp,
        pp=args.pp,
        zero=args.zero,
        schedule=args.schedule,
        virtual_stages=args.virtual_stages,
        micro_batches=args.micro_batches,
        micro_batch_size=args.micro_batch_size,
        sequence_parallel=args.sequence_parallel,
        recompute=args.recompute,
        cp=cp,
        cp_mode=cp_mode,
    )
    model_flags = ["--model-config", args.model_config] if args.model_config else ["--model", args.model or "small"]
    software = software_of_args(args)
    if software.fp8 and "fp8" not in hw.peak_flops:
        raise UserError(
            f"--fp8 {software.fp8}: the hardware profile {hw.name!r} gives no FP8 rate (it has no FP8 tensor cores, "
            "or its profile no peak_flops.fp8); use an H100 or H200 profile, or leave --fp8 out"
        )
    if software.fp8 and dtype != "bf16":
        raise UserError(f"--fp8 {software.fp8}: FP8 matmuls run in a bf16 (mixed-precision) step; give --dtype bf16")
    group = software.shard_group
    if group and args.dp is not None and (args.dp * (cp or 1)) % group:
        raise UserError(
            f"--shard-group {group}: it must divide the {args.dp * (cp or 1)} ranks that hold each stage "
            f"(--dp {args.dp}" + (f" × --cp {cp}" if cp else "") + "); give a divisor, or leave --shard-group out"
        )
    return Request(cfg, name, model_flags, hw, gpus, batch, fixed, software)


def software_of_args(args: argparse.Namespace) -> Software:
    """--software NAME (a recipe), with --attention, --attention-kernel, the on/off switches (`SWITCHES`),
    --shard-group, --selective-recompute, --loss and --fp8 over its knobs."""
    name = getattr(args, "software", None) or "llmpar"
    if name not in SOFTWARE:
        raise UserError(
            f"--software {name!r}: choose one of {', '.join(SOFTWARE)} (docs/cost-model.md says what each is)"
        )
    knobs: dict = {}
    attention = getattr(args, "attention", None)
    if attention is not None:
        if attention not in ("fused", "materialized"):
            raise UserError(f"--attention {attention!r}: choose fused (flash) or materialized (the s × s matrix kept)")
        knobs["flash_attention"] = attention == "fused"
    kernel = getattr(args, "attention_kernel", None)
    if kernel is not None:
        if kernel not in ATTENTION_KERNELS:
            raise UserError(
                f"--attention-kernel {kernel!r}: choose one of {', '.join(ATTENTION_KERNELS)} (flash2: "
                "FlashAttention-2, as torch before 2.11 runs scaled_dot_product_attention on Hopper; cudnn: as "
                "Transformer Engine and torch 2.11 or later run it)"
            )
        knobs["attention_kernel"] = kernel
    for knob, _ in SWITCHES:
        if getattr(args, knob, None) is not None:
            knobs[knob] = getattr(args, knob)
    group = getattr(args, "shard_group", None)
    if group is not None:
        if group < 1:
            raise UserError(
                f"--shard-group {group}: a number of data-parallel ranks, at least 1 (the GPUs of a node: 8 on a DGX)"
            )
        knobs["shard_group"] = group
    selective = getattr(args, "selective_recompute", None)
    if selective is not None:
        try:
            selective_policy(selective)
        except ValueError:
            raise UserError(
                f"--selective-recompute {selective!r}: choose attention (the attention core), op (torchtitan's "
                "per-operation policy) or every-K (every K-th block whole, K a whole number: every-2)"
            ) from None
        knobs["selective"] = selective
    loss = getattr(args, "loss", None)
    if loss is not None:
        if loss not in LOSSES:
            raise UserError(
                f"--loss {loss!r}: choose one of {', '.join(LOSSES)} (docs/cost-model.md says what each is)"
            )
        knobs["loss"] = loss
    fp8 = getattr(args, "fp8", None)
    if fp8 is not None:
        if fp8 != "none" and fp8 not in FP8_CASTS:
            raise UserError(
                f"--fp8 {fp8!r}: choose a scaling recipe, {', '.join(FP8_CASTS)}, or none (16-bit matmuls); "
                "docs/cost-model.md says what each costs"
            )
        knobs["fp8"] = "" if fp8 == "none" else fp8
    if getattr(args, "fp8_param_gather", None) and not knobs.get("fp8", SOFTWARE[name].fp8):
        raise UserError("--fp8-param-gather: the parameters gather in FP8 only with FP8 matmuls; give --fp8 RECIPE too")
    return replace(SOFTWARE[name], **knobs)


def simulate(args: argparse.Namespace) -> int:
    """Predict one layout, print it, and draw its simulated timeline."""
    req = plan_request(args, need_gpus=False)
    from llmpar.paths import check_writable_file

    check_writable_file(args.output, "-o")
    f, gpus = req.fixed, req.gpus
    tp, pp, cp = f.tp or 1, f.pp or 1, f.cp or 1
    cp_words = f" × --cp {cp}" if cp > 1 else ""
    if gpus % (tp * pp * cp):
        raise UserError(f"--gpus {gpus} does not divide by --tp {tp} × --pp {pp}{cp_words}")
    dp = f.dp or gpus // (tp * pp * cp)
    if dp * tp * pp * cp != gpus:
        raise UserError(f"--dp {dp} × --tp {tp} × --pp {pp}{cp_words} is not --gpus {gpus}")
    check_request(req.model, gpus, req.batch, Fixed(dp=dp, tp=tp, pp=pp, cp=cp, cp_mode=f.cp_mode))
    schedule = f.schedule or "1f1b"
    micro_batches = f.micro_batches or 1
    if f.micro_batch_size is not None:
        dp_name = f"--dp {dp}" if f.dp is not None else f"dp {dp}, --gpus {gpus} / (tp · pp{' · cp' if cp > 1 else ''})"
        micro_batches = micro_batches_of_size(
            req.batch.global_batch_size, dp, f.micro_batch_size, f.micro_batches, dp_name
        )
    layout = Layout(
        dp=dp,
        tp=tp,
        pp=pp,
        zero=f.zero or 0,
        schedule=schedule,
        virtual_stages=(f.virtual_stages or 2) if schedule == "interleaved" else 1,
        micro_batches=micro_batches,
        sequence_parallel=bool(f.sequence_parallel),
        recompute=f.recompute or "none",
        cp=cp,
        cp_mode=f.cp_mode or "ring",
    )
    if req.batch.global_batch_size % (dp * layout.micro_batches):
        raise UserError(
            f"--global-batch-size {req.batch.global_batch_size} is not divisible by dp × micro-batches "
            f"= {dp * layout.micro_batches}"
        )
    why = _shape_reason(req.model, layout, req.batch)
    if why:
        raise UserError(why)
    e = estimate(req.model, layout, req.batch, req.hardware, keep_timeline=True, software=req.software)
    from llmpar.plan.report import command

    run = command(layout, req.model_flags, req.batch, req.hardware)
    print(f"llmpar simulate: {run} on {gpus} × {req.hardware.name}")
    print(
        f"  step {e.step_time_s:.4f} s, {e.tokens_per_s:,.0f} tokens/s, bubble {e.bubble_fraction:.3f}, memory "
        f"{e.memory_bytes['peak'] / 2**30:.2f} GiB per device at its peak ({'fits' if e.fits else 'does not fit'}), "
        "comm "
        f"dp/tp/pp/cp {e.comm_bytes['dp']:,.0f}/{e.comm_bytes['tp']:,.0f}/{e.comm_bytes['pp']:,.0f}/"
        f"{e.comm_bytes['cp']:,.0f} bytes"
    )
    if cp > 1 and layout.cp_mode == "all-gather":
        print("  (--cp-mode all-gather is priced for the systems that run it; llmpar train runs ring and all-to-all)")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError("drawing needs matplotlib, which llmpar depends on: pip install matplotlib") from None
    from llmpar.pipeline.plot import PREDICTED_SECONDS, draw

    assert e.timeline is not None  # (kept: keep_timeline=True)
    rows = [[(a.kind, a.micro, a.chunk, b, end) for a, b, end in rank] for rank in e.timeline]
    draw(
        rows,
        f"predicted: dp={dp} tp={tp} pp={pp}" + (f" cp={cp} {layout.cp_mode}" if cp > 1 else "") + f" {schedule} "
        f"m={layout.micro_batches} on {req.hardware.name}, "
        f"bubble {e.bubble_fraction:.3f}",
        args.output,
        PREDICTED_SECONDS,
    )
    print(f"llmpar: wrote {args.output}")
    return 0

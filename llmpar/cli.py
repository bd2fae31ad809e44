"""The `llmpar` command: `train`, `generate`, `eval`, `prepare-data`, `convert`, `timeline`, `plan`, `simulate` and
`calibrate`.

User errors print one line, `llmpar <command>: error: ...`, and exit with status 2, before any worker starts.
A failed worker prints its rank and error and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys

from llmpar.errors import UserError


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the flag, with a pointer to --help."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _add_train_flags(p: argparse.ArgumentParser) -> None:
    m = p.add_argument_group("model")
    m.add_argument(
        "--model",
        metavar="PRESET",
        help="tiny | small | tiny-gpt2 | gpt2-124m | llama-1b | llama-7b | llama-13b | llama-70b [small]",
    )
    m.add_argument("--model-config", metavar="FILE", help="JSON with arch, vocab_size, d_model, n_layers, ...")

    # (The layout flags default to None here, and TrainConfig's defaults apply; with --layout auto, None: searched.)
    lay = p.add_argument_group("layout")
    lay.add_argument(
        "--layout",
        dest="layout_mode",
        metavar="auto",
        help="auto: the layout `llmpar plan` names for --nproc processes on this machine's profile (the simplest "
        "within 3%% of the fastest), printed before the workers start; the layout flags given with it are fixed, "
        "the others searched",
    )
    lay.add_argument(
        "--nproc",
        type=int,
        metavar="N",
        help="processes to run, filled by --dp [torchrun's world, one per GPU, or dp·tp·pp with dp 2 on a CPU]",
    )
    lay.add_argument(
        "--dp",
        type=int,
        metavar="N",
        help="data-parallel replicas [fill the launch: --nproc, torchrun's world, one per GPU, or 2 on CPU]",
    )
    lay.add_argument("--tp", type=int, metavar="N", help="tensor-parallel ranks [1]")
    lay.add_argument("--pp", type=int, metavar="N", help="pipeline stages [1]")
    lay.add_argument(
        "--cp", type=int, metavar="N", help="context-parallel ranks: every sequence split over N ranks [1]"
    )
    lay.add_argument(
        "--cp-mode",
        metavar="MODE",
        help="ring (keys and values passed around the cp ranks; any head count) | all-to-all (heads traded for "
        "sequence; heads divisible by --cp) [ring]",
    )
    lay.add_argument("--zero", type=int, metavar="{0,1,2,3}", help="ZeRO stage on the dp × cp ranks [0]")
    lay.add_argument("--schedule", metavar="NAME", help="naive | gpipe | 1f1b | interleaved | zb [1f1b]")
    lay.add_argument("--virtual-stages", type=int, metavar="V", help="chunks per rank, interleaved [2]")
    lay.add_argument(
        "--sequence-parallel",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="shard norm activations on the TP axis [off; with --layout auto: searched unless given]",
    )
    lay.add_argument(
        "--sp-save-gathered",
        action="store_true",
        help="with SP, keep the gathered inputs of column-parallel layers for backward instead of "
        "gathering them again: TP's traffic, more activation memory",
    )
    lay.add_argument("--recompute", metavar="MODE", help="none | selective | full [none]")
    lay.add_argument(
        "--hardware", metavar="NAME", help="with --layout auto: the profile to plan with [cpu, or the GPU's]"
    )
    lay.add_argument("--hardware-config", metavar="FILE", help="with --layout auto: a profile from llmpar calibrate")

    b = p.add_argument_group("batch and optimization")
    b.add_argument("--global-batch-size", type=int, default=16, metavar="B", help="sequences per step [16]")
    b.add_argument("--micro-batches", type=int, metavar="M", help="micro-batches per replica [1]")
    b.add_argument(
        "--micro-batch-size",
        dest="sequences_per_micro_batch",
        type=int,
        metavar="N",
        help="sequences per micro-batch per replica, instead of --micro-batches: M = B / (dp · N)",
    )
    b.add_argument("--seq-len", type=int, metavar="S", help="tokens per sequence [the model's, at most 256]")
    b.add_argument("--steps", type=int, default=300, metavar="K", help="optimizer steps [300]")
    b.add_argument("--lr", type=float, default=2e-3, help="peak learning rate [2e-3]")
    b.add_argument("--warmup", type=int, metavar="W", help="linear warm-up steps [steps/10]")
    b.add_argument("--lr-schedule", default="cosine", metavar="{cosine,constant}", help="after warm-up [cosine]")
    b.add_argument("--weight-decay", type=float, default=0.1, help="AdamW weight decay of matrices [0.1]")
    b.add_argument("--grad-clip", type=float, default=1.0, help="clip the global gradient norm; 0: off [1.0]")
    b.add_argument("--seed", type=int, default=0, help="weights, data order and sampling [0]")
    b.add_argument(
        "--dtype",
        default="fp32",
        metavar="{fp32,bf16,fp64}",
        help="bf16: mixed precision (bf16 weights, gradients and activations; fp32 master weights and moments); "
        "fp64: for exact equivalence checks [fp32]",
    )
    b.add_argument(
        "--reduce-dtype",
        metavar="{bf16,fp32}",
        help="with --dtype bf16: reduce and accumulate gradients in bf16 or fp32 [bf16; otherwise --dtype's]",
    )

    d = p.add_argument_group("data, outputs, device")
    d.add_argument(
        "--data", metavar="PATH", help="text file, folder of text (binary files skipped), or .bin [the embedded corpus]"
    )
    d.add_argument("--tokenizer", metavar="FILE", help="a Hugging Face tokenizer.json [bytes]")
    d.add_argument("--metrics", metavar="FILE", help="JSON lines, one per optimizer step")
    d.add_argument(
        "--summary",
        metavar="FILE",
        help="a JSON object at the end: first and final loss, validation loss and accuracy, time, tokens/s",
    )
    d.add_argument(
        "--tensorboard",
        metavar="DIR",
        help="also write the metrics as TensorBoard scalars in DIR, flushed every step (pip install "
        "'llmpar[tensorboard]'). Each run adds an event file to DIR: a new run replaces the curves DIR showed "
        "(the old files stay), a resumed one continues them from its checkpoint's step. Compare runs in "
        "sibling folders: runs/a, runs/b",
    )
    d.add_argument("--save", metavar="DIR", help="write checkpoints under DIR (every --save-every, and at the end)")
    d.add_argument("--save-every", type=int, metavar="N", help="checkpoint every N steps")
    d.add_argument("--resume", metavar="PATH", help="continue a run from a checkpoint or --save folder, any layout")
    d.add_argument("--init", metavar="PATH", help="start from weights: an llmpar checkpoint or a Hugging Face folder")
    d.add_argument("--device", metavar="{cpu,cuda}", help="[cuda if available]")
    d.add_argument(
        "--eval-sequences",
        type=int,
        default=64,
        metavar="N",
        help="held-out sequences for the final validation loss [64]",
    )
    d.add_argument(
        "--sample-tokens",
        type=int,
        default=160,
        metavar="N",
        help="tokens generated for the closing sample; 0: none [160]",
    )
    d.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long a collective may wait for a peer before the job fails, naming the rank that stopped [600]",
    )
    d.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar or step lines")

    r = p.add_argument_group("reliability")
    r.add_argument(
        "--max-restarts",
        type=int,
        default=0,
        metavar="N",
        help="when a worker dies, restart the workers up to N times; they resume from the latest "
        "complete checkpoint in --save [0]",
    )
    r.add_argument(
        "--save-async",
        action="store_true",
        help="write checkpoints in the background while training goes on (as atomic as a plain save)",
    )
    r.add_argument(
        "--force",
        action="store_true",
        help="run even if the memory pre-flight predicts that the layout does not fit this machine",
    )


def train_flag_parser() -> argparse.ArgumentParser:
    """`llmpar train`'s flags alone (for `llmpar compare`, which writes a command line per layout)."""
    p = argparse.ArgumentParser(add_help=False)
    _add_train_flags(p)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="llmpar", description="Train and run GPT/Llama-style language models in parallel.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    train = sub.add_parser(
        "train",
        help="train a model on one or many processes",
        description="Train a model. Started in a shell it spawns dp·tp·pp local workers; "
        "under torchrun it is one of the workers.",
    )
    _add_train_flags(train)
    gen = sub.add_parser(
        "generate",
        help="complete prompts with a model, on one or many processes",
        description="Complete prompts with the model of SOURCE (an llmpar checkpoint or --save folder, or a Hugging "
        "Face folder), greedy or sampled, in any layout --dp × --tp × --pp: the same tokens as one process.",
    )
    gen.add_argument("source", metavar="SOURCE")
    gen.add_argument("--prompt", action="append", metavar="TEXT", help="a prompt (repeatable; \\n: a newline)")
    gen.add_argument(
        "--prompts", metavar="FILE", help='one prompt per line, or JSONL {"prompt": ...} / {"ids": [...]}; -: stdin'
    )
    gen.add_argument("--max-new-tokens", type=int, default=64, metavar="N", help="tokens to add per prompt [64]")
    gen.add_argument("--temperature", type=float, default=0.0, help="0: greedy [0]")
    gen.add_argument("--top-k", type=int, default=0, metavar="K", help="sample among the K most likely; 0: off [0]")
    gen.add_argument("--top-p", type=float, default=1.0, metavar="P", help="nucleus sampling; 1: off [1]")
    gen.add_argument("--seed", type=int, default=0, help="the sampling's seed (each prompt its own stream) [0]")
    gen.add_argument("--stop", action="append", default=[], metavar="TEXT", help="end a completion at TEXT")
    gen.add_argument(
        "--eos-id", action="append", type=int, metavar="ID", help="end-of-sequence id [a Hugging Face folder's]"
    )
    gen.add_argument("--tokenizer", metavar="FILE", help="a tokenizer.json [the folder's, the run's, or bytes]")
    gen.add_argument("--format", default="text", metavar="{text,jsonl}", help="[text]")
    gen.add_argument("--logprobs", action="store_true", help="each new token's log-probability")
    gen.add_argument("-o", "--output", metavar="FILE", help="write the results here [stdout]")
    gen.add_argument("--stats", action="store_true", help="print the measurements (tokens/s, bubble, traffic)")
    gen.add_argument("--groups", type=int, default=0, metavar="G", help="sequence groups a pipeline cycles [pp]")
    _add_inference_flags(gen)
    ev = sub.add_parser(
        "eval",
        help="loss, perplexity and next-token accuracy of a model",
        description="Score the model of SOURCE on the held-out split of its training data (the training summary's "
        "sequences), or on every window of --data, in any layout: the same numbers as one process.",
    )
    ev.add_argument("source", metavar="SOURCE")
    ev.add_argument("--data", metavar="PATH", help="text file, folder or .bin [the run's held-out split]")
    ev.add_argument("--tokenizer", metavar="FILE", help="a tokenizer.json [the folder's, the run's, or bytes]")
    ev.add_argument("--seq-len", type=int, metavar="S", help="[the run's, or the model's up to 256]")
    ev.add_argument("--eval-sequences", type=int, default=64, metavar="N", help="at most N sequences; 0: all [64]")
    ev.add_argument("--batch-size", type=int, default=8, metavar="B", help="sequences per forward pass [8]")
    ev.add_argument("--json", action="store_true", help="print the result as JSON")
    _add_inference_flags(ev)
    prep = sub.add_parser(
        "prepare-data",
        help="tokenize text into a memory-mappable .bin",
        description="Tokenize a text file or folder into a .bin that --data reads without "
        "tokenizing again. A folder gives its text files, in sorted order; a file "
        "with a NUL byte or invalid UTF-8 in its first 8 KiB is binary and skipped "
        "(and counted), as with --data FOLDER.",
    )
    prep.add_argument("input", help="text file or folder")
    prep.add_argument("output", help="the .bin to write")
    prep.add_argument("--tokenizer", metavar="FILE", help="a Hugging Face tokenizer.json [bytes]")
    cv = sub.add_parser(
        "convert",
        help="reshard an llmpar checkpoint, or convert to/from Hugging Face format",
        description="Convert SRC (an llmpar checkpoint or --save folder, or a Hugging Face folder) "
        "to DST: an llmpar checkpoint cut for the layout --dp × --tp × --pp, or (--to "
        "hf) a Hugging Face folder (config.json + model.safetensors).",
    )
    cv.add_argument("src")
    cv.add_argument("dst")
    cv.add_argument("--to", default="llmpar", metavar="{llmpar,hf}", help="[llmpar]")
    cv.add_argument("--dp", type=int, default=1)
    cv.add_argument("--tp", type=int, default=1)
    cv.add_argument("--pp", type=int, default=1)
    cv.add_argument("--zero", type=int, default=0, help="recorded in the layout (any stage reads any checkpoint)")
    tl = sub.add_parser(
        "timeline",
        help="draw a pipeline timeline: of a run, or of a schedule in theory",
        description="Draw one row per pipeline rank, one box per forward (F), backward (B) and "
        "weight-gradient (W) computation. Give --metrics to draw a run's measured "
        "timeline, or --schedule with --pp and --micro-batches for the ideal one.",
    )
    tl.add_argument("--metrics", metavar="FILE", help="the metrics of a run with --pp 2 or more")
    tl.add_argument("--step", type=int, help="which step of the run [the last]")
    tl.add_argument("--schedule", metavar="NAME", help="naive | gpipe | 1f1b | interleaved | zb")
    tl.add_argument("--pp", type=int, default=4, help="stages, for --schedule [4]")
    tl.add_argument("--micro-batches", type=int, default=8, help="for --schedule [8]")
    tl.add_argument("--virtual-stages", type=int, default=2, help="chunks per rank, interleaved [2]")
    tl.add_argument("-o", "--output", default="timeline.png", help="the PNG to write [timeline.png]")
    pl = sub.add_parser(
        "plan",
        help="predict every layout's memory, traffic and step time; rank them",
        description="Search the layouts of --gpus devices (dp × tp × pp, ZeRO stage, micro-batch "
        "size, schedule, sequence parallelism, recomputation; the layout flags given "
        "are fixed), predict each one's cost, and list those that fit, fastest first. Exit "
        "status 1: none fits; 2: none can run (or a bad flag).",
    )
    _add_plan_flags(pl)
    pl.add_argument("--top", type=int, default=10, metavar="K", help="candidates to show [10]")
    pl.add_argument("--json", action="store_true", help="print the plan as JSON")
    sm = sub.add_parser(
        "simulate",
        help="predict one layout's step and draw its timeline",
        description="Predict one layout (unset flags as llmpar train's defaults; --dp fills "
        "--gpus) and draw the simulated timeline of its pipeline schedule, in seconds.",
    )
    _add_plan_flags(sm)
    sm.add_argument("-o", "--output", default="simulated.png", help="the PNG to write [simulated.png]")
    cal = sub.add_parser(
        "calibrate",
        help="measure this machine for the cost model (a hardware profile)",
        description="Measure matmul rates, memory bandwidth, per-operation overhead and the "
        "collectives' bandwidth and latency between worker processes; write a "
        "profile for `llmpar plan --hardware-config`.",
    )
    from llmpar.plan.calibrate import add_arguments

    add_arguments(cal)
    _add_compare_parser(sub)
    return parser


def _add_compare_parser(sub) -> None:
    cmp = sub.add_parser(
        "compare",
        help="train several layouts on the same model and data, and report them side by side",
        description="Train each layout on the same model, data, seed, global batch and steps, one after another "
        "through the launcher, and write a report folder: report.md (time, memory, communication per axis, "
        "bubble, losses and accuracy per layout, each cost beside the cost model's prediction), results.json, "
        "PNG figures and each layout's metrics. A layout is written as tokens joined by '-': single, dp<N>, "
        "tp<N>, pp<N>, zero<0-3>, sp, naive|gpipe|1f1b|interleaved|zb, v<N>, m<N> (micro-batches), "
        "selective|full, seed<N>; e.g. dp4-zero3 tp2-sp pp2-interleaved-v2-m8 dp2-tp2-pp2. Without layouts: "
        "one process, DP, ZeRO 1-3, model parallelism (naive pipeline), TP with and without SP, GPipe, 1F1B, "
        "interleaved, zero-bubble and a hybrid, fitted to --nproc. Exit status 1: a layout failed, or departed "
        "from the first under --assert-equal; 2: bad input, before anything runs.",
    )
    cmp.add_argument(
        "layouts", nargs="*", metavar="LAYOUT", help="the layouts, the first the reference [the default set]"
    )
    cmp.add_argument("-o", "--output", required=True, metavar="DIR", help="the report folder (new)")
    cmp.add_argument("--overwrite", action="store_true", help="replace the report of an earlier comparison in DIR")
    cmp.add_argument(
        "--assert-equal",
        type=float,
        metavar="TOL",
        help="exit with status 1, naming the layout and step, if any loss curve (or validation loss) departs from "
        "the first layout's by more than TOL, relative (with --dtype fp64: 1e-9)",
    )
    cmp.add_argument(
        "--peers",
        action="store_true",
        help="also run PyTorch's own equivalent of each layout that has one (DDP, ZeroRedundancyOptimizer, "
        "FSDP2, DTensor TP, torch.distributed.pipelining), beside it",
    )
    _add_train_flags(cmp)
    # (--nproc here: the processes the layouts may use, at most. A comparison is many runs: shorter defaults.)
    cmp.set_defaults(steps=30, eval_sequences=32, sample_tokens=0)
    for action in cmp._actions:
        if action.dest == "nproc":
            action.help = "processes the layouts may use, at most [the GPUs; on a CPU, 4]"
        elif action.dest in ("steps", "eval_sequences", "sample_tokens"):
            action.help = (action.help or "").rsplit(" [", 1)[0] + f" [{action.default}]"


def _add_inference_flags(p: argparse.ArgumentParser) -> None:
    lay = p.add_argument_group("layout and numbers")
    lay.add_argument("--dp", type=int, default=1, metavar="N", help="replicas, each a share of the prompts [1]")
    lay.add_argument("--tp", type=int, default=1, metavar="N", help="tensor-parallel ranks [1]")
    lay.add_argument("--pp", type=int, default=1, metavar="N", help="pipeline stages [1]")
    lay.add_argument(
        "--cp", type=int, default=1, metavar="N", help="context-parallel ranks: each sequence split over N ranks [1]"
    )
    lay.add_argument(
        "--cp-mode",
        default="ring",
        metavar="{ring,all-to-all}",
        help="ring (any head count) | all-to-all (key/value heads divisible by --cp) [ring]",
    )
    lay.add_argument("--dtype", default="fp32", metavar="{fp32,bf16,fp64}", help="[fp32]")
    lay.add_argument("--device", metavar="{cpu,cuda}", help="[cuda if available]")
    lay.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="[600]")


def _add_plan_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="PRESET", help="a preset, as for train [small]")
    p.add_argument("--model-config", metavar="FILE", help="JSON model config, as for train")
    p.add_argument("--gpus", type=int, metavar="N", help="devices (processes on a CPU) [the layout's, or 8]")
    p.add_argument(
        "--hardware",
        metavar="NAME",
        help="a100-80gb | a100-40gb | h100-sxm | h200 | cpu, and the others docs/design.md lists [h100-sxm]",
    )
    p.add_argument("--hardware-config", metavar="FILE", help="a profile written by llmpar calibrate")
    p.add_argument("--global-batch-size", type=int, default=16, metavar="B", help="sequences per step [16]")
    p.add_argument(
        "--seq-len",
        type=int,
        metavar="S",
        help="tokens per sequence [the model's, at most 256 for the presets train runs on a CPU]",
    )
    p.add_argument("--dtype", metavar="{bf16,fp32,fp64}", help="[bf16 on GPUs, fp32 on a CPU]")
    p.add_argument(
        "--reduce-dtype", metavar="{bf16,fp32}", help="with --dtype bf16: the gradients' reduction [bf16], as for train"
    )
    sw = p.add_argument_group("software (how the system that trains runs a layout)")
    sw.add_argument(
        "--software",
        metavar="NAME",
        help="llmpar | megatron-2021 | megatron-2022 | megatron | deepspeed | fsdp [llmpar] (docs/cost-model.md)",
    )
    sw.add_argument("--attention", metavar="{fused,materialized}", help="[the recipe's]")
    sw.add_argument(
        "--attention-kernel",
        metavar="{flash2,flash3,cudnn}",
        help="the fused attention kernel, priced at the hardware's curve for it: FlashAttention-2 (flash-attn 2, "
        "torch's scaled_dot_product_attention on Hopper before torch 2.11), FlashAttention-3, or cuDNN's "
        "(Transformer Engine, torch 2.11 and later) [the recipe's]",
    )
    from llmpar.plan.cost.values import SWITCHES

    for knob, what in SWITCHES:
        flag = "--" + knob.replace("_", "-")
        sw.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=what + " [the recipe's]")
    sw.add_argument(
        "--shard-group",
        type=int,
        metavar="N",
        help="ZeRO: shard over groups of N data-parallel ranks, replicated across them (FSDP's HYBRID_SHARD) [all]",
    )
    sw.add_argument(
        "--selective-recompute",
        metavar="{attention,op,every-K}",
        help="what --recompute selective recomputes: the attention core (llmpar, Megatron), torchtitan's per-op "
        "policy, or every K-th block whole [the recipe's]",
    )
    sw.add_argument("--loss", metavar="{fp32,vocab-parallel,fused}", help="the cross-entropy's kernel [the recipe's]")
    sw.add_argument(
        "--fp8",
        metavar="RECIPE",
        help="the blocks' GEMMs in FP8 with this scaling recipe: delayed, current, blockwise (Transformer Engine), "
        "tensorwise, rowwise (torchao), or none [none] (H100/H200 profiles)",
    )
    lay = p.add_argument_group("layout (given: fixed; left out: searched)")
    lay.add_argument("--dp", type=int, metavar="N")
    lay.add_argument("--tp", type=int, metavar="N")
    lay.add_argument("--pp", type=int, metavar="N")
    lay.add_argument("--zero", type=int, metavar="{0,1,2,3}")
    lay.add_argument("--schedule", metavar="NAME", help="naive | gpipe | 1f1b | interleaved | zb")
    lay.add_argument("--virtual-stages", type=int, metavar="V")
    lay.add_argument("--micro-batches", type=int, metavar="M", help="micro-batches per replica [searched; simulate: 1]")
    lay.add_argument(
        "--micro-batch-size",
        type=int,
        metavar="N",
        help="sequences per micro-batch per replica: --micro-batches = B / (dp · N) [searched]",
    )
    lay.add_argument(
        "--sequence-parallel",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fix sequence parallelism on (or off) [searched; simulate: off]",
    )
    lay.add_argument("--recompute", metavar="MODE", help="none | selective | full")
    lay.add_argument(
        "--cp",
        type=int,
        metavar="N",
        help="context-parallel ranks: every sequence split over N ranks [searched; simulate: 1]",
    )
    lay.add_argument(
        "--cp-mode",
        metavar="MODE",
        help="ring | all-to-all: how the cp ranks share keys and values [both searched; simulate: ring]; "
        "all-gather (Megatron-Core's, Llama 3's) is priced when given, and llmpar train does not run it",
    )


def train_fields(args: argparse.Namespace, keep_none=()) -> dict:
    """The TrainConfig fields the command line gave (not None; those in `keep_none` even when None)."""
    import dataclasses

    from llmpar.config import TrainConfig

    names = {f.name for f in dataclasses.fields(TrainConfig)} - {"model_cfg", "layout_why"}
    return {k: v for k, v in vars(args).items() if k in names and (v is not None or k in keep_none)}


def train_config_from_args(args: argparse.Namespace):
    from llmpar.config import TrainConfig

    # A flag left out is None: TrainConfig's default, or with --layout auto a layout field to search.
    searched = LAYOUT_FIELDS if args.layout_mode is not None else ()
    given = train_fields(args, keep_none=searched)
    if args.sequences_per_micro_batch is not None and args.micro_batches is None:
        given["micro_batches"] = None  # (validate() fills it from --micro-batch-size, once dp is known)
    return TrainConfig(**given)


# The TrainConfig fields of the layout flags that --layout auto searches when they are left out.
LAYOUT_FIELDS = (
    "dp",
    "tp",
    "pp",
    "zero",
    "schedule",
    "virtual_stages",
    "micro_batches",
    "sequence_parallel",
    "recompute",
    "cp",
    "cp_mode",
)


def cmd_train(args) -> int:
    from llmpar.config import validate
    from llmpar.launch import Interrupted, WorkerFailed, launch
    from llmpar.train.preempt import EXIT_PREEMPTED, Preempted

    cfg = validate(train_config_from_args(args))
    if cfg.layout_why and os.environ.get("RANK", "0") == "0":
        print(cfg.layout_why, flush=True)
    from llmpar.preflight import check

    check(cfg)  # memory: refuse a layout predicted not to fit this machine (unless --force)
    try:
        launch(cfg)
    except WorkerFailed as e:
        print(f"llmpar train: failed\n{e}", file=sys.stderr)
        return 1
    except Interrupted as e:
        print(f"llmpar train: stopped by {e}; the workers were stopped", file=sys.stderr)
        return 128 + e.signum
    except Preempted as e:
        if os.environ.get("RANK", "0") == "0":
            print(
                f"llmpar train: stopped by {e.why} after step {e.step}; checkpoint {e.checkpoint}. Continue with "
                f"the same command and --resume {cfg.save}",
                file=sys.stderr,
            )
        return EXIT_PREEMPTED
    return 0


def cmd_generate(args) -> int:
    import json

    from llmpar.inference import prepare_generate, run_job
    from llmpar.inference.config import read_prompts
    from llmpar.inference.engine import generate_worker
    from llmpar.inference.output import finish_results, write_records
    from llmpar.launch import WorkerFailed

    if args.format not in ("text", "jsonl"):
        raise UserError(f"--format: {args.format!r} is not one of text, jsonl")
    if args.output is not None:
        from llmpar.paths import check_writable_file

        check_writable_file(args.output, "--output")
    prompts = read_prompts(args.prompt, args.prompts)
    # One prompt, as text, to the terminal: its tokens are printed as they come (by rank 0).
    stream = len(prompts) == 1 and args.format == "text" and args.output is None and not args.logprobs
    job, tok = prepare_generate(
        args.source,
        prompts,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
        stop=args.stop,
        eos_ids=args.eos_id,
        tokenizer=args.tokenizer,
        dp=args.dp,
        tp=args.tp,
        pp=args.pp,
        cp=args.cp,
        cp_mode=args.cp_mode,
        groups=args.groups,
        dtype=args.dtype,
        device=args.device,
        stream=stream,
        timeout=args.timeout,
    )
    if stream:
        p = prompts[0]
        sys.stdout.write(p if isinstance(p, str) else tok.decode(p))
        sys.stdout.flush()
    try:
        out = run_job(job, generate_worker)
    except WorkerFailed as e:
        print(f"llmpar generate: failed\n{e}", file=sys.stderr)
        return 1
    records = finish_results(out["results"], prompts, tok, job.eos_ids, job.stop, args.logprobs)
    if args.output is not None:
        with open(args.output, "w", encoding="utf-8") as f:
            write_records(records, args.format, f)
    else:
        write_records(records, args.format, sys.stdout, streamed=stream)
    if args.stats:
        print(json.dumps(out["stats"]), file=sys.stderr)
    return 0


def cmd_eval(args) -> int:
    import json

    from llmpar.inference import prepare_eval, run_job
    from llmpar.inference.scoring import eval_worker
    from llmpar.launch import WorkerFailed

    job = prepare_eval(
        args.source,
        data=args.data,
        tokenizer=args.tokenizer,
        seq_len=args.seq_len,
        sequences=args.eval_sequences,
        batch_size=args.batch_size,
        dp=args.dp,
        tp=args.tp,
        pp=args.pp,
        cp=args.cp,
        cp_mode=args.cp_mode,
        dtype=args.dtype,
        device=args.device,
        timeout=args.timeout,
    )
    try:
        result = run_job(job, eval_worker)
    except WorkerFailed as e:
        print(f"llmpar eval: failed\n{e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"llmpar: {result['sequences']} sequences, {result['tokens']:,} tokens: loss {result['loss']:.4f}, "
            f"perplexity {result['perplexity']:.3f}, next-token accuracy {result['accuracy']:.2%}"
        )
    return 0


def cmd_prepare_data(args) -> int:
    from llmpar.data import describe_data, load_tokenizer, load_tokens, write_bin
    from llmpar.data.corpus import folder_files
    from llmpar.paths import check_writable_file

    if not args.output.endswith(".bin"):
        raise UserError(f"the output {args.output!r} must end in .bin (that is how --data knows it)")
    if not os.path.exists(args.input):
        raise UserError(f"no such file or folder {args.input!r}")
    if args.input.endswith(".bin"):
        raise UserError(f"{args.input!r} is already a .bin; give text")
    if os.path.isdir(args.input):
        text, skipped = folder_files(args.input)
        if not text:
            raise UserError(
                f"the folder {args.input!r} holds no text files"
                + (f" ({len(skipped)} skipped: a NUL byte or invalid UTF-8 in their first 8 KiB)" if skipped else "")
            )
    elif not os.path.isfile(args.input):
        raise UserError(f"{args.input!r} is not a regular file or folder; give text")
    check_writable_file(args.output, "the output")
    tokenizer = load_tokenizer(args.tokenizer)
    try:
        ids, vocab = load_tokens(args.input, tokenizer)
    except OSError as e:
        raise UserError(f"cannot read {e.filename or args.input} ({e.strerror or e})") from None
    if len(ids) == 0:
        raise UserError(f"{args.input!r} holds no text: nothing to write")
    try:
        write_bin(args.output, ids, vocab)
    except OSError as e:  # checked writable above; the disk can still fill up
        raise UserError(f"cannot write {args.output} ({e.strerror or e})") from None
    print(
        f"llmpar: wrote {len(ids):,} tokens (vocabulary {vocab}) to {args.output}, from "
        f"{describe_data(args.input, len(ids))}"
    )
    return 0


def cmd_convert(args) -> int:
    from llmpar.checkpoint.convert import convert

    if args.to not in ("llmpar", "hf"):
        raise UserError(f"--to: {args.to!r} is not one of llmpar, hf")
    if not os.path.isdir(args.src):
        raise UserError(
            f"no such folder {args.src!r}; give an llmpar checkpoint or --save folder, or a Hugging Face model folder"
        )
    out = convert(args.src, args.dst, args.to, args.dp, args.tp, args.pp, args.zero)
    print(f"llmpar: wrote {out}")
    return 0


MAX_BOXES = 4096  # an ideal timeline's computations drawn, about 2 ms each


def cmd_timeline(args) -> int:
    from llmpar.config import SCHEDULES
    from llmpar.pipeline.plot import FORWARD_UNITS, SECONDS, draw, ideal_timeline, measured_timeline

    if (args.metrics is None) == (args.schedule is None):
        raise UserError("give either --metrics FILE (a run) or --schedule NAME (the ideal timeline)")
    from llmpar.paths import check_writable_file

    check_writable_file(args.output, "-o")
    if args.metrics is not None:
        rows, title = measured_timeline(args.metrics, args.step)
    else:
        if args.schedule not in SCHEDULES:
            raise UserError(f"--schedule: {args.schedule!r} is not one of {', '.join(SCHEDULES)}")
        if args.pp < 1 or args.micro_batches < 1 or args.virtual_stages < 1:
            raise UserError("--pp, --micro-batches and --virtual-stages must be positive")
        v = args.virtual_stages if args.schedule == "interleaved" else 1
        boxes = args.pp * v * args.micro_batches * (3 if args.schedule == "zb" else 2)
        if boxes > MAX_BOXES:
            raise UserError(
                f"--pp {args.pp} × --micro-batches {args.micro_batches}"
                + (f" × --virtual-stages {v}" if v > 1 else "")
                + f" is {boxes:,} boxes to draw; a "
                f"picture holds at most {MAX_BOXES:,} readably (and draws in seconds): use fewer "
                f"micro-batches (the pattern shows with 2 to 4 × --pp)"
            )
        if args.schedule == "interleaved" and args.micro_batches % args.pp:
            raise UserError(
                f"--schedule interleaved takes micro-batches {args.pp} at a time: --micro-batches "
                f"{args.micro_batches} is not a multiple of --pp {args.pp}"
            )
        rows, bubble = ideal_timeline(args.schedule, args.pp, args.micro_batches, args.virtual_stages)
        title = f"ideal: {args.schedule}, pp={args.pp}, m={args.micro_batches}, bubble {bubble:.3f}"
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError("drawing needs matplotlib, which llmpar depends on: pip install matplotlib") from None
    draw(rows, title, args.output, SECONDS if args.metrics is not None else FORWARD_UNITS)
    print(f"llmpar: wrote {args.output} ({title})")
    return 0


def cmd_plan(args) -> int:
    import json

    from llmpar.plan.cli import plan_request
    from llmpar.plan.cost.values import SOFTWARE
    from llmpar.plan.planner import outcome, plan
    from llmpar.plan.report import as_json, table

    req = plan_request(args)
    # (The table shows the layouts that do not fit only when none does; the JSON lists them always.)
    result = plan(
        req.model, req.hardware, req.gpus, req.batch, req.fixed, top=args.top, too_big=args.json, software=req.software
    )
    recipe = args.software or "llmpar"
    software = recipe if req.software == SOFTWARE[recipe] else f"{recipe} (with the knobs given)"
    # (llmpar's own recipe needs no word; another names its attention kernel where the hardware prices kernels apart)
    if req.software != SOFTWARE["llmpar"] and req.software.flash_attention and req.hardware.attention_curves:
        software += f", attention kernel {req.software.attention_kernel}"
    if args.json:
        fp8 = bool(req.software.fp8)
        print(json.dumps(as_json(result, req.model_flags, req.batch, req.hardware, fp8), indent=1))
    else:
        print(
            table(
                result,
                req.model,
                req.hardware,
                req.gpus,
                req.batch,
                req.name,
                req.model_flags,
                software=software,
                fp8=bool(req.software.fp8),
            )
        )
    # Nothing fits (1) or nothing can run (2): the plan above shows what was found, this line says why and what
    # would help.
    code, error = outcome(result, req.hardware)
    if error:
        sys.stdout.flush()
        print(f"llmpar plan: error: {error}", file=sys.stderr)
    return code


def cmd_compare(args) -> int:
    from llmpar.compare import compare

    return compare(args, train_fields(args), args.argv[1:])


def cmd_simulate(args) -> int:
    from llmpar.plan.cli import simulate

    return simulate(args)


def cmd_calibrate(args) -> int:
    from llmpar.plan.calibrate import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    handler = {
        "train": cmd_train,
        "generate": cmd_generate,
        "eval": cmd_eval,
        "prepare-data": cmd_prepare_data,
        "timeline": cmd_timeline,
        "convert": cmd_convert,
        "plan": cmd_plan,
        "simulate": cmd_simulate,
        "calibrate": cmd_calibrate,
        "compare": cmd_compare,
    }[args.command]
    try:
        code = handler(args)
        sys.stdout.flush()  # now, so that a closed pipe is caught here and not at exit
        return code
    except UserError as e:
        print(f"llmpar {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"llmpar {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output left (`llmpar plan | head`): stop quietly. Python would flush stdout again at
        # exit and fail once more, so stdout goes to devnull (the recipe in Python's signal documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())

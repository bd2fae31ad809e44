"""The run's configuration and its validation.

Every mistake a user can make is caught here, in the launching process, before any worker starts: the message
names the flag and what would work. Workers receive a validated `TrainConfig` and trust it.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from typing import Any

from llmpar.errors import UserError
from llmpar.layout import CP_MODES, Layout
from llmpar.model.config import ModelConfig, load_model_config, preset
from llmpar.paths import check_writable_file, check_writable_folder
from llmpar.procs import cores

DTYPES = ("fp32", "bf16", "fp64")
SCHEDULES = ("naive", "gpipe", "1f1b", "interleaved", "zb")
RECOMPUTE = ("none", "selective", "full")
LR_SCHEDULES = ("cosine", "constant")
DEFAULT_MODEL = "small"
MAX_MICRO_BATCHES = 4096
MICRO_BATCHES_WHY = (
    "each micro-batch is a forward and backward pass of its own, with transfers that every rank "
    "plans and checks before the first step (minutes for 100,000 of them); fewer, larger "
    "micro-batches run the same batch faster"
)

# The default of the fields that validate() fills in when they are left out: None until then. Their types are
# those of a validated configuration, the only kind the rest of llmpar reads (workers receive nothing else). A
# value of the field's own type cannot stand in for "left out": the user may give any of them (--dp 0, --warmup
# -1, --schedule ''), and validate() must reject it with its own message.
FILLED_BY_VALIDATE: Any = None


@dataclass
class TrainConfig:
    model: str | None = None  # a preset name; None: DEFAULT_MODEL unless model_config is given
    model_config: str | None = None
    dp: int = FILLED_BY_VALIDATE  # None: as many replicas as the launch allows (see resolve_dp)
    tp: int = 1
    pp: int = 1
    cp: int = 1  # context parallelism: every sequence split over cp ranks
    cp_mode: str = "ring"
    zero: int = 0
    schedule: str = FILLED_BY_VALIDATE  # None: 1f1b
    virtual_stages: int = 2
    sequence_parallel: bool = False
    sp_save_gathered: bool = False  # SP keeps the all-gathered column inputs for backward (no re-gather)
    recompute: str = "none"
    global_batch_size: int = 16
    micro_batches: int = 1
    # --micro-batch-size: sequences per micro-batch per replica. validate() turns it into micro_batches (once dp is
    # known; micro_batches is None when only this was given), and checks the two agree when both were.
    sequences_per_micro_batch: int | None = None
    seq_len: int = FILLED_BY_VALIDATE  # None: the model's max_seq_len, at most 256
    steps: int = 300
    lr: float = 2e-3
    warmup: int = FILLED_BY_VALIDATE  # None: steps // 10
    lr_schedule: str = "cosine"
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    seed: int = 0
    dtype: str = "fp32"  # bf16: mixed precision (bf16 weights, gradients, activations; fp32 masters and moments)
    reduce_dtype: str = FILLED_BY_VALIDATE  # the gradients' reduction and accumulation; None: --dtype's
    data: str | None = None
    tokenizer: str | None = None
    metrics: str | None = None
    summary: str | None = None  # a JSON file for the run's summary (losses, validation, throughput), by rank 0
    tensorboard: str | None = None  # a folder for TensorBoard's event files (rank 0 writes them)
    save: str | None = None
    save_every: int | None = None
    resume: str | None = None
    init: str | None = None
    device: str = FILLED_BY_VALIDATE  # None: cuda if available
    eval_sequences: int = 64
    sample_tokens: int = 160
    timeout: float = 600.0  # seconds a collective may wait before the job fails
    progress: bool = True
    max_restarts: int = 0  # restart failed workers (from the latest complete checkpoint in --save) this many times
    save_async: bool = False  # write checkpoints in the background while training continues
    force: bool = False  # run even if the memory pre-flight predicts the layout does not fit
    nproc: int | None = None  # processes to run (dp fills them); None: torchrun's world, one per GPU, or 2 on a CPU
    # "auto": the planner chooses the layout (llmpar.plan.auto); the layout fields that are None are searched, the
    # others fixed. The command line leaves a layout flag it was not given None.
    layout_mode: str | None = None
    hardware: str | None = None  # the profile --layout auto plans with [this machine's]
    hardware_config: str | None = None
    # Filled by validate():
    model_cfg: ModelConfig = field(default=FILLED_BY_VALIDATE, repr=False)
    layout_why: str | None = field(default=None, repr=False)  # --layout auto: what it chose and why, to print

    @property
    def world_size(self) -> int:
        return self.dp * self.cp * self.tp * self.pp

    @property
    def micro_batch_size(self) -> int:
        return self.global_batch_size // (self.dp * self.micro_batches)

    @property
    def model_name(self) -> str:
        if self.model:
            return self.model
        if self.model_config:
            return os.path.basename(self.model_config)
        source = self.resume or self.init  # the model of the checkpoint or Hugging Face folder
        return f"the model of {source}" if source else DEFAULT_MODEL

    def parallel_layout(self) -> Layout:
        """The run's layout, as the cost model and the planner take it (virtual stages for interleaved only)."""
        return Layout(
            dp=self.dp,
            tp=self.tp,
            pp=self.pp,
            zero=self.zero,
            schedule=self.schedule or "1f1b",
            virtual_stages=self.virtual_stages if self.schedule == "interleaved" else 1,
            micro_batches=self.micro_batches,
            sequence_parallel=self.sequence_parallel,
            recompute=self.recompute,
            sp_save_gathered=self.sp_save_gathered,
            cp=self.cp,
            cp_mode=self.cp_mode,
        )

    def layout(self) -> dict:
        """The "layout" object of the metrics line (and of a checkpoint's manifest)."""
        return self.parallel_layout().as_metrics()

    def with_layout(self, layout: Layout, **changes) -> TrainConfig:
        """This configuration with `layout`'s flags (--virtual-stages at least 2, the flag's range), and `changes`."""
        return dataclasses.replace(
            self,
            dp=layout.dp,
            tp=layout.tp,
            pp=layout.pp,
            zero=layout.zero,
            schedule=layout.schedule,
            virtual_stages=max(2, layout.virtual_stages),
            micro_batches=layout.micro_batches,
            sequences_per_micro_batch=None,  # (the layout gives the micro-batches)
            sequence_parallel=layout.sequence_parallel,
            recompute=layout.recompute,
            sp_save_gathered=layout.sp_save_gathered,
            cp=layout.cp,
            cp_mode=layout.cp_mode,
            **changes,
        )


_LAUNCHER_VARIABLES = ("TORCHELASTIC_RUN_ID", "WORLD_SIZE", "RANK", "LOCAL_RANK")


def torchrun_world_size() -> int | None:
    """The world size when started by an outside torchrun (or any launcher that sets its variables); None when
    none of them is set. Part of them, or one that is not a number, is a UserError: left over in a shell, they
    would have this process join a group that no one else joins, and wait forever."""
    env = os.environ
    present = [v for v in _LAUNCHER_VARIABLES if v in env]
    if not present:
        return None
    fix = f"unset {' '.join(present)} to have llmpar start its own workers, or run under torchrun (which sets them all)"
    for var in ("WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT"):
        if not env.get(var):
            raise UserError(
                f"{' and '.join(present)} {'is' if len(present) == 1 else 'are'} set in the environment "
                f"but {var} is not: part of a launcher's variables (left over in this shell?); {fix}"
            )
    numbers = {}
    for var in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_PORT"):
        if var in env:
            try:
                numbers[var] = int(env[var])
            except ValueError:
                raise UserError(f"the environment variable {var}={env[var]!r} is not a number; {fix}") from None
    world, rank = numbers["WORLD_SIZE"], numbers["RANK"]
    if world < 1 or not 0 <= rank < world:
        raise UserError(
            f"the environment says RANK={rank} of WORLD_SIZE={world}, but a rank lies in 0 .. "
            f"WORLD_SIZE - 1 and WORLD_SIZE is 1 or more; {fix}"
        )
    return world


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _cuda_count() -> int:
    import torch

    return torch.cuda.device_count()


def _check_reduce_dtype(cfg: TrainConfig) -> None:
    """--reduce-dtype: bf16 or fp32 for a bf16 run (bf16 if left out); an fp32 or fp64 run reduces in its own."""
    if cfg.reduce_dtype is None:
        cfg.reduce_dtype = cfg.dtype
        return
    allowed = ("bf16", "fp32") if cfg.dtype == "bf16" else (cfg.dtype,)
    if cfg.reduce_dtype not in allowed:
        raise UserError(
            f"--reduce-dtype {cfg.reduce_dtype} with --dtype {cfg.dtype}: "
            + (
                "choose bf16 or fp32"
                if cfg.dtype == "bf16"
                else f"an {cfg.dtype} run reduces its gradients in {cfg.dtype}; leave --reduce-dtype out"
            )
        )


def _choice(flag: str, value, choices) -> None:
    if value not in choices:
        raise UserError(f"{flag}: {value!r} is not one of {', '.join(map(str, choices))}")


def _positive(flag: str, value, allow_zero: bool = False) -> None:
    if value is None or not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise UserError(
            f"{flag} must be {'zero or more' if allow_zero else 'positive'}"
            f"{' and finite' if value is not None and not math.isfinite(value) else ''}, got {value}"
        )


def _nearby_multiples(n: int, k: int) -> str:
    lo = max(k, n // k * k)
    return f"{lo} or {lo + k}" if lo != n else str(n)


def _model_axes(cfg: TrainConfig) -> str:
    """The layout's axes other than dp, as flags: "--tp 2 × --pp 2" (and "× --cp N" when there is one)."""
    return f"--tp {cfg.tp} × --pp {cfg.pp}" + (f" × --cp {cfg.cp}" if cfg.cp != 1 else "")


def _model_flags(cfg: TrainConfig) -> str:
    return "--tp/--pp/--cp" if cfg.cp != 1 else "--tp/--pp"


def _layout_flags(cfg: TrainConfig) -> str:
    return f"--dp {cfg.dp} {_model_axes(cfg).replace(' ×', '')}"


def resolve_dp(cfg: TrainConfig, outside_world: int | None) -> int:
    """`--dp` left out: fill the launch. Under torchrun, the world size over tp·pp; locally, --nproc over tp·pp,
    or one replica per GPU on CUDA, or two processes on a CPU with at least two cores (one on a single core)."""
    rest = cfg.tp * cfg.pp * cfg.cp
    if outside_world is not None:
        if outside_world % rest:
            raise UserError(
                f"torchrun started {outside_world} processes, which {_model_axes(cfg)} "
                f"does not divide; start a multiple of {rest} processes or change {_model_flags(cfg)}"
            )
        return outside_world // rest
    if cfg.nproc is not None:
        if cfg.nproc % rest:
            raise UserError(
                f"--nproc {cfg.nproc} is not divisible by {_model_axes(cfg)}; use --nproc "
                f"{_nearby_multiples(cfg.nproc, rest)}, or change {_model_flags(cfg)}"
            )
        return cfg.nproc // rest
    if cfg.device == "cuda":
        return max(1, _cuda_count() // rest)
    return 2 if cores() >= 2 and rest == 1 else 1


def validate(cfg: TrainConfig) -> TrainConfig:
    """Check every flag and fill in the defaults that depend on others. Raises UserError."""
    # The model (a checkpoint to resume or start from brings its own).
    if cfg.model is not None and cfg.model_config is not None:
        raise UserError("give either --model PRESET or --model-config FILE, not both")
    if cfg.resume is not None and cfg.init is not None:
        raise UserError("give either --resume (continue a run) or --init (start from weights), not both")
    from llmpar.checkpoint.ownership import resume_after_restart

    restarted = resume_after_restart(cfg)  # a worker restarted by torchrun continues from --save's latest step
    source = _checkpoint_source(cfg)
    if cfg.model_config:
        cfg.model_cfg = load_model_config(cfg.model_config)
    elif cfg.model is None and source is not None:
        cfg.model_cfg = source[1]
    else:
        cfg.model_cfg = preset(cfg.model or DEFAULT_MODEL)
    mc = cfg.model_cfg
    if source is not None and source[1] != mc:
        raise UserError(
            f"{'--resume' if cfg.resume else '--init'}: the checkpoint's model ({source[1]}) is not the "
            f"model asked for ({mc}); leave --model/--model-config out to use the checkpoint's"
        )

    # The device.
    if cfg.device is None:
        cfg.device = "cuda" if _cuda_available() else "cpu"
    _choice("--device", cfg.device, ("cpu", "cuda"))
    if cfg.device == "cuda" and not _cuda_available():
        raise UserError("--device cuda: no CUDA device is available here; use --device cpu")

    # The layout: the planner's (--layout auto), or the flags'.
    if cfg.seq_len is None:
        cfg.seq_len = min(mc.max_seq_len, 256)
    outside = torchrun_world_size()
    if cfg.nproc is not None:
        _positive("--nproc", cfg.nproc)
        if outside is not None and cfg.nproc != outside:
            raise UserError(
                f"--nproc {cfg.nproc}, but torchrun started {outside} processes; leave --nproc out under torchrun"
            )
    if cfg.layout_mode is not None:
        from llmpar.plan.auto import choose

        layout, cfg.layout_why = choose(cfg, outside)
        # From here on, a configuration with its layout given (validating it again gives the same).
        cfg = cfg.with_layout(layout, layout_mode=None, hardware=None, hardware_config=None)
    elif cfg.hardware is not None or cfg.hardware_config is not None:
        flag = "--hardware" if cfg.hardware is not None else "--hardware-config"
        raise UserError(f"{flag} is the profile --layout auto plans with; give --layout auto, or leave {flag} out")
    for flag, value in (("--tp", cfg.tp), ("--pp", cfg.pp), ("--cp", cfg.cp), ("--virtual-stages", cfg.virtual_stages)):
        _positive(flag, value)
    _choice("--cp-mode", cfg.cp_mode, CP_MODES)
    if cfg.dp is None:
        cfg.dp = resolve_dp(cfg, outside)
    _positive("--dp", cfg.dp)
    if cfg.sequences_per_micro_batch is not None:
        _micro_batches_from_size(cfg)
    if outside is not None and outside != cfg.world_size:
        raise UserError(
            f"the layout {_layout_flags(cfg)} needs {cfg.world_size} processes "
            f"but torchrun started {outside}; run torchrun with --nproc-per-node × --nnodes = "
            f"{cfg.world_size}, or leave --dp out to fill the {outside} processes"
        )
    if cfg.nproc is not None and cfg.nproc != cfg.world_size:
        raise UserError(
            f"the layout {_layout_flags(cfg)} is {cfg.world_size} processes, not --nproc "
            f"{cfg.nproc}; leave --dp out to fill the {cfg.nproc} processes, or change --nproc"
        )
    if cfg.device == "cuda" and outside is None and cfg.world_size > _cuda_count():
        raise UserError(
            f"the layout needs {cfg.world_size} processes, one per GPU, but this machine has "
            f"{_cuda_count()} GPU(s); lower --dp/--tp/--pp/--cp, use --device cpu, or run under torchrun "
            f"across several machines"
        )
    _check_tensor_parallel(cfg)
    _choice("--zero", cfg.zero, (0, 1, 2, 3))
    if cfg.zero > 0 and cfg.dp * cfg.cp == 1:
        raise UserError(
            f"--zero {cfg.zero} shards across the data-parallel (and context-parallel) ranks, but --dp is 1: "
            f"there is nothing to shard across; use --dp 2 or more, or --zero 0"
        )
    if cfg.schedule is not None:
        _choice("--schedule", cfg.schedule, SCHEDULES)
    cfg.schedule = cfg.schedule or "1f1b"
    _choice("--recompute", cfg.recompute, RECOMPUTE)

    # The batch.
    _positive("--global-batch-size", cfg.global_batch_size)
    _positive("--micro-batches", cfg.micro_batches)
    if cfg.micro_batches > MAX_MICRO_BATCHES:
        raise UserError(f"--micro-batches {cfg.micro_batches}: at most {MAX_MICRO_BATCHES} ({MICRO_BATCHES_WHY})")
    per_step = cfg.dp * cfg.micro_batches
    if cfg.global_batch_size % per_step:
        raise UserError(
            f"--global-batch-size {cfg.global_batch_size} is not divisible by dp × micro-batches = "
            f"{cfg.dp} × {cfg.micro_batches} = {per_step}; use "
            f"{_nearby_multiples(cfg.global_batch_size, per_step)}, or change --dp/--micro-batches"
        )
    _positive("--seq-len", cfg.seq_len)
    if cfg.sequence_parallel and cfg.seq_len % cfg.tp:
        raise UserError(
            f"--sequence-parallel splits the sequence over --tp {cfg.tp} ranks, but --seq-len "
            f"{cfg.seq_len} is not divisible by {cfg.tp}; use --seq-len "
            f"{_nearby_multiples(cfg.seq_len, cfg.tp)}"
        )
    _check_context_parallel(cfg)
    if cfg.seq_len > mc.max_seq_len:
        raise UserError(
            f"--seq-len {cfg.seq_len} is longer than the model's max_seq_len {mc.max_seq_len}; "
            f"use --seq-len {mc.max_seq_len} or less, or a model config with a larger max_seq_len"
        )

    _check_pipeline(cfg)

    # The optimization.
    _positive("--steps", cfg.steps)
    _positive("--lr", cfg.lr)
    if cfg.warmup is None and cfg.resume is not None and isinstance(source[0]["train"].get("warmup"), int):
        cfg.warmup = source[0]["train"]["warmup"]  # a resumed run keeps its warm-up (not --steps/10 of new steps)
    if cfg.warmup is None:
        cfg.warmup = cfg.steps // 10
    _positive("--warmup", cfg.warmup, allow_zero=True)
    _choice("--lr-schedule", cfg.lr_schedule, LR_SCHEDULES)
    _positive("--weight-decay", cfg.weight_decay, allow_zero=True)
    _positive("--grad-clip", cfg.grad_clip, allow_zero=True)
    _positive("--seed", cfg.seed, allow_zero=True)
    _choice("--dtype", cfg.dtype, DTYPES)
    _check_reduce_dtype(cfg)
    _positive("--timeout", cfg.timeout)
    _positive("--eval-sequences", cfg.eval_sequences, allow_zero=True)

    # Data.
    if cfg.tokenizer is not None and cfg.data is not None and cfg.data.endswith(".bin"):
        raise UserError("--tokenizer applies to text; a .bin is already tokenized, leave --tokenizer out")
    from llmpar.data.corpus import check_data_path

    check_data_path(cfg.data)
    _check_data_size(cfg)

    # Checkpoints.
    if cfg.save_every is not None:
        _positive("--save-every", cfg.save_every)
        if cfg.save is None:
            raise UserError("--save-every N needs --save DIR, the folder the checkpoints go to")
    if cfg.save is not None:
        check_writable_folder(cfg.save, "--save")  # now, not when the first checkpoint is due
    if cfg.resume is not None:
        _check_resume(cfg, source[0], restarted)
    if cfg.save is not None:
        from llmpar.checkpoint.ownership import check_save_folder

        check_save_folder(cfg.save, cfg.resume)
    _positive("--max-restarts", cfg.max_restarts, allow_zero=True)
    if cfg.max_restarts and cfg.save is None:
        raise UserError(
            f"--max-restarts {cfg.max_restarts} restarts the workers from the latest checkpoint: give "
            f"--save DIR (and --save-every N) for them to resume from"
        )
    if cfg.max_restarts and torchrun_world_size() is not None:
        raise UserError(
            "--max-restarts: under torchrun, the restarts are torchrun's: give torchrun --max-restarts "
            "N instead (the restarted workers resume from --save by themselves)"
        )

    if cfg.metrics:
        check_writable_file(cfg.metrics, "--metrics")
    if cfg.summary:
        check_writable_file(cfg.summary, "--summary")
    if cfg.tensorboard is not None:
        from llmpar.train.tensorboard import check_available

        check_available()  # an optional dependency
        check_writable_folder(cfg.tensorboard, "--tensorboard")
    return cfg


def _micro_batches_from_size(cfg: TrainConfig) -> None:
    """--micro-batch-size N: micro-batches = B / (dp · N); with --micro-batches too, the two must agree."""
    _positive("--micro-batch-size", cfg.sequences_per_micro_batch)
    _positive("--global-batch-size", cfg.global_batch_size)
    assert cfg.sequences_per_micro_batch is not None  # (for mypy: _positive refuses None)
    cfg.micro_batches = micro_batches_of_size(
        cfg.global_batch_size, cfg.dp, cfg.sequences_per_micro_batch, cfg.micro_batches, f"dp {cfg.dp}"
    )


def micro_batches_of_size(B: int, dp: int, n: int, m: int | None, dp_name: str) -> int:
    """The micro-batches per replica of --micro-batch-size N with dp replicas: B / (dp · N), N dividing each
    replica's share of the batch, and `m` (--micro-batches, if given) agreeing. `dp_name`: how the messages name
    dp ("--dp 4" when it was given). Raises UserError (plan, simulate and train share it)."""
    if B % dp:
        raise UserError(
            f"--global-batch-size {B} does not divide among the {dp} data-parallel replicas ({dp_name}), so no "
            f"--micro-batch-size fits; use --global-batch-size {_nearby_multiples(B, dp)}, or another dp"
        )
    share = B // dp
    if share % n:
        near = sorted(sorted((k for k in range(1, share + 1) if share % k == 0), key=lambda k: abs(k - n))[:3])
        raise UserError(
            f"--micro-batch-size {n} does not divide the {share} sequences of each replica (--global-batch-size "
            f"{B} / {dp_name}); use --micro-batch-size {' or '.join(map(str, near))}, or another batch or dp"
        )
    if m is not None and m * n != share:
        raise UserError(
            f"--micro-batches {m} and --micro-batch-size {n} disagree: the {share} sequences of each replica "
            f"(--global-batch-size {B} / {dp_name}) make {share // n} micro-batches of {n}; give one of the two flags"
        )
    return share // n


def _checkpoint_source(cfg: TrainConfig):
    """(the checkpoint's manifest, its model config) of --resume or --init, or None. Reads only the manifest."""
    path = cfg.resume or cfg.init
    if path is None:
        return None
    flag = "--resume" if cfg.resume else "--init"
    from llmpar.checkpoint.format import Checkpoint
    from llmpar.checkpoint.hf import hf_model_config, is_hf_folder
    from llmpar.model.config import config_from_dict

    try:  # the messages name the path, not the flag
        if cfg.init is not None and is_hf_folder(path):
            return None, hf_model_config(path)
        ck = Checkpoint(path, verify=True)  # the whole manifest, and every file against its checksum
    except UserError as e:
        raise UserError(f"{flag}: {e}") from None
    train = ck.manifest.get("train", {})
    needed = ("seed", "global_batch_size", "seq_len", "optimizer_steps")
    if cfg.resume is not None and not all(isinstance(train.get(k), int) for k in needed):
        raise UserError(
            f"--resume {ck.path}: its manifest has no training state (train: "
            f"{', '.join(needed)}); it holds weights only (written by 'llmpar convert'?): start from "
            f"it with --init instead"
        )
    return ck.manifest, config_from_dict(ck.manifest["model"], f"{flag} {ck.path}")


def _check_resume(cfg: TrainConfig, manifest: dict, restarted: bool = False) -> None:
    """Resuming continues the same run: the same data order, and steps left to take."""
    train = manifest["train"]
    for flag, ours, theirs in (
        ("--seed", cfg.seed, train["seed"]),
        ("--global-batch-size", cfg.global_batch_size, train["global_batch_size"]),
        ("--seq-len", cfg.seq_len, train["seq_len"]),
    ):
        if ours != theirs:
            raise UserError(
                f"--resume: the checkpoint's run had {flag} {theirs}, this one {ours}; resuming keeps "
                f"the data order, so use {flag} {theirs} (or start a new run from the weights with "
                f"--init)"
            )
    if cfg.steps <= manifest["step"] and not restarted:  # (a restart after the last save has nothing left)
        raise UserError(
            f"--resume: the checkpoint is at step {manifest['step']} but --steps is {cfg.steps}; ask for "
            f"more steps than that"
        )


def _check_pipeline(cfg: TrainConfig) -> None:
    """What the pipeline schedules need, checked before any worker starts (so that none can hang)."""
    p, m, name = cfg.pp, cfg.micro_batches, cfg.schedule
    if name in ("interleaved", "zb") and p == 1:
        raise UserError(f"--schedule {name} is a pipeline schedule; it needs --pp 2 or more")
    if name == "interleaved":
        if cfg.virtual_stages < 2:
            raise UserError(
                "--schedule interleaved gives each rank --virtual-stages chunks; use 2 or more, or --schedule 1f1b"
            )
        if m % p:
            raise UserError(
                f"--schedule interleaved takes micro-batches {p} at a time (one per stage): "
                f"--micro-batches {m} is not a multiple of --pp {p}; use "
                f"{_nearby_multiples(m, p)}"
            )
    chunks = p * (cfg.virtual_stages if name == "interleaved" else 1)
    if chunks > cfg.model_cfg.n_layers:
        raise UserError(
            f"the model has {cfg.model_cfg.n_layers} layers, too few for {chunks} pipeline chunks "
            f"(--pp {p}"
            + (f" × --virtual-stages {cfg.virtual_stages}" if name == "interleaved" else "")
            + "); each chunk needs at least one layer: lower --pp"
            + (" or --virtual-stages" if name == "interleaved" else "")
        )


def _check_context_parallel(cfg: TrainConfig) -> None:
    """What splitting each sequence over --cp ranks needs: two equal chunks per rank (and, under sequence
    parallelism, a rank's tokens divisible by --tp); all-to-all, the heads each tp rank holds divisible by --cp."""
    from llmpar.parallel.cp_plan import layout_reason

    mc = cfg.model_cfg
    why = layout_reason(cfg.seq_len, cfg.cp, cfg.cp_mode, cfg.tp, cfg.sequence_parallel, mc.n_heads, mc.n_kv_heads)
    if why is not None:
        raise UserError(why)


def _check_tensor_parallel(cfg: TrainConfig) -> None:
    """Shapes tensor parallelism splits must divide by --tp (the vocabulary need not: it is padded)."""
    mc, t = cfg.model_cfg, cfg.tp
    if cfg.sp_save_gathered and not cfg.sequence_parallel:
        raise UserError(
            "--sp-save-gathered changes how --sequence-parallel trades memory for traffic; give "
            "--sequence-parallel with it, or leave it out"
        )
    if cfg.sequence_parallel and t == 1:
        raise UserError(
            "--sequence-parallel shards activations over the tensor-parallel ranks; it needs --tp 2 or more"
        )
    if t == 1:
        return
    fits = [k for k in range(1, mc.n_heads + 1) if mc.n_heads % k == 0 and mc.n_kv_heads % k == 0 and mc.d_ff % k == 0]
    hint = f"--tp values that fit this model: {', '.join(map(str, fits))}"
    if t > mc.n_heads:
        raise UserError(f"--tp {t} is more than the model's {mc.n_heads} attention heads; {hint}")
    for name, value in (("n_heads", mc.n_heads), ("n_kv_heads", mc.n_kv_heads), ("d_ff", mc.d_ff)):
        if value % t:
            raise UserError(f"--tp {t} splits {name} across ranks, but {name}={value} is not divisible by {t}; {hint}")


def _check_data_size(cfg: TrainConfig) -> None:
    """Enough tokens for one training and one validation window, and ids the model's vocabulary can embed."""
    from llmpar.data.batches import TokenBatches
    from llmpar.data.corpus import check_vocabulary, data_files, read_bin

    vocab = ids = None
    if cfg.data is not None and cfg.data.endswith(".bin"):
        ids, vocab = read_bin(cfg.data)
        n = len(ids)
    elif cfg.tokenizer is None:  # bytes: one token per byte, known without reading the text
        files = data_files(cfg.data)
        n = sum(os.path.getsize(f) for f in files) + len(files) - 1
        vocab = 256
    else:  # counted by the workers after tokenizing
        from llmpar.data.tokenizer import load_tokenizer

        vocab, n = load_tokenizer(cfg.tokenizer).vocab_size, None
    if vocab is not None and vocab > cfg.model_cfg.vocab_size:
        raise UserError(
            f"the data's tokenizer has {vocab} tokens but the model's vocab_size is "
            f"{cfg.model_cfg.vocab_size}; use a model config with vocab_size >= {vocab}"
        )
    # The ids themselves (of the .bin --data): a header can be wrong, and raw uint16 files have none.
    if ids is not None and cfg.data is not None:
        check_vocabulary(ids, cfg.model_cfg.vocab_size, cfg.data)
    need = TokenBatches.minimum_tokens(cfg.seq_len)
    if n is not None and n < need:
        raise UserError(
            f"--data holds {n} tokens, fewer than the {need} needed for one training and one "
            f"validation sequence of --seq-len {cfg.seq_len}; give more text or a shorter --seq-len"
        )

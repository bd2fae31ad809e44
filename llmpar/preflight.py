"""The memory pre-flight of `llmpar train`: will this layout fit this machine? Asked before any worker starts.

The cost model predicts each process's peak (`llmpar.plan.cost.process_memory`: parameters, gradients,
optimizer state, activations, the step's temporaries, the whole model while it is built, the runtime, the data).

- On a CPU the processes of a machine share its memory: the sum over this machine's processes (all of them when
  `llmpar train` spawns its workers, with the launcher; the LOCAL_WORLD_SIZE of this node under an outside
  torchrun, with its agent) is compared with what is available: MemAvailable (/proc/meminfo; the free pages where
  there is none), capped by the cgroup's limit, plus what the job's processes already hold (they are counted in
  the prediction). Every worker of a node under torchrun computes the same sum and so decides alike.
- On a GPU each process's peak is compared with its device's memory: free (`torch.cuda.mem_get_info`) on the
  device this process uses, total on those it will spawn workers for (querying them would give the launcher a
  CUDA context on every device).

A layout needs its prediction plus MARGIN. One that does not fit is refused with a one-line `UserError`: the
prediction, per process and in total, broken into its parts, and the layouts that fit (the planner's, as the
`llmpar train` flags that run them), or why none does. `--force` runs it anyway, with a warning.

The check costs a few milliseconds; the planner runs only on a refusal.
"""

from __future__ import annotations

import dataclasses
import os
import sys

from llmpar.config import FILLED_BY_VALIDATE, TrainConfig, torchrun_world_size
from llmpar.errors import UserError
from llmpar.procs import cores
from llmpar.procs import descendants as _descendants
from llmpar.procs import rss as _rss

GiB = 2**30
# A layout fits when its predicted peak, times 1 + MARGIN, is at most what is available: twice the largest
# under-prediction of the runs the model was checked on (-7.6%, ZeRO-2; docs/cost-model.md, "Memory pre-flight"),
# and more than the -13% of the effect found on held-out runs and then modelled (gloo's gather buffers).
MARGIN = 0.15
MEMINFO = "/proc/meminfo"
CGROUP_V2 = "/sys/fs/cgroup"
CGROUP_V1 = "/sys/fs/cgroup/memory"


# --- what the job's processes will need ---------------------------------------------------------------------


def _batch(cfg: TrainConfig):
    from llmpar.plan.cost import Batch

    return Batch(cfg.global_batch_size, cfg.seq_len, cfg.dtype, cfg.reduce_dtype)


def local_ranks(cfg: TrainConfig) -> list[int]:
    """The global ranks of the workers on this machine: all of them when `llmpar train` spawns them; under an
    outside launcher, this node's LOCAL_WORLD_SIZE consecutive ranks (1 if the launcher does not say)."""
    if torchrun_world_size() is None:
        return list(range(cfg.world_size))
    try:
        rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        n = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    except ValueError:
        return [0]
    first = max(0, rank - local_rank)
    return list(range(first, min(cfg.world_size, first + max(1, n))))


def data_bytes(cfg: TrainConfig) -> float:
    """Bytes of token data a worker holds: the text read and its tokens (one byte each with the byte
    tokenizer; with a Hugging Face tokenizer 4 bytes per token, about one token per 4 bytes of text, and the
    tokenizer's own structures while it encodes, counted as 2 bytes per byte of text), or a .bin's pages."""
    try:
        if cfg.data is not None and cfg.data.endswith(".bin"):
            return float(os.path.getsize(cfg.data))
        from llmpar.data.corpus import data_files

        size = float(sum(os.path.getsize(f) for f in data_files(cfg.data)))
    except (OSError, UserError):
        return 0.0
    return 2 * size if cfg.tokenizer is None else 4 * size


@dataclasses.dataclass
class Prediction:
    per_rank: dict[int, dict[str, float]]  # this machine's ranks: process_memory's parts
    launcher: float  # the launching process (0 when the worker is the launcher, or on a GPU)
    device: str

    @property
    def largest(self) -> dict[str, float]:
        return max(self.per_rank.values(), key=lambda p: p["total"])

    @property
    def total(self) -> float:
        return sum(p["total"] for p in self.per_rank.values()) + self.launcher


def predict_layout(cfg: TrainConfig, ranks: list[int] | None = None) -> Prediction:
    """The prediction for `cfg` (validated), for its ranks on this machine."""
    from llmpar.plan.cost import CPU_LAUNCHER_BYTES, ranks_memory

    ranks = local_ranks(cfg) if ranks is None else ranks
    data = data_bytes(cfg) if cfg.device == "cpu" else 0.0
    per_rank = ranks_memory(
        cfg.model_cfg, cfg.parallel_layout(), _batch(cfg), ranks, cfg.device, data, cfg.save is not None
    )
    spawned = torchrun_world_size() is not None or cfg.world_size > 1
    launcher = CPU_LAUNCHER_BYTES if cfg.device == "cpu" and spawned else 0.0
    return Prediction(per_rank, launcher, cfg.device)


def predict(cfg: TrainConfig) -> dict:
    """Bytes: "per_process" (the largest process), "total" (this machine's processes with the launcher), and
    the largest process's parts. For benchmarks and tests."""
    p = predict_layout(cfg)
    return {"per_process": p.largest["total"], "total": p.total, "parts": p.largest, "processes": len(p.per_rank)}


# --- what this machine has ----------------------------------------------------------------------------------


def _read_int(path: str) -> int | None:
    try:
        with open(path, encoding="ascii") as f:
            text = f.read().strip()
        return int(text)
    except (OSError, ValueError):
        return None


def _stat_field(path: str, key: str) -> int:
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                name, _, value = line.partition(" ")
                if name == key:
                    return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _cgroup_room() -> int | None:
    """Bytes left under this cgroup's memory limit (its reclaimable page cache counted as free), if limited."""
    limit = _read_int(os.path.join(CGROUP_V2, "memory.max"))
    if limit is not None:
        used = _read_int(os.path.join(CGROUP_V2, "memory.current")) or 0
        used -= _stat_field(os.path.join(CGROUP_V2, "memory.stat"), "inactive_file")
    else:
        limit = _read_int(os.path.join(CGROUP_V1, "memory.limit_in_bytes"))
        if limit is None or limit >= 2**60:  # unlimited
            return None
        used = _read_int(os.path.join(CGROUP_V1, "memory.usage_in_bytes")) or 0
        used -= _stat_field(os.path.join(CGROUP_V1, "memory.stat"), "total_inactive_file")
    return max(0, limit - max(0, used))


def cpu_available() -> tuple[int | None, str]:
    """(bytes available to new processes, where the figure comes from); (None, why) when it cannot be known."""
    avail, source = None, ""
    try:
        with open(MEMINFO, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    avail, source = int(line.split()[1]) * 1024, "MemAvailable"
                    break
    except (OSError, ValueError, IndexError):
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            source = "free pages"
        except (ValueError, OSError, AttributeError):
            return None, "no MemAvailable and no free-page count"
    room = _cgroup_room()
    if room is not None and room < avail:
        avail, source = room, "the cgroup's memory limit"
    return avail, source


def held_by_job() -> int:
    """Bytes the job's processes that already run hold (they are in the prediction, not in MemAvailable): this
    process; under torchrun, its agent and every worker it started (so all of a node's workers see the same
    budget, whichever has started allocating)."""
    if "TORCHELASTIC_RUN_ID" in os.environ:
        return sum(_rss(pid) for pid in _descendants(os.getppid()))
    return _rss(os.getpid())


def _gib(x: float) -> str:
    return f"{x / GiB:.2f}" if x < 10 * GiB else f"{x / GiB:.1f}"


# --- the check ----------------------------------------------------------------------------------------------


def check(cfg: TrainConfig) -> None:
    """Refuse (UserError) a layout predicted not to fit this machine, unless --force; called by `llmpar train`
    after validate()."""
    problem = _check_cuda(cfg) if cfg.device == "cuda" else _check_cpu(cfg)
    if problem is None:
        return
    if cfg.force:
        print(
            f"llmpar train: warning: memory pre-flight: {problem}; running anyway (--force)",
            file=sys.stderr,
            flush=True,
        )
        return
    raise UserError(f"memory pre-flight: {problem}; {alternatives(cfg)}, or run it anyway with --force")


def _parts(p: dict) -> str:
    """The parts of one process's predicted peak, which add up to it."""
    step = p["params"] + p["grads"] + p["optimizer"] + p["activations"] + p["temporaries"]
    training = (
        f"parameters {_gib(p['params'])} + gradients {_gib(p['grads'])} + optimizer state "
        f"{_gib(p['optimizer'])} + activations {_gib(p['activations'])} + step temporaries "
        f"{_gib(p['temporaries'])}"
    )
    building = p["build"] > step
    peak = (
        f"the whole model, which every process builds before it cuts its part, {_gib(p['build'])}"
        if building
        else training
    )
    slack = p["total"] - p["runtime"] - p["data"] - max(step, p["build"])
    out = f"{peak} + runtime {_gib(p['runtime'])}"
    if p["data"] >= 0.005 * GiB:
        out += f" + data {_gib(p['data'])}"
    out += f" + allocator slack {_gib(slack)}"
    if building:
        out += f"; training then holds {training}"
    return out


def describe(cfg: TrainConfig) -> str:
    flags = f"--dp {cfg.dp} --tp {cfg.tp} --pp {cfg.pp} --zero {cfg.zero}"
    if cfg.pp > 1:
        flags += f" --schedule {cfg.schedule}"
    if cfg.micro_batches > 1:
        flags += f" --micro-batches {cfg.micro_batches}"
    return f"{cfg.model_name} with {flags} ({cfg.dtype}, global batch {cfg.global_batch_size} × {cfg.seq_len} tokens)"


def cpu_budget() -> tuple[int | None, str]:
    avail, source = cpu_available()
    if avail is None:
        return None, source
    return avail + held_by_job(), source


def _check_cpu(cfg: TrainConfig) -> str | None:
    budget, source = cpu_budget()
    if budget is None:
        return None  # cannot know: let it run
    p = predict_layout(cfg)
    if p.total * (1 + MARGIN) <= budget:
        return None
    n = len(p.per_rank)
    big = p.largest
    each = "each" if len({round(q["total"]) for q in p.per_rank.values()}) == 1 else "the largest"
    launcher = f" + the launcher {_gib(p.launcher)}" if p.launcher else ""
    return (
        f"{describe(cfg)} is predicted to need {_gib(p.total)} GiB on this machine: {n} process"
        f"{'es' if n > 1 else ''}, {each} {_gib(big['total'])} GiB ({_parts(big)}){launcher}; {_gib(budget)} "
        f"GiB is available ({source}, with what this job holds already), and a layout needs its prediction + "
        f"{MARGIN:.0%}"
    )


def _cuda_free(cfg: TrainConfig, index: int) -> tuple[int, str]:
    """(bytes, "free" or "in all"): free on the device this process uses; the total of one it only spawns a worker
    for (reading its free memory would create a CUDA context on it, kept by the launcher all run)."""
    import torch

    if torchrun_world_size() is not None or cfg.world_size == 1:
        return int(torch.cuda.mem_get_info(index)[0]), "free"
    return int(torch.cuda.get_device_properties(index).total_memory), "in all"


def _check_cuda(cfg: TrainConfig) -> str | None:
    p = predict_layout(cfg)
    ranks = list(p.per_rank)
    if torchrun_world_size() is not None:  # this worker's own device
        ranks = [int(os.environ.get("RANK", "0"))] if int(os.environ.get("RANK", "0")) in p.per_rank else ranks[:1]
    local = local_ranks(cfg)
    for r in ranks:
        index = local.index(r) if r in local else 0
        try:
            free, what = _cuda_free(cfg, index)
        except Exception:  # noqa: BLE001 - no figure, no check
            return None
        need = p.per_rank[r]["total"]
        if need * (1 + MARGIN) > free:
            return (
                f"{describe(cfg)} is predicted to need {_gib(need)} GiB on cuda:{index} (rank {r}: "
                f"{_parts(p.per_rank[r])}), but cuda:{index} has {_gib(free)} GiB {what}, and a layout needs "
                f"its prediction + {MARGIN:.0%}"
            )
    return None


# --- what would fit instead ---------------------------------------------------------------------------------


def _fits(cfg: TrainConfig, budget: float) -> bool:
    p = predict_layout(cfg)
    if cfg.device == "cpu":
        return p.total * (1 + MARGIN) <= budget
    return p.largest["total"] * (1 + MARGIN) <= budget


def flags_of(cfg: TrainConfig, base: TrainConfig) -> str:
    """The `llmpar train` flags that turn `base` into `cfg` (the layout always given)."""
    out = [f"--dp {cfg.dp}"]
    if cfg.tp != 1:
        out.append(f"--tp {cfg.tp}")
    if cfg.pp != 1:
        out.append(f"--pp {cfg.pp}")
    if cfg.zero:
        out.append(f"--zero {cfg.zero}")
    if cfg.pp > 1 and cfg.schedule != "1f1b":
        out.append(f"--schedule {cfg.schedule}")
        if cfg.schedule == "interleaved":
            out.append(f"--virtual-stages {cfg.virtual_stages}")
    if cfg.sequence_parallel:
        out.append("--sequence-parallel")
    if cfg.micro_batches != 1:
        out.append(f"--micro-batches {cfg.micro_batches}")
    if cfg.recompute != base.recompute:
        out.append(f"--recompute {cfg.recompute}")
    if cfg.global_batch_size != base.global_batch_size:
        out.append(f"--global-batch-size {cfg.global_batch_size}")
    if cfg.seq_len != base.seq_len:
        out.append(f"--seq-len {cfg.seq_len}")
    if cfg.model != base.model:
        out.append(f"--model {cfg.model}")
    return " ".join(out)


def _hardware(cfg: TrainConfig, budget: float):
    from llmpar.plan.hardware import device_profile, hardware

    if cfg.device == "cpu":
        hw = hardware("cpu")
        return dataclasses.replace(hw, memory_bytes=budget / (1 + MARGIN), cores=cores())
    import torch

    profile = device_profile(torch.cuda.get_device_name(0)) or "h100-sxm"
    return dataclasses.replace(hardware(profile), memory_bytes=budget / (1 + MARGIN))


def _process_counts(cfg: TrainConfig) -> list[int]:
    if cfg.device == "cuda" or torchrun_world_size() is not None:
        return [cfg.world_size]  # the devices, or the processes torchrun started
    return sorted({cfg.world_size, 1, 2, 4, 8})


def fitting_layouts(cfg: TrainConfig, budget: float, top: int = 3) -> list[TrainConfig]:
    """Layouts of this model and batch that the planner ranks best and the pre-flight predicts to fit."""
    from llmpar.config import validate
    from llmpar.plan.planner import Fixed, plan

    hw = _hardware(cfg, budget)
    found = []
    for n in _process_counts(cfg):
        try:
            result = plan(cfg.model_cfg, hw, n, _batch(cfg), Fixed(), top=10)
        except UserError:
            continue
        for e in result.candidates:
            # (With or without recomputation, the fastest first; the planner's layouts have no --sp-save-gathered.)
            alt = cfg.with_layout(e.layout, nproc=None)  # (of any process count)
            try:
                validate(dataclasses.replace(alt))
            except UserError:
                continue
            if _fits(alt, budget):
                found.append((e.step_time_s, alt))
    found.sort(key=lambda x: x[0])
    out, seen = [], set()
    for _, alt in found:  # the fastest of each dp × tp × pp × ZeRO stage: distinct choices
        key = (alt.dp, alt.tp, alt.pp, alt.zero)
        if key not in seen:
            seen.add(key)
            out.append(alt)
    return out[:top]


def alternatives(cfg: TrainConfig) -> str:
    """What would fit: layouts, or a smaller batch, sequence or model."""
    budget = cpu_budget()[0] if cfg.device == "cpu" else None
    if budget is None:
        try:
            budget = _cuda_free(cfg, 0)[0]
        except Exception:  # noqa: BLE001
            return "use a smaller model, batch or sequence length"
    fits = fitting_layouts(cfg, budget)
    if fits:
        return "layouts of this run predicted to fit: " + " | ".join(flags_of(f, cfg) for f in fits)
    # No layout of this model and batch fits.
    from llmpar.plan.cost import process_memory

    one = dataclasses.replace(
        cfg, dp=1, tp=1, pp=1, zero=0, schedule="1f1b", micro_batches=1, sequence_parallel=False, sp_save_gathered=False
    )
    build = process_memory(cfg.model_cfg, one.parallel_layout(), _batch(one), device=cfg.device)["build"]
    if build * (1 + MARGIN) > budget:
        why = (
            f"no layout fits: every process first builds the whole model, {_gib(build)} GiB in "
            f"{'fp64' if cfg.dtype == 'fp64' else 'fp32'}, more than is available"
        )
    else:
        # The planner has tried micro-batches of one sequence: only shorter sequences can help.
        why = "no layout of this model and batch fits"
        for shorter in _shorter_sequences(cfg):
            found = fitting_layouts(shorter, budget, top=1)
            if found:
                return f"{why}; with shorter sequences one does: {flags_of(found[0], cfg)}"
    model = _largest_preset_that_fits(cfg, budget)
    return why + (f"; use a smaller model ({model} fits with the default layout)" if model else "; use a smaller model")


def _shorter_sequences(cfg: TrainConfig, tries: int = 3) -> list[TrainConfig]:
    out: list[TrainConfig] = []
    s = cfg.seq_len // 2
    while s >= 16 and len(out) < tries:
        out.append(dataclasses.replace(cfg, seq_len=s, sequence_parallel=False, sp_save_gathered=False))
        s //= 2
    return out


def _largest_preset_that_fits(cfg: TrainConfig, budget: float) -> str | None:
    from llmpar.config import validate
    from llmpar.model.config import PRESETS

    best = None
    for name, mc in sorted(PRESETS.items(), key=lambda kv: kv[1].num_params()):
        if mc.num_params() >= cfg.model_cfg.num_params():
            break
        alt = dataclasses.replace(
            cfg,
            model=name,
            model_config=None,
            model_cfg=FILLED_BY_VALIDATE,
            seq_len=FILLED_BY_VALIDATE,
            dp=FILLED_BY_VALIDATE,
            tp=1,
            pp=1,
            zero=0,
            schedule=FILLED_BY_VALIDATE,
            micro_batches=1,
            sequence_parallel=False,
            sp_save_gathered=False,
            resume=None,
            init=None,
            warmup=cfg.warmup,
        )
        try:
            alt = validate(alt)
        except UserError:
            continue
        if _fits(alt, budget):
            best = name
    return best

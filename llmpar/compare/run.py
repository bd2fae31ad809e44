"""Running the comparison: every layout checked before the first starts, then each trained through the real
launcher (`python -m llmpar train ...`, one after another), its metrics, summary and log kept in the report
folder, and the report written again after each layout (an interrupted comparison leaves the layouts done).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from llmpar.compare.layouts import Spec, default_layouts, parse
from llmpar.config import TrainConfig, validate
from llmpar.errors import UserError

# TrainConfig fields the comparison sets itself, or that a layout's name sets: refused on its command line.
LAYOUT_FLAGS = {
    "dp": "--dp",
    "tp": "--tp",
    "pp": "--pp",
    "cp": "--cp",
    "cp_mode": "--cp-mode",
    "zero": "--zero",
    "schedule": "--schedule",
    "virtual_stages": "--virtual-stages",
    "sequence_parallel": "--sequence-parallel",
    "recompute": "--recompute",
    "micro_batches": "--micro-batches",
    "sequences_per_micro_batch": "--micro-batch-size",
    "layout_mode": "--layout",
}
NOT_TAKEN = {
    "metrics": "--metrics",
    "summary": "--summary",
    "save": "--save",
    "save_every": "--save-every",
    "resume": "--resume",
    "max_restarts": "--max-restarts",
    "save_async": "--save-async",
}
# The comparison's own defaults for training flags, where `llmpar train`'s would make it long: a comparison
# is many runs. (--seq-len: 128, or the model's context if shorter.)
DEFAULTS = {"steps": 30, "eval_sequences": 32, "sample_tokens": 0}
DEFAULT_SEQ_LEN = 128


@dataclass
class Run:
    """One row of the comparison: a layout of llmpar (or a peer: torch's own equivalent) and what became of it."""

    spec: Spec
    cfg: TrainConfig  # validated
    argv: list[str]  # the command that runs it
    folder: str  # its metrics, summary and log, under the report folder
    peer: str | None = None
    status: str = "pending"  # pending | ok | failed
    error: str | None = None
    wall_s: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.peer} ({self.spec.name})" if self.peer else self.spec.name

    @property
    def metrics(self) -> str:
        return os.path.join(self.folder, "metrics.jsonl")

    @property
    def summary(self) -> str:
        return os.path.join(self.folder, "summary.json")

    @property
    def log(self) -> str:
        return os.path.join(self.folder, "log.txt")


def given_fields(train_config_fields: dict) -> dict:
    """The training flags of the comparison's command line (those given, and its own defaults), refusing the ones
    a layout's name or the comparison sets."""
    for key, flag in LAYOUT_FLAGS.items():
        if train_config_fields.get(key) is not None and key != "layout_mode":
            raise UserError(f"{flag}: each layout says it in its name (e.g. dp2-zero1, pp2-gpipe-m4, tp2-sp, full)")
    if train_config_fields.get("layout_mode") is not None:
        raise UserError("--layout: compare runs the layouts it is given (or its default set), not --layout auto")
    for key, flag in NOT_TAKEN.items():
        value = train_config_fields.get(key)
        if value not in (None, False, 0):
            raise UserError(f"{flag}: compare writes each layout's metrics and summary under -o and saves nothing")
    given = {k: v for k, v in train_config_fields.items() if v is not None}
    for key in ("nproc", "hardware", "hardware_config"):
        given.pop(key, None)
    return given


def prepare(layout_names: list[str], given: dict, nproc: int, out: str, peers: bool) -> tuple[list[Run], list[str]]:
    """Every run, validated before any starts: its configuration, its command and its folder; and with `peers`,
    why a layout's twin cannot run, for those that have one that cannot (bf16, a model it cannot split)."""
    base = validate(TrainConfig(**{**given, "dp": 1}))  # the model and batch the default layouts are fitted to
    if "seq_len" not in given:
        given = {**given, "seq_len": min(DEFAULT_SEQ_LEN, base.seq_len)}
    if layout_names:
        specs = [parse(n) for n in layout_names]
    else:
        specs = default_layouts(nproc, base.model_cfg, base.global_batch_size)
    names = [s.name for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UserError(f"layout {twice[0]!r} is given twice; each layout runs once")
    runs: list[Run] = []
    skipped: list[str] = []
    for spec in specs:
        if spec.processes > nproc:
            raise UserError(
                f"layout {spec.name!r} needs {spec.processes} processes and --nproc is {nproc}; give --nproc "
                f"{spec.processes} or a smaller layout"
            )
        fields = {**given, **spec.train_fields(), "progress": False}
        folder = os.path.join(out, "runs", f"{len(runs) + 1:02d}-{spec.name}")
        if given.get("tensorboard") is not None:  # each layout's curves in a folder of its own, named as it is
            fields["tensorboard"] = os.path.join(given["tensorboard"], spec.name)
        fields["metrics"] = os.path.join(folder, "metrics.jsonl")
        fields["summary"] = os.path.join(folder, "summary.json")
        try:
            cfg = validate(TrainConfig(**fields))
        except UserError as e:
            raise UserError(f"layout {spec.name!r}: {e}") from None
        runs.append(Run(spec, cfg, [sys.executable, "-m", "llmpar", "train", *train_argv(fields)], folder))
        if peers:
            twin = _peer_run(spec, cfg, fields, out, len(runs))
            if isinstance(twin, Run):
                runs.append(twin)
            elif twin is not None:
                skipped.append(twin)
    return runs, skipped


def _peer_run(spec: Spec, cfg: TrainConfig, fields: dict, out: str, index: int) -> Run | str | None:
    """The torch-native twin of this layout (`llmpar.compare.peers`), checked as its own command would check
    it; None if the layout has none, or why it cannot run."""
    from llmpar.compare import peers

    peer = peers.peer_for(cfg.layout())
    if peer is None:
        return None
    folder = os.path.join(out, "runs", f"{index + 1:02d}-{peer}-{spec.name}")
    fields = {
        **fields,
        "metrics": os.path.join(folder, "metrics.jsonl"),
        "summary": os.path.join(folder, "summary.json"),
        "tensorboard": None,  # (llmpar's runs only)
    }
    args = ["--peer", peer, *train_argv(fields)]
    try:
        peers.prepare(peers.build_parser().parse_args(args))
    except UserError as e:
        return f"{peer} ({spec.name}): {e}"
    return Run(spec, cfg, [sys.executable, "-m", peers.PROG, *args], folder, peer=peer)


def train_argv(fields: dict) -> list[str]:
    """`llmpar train`'s flags for these TrainConfig fields (those that differ from its defaults)."""
    import argparse

    from llmpar.cli import train_flag_parser

    defaults = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    argv: list[str] = []
    for action in train_flag_parser()._actions:
        if action.dest not in fields or not action.option_strings:
            continue
        value = fields[action.dest]
        if value == defaults.get(action.dest):
            continue
        option = action.option_strings[0]
        if isinstance(action, argparse.BooleanOptionalAction):
            argv.append(option if value else f"--no-{option[2:]}")
        elif action.nargs == 0:  # store_true / store_false: given when it differs from the default
            argv.append(option)
        else:
            argv += [option, str(value)]
    return argv


def run_all(runs: list[Run], on_done) -> None:
    """Run each layout in turn; `on_done(run)` after each (the report is written again). A SIGTERM stops the
    comparison as Ctrl-C does: the run in progress is stopped with it (KeyboardInterrupt)."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        _run_each(runs, on_done)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_each(runs: list[Run], on_done) -> None:
    from tqdm import tqdm

    live = sys.stderr.isatty()
    for i, run in enumerate(runs, 1):
        os.makedirs(run.folder, exist_ok=True)
        steps = run.cfg.steps
        bar = tqdm(total=steps, desc=f"[{i}/{len(runs)}] {run.name}", unit="step", leave=False, disable=not live)
        start = time.perf_counter()
        with open(run.log, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(run.argv, stdout=log, stderr=subprocess.STDOUT)
            try:
                while proc.poll() is None:
                    time.sleep(0.5)
                    bar.update(_lines(run.metrics) - bar.n)
            finally:  # interrupted (Ctrl-C, SIGTERM): the run stops with the comparison
                if proc.poll() is None:
                    proc.terminate()  # (SIGTERM: the run stops its workers)
                    try:
                        proc.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
        bar.close()
        run.wall_s = time.perf_counter() - start
        if proc.returncode == 0 and os.path.isfile(run.summary):
            run.status = "ok"
        else:
            run.status = "failed"
            run.error = _failure(run.log, proc.returncode)
        on_done(run)
        what = "ok" if run.status == "ok" else f"FAILED: {run.error}"
        print(f"llmpar compare: [{i}/{len(runs)}] {run.name}: {what} ({run.wall_s:.0f} s)", file=sys.stderr, flush=True)


def _lines(path: str) -> int:
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    except OSError:
        return 0


def _failure(log_path: str, code: int) -> str:
    """What the failed run said: its error lines, or the end of its log."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    said = [line for line in lines if "error" in line.lower() or "failed" in line.lower()]
    text = " ".join((said or lines)[-2:]) or "no output"
    return f"exit status {code}: {text[:600]}"


def check_output_folder(out: str, overwrite: bool) -> None:
    """-o must be new, or (with --overwrite) an earlier comparison's report, which is then replaced."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise UserError(f"-o {out}: is a file; give a folder for the report")
    if os.path.isdir(out) and os.listdir(out):
        if not overwrite:
            raise UserError(f"-o {out}: the folder exists; give another, or --overwrite to replace its report")
        if not os.path.isfile(os.path.join(out, "results.json")):
            raise UserError(
                f"-o {out}: the folder holds something other than a comparison's report; --overwrite replaces "
                f"only a report of llmpar compare (with results.json): give a new folder"
            )
    from llmpar.paths import check_writable_folder

    check_writable_folder(out, "-o")


def clear_output_folder(out: str) -> None:
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)


def read_metrics(path: str) -> list[dict]:
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                lines.append(json.loads(line))
    return lines

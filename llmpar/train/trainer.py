"""The training loop of one worker: build, parallelize, step, measure, report.

config -> mesh and communication -> plain model -> parallelize -> for each step:
    for each micro-batch: forward, loss / global tokens, backward   (DP reduces on the last one)
    global gradient norm, clip, AdamW step -> metrics line
-> validation loss, a generated sample, the summary
"""

from __future__ import annotations

import datetime
import gc
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

from llmpar.checkpoint.api import open_weights
from llmpar.checkpoint.ownership import restart_count
from llmpar.checkpoint.state import (
    AsyncSaver,
    load_optimizer,
    save,
)
from llmpar.comm import Comm
from llmpar.config import TrainConfig
from llmpar.data import TokenBatches, describe_data, load_tokenizer, load_tokens
from llmpar.errors import TrainingError, UserError
from llmpar.inference.scoring import score
from llmpar.mesh import TRAFFIC_AXES, Mesh
from llmpar.model import build_model
from llmpar.parallel.context_parallel import shard_sequence, unshard_sequence
from llmpar.parallel.parallelize import TORCH_DTYPES, parallelize
from llmpar.pipeline.executor import PipelineExecutor
from llmpar.procs import cores
from llmpar.train.faults import injected_fault
from llmpar.train.lr import lr_at
from llmpar.train.metrics import (
    MetricsWriter,
    peak_flops,
    peak_memory_bytes,
    unique_bytes,
)
from llmpar.train.preempt import Preempted, requested
from llmpar.train.report import Progress, print_summary
from llmpar.train.tensorboard import TensorBoardWriter
from llmpar.watchdog import Watchdog, default_store


def init_distributed(cfg: TrainConfig) -> tuple[int, torch.device]:
    """Join the process group (when there is more than one process); pick this rank's device and threads."""
    rank = int(os.environ.get("RANK", 0))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", 1))
    if cfg.device == "cuda":
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
        torch.set_num_threads(max(1, cores() // local_world))  # processes on one machine share its cores
    if cfg.world_size > 1 and not dist.is_initialized():
        dist.init_process_group(
            "nccl" if cfg.device == "cuda" else "gloo",
            timeout=datetime.timedelta(seconds=cfg.timeout),
            device_id=device if cfg.device == "cuda" else None,
        )
    return rank, device


class Trainer:
    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        self.rank, self.device = init_distributed(cfg)
        # Every worker says what it is doing, so that a peer that times out waiting for it can name it.
        self.watchdog = Watchdog(self.rank, default_store()) if cfg.world_size > 1 else None
        self.mesh = Mesh(dp=cfg.dp, tp=cfg.tp, pp=cfg.pp, rank=self.rank, cp=cfg.cp)
        self.comm = Comm(self.mesh, self.watchdog)
        self.saver = AsyncSaver() if cfg.save_async else None
        self.stop_requested = 0.0  # set by each step's reduction: some rank was asked to stop (preemption)
        self.is_logger = self.rank == 0
        self.val_accuracy: float | None = None

        self.tokenizer = load_tokenizer(cfg.tokenizer)
        tokens, _ = load_tokens(cfg.data, self.tokenizer)
        self.batches = TokenBatches(tokens, cfg.seq_len, cfg.seed)
        if self.batches.n_windows < 1 or self.batches.n_val_windows < 1:
            raise UserError(
                f"--data holds {len(tokens)} tokens, too few for one training and one validation "
                f"sequence of --seq-len {cfg.seq_len}; give more text or a shorter --seq-len"
            )

        # The plain model, with the single-process weights; then the transformations, in order (llmpar.parallel.
        # parallelize): TP, the pipeline split (where a checkpoint's or a Hugging Face model's weights are read,
        # each rank its own slices, any layout), DP/ZeRO.
        self.model = build_model(cfg.model_cfg, cfg.seed, dtype=TORCH_DTYPES[cfg.dtype], device=self.device)
        self.start_step, weights = 0, None
        self.resumed_from = None
        source = cfg.resume or cfg.init
        if source:
            _, weights = open_weights(source)
            if cfg.resume:
                self.resumed_from = weights
        self.parallel = parallelize(self.model, self.mesh, self.comm, cfg, self.device, weights)
        self.engine = self.parallel.engine
        if cfg.resume:
            assert weights is not None  # opened above
            load_optimizer(weights, self.engine, self.parallel.placements)
            self.start_step = weights.step
        # Each rank holds seq_len / cp tokens of every sequence (context parallelism).
        self.executor = PipelineExecutor(
            self.parallel, (cfg.micro_batch_size, cfg.seq_len // cfg.cp), TORCH_DTYPES[cfg.dtype]
        )
        p, pp_rank = cfg.pp, self.mesh.coords["pp"]
        # The loss is computed on the last stage, by every rank of its tp group: counted on one. Under context
        # parallelism each cp rank's loss is the sum over its own tokens: the parts add up.
        self.owns_loss = self.mesh.coords["tp"] == 0 and pp_rank == p - 1
        # Collective forwards (ZeRO-3's gathers, TP's reductions, the pipeline, CP's attention): every rank takes
        # part in sampling.
        self.all_sample = cfg.zero == 3 or cfg.tp > 1 or p > 1 or cfg.cp > 1
        self.tokens_per_step = cfg.global_batch_size * cfg.seq_len
        self.peak = peak_flops(self.device, cfg.dtype)
        self.flops_per_token = cfg.model_cfg.flops_per_token(cfg.seq_len)

    def train_step(self, step: int) -> dict:
        """One optimizer step (step counts from 0). Returns this rank's measurements."""
        cfg = self.cfg
        start = time.perf_counter()
        lr = lr_at(step + 1, lr=cfg.lr, warmup=cfg.warmup, steps=cfg.steps, schedule=cfg.lr_schedule)
        self.engine.zero_grad()
        self.parallel.meter.reset_peak()
        dp_rank = self.mesh.coords["dp"]

        def micro_batch(i):
            tokens, targets = self.batches.micro_batch(
                step, cfg.global_batch_size, cfg.dp, dp_rank, cfg.micro_batches, i
            )
            return self.local_tokens(tokens), self.local_tokens(targets)  # (targets shifted before the split)

        loss_sum, timeline = self.executor.run(micro_batch, self.tokens_per_step)
        loss_part = loss_sum if self.owns_loss else torch.zeros_like(loss_sum)
        grad_norm = self.engine.clip_grad_norm_(cfg.grad_clip)
        self.engine.step(lr)
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return {
            "loss_part": loss_part,
            "grad_norm": grad_norm,
            "lr": lr,
            "step_time_s": time.perf_counter() - start,
            "comm": self.comm.take_counts(),
            "timeline": timeline,
        }

    def local_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """This rank's part of each sequence of a (B, T) batch: all of it, or under context parallelism its two
        chunks of the balanced split (llmpar.parallel.context_parallel)."""
        if self.cfg.cp == 1:
            return x
        return shard_sequence(x, self.cfg.cp, self.mesh.coords["cp"], dim=1)

    def reduce_metrics(self, step: int, m: dict) -> dict:
        """Combine the ranks' measurements into the metrics line: the loss summed, per-rank figures maxed."""
        comm, timeline = m["comm"], m["timeline"]
        span = timeline[-1][4] if timeline else 0.0  # from the step's start to this rank's last computation
        # The last entry: whether this rank was asked to stop (preemption); any rank's request stops them all.
        per_rank = torch.tensor(
            [
                m["step_time_s"],
                *(comm[axis] for axis in TRAFFIC_AXES),
                unique_bytes(self.engine.held_tensors()),
                self.parallel.meter.peak,
                peak_memory_bytes(self.device),
                span,
                float(requested() is not None),
            ],
            dtype=torch.float64,
            device=self.device,
        )
        busy = sum(end - begin for _, _, _, begin, end in timeline)
        summed = torch.stack([m["loss_part"], torch.tensor(busy, dtype=torch.float64, device=self.device)])
        self.comm.all_reduce(per_rank, "world", op="max")
        self.comm.all_reduce(summed, "world", op="sum")
        step_time, *traffic, state, act, peak, span, self.stop_requested = per_rank.tolist()
        loss, busy = summed.tolist()
        tokens_per_s = self.tokens_per_step / step_time
        # The pipeline's idle share: compute time of all ranks over (ranks × the longest rank's span).
        bubble = max(0.0, 1.0 - busy / (self.cfg.world_size * span)) if self.cfg.pp > 1 and span > 0 else 0.0
        return {
            "step": step + 1,
            "loss": float(loss),
            "grad_norm": m["grad_norm"],
            "lr": m["lr"],
            "tokens": self.tokens_per_step,
            "step_time_s": step_time,
            "tokens_per_s": tokens_per_s,
            "mfu": (self.flops_per_token * tokens_per_s / self.cfg.world_size / self.peak) if self.peak else None,
            "comm_bytes": {axis: int(b) for axis, b in zip(TRAFFIC_AXES, traffic)},
            "model_state_bytes": int(state),
            "activation_bytes": int(act),
            "peak_mem_bytes": int(peak),
            "bubble_fraction": bubble,
            "layout": self.cfg.layout(),
            **({"timeline": self.gather_timeline(timeline)} if self.cfg.pp > 1 else {}),
        }

    def gather_timeline(self, timeline: list[tuple]) -> list[list] | None:
        """Every pipeline rank's compute actions (of this rank's dp/tp position) as [kind, micro-batch, chunk,
        start s, end s]; on rank 0 only. Bookkeeping traffic, not counted as pipeline transfers."""
        kinds = "FBW"
        local = torch.tensor(
            [[kinds.index(k), i, c, b, e] for k, i, c, b, e in timeline], dtype=torch.float64, device=self.device
        )
        everyone = torch.empty((self.cfg.pp, *local.shape), dtype=torch.float64, device=self.device)
        self.comm.all_gather(everyone.view(-1), local.view(-1), "pp", count=False)
        if not self.is_logger:
            return None
        return [
            [[kinds[int(k)], int(i), int(c), round(b, 6), round(e, 6)] for k, i, c, b, e in rank.tolist()]
            for rank in everyone
        ]

    @torch.no_grad()
    def validation_loss(self) -> tuple[float | None, str | None]:
        """Mean token cross-entropy over the held-out sequences, shared out equally among the replicas (every
        replica runs the same number of forward passes: ZeRO-3's gathers are collective); or None and why not."""
        dp, r = self.cfg.dp, self.mesh.coords["dp"]
        n = min(self.cfg.eval_sequences, self.batches.n_val_windows) // dp * dp
        if n == 0:
            if self.cfg.eval_sequences == 0:
                return None, "skipped (--eval-sequences 0)"
            return None, (
                f"skipped: the held-out data has {self.batches.n_val_windows} sequence(s) of --seq-len "
                f"{self.cfg.seq_len} and --eval-sequences is {self.cfg.eval_sequences}, fewer than one "
                f"per data-parallel replica ({dp}); give more data, or a shorter --seq-len"
            )
        lo, hi = r * n // dp, (r + 1) * n // dp
        total = torch.zeros(3, dtype=torch.float64, device=self.device)  # loss, correct predictions, tokens
        b = self.cfg.micro_batch_size
        for start in range(lo, hi, b):
            seq = self.batches.val_samples(start, min(b, hi - start))
            inputs, targets = self.local_tokens(seq[:, :-1]), self.local_tokens(seq[:, 1:])
            logits = self.executor.forward_only(inputs)
            if logits is not None:  # the last stage: every rank of its tp group scores (the logits are split)
                loss, correct = score(self.parallel.tp, logits, targets.to(self.device))
                if self.owns_loss:  # (each cp rank its own tokens)
                    total += torch.stack(
                        [
                            loss,
                            correct,
                            torch.tensor(float(targets.numel()), dtype=torch.float64, device=self.device),
                        ]
                    )
        self.comm.all_reduce(total, "world", op="sum")
        self.val_accuracy = float(total[1] / total[2])  # next-token accuracy, as `llmpar eval` reports it
        return float(total[0] / total[2]), None

    @torch.no_grad()
    def sample(self, prompt: str = "def ", temperature: float = 0.8) -> str:
        """A short continuation of the prompt, sampled from the trained model (seeded)."""
        ids = torch.as_tensor(self.tokenizer.encode(prompt), dtype=torch.int64)[None].to(self.device)
        g = torch.Generator(device=self.device).manual_seed(self.cfg.seed)
        cp = self.cfg.cp
        # The sequence must split evenly over SP's tp ranks and CP's 2·cp chunks: pad after (causal: no effect
        # before). seq_len is a multiple of this (validated), so the padded window fits the model.
        multiple = math.lcm(2 * cp if cp > 1 else 1, cp * self.cfg.tp if self.cfg.sequence_parallel else 1)
        for _ in range(self.cfg.sample_tokens):
            window = ids[:, -self.cfg.seq_len :]
            n = window.size(1)
            window = F.pad(window, (0, -n % multiple))
            out = self.executor.forward_only(self.local_tokens(window))  # logits on the last pipeline stage
            next_id = torch.zeros(1, dtype=torch.int64, device=self.device)
            if out is not None:
                full = self.parallel.tp.full_logits(out)
                if cp > 1:  # every cp rank's tokens, back in order (bookkeeping: not counted as traffic)
                    parts = torch.empty((cp, *full.shape), dtype=full.dtype, device=full.device)
                    self.comm.all_gather(parts.view(-1), full.contiguous().view(-1), "cp", count=False)
                    full = unshard_sequence(list(parts), cp, dim=1)
                # Only ids the tokenizer can decode: a model's vocabulary may be padded beyond the tokenizer's.
                logits = full[0, n - 1, : self.tokenizer.vocab_size].float()
                next_id = torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=g)
            self.comm.broadcast(next_id, "pp", src_index=self.cfg.pp - 1, count=False)
            ids = torch.cat([ids, next_id[None]], dim=1)
        return self.tokenizer.decode(ids[0].tolist())

    def run(self) -> dict:
        cfg = self.cfg
        if self.is_logger:
            print(
                f"llmpar: training {cfg.model_name} ({cfg.model_cfg.num_params() / 1e6:.2f}M parameters) on "
                f"{cfg.world_size} process(es), dp={cfg.dp} tp={cfg.tp} pp={cfg.pp}"
                f"{f' cp={cfg.cp} ({cfg.cp_mode})' if cfg.cp > 1 else ''}, {cfg.device}, {cfg.dtype}; "
                f"data: {describe_data(cfg.data, len(self.batches.train) + len(self.batches.val))}",
                flush=True,
            )
            for line in self.resume_notes():
                print(f"llmpar: {line}", flush=True)
            if (
                os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
                and int(os.environ.get("TORCHELASTIC_MAX_RESTARTS", "0") or 0) > 0
            ):
                print(
                    "llmpar: warning: torchrun shares its rendezvous store with the workers, and restarted workers "
                    "can then fail to connect (pytorch#135712); run torchrun with "
                    "TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1 in its environment",
                    file=sys.stderr,
                    flush=True,
                )
        # After the first line: a bar drawn before it would be overwritten by it.
        writer = MetricsWriter(cfg.metrics if self.is_logger else None, keep_until=self.start_step)
        board = TensorBoardWriter(cfg.tensorboard if self.is_logger else None, start_step=self.start_step)
        progress = Progress(cfg, enabled=self.is_logger and cfg.progress, initial=self.start_step)
        try:
            try:
                start = time.perf_counter()
                first, last = self._train(writer, board, progress)
            finally:
                progress.close()
                writer.close()
            return self._finish(first, last, time.perf_counter() - start, board)
        finally:
            board.close()  # (after the validation scalars)
            self.close()

    def close(self) -> None:
        """Stop the heartbeat and take the engine's hooks off the model (idempotent). `run` does it; whoever
        builds a Trainer without running it, too."""
        if self.watchdog is not None:
            self.watchdog.close()
        if getattr(self, "parallel", None) is not None:
            self.parallel.close()

    def _train(self, writer, board, progress) -> tuple[dict | None, dict | None]:
        """The steps (from the one resumed), with their saves; the first and last metrics lines."""
        cfg = self.cfg
        first = last = None
        fault = injected_fault()
        activity = self.watchdog.activity if self.watchdog else None
        for step in range(self.start_step, cfg.steps):
            if activity:
                activity.at(step + 1, "training")
            if fault == (self.rank, step + 1, "step"):
                raise RuntimeError(f"injected fault (LLMPAR_INJECT_FAULT) on rank {self.rank} at step {step + 1}")
            if fault == (self.rank, step + 1, "sleep"):
                time.sleep(3600)  # a rank that stops making progress
            record = self.reduce_metrics(step, self.train_step(step))
            writer.write(record)
            board.write(record)
            progress.update(record)
            first = first or record
            last = record
            if not math.isfinite(record["loss"]):
                hint = ", or use --dtype fp32" if cfg.dtype == "bf16" else ""
                raise TrainingError(
                    f"the loss is {record['loss']} at step {step + 1}, so training cannot go on; "
                    f"lower --lr (now {cfg.lr:g}) or --grad-clip (now {cfg.grad_clip:g}){hint}"
                )
            stop = self.stop_requested > 0 and cfg.save is not None and step + 1 < cfg.steps
            if cfg.save and (stop or (cfg.save_every and (step + 1) % cfg.save_every == 0) or step + 1 == cfg.steps):
                if activity:
                    activity.at(step + 1, "saving")
                where = self.save(step + 1, crash=fault == (self.rank, step + 1, "save"), now=stop)
                if self.is_logger and where:
                    progress.note(f"saved {where}")
            if stop:
                raise Preempted(step + 1, self.save_folder(step + 1), requested() or "a stop request")
        if self.saver is not None:
            self.saver.wait()  # the last checkpoint is complete before the run says it is done
        return first, last

    def _finish(self, first: dict | None, last: dict | None, elapsed: float, board: TensorBoardWriter) -> dict:
        """Validation, the closing sample and the summary."""
        cfg = self.cfg
        activity = self.watchdog.activity if self.watchdog else None
        if activity:
            activity.at(cfg.steps, "validation")
        val_loss, val_why = self.validation_loss()
        board.write_validation(cfg.steps, val_loss, self.val_accuracy)
        summary = {
            "first_loss": first and first["loss"],
            "final_loss": last and last["loss"],
            "val_loss": val_loss,
            "val_why": val_why,
            "val_accuracy": self.val_accuracy,
            "elapsed_s": elapsed,
            "first_step": self.start_step + 1,
            "tokens_per_s": (cfg.steps - self.start_step) * self.tokens_per_step / elapsed if last else None,
        }
        if cfg.sample_tokens > 0 and (self.is_logger or self.all_sample):  # they sample alike
            if activity:
                activity.at(cfg.steps, "sampling")
            try:
                summary["sample"] = self.sample()
            except Exception as e:  # noqa: BLE001 - the run is done and saved; a failed sample must not fail it
                summary["sample_error"] = f"{type(e).__name__}: {e}"
        if self.is_logger:
            print_summary(cfg, summary)
            if cfg.summary:
                from llmpar.checkpoint.format import write_json_atomic

                write_json_atomic(cfg.summary, summary)
        return summary

    def save(self, step: int, crash: bool = False, now: bool = False) -> str | None:
        """Save the checkpoint of `step`: in the background with --save-async (unless `now`), else at once.
        Returns the folder when it is complete (on rank 0), None while it is being written."""
        if self.saver is None:
            return save(self.parallel, self.cfg, step, crash=crash)
        self.saver.wait()  # one background save at a time: the previous one is complete first
        if now:
            return save(self.parallel, self.cfg, step, crash=crash)
        save(self.parallel, self.cfg, step, crash=crash, background=self.saver, timeout=self.cfg.timeout)
        return None

    def save_folder(self, step: int) -> str | None:
        from llmpar.checkpoint.format import step_dir

        return step_dir(self.cfg.save, step) if self.cfg.save else None

    def resume_notes(self) -> list[str]:
        """What a resumed run should know: where it continues from, and how its learning rate continues."""
        ck = self.resumed_from
        if ck is None:
            return []
        cfg, train = self.cfg, ck.manifest.get("train", {})
        notes = [f"resuming from {ck.path} (step {ck.step})"]
        restarts = restart_count()
        if restarts:
            limit = os.environ.get("TORCHELASTIC_MAX_RESTARTS", "?")
            notes[0] = f"restart {restarts} of {limit} after a worker failed: {notes[0]}"
        planned = {k: train.get(k) for k in ("steps", "warmup", "lr", "lr_schedule")}
        ours = {"steps": cfg.steps, "warmup": cfg.warmup, "lr": cfg.lr, "lr_schedule": cfg.lr_schedule}
        changed = [k for k in ours if planned[k] is not None and planned[k] != ours[k]]
        if changed and ck.step < cfg.steps:
            was = ", ".join(f"--{k.replace('_', '-')} {planned[k]}" for k in changed)
            now = ", ".join(f"--{k.replace('_', '-')} {ours[k]}" for k in changed)
            old = lr_at(
                ck.step,
                lr=planned["lr"] or cfg.lr,
                warmup=planned["warmup"] or 0,
                steps=planned["steps"] or cfg.steps,
                schedule=planned["lr_schedule"] or cfg.lr_schedule,
            )
            new = lr_at(ck.step + 1, lr=cfg.lr, warmup=cfg.warmup, steps=cfg.steps, schedule=cfg.lr_schedule)
            notes.append(
                f"the learning-rate schedule follows this run's flags ({now}; the checkpoint's run had "
                f"{was}): the rate was {old:.3g} at step {ck.step} and is {new:.3g} at step {ck.step + 1}"
            )
        return notes


def train(cfg: TrainConfig) -> dict:
    """Run this process's part of the job (the config is already validated)."""
    trainer = None
    try:
        trainer = Trainer(cfg)
        return trainer.run()
    finally:
        if trainer is not None:
            trainer.close()
        # The trainer holds the mesh's process groups: let them go first, so that destroying the groups joins
        # their communication threads now, not during interpreter shutdown (where gloo aborts the process).
        del trainer
        gc.collect()
        if dist.is_initialized():
            dist.destroy_process_group()

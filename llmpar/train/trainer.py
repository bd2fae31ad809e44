"""The training loop of one worker: build, parallelize, step, measure, report.

    config -> mesh and communication -> plain model -> parallelize -> for each step:
        for each micro-batch: forward, loss / global tokens, backward   (DP reduces on the last one)
        global gradient norm, clip, AdamW step -> metrics line
    -> validation loss, a generated sample, the summary
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

from llmpar.comm import Comm
from llmpar.config import TrainConfig
from llmpar.data import TokenBatches, describe_data, load_tokenizer, load_tokens
from llmpar.mesh import Mesh
from llmpar.checkpoint.api import open_weights
from llmpar.checkpoint.state import load_optimizer, load_weights, placements, save
from llmpar.errors import UserError
from llmpar.model import build_model
from llmpar.parallel import data_parallel
from llmpar.parallel.tensor_parallel import apply_tensor_parallel
from llmpar.pipeline.executor import PipelineExecutor
from llmpar.pipeline.schedules import make_schedule
from llmpar.pipeline.stages import split_model
from llmpar.pipeline.zero_bubble import DeferredWeightGrads
from llmpar.train.lr import lr_at
from llmpar.train.metrics import MetricsWriter, SavedTensorMeter, peak_flops, peak_memory_bytes, unique_bytes

PARAM_DTYPES = {"fp32": torch.float32, "bf16": torch.float32, "fp64": torch.float64}  # bf16: fp32 master weights


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
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        torch.set_num_threads(max(1, cores // local_world))  # processes on one machine share its cores
    if cfg.world_size > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if cfg.device == "cuda" else "gloo",
                                timeout=datetime.timedelta(seconds=cfg.timeout),
                                device_id=device if cfg.device == "cuda" else None)
    return rank, device


class Trainer:
    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        self.rank, self.device = init_distributed(cfg)
        self.mesh = Mesh(dp=cfg.dp, tp=cfg.tp, pp=cfg.pp, rank=self.rank)
        self.comm = Comm(self.mesh)
        self.is_logger = self.rank == 0

        self.tokenizer = load_tokenizer(cfg.tokenizer)
        tokens, _ = load_tokens(cfg.data, self.tokenizer)
        self.batches = TokenBatches(tokens, cfg.seq_len, cfg.seed)
        if self.batches.n_windows < 1 or self.batches.n_val_windows < 1:
            raise UserError(f"--data holds {len(tokens)} tokens, too few for one training and one validation "
                            f"sequence of --seq-len {cfg.seq_len}; give more text or a shorter --seq-len")

        # The plain model, with the single-process weights; then the transformations, in order: TP, the pipeline
        # split, DP/ZeRO.
        self.model = build_model(cfg.model_cfg, cfg.seed, dtype=PARAM_DTYPES[cfg.dtype], device=self.device)
        self.tp = apply_tensor_parallel(self.model, self.comm, cfg.sequence_parallel, cfg.sp_save_gathered)
        p, pp_rank = cfg.pp, self.mesh.coords["pp"]
        v = cfg.virtual_stages if cfg.schedule == "interleaved" else 1
        chunks = split_model(self.model, pp_rank, p, v, cfg.seq_len)
        self.schedule = make_schedule(cfg.schedule, p, cfg.micro_batches, v)
        # Starting from a checkpoint or a Hugging Face model: this rank's slices of the weights, any layout.
        self.placements = placements(self.model, self.tp, self.mesh)
        self.start_step, weights = 0, None
        if cfg.resume or cfg.init:
            _, weights = open_weights(cfg.resume or cfg.init)
            load_weights(weights, self.placements)
        skip, partial = self._shared_parameters(chunks)
        self.engine = data_parallel(self.model, self.comm, cfg.zero, cfg.lr, cfg.weight_decay,
                                    skip_in_norm=skip, partial_grads=partial)
        if cfg.resume:
            load_optimizer(weights, self.engine, self.placements)
            self.start_step = weights.step
        self.meter = SavedTensorMeter(self.model.parameters())  # after the engine: it may move the parameters
        deferred = DeferredWeightGrads(self.model, self.meter) if cfg.schedule == "zb" else None
        seq = cfg.seq_len // cfg.tp if cfg.sequence_parallel else cfg.seq_len
        self.executor = PipelineExecutor(self.schedule, pp_rank, chunks, self.comm, self.engine,
                                         self.tp.cross_entropy_sum, (cfg.micro_batch_size, seq, cfg.model_cfg.d_model),
                                         PARAM_DTYPES[cfg.dtype], self.device, self.autocast, self.meter, deferred,
                                         sequence_shards=cfg.tp if cfg.sequence_parallel else 1)
        # The loss is computed on the last stage, by every rank of its tp group: counted on one.
        self.owns_loss = self.mesh.coords["tp"] == 0 and pp_rank == p - 1
        # Collective forwards (ZeRO-3's gathers, TP's reductions, the pipeline): every rank takes part in sampling.
        self.all_sample = cfg.zero == 3 or cfg.tp > 1 or p > 1
        self.tokens_per_step = cfg.global_batch_size * cfg.seq_len
        self.peak = peak_flops(self.device, cfg.dtype)
        self.flops_per_token = cfg.model_cfg.flops_per_token(cfg.seq_len)

    def _shared_parameters(self, chunks) -> tuple[set, dict]:
        """Which gradients are partial sums to add over an axis, and which parameters another rank counts in the
        gradient norm: tp-replicated norms (SP makes their gradients partial), and a tied embedding split
        between the first and the last pipeline stage."""
        skip = set(self.tp.replicated) if self.mesh.coords["tp"] != 0 else set()
        # In the model's parameter order, the same on every rank: their sums are collectives.
        partial = {param: ("tp",) for param in self.model.parameters() if param in self.tp.partial_grads}
        if self.cfg.pp > 1 and self.cfg.model_cfg.tie_embeddings:
            first, last = chunks[0].first, chunks[-1].last
            if first or last:
                tied = self.model.tok_emb.weight if first else self.model.head.weight
                partial[tied] = partial.get(tied, ()) + ("pp_ends",)
                if last and not first:
                    skip.add(tied)
        return skip, partial

    def autocast(self):
        if self.cfg.dtype == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def train_step(self, step: int) -> dict:
        """One optimizer step (step counts from 0). Returns this rank's measurements."""
        cfg = self.cfg
        start = time.perf_counter()
        lr = lr_at(step + 1, lr=cfg.lr, warmup=cfg.warmup, steps=cfg.steps, schedule=cfg.lr_schedule)
        self.engine.zero_grad()
        self.meter.reset_peak()
        dp_rank = self.mesh.coords["dp"]

        def micro_batch(i):
            return self.batches.micro_batch(step, cfg.global_batch_size, cfg.dp, dp_rank, cfg.micro_batches, i)

        loss_sum, timeline = self.executor.run(micro_batch, self.tokens_per_step)
        loss_part = loss_sum if self.owns_loss else torch.zeros_like(loss_sum)
        grad_norm = self.engine.clip_grad_norm_(cfg.grad_clip)
        self.engine.step(lr)
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return {"loss_part": loss_part, "grad_norm": grad_norm, "lr": lr, "step_time_s": time.perf_counter() - start,
                "comm": self.comm.take_counts(), "timeline": timeline}

    def reduce_metrics(self, step: int, m: dict) -> dict:
        """Combine the ranks' measurements into the metrics line: the loss summed, per-rank figures maxed."""
        comm, timeline = m["comm"], m["timeline"]
        span = timeline[-1][4] if timeline else 0.0  # from the step's start to this rank's last computation
        per_rank = torch.tensor([m["step_time_s"], comm["dp"], comm["tp"], comm["pp"],
                                 unique_bytes(self.engine.held_tensors()), self.meter.peak,
                                 peak_memory_bytes(self.device), span], dtype=torch.float64, device=self.device)
        busy = sum(end - begin for _, _, _, begin, end in timeline)
        summed = torch.stack([m["loss_part"], torch.tensor(busy, dtype=torch.float64, device=self.device)])
        self.comm.all_reduce(per_rank, "world", op="max")
        self.comm.all_reduce(summed, "world", op="sum")
        step_time, c_dp, c_tp, c_pp, state, act, peak, span = per_rank.tolist()
        loss, busy = summed.tolist()
        tokens_per_s = self.tokens_per_step / step_time
        # The pipeline's idle share: compute time of all ranks over (ranks × the longest rank's span).
        bubble = max(0.0, 1.0 - busy / (self.cfg.world_size * span)) if self.cfg.pp > 1 and span > 0 else 0.0
        return {
            "step": step + 1, "loss": float(loss), "grad_norm": m["grad_norm"], "lr": m["lr"],
            "tokens": self.tokens_per_step, "step_time_s": step_time, "tokens_per_s": tokens_per_s,
            "mfu": (self.flops_per_token * tokens_per_s / self.cfg.world_size / self.peak) if self.peak else None,
            "comm_bytes": {"dp": int(c_dp), "tp": int(c_tp), "pp": int(c_pp)},
            "model_state_bytes": int(state), "activation_bytes": int(act), "peak_mem_bytes": int(peak),
            "bubble_fraction": bubble, "layout": self.cfg.layout(),
            **({"timeline": self.gather_timeline(timeline)} if self.cfg.pp > 1 else {}),
        }

    def gather_timeline(self, timeline: list[tuple]) -> list[list] | None:
        """Every pipeline rank's compute actions (of this rank's dp/tp position) as [kind, micro-batch, chunk,
        start s, end s]; on rank 0 only. Bookkeeping traffic, not counted as pipeline transfers."""
        kinds = "FBW"
        local = torch.tensor([[kinds.index(k), i, c, b, e] for k, i, c, b, e in timeline], dtype=torch.float64,
                             device=self.device)
        everyone = torch.empty((self.cfg.pp, *local.shape), dtype=torch.float64, device=self.device)
        self.comm.all_gather(everyone.view(-1), local.view(-1), "pp", count=False)
        if not self.is_logger:
            return None
        return [[[kinds[int(k)], int(i), int(c), round(b, 6), round(e, 6)] for k, i, c, b, e in rank.tolist()]
                for rank in everyone]

    @torch.no_grad()
    def validation_loss(self) -> float | None:
        """Mean token cross-entropy over the held-out sequences, shared out equally among the replicas (every
        replica runs the same number of forward passes: ZeRO-3's gathers are collective)."""
        dp, r = self.cfg.dp, self.mesh.coords["dp"]
        n = min(self.cfg.eval_sequences, self.batches.n_val_windows) // dp * dp
        if n == 0:
            return None
        lo, hi = r * n // dp, (r + 1) * n // dp
        total = torch.zeros(2, dtype=torch.float64, device=self.device)
        b = self.cfg.micro_batch_size
        for start in range(lo, hi, b):
            seq = self.batches.val_samples(start, min(b, hi - start))
            loss = self.executor.forward_only(seq[:, :-1], seq[:, 1:])
            if self.owns_loss:
                total[0] += loss.double()
                total[1] += seq[:, 1:].numel()
        self.comm.all_reduce(total, "world", op="sum")
        return float(total[0] / total[1])

    @torch.no_grad()
    def sample(self, prompt: str = "def ", temperature: float = 0.8) -> str:
        """A short continuation of the prompt, sampled from the trained model (seeded)."""
        ids = torch.as_tensor(self.tokenizer.encode(prompt), dtype=torch.int64)[None].to(self.device)
        g = torch.Generator(device=self.device).manual_seed(self.cfg.seed)
        for _ in range(self.cfg.sample_tokens):
            window = ids[:, -self.cfg.seq_len:]
            n = window.size(1)
            if self.cfg.sequence_parallel:  # the sequence must split evenly: pad after (causal: no effect before)
                window = F.pad(window, (0, -n % self.cfg.tp))
            out = self.executor.forward_only(window)  # logits on the last pipeline stage
            next_id = torch.zeros(1, dtype=torch.int64, device=self.device)
            if out is not None:
                logits = self.tp.full_logits(out)[0, n - 1].float()
                next_id = torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=g)
            self.comm.broadcast(next_id, "pp", src_index=self.cfg.pp - 1, count=False)
            ids = torch.cat([ids, next_id[None]], dim=1)
        return self.tokenizer.decode(ids[0].tolist())

    def run(self) -> dict:
        cfg = self.cfg
        writer = MetricsWriter(cfg.metrics if self.is_logger else None)
        progress = Progress(cfg, enabled=self.is_logger and cfg.progress)
        if self.is_logger:
            print(f"llmpar: training {cfg.model_name} ({cfg.model_cfg.num_params() / 1e6:.2f}M parameters) on "
                  f"{cfg.world_size} process(es), dp={cfg.dp} tp={cfg.tp} pp={cfg.pp}, {cfg.device}, {cfg.dtype}; "
                  f"data: {describe_data(cfg.data)}", flush=True)
        first = last = None
        start = time.perf_counter()
        fault = injected_fault()
        try:
            for step in range(self.start_step, cfg.steps):
                if fault == (self.rank, step + 1, "step"):
                    raise RuntimeError(f"injected fault (LLMPAR_INJECT_FAULT) on rank {self.rank} at step {step + 1}")
                record = self.reduce_metrics(step, self.train_step(step))
                writer.write(record)
                progress.update(record)
                first = first or record
                last = record
                if not math.isfinite(record["loss"]):
                    raise FloatingPointError(f"the loss is {record['loss']} at step {step + 1}; "
                                             f"lower --lr or use --dtype fp32")
                if cfg.save and ((cfg.save_every and (step + 1) % cfg.save_every == 0) or step + 1 == cfg.steps):
                    where = save(self, step + 1, crash=fault == (self.rank, step + 1, "save"))
                    if self.is_logger:
                        progress.note(f"saved {where}")
        finally:
            progress.close()
            writer.close()
        elapsed = time.perf_counter() - start
        summary = {"first_loss": first["loss"], "final_loss": last["loss"], "val_loss": self.validation_loss(),
                   "tokens_per_s": (cfg.steps - self.start_step) * self.tokens_per_step / elapsed, "elapsed_s": elapsed,
                   "first_step": first["step"]}
        if cfg.sample_tokens > 0 and (self.is_logger or self.all_sample):  # they sample alike
            summary["sample"] = self.sample()
        if self.is_logger:
            print_summary(cfg, summary)
        return summary


def injected_fault() -> tuple[int, int, str] | None:
    """LLMPAR_INJECT_FAULT=RANK:STEP makes that rank raise at that step; RANK:save:STEP, while it saves the
    checkpoint of that step (after writing its part, before the checkpoint is complete). How the tests check
    that one failed worker ends the whole job with its message, and that a crashed save loses nothing."""
    value = os.environ.get("LLMPAR_INJECT_FAULT")
    if not value:
        return None
    parts = value.split(":")
    if len(parts) == 3:
        return int(parts[0]), int(parts[2]), parts[1]
    return int(parts[0]), int(parts[1]), "step"


class Progress:
    """A progress bar with loss, tokens/s and ETA on a terminal; a plain line every tenth of the run otherwise."""

    def __init__(self, cfg: TrainConfig, enabled: bool):
        self.cfg, self.enabled, self.bar = cfg, enabled, None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=cfg.steps, unit="step", dynamic_ncols=True, file=sys.stderr)

    def update(self, r: dict) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{r['loss']:.4f}", tok_s=f"{r['tokens_per_s']:,.0f}", refresh=False)
            self.bar.update(1)
        elif r["step"] == 1 or r["step"] % max(1, self.cfg.steps // 10) == 0 or r["step"] == self.cfg.steps:
            print(f"step {r['step']:>6}/{self.cfg.steps}  loss {r['loss']:.4f}  lr {r['lr']:.2e}  "
                  f"{r['tokens_per_s']:,.0f} tok/s", file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def print_summary(cfg: TrainConfig, s: dict) -> None:
    val = f"{s['val_loss']:.4f}" if s["val_loss"] is not None else "n/a"
    minutes, seconds = divmod(int(s["elapsed_s"]), 60)
    lines = [
        f"llmpar: done, steps {s['first_step']}-{cfg.steps} in {minutes}m{seconds:02d}s",
        f"  loss          {s['first_loss']:.4f} (step {s['first_step']}) -> {s['final_loss']:.4f} (step {cfg.steps})",
        f"  validation    {val}",
        f"  throughput    {s['tokens_per_s']:,.0f} tokens/s",
    ]
    if s.get("sample"):
        text = "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in s["sample"])
        lines.append(f"  sample        ({cfg.sample_tokens} tokens after the prompt, temperature 0.8)")
        lines += ["    | " + line for line in text.splitlines()]
    if cfg.metrics:
        lines.append(f"  metrics       {cfg.metrics}")
    print("\n".join(lines), flush=True)


def train(cfg: TrainConfig) -> dict:
    """Run this process's part of the job (the config is already validated)."""
    trainer = None
    try:
        trainer = Trainer(cfg)
        return trainer.run()
    finally:
        # The trainer holds the mesh's process groups: let them go first, so that destroying the groups joins
        # their communication threads now, not during interpreter shutdown (where gloo aborts the process).
        del trainer
        gc.collect()
        if dist.is_initialized():
            dist.destroy_process_group()

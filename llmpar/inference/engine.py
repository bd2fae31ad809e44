"""What each worker of `llmpar generate` runs: its part of the model, and the pipelined generation loop.

The model is cut as for training (llmpar.parallel.parallelize.shard_for_inference): tensor parallelism splits
the heads (and so the KV cache) and the vocabulary, the pipeline keeps one chunk of layers per stage.
Data-parallel replicas take contiguous shares of the prompts and run independently; rank 0 gathers the results.

The pipeline schedule. A replica's prompts are split into G groups (G = pp by default). Every rank visits the
items (round t, group g) in the same order, t outer, g inner; round 0 is the prefill of the group's prompts,
round t > 0 feeds the token sampled in round t-1. Stage s runs item (t, g) when its input has arrived: the
activation from stage s-1, or on stage 0 the group's previous tokens. Transfers are non-blocking sends, so while
group g travels down the pipeline stage 0 works on groups g+1, g+2, ...: with G >= pp every stage is busy in
the steady state, and the bubble is the fill and drain of the pipeline at the start and the end (measured, and
reported as `bubble_fraction`). The last stage samples and sends each group's tokens (with their
log-probabilities, one fp64 pair per sequence) to every other stage: each rank then knows every token, decides
alike when a sequence or a group is finished, and rank 0 can stream them.

Every item depends only on items earlier in the common order ((t, g, s) on (t, g, s-1), and (t, g, 0) on
(t-1, g, pp-1)), and sends never wait for their receiver: the loop cannot deadlock.

Context parallelism (cp > 1) splits each group's prompts across the cp ranks of every stage for the prefill, and
their KV cache for the whole run (llmpar.inference.cp_cache); the stages' transfers go between ranks of the same
cp index. The new tokens are fed to every cp rank. The prompts' last slot is on cp rank 0 (the last chunk is its),
so that rank of the last stage samples, and broadcasts the tokens to the other cp ranks of its stage, each of which
sends them on to the earlier stages of its cp index.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field

import torch
import torch.distributed as dist

from llmpar.comm import Comm
from llmpar.inference.cache import KVCache
from llmpar.inference.config import GenerateJob, Job
from llmpar.inference.cp_cache import context_parallel_cache, padded_width
from llmpar.inference.sampler import Sampler, sequence_generator
from llmpar.mesh import TRAFFIC_AXES, Mesh

FINISH = ("length", "eos", "stop")  # why a sequence ended (its code in the gathered results)


class RankModel:
    """This rank's part of the model, in the job's layout."""

    def __init__(self, job: Job, rank: int, device: torch.device):
        from llmpar.checkpoint.api import open_weights
        from llmpar.model.transformer import Transformer
        from llmpar.parallel.context_parallel import apply_context_parallel
        from llmpar.parallel.parallelize import TORCH_DTYPES, shard_for_inference

        self.job, self.device = job, device
        self.mesh = Mesh(dp=job.dp, tp=job.tp, pp=job.pp, rank=rank, cp=job.cp)
        self.comm = Comm(self.mesh)
        self.dtype = TORCH_DTYPES[job.dtype]
        model = Transformer(job.model_cfg).to(device=device, dtype=self.dtype)
        _, weights = open_weights(job.source)
        self.tp, chunks = shard_for_inference(model, self.mesh, self.comm, weights)
        # With cp > 1, a forward without a cache (eval's windows) attends as training does, on this rank's part of
        # the sequence; a cached one (generation) as its cache does (llmpar.inference.cp_cache).
        self.cp = apply_context_parallel(model, self.comm, job.cp_mode)
        self.model, self.chunk = model.eval(), chunks[0]
        self.stage, self.stages = self.mesh.coords["pp"], self.mesh.pp
        self.first, self.last = self.chunk.first, self.chunk.last
        self.cp_rank = self.mesh.coords["cp"]

    def replica_share(self, n: int) -> tuple[int, int]:
        """The contiguous items [lo, hi) of n that this rank's data-parallel replica takes (ceil(n/dp) each)."""
        per = -(-n // self.mesh.dp)
        r = self.mesh.coords["dp"]
        return min(n, r * per), min(n, (r + 1) * per)

    def receive(self, shape: tuple[int, ...], dtype: torch.dtype, peer: int):
        buf = torch.empty(shape, dtype=dtype, device=self.device)
        return buf, self.comm.irecv(buf, peer)

    def local_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """This rank's part of (B, W) token rows (W divisible by 2·cp): its chunks of the balanced split."""
        from llmpar.parallel.context_parallel import shard_sequence

        return shard_sequence(x, self.mesh.cp, self.cp_rank, dim=1)


@dataclass
class Group:
    """Sequences that travel through the pipeline together, left-padded to the longest prompt."""

    indices: list[int]  # the prompts' positions in the input
    prompts: list[list[int]]
    width: int  # the padded prompts' length (with cp, a multiple of 2·cp)
    cache: KVCache
    generators: list[torch.Generator]
    tokens: list[list[int]] = field(default_factory=list)
    logprobs: list[list[float]] = field(default_factory=list)
    finish: list[int] = field(default_factory=list)  # index into FINISH; -1 while running

    @property
    def done(self) -> bool:
        return all(f >= 0 for f in self.finish)

    def prompt_batch(self, device) -> torch.Tensor:
        rows = [[0] * (self.width - len(p)) + p for p in self.prompts]
        return torch.tensor(rows, dtype=torch.int64, device=device)


class Generation:
    """The generation loop of one rank."""

    def __init__(self, rm: RankModel, job: GenerateJob, tokenizer, on_token=None):
        self.rm, self.job, self.tokenizer, self.on_token = rm, job, tokenizer, on_token
        self.sampler = Sampler(job.sampling, job.allowed)
        self.busy = 0.0  # seconds of computation on this rank
        self.prefill_end = 0.0  # when this rank finished its part of round 0
        self.cache_bytes = 0

    def groups(self, lo: int, hi: int) -> list[Group]:
        job, device = self.job, self.rm.device
        n = hi - lo
        count = min(job.groups or self.rm.stages, n)
        out = []
        for k in range(count):
            a, b = lo + k * n // count, lo + (k + 1) * n // count
            prompts = job.prompts[a:b]
            width = max(len(p) for p in prompts)
            if self.rm.cp is not None:
                width = padded_width(width, self.rm.cp.n)
            pad = torch.tensor([width - len(p) for p in prompts], dtype=torch.int64, device=device)
            out.append(
                Group(
                    indices=list(range(a, b)),
                    prompts=prompts,
                    width=width,
                    cache=self.cache(pad, width),
                    generators=[sequence_generator(job.sampling.seed, i) for i in range(a, b)],
                    tokens=[[] for _ in prompts],
                    logprobs=[[] for _ in prompts],
                    finish=[-1] * len(prompts),
                )
            )
        return out

    def cache(self, pad: torch.Tensor, width: int) -> KVCache:
        rm, new = self.rm, self.job.max_new_tokens
        if rm.cp is None:
            return KVCache(pad, width + new - 1)

        def gather(out: torch.Tensor, inp: torch.Tensor):
            return rm.comm.all_gather(out, inp, "cp")

        return context_parallel_cache(self.job.cp_mode, pad, width, new, rm.cp, gather)

    def run(self) -> tuple[list[Group], float]:
        """Generate for this replica's prompts. Returns its groups (every rank knows every token) and the time."""
        rm, job = self.rm, self.job
        lo, hi = rm.replica_share(len(job.prompts))
        groups = self.groups(lo, hi) if hi > lo else []
        d = job.model_cfg.d_model
        pending: dict[int, tuple] = {}  # group -> the receive of its latest tokens (stages before the last)
        sends = []
        start = time.perf_counter()
        for t in range(job.max_new_tokens):
            for g, group in enumerate(groups):
                if t > 0:
                    if not rm.last:
                        buf, handle = pending.pop(g)
                        handle.wait()
                        self.record(group, buf, t - 1)
                    if group.done:
                        continue
                B, T = len(group.prompts), group.width // rm.mesh.cp if t == 0 else 1
                if rm.first:
                    x = rm.local_tokens(group.prompt_batch(rm.device)) if t == 0 else self.last_tokens(group)
                else:
                    buf, handle = rm.receive((B, T, d), rm.dtype, rm.stage - 1)
                    handle.wait()
                    x = buf
                t0 = time.perf_counter()
                with torch.no_grad():
                    group.cache.begin(T)
                    out = rm.chunk(x, group.cache)
                    group.cache.end(T)
                    if rm.last:
                        message = self.sample(group, out)
                self.busy += time.perf_counter() - t0
                if rm.last:
                    sends += [rm.comm.isend(message.contiguous(), s) for s in range(rm.stages - 1)]
                    self.record(group, message, t)
                else:
                    sends.append(rm.comm.isend(out.contiguous(), rm.stage + 1))
                    pending[g] = rm.receive((B, 2), torch.float64, rm.stages - 1)
            if t == 0:
                self.prefill_end = time.perf_counter() - start
        for g, (buf, handle) in sorted(pending.items()):  # the last round's tokens
            handle.wait()
            self.record(groups[g], buf, job.max_new_tokens - 1)
        for handle in sends:
            handle.wait()
        self.cache_bytes = sum(group.cache.nbytes() for group in groups)
        return groups, time.perf_counter() - start

    def sample(self, group: Group, out: torch.Tensor) -> torch.Tensor:
        """The last stage's choice of each sequence's next token from its last slot's output: (B, 2) of token id
        and log-probability (ids are exact in fp64). With cp, rank 0 of the cp group (which holds the last slot)
        chooses and the others receive its choice."""
        rm = self.rm
        message = torch.empty((out.size(0), 2), dtype=torch.float64, device=rm.device)
        if rm.cp_rank == 0:
            logits = rm.tp.full_logits(out[:, -1:])[:, 0]  # (B, vocab)
            ids, lps = self.sampler.choose(logits, group.generators)
            message = torch.stack([ids.double(), lps], dim=1)
        rm.comm.broadcast(message, "cp")
        return message

    @staticmethod
    def last_tokens(group: Group) -> torch.Tensor:
        device = group.cache.pad.device
        return torch.tensor([[seq[-1] if seq else 0] for seq in group.tokens], dtype=torch.int64, device=device)

    def record(self, group: Group, message: torch.Tensor, t: int) -> None:
        """Add round t's tokens to the sequences still running; mark those that end."""
        job = self.job
        rows = message.tolist()
        for i, (token, logprob) in enumerate(rows):
            if group.finish[i] >= 0:
                group.tokens[i].append(group.tokens[i][-1])  # (fed again, never reported)
                continue
            token = int(token)
            group.tokens[i].append(token)
            group.logprobs[i].append(logprob)
            if self.on_token is not None and group.indices[i] == 0:
                self.on_token(token)
            if token in job.eos_ids:
                group.finish[i] = FINISH.index("eos")
            elif job.stop and any(s in self.tokenizer.decode(group.tokens[i]) for s in job.stop):
                group.finish[i] = FINISH.index("stop")
            elif t == job.max_new_tokens - 1:
                group.finish[i] = FINISH.index("length")

    def gather(self, groups: list[Group]) -> list[dict] | None:
        """Every replica's results, in prompt order, on rank 0 (None elsewhere)."""
        rm, job = self.rm, self.job
        n, new = len(job.prompts), job.max_new_tokens
        per = -(-n // rm.mesh.dp)
        table = torch.full((per, 2 * new + 2), -1.0, dtype=torch.float64, device=rm.device)
        row = 0
        for group in groups:
            for i, index in enumerate(group.indices):
                count = len(group.logprobs[i])
                table[row, 0], table[row, 1] = index, group.finish[i]
                table[row, 2 : 2 + count] = torch.tensor(group.tokens[i][:count], dtype=torch.float64)
                table[row, 2 + new : 2 + new + count] = torch.tensor(group.logprobs[i], dtype=torch.float64)
                row += 1
        everyone = torch.empty((rm.mesh.dp, *table.shape), dtype=torch.float64, device=rm.device)
        rm.comm.all_gather(everyone.view(-1), table.view(-1), "dp")
        if rm.mesh.rank != 0:
            return None
        results = []
        for entry in everyone.reshape(-1, table.size(1)).cpu().tolist():
            if entry[0] < 0:
                continue
            ids = [int(x) for x in entry[2 : 2 + new] if x >= 0]
            results.append(
                {
                    "index": int(entry[0]),
                    "prompt_ids": job.prompts[int(entry[0])],
                    "token_ids": ids,
                    "logprobs": entry[2 + new : 2 + new + len(ids)],
                    "finish": FINISH[int(entry[1])],
                }
            )
        return sorted(results, key=lambda r: r["index"])


def in_worker(job: Job, run):
    """Join the job's process group, `run(job, rank, device)`, and leave the group whatever happens: the body of
    every inference worker (a function of its own each, so that the launcher can start it)."""
    from llmpar.train.trainer import init_distributed

    rank, device = init_distributed(job)  # type: ignore[arg-type]  # (reads device, world_size and timeout)
    try:
        return run(job, rank, device)
    finally:
        gc.collect()
        if dist.is_initialized():
            dist.destroy_process_group()


def stats(rm: RankModel, job: GenerateJob, run: Generation, groups: list[Group], elapsed: float) -> dict:
    """The run's measurements: maxima over ranks, the pipeline's bubble, tokens per second."""
    comm = rm.comm.take_counts()
    prompt_tokens = sum(len(p) for group in groups for p in group.prompts)
    new_tokens = sum(len(lp) for group in groups for lp in group.logprobs)
    per_rank = torch.tensor(
        [elapsed, run.prefill_end, run.cache_bytes, *(comm[a] for a in TRAFFIC_AXES)],
        dtype=torch.float64,
        device=rm.device,
    )
    summed = torch.tensor([run.busy, prompt_tokens, new_tokens], dtype=torch.float64, device=rm.device)
    rm.comm.all_reduce(per_rank, "world", op="max", count=False)
    rm.comm.all_reduce(summed, "world", op="sum", count=False)
    elapsed, prefill, cache_bytes, *traffic = per_rank.tolist()
    busy, prompt_tokens, new_tokens = summed.tolist()
    replicas_ranks = rm.mesh.tp * rm.mesh.pp * rm.mesh.cp  # each token was counted by every rank of its replica
    prompt_tokens /= replicas_ranks
    new_tokens /= replicas_ranks
    decode = max(elapsed - prefill, 1e-12)
    return {
        "elapsed_s": elapsed,
        "prefill_s": prefill,
        "decode_s": decode,
        "prompt_tokens": int(prompt_tokens),
        "new_tokens": int(new_tokens),
        "prefill_tokens_per_s": prompt_tokens / max(prefill, 1e-12),
        "decode_tokens_per_s": new_tokens / decode,
        "ms_per_token": 1000 * decode / max(1, job.max_new_tokens - 1),
        "bubble_fraction": max(0.0, 1 - busy / (rm.mesh.world_size * elapsed)) if rm.mesh.pp > 1 else 0.0,
        "cache_bytes_per_rank": int(cache_bytes),
        "comm_bytes": {axis: int(b) for axis, b in zip(TRAFFIC_AXES, traffic)},
        "layout": layout_of(job),
    }


def layout_of(job: Job) -> dict:
    """The layout as generate's stats and eval's result report it (cp_mode only with cp > 1)."""
    layout: dict = {"dp": job.dp, "tp": job.tp, "pp": job.pp, "cp": job.cp}
    if job.cp > 1:
        layout["cp_mode"] = job.cp_mode
    return layout


def generate_worker(job: GenerateJob) -> dict | None:
    """One worker's part of a generate run; rank 0 returns {"results": [...], "stats": {...}}."""
    return in_worker(job, run_generate)


def run_generate(job: GenerateJob, rank: int, device: torch.device) -> dict | None:
    """Generate with an already joined process group (several jobs can share one launch: the tests)."""
    from llmpar.inference.config import load_job_tokenizer
    from llmpar.inference.output import Streamer

    tokenizer = load_job_tokenizer(job.tokenizer, job.model_cfg.vocab_size)
    rm = RankModel(job, rank, device)
    streamer = Streamer(tokenizer, eos_ids=job.eos_ids, stop=job.stop) if job.stream and rank == 0 else None
    run = Generation(rm, job, tokenizer, streamer.add if streamer else None)
    groups, elapsed = run.run()
    if streamer is not None:
        streamer.close()
    results = run.gather(groups)
    measured = stats(rm, job, run, groups, elapsed)
    if rank != 0:
        return None
    return {"results": results, "stats": measured, "pid": os.getpid()}


__all__ = ["Comm", "Generation", "RankModel", "generate_worker", "run_generate"]

"""`llmpar eval`: mean token loss, perplexity and next-token accuracy of a model on held-out text, any layout.

The sequences are windows of seq_len + 1 tokens cut as training cuts them (llmpar.data.TokenBatches): by default
the held-out split of the checkpoint's own training data, the same windows the training summary's validation
uses, so the two give the same numbers. Data-parallel replicas take contiguous shares; each replica runs its
batches through its pipeline (stage 0 starts batch k+1 while batch k is further down); the last stage scores:

    loss      the summed token cross-entropy, computed as training computes it (on the vocabulary shards
              under tensor parallelism)
    correct   tokens whose most likely next token (argmax of the gathered logits) is the target

With context parallelism each window is split across the cp ranks as training splits it (the balanced chunks;
seq_len divisible by 2·cp), attended by training's operators (--cp-mode), and each cp rank scores its tokens.
"""

from __future__ import annotations

import math

import torch

from llmpar.inference.config import EvalJob


def score(tp, logits: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(summed cross-entropy, correct next-token predictions) of (B, T, V or V/t) logits; the training loop's
    validation calls it too."""
    loss = tp.cross_entropy_sum(logits, targets).double()
    correct = (tp.full_logits(logits).argmax(dim=-1) == targets).sum().double()
    return loss, correct


def eval_windows(job: EvalJob):
    """The (n, seq_len + 1) windows the job scores."""
    from llmpar.data import TokenBatches, load_tokens
    from llmpar.inference.config import load_job_tokenizer

    tokens, _ = load_tokens(job.data, load_job_tokenizer(job.tokenizer, job.model_cfg.vocab_size))
    batches = TokenBatches(tokens, job.seq_len, seed=0)
    if job.held_out:
        n = batches.n_val_windows
        take = n if job.sequences == 0 else min(job.sequences, n)
        return batches.val_samples(0, take) if take else torch.zeros((0, job.seq_len + 1), dtype=torch.int64)
    S = job.seq_len
    n = (len(tokens) - 1) // S
    take = n if job.sequences == 0 else min(job.sequences, n)
    import numpy as np

    rows = [tokens[w * S : w * S + S + 1] for w in range(take)]
    return torch.from_numpy(np.stack(rows).astype(np.int64)) if rows else torch.zeros((0, S + 1), dtype=torch.int64)


def run_eval(job: EvalJob, rank: int, device: torch.device) -> dict | None:
    from llmpar.inference.engine import RankModel, layout_of

    rm = RankModel(job, rank, device)
    windows = eval_windows(job)
    lo, hi = rm.replica_share(len(windows))
    mine = windows[lo:hi]
    total = torch.zeros(3, dtype=torch.float64, device=device)  # loss, correct, tokens
    sends = []
    d, T = job.model_cfg.d_model, job.seq_len // job.cp  # this rank's tokens of a window
    with torch.no_grad():
        for start in range(0, len(mine), job.batch_size):
            batch = mine[start : start + job.batch_size].to(device)
            x, y = rm.local_tokens(batch[:, :-1]), rm.local_tokens(batch[:, 1:])  # (targets shifted, then split)
            if not rm.first:
                x, handle = rm.receive((len(batch), T, d), rm.dtype, rm.stage - 1)
                handle.wait()
            out = rm.chunk(x)
            if rm.last:
                loss, correct = score(rm.tp, out, y)
                total += torch.stack([loss, correct, torch.tensor(float(y.numel()), dtype=torch.float64)])
            else:
                sends.append(rm.comm.isend(out.contiguous(), rm.stage + 1))
    for handle in sends:
        handle.wait()
    if not (rm.last and rm.mesh.coords["tp"] == 0):
        total.zero_()  # counted once per replica: by its last stage's first tp rank (each cp rank its tokens)
    rm.comm.all_reduce(total, "world", count=False)
    loss, correct, tokens = total.tolist()
    if rank != 0:
        return None
    mean = loss / tokens if tokens else float("nan")
    return {
        "loss": mean,
        "perplexity": math.exp(mean) if tokens else float("nan"),
        "accuracy": correct / tokens if tokens else float("nan"),
        "sequences": len(windows),
        "tokens": int(tokens),
        "seq_len": job.seq_len,
        "layout": layout_of(job),
    }


def eval_worker(job: EvalJob) -> dict | None:
    """One worker's part of an eval run; rank 0 returns the scores."""
    from llmpar.inference.engine import in_worker

    return in_worker(job, run_eval)

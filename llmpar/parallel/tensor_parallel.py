"""Tensor parallelism (Shoeybi et al., 2019) with sequence parallelism (Korthikanti et al., 2022), applied to the
plain model as a transformation. Which weight splits how is the table `tp_plan.TP_PLAN`; the split layers are
`linear.ParallelLinear`s. With t = the tp size:

    attention   wq, wk, wv split by columns (heads: n_heads/t query heads and n_kv_heads/t kv heads per rank,
                so grouped-query attention pairs each query head with its own kv head locally); wo by rows
    MLP         w1 (and w3) by columns, w2 by rows
    embedding   split by vocabulary rows; the vocabulary is padded to a multiple of t with rows that are
                never looked up and whose logits are excluded from the softmax, so the loss is unchanged
    output      the head split by vocabulary (tied: the embedding's own shard); the cross-entropy is computed
                on the vocabulary shards, never gathering the logits: three all-reduces of one number per token
    norms, the biases of row-parallel layers, learned positions: replicated

Each group of column-parallel layers that reads one input (q/k/v; w1/w3; the head) enters the tensor-parallel
region once, and each row-parallel layer leaves it:

    without SP   enter: copy_to_tp (identity; all-reduce of the input's gradient)
                 leave: reduce_from_tp (all-reduce of the partial sums)
    with SP      the residual stream, norms and positions hold 1/t of the sequence
                 enter: all-gather the sequence (reduce-scatter of the gradient). The column layers save only
                        the rank's sequence shard and gather it again in backward for their weight gradient,
                        so no full-sequence activation is kept (`linear.SequenceShardInput`)
                 leave: reduce-scatter to the sequence (all-gather of the gradient)
                 (`--sp-save-gathered` keeps the gathered input instead: TP's traffic exactly, more memory)

Under SP the replicated parameters see only part of the sequence: their gradients are partial and are summed
over the tp group before the data-parallel reduction (the engines do it; see `partial_grads`).
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, cast

import torch
import torch.nn as nn
import torch.nn.functional as F

from llmpar.comm import Comm
from llmpar.parallel import tp_plan
from llmpar.parallel.linear import ParallelLinear, SequenceShardInput, use_parallel_linears
from llmpar.parallel.tp_mappings import copy_to_tp, gather_from_sequence, reduce_from_tp, reduce_scatter_to_sequence

if TYPE_CHECKING:
    from llmpar.model.transformer import Transformer


class VocabParallelEmbedding(nn.Module):
    """The embedding table split by rows of the padded vocabulary; looks up its own ids and sums the ranks'."""

    is_lookup = True  # its gradient does not read the table (ZeRO-3 skips gathering it for backward)

    def __init__(self, full: nn.Embedding, rank: int, size: int, comm: Comm, sequence_parallel: bool):
        super().__init__()
        vocab = full.num_embeddings
        self.rows = -(-vocab // size)  # padded vocabulary / size
        self.start = rank * self.rows
        table = torch.zeros(self.rows, full.embedding_dim, dtype=full.weight.dtype, device=full.weight.device)
        real = max(0, min(vocab - self.start, self.rows))  # rows of this shard that are real tokens
        table[:real] = full.weight.detach()[self.start : self.start + real]
        self.weight = nn.Parameter(table)
        self.comm, self.sequence_parallel = comm, sequence_parallel

    def forward(self, ids):
        outside = (ids < self.start) | (ids >= self.start + self.rows)
        h = F.embedding((ids - self.start).masked_fill(outside, 0), self.weight)
        h = h.masked_fill(outside.unsqueeze(-1), 0.0)
        return reduce_scatter_to_sequence(h, self.comm) if self.sequence_parallel else reduce_from_tp(h, self.comm)


class _VocabParallelCrossEntropy(torch.autograd.Function):
    """Per-token cross-entropy from logits split by vocabulary, without gathering them (Megatron-LM)."""

    @staticmethod
    def forward(ctx, logits, target, start, valid, comm):
        # logits: (N, V/t) this rank's columns; target: (N,) global ids. Columns >= valid are padding.
        logits = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits.clone()
        if valid < logits.size(-1):
            logits[:, valid:] = float("-inf")
        row_max = logits.max(dim=-1).values
        comm.all_reduce(row_max, "tp", op="max")
        logits -= row_max.unsqueeze(-1)
        outside = (target < start) | (target >= start + logits.size(-1))
        local = (target - start).masked_fill(outside, 0)
        picked = logits.gather(1, local.unsqueeze(-1)).squeeze(-1).masked_fill(outside, 0.0)
        comm.all_reduce(picked, "tp")
        exp = logits.exp_()
        sum_exp = exp.sum(dim=-1)
        comm.all_reduce(sum_exp, "tp")
        exp /= sum_exp.unsqueeze(-1)  # now the softmax, saved for backward
        ctx.save_for_backward(exp, local, outside)
        return torch.log(sum_exp) - picked

    @staticmethod
    def backward(ctx, grad):
        softmax, local, outside = ctx.saved_tensors
        g = softmax.clone()
        rows = torch.arange(g.size(0), device=g.device)
        g[rows, local] -= (~outside).to(g.dtype)
        return g * grad.unsqueeze(-1), None, None, None, None


class TensorParallel:
    """What the training loop needs to know of the transformation: the loss, full logits, and which parameters
    are replicated across the tp group (counted once in the gradient norm) or get partial gradients (SP)."""

    def __init__(self, comm: Comm | None = None, vocab_size: int = 0, sequence_parallel: bool = False):
        self.comm, self.vocab_size, self.sequence_parallel = comm, vocab_size, sequence_parallel
        self.size = comm.mesh.size("tp") if comm is not None else 1
        self.rank = comm.mesh.rank_in("tp") if comm is not None else 0
        self.replicated: set[nn.Parameter] = set()
        self.partial_grads: set[nn.Parameter] = set()
        # How each split parameter was cut: (dim, start, real length, global length) in the global tensor.
        self.cuts: dict[nn.Parameter, tuple[int, int, int, int]] = {}

    def cross_entropy_sum(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Summed token cross-entropy of (B, T, V or V/t) logits."""
        if self.size == 1:  # in fp32 at least, from bf16 logits (as the vocabulary-parallel loss)
            logits = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
            return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum")
        rows = logits.size(-1)
        start = self.rank * rows
        valid = max(0, min(self.vocab_size - start, rows))
        return _VocabParallelCrossEntropy.apply(logits.flatten(0, 1), targets.flatten(), start, valid, self.comm).sum()

    def full_logits(self, logits: torch.Tensor) -> torch.Tensor:
        """(B, T, V) from this rank's (B, T, V/t), for sampling (not differentiable)."""
        if self.size == 1:
            return logits
        assert self.comm is not None  # size > 1 comes from the comm's mesh
        parts = torch.empty((self.size, *logits.shape), dtype=logits.dtype, device=logits.device)
        self.comm.all_gather(parts.view(-1), logits.contiguous().view(-1), "tp")
        return parts.movedim(0, -2).flatten(-2)[..., : self.vocab_size]


def _enter_region(module: nn.Module, comm: Comm, sequence_parallel: bool, save_gathered: bool) -> None:
    """A forward pre-hook: the module's first argument enters the tensor-parallel region once for all its
    column-parallel layers."""

    def hook(mod, args):
        x, rest = args[0], args[1:]
        if not sequence_parallel:
            return (copy_to_tp(x, comm), *rest)
        gathered = gather_from_sequence(x, comm)
        if torch.is_grad_enabled() and not save_gathered:  # the column layers save the shard, not `gathered`
            SequenceShardInput(x.detach(), comm).attach(gathered)
        return (gathered, *rest)

    module.register_forward_pre_hook(hook)


def apply_tensor_parallel(
    model: Transformer, comm: Comm, sequence_parallel: bool, save_gathered: bool = False
) -> TensorParallel:
    """Split the plain model's layers across the mesh's tp axis, in place, as `tp_plan.TP_PLAN` says. The weights
    are cut from the full, seeded ones, so the model is the single-process model, distributed.

    `save_gathered` (with SP): the column-parallel layers keep their all-gathered input for backward instead of
    gathering it again: SP then moves exactly what TP alone moves, and holds two full-sequence activations per
    layer (and one for the output layer) more."""
    cfg = model.cfg
    tp = TensorParallel(comm, cfg.vocab_size, sequence_parallel)
    if tp.size == 1:
        use_parallel_linears(model)
        return tp
    r, n, sp = tp.rank, tp.size, sequence_parallel
    modules = dict(model.named_modules())
    for name, module in modules.items():  # the plan's layers, replaced
        kind = tp_plan.style(name)
        if kind is None or name == "head":
            continue
        parent, _, leaf = name.rpartition(".")
        owner = modules[parent] if parent else model
        if kind == "vocab":
            setattr(owner, leaf, VocabParallelEmbedding(module, r, n, comm, sp))
        else:
            setattr(owner, leaf, ParallelLinear.split(module, kind, r, n, comm, sp))
    # The output layer is still the plain one (the loop leaves it); the embedding is split (the plan's "vocab").
    head, emb = model.head, cast(VocabParallelEmbedding, model.tok_emb)
    assert isinstance(head, nn.Linear)
    w = head.weight
    padded_head = nn.Linear(cfg.d_model, emb.rows * n, bias=False, dtype=w.dtype, device=w.device)
    with torch.no_grad():  # the head over the padded vocabulary: the padding rows are zero
        padded_head.weight.zero_()
        padded_head.weight[: cfg.vocab_size] = w
    tied = emb.weight if cfg.tie_embeddings else None
    model.head = ParallelLinear.split(padded_head, "column", r, n, comm, sp, weight=tied)
    use_parallel_linears(model)  # (none left with our models; a layer the plan does not name stays whole)
    for name, module in model.named_modules():  # where the columns' input enters the region
        for pattern in tp_plan.REGIONS:
            if fnmatch.fnmatchcase(name, pattern):
                _enter_region(module, comm, sp, save_gathered)
    if model.pos_emb is not None and sp:  # each rank adds the positions of its own part of the sequence
        model.pos_emb.register_forward_hook(lambda m, args, out: out.chunk(n, dim=0)[r])
    for name, param in model.named_parameters(remove_duplicate=True):
        global_name = "tok_emb.weight" if param is emb.weight else name
        dim = tp_plan.split_dim(global_name)
        if dim is None:
            tp.replicated.add(param)
            continue
        vocab = tp_plan.style(global_name.rpartition(".")[0]) == "vocab"
        total = cfg.vocab_size if vocab else param.shape[dim] * n
        cut_dim, start, length = tp_plan.shard(global_name, _with(param.shape, dim, total), cfg.vocab_size, n, r)
        assert cut_dim is not None  # split (dim is not None), and n > 1
        tp.cuts[param] = (cut_dim, start, length, total)
    if sp:
        tp.partial_grads = set(tp.replicated)
    return tp


def _with(shape, dim: int, size: int) -> list[int]:
    out = list(shape)
    out[dim] = size
    return out

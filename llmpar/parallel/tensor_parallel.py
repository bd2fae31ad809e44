"""Tensor parallelism (Shoeybi et al., 2019) with sequence parallelism (Korthikanti et al., 2022), applied to the
plain model as a transformation. With t = the tp size:

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
                        so no full-sequence activation is kept (Megatron-LM does the same)
                 leave: reduce-scatter to the sequence (all-gather of the gradient)
                 (`--sp-save-gathered` keeps the gathered input instead: TP's traffic exactly, more memory)

Under SP the replicated parameters see only part of the sequence: their gradients are partial and are summed
over the tp group before the data-parallel reduction (the engines do it; see `partial_grads`).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from llmpar.comm import Comm
from llmpar.parallel.tp_mappings import (all_gather_sequence, copy_to_tp, gather_from_sequence, reduce_from_tp,
                                         reduce_scatter_to_sequence)


class _SequenceInput:
    """A sequence shard entering a group of column-parallel layers under SP; gathered again, once, in backward."""

    def __init__(self, shard: torch.Tensor, comm: Comm, users: int):
        self.shard, self.comm, self.users = shard, comm, users
        self._pending = self._full = None

    def start(self) -> None:
        """Start gathering (the first user in backward); it travels while the input gradient is computed."""
        if self._full is None and self._pending is None:
            self._pending = all_gather_sequence(self.shard, self.comm, async_op=True)

    def full(self) -> torch.Tensor:
        self.start()
        if self._full is None:
            self._full, self._pending = self._pending(), None
        return self._full

    def release(self) -> None:
        self.users -= 1
        if self.users == 0:
            self._full = self.shard = None


class _LinearOnSequenceShard(torch.autograd.Function):
    """y = x_full W^T + b, saving only the sequence shard of x_full (gathered again for dW)."""

    @staticmethod
    def forward(ctx, x_full, weight, bias, entry):
        ctx.save_for_backward(entry.shard, weight)
        ctx.entry, ctx.has_bias = entry, bias is not None
        return F.linear(x_full, weight, bias)

    @staticmethod
    def backward(ctx, grad):
        _, weight = ctx.saved_tensors
        ctx.entry.start()
        # In the gradient's precision: under bf16 autocast the forward matmul ran in bf16, and so does this.
        grad_input = grad @ weight.to(grad.dtype)
        x_full = ctx.entry.full()
        ctx.entry.release()
        grad_weight = grad.flatten(0, -2).t() @ x_full.flatten(0, -2).to(grad.dtype)
        grad_bias = grad.flatten(0, -2).sum(0) if ctx.has_bias else None
        return grad_input, grad_weight, grad_bias, None


class ColumnParallelLinear(nn.Module):
    """A Linear whose output features are split across the tp group; its input is already in the region."""

    def __init__(self, full: nn.Linear, rank: int, size: int, weight: nn.Parameter | None = None):
        super().__init__()
        k = full.out_features // size
        self.in_features, self.out_features = full.in_features, k
        self.weight = weight if weight is not None else nn.Parameter(full.weight.detach()[rank * k:(rank + 1) * k].clone())
        self.bias = nn.Parameter(full.bias.detach()[rank * k:(rank + 1) * k].clone()) if full.bias is not None else None
        self.entry: _SequenceInput | None = None  # set when the input arrives sequence-parallel
        self.matmul = F.linear  # replaced by the zero-bubble schedule's deferred-weight-gradient version

    def forward(self, x):
        if self.entry is not None and torch.is_grad_enabled():
            entry, self.entry = self.entry, None
            return _LinearOnSequenceShard.apply(x, self.weight, self.bias, entry)
        return self.matmul(x, self.weight, self.bias)


class RowParallelLinear(nn.Module):
    """A Linear whose input features are split across the tp group; sums the partial outputs (leaves the region)."""

    def __init__(self, full: nn.Linear, rank: int, size: int, comm: Comm, sequence_parallel: bool):
        super().__init__()
        k = full.in_features // size
        self.in_features, self.out_features = k, full.out_features
        self.weight = nn.Parameter(full.weight.detach()[:, rank * k:(rank + 1) * k].clone())
        self.bias = nn.Parameter(full.bias.detach().clone()) if full.bias is not None else None  # replicated
        self.comm, self.sequence_parallel = comm, sequence_parallel
        self.matmul = F.linear

    def forward(self, x):
        y = self.matmul(x, self.weight, None)
        y = reduce_scatter_to_sequence(y, self.comm) if self.sequence_parallel else reduce_from_tp(y, self.comm)
        return y + self.bias if self.bias is not None else y


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
        table[:real] = full.weight.detach()[self.start: self.start + real]
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

    def cut(self, param: nn.Parameter, dim: int, start: int, length: int, total: int) -> None:
        self.cuts[param] = (dim, start, max(0, min(length, total - start)), total)

    def cross_entropy_sum(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Summed token cross-entropy of (B, T, V or V/t) logits."""
        if self.size == 1:
            return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum")
        rows = logits.size(-1)
        start = self.rank * rows
        valid = max(0, min(self.vocab_size - start, rows))
        return _VocabParallelCrossEntropy.apply(logits.flatten(0, 1), targets.flatten(), start, valid,
                                                self.comm).sum()

    def full_logits(self, logits: torch.Tensor) -> torch.Tensor:
        """(B, T, V) from this rank's (B, T, V/t), for sampling (not differentiable)."""
        if self.size == 1:
            return logits
        parts = torch.empty((self.size, *logits.shape), dtype=logits.dtype, device=logits.device)
        self.comm.all_gather(parts.view(-1), logits.contiguous().view(-1), "tp")
        return parts.movedim(0, -2).flatten(-2)[..., : self.vocab_size]


def _enter_region(module: nn.Module, columns: list[ColumnParallelLinear], comm: Comm, sequence_parallel: bool,
                  save_gathered: bool):
    """A forward pre-hook: the module's first argument enters the tensor-parallel region once for all its
    column-parallel layers."""
    def hook(mod, args):
        x, rest = args[0], args[1:]
        if not sequence_parallel:
            return (copy_to_tp(x, comm), *rest)
        if torch.is_grad_enabled() and not save_gathered:
            entry = _SequenceInput(x.detach(), comm, users=len(columns))
            for column in columns:
                column.entry = entry
        return (gather_from_sequence(x, comm), *rest)
    module.register_forward_pre_hook(hook)


def apply_tensor_parallel(model: nn.Module, comm: Comm, sequence_parallel: bool,
                          save_gathered: bool = False) -> TensorParallel:
    """Split the plain model's layers across the mesh's tp axis, in place. The weights are cut from the full,
    seeded ones, so the model is the single-process model, distributed.

    `save_gathered` (with SP): the column-parallel layers keep their all-gathered input for backward instead of
    gathering it again: SP then moves exactly what TP alone moves, and holds two full-sequence activations per
    layer (and one for the output layer) more."""
    cfg = model.cfg
    tp = TensorParallel(comm, cfg.vocab_size, sequence_parallel)
    if tp.size == 1:
        return tp
    r, n, sp = tp.rank, tp.size, sequence_parallel

    model.tok_emb = VocabParallelEmbedding(model.tok_emb, r, n, comm, sp)
    tp.cut(model.tok_emb.weight, 0, model.tok_emb.start, model.tok_emb.rows, cfg.vocab_size)
    if model.pos_emb is not None:
        tp.replicated.add(model.pos_emb.weight)
        if sp:  # each rank adds the positions of its own part of the sequence
            model.pos_emb.register_forward_hook(lambda m, args, out: out.chunk(n, dim=0)[r])
    for block in model.layers.values():
        attn, mlp = block.attn, block.mlp
        attn.wq, attn.wk, attn.wv = (ColumnParallelLinear(lin, r, n) for lin in (attn.wq, attn.wk, attn.wv))
        attn.wo = RowParallelLinear(attn.wo, r, n, comm, sp)
        _enter_region(attn, [attn.wq, attn.wk, attn.wv], comm, sp, save_gathered)
        columns = ["w1", "w3"] if hasattr(mlp, "w3") else ["w1"]
        for name in columns:
            setattr(mlp, name, ColumnParallelLinear(getattr(mlp, name), r, n))
        mlp.w2 = RowParallelLinear(mlp.w2, r, n, comm, sp)
        _enter_region(mlp, [getattr(mlp, name) for name in columns], comm, sp, save_gathered)
        for column in [attn.wq, attn.wk, attn.wv] + [getattr(mlp, name) for name in columns]:
            for param in (column.weight, column.bias):
                if param is not None:
                    tp.cut(param, 0, r * column.out_features, column.out_features, n * column.out_features)
        for row in (attn.wo, mlp.w2):
            tp.cut(row.weight, 1, r * row.in_features, row.in_features, n * row.in_features)
        tp.replicated.update(block.attn_norm.parameters())
        tp.replicated.update(block.mlp_norm.parameters())
        tp.replicated.update(p for p in (attn.wo.bias, mlp.w2.bias) if p is not None)
    tp.replicated.update(model.norm.parameters())
    w = model.head.weight
    padded_head = nn.Linear(cfg.d_model, model.tok_emb.rows * n, bias=False, dtype=w.dtype, device=w.device)
    with torch.no_grad():  # the head over the padded vocabulary: the padding rows are zero
        padded_head.weight.zero_()
        padded_head.weight[: cfg.vocab_size] = w
    tied = model.tok_emb.weight if cfg.tie_embeddings else None
    model.head = ColumnParallelLinear(padded_head, r, n, weight=tied)
    if tied is None:
        tp.cut(model.head.weight, 0, model.tok_emb.start, model.tok_emb.rows, cfg.vocab_size)
    _enter_region(model.head, [model.head], comm, sp, save_gathered)
    if sp:
        tp.partial_grads = set(tp.replicated)
    return tp

"""What the training loop asks of a data-parallel strategy, and the pieces the strategies share.

The contract, in the order things happen in one optimizer step (the pipeline executor makes every call but the
first and the last two; it runs every layout, one stage included):

    engine.zero_grad()                                   the trainer, once per step
    for each backward action of the step (B; with the zero-bubble schedule, B and W):
        engine.start_micro_batch(last, group, completes) group: the pipeline chunk the action runs (an index
                                                         into `groups`); completes: after it, that chunk's
                                                         gradient of this micro-batch is whole (a B, or under
                                                         zero bubble the W; its B leaves the weights' part for
                                                         W); last: after it, the step's gradient is whole
        the backward computation                         the engine's gradient hooks fire as gradients complete
        engine.end_micro_batch(False)                    unless last
    engine.end_micro_batch(True)                         once every pipeline transfer of the step is posted
    norm = engine.clip_grad_norm_(max_norm)              the trainer
    engine.step(lr)                                      the trainer

Gradients are reduced over the engine's `axis` (the mesh's "dp", or a combined axis the mesh declares); each
engine decides when within the calls above: plain DP and ZeRO-1 during the step's last action (every chunk's
buckets then); ZeRO-2 and ZeRO-3 in every action that completes a chunk's micro-batch, that chunk's buckets or
units only, so that each micro-batch's gradient crosses the wire once whatever the schedule (a chunk of an
interleaved pipeline, a B and its later W under zero bubble). Plain data parallelism (ZeRO 0, and one process),
ZeRO 1/2 and ZeRO 3 implement it; the loop does not know which one runs.

Precision: the engine's buffers hold gradients in `reduce_dtype`, the dtype they are reduced and accumulated in
(None: the parameters' dtype). With bf16 parameters the optimizer updates fp32 masters of what this rank
updates (`llmpar.optim.MasterWeights`: whole parameters, or the rank's shards), and `step` rounds them back into
the bf16 parameters; fp32 and fp64 runs have no masters.

An engine hooks the parameters it was given. `close()` removes the hooks (the model is then a plain model
again, its parameters as the engine left them); the hooks hold the engine only weakly, so an engine dropped
without `close()` is freed too, with its buffers, its optimizer state and its reference to the process groups.
"""

from __future__ import annotations

import abc
import weakref
from collections.abc import Callable, Sequence

import torch
import torch.nn as nn

from llmpar.comm import Comm
from llmpar.optim import MasterWeights, ShardedAdamW


class DataParallelEngine(abc.ABC):
    """`partial_grads` maps parameters whose gradient on this rank is a partial sum to the mesh axes to sum it
    over, as soon as it is complete and before the data-parallel reduction: norms under sequence parallelism
    ("tp"), a tied embedding held by the first and last pipeline stages ("pp_ends"). `skip_in_norm`: parameters
    another rank holds the same copy of and counts in the gradient norm (tp-replicated norms on tp ranks other
    than 0, the last stage's copy of a tied embedding). `axis`: the mesh axis gradients are reduced over.
    `reduce_dtype`: the dtype of the gradient buffers (None: the parameters'). `groups`: the parameters of each
    pipeline chunk of this rank, in the order of the chunks (default: one group of every parameter); buckets and
    units never straddle two groups. Every strategy takes these as keyword options and passes them here."""

    def __init__(
        self,
        comm: Comm,
        axis: str = "dp",
        skip_in_norm=frozenset(),
        partial_grads=None,
        reduce_dtype: torch.dtype | None = None,
        groups=None,
    ):
        self.comm, self.axis, self.reduce_dtype = comm, axis, reduce_dtype
        self._groups = [list(g) for g in groups] if groups is not None else None
        self.skip_in_norm = set(skip_in_norm)
        self.partial_grads: dict = dict(partial_grads or {})
        # The gradient norm adds up over the axes that split the model (each element counted on one rank).
        self.norm_axes: tuple[str, ...] = comm.mesh.model_axes
        self.optimizer: torch.optim.Optimizer | ShardedAdamW | None = None  # each engine's __init__ makes it
        self.master: MasterWeights | None = None  # bf16 parameters: the fp32 copies the optimizer updates
        self._updated: dict = {}  # a tensor the engine updates -> the one the optimizer updates for it
        self._summed: set = set()  # partial gradients already summed in this reduction
        self._handles: list = []

    def grouped(self, params: list[nn.Parameter]) -> list[list[nn.Parameter]]:
        """`params` split by pipeline chunk, each group in `params`' order."""
        if self._groups is None:
            return [params]
        index = {p: g for g, group in enumerate(self._groups) for p in group}
        out: list[list[nn.Parameter]] = [[] for _ in self._groups]
        for p in params:
            out[index[p]].append(p)
        return out

    # Hooks, held through a weak reference to the engine.
    def _weak(self, method: Callable) -> Callable:
        ref = weakref.WeakMethod(method)

        def call(*args):
            bound = ref()
            return bound(*args) if bound is not None else None

        return call

    def hook_grad_ready(self, params, method: Callable[[nn.Parameter], None]) -> None:
        """Call `method(p)` each time autograd has accumulated p's gradient."""
        call = self._weak(method)
        self._handles += [p.register_post_accumulate_grad_hook(call) for p in params]

    def hook_module(self, module: nn.Module, before: Callable | None = None, after: Callable | None = None) -> None:
        """Forward hooks: `before(module, args)`, `after(module, args, output)`."""
        if before is not None:
            self._handles.append(module.register_forward_pre_hook(self._weak(before)))
        if after is not None:
            self._handles.append(module.register_forward_hook(self._weak(after)))

    def close(self) -> None:
        """Remove every hook this engine placed (idempotent)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # Precision.
    def grad_dtype(self, p: torch.Tensor) -> torch.dtype:
        """The dtype of the engine's gradient buffers for a parameter like p."""
        return self.reduce_dtype or p.dtype

    def optimized(self, tensors: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """What the optimizer updates for the tensors this rank updates (whole parameters or shards): the
        tensors themselves, or, when they are bf16, fp32 masters of them (`step` rounds them back)."""
        if tensors[0].dtype == torch.bfloat16:
            self.master = MasterWeights(tensors)
            self._updated = dict(zip(tensors, self.master.masters))
            return self.master.masters
        self._updated = {t: t for t in tensors}
        return list(tensors)

    def optimizer_grads(self, grads: list[torch.Tensor]) -> list[torch.Tensor]:
        """The gradients the optimizer reads, from the engine's reduced ones (in the order of `optimized`):
        fp32 copies for fp32 masters, else the same tensors. Clipping scales these."""
        return self.master.grads(grads) if self.master is not None else grads

    def master_tensors(self) -> list[torch.Tensor]:
        return self.master.masters if self.master is not None else []

    # Partial gradients (sequence parallelism, a tied embedding across stages).
    def grad_of(self, p) -> torch.Tensor | None:
        """p's gradient as the partial sums need it (an engine whose buffers are not p.grad says where)."""
        return p.grad

    def sum_partial(self, p) -> None:
        for axis in self.partial_grads.get(p, ()):
            self.comm.all_reduce(present(self.grad_of(p)), axis)
        self._summed.add(p)

    def sum_now(self, p) -> bool:
        """From a gradient hook: sum p's partial gradient now if that is safe, and say whether p is complete.
        A sum across pipeline stages ("pp_ends") is not: the other stage may be waiting for a transfer this
        rank posts only after its backward; it is left for the end of the step."""
        if "pp_ends" in self.partial_grads.get(p, ()):
            return False
        self.sum_partial(p)
        return True

    def cross_stage(self) -> list:
        """Parameters whose gradient is summed across pipeline stages (a tied embedding), in a fixed order."""
        return [p for p, axes in self.partial_grads.items() if "pp_ends" in axes]

    def sum_remaining_partials(self) -> None:
        """Before the step's last reductions: partial gradients whose final contribution came in an earlier
        backward action (another pipeline chunk, or a B before the zero-bubble schedule's last W). In a fixed
        order, the same on every rank."""
        for p in self.partial_grads:
            if p not in self._summed and self.grad_of(p) is not None:
                self.sum_partial(p)
        self._summed = set()

    # The contract.
    @abc.abstractmethod
    def zero_grad(self) -> None: ...

    @abc.abstractmethod
    def start_micro_batch(self, last: bool, group: int | None = None, completes: bool = True) -> None:
        """Before a backward action of chunk `group` (None: every chunk, the whole model's backward)."""

    @abc.abstractmethod
    def end_micro_batch(self, last: bool) -> None: ...

    @abc.abstractmethod
    def clip_grad_norm_(self, max_norm: float) -> float:
        """Global L2 norm of the reduced gradient (each parameter once), then scale it to max_norm if above."""

    def _optimizer(self) -> torch.optim.Optimizer | ShardedAdamW:
        assert self.optimizer is not None, "the engine's __init__ makes its optimizer"
        return self.optimizer

    def step(self, lr: float) -> None:
        optimizer = self._optimizer()
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.step()
        if self.master is not None:
            self.master.publish()

    @abc.abstractmethod
    def held_tensors(self) -> Sequence[torch.Tensor | None]:
        """Parameters, gradients and optimizer state this rank holds between steps (None: a gradient shard not
        allocated now)."""

    # Checkpoints: per-parameter state, whole over the dp group (a collective for the ZeRO stages). A bf16 run's
    # "param" is its fp32 master: resuming continues exactly, and an fp32 run can start from it.
    STATE_KEYS = ("exp_avg", "exp_avg_sq")

    @property
    def state_dtype(self) -> torch.dtype | None:
        """The dtype of the optimizer's state and of a checkpoint's parameters: fp32 with masters (None: the
        parameters' own)."""
        return torch.float32 if self.master is not None else None

    @abc.abstractmethod
    def full_states(self) -> dict:
        """{parameter: {"param", "exp_avg", "exp_avg_sq"}: this rank's (tp/pp-local) tensors, whole}."""

    @abc.abstractmethod
    def load_states(self, states: dict, step: int) -> None:
        """Set the optimizer state from whole per-parameter tensors (as full_states returns), after `step` steps."""

    @staticmethod
    def adam_state(step: int, exp_avg: torch.Tensor, exp_avg_sq: torch.Tensor) -> dict:
        return {"step": torch.tensor(float(step), dtype=torch.float32), "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}

    def optimizer_state(self) -> list[torch.Tensor]:
        """The moments (and, with bf16 parameters, the fp32 masters)."""
        moments = [v for s in self._optimizer().state.values() for v in s.values() if isinstance(v, torch.Tensor)]
        return moments + self.master_tensors()


class InOrder:
    """Starts item i's collective once items 0..i are all ready, so that every rank issues the same collectives
    in the same order (gloo and NCCL both require it), whatever order the backward pass completes them in."""

    def __init__(self, count: int, launch: Callable[[int], None]):
        self.count, self.launch = count, launch
        self.reset()

    def reset(self) -> None:
        self.ready = [False] * self.count
        self.next = 0

    def mark(self, i: int) -> None:
        self.ready[i] = True
        while self.next < self.count and self.ready[self.next]:
            self.launch(self.next)
            self.next += 1

    def flush(self) -> None:
        """Start everything not yet started (items that never became ready count as ready)."""
        for i in range(self.next, self.count):
            self.mark(i)


def present(t: torch.Tensor | None) -> torch.Tensor:
    """A tensor that is None at other times but exists where it is used (a gradient in its hook, a gradient shard
    after the step's reductions, a staging buffer while its reduce-scatter is in flight)."""
    assert t is not None
    return t


def accumulate(shard: torch.Tensor, grad: torch.Tensor | None, reduced: torch.Tensor) -> torch.Tensor:
    """Add a reduced gradient slice into a shard's gradient, allocating it with the step's first one."""
    if grad is None:
        grad = reduced.clone()
        if grad.dtype == shard.dtype:  # else the optimizer reads it through an fp32 master (optimizer_grads)
            shard.grad = grad
    else:
        grad.add_(reduced)
    return grad


def gather_flat(flat, shard: torch.Tensor, comm: Comm, axis: str) -> list[torch.Tensor]:
    """Each parameter's part of a flat buffer whose shards are spread over an axis (bookkeeping traffic)."""
    full = torch.empty(flat.padded, dtype=shard.dtype, device=shard.device)
    comm.all_gather(full, shard, axis, count=False)
    return [v.clone() for v in flat.views(full)]


def scatter_flat(flat, tensors: list[torch.Tensor]) -> torch.Tensor:
    """This rank's shard of a flat buffer built from whole per-parameter tensors (in their dtype)."""
    full = torch.zeros(flat.padded, dtype=tensors[0].dtype, device=flat.full.device)
    for view, t in zip(flat.views(full), tensors):
        view.copy_(t)
    return full[flat.lo : flat.hi].clone()


def clip_(grads: list[torch.Tensor], norm: torch.Tensor, max_norm: float) -> None:
    if max_norm > 0 and grads:
        torch._foreach_mul_(grads, torch.clamp(max_norm / (norm + 1e-6), max=1.0))


# Elements per row of a squares reduction (`squares`).
SQUARES_ROW = 1024


def squares(tensors: list[torch.Tensor], device: torch.device) -> torch.Tensor:
    """Sum of the squares of the elements of some tensors, in fp64 (bf16 ones computed in fp32).

    A tensor longer than SQUARES_ROW is reduced in rows of that many elements, and the rows' sums are added in
    fp64. One fp32 reduction over a long tensor adds up its rounding on a CPU: 9e-6 relative for a flat ZeRO
    shard of 836K elements (which made ZeRO 1 and 2's fp32 gradient norm, and so the clipping, 3.5e-5 off),
    5e-10 in rows of 1024, at the same speed."""
    total = torch.zeros((), dtype=torch.float64, device=device)
    if not tensors:
        return total
    wider = torch.float32 if tensors[0].dtype == torch.bfloat16 else None
    short = [t for t in tensors if t.numel() <= SQUARES_ROW]
    if short:
        total += torch.stack(torch._foreach_norm(short, 2, dtype=wider)).double().square().sum()
    for t in tensors:
        if t.numel() <= SQUARES_ROW:
            continue
        flat = t.reshape(-1)
        whole = flat.numel() // SQUARES_ROW * SQUARES_ROW
        rows = torch.linalg.vector_norm(flat[:whole].view(-1, SQUARES_ROW), dim=1, dtype=wider)
        total += rows.double().square().sum()
        if whole < flat.numel():
            total += torch.linalg.vector_norm(flat[whole:], dtype=wider).double().square()
    return total


def global_norm(local_squares: torch.Tensor, comm: Comm, axes: tuple[str, ...]) -> torch.Tensor:
    """The L2 norm of a gradient whose squares are spread over the ranks of some mesh axes (each element
    counted on exactly one rank)."""
    for axis in axes:
        comm.all_reduce(local_squares, axis)
    return local_squares.sqrt()

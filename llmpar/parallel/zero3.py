"""ZeRO stage 3 (Rajbhandari et al., 2020): parameters, gradients and optimizer state all sharded across the
data-parallel group; each rank holds Ψ/N of each.

The model is cut into units: the embedding, each transformer block, and the final norm with the output layer.
Each unit's parameters are packed into one flat buffer padded to a multiple of N; between uses only this rank's
shard exists and the full buffer's memory is released. Around every use:

    before a unit's forward    all-gather its parameters (prefetched: the next unit's gather is started as soon
                               as this one's has arrived, so it overlaps this unit's compute), run it, free them
    before a unit's backward   gather again (the hook fires when the gradient of the unit's output is complete;
                               the previous unit's gather is prefetched), run its backward
    when its gradients are all accumulated
                               copy them into one flat buffer, reduce-scatter it in place (started at once,
                               overlapping the backward of earlier units), free the parameters and the buffer;
                               rank r adds the reduced slice to its gradient shard

A unit made of embedding tables only is not gathered for backward: the gradient of a lookup reads the indices,
not the table. A tied output layer uses the embedding's weight, so it gathers the embedding unit as well.

In a pipeline a unit belongs to one chunk; prefetches stay within the chunk, and a chunk's units are reduced in
the backward action that completes its micro-batch (under zero bubble the W: a B's gradients wait in the units'
gradient buffers, added to, and the parameters are freed after B, since W needs none).

Per micro-batch a rank moves two all-gathers and one reduce-scatter of the model, 3(N-1)/N · G bytes (less the
embedding's skipped backward gather), and again for every extra micro-batch: the parameters are not kept between
them. After the step nothing is gathered: the next forward gathers the updated shards.

In a bf16 run the shards at rest and the gathers are bf16, the gradient buffers are in the reduce dtype, and the
optimizer updates fp32 masters of the shards (`llmpar.optim.MasterWeights`): 2 + 2 + 12 bytes per parameter,
all of it divided by N.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import torch
import torch.nn as nn

from llmpar.comm import Comm, Handle
from llmpar.optim import ShardedAdamW
from llmpar.parallel import engine as base
from llmpar.parallel.engine import DataParallelEngine, InOrder
from llmpar.parallel.flat import FlatParams
from llmpar.parallel.zero import sharded_squares

if TYPE_CHECKING:
    from llmpar.model.transformer import Transformer


class _Unit:
    def __init__(self, name: str, modules: list[nn.Module], params: list[nn.Parameter], n: int, rank: int):
        self.name, self.modules, self.params = name, modules, params
        self.flat = FlatParams(params, n, rank)
        self.shard = self.flat.shard().clone()  # the rank's parameters at rest: the optimizer updates these
        self.grad_shard: torch.Tensor | None = None  # allocated by the step's first reduce-scatter, freed by zero_grad
        self.index = {p: i for i, p in enumerate(params)}
        self.uses: list[_Unit] = []  # other units whose parameters this unit's modules read (a tied head)
        self.group = 0  # the pipeline chunk it belongs to (its index among the rank's chunks)
        self.gather_for_backward = not all(
            isinstance(m, nn.Embedding) or getattr(m, "is_lookup", False) for m in modules
        )
        self.gather_handle: Handle | None = None
        self.pending: set = set()
        self.grad_buffer: torch.Tensor | None = None
        self.reduce_handle: Handle | None = None
        self.flat.release()


def sharding_units(model: Transformer) -> list[tuple[str, list[nn.Module]]]:
    """The model's units in forward order: embeddings, blocks, output. Modules absent from a model (a pipeline
    stage without the embedding, say) are skipped."""
    units = []
    embed = [m for m in (getattr(model, "tok_emb", None), getattr(model, "pos_emb", None)) if m is not None]
    if embed:
        units.append(("embed", embed))
    units += [(f"layers.{k}", [block]) for k, block in model.layers.items()]
    head = [m for m in (getattr(model, "norm", None), getattr(model, "head", None)) if m is not None]
    if head:
        units.append(("head", head))
    return units


class FullySharded(DataParallelEngine):
    def __init__(
        self,
        model: Transformer,
        comm: Comm,
        lr: float,
        weight_decay: float,
        **options,
    ):
        super().__init__(comm, **options)
        n, rank = comm.mesh.size(self.axis), comm.mesh.rank_in(self.axis)
        owner: dict[nn.Parameter, _Unit] = {}
        self.units: list[_Unit] = []
        solo = set(self.cross_stage())  # summed across pipeline stages: a unit of its own, laid out alike on both
        for name, modules in sharding_units(model):
            params = [p for m in modules for p in m.parameters() if p.requires_grad]
            own = [p for p in dict.fromkeys(params) if p not in owner]
            borrowed = {owner[p] for p in params if p in owner}
            if not own:  # a unit with no parameters of its own (cannot happen with our models)
                raise ValueError(f"unit {name} has no parameters of its own")
            groups = [[p for p in own if p in solo], [p for p in own if p not in solo]]
            for group in (g for g in groups if g):
                unit = _Unit(name, modules, group, n, rank)
                unit.uses = sorted(borrowed, key=self.units.index)
                self.units.append(unit)
                owner.update(dict.fromkeys(group, unit))
        self.position = {u: i for i, u in enumerate(self.units)}
        self._unit_of = owner
        self._cross_units = [u for u in self.units if u.params[0] in solo]
        # The units whose forward a module starts, and those it ends (a unit split in two shares its modules).
        self._starts: dict[nn.Module, list[_Unit]] = {}
        self._ends: dict[nn.Module, list[_Unit]] = {}
        for unit in self.units:
            self._starts.setdefault(unit.modules[0], []).append(unit)
            self._ends.setdefault(unit.modules[-1], []).append(unit)
        for module in self._starts:
            self.hook_module(module, before=self._before_module)
        for module in self._ends:
            self.hook_module(module, after=self._after_module)
        self.hook_grad_ready(list(owner), self._on_grad_ready)
        # Each pipeline chunk's units (one chunk without a pipeline), reduced when the chunk's micro-batch
        # completes: reduce-scatters are started in reverse forward order, the order the backward pass completes
        # units.
        group_of = {p: g for g, group in enumerate(self.grouped(list(owner))) for p in group}
        self.group_units: list[list[_Unit]] = [[] for _ in range(max(group_of.values()) + 1)]
        for unit in self.units:
            unit.group = group_of[unit.params[0]]
            self.group_units[unit.group].append(unit)
        self.orders = [InOrder(len(us), functools.partial(self._launch_kth_last, us)) for us in self.group_units]
        self._slot = {u: len(us) - 1 - k for us in self.group_units for k, u in enumerate(us)}
        self._reducing: list[_Unit] = []  # units whose reduce-scatter is in flight, oldest first
        self._completes = True  # whether the current backward action completes its chunk's micro-batch
        self._active: list[int] = []  # the chunks whose units it reduces
        self._grad_dtype = self.grad_dtype(self.units[0].shard)
        shards = self.optimized([u.shard for u in self.units])
        self.optimizer = ShardedAdamW(shards, [u.flat.decay_ranges() for u in self.units], lr, weight_decay)

    # Gathering and freeing parameters.
    def _start_gather(self, unit: _Unit) -> None:
        if unit.flat.is_materialized or unit.gather_handle is not None:
            return
        unit.flat.materialize()
        unit.gather_handle = self.comm.all_gather(unit.flat.full, unit.shard, self.axis, async_op=True)

    def _gather(self, unit: _Unit) -> None:
        self._start_gather(unit)
        if unit.gather_handle is not None:
            unit.gather_handle.wait()
            unit.gather_handle = None

    def _free(self, unit: _Unit) -> None:
        if unit.gather_handle is not None:  # never free memory a collective is still writing
            unit.gather_handle.wait()
            unit.gather_handle = None
        unit.flat.release()

    def _with_uses(self, unit: _Unit) -> list[_Unit]:
        return [unit, *unit.uses]

    # Forward.
    def _before_module(self, module: nn.Module, args) -> None:
        for unit in self._starts[module]:
            self._before_forward(unit)

    def _after_module(self, module: nn.Module, args, out) -> None:
        for unit in self._ends[module]:
            self._after_forward(unit, out)

    def _before_forward(self, unit: _Unit) -> None:
        for u in self._with_uses(unit):
            self._gather(u)
        i = self.position[unit]
        if i + 1 < len(self.units) and self.units[i + 1].group == unit.group:  # prefetch the next unit of the
            for u in self._with_uses(self.units[i + 1]):  # chunk while this one computes
                self._start_gather(u)

    def _after_forward(self, unit: _Unit, out) -> None:
        needs_backward_gather = unit.gather_for_backward or unit.uses
        if torch.is_grad_enabled() and isinstance(out, torch.Tensor) and out.requires_grad and needs_backward_gather:
            before_backward = self._weak(self._before_backward)
            out.register_hook(lambda grad, u=unit: before_backward(u))
        for u in self._with_uses(unit):
            self._free(u)

    # Backward.
    def _before_backward(self, unit: _Unit) -> None:
        for u in self._with_uses(unit):
            self._gather(u)
        i = self.position[unit]
        previous = self.units[i - 1] if i > 0 else None
        if previous is not None and previous.group == unit.group and previous.gather_for_backward:  # prefetch it
            for u in self._with_uses(previous):
                self._start_gather(u)

    def _on_grad_ready(self, p: nn.Parameter) -> None:
        if p.grad is None:  # a weight whose gradient a zero-bubble B left for W (autograd calls the hook anyway)
            return
        unit = self._unit_of[p]
        self.sum_now(p)  # this micro-batch's gradient over tp; across stages only at the end of the step
        if unit.grad_buffer is None:
            unit.grad_buffer = self._grad_buffer(unit)
        # Added: under zero bubble a later micro-batch's B may contribute before this one's W reduces.
        unit.flat.views(unit.grad_buffer)[unit.index[p]].add_(base.present(p.grad))  # (accumulated by now)
        p.grad = None
        if self._completes and p in unit.pending:
            unit.pending.discard(p)
            if not unit.pending:
                self.orders[unit.group].mark(self._slot[unit])

    def _grad_buffer(self, unit: _Unit) -> torch.Tensor:
        return torch.zeros(unit.flat.padded, dtype=self._grad_dtype, device=unit.shard.device)

    def _launch_kth_last(self, units: list[_Unit], k: int) -> None:
        self._launch_reduce(units[-1 - k])

    def _launch_reduce(self, unit: _Unit) -> None:
        if unit.grad_buffer is None:  # no parameter of the unit got a gradient
            unit.grad_buffer = self._grad_buffer(unit)
        lo, hi = unit.flat.lo, unit.flat.hi
        unit.reduce_handle = self.comm.reduce_scatter(
            unit.grad_buffer[lo:hi], unit.grad_buffer, self.axis, async_op=True
        )
        # One reduce-scatter in flight at a time: the previous unit's has had this unit's backward to finish.
        while self._reducing:
            self._retire(self._reducing.pop(0))
        self._reducing.append(unit)
        if not any(unit in other.uses for other in self.units if other.pending):
            self._free(unit)  # its backward is over, and no unit still waiting for gradients reads it

    def _retire(self, unit: _Unit) -> None:
        """Wait for a unit's reduce-scatter, add its slice to the gradient shard, free the buffer."""
        handle = unit.reduce_handle
        assert handle is not None  # _launch_reduce started it
        handle.wait()
        unit.grad_shard = base.accumulate(
            unit.shard, unit.grad_shard, base.present(unit.grad_buffer)[unit.flat.lo : unit.flat.hi]
        )
        unit.grad_buffer = unit.reduce_handle = None

    # The engine's interface.
    def zero_grad(self) -> None:
        for u in self.units:  # free the gradient between steps, as FSDP does: the forward pass has it for itself
            u.grad_shard = u.shard.grad = None

    def start_micro_batch(self, last: bool, group: int | None = None, completes: bool = True) -> None:
        self._completes = completes
        self._active = [group] if group is not None else list(range(len(self.orders)))
        if completes:
            self._summed = set()
            self._reducing = []
            for g in self._active:
                self.orders[g].reset()
                for u in self.group_units[g]:
                    u.pending = set(u.params)

    def end_micro_batch(self, last: bool) -> None:
        if self._completes:
            for g in self._active:
                self.orders[g].flush()
            for u in self._reducing:
                self._retire(u)
            self._reducing = []
        for u in self.units:  # (a zero-bubble B's units too: its W needs no parameters)
            self._free(u)
        if last:  # a tied embedding's shards, summed across stages once every transfer is posted
            for u in self._cross_units:
                self.comm.all_reduce(base.present(u.grad_shard), "pp_ends")

    def clip_grad_norm_(self, max_norm: float) -> float:
        shards = self.optimizer_grads([base.present(u.grad_shard) for u in self.units])  # all reduced by now
        norm = base.global_norm(sharded_squares(self.units, self.skip_in_norm), self.comm, (self.axis, *self.norm_axes))
        base.clip_(shards, norm.to(shards[0].dtype), max_norm)
        return float(norm)

    def full_states(self) -> dict:
        out = {}
        for u in self.units:
            updated = self._updated[u.shard]  # the shard itself, or its fp32 master
            state = self._optimizer().state[updated]
            params = base.gather_flat(u.flat, updated, self.comm, self.axis)
            gathered = {k: base.gather_flat(u.flat, state[k], self.comm, self.axis) for k in self.STATE_KEYS}
            for i, p in enumerate(u.params):
                out[p] = {"param": params[i], **{k: gathered[k][i] for k in self.STATE_KEYS}}
        return out

    def load_states(self, states: dict, step: int) -> None:
        params = [base.scatter_flat(u.flat, [states[p]["param"] for p in u.params]) for u in self.units]
        if self.master is not None:
            self.master.load(params)
        for u, param in zip(self.units, params):
            if self.master is None:
                u.shard.copy_(param)
            shards = [base.scatter_flat(u.flat, [states[p][k] for p in u.params]) for k in self.STATE_KEYS]
            self._optimizer().state[self._updated[u.shard]] = self.adam_state(step, *shards)

    def held_tensors(self) -> list[torch.Tensor | None]:
        # The full buffers hold no memory between steps; their storages count 0 bytes.
        return (
            [u.flat.full for u in self.units]
            + [u.shard for u in self.units]
            + [u.grad_shard for u in self.units]
            + self.optimizer_state()  # (and the fp32 masters of a bf16 run)
        )

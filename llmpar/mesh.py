"""The device mesh: ranks laid out as a pp × dp × cp × tp grid, one process group per axis.

TP is the innermost (fastest-varying) axis, so the ranks of a tensor-parallel group are consecutive and share a
node; context parallelism (cp) next, its ring within a node as long as cp·tp devices fit one; pipeline is the
outermost. Rank r sits at

    grid = arange(world).view(pp, dp, cp, tp);   r == grid[pp_rank, dp_rank, cp_rank, tp_rank]

Besides one group per axis, the mesh declares the combined groups the strategies reduce over, each with the axis
whose traffic it counts as:

    dp_cp     the dp and cp ranks of each (pp, tp) position: they hold the same weights, each computes their
              gradient from its own tokens, and the data-parallel engines reduce (and ZeRO shards) over them
              (Megatron-LM's data-parallel group "with context parallel")                        (counted: dp)
    pp_ends   the first and last stage of each (dp, cp, tp) position, which share a tied embedding (counted: pp)
    world     every rank: the metrics' few numbers per step                                      (not counted)

Adding an axis means: a name in AXES, its place in the grid, and, if gradients are reduced over it together with
dp, a place in the combined group the data-parallel engine is given.
"""

from __future__ import annotations

import torch
import torch.distributed as dist

from llmpar.bus import TRAFFIC_AXES  # noqa: F401 (re-exported: the axes whose traffic the metrics report)

AXES = ("pp", "dp", "cp", "tp")  # outermost to innermost
MODEL_AXES = ("tp", "pp")  # the axes whose ranks hold different parameters (a gradient norm adds up over them)
COMBINED = {"pp_ends": "pp", "dp_cp": "dp"}  # combined groups, and the axis whose traffic each counts as


class Mesh:
    def __init__(self, dp: int = 1, tp: int = 1, pp: int = 1, rank: int = 0, cp: int = 1):
        self.shape = {"pp": pp, "dp": dp, "cp": cp, "tp": tp}
        self.world_size = pp * dp * cp * tp
        self.rank = rank
        grid = torch.arange(self.world_size).view(pp, dp, cp, tp)
        coords = (grid == rank).nonzero()[0].tolist()
        self.coords = dict(zip(AXES, coords))
        self._members: dict[str, list[int]] = {}
        self._groups: dict[str, object] = {}
        for i, axis in enumerate(AXES):
            lines = grid.movedim(i, -1).reshape(-1, self.shape[axis]).tolist()  # every group along this axis
            for ranks in lines:
                # Every rank must create every group, in the same order, even those it is not in.
                group = self._new_group(ranks)
                if rank in ranks:
                    self._members[axis], self._groups[axis] = ranks, group
        if cp == 1:  # the data-parallel group is dp's own
            self._members["dp_cp"], self._groups["dp_cp"] = self._members["dp"], self._groups["dp"]
        else:  # every (pp, tp) position's dp × cp ranks, dp-major
            for ranks in grid.movedim(3, 1).reshape(pp * tp, dp * cp).tolist():
                group = self._new_group(ranks)
                if rank in ranks:
                    self._members["dp_cp"], self._groups["dp_cp"] = ranks, group
        if pp > 1:  # first and last stage of each (dp, cp, tp) position: they share a tied embedding
            for ranks in torch.stack([grid[0], grid[pp - 1]], dim=-1).reshape(-1, 2).tolist():
                group = self._new_group(ranks)
                if rank in ranks:
                    self._members["pp_ends"], self._groups["pp_ends"] = ranks, group
        self._members["world"] = list(range(self.world_size))
        self._groups["world"] = dist.group.WORLD if self.world_size > 1 else None

    def _new_group(self, ranks: list[int]):
        if len(ranks) == 1 or not dist.is_initialized():
            return None
        if len(ranks) == self.world_size:
            return dist.group.WORLD
        return dist.new_group(ranks)

    @property
    def model_axes(self) -> tuple[str, ...]:
        return MODEL_AXES

    @staticmethod
    def traffic_axis(axis: str) -> str:
        """The axis an operation on `axis` counts its bytes as ("world" for the metrics' own traffic)."""
        return COMBINED.get(axis, axis)

    def axis_name(self, axis: str) -> str:
        """An axis as messages name it: the data-parallel group is "dp", or "dp × cp" with context parallelism."""
        if axis == "dp_cp":
            return "dp × cp" if self.cp > 1 else "dp"
        return axis

    def size(self, axis: str) -> int:
        return len(self._members[axis])

    def rank_in(self, axis: str) -> int:
        """This rank's index along an axis (0 .. size-1)."""
        return self._members[axis].index(self.rank)

    def members(self, axis: str) -> list[int]:
        """Global ranks of this rank's group along an axis."""
        return list(self._members[axis])

    def group(self, axis: str):
        return self._groups[axis]

    @property
    def dp(self) -> int:
        return self.shape["dp"]

    @property
    def tp(self) -> int:
        return self.shape["tp"]

    @property
    def pp(self) -> int:
        return self.shape["pp"]

    @property
    def cp(self) -> int:
        return self.shape["cp"]

    def __repr__(self):
        c = self.coords
        where = " ".join(f"{axis}={c[axis]}" for axis in AXES)
        sizes = ", ".join(f"{axis}={self.shape[axis]}" for axis in AXES)
        return f"Mesh({sizes}; rank {self.rank} at {where})"

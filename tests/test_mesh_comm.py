import pytest
import torch

from llmpar.comm import Comm, bus_bytes
from llmpar.mesh import Mesh


def test_tp_is_innermost_and_pp_outermost():
    mesh = Mesh(dp=2, tp=2, pp=2, rank=5)  # grid[pp, dp, tp]: 5 = 1·4 + 0·2 + 1
    assert mesh.coords == {"pp": 1, "dp": 0, "tp": 1}
    assert mesh.members("tp") == [4, 5]
    assert mesh.members("dp") == [5, 7]
    assert mesh.members("pp") == [1, 5]
    assert mesh.world_size == 8 and mesh.rank_in("dp") == 0 and mesh.rank_in("pp") == 1


def test_every_rank_is_in_exactly_one_group_per_axis():
    dp, tp, pp = 3, 2, 2
    for axis in ("dp", "tp", "pp"):
        groups = {tuple(Mesh(dp=dp, tp=tp, pp=pp, rank=r).members(axis)) for r in range(12)}
        flat = sorted(r for g in groups for r in g)
        assert flat == list(range(12))


@pytest.mark.parametrize("n", [2, 4, 8])
def test_bus_bytes_follow_nccl_tests(n):
    S = 1000
    assert bus_bytes("all_reduce", S, n) == pytest.approx(2 * (n - 1) / n * S)
    assert bus_bytes("all_gather", S, n) == pytest.approx((n - 1) / n * S)
    assert bus_bytes("reduce_scatter", S, n) == pytest.approx((n - 1) / n * S)
    assert bus_bytes("all_to_all", S, n) == pytest.approx((n - 1) / n * S)
    assert bus_bytes("send", S, n) == S
    assert bus_bytes("all_reduce", S, 1) == 0


def test_operations_on_a_group_of_one_are_free_and_leave_the_tensor():
    comm = Comm(Mesh(dp=1))
    t = torch.arange(4.0)
    comm.all_reduce(t, "dp")
    out = torch.empty(4)
    comm.all_gather(out, t, "dp")
    assert torch.equal(t, torch.arange(4.0)) and torch.equal(out, t)
    assert comm.take_counts() == {"pp": 0.0, "dp": 0.0, "tp": 0.0, "world": 0.0}

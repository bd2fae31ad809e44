import pytest
import torch

from llmpar.comm import Comm, bus_bytes
from llmpar.mesh import Mesh


def test_tp_is_innermost_and_pp_outermost():
    mesh = Mesh(dp=2, tp=2, pp=2, rank=5)  # grid[pp, dp, tp]: 5 = 1·4 + 0·2 + 1
    assert mesh.coords == {"pp": 1, "dp": 0, "cp": 0, "tp": 1}
    assert mesh.members("tp") == [4, 5]
    assert mesh.members("dp") == [5, 7]
    assert mesh.members("pp") == [1, 5]
    assert mesh.members("dp_cp") == mesh.members("dp")  # one cp rank: the data-parallel group is dp's
    assert mesh.world_size == 8 and mesh.rank_in("dp") == 0 and mesh.rank_in("pp") == 1


def test_cp_sits_between_dp_and_tp_and_gradients_reduce_over_dp_times_cp():
    mesh = Mesh(dp=2, tp=2, pp=2, cp=2, rank=13)  # grid[pp, dp, cp, tp]: 13 = 1·8 + 1·4 + 0·2 + 1
    assert mesh.coords == {"pp": 1, "dp": 1, "cp": 0, "tp": 1}
    assert mesh.members("tp") == [12, 13]
    assert mesh.members("cp") == [13, 15]
    assert mesh.members("dp") == [9, 13]
    assert mesh.members("pp") == [5, 13]
    # every rank of this (pp, tp) position: dp-major, cp-minor; its traffic counts as dp's
    assert mesh.members("dp_cp") == [9, 11, 13, 15] and mesh.rank_in("dp_cp") == 2
    assert mesh.traffic_axis("dp_cp") == "dp" and mesh.axis_name("dp_cp") == "dp × cp"
    assert Mesh(dp=2, rank=1).axis_name("dp_cp") == "dp"  # one cp rank: the data-parallel group is dp's
    assert mesh.members("pp_ends") == [5, 13]
    assert mesh.world_size == 16 and mesh.cp == 2


def test_every_rank_is_in_exactly_one_group_per_axis():
    dp, tp, pp, cp = 3, 2, 2, 2
    for axis in ("dp", "tp", "pp", "cp", "dp_cp"):
        groups = {tuple(Mesh(dp=dp, tp=tp, pp=pp, cp=cp, rank=r).members(axis)) for r in range(24)}
        flat = sorted(r for g in groups for r in g)
        assert flat == list(range(24)), axis


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
    assert comm.take_counts() == {"pp": 0.0, "dp": 0.0, "tp": 0.0, "cp": 0.0, "world": 0.0}

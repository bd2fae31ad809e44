"""Pipeline schedules as data: each generator against theory, and the checker against broken schedules."""

import pytest

from llmpar.pipeline.check import check
from llmpar.pipeline.schedules import Action, Schedule, ScheduleError, make_schedule, with_communication
from llmpar.plan.cost.simulator import bubble_fraction, peak_in_flight, simulate

SIZES = [(p, m) for p in (2, 4) for m in (1, 2, 4, 8)]


def _bubble(s, f=1.0, b=2.0, w=0.0):
    v = s.chunks_per_rank
    return bubble_fraction(simulate(s, {"F": f / v, "B": b / v, "W": w / v}))


@pytest.mark.parametrize("p,m", SIZES)
def test_naive_model_parallelism_idles_all_but_one_rank(p, m):
    s = make_schedule("naive", p, m)
    assert _bubble(s) == pytest.approx((p - 1) / p)
    assert all(peak_in_flight(actions) == 1 for actions in s.ranks)


@pytest.mark.parametrize("name", ["gpipe", "1f1b"])
@pytest.mark.parametrize("p,m", SIZES)
def test_gpipe_and_1f1b_bubble_and_memory(name, p, m):
    s = make_schedule(name, p, m)
    assert _bubble(s) == pytest.approx((p - 1) / (m + p - 1))
    in_flight = [peak_in_flight(actions) for actions in s.ranks]
    if name == "gpipe":
        assert in_flight == [m] * p  # every micro-batch's activations at once
    else:
        assert in_flight == [min(p - r, m) for r in range(p)]  # at most p, whatever m


@pytest.mark.parametrize("p,m,v", [(2, 2, 2), (2, 4, 2), (2, 8, 2), (4, 4, 2), (4, 8, 2), (2, 4, 3), (4, 8, 4)])
def test_interleaved_divides_the_bubble_by_v(p, m, v):
    s = make_schedule("interleaved", p, m, v)
    assert s.chunks == p * v and {a.chunk % p for a in s.ranks[1] if a.is_compute} == {1}
    assert _bubble(s) == pytest.approx((p - 1) / (v * m + p - 1))
    assert _bubble(s) < _bubble(make_schedule("1f1b", p, m))


@pytest.mark.parametrize("p,m", [(2, 2), (2, 4), (2, 8), (4, 4), (4, 8), (4, 16)])
def test_zero_bubble_fills_1f1b_bubble_with_weight_gradients(p, m):
    zb = make_schedule("zb", p, m)
    one_f_one_b = make_schedule("1f1b", p, m)
    # B and W of equal cost: 1F1B's backward is their sum.
    assert _bubble(zb, 1, 1, 1) < _bubble(one_f_one_b, 1, 2)
    if p == 2:  # ZB-H1's bubble, (p-1)(tF + tB - tW) per rank
        assert _bubble(zb, 1, 1, 1) == pytest.approx((p - 1) / (3 * m + p - 1))
    assert max(peak_in_flight(actions) for actions in zb.ranks) <= p  # 1F1B's memory


@pytest.mark.parametrize("name,v", [("naive", 1), ("gpipe", 1), ("1f1b", 1), ("zb", 1), ("interleaved", 2)])
def test_every_transfer_is_paired_and_next_to_its_computation(name, v):
    s = make_schedule(name, 4, 8, v)
    sends = sorted(
        (r, a.peer, a.transfer_key()) for r, acts in enumerate(s.ranks) for a in acts if a.kind.startswith("send")
    )
    recvs = sorted(
        (a.peer, r, a.transfer_key()) for r, acts in enumerate(s.ranks) for a in acts if a.kind.startswith("recv")
    )
    assert sends == recvs and len(sends) == 2 * 8 * (s.chunks - 1)


def test_the_non_interleaved_schedules_also_pass_the_grouped_check():
    for name in ("naive", "gpipe", "1f1b", "zb"):
        check(make_schedule(name, 4, 8), grouped=True)


def _broken(actions_by_rank, p=2, m=1):
    return Schedule("hand-made", p, m, 1, actions_by_rank)


def test_a_receive_without_a_send_is_rejected_with_the_ranks_and_actions():
    s = make_schedule("1f1b", 2, 2)
    ranks = [list(a) for a in s.ranks]
    ranks[0] = [a for a in ranks[0] if not (a.kind == "send_f" and a.micro == 1)]
    with pytest.raises(
        ScheduleError,
        match=r"rank 0 -> rank 1.*rank 1 posts recv_f\(mb=1, chunk=1, <-0\) but "
        r"rank 0 sends nothing more",
    ):
        check(Schedule("hand-made", 2, 2, 1, ranks))


def test_transfers_out_of_order_are_rejected():
    s = make_schedule("gpipe", 2, 2)
    ranks = [list(a) for a in s.ranks]
    i, j = [k for k, a in enumerate(ranks[1]) if a.kind == "recv_f"]
    ranks[1][i], ranks[1][j] = ranks[1][j], ranks[1][i]
    with pytest.raises(ScheduleError, match="matched in order"):
        check(Schedule("hand-made", 2, 2, 1, ranks))


def test_a_cycle_is_rejected_as_a_deadlock():
    # Rank 0 waits for the gradient of micro-batch 0 before it sends that micro-batch's activation.
    rank0 = [Action("F", 0, 0), Action("recv_b", 0, 0, 1), Action("B", 0, 0), Action("send_f", 0, 0, 1)]
    rank1 = [Action("recv_f", 0, 1, 0), Action("F", 0, 1), Action("B", 0, 1), Action("send_b", 0, 1, 0)]
    with pytest.raises(
        ScheduleError,
        match=r"deadlock: rank 0 at B\(mb=0, chunk=0\) waits for recv_b.*"
        r"rank 1 at F\(mb=0, chunk=1\) waits for recv_f",
    ):
        check(_broken([rank0, rank1]))


def test_a_computation_before_its_input_is_rejected():
    rank0 = [Action("B", 0, 0), Action("F", 0, 0)]
    with pytest.raises(ScheduleError, match=r"rank 0 runs B\(mb=0, chunk=0\) before F\(mb=0, chunk=0\)"):
        check(Schedule("hand-made", 1, 1, 1, [rank0]))


def test_with_communication_places_receives_before_and_sends_after():
    ranks = with_communication([[("F", 0, 0), ("B", 0, 0)], [("F", 0, 1), ("B", 0, 1)]], 2, 2)
    assert [a.kind for a in ranks[0]] == ["F", "send_f", "recv_b", "B"]
    assert [a.kind for a in ranks[1]] == ["recv_f", "F", "B", "send_b"]

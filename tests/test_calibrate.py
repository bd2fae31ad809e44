"""`llmpar calibrate`: the measured profile is sane, round-trips through the profile file, and its link numbers
agree with a direct timing of the same collective."""

import argparse
import math
import statistics
import time

import pytest
import torch

from llmpar.errors import UserError
from llmpar.plan import calibrate
from llmpar.plan.hardware import COLLECTIVES, Hardware, load_hardware


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    calibrate.add_arguments(parser)
    return parser.parse_args(list(argv))


def _positive(x: float) -> bool:
    return math.isfinite(x) and x > 0


def test_flags_and_their_defaults():
    args = _args()
    assert args.out == "llmpar-hardware.json" and args.processes == [2] and args.quick is False
    assert _args("--processes", "2", "4", "--quick").processes == [2, 4]


@pytest.mark.parametrize("counts", [[0], [1], [2, -3]])
def test_a_process_count_below_two_is_a_user_error_naming_the_flag(counts, tmp_path):
    args = _args("--out", str(tmp_path / "hw.json"), "--processes", *map(str, counts))
    with pytest.raises(UserError, match="--processes"):
        calibrate.run(args)
    with pytest.raises(UserError, match="--processes"):
        calibrate.measure(processes=counts)


def test_an_unwritable_out_fails_before_measuring(tmp_path):
    with pytest.raises(UserError, match="--out"):
        calibrate.run(_args("--out", str(tmp_path)))  # a folder
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(UserError, match="--out"):  # its folder would have to be inside a file (even for root)
        calibrate.run(_args("--out", str(blocker / "sub" / "hw.json")))


def test_compute_rates_of_one_thread_are_sane():
    threads = torch.get_num_threads()
    c = calibrate.measure_compute(quick=True)
    assert torch.get_num_threads() == threads  # restored
    assert set(c["peak_flops"]) == {"fp32", "fp64", "bf16"}
    assert all(_positive(r) for r in c["peak_flops"].values())
    assert c["peak_flops"]["fp64"] < 1.5 * c["peak_flops"]["fp32"]
    assert 1e8 < c["peak_flops"]["fp32"] < 1e13  # one core: between 0.1 GFLOP/s and 10 TFLOP/s
    assert 1e8 < c["memory_bandwidth"] < 1e12
    assert 1e-8 < c["dispatch"] < 1e-3 and 1e-8 < c["op_overhead"] < 1e-3


def _direct_all_reduce(numel: int) -> float:
    """A worker of the test's own launch: the median time of a plain all-reduce of `numel` floats."""
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    try:
        t = torch.ones(numel)
        dist.all_reduce(t)
        times = []
        for _ in range(3):
            dist.barrier()
            t0 = time.perf_counter()
            dist.all_reduce(t)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)
    finally:
        dist.destroy_process_group()


@pytest.mark.slow
def test_measured_profile_round_trips_and_matches_a_direct_timing(tmp_path, capsys):
    out = tmp_path / "prof" / "hw.json"
    assert calibrate.run(_args("--quick", "--out", str(out), "--name", "here")) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "GFLOP/s" in printed and "all_reduce" in printed

    hw = load_hardware(str(out))
    assert isinstance(hw, Hardware) and hw.name == "here" and hw.matmul_efficiency == 1.0
    assert all(_positive(hw.peak_flops[d]) for d in ("fp32", "fp64", "bf16"))
    assert hw.peak_flops["fp64"] < 1.5 * hw.peak_flops["fp32"]
    for x in (
        hw.memory_bandwidth,
        hw.memory_bytes,
        hw.op_overhead,
        hw.attention_efficiency,
        *hw.intra.latency.values(),
    ):
        assert _positive(x)
    assert set(hw.local_links) == {2} and hw.local_links[2] == hw.intra
    assert set(hw.intra.bandwidth) == set(COLLECTIVES) and all(_positive(b) for b in hw.intra.bandwidth.values())
    assert hw.inter == hw.intra and hw.devices_per_node >= 2 and hw.cores >= 1 and "torch" in hw.source

    # The same, written by save_hardware from a Hardware, loads back equal.
    from llmpar.plan.hardware import save_hardware

    save_hardware(hw, str(tmp_path / "again.json"))
    assert load_hardware(str(tmp_path / "again.json")) == hw

    # A direct timing of one large all-reduce over 2 gloo processes, by the real launcher.
    from llmpar.launch import run_local

    numel = 4 * 2**20 // 4
    seconds = run_local(2, _direct_all_reduce, numel)[0]
    direct = 2 * (2 - 1) / 2 * numel * 4 / seconds  # bus bytes per second
    measured = hw.intra.bandwidth["all_reduce"]
    assert direct / 10 < measured < direct * 10, (measured, direct)
    # gloo over loopback: microseconds to milliseconds per step, not seconds.
    assert all(1e-7 < x < 0.1 for x in hw.intra.latency.values())

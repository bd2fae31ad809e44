"""ZeRO stages 1-3 with real worker processes (slow). fp64, against the single-process run.

Two launches (2 and 4 workers) run every layout, each writing its own metrics; the single-process references
train in the test's own process, as `llmpar train --dp 1` trains in its own.
"""

import pytest

from helpers import FP64_RUN, launch_layouts, max_rel_diff, train_here
from llmpar.model import PRESETS

pytestmark = pytest.mark.slow

BASE = {**FP64_RUN, "model": "tiny"}
LAYOUTS = [(dp, zero, m) for dp in (2, 4) for zero in (1, 2, 3) for m in (1, 2)]
P = PRESETS["tiny"].num_params()
G = 8 * P  # gradient bytes, fp64
E = 8 * 256 * 64  # the embedding table: not gathered for backward
MEMORY = {0: lambda n: 1.0, 1: lambda n: (2 + 2 / n) / 4, 2: lambda n: (1 + 3 / n) / 4, 3: lambda n: 1 / n}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zero")
    out = train_here(tmp / "one", {"ref": dict(BASE, dp=1), "g1": dict(BASE, model="tiny-gpt2", dp=1)})
    for n in (2, 4):
        layouts = {
            f"dp{dp}z{zero}m{m}": dict(BASE, dp=dp, zero=zero, micro_batches=m) for dp, zero, m in LAYOUTS if dp == n
        }
        if n == 2:  # sampling at the end: every rank takes part in each forward's gathers
            layouts["g3"] = dict(BASE, model="tiny-gpt2", dp=2, zero=3, micro_batches=2, sample_tokens=8)
        out.update(launch_layouts(tmp / f"world{n}", n, layouts))
    for dp, zero, m in LAYOUTS:
        out[dp, zero, m] = out.pop(f"dp{dp}z{zero}m{m}")
    return out


@pytest.mark.parametrize("dp,zero,micro", LAYOUTS)
def test_fp64_matches_one_process(runs, dp, zero, micro):
    assert max_rel_diff(runs["ref"], runs[dp, zero, micro], "loss") <= 1e-9
    assert max_rel_diff(runs["ref"], runs[dp, zero, micro], "grad_norm") <= 1e-9


@pytest.mark.parametrize("dp,zero,micro", LAYOUTS)
def test_model_state_per_rank_follows_the_zero_paper(runs, dp, zero, micro):
    ratio = runs[dp, zero, micro][-1]["model_state_bytes"] / runs["ref"][-1]["model_state_bytes"]
    assert abs(ratio - MEMORY[zero](dp)) <= 0.03 * MEMORY[zero](dp), ratio


@pytest.mark.parametrize("dp,zero,micro", LAYOUTS)
def test_dp_traffic(runs, dp, zero, micro):
    got = runs[dp, zero, micro][-1]["comm_bytes"]["dp"]
    f = (dp - 1) / dp
    if micro == 1:  # the formulas: stages 1-2 like one all-reduce, stage 3 one and a half
        paper = (2 if zero < 3 else 3) * f * G
        assert abs(got - paper) <= 0.03 * paper, (got, paper)
    # What each stage costs per micro-batch (the embedding's skipped backward gather included):
    expected = {1: 2 * f * G, 2: f * G * (1 + micro), 3: f * (3 * G - E) * micro}[zero]
    assert abs(got - expected) <= 0.01 * expected, (got, expected)


def test_tied_embeddings_with_zero3(runs):
    ref, got = runs["g1"], runs["g3"]
    assert max_rel_diff(ref, got, "loss") <= 1e-9
    assert max_rel_diff(ref, got, "grad_norm") <= 1e-9

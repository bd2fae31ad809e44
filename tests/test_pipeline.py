"""Pipeline parallelism with real worker processes (slow), fp64, against the single-process run.

Two launches (2 and 4 workers) run every schedule with several micro-batch counts, an uneven layer split,
and pipelines inside data and tensor parallelism; each layout writes its own metrics.
"""

import os

import pytest

from helpers import FP64_ARGS, FP64_RUN, launch_layouts, max_rel_diff, train_metrics

pytestmark = pytest.mark.slow

HERE = os.path.dirname(__file__)
FIVE_LAYERS = os.path.join(HERE, "models", "llama-5-layers.json")
EIGHT_LAYERS = os.path.join(HERE, "models", "llama-8-layers.json")
A = 32 * 64 * 8  # one sequence's activation (seq_len × d_model, fp64); a micro-batch moves b of them


def allowed(schedule, p, m, layers):
    if schedule == "interleaved":
        return m % p == 0 and layers >= 2 * p
    return True


def layouts_for(p):
    runs = {}
    for schedule in ("naive", "gpipe", "1f1b", "interleaved", "zb"):
        model = {"model": "tiny"} if p == 2 else {"model_config": EIGHT_LAYERS}
        layers = 4 if p == 2 else 8
        for m in (1, 2, 4, 8):
            if allowed(schedule, p, m, layers):
                runs[f"pp{p}-{schedule}-m{m}"] = dict(**model, pp=p, dp=1, schedule=schedule, micro_batches=m)
    return runs


def launch(tmp, nproc, runs):
    return launch_layouts(tmp, nproc, {name: {**FP64_RUN, **fields} for name, fields in runs.items()})


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pp")
    two = layouts_for(2)
    two["uneven-1f1b-m4"] = dict(model_config=FIVE_LAYERS, pp=2, dp=1, schedule="1f1b", micro_batches=4)
    for m in (2, 4, 8):  # a fixed micro-batch of 1 sequence: the global batch grows with m
        for schedule in ("gpipe", "1f1b"):
            two[f"memory-{schedule}-m{m}"] = dict(
                model="tiny", pp=2, dp=1, schedule=schedule, micro_batches=m, global_batch_size=m
            )
    four = layouts_for(4)
    four["dp2-pp2-1f1b-m2"] = dict(model="tiny", pp=2, dp=2, schedule="1f1b", micro_batches=2)
    four["tp2-pp2-sp-zb-m4"] = dict(
        model="tiny", pp=2, tp=2, dp=1, sequence_parallel=True, schedule="zb", micro_batches=4
    )
    four["dp2-pp2-zero1-interleaved-m2"] = dict(
        model="tiny", pp=2, dp=2, zero=1, schedule="interleaved", micro_batches=2
    )
    four["dp2-pp2-zero3-1f1b-m2"] = dict(model="tiny", pp=2, dp=2, zero=3, schedule="1f1b", micro_batches=2)
    # GPT-2 ties its output layer to the embedding: the first and last stages each hold a copy
    four["gpt2-dp2-pp2-zero2-gpipe-m2"] = dict(model="tiny-gpt2", pp=2, dp=2, zero=2, schedule="gpipe", micro_batches=2)
    four["gpt2-dp2-pp2-zero3-1f1b-m4"] = dict(model="tiny-gpt2", pp=2, dp=2, zero=3, schedule="1f1b", micro_batches=4)
    four.update(SPLIT_BACKWARD)
    out = {**launch(tmp / "two", 2, two), **launch(tmp / "four", 4, four)}

    def ref(name, *args):  # one process, from the command line
        return train_metrics(tmp, name, [*FP64_ARGS, *args, "--dp", "1"])

    out["ref-tiny"] = ref("ref-tiny", "--model", "tiny")
    out["ref-gpt2"] = ref("ref-gpt2", "--model", "tiny-gpt2")
    out["ref-5"] = ref("ref-5", "--model-config", FIVE_LAYERS)
    out["ref-8"] = ref("ref-8", "--model-config", EIGHT_LAYERS)
    for m in (2, 4, 8):
        out[f"ref-memory-m{m}"] = ref(f"ref-memory-m{m}", "--model", "tiny", "--global-batch-size", str(m))
    return out


# ZeRO 2 and 3 with the schedules that split a step's backward: across chunks (interleaved) and into B and W (zb).
SPLIT_BACKWARD = {
    f"{arch}-dp2-pp2-zero{zero}-{schedule}-m4": dict(
        model="tiny" if arch == "llama" else "tiny-gpt2",
        pp=2,
        dp=2,
        zero=zero,
        schedule=schedule,
        virtual_stages=2,
        micro_batches=4,
    )
    for arch in ("llama", "gpt2")
    for zero in (2, 3)
    for schedule in ("interleaved", "zb")
}


def _reference(name):
    if name.startswith("memory"):
        return f"ref-memory-{name.split('-')[-1]}"
    return {"uneven": "ref-5"}.get(name.split("-")[0], "ref-tiny")


EQUIVALENCE = sorted(set(layouts_for(2)) | {"uneven-1f1b-m4"}) + [
    f"memory-{s}-m{m}" for s in ("gpipe", "1f1b") for m in (2, 4, 8)
]


@pytest.mark.parametrize("name", EQUIVALENCE)
def test_pp2_fp64_matches_one_process(runs, name):
    assert max_rel_diff(runs[_reference(name)], runs[name], "loss") <= 1e-9
    assert max_rel_diff(runs[_reference(name)], runs[name], "grad_norm") <= 1e-9


@pytest.mark.parametrize(
    "name",
    sorted(layouts_for(4))
    + [
        "dp2-pp2-1f1b-m2",
        "tp2-pp2-sp-zb-m4",
        "dp2-pp2-zero1-interleaved-m2",
        "dp2-pp2-zero3-1f1b-m2",
        "gpt2-dp2-pp2-zero2-gpipe-m2",
        "gpt2-dp2-pp2-zero3-1f1b-m4",
        *SPLIT_BACKWARD,
    ],
)
def test_pp4_and_combined_layouts_match_one_process(runs, name):
    ref = runs["ref-8"] if name in layouts_for(4) else runs["ref-gpt2"] if name.startswith("gpt2") else runs["ref-tiny"]
    assert max_rel_diff(ref, runs[name], "loss") <= 1e-9
    assert max_rel_diff(ref, runs[name], "grad_norm") <= 1e-9


def boundaries_touched(p: int, v: int) -> int:
    """The most stage boundaries (c, c+1) any rank holds a side of, with p·v chunks, chunk c on rank c mod p."""
    C = p * v
    return max(sum(1 for c in range(C - 1) if r in (c % p, (c + 1) % p)) for r in range(p))


@pytest.mark.parametrize("p", [2, 4])
def test_pipeline_traffic_is_two_transfers_per_micro_batch_per_stage_boundary(runs, p):
    for name in layouts_for(p):
        line = runs[name][-1]
        m = line["layout"]["micro_batches"]
        v = 2 if "interleaved" in name else 1
        # an activation forward and a gradient back, of a micro-batch of 8/m sequences, per boundary per micro-batch
        expected = 2 * boundaries_touched(p, v) * m * (8 // m) * A
        assert abs(line["comm_bytes"]["pp"] - expected) <= 0.02 * expected, (name, line["comm_bytes"], expected)
        assert line["comm_bytes"]["dp"] == line["comm_bytes"]["tp"] == 0


def test_gpipe_activations_grow_with_m_and_1f1b_stay_bounded(runs):
    act = {(s, m): runs[f"memory-{s}-m{m}"][-1]["activation_bytes"] for s in ("gpipe", "1f1b") for m in (2, 4, 8)}
    assert act["gpipe", 8] / act["gpipe", 2] > 3.5  # holds every micro-batch: ∝ m
    assert act["1f1b", 8] / act["1f1b", 2] < 1.1  # holds at most p = 2 micro-batches, whatever m
    assert act["1f1b", 8] < act["gpipe", 8] / 3


def test_timelines_and_bubble_are_in_the_metrics(runs):
    line = runs["pp2-1f1b-m4"][-1]
    assert len(line["timeline"]) == 2
    for rank, actions in enumerate(line["timeline"]):
        assert sorted((k, i) for k, i, c, b, e in actions) == sorted((k, i) for k in "FB" for i in range(4))
        assert all(c == rank and 0 <= b <= e for _, _, c, b, e in actions)
    zb = runs["pp2-zb-m4"][-1]["timeline"]
    assert all(sum(1 for a in actions if a[0] == "W") == 4 for actions in zb)
    assert 0 < line["bubble_fraction"] < 1
    assert runs["ref-tiny"][-1]["bubble_fraction"] == 0.0 and "timeline" not in runs["ref-tiny"][-1]


def test_zero3_inside_a_pipeline_shards_each_stage_over_its_replicas(runs):
    ratio = runs["dp2-pp2-zero3-1f1b-m2"][-1]["model_state_bytes"] / runs["ref-tiny"][-1]["model_state_bytes"]
    assert abs(ratio - 1 / 4) < 0.01  # half the model per stage, half of that per replica


@pytest.mark.parametrize("name", sorted(SPLIT_BACKWARD))
def test_zero_traffic_under_split_backward_schedules_is_the_cost_models(runs, name):
    """Each chunk's micro-batch is reduced once, whatever the schedule: the data-parallel traffic of ZeRO 2 and 3
    under interleaved and zero-bubble is the cost model's (the formula of 1F1B), and so are the other axes."""
    from llmpar.model.config import PRESETS
    from llmpar.plan.cost import Batch, Layout, comm_bytes, memory

    fields, line = SPLIT_BACKWARD[name], runs[name][-1]
    layout = Layout(**{k: fields[k] for k in ("dp", "pp", "zero", "schedule", "virtual_stages", "micro_batches")})
    cfg = PRESETS[fields["model"]]
    batch = Batch(FP64_RUN["global_batch_size"], FP64_RUN["seq_len"], "fp64")
    predicted = comm_bytes(cfg, layout, batch)
    for axis in ("dp", "pp"):
        assert line["comm_bytes"][axis] == pytest.approx(predicted[axis], rel=0.01), axis
    mem = memory(cfg, layout, batch)
    assert line["model_state_bytes"] == pytest.approx(mem["params"] + mem["grads"] + mem["optimizer"], rel=0.01)

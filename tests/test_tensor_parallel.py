"""Tensor parallelism (with and without sequence parallelism) with real worker processes (slow). fp64.

The models have grouped-query attention (8 query heads, 4 kv heads) and a vocabulary of 259 tokens, which
divides by neither 2 nor 4: the padding must leave the loss unchanged.

Two launches (2 and 4 workers) run every layout, each writing its own metrics; the single-process references
train in the test's own process, as `llmpar train --dp 1` trains in its own.
"""

import os

import pytest

from helpers import FP64_RUN, launch_layouts, max_rel_diff, train_here

pytestmark = pytest.mark.slow

HERE = os.path.dirname(__file__)
MODELS = {
    "llama": os.path.join(HERE, "models", "llama-gqa-v259.json"),
    "gpt2": os.path.join(HERE, "models", "gpt2-gqa-v259.json"),
}
BASE = FP64_RUN
LAYOUTS = [(tp, sp) for tp in (2, 4) for sp in (False, True)]
LAYERS, BSH_BYTES = 2, 8 * 32 * 64 * 8  # layers; one (batch, sequence, d_model) activation in fp64


SAVE_GATHERED = {tp: dict(model="llama", tp=tp, sequence_parallel=True, sp_save_gathered=True) for tp in (2, 4)}
COMBOS = {"llama": dict(dp=2, tp=2, zero=1, sequence_parallel=True), "gpt2": dict(dp=2, tp=2, zero=3, micro_batches=2)}


def fields(model, **layout):
    return dict(BASE, model_config=MODELS[model], **{"dp": 1, **layout})


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tp")
    out = train_here(tmp / "one", {model: fields(model) for model in MODELS})
    for n in (2, 4):
        layouts = {
            f"{model}-tp{tp}-{sp}": fields(model, tp=tp, sequence_parallel=sp)
            for model in MODELS
            for tp, sp in LAYOUTS
            if tp == n
        }
        layouts[f"save{n}"] = fields(**SAVE_GATHERED[n])
        if n == 4:
            layouts.update({f"combo-{model}": fields(model, **layout) for model, layout in COMBOS.items()})
        out.update(launch_layouts(tmp / f"world{n}", n, layouts))
    for model in MODELS:
        for tp, sp in LAYOUTS:
            out[model, tp, sp] = out.pop(f"{model}-tp{tp}-{sp}")
    return out


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("tp,sp", LAYOUTS)
def test_fp64_matches_one_process(runs, model, tp, sp):
    assert max_rel_diff(runs[model], runs[model, tp, sp], "loss") <= 1e-9
    assert max_rel_diff(runs[model], runs[model, tp, sp], "grad_norm") <= 1e-9


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("tp,sp", LAYOUTS)
def test_tp_traffic(runs, model, tp, sp):
    got = runs[model, tp, sp][-1]["comm_bytes"]
    assert got["dp"] == got["pp"] == 0
    f = (tp - 1) / tp
    # Four all-reduces of the layer activation per layer, one for the embedding's output, one for the head's
    # input gradient (the vocabulary-parallel cross-entropy adds three of one number per token).
    all_reduces = 2 * f * BSH_BYTES * (4 * LAYERS + 2)
    if not sp:
        assert abs(got["tp"] - all_reduces) <= 0.10 * all_reduces
    else:
        # The same reduce-scatters and all-gathers, plus one all-gather per column-parallel group in backward
        # (the sequence shard gathered again for the weight gradient, instead of keeping the full input):
        # 10 transfers of f·bsh per layer and 5 for the embedding and head; then the replicated parameters'
        # partial gradients summed (all-reduced) over the group, and the cross-entropy's three numbers per token.
        expected = f * BSH_BYTES * (10 * LAYERS + 5) + 2 * f * 8 * (replicated_params(model) + 3 * 8 * 32)
        assert abs(got["tp"] - expected) <= 0.01 * expected, (got["tp"], expected)


def replicated_params(model: str) -> int:
    """Norms, row-parallel biases and learned positions: what every tp rank holds whole."""
    d, seq = 64, 64
    if model == "llama":
        return LAYERS * 2 * d + d  # two RMSNorm weights per layer, the final norm
    return LAYERS * (2 * 2 * d + 2 * d) + 2 * d + seq * d  # LayerNorms (weight, bias), wo/w2 biases, positions


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("tp", [2, 4])
def test_sequence_parallel_divides_activation_memory(runs, model, tp):
    single = runs[model][-1]["activation_bytes"]
    with_sp = runs[model, tp, True][-1]["activation_bytes"] / single
    without = runs[model, tp, False][-1]["activation_bytes"] / single
    assert with_sp <= 1.03 / tp, with_sp  # 1/tp, and a little that is replicated (token ids, loss statistics)
    assert without > 1.25 * with_sp  # without SP the norms, residuals and layer inputs are replicated


@pytest.mark.parametrize("tp", [2, 4])
def test_sp_saving_the_gathered_inputs_moves_what_tp_moves(runs, tp):
    got = runs[f"save{tp}"]
    assert max_rel_diff(runs["llama"], got, "loss") <= 1e-9
    tp_only = runs["llama", tp, False][-1]
    assert abs(got[-1]["comm_bytes"]["tp"] - tp_only["comm_bytes"]["tp"]) <= 0.01 * tp_only["comm_bytes"]["tp"]
    # ... and holds more than SP with re-gathering, less than TP alone
    act = got[-1]["activation_bytes"]
    assert runs["llama", tp, True][-1]["activation_bytes"] < act < tp_only["activation_bytes"]


@pytest.mark.parametrize("model", list(COMBOS))
def test_tensor_parallel_inside_data_parallel_and_zero(runs, model):
    got = runs[f"combo-{model}"]
    assert max_rel_diff(runs[model], got, "loss") <= 1e-9
    assert max_rel_diff(runs[model], got, "grad_norm") <= 1e-9
    assert got[-1]["comm_bytes"]["dp"] > 0 and got[-1]["comm_bytes"]["tp"] > 0

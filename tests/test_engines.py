"""The data-parallel engines in one process (a mesh of one rank: every collective is a local copy).

Without communication, ZeRO 1, 2 and 3 must still do exactly what plain data parallelism does: their hooks,
flat buffers, freeing and regathering, sharded optimizer and decay ranges are all exercised here, in seconds.
"""

import pytest
import torch
import torch.nn.functional as F

from llmpar.comm import Comm
from llmpar.mesh import Mesh
from llmpar.model import PRESETS, build_model
from llmpar.parallel import data_parallel
from llmpar.train.metrics import unique_bytes


def _train(zero: int, model_name: str, micro_batches: int, steps: int = 3):
    torch.manual_seed(0)
    model = build_model(PRESETS[model_name], seed=0, dtype=torch.float64)
    engine = data_parallel(model, Comm(Mesh(dp=1)), zero, lr=3e-3, weight_decay=0.1)
    data = torch.randint(0, 256, (1, micro_batches, 2, 17)).expand(steps, -1, -1, -1)  # one batch, learned
    losses, norms = [], []
    for step in range(steps):
        engine.zero_grad()
        total = 0.0
        for m in range(micro_batches):
            engine.start_micro_batch(last=m == micro_batches - 1)
            x, y = data[step, m, :, :-1], data[step, m, :, 1:]
            loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten(), reduction="sum") / (micro_batches * 32)
            loss.backward()
            engine.end_micro_batch(last=m == micro_batches - 1)
            total += loss.item()
        norms.append(engine.clip_grad_norm_(0.5))
        engine.step(3e-3)
        losses.append(total)
    with torch.no_grad():  # a forward after training: ZeRO-3 gathers the updated shards
        final = model(data[0, 0, :, :-1]).double().sum().item()
    return losses, norms, final, engine


@pytest.mark.parametrize("model_name", ["tiny", "tiny-gpt2"])
@pytest.mark.parametrize("micro_batches", [1, 2])
@pytest.mark.parametrize("zero", [1, 2, 3])
def test_every_stage_trains_exactly_like_plain_data_parallelism(zero, model_name, micro_batches):
    ref = _train(0, model_name, micro_batches)
    got = _train(zero, model_name, micro_batches)
    for a, b in zip(ref[0] + ref[1] + [ref[2]], got[0] + got[1] + [got[2]]):
        assert a == pytest.approx(b, rel=1e-12, abs=0)
    assert ref[0][-1] < ref[0][0]


def test_zero3_holds_only_shards_between_steps():
    *_, engine = _train(3, "tiny", 1)
    for unit in engine.units:
        assert unit.flat.full.untyped_storage().nbytes() == 0  # the full weights are released
        assert unit.gather_handle is None and unit.grad_buffer is None
    # weights + gradients + two moments of shards (one rank: the whole model), nothing else
    n = PRESETS["tiny"].num_params()
    steps = 4 * len(engine.units)  # AdamW's step counters, one fp32 scalar per shard
    padding = sum(u.flat.padded - u.flat.numel for u in engine.units) * 8 * 4
    assert unique_bytes(engine.held_tensors()) == 4 * 8 * n + padding + steps


@pytest.mark.parametrize("zero", [0, 1, 2, 3])
def test_a_dropped_engine_is_freed_while_its_model_lives_on(zero):
    """An engine hooks its model's parameters (and ZeRO-3 its modules); those hooks must not keep it alive, or
    runners that build several trainers pile up engines, buffers, optimizer state and process groups."""
    import gc
    import weakref

    *_, engine = _train(zero, "tiny", 2, steps=1)
    model_params = list(engine.full_states())  # the parameters stay referenced: the model lives on
    ref = weakref.ref(engine)
    del engine
    for _ in range(3):
        gc.collect()
    assert ref() is None, f"ZeRO-{zero}: the engine survived its last reference"
    assert model_params


@pytest.mark.parametrize("zero", [0, 1, 2, 3])
def test_close_removes_every_hook_the_engine_placed(zero):
    torch.manual_seed(0)
    model = build_model(PRESETS["tiny"], seed=0, dtype=torch.float64)

    def hooks():
        params = sum(len(p._post_accumulate_grad_hooks or {}) for p in model.parameters())
        return params + sum(len(m._forward_pre_hooks) + len(m._forward_hooks) for m in model.modules())

    assert hooks() == 0
    engine = data_parallel(model, Comm(Mesh(dp=1)), zero, lr=1e-3, weight_decay=0.1)
    assert hooks() > 0
    engine.close()
    assert hooks() == 0
    engine.close()  # idempotent


def test_engines_do_not_share_state():
    """Per-engine state lives in each instance (a class-level set was shared by every ZeRO-3 engine)."""
    model_a = build_model(PRESETS["tiny"], seed=0, dtype=torch.float64)
    model_b = build_model(PRESETS["tiny"], seed=1, dtype=torch.float64)
    partial = {p: ("tp",) for p in model_a.parameters() if p.dim() == 1}  # as sequence parallelism marks norms
    a = data_parallel(model_a, Comm(Mesh(dp=1)), 3, lr=1e-3, weight_decay=0.1, partial_grads=partial)
    b = data_parallel(model_b, Comm(Mesh(dp=1)), 3, lr=1e-3, weight_decay=0.1)
    a.zero_grad()
    a.start_micro_batch(True)
    model_a(torch.randint(0, 256, (1, 8))).double().sum().backward()
    assert a._summed  # the norms' partial gradients were summed
    assert not b._summed and a._summed is not b._summed
    a.end_micro_batch(True)

import pytest
import torch
import torch.nn as nn

from llmpar.optim import ShardedAdamW, adamw
from llmpar.parallel.flat import FlatParams, bucketize


def _params():
    torch.manual_seed(0)
    return [
        nn.Parameter(torch.randn(3, 5, dtype=torch.float64)),
        nn.Parameter(torch.randn(7, dtype=torch.float64)),
        nn.Parameter(torch.randn(2, 2, dtype=torch.float64)),
    ]


def test_parameters_become_views_of_a_padded_buffer():
    params = _params()
    values = [p.detach().clone() for p in params]
    flat = FlatParams(params, n=4, rank=1)
    assert flat.numel == 26 and flat.padded == 28 and flat.shard_size == 7 and (flat.lo, flat.hi) == (7, 14)
    for p, v in zip(params, values):
        assert torch.equal(p, v)
    flat.full[0] = 42.0  # writing the buffer writes the parameter
    assert params[0][0, 0] == 42.0
    assert torch.equal(flat.full[26:], torch.zeros(2))


def test_decay_ranges_cover_exactly_the_matrix_elements_of_each_shard():
    for rank in range(4):
        flat = FlatParams(_params(), n=4, rank=rank)
        covered = {flat.lo + i for a, b in flat.decay_ranges() for i in range(a, b)}
        matrices = set(range(15)) | set(range(22, 26))  # the 3x5 and 2x2 parameters, not the vector
        assert covered == matrices & set(range(flat.lo, flat.hi))


def test_release_and_materialize_keep_saved_references_valid():
    params = _params()
    flat = FlatParams(params, n=2, rank=0)
    x = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    y = (x @ params[0].t()).sum()  # autograd saves a reference to the weight
    saved = flat.full.clone()
    flat.release()
    assert not flat.is_materialized and flat.full.untyped_storage().nbytes() == 0
    flat.materialize()
    flat.full.copy_(saved)  # what an all-gather would bring back
    y.backward()
    torch.testing.assert_close(x.grad, params[0].sum(0).expand(4, 5))


def test_sharded_adamw_updates_every_element_as_adamw_does():
    """Two 'ranks', each updating its shard with the decay ranges, give exactly the whole-parameter update."""
    reference = _params()
    grads = [torch.randn_like(p) for p in reference]
    ref_opt = adamw(reference, lr=0.1, weight_decay=0.3)
    for p, g in zip(reference, grads):
        p.grad = g.clone()
    ref_opt.step()
    for rank in range(2):
        params = _params()
        flat = FlatParams(params, n=2, rank=rank)
        grad_full = torch.cat(
            [g.reshape(-1) for g in grads] + [torch.zeros(flat.padded - flat.numel, dtype=torch.float64)]
        )
        shard = flat.shard()
        shard.grad = grad_full[flat.lo : flat.hi].clone()
        ShardedAdamW([shard], [flat.decay_ranges()], lr=0.1, weight_decay=0.3).step()
        ref_flat = torch.cat([p.detach().reshape(-1) for p in reference])
        hi = min(flat.hi, flat.numel)
        assert torch.equal(flat.full[flat.lo : hi], ref_flat[flat.lo : hi])


@pytest.mark.parametrize("limit,expected", [(10_000, [[0, 1, 2]]), (150, [[0], [1, 2]]), (1, [[0], [1], [2]])])
def test_bucketize(limit, expected):
    params = _params()
    buckets = bucketize(params, limit)
    position = {id(p): i for i, p in enumerate(params)}
    assert [[position[id(p)] for p in b] for b in buckets] == expected


def test_the_squares_of_a_long_fp32_shard_are_summed_to_fp32_precision():
    """A gradient norm over one long flat fp32 shard (ZeRO) is as exact as over many short tensors (DP): a single
    CPU reduction of 836K elements is 9e-6 off, which made ZeRO 1 and 2's fp32 clipping differ from DP's."""
    from llmpar.parallel.engine import squares

    g = torch.Generator().manual_seed(0)
    x = torch.randn(836_003, generator=g) * 0.01
    exact = float(x.double().square().sum())
    assert abs(float(squares([x], x.device)) - exact) / exact < 1e-8
    parts = list(x.split(1000)) + [torch.randn(7, generator=g)]
    exact_parts = sum(float(p.double().square().sum()) for p in parts)
    assert abs(float(squares(parts, x.device)) - exact_parts) / exact_parts < 1e-8
    assert float(squares([], x.device)) == 0.0
    b = x.to(torch.bfloat16)  # bf16 squares are summed in fp32 or wider
    assert abs(float(squares([b], b.device)) - float(b.double().square().sum())) / exact < 1e-6

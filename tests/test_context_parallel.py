"""Context parallelism's building block (llmpar.parallel.context_parallel): the load-balanced split, its errors,
the block attention and its online-softmax merge in one process; and (slow) ring and all-to-all attention over
2 and 4 real processes, exact in fp64, with equal work per rank and the bytes of docs/context-parallel.md."""

import math

import pytest
import torch
import torch.nn.functional as F

from llmpar.errors import UserError
from llmpar.parallel import context_parallel
from llmpar.parallel.context_parallel import (
    ContextParallelCore,
    CPComm,
    _attend,
    _attend_backward,
    _merge,
    _visible_block,
    all_to_all_attention,
    check_all_to_all_heads,
    chunk_positions,
    ring_attention,
    shard_sequence,
    unshard_sequence,
)


def _reference(q, k, v):
    return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=q.size(1) != k.size(1))


def _qkv(B=2, H=4, Hkv=2, S=24, D=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    q, k, v, dout = (torch.randn(B, h, S, D, generator=g, dtype=torch.float64) for h in (H, Hkv, Hkv, H))
    return q, k, v, dout


def _rel(a, b) -> float:
    return float(((a - b).abs().max() / b.abs().max()).detach())


# --- the split -----------------------------------------------------------------------------------------------------


def test_each_rank_holds_an_early_and_a_late_chunk():
    assert chunk_positions(8, 2, 0).tolist() == [0, 1, 6, 7]
    assert chunk_positions(8, 2, 1).tolist() == [2, 3, 4, 5]
    assert chunk_positions(16, 4, 1).tolist() == [2, 3, 12, 13]
    assert chunk_positions(7, 1, 0).tolist() == list(range(7))  # one rank: the sequence as it is, any length
    for n in (1, 2, 3, 4):
        every = torch.cat([chunk_positions(24, n, r) for r in range(n)])
        assert sorted(every.tolist()) == list(range(24))
        assert all(bool((chunk_positions(24, n, r).diff() > 0).all()) for r in range(n))  # increasing


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_unshard_inverts_shard(n, dim):
    x = torch.randn(24, 24, 24)
    parts = [shard_sequence(x, n, r, dim) for r in range(n)]
    assert all(p.size(dim) == 24 // n for p in parts)
    assert torch.equal(unshard_sequence(parts, n, dim), x)
    assert torch.equal(parts[0].select(dim, 0), x.select(dim, 0))


def test_a_sequence_that_cannot_be_split_names_the_flags_and_what_works():
    with pytest.raises(UserError) as e:
        chunk_positions(30, 4, 0)
    message = str(e.value)
    assert "--seq-len 30" in message and "--cp 4" in message and "multiple of 8" in message
    assert "24 or 32" in message
    with pytest.raises(UserError, match=r"--seq-len 6 .* \(8 would work\)"):
        shard_sequence(torch.zeros(1, 6), 4, 0, dim=1)


def test_all_to_all_needs_heads_divisible_by_cp_and_says_ring_does_not():
    check_all_to_all_heads(8, 4, 4)
    with pytest.raises(UserError) as e:
        check_all_to_all_heads(8, 2, 4)
    message = str(e.value)
    assert "--cp-mode all-to-all" in message and "--cp 4" in message and "8 query heads" in message
    assert "2 key/value heads" in message and "--cp-mode ring" in message
    cp = CPComm(group=None, rank=0, n=3)
    q, k, v, _ = _qkv(H=4, Hkv=2)
    with pytest.raises(UserError, match="--cp-mode all-to-all"):
        all_to_all_attention(q, k, v, cp)


# --- which part of each block the ring computes ----------------------------------------------------------------


def _ring_scores(positions: list[torch.Tensor]) -> list[int]:
    """Per rank, the query·key scores the ring computes (per batch row and head) over its n blocks."""
    work = []
    for q_pos in positions:
        total = 0
        for kv_pos in positions:
            block = _visible_block(q_pos, kv_pos)
            if block is not None:
                first, end, _ = block
                total += (len(q_pos) - first) * end
        work.append(total)
    return work


@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_visible_part_of_every_block_holds_exactly_the_causal_pairs(n):
    S = 24
    positions = [chunk_positions(S, n, r) for r in range(n)]
    for q_pos in positions:
        for kv_pos in positions:
            causal = kv_pos.unsqueeze(0) <= q_pos.unsqueeze(1)
            block = _visible_block(q_pos, kv_pos)
            if block is None:
                assert not causal.any()
                continue
            first, end, mask = block
            inside = torch.zeros_like(causal)
            inside[first:, :end] = True if mask is None else mask
            assert torch.equal(inside, causal)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_balanced_split_gives_every_rank_the_same_attention_work(n):
    S, c = 48, 48 // (2 * n)
    balanced = _ring_scores([chunk_positions(S, n, r) for r in range(n)])
    # Its own block whole (2c × 2c, partly masked), the other n-1 blocks by half (2c × c or c × 2c).
    assert balanced == [2 * c * c * (n + 1)] * n
    contiguous = _ring_scores([torch.arange(r * S // n, (r + 1) * S // n) for r in range(n)])
    assert len(set(contiguous)) == n  # what the balanced split avoids: the last rank does the most


# --- the block attention and the merge, in one process ---------------------------------------------------------


@pytest.mark.parametrize("kernel", ["fused", "explicit"])
def test_blocks_merged_by_log_sum_exp_equal_full_attention_and_so_do_their_gradients(kernel, monkeypatch):
    """The ring's arithmetic without the ring: the queries of one rank against the blocks of all four ranks of
    the balanced split, visited in the ring's order, merged; then each block's gradients from the final output
    and lse. With either kernel: the fused CPU operator (no mask or causal), or the explicit matmuls."""
    if kernel == "explicit":
        monkeypatch.setattr(context_parallel, "_FLASH", None)
    n, S, D = 4, 24, 8
    q, k, v, dout = _qkv(S=S, D=D)
    B, Hkv = q.size(0), k.size(1)
    scale = 1 / math.sqrt(D)
    full = [t.detach().clone().requires_grad_(True) for t in (q, k, v)]
    expected = _reference(*full)
    expected.backward(dout)

    positions = [chunk_positions(S, n, r) for r in range(n)]
    dkv = [torch.zeros(2, B, Hkv, S // n, D, dtype=q.dtype) for _ in range(n)]  # each rank's block's dk, dv
    for rank in range(n):
        qs = shard_sequence(q, n, rank, 2)
        out = torch.zeros_like(qs)
        lse = torch.full(qs.shape[:-1], float("-inf"), dtype=q.dtype)
        blocks = []
        for t in range(n):
            source = (rank - t) % n
            ks, vs = shard_sequence(k, n, source, 2), shard_sequence(v, n, source, 2)
            first, end, mask = _visible_block(positions[rank], positions[source])
            bo, bl = _attend(qs[:, :, first:], ks[:, :, :end], vs[:, :, :end], mask, scale)
            out[:, :, first:], lse[:, :, first:] = _merge(out[:, :, first:], lse[:, :, first:], bo, bl)
            blocks.append((source, first, end, mask, ks, vs))
        assert _rel(out, shard_sequence(expected, n, rank, 2)) < 1e-13

        dq = torch.zeros_like(qs)
        do = shard_sequence(dout, n, rank, 2)
        for source, first, end, mask, ks, vs in blocks:
            dq_part, dk_part, dv_part = _attend_backward(
                qs[:, :, first:],
                ks[:, :, :end].contiguous(),
                vs[:, :, :end].contiguous(),
                mask,
                scale,
                out[:, :, first:],
                lse[:, :, first:],
                do[:, :, first:],
            )
            dq[:, :, first:] += dq_part
            dkv[source][0, :, :, :end] += dk_part
            dkv[source][1, :, :, :end] += dv_part
        assert _rel(dq, shard_sequence(full[0].grad, n, rank, 2)) < 1e-13
    for i in (0, 1):  # every rank's share of a block's gradients, summed: the gradients of its keys and values
        assert _rel(unshard_sequence([d[i] for d in dkv], n, dim=2), full[1 + i].grad) < 1e-13


@pytest.mark.parametrize("kernel", ["fused", "explicit"])
def test_padded_prompts_blocks_merged_equal_attention_with_the_padding_mask(kernel, monkeypatch):
    """Generation's prefill under cp (llmpar.inference.cp_cache): left-padded prompts of 24, 9 and 1 tokens in a
    width of 24, split over 4 ranks; each rank's queries against every rank's block with the causal and padding
    mask (a padding query sees itself only), merged in the ring's order, equal one process's masked attention.
    Some blocks are all padding for the short prompts (a row that sees no key: 0 and -inf, weight 0)."""
    from llmpar.inference.cp_cache import _merge as merge

    if kernel == "explicit":
        monkeypatch.setattr(context_parallel, "_FLASH", None)
    n, S, D = 4, 24, 8
    q, k, v, _ = _qkv(B=3, S=S, D=D)
    pad = torch.tensor([0, 15, 23])
    slots = torch.arange(S)

    def mask(qs, ks):  # (B, Lq, Lk), as RingCache._mask
        real = ks[None, None, :] >= pad[:, None, None]
        return ((ks[None, None, :] <= qs[None, :, None]) & real) | (ks[None, None, :] == qs[None, :, None])

    group = q.size(1) // k.size(1)
    k_all, v_all = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)
    expected = F.scaled_dot_product_attention(q, k_all, v_all, attn_mask=mask(slots, slots)[:, None])
    empty_rows = 0
    for rank in range(n):
        mine = chunk_positions(S, n, rank)
        out = torch.zeros_like(shard_sequence(q, n, rank, 2))
        lse = torch.full(out.shape[:-1], float("-inf"), dtype=q.dtype)
        for t in range(n):
            theirs = chunk_positions(S, n, (rank - t) % n)
            m = mask(mine, theirs)
            bo, bl = context_parallel.attend_masked(
                q[:, :, mine], k[:, :, theirs], v[:, :, theirs], m, 1 / math.sqrt(D)
            )
            empty_rows += int((~m.any(-1)).sum())
            out, lse = merge(out, lse, bo, bl)
        assert _rel(out, expected[:, :, mine]) < 1e-13
    assert empty_rows > 0  # the case of a block a row cannot see was there


def test_the_fused_kernel_takes_the_blocks_the_balanced_split_has():
    """A rank's own block is causal in its local order and every other visible block full: both are the fused
    operator's, so on a CPU no score matrix is materialised."""
    n, S = 4, 32
    positions = [chunk_positions(S, n, r) for r in range(n)]
    q = torch.zeros(1, 1, S // n, 8)
    for i in range(n):
        for j in range(n):
            first, _, mask = _visible_block(positions[i], positions[j])
            assert (mask is not None) == (i == j)
            assert context_parallel._fused(q[:, :, first:], mask)


def test_on_one_rank_both_modes_are_causal_attention():
    cp = CPComm(group=None, rank=0, n=1)
    q, k, v, dout = _qkv(S=10)
    full = [t.clone().requires_grad_(True) for t in (q, k, v)]
    _reference(*full).backward(dout)
    for mode in ("ring", "all-to-all"):
        mine = [t.clone().requires_grad_(True) for t in (q, k, v)]
        y = ContextParallelCore(cp, mode)(*mine)
        assert _rel(y, _reference(q, k, v)) < 1e-13
        y.backward(dout)
        for a, b in zip(mine, full):
            assert _rel(a.grad, b.grad) < 1e-13
    with pytest.raises(ValueError, match="unknown context-parallel mode"):
        ContextParallelCore(cp, "ulysses")


# --- real processes ----------------------------------------------------------------------------------------------


class _Tally(dict):
    """A `count` callback: bytes summed by kind."""

    def __call__(self, kind: str, nbytes: float) -> None:
        self[kind] = self.get(kind, 0) + nbytes


def _worker(cases: list[dict]) -> list[dict]:
    """In each of n workers: every case's attention in both modes, against the full attention of one process."""
    import datetime

    import torch.distributed as dist

    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
    rank, n = dist.get_rank(), dist.get_world_size()
    results = []
    try:
        for case in cases:
            q, k, v, dout = _qkv(H=case["H"], Hkv=case["Hkv"], S=case["S"])
            full = [t.clone().requires_grad_(True) for t in (q, k, v)]
            expected = _reference(*full)
            expected.backward(dout)
            counted = _Tally()
            cp = CPComm(None, rank, n, count=counted)
            attend = ring_attention if case["mode"] == "ring" else all_to_all_attention
            mine = [shard_sequence(t, n, rank, 2).requires_grad_(True) for t in (q, k, v)]
            y = attend(*mine, cp)
            forward_bytes = dict(counted)
            counted.clear()
            y.backward(shard_sequence(dout, n, rank, 2))

            def gathered(t):
                parts = [torch.empty_like(t) for _ in range(n)]
                dist.all_gather(parts, t.contiguous())
                return unshard_sequence(parts, n, dim=2)

            errors = {"out": _rel(gathered(y.detach()), expected)}
            for name, a, b in zip("qkv", mine, full):
                errors[f"d{name}"] = _rel(gathered(a.grad), b.grad)
            results.append(
                {**case, "errors": errors, "forward": forward_bytes, "backward": dict(counted), "scores": cp.scores}
            )
    finally:
        dist.destroy_process_group()
    return results


def _expected_bytes(mode: str, n: int, B: int, H: int, Hkv: int, S: int, D: int, e: int = 8):
    """docs/context-parallel.md: bytes one rank counts, forward and backward, in the bus-bytes convention."""
    L = S // n
    if mode == "ring":
        kv = 2 * B * Hkv * L * D * e  # a key/value block, stacked
        forward = {"send": (n - 1) * kv, "recv": (n - 1) * kv}
        backward = {"send": 2 * (n - 1) * kv, "recv": 2 * (n - 1) * kv}  # the blocks, and their dk/dv accumulators
        return forward, backward
    each = (n - 1) / n * (2 * B * H * L * D + 2 * B * Hkv * L * D) * e  # q, k, v in and the output back
    delta = (n - 1) / n * B * H * L * e  # backward: rowsum(dO ∘ O) per query (the output itself is not kept)
    return {"all_to_all": each}, {"all_to_all": each + delta}


@pytest.mark.slow
def test_ring_and_all_to_all_attention_are_exact_and_balanced_on_2_and_4_processes():
    from llmpar.launch import run_local

    B, D = 2, 8
    for n in (2, 4):
        cases = [
            {"mode": mode, "H": 4, "Hkv": Hkv, "S": S}
            for mode in ("ring", "all-to-all")
            for Hkv in (2, 4)
            for S in (24, 32)
        ]
        if n == 4:  # all-to-all needs the 4 ranks to share the key/value heads too
            cases = [c for c in cases if c["mode"] == "ring" or c["Hkv"] % 4 == 0]
        by_rank = run_local(n, _worker, cases)
        assert sorted(by_rank) == list(range(n))
        for i, case in enumerate(cases):
            label = (n, case["mode"], case["Hkv"], case["S"])
            runs = [by_rank[r][i] for r in range(n)]
            for run in runs:
                assert max(run["errors"].values()) < 1e-12, (label, run["errors"])
                forward, backward = _expected_bytes(case["mode"], n, B, case["H"], case["Hkv"], case["S"], D)
                assert run["forward"] == forward and run["backward"] == backward, (label, run)
            c = case["S"] // (2 * n)
            if case["mode"] == "ring":  # own block 2c × 2c, the n-1 others by half; the backward recomputes them
                per_rank = B * case["H"] * 2 * c * c * (n + 1)
                assert all(run["scores"] == {"forward": per_rank, "backward": per_rank} for run in runs), label
            else:  # the whole sequence, with H/n heads
                per_rank = B * case["H"] // n * case["S"] ** 2
                assert all(run["scores"] == {"forward": per_rank, "backward": 0} for run in runs), label

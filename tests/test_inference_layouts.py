"""`llmpar generate` and `llmpar eval` under every layout give the numbers of one process (slow: one launch of 8
workers runs every layout). fp64: identical greedy and seeded-sampled tokens, log-probabilities within 1e-9
relative, identical eval loss and accuracy (1e-9).

Layouts, each filling the 8 workers with data-parallel replicas: dp 8; tp 4 (× dp 2); tp 2 (× dp 4);
pp 4 (× dp 2); pp 2 (× dp 4); dp 2 × tp 2 × pp 2; and with context parallelism (the prompts' prefill and the KV
cache split over the cp ranks): cp 2 and cp 4 ring (× dp), cp 4 all-to-all (× dp 2), cp 2 ring × tp 2 × pp 2, cp 2
all-to-all × tp 2 (× dp 2). The Llama has grouped-query attention (8 query heads, 4 kv heads, so that tp 4 splits
both) and a vocabulary of 259, which divides by neither 2 nor 4. Prompts of 1 to 21 tokens: under cp 4 a short
prompt's slots on some ranks are all padding.
"""

from __future__ import annotations

import json

import pytest
import torch

import llmpar
from helpers import launch
from llmpar.inference.cp_cache import cp_bytes, padded_width
from llmpar.model.config import ModelConfig
from test_generate import save_checkpoint

pytestmark = pytest.mark.slow

LLAMA = ModelConfig(
    arch="llama", vocab_size=259, d_model=64, n_layers=4, n_heads=8, n_kv_heads=4, d_ff=96, max_seq_len=96,
    tie_embeddings=False, norm_eps=1e-5, rope_theta=10000.0,
)  # fmt: skip
GPT2 = ModelConfig(
    arch="gpt2", vocab_size=259, d_model=64, n_layers=4, n_heads=4, n_kv_heads=4, d_ff=128, max_seq_len=96,
    tie_embeddings=True, norm_eps=1e-5,
)  # fmt: skip
LAYOUTS = [
    {"dp": 8},
    {"dp": 2, "tp": 4},
    {"dp": 4, "tp": 2},
    {"dp": 2, "pp": 4},
    {"dp": 4, "pp": 2},
    {"dp": 2, "tp": 2, "pp": 2},
    {"dp": 4, "cp": 2},
    {"dp": 2, "cp": 4},
    {"dp": 2, "cp": 4, "cp_mode": "all-to-all"},
    {"cp": 2, "tp": 2, "pp": 2},
    {"dp": 2, "cp": 2, "tp": 2, "cp_mode": "all-to-all"},
]
PROMPTS = ["def f(x):", "import os", "x", "class A(object):\n    ", "for i in range(10):", "#", "return", "a = 1\n"]
PROMPTS += ["while True:\n    pass\n", "print('hello')"]
SAMPLING = {"temperature": 0.9, "top_k": 40, "top_p": 0.9, "seed": 3}
NEW = 24


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts")
    text = root / "data.txt"
    text.write_text("".join(f"def f{i}(x):\n    return x * {i % 97}\n" for i in range(2000)))
    sources = {
        "llama": save_checkpoint(root / "llama", LLAMA, seed=1, data=str(text), seq_len=32),
        "gpt2": save_checkpoint(root / "gpt2", GPT2, seed=2, data=str(text), seq_len=32),
    }
    common = {"prompts": PROMPTS, "max_new_tokens": NEW, "dtype": "fp64", "device": "cpu", "eos_ids": []}
    jobs = []
    for arch in ("llama", "gpt2"):
        for layout in LAYOUTS:
            jobs.append(("generate", arch, "greedy", layout, {"source": sources[arch], **common, **layout}))
        for layout in LAYOUTS[1:]:
            opts = {"source": sources[arch], **common, **SAMPLING, **layout}
            jobs.append(("generate", arch, "sampled", layout, opts))
    for layout in LAYOUTS:
        jobs.append(("eval", "llama", "eval", layout, {"source": sources["llama"], "dtype": "fp64", **layout}))
    spec = root / "jobs.json"
    launch("inference_runner.py", 8, [{"kind": kind, "options": opts} for kind, _, _, _, opts in jobs], spec)
    results = json.loads((root / "jobs.json.out").read_text())
    # The single-process references, in this process.
    single = {}
    for arch in ("llama", "gpt2"):
        for mode, extra in (("greedy", {}), ("sampled", SAMPLING)):
            opts = {k: v for k, v in common.items() if k != "prompts"}
            single[arch, mode] = llmpar.generate(sources[arch], PROMPTS, logprobs=True, **opts, **extra)
    single["eval"] = llmpar.evaluate(sources["llama"], dtype="fp64", device="cpu")
    return [(kind, arch, mode, layout, r) for (kind, arch, mode, layout, _), r in zip(jobs, results)], single


def _rel(a, b) -> float:
    a, b = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
    return float((a - b).abs().max() / b.abs().max())


def test_every_layout_generates_the_tokens_and_log_probabilities_of_one_process(runs):
    jobs, single = runs
    checked = 0
    for kind, arch, mode, layout, result in jobs:
        if kind != "generate":
            continue
        reference = single[arch, mode]
        got = result["results"]
        assert [r["index"] for r in got] == list(range(len(PROMPTS)))
        for ours, ref in zip(got, reference):
            assert ours["token_ids"] == ref["token_ids"], (arch, mode, layout, ours["index"])
            assert _rel(ours["logprobs"], ref["logprobs"]) < 1e-9, (arch, mode, layout)
        checked += 1
    assert checked == 2 * (len(LAYOUTS) + len(LAYOUTS) - 1)
    # Sampling at temperature 0.9 chose other tokens than greedy (the check above compared something).
    assert single["llama", "sampled"][0]["token_ids"] != single["llama", "greedy"][0]["token_ids"]


def test_pipelines_report_a_bubble_and_each_axis_its_traffic(runs):
    jobs, _ = runs
    for kind, _, mode, layout, result in jobs:
        if kind != "generate" or mode != "greedy":
            continue
        stats = result["stats"]
        assert stats["new_tokens"] == NEW * len(PROMPTS) and stats["layout"]["dp"] == layout.get("dp", 1)
        assert stats["layout"]["cp"] == layout.get("cp", 1)
        for axis in ("tp", "pp", "cp"):
            assert (stats["comm_bytes"][axis] > 0) == (layout.get(axis, 1) > 1), (layout, stats["comm_bytes"])
        if layout.get("pp", 1) > 1:
            assert 0 < stats["bubble_fraction"] < 1
        else:
            assert stats["bubble_fraction"] == 0


def test_eval_gives_the_loss_and_accuracy_of_one_process_in_every_layout(runs):
    jobs, single = runs
    ref = single["eval"]
    evals = [r for kind, *_, r in jobs if kind == "eval"]
    assert len(evals) == len(LAYOUTS) and ref["tokens"] > 0
    for r in evals:
        assert abs(r["loss"] - ref["loss"]) <= 1e-9 * ref["loss"], (r["layout"], r["loss"], ref["loss"])
        assert r["accuracy"] == ref["accuracy"] and r["tokens"] == ref["tokens"]


def _cache_slots(layout: dict, width: int) -> int:
    """The KV-cache slots of one sequence on the fullest rank (see llmpar/inference/cp_cache.py): all of them
    without cp; with cp the prompt, padded to a multiple of 2·cp, then ring: its 1/cp, and the new tokens in
    turn (rank 0 takes the most); all-to-all: every slot (with 1/cp of the heads)."""
    cp = layout.get("cp", 1)
    if cp == 1:
        return width + NEW - 1
    width = -(-width // (2 * cp)) * (2 * cp)
    if layout.get("cp_mode", "ring") == "all-to-all":
        return width + NEW - 1
    return width // cp + -(-(NEW - 1) // cp)


def test_context_parallelism_splits_the_kv_cache_and_moves_the_bytes_of_its_formula(runs):
    """A rank's KV cache is 1/cp of one process's (ring: of the slots; all-to-all: of the heads), as the formula
    gives it to the byte, and its cp traffic is the formula's (llmpar/inference/cp_cache.py), to the byte; both
    are the fullest rank's (the first replica has the most prompts; the last stage also broadcasts the tokens)."""
    jobs, _ = runs
    checked = 0
    for kind, arch, mode, layout, result in jobs:
        if kind != "generate" or mode != "greedy":
            continue
        cfg = LLAMA if arch == "llama" else GPT2
        dp, cp, tp, pp = (layout.get(axis, 1) for axis in ("dp", "cp", "tp", "pp"))
        cp_mode = layout.get("cp_mode", "ring")
        heads, kv_heads = cfg.n_heads // tp, cfg.n_kv_heads // tp
        layers = cfg.n_layers // pp
        per = -(-len(PROMPTS) // dp)  # each replica's share of the prompts, cut into groups as the engine does
        slots = traffic = 0
        for lo in range(0, len(PROMPTS), per):
            mine = PROMPTS[lo : lo + per]
            count = min(pp, len(mine))
            groups = [mine[k * len(mine) // count : (k + 1) * len(mine) // count] for k in range(count)]
            slots = max(slots, sum(len(g) * _cache_slots(layout, max(map(len, g))) for g in groups))
            traffic = max(
                traffic,
                sum(
                    cp_bytes(cp_mode, cp, layers, len(g), padded_width(max(map(len, g)), cp), NEW, heads, kv_heads,
                             cfg.head_dim, 8, last_stage=True)
                    for g in groups
                ),
            )  # fmt: skip
        cached_heads = kv_heads // (cp if cp_mode == "all-to-all" else 1)
        assert result["stats"]["cache_bytes_per_rank"] == 2 * layers * cached_heads * cfg.head_dim * slots * 8
        assert result["stats"]["comm_bytes"]["cp"] == traffic, (arch, layout)
        assert (traffic > 0) == (cp > 1)
        checked += 1
    assert checked == 2 * len(LAYOUTS)

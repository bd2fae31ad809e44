"""Parallel inference, measured: the KV cache against recomputation, throughput and traffic per layout, the
cache's memory against its formula, and how far bf16 layouts drift from one process.

    python benchmarks/inference.py [--quick] [--out benchmarks/inference_results.json]

1. cache     `small` (its context widened to 512), one prompt of 16 tokens, 256 new tokens, greedy, fp32: decoding
             with llmpar's KV cache against recomputing the whole sequence every step (the same tokens)
2. layouts   `small` and benchmarks/models/llama-27m.json (random weights), 8 prompts of 32 tokens, 64 new each,
             fp32, under one process, tp 2, pp 2, dp 2 (launched as `llmpar generate` launches): prefill and
             decode tokens/s, the latency of a decode step, the pipeline's bubble, bytes per new token per axis,
             and the cache's bytes per rank beside 2 · layers · kv_heads/tp · head_dim · tokens · bytes
3. bf16      a Llama with 8 query and 4 kv heads trained briefly on the embedded corpus (fp32), then 100 prompts ×
             128 greedy tokens in bf16 under one process, tp 2, tp 4 and pp 2: the share of positions whose token
             differs from one process's, the prompts that diverge at all, and the largest log-probability
             difference before a sequence's first divergence
4. long      context parallelism on a long prompt: `small` (its context widened to 4096), 2 prompts of 3072
             tokens, 16 new each, fp32, under one process (both cores), cp 2 ring, cp 2 all-to-all and tp 2:
             prefill tokens/s, the latency of a decode step, the cache's bytes per rank and the cp bytes, the
             first three as ratios to one process's in the same run
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

import llmpar  # noqa: E402
from llmpar.checkpoint.convert import write_layout  # noqa: E402
from llmpar.model import build_model  # noqa: E402
from llmpar.model.config import config_from_dict, preset  # noqa: E402
from llmpar.pipeline.stages import partition  # noqa: E402


def checkpoint(folder: str, cfg, seed: int = 0) -> str:
    model = build_model(cfg, seed)
    state = {k: v for k, v in model.state_dict().items() if not (cfg.tie_embeddings and k == "head.weight")}
    return write_layout(folder, cfg, state, 1, {"layout": {}, "train": {"seq_len": 64}}, 1, 1, 1, 0)


def cache_vs_recompute(root: str, new: int, quick: bool) -> list[dict]:
    import dataclasses

    models = {"small": preset("small")}
    if not quick:
        with open(os.path.join(HERE, "models", "llama-27m.json")) as f:
            models["llama-27m"] = config_from_dict(json.load(f), "llama-27m.json")
    out = []
    for name, cfg in models.items():
        cfg = dataclasses.replace(cfg, max_seq_len=512)  # room for 16 + 256 tokens
        source = checkpoint(os.path.join(root, name + "-512"), cfg)
        prompt = list(range(40, 56))
        records, stats = llmpar.generate(source, [prompt], max_new_tokens=new, eos_ids=(), return_stats=True)
        model = llmpar.load_model(source)
        ids = list(prompt)
        start = time.perf_counter()
        with torch.no_grad():
            for _ in range(new):
                ids.append(int(model(torch.tensor([ids]))[0, -1, :256].argmax()))
        recompute = time.perf_counter() - start
        assert ids[len(prompt) :] == records[0]["token_ids"], "the cache changed the tokens"
        cached = stats["elapsed_s"]
        out.append(
            {
                "model": name,
                "new_tokens": new,
                "cached_s": cached,
                "recompute_s": recompute,
                "speedup": recompute / cached,
            }
        )
        print("cache", json.dumps(out[-1]), flush=True)
    return out


def layouts(root: str, quick: bool) -> list[dict]:
    models = {"small": preset("small")}
    if not quick:
        with open(os.path.join(HERE, "models", "llama-27m.json")) as f:
            models["llama-27m"] = config_from_dict(json.load(f), "llama-27m.json")
    out = []
    prompts = [[(7 * i + j) % 200 + 32 for j in range(32)] for i in range(8)]
    new = 64
    for name, cfg in models.items():
        source = checkpoint(os.path.join(root, name), cfg)
        for layout in ({}, {"tp": 2}, {"pp": 2}, {"dp": 2}):
            _, s = llmpar.generate(source, prompts, max_new_tokens=new, eos_ids=(), return_stats=True, **layout)
            tp, pp = layout.get("tp", 1), layout.get("pp", 1)
            sequences = len(prompts) // layout.get("dp", 1)
            layers = max(len(c) for c in partition(cfg, pp, cfg.max_seq_len))
            formula = 2 * layers * cfg.n_kv_heads // tp * cfg.head_dim * sequences * (32 + new - 1) * 4
            out.append(
                {
                    "model": name,
                    "params_M": round(cfg.num_params() / 1e6, 2),
                    "layout": s["layout"],
                    "prefill_tokens_per_s": round(s["prefill_tokens_per_s"]),
                    "decode_tokens_per_s": round(s["decode_tokens_per_s"]),
                    "ms_per_decode_step": round(s["ms_per_token"], 2),
                    "bubble_fraction": round(s["bubble_fraction"], 3),
                    "comm_bytes_per_new_token": {k: v / s["new_tokens"] for k, v in s["comm_bytes"].items()},
                    "cache_bytes_per_rank": s["cache_bytes_per_rank"],
                    "cache_bytes_formula": formula,
                }
            )
            print(json.dumps(out[-1]), flush=True)
    return out


def long_prompt(root: str, quick: bool) -> list[dict]:
    import dataclasses

    width = 1024 if quick else 3072
    cfg = dataclasses.replace(preset("small"), max_seq_len=width + 64)
    source = checkpoint(os.path.join(root, "small-long"), cfg)
    prompts = [[(13 * i + 7 * j) % 200 + 32 for j in range(width)] for i in range(2)]
    out: list[dict] = []
    for layout in ({}, {"cp": 2}, {"cp": 2, "cp_mode": "all-to-all"}, {"tp": 2}):
        records, s = llmpar.generate(source, prompts, max_new_tokens=16, eos_ids=(), return_stats=True, **layout)
        row = {
            "layout": s["layout"],
            "prefill_tokens_per_s": round(s["prefill_tokens_per_s"]),
            "ms_per_decode_step": round(s["ms_per_token"], 2),
            "cache_bytes_per_rank": s["cache_bytes_per_rank"],
            "cp_bytes": s["comm_bytes"]["cp"],
            "tokens": [r["token_ids"] for r in records],
        }
        if out:
            one = out[0]
            row["prefill_speed_vs_one_process"] = round(row["prefill_tokens_per_s"] / one["prefill_tokens_per_s"], 3)
            row["decode_step_vs_one_process"] = round(row["ms_per_decode_step"] / one["ms_per_decode_step"], 3)
            row["cache_vs_one_process"] = round(row["cache_bytes_per_rank"] / one["cache_bytes_per_rank"], 4)
            row["same_tokens"] = row["tokens"] == one["tokens"]
        out.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "tokens"}), flush=True)
    for row in out:
        del row["tokens"]
    return out


def bf16_drift(root: str, quick: bool) -> dict:
    from llmpar.cli import main

    cfg = {"arch": "llama", "vocab_size": 256, "d_model": 256, "n_layers": 4, "n_heads": 8, "n_kv_heads": 4}
    cfg |= {"d_ff": 512, "max_seq_len": 256, "tie_embeddings": False}
    config = os.path.join(root, "bf16.json")
    with open(config, "w") as f:
        json.dump(cfg, f)
    save = os.path.join(root, "bf16run")
    steps = "30" if quick else "150"
    args = ["train", "--model-config", config, "--dp", "1", "--steps", steps, "--seq-len", "128"]
    args += ["--global-batch-size", "16", "--save", save, "--no-progress", "--sample-tokens", "0", "--device", "cpu"]
    assert main(args) == 0
    from llmpar.data import ByteTokenizer, load_tokens

    tokens, _ = load_tokens(None, ByteTokenizer())
    n = 20 if quick else 100
    stride = len(tokens) // (n + 1)
    prompts = [tokens[i * stride : i * stride + 48].tolist() for i in range(1, n + 1)]
    new = 32 if quick else 128
    runs = {}
    for name, layout in (("single", {}), ("tp2", {"tp": 2}), ("tp4", {"tp": 4}), ("pp2", {"pp": 2})):
        options = {"max_new_tokens": new, "eos_ids": (), "dtype": "bf16", "logprobs": True, **layout}
        runs[name] = llmpar.generate(save, prompts, **options)
    ref = runs.pop("single")
    out = {"prompts": n, "new_tokens": new, "train_steps": int(steps)}
    for name, got in runs.items():
        differ = diverged = 0
        worst = 0.0
        for a, b in zip(got, ref):
            same = [x == y for x, y in zip(a["token_ids"], b["token_ids"])]
            differ += same.count(False)
            first = same.index(False) if False in same else len(same)
            diverged += first < len(same)
            for x, y in zip(a["logprobs"][: first + 1], b["logprobs"][: first + 1]):
                worst = max(worst, abs(x - y))
        out[name] = {
            "positions_differing": differ / (n * new),
            "prompts_diverging": diverged / n,
            "max_logprob_diff_before_divergence": worst,
        }
        print(name, json.dumps(out[name]), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer tokens, the small model only")
    ap.add_argument("--out", default=os.path.join(HERE, "inference_results.json"))
    ap.add_argument("--only", choices=("cache", "layouts", "bf16", "long"), help="one part")
    args = ap.parse_args()
    results = {}
    if os.path.exists(args.out):
        with open(args.out) as f:
            results = json.load(f)
    with tempfile.TemporaryDirectory() as root:
        if args.only in (None, "cache"):
            results["cache"] = cache_vs_recompute(root, 64 if args.quick else 256, args.quick)
        if args.only in (None, "layouts"):
            results["layouts"] = layouts(root, args.quick)
        if args.only in (None, "bf16"):
            results["bf16"] = bf16_drift(root, args.quick)
        if args.only in (None, "long"):
            results["long"] = long_prompt(root, args.quick)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

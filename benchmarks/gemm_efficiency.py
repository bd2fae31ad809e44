"""How fast the matmuls and the attention kernel of a transformer layer run, as a fraction of the device's peak,
by shape: the measurements behind the cost model's shape-dependent efficiency (docs/cost-model.md).

For each hidden size h, tensor-parallel degree t and token count T (micro-batch × sequence), the four GEMMs of a
layer on one rank: QKV [T, h] × [h, 3h/t], the attention projection [T, h/t] × [h/t, h], the MLP's up [T, h] ×
[h, 4h/t] and down [T, 4h/t] × [4h/t, h], each timed forward (one product) and backward (two of the same size).
Then fused causal attention (scaled_dot_product_attention) forward and backward, by sequence length and head size.
Writes one JSON file with every row (shape, seconds, FLOP/s, fraction of `--peak`).

    python benchmarks/gemm_efficiency.py --out gemm.json                  # on a GPU (bf16, peak of an H100/H200)
    python benchmarks/gemm_efficiency.py --device cpu --dtype fp32 --quick  # a smoke run here
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn.functional as F

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32, "fp64": torch.float64}


def timed(fn, device: str, reps: int, inner: int = 20) -> float:
    """Seconds per call: the median over `reps` timings of `inner` back-to-back calls, after warm-up. Back to
    back, as in a training step, so that a small kernel is not charged the host's time to launch it."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        if device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(inner):
                fn()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3 / inner)
        else:
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times.append((time.perf_counter() - t0) / inner)
    return sorted(times)[len(times) // 2]


def gemm_rows(args, dtype) -> list[dict]:
    rows = []
    for h in args.hidden:
        for t in args.tp:
            if h % t or (h // t) % 8:
                continue
            for tokens in args.tokens:
                for name, k, n in (
                    ("qkv", h, 3 * h // t),
                    ("proj", h // t, h),
                    ("up", h, 4 * h // t),
                    ("down", 4 * h // t, h),
                ):
                    a = torch.randn(tokens, k, device=args.device, dtype=dtype)
                    w = torch.randn(k, n, device=args.device, dtype=dtype)
                    sec = timed(lambda a=a, w=w: a @ w, args.device, args.reps)
                    flops = 2 * tokens * k * n
                    rows.append(
                        dict(
                            kind="gemm",
                            op=name,
                            h=h,
                            tp=t,
                            tokens=tokens,
                            m=tokens,
                            k=k,
                            n=n,
                            seconds=sec,
                            flops_per_s=flops / sec,
                            fraction=flops / sec / args.peak,
                        )
                    )
                    del a, w
    return rows


def attention_rows(args, dtype) -> list[dict]:
    rows = []
    for hd in args.head_dim:
        for s in args.seq:
            heads = max(1, args.attn_width // hd)
            b = max(1, args.attn_tokens // s)
            q, k, v = (
                torch.randn(b, heads, s, hd, device=args.device, dtype=dtype, requires_grad=True) for _ in range(3)
            )
            grad = torch.randn(b, heads, s, hd, device=args.device, dtype=dtype)

            def fwd(q=q, k=k, v=v):
                return F.scaled_dot_product_attention(q, k, v, is_causal=True)

            def fwd_bwd(q=q, k=k, v=v, grad=grad):
                F.scaled_dot_product_attention(q, k, v, is_causal=True).backward(grad)

            f = timed(fwd, args.device, args.reps)
            fb = timed(fwd_bwd, args.device, args.reps)
            # Causal: half of the 4·b·heads·s²·hd FLOPs of scores and weighted sum forward, 2.5× that backward
            # (the scores recomputed, then four products).
            flops_f = 2 * b * heads * s * s * hd
            rows.append(
                dict(
                    kind="attention",
                    head_dim=hd,
                    heads=heads,
                    batch=b,
                    seq=s,
                    forward_s=f,
                    backward_s=fb - f,
                    forward_fraction=flops_f / f / args.peak,
                    backward_fraction=2.5 * flops_f / max(fb - f, 1e-12) / args.peak,
                )
            )
            del q, k, v, grad
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--dtype", default="bf16", choices=DTYPES)
    p.add_argument(
        "--peak",
        type=float,
        default=989e12,
        help="dense peak FLOP/s of the device in --dtype (H100/H200 SXM bf16: 989e12)",
    )
    p.add_argument("--hidden", type=int, nargs="+", default=[768, 1024, 2048, 4096, 5120, 8192, 12288])
    p.add_argument("--tp", type=int, nargs="+", default=[1, 2, 4, 8])
    p.add_argument("--tokens", type=int, nargs="+", default=[1024, 2048, 4096, 8192])
    p.add_argument("--seq", type=int, nargs="+", default=[512, 1024, 2048, 4096, 8192])
    p.add_argument("--head-dim", type=int, nargs="+", default=[64, 128])
    p.add_argument("--attn-width", type=int, default=2048, help="heads × head size of the attention rows")
    p.add_argument("--attn-tokens", type=int, default=16384, help="batch × sequence of the attention rows")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="a few small shapes (a smoke run on a CPU)")
    p.add_argument("--out", default="gemm_efficiency.json")
    args = p.parse_args()
    if args.quick:
        args.hidden, args.tp, args.tokens, args.seq, args.head_dim = [256], [1, 2], [128], [128], [64]
        args.attn_width, args.attn_tokens, args.reps = 256, 256, 3
    dtype = DTYPES[args.dtype]
    torch.manual_seed(0)
    info = dict(
        device=torch.cuda.get_device_name() if args.device == "cuda" else args.device,
        torch=torch.__version__,
        dtype=args.dtype,
        peak=args.peak,
    )
    rows = gemm_rows(args, dtype)
    print(f"{len(rows)} GEMMs; fraction of peak by h (tp 1, largest T):")
    for h in args.hidden:
        sel = [r for r in rows if r["h"] == h and r["tp"] == 1 and r["tokens"] == max(args.tokens)]
        print(f"  h {h}: " + ", ".join(f"{r['op']} {r['fraction']:.2f}" for r in sel))
    att = attention_rows(args, dtype)
    for r in att:
        print(
            f"  attention hd {r['head_dim']} s {r['seq']}: forward {r['forward_fraction']:.2f}, "
            f"backward {r['backward_fraction']:.2f}"
        )
    with open(args.out, "w") as f:
        json.dump(dict(info=info, rows=rows + att), f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()

"""llmpar's context-parallel attention against torch's `context_parallel`, and against one process.

    python benchmarks/cp_vs_torch.py [--nproc 2] [--seq-len 2048] [--heads 8] [--kv-heads 8] [--head-dim 64]
                                     [--batch 2] [--rounds 5] [--device cpu]

Starts --nproc workers through the elastic launcher. Each round times, on the same inputs and in turn (so that all
see the same machine conditions), the forward and backward of causal attention over one sequence batch:

    one process     torch's scaled_dot_product_attention over the whole sequence, on rank 0 alone with every core
    llmpar ring     `ring_attention` on each rank's S/n tokens (the balanced split)
    llmpar a2a      `all_to_all_attention` on the same
    torch CP        `torch.distributed.tensor.experimental.context_parallel` (its ring, round-robin rotation,
                    load-balanced) around the same scaled_dot_product_attention call

The other variants give each process its share of the cores, as `llmpar train` does. A step's time is the
slowest rank's. Prints each one's median time and its ratio to llmpar's ring, and checks that every variant that
ran gives the one-process output and input gradients. A variant that cannot run here
prints why (torch's context parallelism on a CPU: its CPU attention kernel has no context-parallel rule).
"""

from __future__ import annotations

import argparse
import statistics

import torch
import torch.distributed as dist
import torch.nn.functional as F

from _common import timed


def torch_cp(mesh, q, k, v):
    """Causal attention under torch's context_parallel; returns this rank's output shard and the input gradients
    of its shards. The buffers are sharded in place on entry and restored on exit."""
    from torch.distributed.tensor.experimental import context_parallel

    buffers = [t.detach().clone() for t in (q, k, v)]
    with context_parallel(mesh, buffers=buffers, buffer_seq_dims=[2, 2, 2]):
        leaves = [t.detach().clone().requires_grad_() for t in buffers]
        out = F.scaled_dot_product_attention(*leaves, is_causal=True)
        out.backward(torch.ones_like(out))
    return out.detach(), [t.grad for t in leaves]


def worker(args) -> None:
    from torch.distributed.device_mesh import init_device_mesh

    from llmpar.parallel.context_parallel import CPComm, all_to_all_attention, ring_attention, shard_sequence

    dist.init_process_group("gloo" if args.device == "cpu" else "nccl")
    rank, n = dist.get_rank(), dist.get_world_size()
    device = torch.device(args.device, rank if args.device == "cuda" else 0)
    torch.manual_seed(0)
    B, H, Hkv, S, D = args.batch, args.heads, args.kv_heads, args.seq_len, args.head_dim
    q = torch.randn(B, H, S, D, device=device)
    k, v = (torch.randn(B, Hkv, S, D, device=device) for _ in range(2))
    cp = CPComm(None, rank, n)

    from llmpar.procs import cores

    share = max(1, cores() // n)
    torch.set_num_threads(share)  # the processes share the machine's cores, as llmpar train's do

    def reference():
        leaves = [t.clone().requires_grad_() for t in (q, k, v)]
        out = F.scaled_dot_product_attention(*leaves, is_causal=True, enable_gqa=Hkv != H)
        out.backward(torch.ones_like(out))
        return out.detach(), [t.grad for t in leaves]

    def alone(fn):  # one process with every core (the other ranks wait)
        torch.set_num_threads(cores())
        try:
            return fn()
        finally:
            torch.set_num_threads(share)

    def ours(attend):
        leaves = [shard_sequence(t, n, rank, dim=2).requires_grad_() for t in (q, k, v)]
        out = attend(*leaves, cp)
        out.backward(torch.ones_like(out))
        return out.detach(), [t.grad for t in leaves]

    variants = {
        "one process": lambda: alone(reference) if rank == 0 else None,
        "llmpar ring": lambda: ours(ring_attention),
        "llmpar a2a": lambda: ours(all_to_all_attention),
    }
    mesh = init_device_mesh(args.device, (n,))
    variants["torch CP"] = lambda: torch_cp(mesh, q, k, v)

    # Check once: each variant against one process (ours in the balanced split: the same positions' rows).
    want_out, want_grads = reference()
    failed: dict[str, str] = {}
    for name, fn in list(variants.items())[1:]:
        try:
            out, grads = fn()
        except Exception as e:  # noqa: BLE001 - a variant that cannot run here is reported, not fatal
            failed[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
            continue
        if name.startswith("llmpar"):
            mine = shard_sequence(want_out, n, rank, dim=2)
            err = (out - mine).abs().max() / mine.abs().max()
            gerr = max(
                float((g - shard_sequence(w, n, rank, dim=2)).abs().max() / w.abs().max())
                for g, w in zip(grads, want_grads)
            )
        else:  # torch's shard layout is its own: compare the gathered sums of squares
            total = torch.stack([out.pow(2).sum(), *(g.pow(2).sum() for g in grads)]).double()
            dist.all_reduce(total)
            ref = torch.stack([want_out.pow(2).sum(), *(g.pow(2).sum() for g in want_grads)]).double()
            err = gerr = float(((total - ref).abs() / ref).max())
        if rank == 0:
            print(f"{name}: max relative error, output {float(err):.1e}, gradients {gerr:.1e}", flush=True)
    for name in failed:
        del variants[name]

    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            dist.barrier()
            times[name].append(timed(fn))
    if rank == 0:
        ring = statistics.median(times["llmpar ring"])
        print(f"\ncausal attention forward + backward, B={B} H={H} Hkv={Hkv} S={S} D={D}, {n} processes, {device}")
        print(f"{'':14s} {'median (s)':>11s} {'/ llmpar ring':>14s}")
        for name, ts in times.items():
            t = statistics.median(ts)
            print(f"{name:14s} {t:11.4f} {t / ring:14.3f}")
        for name, why in failed.items():
            print(f"{name:14s} cannot run here: {why}")
    dist.destroy_process_group()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nproc", type=int, default=2)
    p.add_argument("--seq-len", type=int, default=2048)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--kv-heads", type=int, default=8)
    p.add_argument("--head-dim", type=int, default=64)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    args = p.parse_args()

    from llmpar.launch import run_local

    run_local(args.nproc, worker, args)


if __name__ == "__main__":
    main()

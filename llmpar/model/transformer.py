"""A decoder-only transformer in plain PyTorch: Llama (RMSNorm, RoPE, SwiGLU, grouped-query attention) and
GPT-2 (LayerNorm, learned positions, GeLU MLP, biases).

This file knows nothing about ranks or process groups. Parallel strategies transform the modules built here
(split a Linear, drop the layers another stage owns), so the forward pass is written to work on whatever it
holds: head counts are read from the weight shapes, and layers live in a dict keyed by their global index.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from llmpar.model.config import ModelConfig


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        # Normalize in at least fp32 (bf16 activations lose too much in the mean of squares).
        xf = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return y.type_as(x) * self.weight


def norm_layer(cfg: ModelConfig) -> nn.Module:
    if cfg.arch == "llama":
        return RMSNorm(cfg.d_model, cfg.norm_eps)
    return nn.LayerNorm(cfg.d_model, eps=cfg.norm_eps)


def rope_tables(cfg: ModelConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of the rotary angles, each (max_seq_len, head_dim/2), computed in fp64."""
    hd = cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    angles = torch.outer(torch.arange(cfg.max_seq_len, dtype=torch.float64), inv_freq)
    return angles.cos(), angles.sin()


def apply_rope(x, cos, sin):
    """Rotate pairs (x[..., i], x[..., i + hd/2]) by the position's angle (the Hugging Face Llama layout)."""
    # x: (..., hd); cos, sin: (hd/2) angles broadcast to x's leading dimensions, e.g. x (B, T, nh, hd), cos (T, 1, hd/2)
    x1, x2 = x.chunk(2, dim=-1)
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    return torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1)


class AttentionCore(nn.Module):
    """softmax(q kᵀ / √hd, causal) v for every head, in one fused call (no s × s matrix is kept). A module of
    its own, without parameters, so that a transformation can wrap it (selective recomputation)."""

    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=q.size(1) != k.size(1))


class Attention(nn.Module):
    # Context parallelism (llmpar.parallel.context_parallel): the global positions of the T tokens of each
    # sequence this rank holds, whose rotary angles its queries and keys take; None: 0 .. T-1.
    positions_of: Callable[[int], torch.Tensor] | None = None

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.head_dim = cfg.head_dim
        bias = cfg.arch == "gpt2"
        self.wq = nn.Linear(cfg.d_model, cfg.n_heads * cfg.head_dim, bias=bias)
        self.wk = nn.Linear(cfg.d_model, cfg.n_kv_heads * cfg.head_dim, bias=bias)
        self.wv = nn.Linear(cfg.d_model, cfg.n_kv_heads * cfg.head_dim, bias=bias)
        self.core: nn.Module = AttentionCore()
        self.wo = nn.Linear(cfg.n_heads * cfg.head_dim, cfg.d_model, bias=bias)

    def forward(self, x, rope=None, cache=None):
        """`cache` (inference only, llmpar.inference.cache): this layer's keys and values of the tokens before x,
        with each token's position in its sequence; its `attend` says which slots a query sees (and, split across
        ranks, gathers them: llmpar.inference.cp_cache)."""
        B, T, _ = x.shape
        # Token-major (B, T, heads, hd), as the projections write them; attention reads (B, heads, T, hd) views.
        # The attention kernel writes its output in q's layout, so the output projection then reads that very
        # tensor as (B, T, heads·hd): one saved tensor, not a copy beside it.
        q = self.wq(x).view(B, T, -1, self.head_dim)
        k = self.wk(x).view(B, T, -1, self.head_dim)
        v = self.wv(x).view(B, T, -1, self.head_dim)
        if rope is not None:
            positions_of = self.positions_of
            if cache is None and positions_of is None:
                cos, sin = rope[0][:T], rope[1][:T]  # (T, hd/2)
            elif cache is None and positions_of is not None:  # this rank's tokens (context parallelism)
                where = positions_of(T)
                cos, sin = rope[0][where], rope[1][where]
            else:  # each sequence's own positions (left-padded prompts start at different slots): (B, T, hd/2)
                cos, sin = rope[0][cache.positions], rope[1][cache.positions]
            cos, sin = cos.unsqueeze(-2), sin.unsqueeze(-2)  # the same angle for every head
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # (B, heads, T, hd)
        # With a cache, it writes these keys and values and attends to every slot so far.
        y = self.core(q, k, v) if cache is None else cache.attend(q, k, v)
        y = y.transpose(1, 2).reshape(B, T, -1)  # (B, T, nh*hd)
        return self.wo(y)


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.arch = cfg.arch
        if cfg.arch == "llama":  # SwiGLU: w2(silu(w1 x) * w3 x)
            self.w1 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
            self.w3 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
            self.w2 = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)
        else:  # GPT-2: w2(gelu(w1 x)), with GPT-2's tanh approximation of GeLU
            self.w1 = nn.Linear(cfg.d_model, cfg.d_ff)
            self.w2 = nn.Linear(cfg.d_ff, cfg.d_model)

    def forward(self, x):
        if self.arch == "llama":
            return self.w2(F.silu(self.w1(x)) * self.w3(x))
        return self.w2(F.gelu(self.w1(x), approximate="tanh"))


class Block(nn.Module):
    """Pre-norm residual block: x + attn(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.attn_norm = norm_layer(cfg)
        self.attn = Attention(cfg)
        self.mlp_norm = norm_layer(cfg)
        self.mlp = MLP(cfg)

    def forward(self, x, rope=None, cache=None):
        x = x + self.attn(self.attn_norm(x), rope, cache)
        return x + self.mlp(self.mlp_norm(x))


class Transformer(nn.Module):
    # Parallel transformations replace modules (tensor parallelism splits the embedding and the output layer), and
    # a pipeline stage drops those it does not hold (None): the embeddings but on the first stage, the final norm
    # and the output layer but on the last.
    tok_emb: nn.Module | None
    norm: nn.Module | None
    head: nn.Module | None
    rope_cos: torch.Tensor | None
    rope_sin: torch.Tensor | None
    positions_of: Callable[[int], torch.Tensor] | None = None  # as Attention's: the learned positions' indices

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_seq_len, cfg.d_model) if cfg.arch == "gpt2" else None
        # Keyed by global layer index, so that a pipeline stage holding layers 4..7 keeps their names.
        self.layers = nn.ModuleDict({str(i): Block(cfg) for i in range(cfg.n_layers)})
        self.norm = norm_layer(cfg)
        self.head = head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        if cfg.tie_embeddings:
            head.weight = tok_emb.weight
        if cfg.arch == "llama":
            cos, sin = rope_tables(cfg)
            self.register_buffer("rope_cos", cos, persistent=False)
            self.register_buffer("rope_sin", sin, persistent=False)
        else:
            self.rope_cos = self.rope_sin = None

    def embed(self, tokens, positions=None):
        """`positions` (B, T): each token's position in its sequence [0, 1, ..., T-1 for every sequence, or with
        context parallelism the positions of this rank's tokens]."""
        assert self.tok_emb is not None
        h = self.tok_emb(tokens)  # (B, T, d)
        if self.pos_emb is not None:
            if positions is None:
                T = tokens.size(1)
                positions = torch.arange(T, device=tokens.device) if self.positions_of is None else self.positions_of(T)
            h = h + self.pos_emb(positions)
        return h

    def run_layers(self, h, cache=None):
        """`cache` (inference): a KV cache with `.layer(i)`, the cache of layer i (llmpar.inference.cache)."""
        rope = (self.rope_cos, self.rope_sin) if self.rope_cos is not None else None
        for i, block in self.layers.items():
            h = block(h, rope, cache.layer(int(i)) if cache is not None else None)
        return h

    def output(self, h):
        assert self.norm is not None and self.head is not None
        return self.head(self.norm(h))  # (B, T, vocab)

    def forward(self, tokens, cache=None):
        """tokens (B, T) int64 -> logits (B, T, vocab). With a KV cache (inference), the tokens follow those the
        cache holds, at the positions it gives."""
        positions = cache.positions if cache is not None else None
        return self.output(self.run_layers(self.embed(tokens, positions), cache))


def init_std(name: str, cfg: ModelConfig) -> float:
    """GPT-2 initialization: N(0, 0.02), the residual output projections scaled by 1/sqrt(2 L)."""
    if name.endswith(("attn.wo.weight", "mlp.w2.weight")):
        return 0.02 / math.sqrt(2 * cfg.n_layers)
    return 0.02


def parameter_seed(seed: int, name: str) -> int:
    return (seed * 1_000_003 + zlib.crc32(name.encode())) % (2**63)


@torch.no_grad()
def init_weights(model: Transformer, seed: int) -> None:
    """Initialize every parameter from a generator seeded by (seed, parameter name).

    A parameter's initial value depends only on the seed and its name, never on which other modules exist or on
    the order they were built: so a pipeline stage or a tensor-parallel shard starts from exactly the weights of
    the single-process model. Values are drawn in fp32 and then cast, so fp32 and fp64 runs start alike.
    """
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            p.fill_(1.0)
        elif name.endswith(".bias"):
            p.zero_()
        else:
            g = torch.Generator().manual_seed(parameter_seed(seed, name))
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float32) * init_std(name, model.cfg))


def build_model(cfg: ModelConfig, seed: int, dtype=torch.float32, device="cpu") -> Transformer:
    model = Transformer(cfg)
    init_weights(model, seed)
    return model.to(device=device, dtype=dtype)

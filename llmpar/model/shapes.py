"""The parameters of one block by name and shape, without building it: what the cost model counts, torch-free.

They are those of `llmpar.model.transformer.Block`, in its order (`named_parameters`); a test
(`tests/test_plan_ux.py`) builds the block on the meta device for every preset and compares.
"""

from __future__ import annotations

from llmpar.model.config import ModelConfig


def block_parameter_shapes(cfg: ModelConfig) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(name, shape) of each parameter of one block, named as in a block's own `named_parameters()`."""
    d, hd = cfg.d_model, cfg.head_dim
    gpt2 = cfg.arch == "gpt2"  # LayerNorm (weight and bias) and biased linears; llama: RMSNorm, no biases

    def norm(name: str) -> list[tuple[str, tuple[int, ...]]]:
        out: list[tuple[str, tuple[int, ...]]] = [(f"{name}.weight", (d,))]
        return out + ([(f"{name}.bias", (d,))] if gpt2 else [])

    def linear(name: str, n_in: int, n_out: int) -> list[tuple[str, tuple[int, ...]]]:
        out: list[tuple[str, tuple[int, ...]]] = [(f"{name}.weight", (n_out, n_in))]
        return out + ([(f"{name}.bias", (n_out,))] if gpt2 else [])

    out = norm("attn_norm")
    out += linear("attn.wq", d, cfg.n_heads * hd)
    out += linear("attn.wk", d, cfg.n_kv_heads * hd)
    out += linear("attn.wv", d, cfg.n_kv_heads * hd)
    out += linear("attn.wo", cfg.n_heads * hd, d)
    out += norm("mlp_norm")
    out += linear("mlp.w1", d, cfg.d_ff)
    if not gpt2:
        out += linear("mlp.w3", d, cfg.d_ff)
    out += linear("mlp.w2", cfg.d_ff, d)
    return tuple(out)

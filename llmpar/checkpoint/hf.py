"""Hugging Face format: `config.json` plus safetensors files with Hugging Face's parameter names, for
`LlamaForCausalLM` and `GPT2LMHeadModel`. The mapping is explicit, a line per tensor, as in nanoGPT.

Llama's rotary embedding in Hugging Face's format rotates the two halves of each head (`rotate_half`), which is
what llmpar does, so q and k need no permutation. GPT-2 stores its linear layers as `Conv1D` (weights
transposed) and q, k, v fused in `c_attn`.
"""

from __future__ import annotations

import json
import os

import torch

from llmpar.errors import UserError
from llmpar.model.config import ModelConfig


def is_hf_folder(path: str) -> bool:
    cfg = os.path.join(path, "config.json")
    if not os.path.isfile(cfg):
        return False
    try:
        with open(cfg, encoding="utf-8") as f:
            return "model_type" in json.load(f)
    except (OSError, json.JSONDecodeError):
        return False


def hf_model_config(path: str) -> ModelConfig:
    with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    kind = c.get("model_type")
    if kind == "llama":
        cfg = ModelConfig(arch="llama", vocab_size=c["vocab_size"], d_model=c["hidden_size"],
                          n_layers=c["num_hidden_layers"], n_heads=c["num_attention_heads"],
                          n_kv_heads=c.get("num_key_value_heads") or c["num_attention_heads"],
                          d_ff=c["intermediate_size"], max_seq_len=c["max_position_embeddings"],
                          tie_embeddings=bool(c.get("tie_word_embeddings", False)), norm_eps=c["rms_norm_eps"],
                          rope_theta=float(c.get("rope_theta", (c.get("rope_parameters") or {}).get("rope_theta", 10000.0))))
        if c.get("hidden_act", "silu") != "silu" or c.get("attention_bias") or c.get("mlp_bias"):
            raise UserError(f"{path}: a Llama with hidden_act {c.get('hidden_act')!r} or biases is not supported")
        if c.get("head_dim") not in (None, cfg.head_dim):
            raise UserError(f"{path}: head_dim {c['head_dim']} differs from hidden_size/num_attention_heads")
    elif kind == "gpt2":
        cfg = ModelConfig(arch="gpt2", vocab_size=c["vocab_size"], d_model=c["n_embd"], n_layers=c["n_layer"],
                          n_heads=c["n_head"], d_ff=c.get("n_inner") or 4 * c["n_embd"], max_seq_len=c["n_positions"],
                          tie_embeddings=True, norm_eps=c["layer_norm_epsilon"])
        if c.get("activation_function", "gelu_new") not in ("gelu_new", "gelu_pytorch_tanh"):
            raise UserError(f"{path}: GPT-2 with activation {c['activation_function']!r} is not supported")
    else:
        raise UserError(f"{path}: model_type {kind!r} is not supported; llmpar reads and writes llama and gpt2")
    cfg.validate(path)
    return cfg


def hf_config(cfg: ModelConfig, dtype: torch.dtype) -> dict:
    dtype_name = str(dtype).removeprefix("torch.")
    if cfg.arch == "llama":
        return {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": cfg.vocab_size,
                "hidden_size": cfg.d_model, "intermediate_size": cfg.d_ff, "num_hidden_layers": cfg.n_layers,
                "num_attention_heads": cfg.n_heads, "num_key_value_heads": cfg.n_kv_heads,
                "head_dim": cfg.head_dim, "max_position_embeddings": cfg.max_seq_len, "rms_norm_eps": cfg.norm_eps,
                "rope_theta": cfg.rope_theta, "tie_word_embeddings": cfg.tie_embeddings, "hidden_act": "silu",
                "attention_bias": False, "mlp_bias": False, "torch_dtype": dtype_name}
    if cfg.n_kv_heads != cfg.n_heads or not cfg.tie_embeddings:
        raise UserError("Hugging Face's GPT-2 has neither grouped-query attention nor an untied output layer; "
                        "this model cannot be written as GPT-2")
    return {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": cfg.vocab_size,
            "n_embd": cfg.d_model, "n_layer": cfg.n_layers, "n_head": cfg.n_heads, "n_inner": cfg.d_ff,
            "n_positions": cfg.max_seq_len, "n_ctx": cfg.max_seq_len, "layer_norm_epsilon": cfg.norm_eps,
            "activation_function": "gelu_new", "tie_word_embeddings": True, "torch_dtype": dtype_name,
            "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0}


def _llama_names(cfg: ModelConfig) -> list[tuple[str, str]]:
    """(llmpar name, Hugging Face name) for every Llama tensor."""
    pairs = [("tok_emb.weight", "model.embed_tokens.weight"), ("norm.weight", "model.norm.weight")]
    if not cfg.tie_embeddings:
        pairs.append(("head.weight", "lm_head.weight"))
    for i in range(cfg.n_layers):
        ours, theirs = f"layers.{i}.", f"model.layers.{i}."
        pairs += [(ours + "attn_norm.weight", theirs + "input_layernorm.weight"),
                  (ours + "attn.wq.weight", theirs + "self_attn.q_proj.weight"),
                  (ours + "attn.wk.weight", theirs + "self_attn.k_proj.weight"),
                  (ours + "attn.wv.weight", theirs + "self_attn.v_proj.weight"),
                  (ours + "attn.wo.weight", theirs + "self_attn.o_proj.weight"),
                  (ours + "mlp_norm.weight", theirs + "post_attention_layernorm.weight"),
                  (ours + "mlp.w1.weight", theirs + "mlp.gate_proj.weight"),
                  (ours + "mlp.w3.weight", theirs + "mlp.up_proj.weight"),
                  (ours + "mlp.w2.weight", theirs + "mlp.down_proj.weight")]
    return pairs


def to_hf(cfg: ModelConfig, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """llmpar's global tensors -> Hugging Face's."""
    if cfg.arch == "llama":
        return {theirs: state[ours].contiguous() for ours, theirs in _llama_names(cfg)}
    out = {"transformer.wte.weight": state["tok_emb.weight"], "transformer.wpe.weight": state["pos_emb.weight"],
           "transformer.ln_f.weight": state["norm.weight"], "transformer.ln_f.bias": state["norm.bias"]}
    for i in range(cfg.n_layers):
        o, h = f"layers.{i}.", f"transformer.h.{i}."
        out[h + "ln_1.weight"], out[h + "ln_1.bias"] = state[o + "attn_norm.weight"], state[o + "attn_norm.bias"]
        out[h + "ln_2.weight"], out[h + "ln_2.bias"] = state[o + "mlp_norm.weight"], state[o + "mlp_norm.bias"]
        qkv = [state[o + f"attn.{w}.weight"] for w in ("wq", "wk", "wv")]
        out[h + "attn.c_attn.weight"] = torch.cat(qkv, 0).t().contiguous()  # Conv1D: (in, out)
        out[h + "attn.c_attn.bias"] = torch.cat([state[o + f"attn.{w}.bias"] for w in ("wq", "wk", "wv")])
        out[h + "attn.c_proj.weight"] = state[o + "attn.wo.weight"].t().contiguous()
        out[h + "attn.c_proj.bias"] = state[o + "attn.wo.bias"]
        out[h + "mlp.c_fc.weight"] = state[o + "mlp.w1.weight"].t().contiguous()
        out[h + "mlp.c_fc.bias"] = state[o + "mlp.w1.bias"]
        out[h + "mlp.c_proj.weight"] = state[o + "mlp.w2.weight"].t().contiguous()
        out[h + "mlp.c_proj.bias"] = state[o + "mlp.w2.bias"]
    return {k: v.contiguous() for k, v in out.items()}


def from_hf(cfg: ModelConfig, hf: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Hugging Face's tensors -> llmpar's global tensors."""
    def get(name):
        if name not in hf:
            raise UserError(f"the Hugging Face weights have no tensor {name!r}")
        return hf[name]

    if cfg.arch == "llama":
        return {ours: get(theirs) for ours, theirs in _llama_names(cfg)}
    d = cfg.d_model
    out = {"tok_emb.weight": get("transformer.wte.weight"), "pos_emb.weight": get("transformer.wpe.weight"),
           "norm.weight": get("transformer.ln_f.weight"), "norm.bias": get("transformer.ln_f.bias")}
    for i in range(cfg.n_layers):
        o, h = f"layers.{i}.", f"transformer.h.{i}."
        out[o + "attn_norm.weight"], out[o + "attn_norm.bias"] = get(h + "ln_1.weight"), get(h + "ln_1.bias")
        out[o + "mlp_norm.weight"], out[o + "mlp_norm.bias"] = get(h + "ln_2.weight"), get(h + "ln_2.bias")
        qkv_w, qkv_b = get(h + "attn.c_attn.weight").t(), get(h + "attn.c_attn.bias")
        for k, w in enumerate(("wq", "wk", "wv")):
            out[o + f"attn.{w}.weight"] = qkv_w[k * d:(k + 1) * d].contiguous()
            out[o + f"attn.{w}.bias"] = qkv_b[k * d:(k + 1) * d].contiguous()
        out[o + "attn.wo.weight"] = get(h + "attn.c_proj.weight").t().contiguous()
        out[o + "attn.wo.bias"] = get(h + "attn.c_proj.bias")
        out[o + "mlp.w1.weight"] = get(h + "mlp.c_fc.weight").t().contiguous()
        out[o + "mlp.w1.bias"] = get(h + "mlp.c_fc.bias")
        out[o + "mlp.w2.weight"] = get(h + "mlp.c_proj.weight").t().contiguous()
        out[o + "mlp.w2.bias"] = get(h + "mlp.c_proj.bias")
    return out


def read_hf(path: str) -> tuple[ModelConfig, dict[str, torch.Tensor]]:
    """A Hugging Face folder's config and weights, as llmpar's global tensors (safetensors files only)."""
    from safetensors.torch import load_file
    cfg = hf_model_config(path)
    files = sorted(f for f in os.listdir(path) if f.endswith(".safetensors"))
    if not files:
        raise UserError(f"{path}: no .safetensors weights (llmpar never reads pickled .bin weights); save the model "
                        f"with safe_serialization=True")
    hf = {}
    for f in files:
        for name, t in load_file(os.path.join(path, f)).items():
            hf[name.removeprefix("module.")] = t
    if cfg.arch == "gpt2":  # some GPT-2 files name the tensors without the "transformer." prefix
        hf = {(k if k.startswith(("transformer.", "lm_head")) else "transformer." + k): v for k, v in hf.items()}
    return cfg, from_hf(cfg, hf)


def write_hf(path: str, cfg: ModelConfig, state: dict[str, torch.Tensor]) -> None:
    from safetensors.torch import save_file

    from llmpar.checkpoint.format import write_json_atomic
    os.makedirs(path, exist_ok=True)
    tensors = to_hf(cfg, state)
    dtype = next(iter(tensors.values())).dtype
    tmp = os.path.join(path, "model.safetensors.tmp")
    save_file(tensors, tmp, metadata={"format": "pt"})
    os.replace(tmp, os.path.join(path, "model.safetensors"))
    write_json_atomic(os.path.join(path, "config.json"), hf_config(cfg, dtype))

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

from llmpar.errors import UserError, is_json_int, is_json_number
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


_MISSING = object()


def hf_model_config(path: str) -> ModelConfig:
    where = os.path.join(path, "config.json")
    try:
        with open(where, encoding="utf-8") as f:
            c = json.load(f)
    except (OSError, ValueError) as e:  # ValueError: bad JSON or bad UTF-8
        raise UserError(f"{where}: cannot read it ({e})") from None
    if not isinstance(c, dict):
        raise UserError(f"{where}: must be a JSON object (Hugging Face's config.json)")

    def get(key: str, kind: str, default=_MISSING, within: dict = c):
        """c[key], checked: "int" a positive integer, "float" a positive finite number, "bool" true/false; a
        key left out or null takes `default` when there is one."""
        value = within.get(key)
        if value is None:
            if default is _MISSING:
                raise UserError(f"{where}: the key {key!r} is missing; a {c.get('model_type')} config.json needs it")
            return default
        ok = {
            "int": lambda v: is_json_int(v) and v >= 1,
            "float": lambda v: is_json_number(v) and v > 0,
            "bool": lambda v: isinstance(v, bool),
        }[kind](value)
        if not ok:
            expected = {"int": "a positive integer", "float": "a positive number", "bool": "true or false"}[kind]
            raise UserError(f"{where}: {key} must be {expected}, got {json.dumps(value)}")
        return float(value) if kind == "float" else value

    kind = c.get("model_type")
    if kind == "llama":
        rope = c.get("rope_parameters")
        rope_theta = get("rope_theta", "float", None)
        if rope_theta is None:
            rope_theta = get("rope_theta", "float", 10000.0, within=rope if isinstance(rope, dict) else {})
        heads = get("num_attention_heads", "int")
        cfg = ModelConfig(
            arch="llama",
            vocab_size=get("vocab_size", "int"),
            d_model=get("hidden_size", "int"),
            n_layers=get("num_hidden_layers", "int"),
            n_heads=heads,
            n_kv_heads=get("num_key_value_heads", "int", heads),
            d_ff=get("intermediate_size", "int"),
            max_seq_len=get("max_position_embeddings", "int"),
            tie_embeddings=get("tie_word_embeddings", "bool", False),
            norm_eps=get("rms_norm_eps", "float"),
            rope_theta=rope_theta,
        )
        if c.get("hidden_act", "silu") != "silu" or c.get("attention_bias") or c.get("mlp_bias"):
            raise UserError(f"{path}: a Llama with hidden_act {c.get('hidden_act')!r} or biases is not supported")
        if c.get("head_dim") not in (None, cfg.head_dim):
            raise UserError(f"{path}: head_dim {c['head_dim']} differs from hidden_size/num_attention_heads")
    elif kind == "gpt2":
        d = get("n_embd", "int")
        cfg = ModelConfig(
            arch="gpt2",
            vocab_size=get("vocab_size", "int"),
            d_model=d,
            n_layers=get("n_layer", "int"),
            n_heads=get("n_head", "int"),
            d_ff=get("n_inner", "int", 4 * d),
            max_seq_len=get("n_positions", "int"),
            tie_embeddings=True,
            norm_eps=get("layer_norm_epsilon", "float"),
        )
        if c.get("activation_function", "gelu_new") not in ("gelu_new", "gelu_pytorch_tanh"):
            raise UserError(f"{path}: GPT-2 with activation {c['activation_function']!r} is not supported")
    else:
        raise UserError(f"{path}: model_type {kind!r} is not supported; llmpar reads and writes llama and gpt2")
    cfg.validate(path)
    return cfg


def hf_config(cfg: ModelConfig, dtype: torch.dtype) -> dict:
    dtype_name = str(dtype).removeprefix("torch.")
    if cfg.arch == "llama":
        return {
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "vocab_size": cfg.vocab_size,
            "hidden_size": cfg.d_model,
            "intermediate_size": cfg.d_ff,
            "num_hidden_layers": cfg.n_layers,
            "num_attention_heads": cfg.n_heads,
            "num_key_value_heads": cfg.n_kv_heads,
            "head_dim": cfg.head_dim,
            "max_position_embeddings": cfg.max_seq_len,
            "rms_norm_eps": cfg.norm_eps,
            "rope_theta": cfg.rope_theta,
            "tie_word_embeddings": cfg.tie_embeddings,
            "hidden_act": "silu",
            "attention_bias": False,
            "mlp_bias": False,
            "torch_dtype": dtype_name,
        }
    if cfg.n_kv_heads != cfg.n_heads or not cfg.tie_embeddings:
        raise UserError(
            "Hugging Face's GPT-2 has neither grouped-query attention nor an untied output layer; "
            "this model cannot be written as GPT-2"
        )
    return {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "vocab_size": cfg.vocab_size,
        "n_embd": cfg.d_model,
        "n_layer": cfg.n_layers,
        "n_head": cfg.n_heads,
        "n_inner": cfg.d_ff,
        "n_positions": cfg.max_seq_len,
        "n_ctx": cfg.max_seq_len,
        "layer_norm_epsilon": cfg.norm_eps,
        "activation_function": "gelu_new",
        "tie_word_embeddings": True,
        "torch_dtype": dtype_name,
        "resid_pdrop": 0.0,
        "embd_pdrop": 0.0,
        "attn_pdrop": 0.0,
    }


def _llama_names(cfg: ModelConfig) -> list[tuple[str, str]]:
    """(llmpar name, Hugging Face name) for every Llama tensor."""
    pairs = [("tok_emb.weight", "model.embed_tokens.weight"), ("norm.weight", "model.norm.weight")]
    if not cfg.tie_embeddings:
        pairs.append(("head.weight", "lm_head.weight"))
    for i in range(cfg.n_layers):
        ours, theirs = f"layers.{i}.", f"model.layers.{i}."
        pairs += [
            (ours + "attn_norm.weight", theirs + "input_layernorm.weight"),
            (ours + "attn.wq.weight", theirs + "self_attn.q_proj.weight"),
            (ours + "attn.wk.weight", theirs + "self_attn.k_proj.weight"),
            (ours + "attn.wv.weight", theirs + "self_attn.v_proj.weight"),
            (ours + "attn.wo.weight", theirs + "self_attn.o_proj.weight"),
            (ours + "mlp_norm.weight", theirs + "post_attention_layernorm.weight"),
            (ours + "mlp.w1.weight", theirs + "mlp.gate_proj.weight"),
            (ours + "mlp.w3.weight", theirs + "mlp.up_proj.weight"),
            (ours + "mlp.w2.weight", theirs + "mlp.down_proj.weight"),
        ]
    return pairs


def to_hf(cfg: ModelConfig, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """llmpar's global tensors -> Hugging Face's."""
    if cfg.arch == "llama":
        return {theirs: state[ours].contiguous() for ours, theirs in _llama_names(cfg)}
    out = {
        "transformer.wte.weight": state["tok_emb.weight"],
        "transformer.wpe.weight": state["pos_emb.weight"],
        "transformer.ln_f.weight": state["norm.weight"],
        "transformer.ln_f.bias": state["norm.bias"],
    }
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
    out = {
        "tok_emb.weight": get("transformer.wte.weight"),
        "pos_emb.weight": get("transformer.wpe.weight"),
        "norm.weight": get("transformer.ln_f.weight"),
        "norm.bias": get("transformer.ln_f.bias"),
    }
    for i in range(cfg.n_layers):
        o, h = f"layers.{i}.", f"transformer.h.{i}."
        out[o + "attn_norm.weight"], out[o + "attn_norm.bias"] = get(h + "ln_1.weight"), get(h + "ln_1.bias")
        out[o + "mlp_norm.weight"], out[o + "mlp_norm.bias"] = get(h + "ln_2.weight"), get(h + "ln_2.bias")
        qkv_w, qkv_b = get(h + "attn.c_attn.weight").t(), get(h + "attn.c_attn.bias")
        for k, w in enumerate(("wq", "wk", "wv")):
            out[o + f"attn.{w}.weight"] = qkv_w[k * d : (k + 1) * d].contiguous()
            out[o + f"attn.{w}.bias"] = qkv_b[k * d : (k + 1) * d].contiguous()
        out[o + "attn.wo.weight"] = get(h + "attn.c_proj.weight").t().contiguous()
        out[o + "attn.wo.bias"] = get(h + "attn.c_proj.bias")
        out[o + "mlp.w1.weight"] = get(h + "mlp.c_fc.weight").t().contiguous()
        out[o + "mlp.w1.bias"] = get(h + "mlp.c_fc.bias")
        out[o + "mlp.w2.weight"] = get(h + "mlp.c_proj.weight").t().contiguous()
        out[o + "mlp.w2.bias"] = get(h + "mlp.c_proj.bias")
    return out


def read_hf(path: str) -> tuple[ModelConfig, dict[str, torch.Tensor]]:
    """A Hugging Face folder's config and weights, as llmpar's global tensors (safetensors files only)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    cfg = hf_model_config(path)
    files = sorted(f for f in os.listdir(path) if f.endswith(".safetensors"))
    if not files:
        raise UserError(
            f"{path}: no .safetensors weights (llmpar never reads pickled .bin weights); save the model "
            f"with safe_serialization=True"
        )
    hf = {}
    for f in files:
        try:
            tensors = load_file(os.path.join(path, f))
        except (SafetensorError, OSError) as e:  # a damaged header, or not a file
            raise UserError(f"{os.path.join(path, f)}: not a readable safetensors file ({e})") from None
        for name, t in tensors.items():
            hf[name.removeprefix("module.")] = t
    if cfg.arch == "gpt2":  # some GPT-2 files name the tensors without the "transformer." prefix
        hf = {(k if k.startswith(("transformer.", "lm_head")) else "transformer." + k): v for k, v in hf.items()}
    state = from_hf(cfg, hf)
    _check_shapes(path, cfg, state)
    return cfg, state


def _check_shapes(path: str, cfg: ModelConfig, state: dict[str, torch.Tensor]) -> None:
    """Every tensor has the shape config.json implies (built on the meta device: no memory, no time)."""
    from llmpar.model.transformer import Transformer

    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in Transformer(cfg).state_dict().items()}
    for name, t in state.items():
        if name in expected and tuple(t.shape) != expected[name]:
            raise UserError(
                f"{path}: the weights hold {name} with shape {tuple(t.shape)}, but config.json implies "
                f"{expected[name]}; the weights and config.json do not belong together"
            )


def write_hf(path: str, cfg: ModelConfig, state: dict[str, torch.Tensor]) -> None:
    from llmpar.checkpoint.format import save_safetensors, write_json_atomic

    os.makedirs(path, exist_ok=True)
    tensors = to_hf(cfg, state)
    dtype = next(iter(tensors.values())).dtype
    tmp = os.path.join(path, "model.safetensors.tmp")
    save_safetensors(tensors, tmp, metadata={"format": "pt"})
    os.replace(tmp, os.path.join(path, "model.safetensors"))
    write_json_atomic(os.path.join(path, "config.json"), hf_config(cfg, dtype))

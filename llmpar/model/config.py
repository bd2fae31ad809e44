"""Model configuration: the architecture hyper-parameters, the presets, and `--model-config` JSON files."""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
from dataclasses import dataclass
from typing import Any

from llmpar.errors import UserError, is_json_int, is_json_number

ARCHS = ("llama", "gpt2")

# The default of n_kv_heads: None, which __post_init__ replaces with n_heads, so that a constructed ModelConfig
# always holds an int.
SAME_AS_N_HEADS: Any = None


@dataclass(frozen=True)
class ModelConfig:
    arch: str = (
        "llama"  # llama: RMSNorm, RoPE, SwiGLU, GQA, no biases. gpt2: LayerNorm, learned positions, GeLU, biases
    )
    vocab_size: int = 256
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 8
    n_kv_heads: int = SAME_AS_N_HEADS  # None: the same as n_heads (multi-head attention)
    d_ff: int = 1024
    max_seq_len: int = 256
    tie_embeddings: bool = False
    norm_eps: float = 1e-5
    rope_theta: float = 10000.0  # llama only

    def __post_init__(self):
        if self.n_kv_heads is None:
            object.__setattr__(self, "n_kv_heads", self.n_heads)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def validate(self, source: str = "the model config") -> None:
        """Raise UserError naming the field if the shape cannot be built."""
        _check_types({f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, source)
        if self.arch not in ARCHS:
            raise UserError(f"{source}: arch {self.arch!r} is unknown; use one of {', '.join(ARCHS)}")
        if self.d_model % self.n_heads:
            raise UserError(
                f"{source}: d_model={self.d_model} is not divisible by n_heads={self.n_heads}; "
                f"choose n_heads among {_divisors(self.d_model)}"
            )
        if self.n_heads % self.n_kv_heads:
            raise UserError(
                f"{source}: n_heads={self.n_heads} is not divisible by n_kv_heads={self.n_kv_heads}; "
                f"choose n_kv_heads among {_divisors(self.n_heads)}"
            )
        if self.arch == "llama" and self.head_dim % 2:
            raise UserError(
                f"{source}: rotary embeddings need an even head size, but d_model/n_heads = {self.head_dim}"
            )

    def num_params(self) -> int:
        """Parameter count, every tensor counted once (a tied head is the embedding)."""
        d, f, hd = self.d_model, self.d_ff, self.head_dim
        q_out, kv_out = self.n_heads * hd, self.n_kv_heads * hd
        attn = d * q_out + 2 * d * kv_out + q_out * d
        if self.arch == "llama":
            mlp = 3 * d * f
            norms = 2 * d
        else:  # biases on every linear, LayerNorm has weight and bias
            attn += q_out + 2 * kv_out + d
            mlp = 2 * d * f + f + d
            norms = 4 * d
        per_layer = attn + mlp + norms
        embed = self.vocab_size * d + (self.max_seq_len * d if self.arch == "gpt2" else 0)
        head = 0 if self.tie_embeddings else self.vocab_size * d
        final_norm = d if self.arch == "llama" else 2 * d
        return embed + self.n_layers * per_layer + final_norm + head

    def flops_per_token(self, seq_len: int) -> float:
        """Model FLOPs of one token's forward and backward pass: 6N + 12·L·d·S.

        6 FLOPs per matmul weight (2 forward, 4 backward) plus the attention scores and weighted sum, as in PaLM
        (Chowdhery et al. 2022, appendix B); the causal mask is not discounted, following that convention.
        """
        matmul_params = self.num_params() - self.vocab_size * self.d_model  # the embedding lookup is not a matmul
        if self.tie_embeddings:
            matmul_params += self.vocab_size * self.d_model  # ...but a tied head is
        if self.arch == "gpt2":
            matmul_params -= self.max_seq_len * self.d_model
        return 6.0 * matmul_params + 12.0 * self.n_layers * self.d_model * seq_len


_INTS = ("vocab_size", "d_model", "n_layers", "n_heads", "n_kv_heads", "d_ff", "max_seq_len")


def _check_types(values: dict, source: str) -> None:
    """Each value of the type its field needs (JSON allows anything: "no" for a boolean, 64.0 for an integer,
    null, NaN), or a UserError naming the key and the type."""
    for name, value in values.items():
        if name == "arch":
            ok, expected = isinstance(value, str), f"a string ({' or '.join(ARCHS)})"
        elif name in _INTS:
            ok, expected = is_json_int(value) and value >= 1, "a positive integer"
        elif name == "tie_embeddings":
            ok, expected = isinstance(value, bool), "true or false"
        else:
            ok = is_json_number(value) and value > 0
            expected = "a positive number"
        if not ok:
            shown = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
            raise UserError(f"{source}: {name} must be {expected}, got {shown}")


def _divisors(n: int) -> list[int]:
    return [k for k in range(1, n + 1) if n % k == 0][:12]


# fmt: off
PRESETS: dict[str, ModelConfig] = {
    # For tests: small enough that 8 ranks on 2 cores run a few steps in seconds; 4 layers allow pp=4.
    "tiny": ModelConfig(arch="llama", vocab_size=256, d_model=64, n_layers=4, n_heads=4, n_kv_heads=2,
                        d_ff=176, max_seq_len=128),
    # The default demo: learns visibly from the embedded corpus in about two minutes on two CPU cores.
    "small": ModelConfig(arch="llama", vocab_size=256, d_model=192, n_layers=4, n_heads=6, n_kv_heads=2,
                         d_ff=512, max_seq_len=256),
    "tiny-gpt2": ModelConfig(arch="gpt2", vocab_size=256, d_model=64, n_layers=4, n_heads=4, d_ff=256,
                             max_seq_len=128, tie_embeddings=True),
    # Radford et al. 2019, the 124M GPT-2.
    "gpt2-124m": ModelConfig(arch="gpt2", vocab_size=50257, d_model=768, n_layers=12, n_heads=12, d_ff=3072,
                             max_seq_len=1024, tie_embeddings=True),
    # Llama 3.2 1B (context trimmed to 8192 here; the weights do not depend on it).
    "llama-1b": ModelConfig(arch="llama", vocab_size=128256, d_model=2048, n_layers=16, n_heads=32, n_kv_heads=8,
                            d_ff=8192, max_seq_len=8192, tie_embeddings=True, rope_theta=500000.0),
    # Llama 2 7B, 13B and 70B (Touvron et al. 2023).
    "llama-7b": ModelConfig(arch="llama", vocab_size=32000, d_model=4096, n_layers=32, n_heads=32, d_ff=11008,
                            max_seq_len=4096),
    "llama-13b": ModelConfig(arch="llama", vocab_size=32000, d_model=5120, n_layers=40, n_heads=40, d_ff=13824,
                             max_seq_len=4096),
    "llama-70b": ModelConfig(arch="llama", vocab_size=32000, d_model=8192, n_layers=80, n_heads=64, n_kv_heads=8,
                             d_ff=28672, max_seq_len=4096),
}
# fmt: on

_REQUIRED_KEYS = ("arch", "vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len")
_FIELDS = tuple(f.name for f in dataclasses.fields(ModelConfig))


def preset(name: str) -> ModelConfig:
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UserError(
            f"--model: unknown preset {name!r}{hint}; choose one of {', '.join(PRESETS)}, "
            f"or describe the model in a JSON file with --model-config"
        )
    return PRESETS[name]


def config_from_dict(data: dict, source: str) -> ModelConfig:
    if not isinstance(data, dict):
        raise UserError(f"{source}: expected a JSON object with the keys {', '.join(_FIELDS)}")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise UserError(f"{source}: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(_FIELDS)}")
    missing = [k for k in _REQUIRED_KEYS if k not in data]
    if missing:
        raise UserError(f"{source}: missing key(s) {', '.join(missing)}")
    _check_types(data, source)  # before the dataclass fills a null n_kv_heads in
    values: dict[str, Any] = {k: float(v) if k in ("norm_eps", "rope_theta") else v for k, v in data.items()}
    cfg = ModelConfig(**values)
    cfg.validate(source)
    return cfg


def load_model_config(path: str) -> ModelConfig:
    """Read a `--model-config` JSON file (keys as in docs/design.md)."""
    source = f"--model-config {path}"
    if not os.path.isfile(path):
        raise UserError(f"--model-config: no such file {path!r}")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:  # ValueError: bad JSON or bad UTF-8
        raise UserError(
            f"{source}: not valid JSON ({e})"
            if isinstance(e, ValueError)
            else f"{source}: cannot read it ({e.strerror or e})"
        ) from None
    return config_from_dict(data, source)


def config_to_dict(cfg: ModelConfig) -> dict:
    return dataclasses.asdict(cfg)

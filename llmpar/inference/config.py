"""What `llmpar generate` and `llmpar eval` run, checked before any worker starts.

Every mistake a user can make is a UserError raised here: a source that is not a checkpoint or whose weights do
not fit its config, a layout the model cannot be cut into, prompts that are empty, longer than the model's
context or hold ids the tokenizer cannot decode. The workers are given the checked job (prompts already token
ids) and do not raise user errors of their own.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field

from llmpar.errors import UserError, is_json_int
from llmpar.inference.sampler import SamplingParams
from llmpar.model.config import ModelConfig

DTYPES = ("fp32", "bf16", "fp64")


@dataclass
class Job:
    """The part of a generate or eval run every worker needs."""

    source: str
    model_cfg: ModelConfig
    dp: int = 1
    tp: int = 1
    pp: int = 1
    cp: int = 1
    cp_mode: str = "ring"
    dtype: str = "fp32"
    device: str = "cpu"
    timeout: float = 600.0
    tokenizer: str | None = None  # a tokenizer.json, "ids" (token ids only), or None: bytes

    @property
    def world_size(self) -> int:
        return self.dp * self.tp * self.pp * self.cp


@dataclass
class GenerateJob(Job):
    prompts: list[list[int]] = field(default_factory=list)
    max_new_tokens: int = 64
    sampling: SamplingParams = field(default_factory=SamplingParams)
    eos_ids: tuple[int, ...] = ()
    stop: tuple[str, ...] = ()
    allowed: int = 0  # ids the tokenizer can decode (the sampler's candidates)
    groups: int = 0  # sequence groups cycled through the pipeline [pp]
    stream: bool = False  # rank 0 prints the first prompt's tokens as they come


@dataclass
class EvalJob(Job):
    data: str | None = None  # None: the held-out split of the checkpoint's training data
    held_out: bool = True  # the held-out split (the training data's last 1%) or every window of --data
    seq_len: int = 256
    sequences: int = 64  # at most this many windows (0: all)
    batch_size: int = 8


def source_model(source: str) -> tuple[ModelConfig, dict | None, str | None]:
    """(model config, the checkpoint's "train" manifest section (None: a Hugging Face folder), the folder's
    tokenizer.json or None),
    reading only the manifest or config.json; the weights are checked against the config here too."""
    from llmpar.checkpoint.format import Checkpoint
    from llmpar.checkpoint.hf import hf_model_config, is_hf_folder
    from llmpar.model.config import config_from_dict

    if not os.path.exists(source):
        raise UserError(
            f"no such checkpoint {source!r}; give an llmpar checkpoint (a step folder or the folder --save wrote "
            f"to) or a Hugging Face model folder"
        )
    if is_hf_folder(source):
        cfg = hf_model_config(source)
        tok = os.path.join(source, "tokenizer.json")
        _check_weights(source, cfg)
        return cfg, None, tok if os.path.isfile(tok) else None
    ck = Checkpoint(source, verify=True)
    cfg = config_from_dict(ck.manifest["model"], ck.path)
    _check_weights(source, cfg, ck)
    train = ck.manifest.get("train", {})
    return cfg, train if isinstance(train, dict) else {}, None


def _check_weights(source: str, cfg: ModelConfig, ck=None) -> None:
    """Every parameter of the config present with its shape (a checkpoint's manifest, a folder's tensors)."""
    import torch

    from llmpar.model.transformer import Transformer

    with torch.device("meta"):
        model = Transformer(cfg)
    if ck is not None:
        shapes = {name: meta["shape"] for name, meta in ck.manifest["tensors"].items()}
    else:
        from llmpar.checkpoint.hf import read_hf

        _, state = read_hf(source)
        shapes = {name: list(t.shape) for name, t in state.items()}
    for name, p in model.named_parameters():
        if name == "head.weight" and cfg.tie_embeddings:
            continue
        if name not in shapes:
            raise UserError(f"{source}: does not match its model config: the weight {name} is missing")
        if list(shapes[name]) != list(p.shape):
            raise UserError(
                f"{source}: does not match its model config: {name} has shape {list(shapes[name])}, the config "
                f"says {list(p.shape)}"
            )


def check_layout(cfg: ModelConfig, dp: int, tp: int, pp: int, source: str, cp: int = 1, cp_mode: str = "ring") -> None:
    from llmpar.layout import CP_MODES
    from llmpar.parallel.cp_plan import heads_reason

    for flag, value in (("--dp", dp), ("--tp", tp), ("--pp", pp), ("--cp", cp)):
        if not is_json_int(value) or value < 1:
            raise UserError(f"{flag} must be a positive integer, got {value}")
    if tp > 1:
        fits = [k for k in range(1, cfg.n_heads + 1) if cfg.n_heads % k == 0 and cfg.n_kv_heads % k == 0]
        fits = [k for k in fits if cfg.d_ff % k == 0]
        for name, value in (("n_kv_heads", cfg.n_kv_heads), ("n_heads", cfg.n_heads), ("d_ff", cfg.d_ff)):
            if value % tp:
                raise UserError(
                    f"--tp {tp} splits {name} across ranks, but the model of {source} has {name}={value}, not "
                    f"divisible by {tp}; --tp values that fit: {', '.join(map(str, fits))}"
                )
    if pp > cfg.n_layers:
        raise UserError(f"--pp {pp}: the model has {cfg.n_layers} layers, too few for {pp} stages; lower --pp")
    if cp_mode not in CP_MODES:
        raise UserError(f"--cp-mode: {cp_mode!r} is not one of {', '.join(CP_MODES)}")
    if cp > 1 and cp_mode == "all-to-all":
        why = heads_reason(cfg.n_heads // tp, cfg.n_kv_heads // tp, cp, tp)
        if why is not None:
            raise UserError(why)


def check_common(dtype: str, device: str | None) -> str:
    if dtype not in DTYPES:
        raise UserError(f"--dtype: {dtype!r} is not one of {', '.join(DTYPES)}")
    if device is None:
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise UserError(f"--device: {device!r} is not one of cpu, cuda")
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise UserError("--device cuda: no CUDA device is available here; use --device cpu")
    return device


class IdsOnly:
    """A Hugging Face folder without a tokenizer.json (and no --tokenizer): prompts are token ids, completions
    are shown as ids, and every id of the model's vocabulary can be sampled."""

    name = "ids"

    def __init__(self, vocab_size: int):
        self.vocab_size = vocab_size

    def encode(self, text):
        raise UserError(
            "this model folder has no tokenizer.json: give --tokenizer FILE, or prompts as token ids "
            '(--prompts FILE with JSON lines {"ids": [...]})'
        )

    def decode(self, ids) -> str:
        return "".join(f" {int(i)}" for i in ids)


def tokenizer_for(flag: str | None, folder_tok: str | None, train: dict | None, vocab_size: int):
    """The tokenizer: --tokenizer, else the Hugging Face folder's tokenizer.json, else the checkpoint's
    training run's, else bytes (an llmpar checkpoint) or token ids only (a Hugging Face folder: `train` None).
    Returns (path or None, the loaded tokenizer)."""
    from llmpar.data.tokenizer import load_tokenizer

    if train is None and flag is None and folder_tok is None:
        return "ids", IdsOnly(vocab_size)
    train = train or {}
    path = flag or folder_tok or (train.get("tokenizer") if isinstance(train.get("tokenizer"), str) else None)
    return path, load_tokenizer(path)


def load_job_tokenizer(path: str | None, vocab_size: int):
    """The workers' tokenizer (`Job.tokenizer`: a tokenizer.json, "ids", or None: bytes)."""
    from llmpar.data.tokenizer import load_tokenizer

    return IdsOnly(vocab_size) if path == "ids" else load_tokenizer(path)


# ---- prompts ----------------------------------------------------------------------------------------------


def read_prompts(prompt: list[str] | None, prompts_file: str | None) -> list[str | list[int]]:
    """--prompt (repeatable), --prompts FILE ('-': stdin), or stdin when neither is given and it is not a
    terminal. A file is JSONL when every non-empty line is a JSON object ({"prompt": text} or {"ids": [..]}),
    else one prompt per line."""
    if prompt and prompts_file:
        raise UserError("give either --prompt or --prompts FILE, not both")
    if prompt:
        return [p.replace("\\n", "\n") for p in prompt]
    if prompts_file is None and sys.stdin.isatty():
        raise UserError("no prompt: give --prompt TEXT, --prompts FILE, or pipe prompts on stdin")
    if prompts_file in (None, "-"):
        text, where = sys.stdin.read(), "stdin"
    else:
        if not os.path.isfile(prompts_file):
            raise UserError(f"--prompts: no such file {prompts_file!r}")
        try:
            with open(prompts_file, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise UserError(f"--prompts {prompts_file}: cannot read it ({e})") from None
        where = prompts_file
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UserError(f"{where} holds no prompt (it is empty); give one prompt per line, or JSONL")
    if not all(line.lstrip().startswith("{") for line in lines):
        return lines
    out: list[str | list[int]] = []
    for n, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise UserError(f"{where}: line {n} is not valid JSON ({e})") from None
        if isinstance(obj, dict) and isinstance(obj.get("prompt"), str):
            out.append(obj["prompt"])
        elif isinstance(obj, dict) and isinstance(obj.get("ids"), list) and all(is_json_int(i) for i in obj["ids"]):
            out.append(list(obj["ids"]))
        else:
            raise UserError(f'{where}: line {n} must be {{"prompt": "text"}} or {{"ids": [token ids]}}')
    return out


def encode_prompts(prompts: list[str | list[int]], tokenizer, cfg: ModelConfig, max_new: int) -> list[list[int]]:
    """Token ids of each prompt, checked: not empty, decodable, and with --max-new-tokens within the context."""
    allowed = min(tokenizer.vocab_size, cfg.vocab_size)
    out = []
    for n, p in enumerate(prompts, 1):
        ids = [int(i) for i in (tokenizer.encode(p) if isinstance(p, str) else p)]
        what = f"prompt {n}" if len(prompts) > 1 else "the prompt"
        if not ids:
            raise UserError(f"{what} is empty (no tokens); give some text")
        bad = [i for i in ids if i < 0 or i >= allowed]
        if bad:
            raise UserError(
                f"{what} holds the token id {bad[0]}, which the tokenizer cannot decode (ids 0 to {allowed - 1})"
            )
        if len(ids) + max_new > cfg.max_seq_len:
            raise UserError(
                f"{what} has {len(ids)} tokens; with --max-new-tokens {max_new} that is {len(ids) + max_new}, "
                f"longer than the model's context of {cfg.max_seq_len} tokens; shorten it or lower --max-new-tokens"
            )
        out.append(ids)
    return out


def eos_from_source(source: str) -> tuple[int, ...]:
    """A Hugging Face folder's eos_token_id (config.json, or generation_config.json), if any."""
    for name in ("generation_config.json", "config.json"):
        path = os.path.join(source, name)
        if not os.path.isfile(path):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                value = json.load(f).get("eos_token_id")
        except (OSError, ValueError, AttributeError):
            continue
        if is_json_int(value):
            return (value,)
        if isinstance(value, list) and all(is_json_int(v) for v in value):
            return tuple(value)
    return ()


def check_sampling(temperature: float, top_k: int, top_p: float, max_new: int) -> None:
    if not temperature >= 0:
        raise UserError(f"--temperature must be 0 (greedy) or more, got {temperature}")
    if top_k < 0:
        raise UserError(f"--top-k must be 0 (off) or more, got {top_k}")
    if not 0 < top_p <= 1:
        raise UserError(f"--top-p must be in (0, 1], got {top_p}")
    if max_new < 1:
        raise UserError(f"--max-new-tokens must be 1 or more, got {max_new}")

"""The layouts `llmpar compare` runs: how they are written on its command line, and the default set.

A layout is written as tokens joined by `-`, in any order:

    single                      one process (alone)
    dp<N> tp<N> pp<N> cp<N>     the mesh; each left out is 1
    ring a2a                    context parallelism's attention (with cp): ring, or all-to-all [ring]
    zero<0-3>                   ZeRO stage on the dp axis
    sp                          sequence parallelism (with tp)
    naive gpipe 1f1b interleaved zb    the pipeline schedule (with pp) [1f1b]
    v<N>                        virtual stages per rank (interleaved) [2]
    m<N>                        micro-batches per replica [2·pp·v with pp, else 1]
    selective full              activation recomputation
    seed<N>                     this layout's own --seed (to see a layout differ, e.g. for --assert-equal)

`dp2-tp2-pp2-1f1b-m4`, `dp4-zero3`, `tp2-sp`, `pp4-interleaved-v2`, `cp2-a2a`. The default set covers the four
methods of the survey llmpar grew from and their refinements, fitted to the processes and the model
(`default_layouts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmpar.config import SCHEDULES
from llmpar.errors import UserError
from llmpar.model.config import ModelConfig

TOKENS_HELP = (
    "single, dp<N>, tp<N>, pp<N>, cp<N>, zero<0-3>, sp, naive|gpipe|1f1b|interleaved|zb, v<N>, m<N>, "
    "selective|full, ring|a2a, seed<N>, joined by '-' (e.g. dp2-tp2-pp2-m4, cp2-a2a)"
)
_NUMBERED = re.compile(r"^(dp|tp|pp|cp|zero|v|m|seed)(\d+)$")
_CP_MODES = {"ring": "ring", "a2a": "all-to-all"}


@dataclass(frozen=True)
class Spec:
    """One layout to run: its fields as `llmpar train` takes them, and the name it was written as."""

    name: str
    dp: int = 1
    tp: int = 1
    pp: int = 1
    zero: int = 0
    schedule: str | None = None  # None: llmpar train's default (1f1b with pp)
    virtual_stages: int | None = None
    micro_batches: int = 1
    sequence_parallel: bool = False
    recompute: str = "none"
    seed: int | None = None  # None: the comparison's --seed
    cp: int = 1
    cp_mode: str = "ring"

    @property
    def processes(self) -> int:
        return self.dp * self.cp * self.tp * self.pp

    def train_fields(self) -> dict:
        """The TrainConfig fields this layout sets."""
        fields = {
            "dp": self.dp,
            "tp": self.tp,
            "pp": self.pp,
            "zero": self.zero,
            "micro_batches": self.micro_batches,
            "sequence_parallel": self.sequence_parallel,
            "recompute": self.recompute,
            "cp": self.cp,
            "cp_mode": self.cp_mode,
        }
        if self.schedule is not None:
            fields["schedule"] = self.schedule
        if self.virtual_stages is not None:
            fields["virtual_stages"] = self.virtual_stages
        if self.seed is not None:
            fields["seed"] = self.seed
        return fields


def parse(text: str) -> Spec:
    """A layout from its name; a UserError naming the token that is wrong and what is accepted."""
    tokens = text.lower().split("-")
    if text.strip() == "" or "" in tokens:
        raise UserError(f"layout {text!r}: empty; write one as {TOKENS_HELP}")
    fields: dict = {}
    seen: set[str] = set()

    def once(key: str, token: str) -> None:
        if key in seen:
            raise UserError(f"layout {text!r}: {token!r} sets {key} a second time")
        seen.add(key)

    for token in tokens:
        numbered = _NUMBERED.match(token)
        if token == "single":
            once("mesh", token)
        elif numbered:
            key, value = numbered.group(1), int(numbered.group(2))
            once(key, token)
            if key != "seed" and key != "zero" and value < 1:
                raise UserError(f"layout {text!r}: {token!r} must be at least {key}1")
            if key == "zero" and value > 3:
                raise UserError(f"layout {text!r}: {token!r}: ZeRO stages are zero0 to zero3")
            name = {"v": "virtual_stages", "m": "micro_batches"}.get(key, key)
            fields[name] = value
        elif token == "sp":
            once("sp", token)
            fields["sequence_parallel"] = True
        elif token in SCHEDULES:
            once("schedule", token)
            fields["schedule"] = token
        elif token in ("selective", "full"):
            once("recompute", token)
            fields["recompute"] = token
        elif token in _CP_MODES:
            once("cp_mode", token)
            fields["cp_mode"] = _CP_MODES[token]
        else:
            raise UserError(f"layout {text!r}: unknown token {token!r}; a layout is {TOKENS_HELP}")
    if "mesh" in seen and seen & {"dp", "tp", "pp", "cp"}:
        raise UserError(f"layout {text!r}: 'single' is one process; leave out dp, tp, pp and cp with it")
    if "cp_mode" in fields and fields.get("cp", 1) == 1:
        raise UserError(f"layout {text!r}: ring and a2a are context parallelism's attention; add cp<N> (e.g. cp2)")
    pp = fields.get("pp", 1)
    if pp == 1 and ("schedule" in fields or "virtual_stages" in fields):
        raise UserError(f"layout {text!r}: a schedule or v<N> needs a pipeline; add pp<N> (e.g. pp2)")
    if "virtual_stages" in fields and fields.get("schedule") != "interleaved":
        raise UserError(f"layout {text!r}: v<N> is for the interleaved schedule; add 'interleaved'")
    if fields.get("sequence_parallel") and fields.get("tp", 1) == 1:
        raise UserError(f"layout {text!r}: sp splits the sequence over the tp ranks; add tp<N> (e.g. tp2)")
    if "micro_batches" not in fields and pp > 1:
        chunks = fields.get("virtual_stages", 2) if fields.get("schedule") == "interleaved" else 1
        fields["micro_batches"] = 2 * pp * chunks if fields.get("schedule") != "naive" else 1
    return Spec(name=text, **fields)


def _largest(limit: int, ok) -> int:
    """The largest n in 1..limit for which ok(n); 1 if none."""
    return max((n for n in range(1, limit + 1) if ok(n)), default=1)


def default_layouts(nproc: int, model: ModelConfig, global_batch: int) -> list[Spec]:
    """The survey's four methods and their refinements, fitted to `nproc` processes and the model: one process;
    data parallelism and ZeRO 1, 2, 3; model parallelism (the layers split, one batch at a time); tensor
    parallelism with and without SP; pipeline parallelism with GPipe, 1F1B, interleaved and zero-bubble; and a
    hybrid of the three axes (two where the processes do not allow three)."""

    def fits_batch(dp: int, m: int) -> bool:
        return global_batch % (dp * m) == 0

    specs = [Spec(name="single")]
    dp = _largest(nproc, lambda n: fits_batch(n, 1))
    if dp > 1:
        specs.append(parse(f"dp{dp}"))
        specs += [parse(f"dp{dp}-zero{z}") for z in (1, 2, 3)]
    pp = _largest(min(nproc, model.n_layers), lambda n: fits_batch(1, 2 * n))
    if pp > 1:
        specs.append(parse(f"pp{pp}-naive"))
    tp = _largest(nproc, lambda n: model.n_heads % n == 0 and model.n_kv_heads % n == 0)
    if tp > 1:
        specs += [parse(f"tp{tp}"), parse(f"tp{tp}-sp")]
    if pp > 1:
        specs += [parse(f"pp{pp}-{s}") for s in ("gpipe", "1f1b")]
        # Interleaving needs two layers per rank at least.
        ipp = _largest(min(nproc, model.n_layers // 2), lambda n: fits_batch(1, 4 * n))
        if ipp > 1:
            specs.append(parse(f"pp{ipp}-interleaved-v2"))
        specs.append(parse(f"pp{pp}-zb"))
    hybrid = _hybrid(nproc, model, tp, fits_batch)
    if hybrid is not None:
        specs.append(hybrid)
    return specs


def _hybrid(nproc: int, model: ModelConfig, tp: int, fits_batch) -> Spec | None:
    """dp2 × tp2 × pp2 (or more pipeline stages) with 8 processes or more; with fewer, the two axes they allow."""
    t = 2 if tp % 2 == 0 else 1
    for d in (2, 1):
        p = _largest(min(nproc // (d * t), model.n_layers), lambda n, d=d: fits_batch(d, 2 * n))
        axes = [(k, n) for k, n in (("dp", d), ("tp", t), ("pp", p)) if n > 1]
        if len(axes) >= 2 and d * t * p <= nproc and (len(axes) == 3 or d == 1):
            return parse("-".join(f"{k}{n}" for k, n in axes))
    return None

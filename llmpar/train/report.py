"""What a run shows its user while it trains and when it is done: the progress bar (or plain lines) and the
closing summary. Printed by rank 0 only."""

from __future__ import annotations

import math
import shlex
import sys

from llmpar.config import TrainConfig


class Progress:
    """A progress bar with loss, tokens/s and ETA on a terminal; a plain line every tenth of the run otherwise."""

    def __init__(self, cfg: TrainConfig, enabled: bool, initial: int = 0):
        self.cfg, self.enabled, self.bar = cfg, enabled, None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=cfg.steps, initial=initial, unit="step", dynamic_ncols=True, file=sys.stderr)

    def update(self, r: dict) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{r['loss']:.4f}", tok_s=f"{r['tokens_per_s']:,.0f}", refresh=False)
            self.bar.update(1)
        elif r["step"] == 1 or r["step"] % max(1, self.cfg.steps // 10) == 0 or r["step"] == self.cfg.steps:
            print(
                f"step {r['step']:>6}/{self.cfg.steps}  loss {r['loss']:.4f}  lr {r['lr']:.2e}  "
                f"{r['tokens_per_s']:,.0f} tok/s",
                file=sys.stderr,
                flush=True,
            )

    def note(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def print_summary(cfg: TrainConfig, s: dict) -> None:
    val = s["val_why"]
    if s["val_loss"] is not None:  # `llmpar eval` on the checkpoint gives the same three numbers
        val = f"{s['val_loss']:.4f}, perplexity {math.exp(min(s['val_loss'], 700)):.3f}"
        if s.get("val_accuracy") is not None:
            val += f", next-token accuracy {s['val_accuracy']:.2%}"
    minutes, seconds = divmod(int(s["elapsed_s"]), 60)
    if s["final_loss"] is None:  # resumed from the last step's checkpoint: nothing left to train
        lines = [f"llmpar: done, no step left to train (the checkpoint is at step {cfg.steps})"]
    else:
        lines = [
            f"llmpar: done, steps {s['first_step']}-{cfg.steps} in {minutes}m{seconds:02d}s",
            f"  loss          {s['first_loss']:.4f} (step {s['first_step']}) -> {s['final_loss']:.4f} "
            f"(step {cfg.steps})",
        ]
    lines.append(f"  validation    {val}")
    if s["tokens_per_s"] is not None:
        lines.append(f"  throughput    {s['tokens_per_s']:,.0f} tokens/s")
    if s.get("sample_error"):
        lines.append(f"  sample        skipped: {s['sample_error']}")
    if s.get("sample"):
        text = "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in s["sample"])
        lines.append(f"  sample        ({cfg.sample_tokens} tokens after the prompt, temperature 0.8)")
        lines += ["    | " + line for line in text.splitlines()]
    if cfg.metrics:
        lines.append(f"  metrics       {cfg.metrics}")
    if cfg.tensorboard:
        lines.append(f"  tensorboard   {cfg.tensorboard} (tensorboard --logdir {shlex.quote(cfg.tensorboard)})")
    print("\n".join(lines), flush=True)

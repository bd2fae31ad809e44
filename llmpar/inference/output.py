"""Results as text or JSON lines, and the streaming of one prompt's tokens to the terminal."""

from __future__ import annotations

import json
import sys


class Streamer:
    """Prints a completion as its tokens come (rank 0, one prompt), as `completion_text` will give it: text is
    printed once it decodes whole (a character split across byte tokens waits for its last byte), the
    end-of-sequence token is not printed, and text that could begin a stop string waits until it is known not
    to; a stop string ends what is printed."""

    def __init__(self, tokenizer, out=None, eos_ids=(), stop=()):
        self.tokenizer, self.out = tokenizer, out or sys.stdout
        self.eos_ids, self.stop = set(eos_ids), tuple(s for s in stop if s)
        self.ids: list[int] = []
        self.shown = 0  # characters printed
        self.stopped = False

    def add(self, token: int) -> None:
        if self.stopped or token in self.eos_ids:
            self.stopped = self.stopped or token in self.eos_ids
            return
        self.ids.append(token)
        text = self.tokenizer.decode(self.ids)
        if text.endswith("\ufffd"):
            return
        cuts = [text.find(s) for s in self.stop if s in text]
        if cuts:  # a stop string: print up to it, and nothing after
            self._show(text[: min(cuts)])
            self.stopped = True
            return
        # hold back the longest end of the text that begins a stop string
        held = max((k for s in self.stop for k in range(1, len(s)) if text.endswith(s[:k])), default=0)
        self._show(text[: len(text) - held])

    def _show(self, text: str) -> None:
        if len(text) > self.shown:
            self.out.write(text[self.shown :])
            self.out.flush()
            self.shown = len(text)

    def close(self) -> None:
        if not self.stopped:
            self._show(self.tokenizer.decode(self.ids))
        self.out.write("\n")
        self.out.flush()


def completion_text(result: dict, tokenizer, eos_ids, stop) -> str:
    """The completion's text: without an end-of-sequence token, cut before the first stop string."""
    ids = [i for i in result["token_ids"] if i not in eos_ids] if result["finish"] == "eos" else result["token_ids"]
    text = tokenizer.decode(ids)
    cuts = [text.find(s) for s in stop if s in text]
    return text[: min(cuts)] if cuts else text


def finish_results(results: list[dict], prompts, tokenizer, eos_ids, stop, logprobs: bool) -> list[dict]:
    """The records the user gets: prompt, completion, token ids (and log-probabilities when asked)."""
    out = []
    for r in results:
        p = prompts[r["index"]]
        record = {
            "index": r["index"],
            "prompt": p if isinstance(p, str) else tokenizer.decode(p),
            "completion": completion_text(r, tokenizer, eos_ids, stop),
            "prompt_ids": r["prompt_ids"],
            "token_ids": r["token_ids"],
            "finish_reason": r["finish"],
        }
        if logprobs:
            record["logprobs"] = r["logprobs"]
        out.append(record)
    return out


def write_records(records: list[dict], fmt: str, out, streamed: bool = False) -> None:
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r) + "\n")
        return
    if streamed:  # the completion is on the terminal already
        return
    for n, r in enumerate(records):
        if n:
            out.write("\n" + "-" * 40 + "\n")
        out.write(r["prompt"] + r["completion"] + "\n")
        if "logprobs" in r:
            out.write("logprobs: " + " ".join(f"{lp:.4f}" for lp in r["logprobs"]) + "\n")

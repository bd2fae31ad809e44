"""Parallel inference: `llmpar generate` and `llmpar eval`, in any layout, with the numbers of one process.

    config.py    the job, checked before any worker starts (source, layout, prompts, sampling)
    cache.py     the KV cache: per layer, preallocated, left-padded batches with their own positions
    sampler.py   greedy, temperature, top-k, top-p; one random stream per prompt, the same in every layout
    engine.py    this rank's part of the model, and the pipelined generation loop; results gathered on rank 0
    scoring.py   loss, perplexity and next-token accuracy on held-out windows
    output.py    text or JSON lines, and streaming

The workers are started as training's are (llmpar.launch.run_local: PyTorch's elastic launcher), or the job
runs in this process when its layout is one process.
"""

from __future__ import annotations

from llmpar.errors import UserError
from llmpar.inference.config import (
    EvalJob,
    GenerateJob,
    check_common,
    check_layout,
    check_sampling,
    encode_prompts,
    eos_from_source,
    source_model,
    tokenizer_for,
)
from llmpar.inference.sampler import SamplingParams


def _checked_source(source, tokenizer, layout: dict, dtype, device, timeout):
    """What generate and eval check alike: the dtype and device, the model at `source`, the layout (dp, tp, pp,
    cp, cp_mode), the tokenizer. Returns the checkpoint's training settings, the tokenizer and the fields every
    job has."""
    device = check_common(dtype, device)
    cfg, train, folder_tok = source_model(source)
    check_layout(cfg, **layout, source=source)
    tok_path, tok = tokenizer_for(tokenizer, folder_tok, train, cfg.vocab_size)
    common = dict(source=source, model_cfg=cfg, **layout, dtype=dtype, device=device, timeout=timeout)
    return train, tok, {**common, "tokenizer": tok_path}


def prepare_generate(
    source: str,
    prompts: list[str | list[int]],
    *,
    max_new_tokens: int = 64,
    temperature: float = 0.0,
    top_k: int = 0,
    top_p: float = 1.0,
    seed: int = 0,
    stop: tuple[str, ...] | list[str] = (),
    eos_ids: tuple[int, ...] | list[int] | None = None,
    tokenizer: str | None = None,
    dp: int = 1,
    tp: int = 1,
    pp: int = 1,
    cp: int = 1,
    cp_mode: str = "ring",
    groups: int = 0,
    dtype: str = "fp32",
    device: str | None = None,
    stream: bool = False,
    timeout: float = 600.0,
):
    """The checked job, and the tokenizer. Raises UserError for anything wrong, before any worker starts."""
    check_sampling(temperature, top_k, top_p, max_new_tokens)
    layout = dict(dp=dp, tp=tp, pp=pp, cp=cp, cp_mode=cp_mode)
    _, tok, common = _checked_source(source, tokenizer, layout, dtype, device, timeout)
    cfg = common["model_cfg"]
    if groups < 0:
        raise UserError(f"--groups must be 0 (one per pipeline stage) or more, got {groups}")
    if not prompts:
        raise UserError("no prompt given")
    ids = encode_prompts(prompts, tok, cfg, max_new_tokens)
    eos = tuple(eos_ids) if eos_ids is not None else eos_from_source(source)
    job = GenerateJob(
        **common,
        prompts=ids,
        max_new_tokens=max_new_tokens,
        sampling=SamplingParams(temperature, top_k, top_p, seed),
        eos_ids=eos,
        stop=tuple(stop),
        allowed=min(tok.vocab_size, cfg.vocab_size),
        groups=groups,
        stream=stream,
    )
    return job, tok


def run_job(job, worker) -> dict:
    """Run `worker(job)` in this process (one-process layouts) or in job.world_size workers started by the
    elastic launcher; rank 0's result. A failed worker raises llmpar.launch.WorkerFailed."""
    from llmpar.launch import WorkerFailed, describe_exception, run_local

    if job.world_size == 1:
        try:
            result = worker(job)
        except UserError:
            raise
        except Exception as e:  # noqa: BLE001 - reported as a failed worker, one line
            raise WorkerFailed(f"worker rank 0 failed: {describe_exception(e)}") from None
        assert result is not None  # rank 0 returns its result
        return result
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    from llmpar.launch import describe_failures

    try:
        results = run_local(job.world_size, worker, job)
    except ChildFailedError as e:
        raise WorkerFailed(describe_failures(e)) from None
    return results[0]


def generate(source: str, prompts, *, logprobs: bool = False, return_stats: bool = False, **options):
    """Complete `prompts` (a string, or a list of strings or token-id lists) with the model at `source` (an
    llmpar checkpoint or a Hugging Face folder). Options: max_new_tokens, temperature (0: greedy), top_k, top_p,
    seed, stop, eos_ids, tokenizer, dp, tp, pp, cp, cp_mode, groups, dtype, device. Returns one record per
    prompt: prompt, completion, prompt_ids, token_ids, finish_reason (and logprobs); with return_stats, also the
    measurements."""
    from llmpar.inference.engine import generate_worker
    from llmpar.inference.output import finish_results

    if isinstance(prompts, str):
        prompts = [prompts]
    job, tok = prepare_generate(source, list(prompts), **options)
    out = run_job(job, generate_worker)
    records = finish_results(out["results"], list(prompts), tok, job.eos_ids, job.stop, logprobs)
    return (records, out["stats"]) if return_stats else records


def prepare_eval(
    source: str,
    *,
    data: str | None = None,
    tokenizer: str | None = None,
    seq_len: int | None = None,
    sequences: int = 64,
    batch_size: int = 8,
    dp: int = 1,
    tp: int = 1,
    pp: int = 1,
    cp: int = 1,
    cp_mode: str = "ring",
    dtype: str = "fp32",
    device: str | None = None,
    timeout: float = 600.0,
) -> EvalJob:
    from llmpar.data import check_data_path
    from llmpar.parallel.cp_plan import seq_len_reason

    layout = dict(dp=dp, tp=tp, pp=pp, cp=cp, cp_mode=cp_mode)
    train, tok, common = _checked_source(source, tokenizer, layout, dtype, device, timeout)
    cfg = common["model_cfg"]
    held_out = data is None
    train = train or {}
    if data is None:
        data = train.get("data") if isinstance(train.get("data"), str) else None
    check_data_path(data)
    if seq_len is None:
        run_len = train.get("seq_len")
        seq_len = run_len if isinstance(run_len, int) else min(cfg.max_seq_len, 256)
    if not 1 <= seq_len <= cfg.max_seq_len:
        raise UserError(f"--seq-len must be between 1 and the model's context {cfg.max_seq_len}, got {seq_len}")
    why = seq_len_reason(seq_len, cp)
    if why is not None:
        raise UserError(why)
    if sequences < 0 or batch_size < 1:
        raise UserError("--eval-sequences must be 0 (all) or more, and --batch-size 1 or more")
    if tok.vocab_size > cfg.vocab_size:
        raise UserError(
            f"the tokenizer has {tok.vocab_size} tokens but the model's vocab_size is {cfg.vocab_size}; give the "
            f"tokenizer the model was trained with (--tokenizer)"
        )
    return EvalJob(
        **common,
        data=data,
        held_out=held_out,
        seq_len=seq_len,
        sequences=sequences,
        batch_size=batch_size,
    )


def evaluate(source: str, **options) -> dict:
    """Mean loss, perplexity and next-token accuracy of the model at `source` on the held-out split of its
    training data (or `data`), any layout. Options: data, tokenizer, seq_len, sequences (0: all), batch_size,
    dp, tp, pp, cp, cp_mode, dtype, device."""
    from llmpar.inference.scoring import eval_worker

    job = prepare_eval(source, **options)
    return run_job(job, eval_worker)


__all__ = ["SamplingParams", "evaluate", "generate", "prepare_eval", "prepare_generate", "run_job"]

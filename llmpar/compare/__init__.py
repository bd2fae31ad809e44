"""`llmpar compare`: several layouts trained on the same model, data, seed, global batch and steps, one after
another through the real launcher, side by side in a report folder:

    report.md       one row per layout: time, memory, communication per axis, bubble, losses, accuracy, and the
                    largest departure of its loss curve from the first layout's; each cost beside the cost
                    model's prediction and the ratio
    results.json    all of it, with every loss curve
    *.png           loss curves, costs, measured and predicted pipeline timelines
    runs/NN-NAME/   each layout's metrics (JSON lines), summary and log

With `--dtype fp64 --assert-equal 1e-9` it is a verifier: it exits with status 1, naming the layout and the step,
if any layout's curve departs from the first's. With `--peers`, PyTorch's own equivalent of each layout that has
one (DDP, ZeroRedundancyOptimizer, FSDP2, DTensor TP, torch.distributed.pipelining) runs beside it.

Layouts are written `dp2-tp2-pp2-1f1b-m4` (`llmpar.compare.layouts`); without any, the default set covers the
four methods and their refinements, fitted to --nproc.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from llmpar.compare import figures, report
from llmpar.compare.results import (
    WARM_UP_STEPS,
    deviation,
    first_departure,
    load_summary,
    measured,
    predicted,
    ratios,
    relative,
)
from llmpar.compare.run import (
    Run,
    check_output_folder,
    clear_output_folder,
    given_fields,
    prepare,
    read_metrics,
    run_all,
)
from llmpar.errors import UserError

DEFAULT_NPROC_CPU = 4


def compare(args, train_fields: dict, argv: list[str]) -> int:
    """The command: returns its exit status (0: every layout ran, and with --assert-equal, matched)."""
    out = args.output
    check_output_folder(out, args.overwrite)
    if args.assert_equal is not None and not args.assert_equal > 0:
        raise UserError(f"--assert-equal {args.assert_equal:g}: give a positive relative tolerance, e.g. 1e-9")
    given = given_fields(train_fields)
    nproc = args.nproc or _default_nproc(given)
    if nproc < 1:
        raise UserError(f"--nproc {nproc}: give the number of processes the layouts may use, at least 1")
    runs, skipped = prepare(args.layouts, given, nproc, out, args.peers)
    for why in skipped:
        print(f"llmpar compare: no peer run for {why}", file=sys.stderr)
    hw, why_not = _profile(runs[0].cfg, train_fields.get("hardware"), train_fields.get("hardware_config"))
    predictions = {}
    for run in runs:
        if hw is not None and run.peer is None:
            predictions[run.name] = predicted(run.cfg, hw)
        elif hw is not None:  # a peer is predicted as its llmpar twin
            predictions[run.name] = predictions[run.spec.name]

    base = runs[0].cfg
    results: dict[str, Any] = {
        "command": report.command_line(["llmpar", "compare", *argv]),
        "settings": {
            "model": base.model_name,
            "parameters": base.model_cfg.num_params(),
            "dtype": base.dtype,
            "device": base.device,
            "global_batch_size": base.global_batch_size,
            "seq_len": base.seq_len,
            "steps": base.steps,
            "seed": base.seed,
            "nproc": nproc,
            "hardware": hw.name if hw is not None else f"none ({why_not})",
            "warm_up_steps": WARM_UP_STEPS,
        },
        "reference": runs[0].name,
        "peers_not_run": skipped,
        "runs": [_entry(run, out, predictions.get(run.name, (None, None))[0]) for run in runs],
        "assert_equal": None,
        "figures": {},
    }
    clear_output_folder(out)
    report.write(out, results)
    extras: dict[str, dict] = {}

    def on_done(run: Run) -> None:
        entry = next(e for e in results["runs"] if e["name"] == run.name)
        entry.update(_outcome(run, extras))
        _deviations(results)
        report.write(out, results)

    print(f"llmpar compare: {len(runs)} layouts, report in {out}", file=sys.stderr, flush=True)
    run_all(runs, on_done)
    code = 0 if all(e["status"] == "ok" for e in results["runs"]) else 1
    if args.assert_equal is not None:
        results["assert_equal"] = _assert_equal(results, args.assert_equal)
        code = code or (0 if results["assert_equal"]["passed"] else 1)
    timelines = {name: predictions.get(name, (None, None))[1] for name in extras}
    try:
        results["figures"] = figures.draw_all(out, results, extras, timelines)
    except Exception as e:  # noqa: BLE001 - the measurements are in results.json already; a picture must not lose them
        print(f"llmpar compare: warning: the figures could not be drawn ({type(e).__name__}: {e})", file=sys.stderr)
    report.write(out, results)
    print(report.markdown_table(results))
    verdict = report.agreement(results)
    if verdict:
        print(f"\n{verdict.replace('**', '')}")
    print(f"llmpar compare: wrote {os.path.join(out, 'report.md')}", file=sys.stderr)
    check = results["assert_equal"]
    if check is not None and not check["passed"]:
        for failure in check["failures"]:
            print(f"llmpar compare: error: {failure}", file=sys.stderr)
    for entry in results["runs"]:
        if entry["status"] != "ok":
            print(f"llmpar compare: error: layout {entry['name']} failed: {entry['error']}", file=sys.stderr)
    return code


def _default_nproc(given: dict) -> int:
    if given.get("device") == "cpu":
        return DEFAULT_NPROC_CPU
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else DEFAULT_NPROC_CPU


def _profile(cfg, name: str | None, config_file: str | None):
    """The hardware profile to predict with (`--hardware NAME`, `--hardware-config FILE`, or this machine's:
    `cpu`, or the GPU's), or None and why there is none. A profile named or given that cannot be read is a
    UserError (before anything runs)."""
    import dataclasses

    from llmpar.plan.auto import profile

    if name is not None or config_file is not None:
        return profile(dataclasses.replace(cfg, hardware=name, hardware_config=config_file)), None
    try:
        return profile(cfg), None
    except UserError as e:  # a GPU llmpar has no profile of: the report has no predictions, and says why
        return None, str(e)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def _entry(run: Run, out: str, prediction: dict | None) -> dict:
    return {
        "name": run.name,
        "slug": _slug(run.name),
        "layout": run.spec.name,
        "peer": run.peer,
        "processes": run.spec.processes,
        "pipeline": run.spec.pp > 1,
        "status": run.status,
        "error": None,
        # (llmpar's: `llmpar train ...`; a peer's: `python -m llmpar.compare.peers ...`)
        "command": report.command_line(
            ["llmpar", "train", *run.argv[4:]] if run.peer is None else ["python", *run.argv[1:]]
        ),
        "folder": os.path.relpath(run.folder, out),
        "wall_s": None,
        "measured": None,
        "predicted": prediction,
        "ratio": None,
        "max_loss_deviation": None,
        "val_loss_deviation": None,
    }


def _outcome(run: Run, extras: dict) -> dict:
    """What a finished run measured (from its files), or why it failed."""
    outcome: dict = {"status": run.status, "error": run.error, "wall_s": run.wall_s}
    if run.status != "ok":
        return outcome
    try:
        lines = read_metrics(run.metrics)
        m = measured(lines, load_summary(run.summary), run.spec.processes)
    except (OSError, ValueError, KeyError) as e:
        return {**outcome, "status": "failed", "error": f"its metrics or summary cannot be read: {e}"}
    extras[run.name] = {"last_line": lines[-1]}
    return {**outcome, "measured": m}


def _deviations(results: dict) -> None:
    """Each finished run's largest relative departure from the reference (the first layout, when it ran)."""
    ok = {e["name"]: e for e in results["runs"] if e["status"] == "ok"}
    ref = ok.get(results["reference"])
    for e in ok.values():
        e["ratio"] = ratios(e["measured"], e["predicted"])
        if ref is None:
            continue
        e["max_loss_deviation"] = deviation(e["measured"]["losses"], ref["measured"]["losses"])
        a, b = e["measured"]["val_loss"], ref["measured"]["val_loss"]
        e["val_loss_deviation"] = relative(a, b) if a is not None and b is not None else None


def _assert_equal(results: dict, tol: float) -> dict:
    failures = []
    ref = next(e for e in results["runs"] if e["name"] == results["reference"])
    if ref["status"] != "ok":
        failures.append(f"the first layout, {ref['name']}, failed, so nothing can be compared with it")
    else:
        base = ref["measured"]
        for e in results["runs"]:
            if e is ref:
                continue
            if e["status"] != "ok":
                failures.append(f"layout {e['name']} failed: {e['error']}")
                continue
            mine = e["measured"]
            step = first_departure(mine["losses"], base["losses"], tol)
            if step is not None:
                a = mine["losses"][step - 1] if step <= len(mine["losses"]) else None
                b = base["losses"][step - 1] if step <= len(base["losses"]) else None
                if a is None or b is None:
                    failures.append(
                        f"layout {e['name']} ran {len(mine['losses'])} steps and {ref['name']} "
                        f"{len(base['losses'])}: the curves cannot be compared after step {step - 1}"
                    )
                else:
                    failures.append(
                        f"layout {e['name']} departs from {ref['name']} at step {step}: loss {a!r} against {b!r} "
                        f"(relative {relative(a, b):.2e} > {tol:g})"
                    )
                continue
            dv = e["val_loss_deviation"]
            if dv is not None and dv > tol:
                failures.append(
                    f"layout {e['name']}: validation loss {mine['val_loss']!r} against {ref['name']}'s "
                    f"{base['val_loss']!r} (relative {dv:.2e} > {tol:g})"
                )
    return {"tolerance": tol, "passed": not failures, "failures": failures}

"""The cost model against every comparable published run (`llmpar.plan.compare`), as a Markdown table, and each
half's mean and largest |error|: the numbers of docs/cost-model.md's "Against published runs".

    python benchmarks/published_table.py --commands [--blind SPLIT]

`--commands` prints, instead of the table, each row as `llmpar plan` takes it (its model as a --model-config file,
every choice fixed on the command line: `compare.plan_args`), which gives the comparison's prediction.

    python benchmarks/published_table.py [--before before.json] [--blind [SPLIT]]

`--before` adds a column of errors from an earlier model (a JSON object: "source/name" -> error). The blind rows
(published.py's `BLIND_SPLITS`: "blind", then "blind2" onwards, one per set) are left out unless `--blind` names
one split (alone: "blind"), which prints that split's rows only: they are for one comparison with a frozen model.

    python benchmarks/published_table.py --fp8-twins

prints, after the looks, the FP8 term alone: every FP8 row with a 16-bit twin of the same source family and layout
(its name with "BF16" for "FP8"), the measured and predicted FP8/BF16 speed-ups, over every split (blind ones too).
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics

from llmpar.plan.compare import BLIND_SPLITS, RUNS, choice_summary, plan_args, published_comparison


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", help="errors of an earlier model, by source/name")
    p.add_argument(
        "--blind",
        nargs="?",
        const="blind",
        choices=BLIND_SPLITS,
        help="one blind split's rows only (compare them once, model frozen); alone: blind",
    )
    p.add_argument("--commands", action="store_true", help="each row as llmpar plan's flags, not the table")
    p.add_argument("--fp8-twins", action="store_true", help="the FP8 rows against their BF16 twins (after the looks)")
    args = p.parse_args()
    if args.fp8_twins:
        fp8_twins()
        return
    if args.commands:
        rows = published_comparison(args.blind)
        by_name = {(run["source"], run["name"]): run for run in RUNS}
        for r in rows:
            model, flags = plan_args(by_name[r["source"], r["name"]])
            print(f"# {r['source']}: {r['name']}")
            print(f"echo {shlex.quote(json.dumps(model))} > model.json")
            print(shlex.join(["llmpar", "plan", "--model-config", "model.json", *flags]))
        return
    before = json.load(open(args.before)) if args.before else None
    rows = published_comparison(args.blind)
    head = "| split | source | run | hardware | GPUs | layout | mbs | v | tokens/s per GPU, measured | predicted |"
    head += " error |" + (" before |" if before else "")
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for r in sorted(rows, key=lambda r: (r["split"], r["source"], r["gpus"])):
        line = (
            f"| {r['split']} | {r['source']} | {r['name']} | {r['hardware']} | {r['gpus']} | {r['layout']} | "
            f"{r['micro_batch_size']} | {r['virtual_stages']} | {r['measured']:,.1f} | {r['predicted']:,.1f} | "
            f"{r['error']:+.1%} |"
        )
        if before:
            b = before.get(f"{r['source']}/{r['name']}")
            line += f" {b:+.1%} |" if b is not None else " – |"
        print(line)
    for split in (args.blind,) if args.blind else ("fit", "held-out"):
        errs = [abs(r["error"]) for r in rows if r["split"] == split]
        line = f"{split}: {len(errs)} rows, mean |error| {statistics.mean(errs):.1%}, largest {max(errs):.1%}"
        if before:  # the rows the earlier model predicted (rows added since have none)
            b = [
                abs(before[key])
                for r in rows
                if r["split"] == split and (key := f"{r['source']}/{r['name']}") in before
            ]
            line += f" (before, {len(b)} of them: mean {statistics.mean(b):.1%}, largest {max(b):.1%})"
        print(line)
    c = choice_summary(rows)
    if c["choices"]:
        print(
            f"choices among layouts (one source, hardware, GPU count, model and sequence; compare.layout_choices): "
            f"{c['choices']}; the layout predicted fastest measured within 5% of the fastest in {c['first_within']} "
            f"(a random pick: {c['chance_within']:.1f}), {c['mean_loss']:.1%} slower on average (random: "
            f"{c['chance_loss']:.1%}), {c['max_loss']:.1%} at most; pairs measured more than 5% apart ordered as "
            f"measured: {c['pairs_ordered']} of {c['pairs']}"
        )


def fp8_twins() -> None:
    """Each FP8 row whose BF16 twin (the same name with "BF16" for "FP8", from a 16-bit source of the same family:
    dgxc_benchmarking_fp8's twins are dgxc_benchmarking's and dgxc_benchmarking_cp's, in the same layout) is compared
    too: the measured and predicted speed-ups, and how far apart they are."""
    rows = {
        (r["source"], r["name"]): r for split in ("fit", "held-out", *BLIND_SPLITS) for r in published_comparison(split)
    }
    gaps = []
    print("| run | layout | FP8/BF16 measured | predicted | apart |")
    print("| --- | --- | --- | --- | --- |")
    for (source, name), r in sorted(rows.items()):
        if "FP8" not in name:
            continue
        twin_name = name.replace("FP8", "BF16")
        family = source.removesuffix("_fp8")
        twin = next((t for (s, n), t in rows.items() if n == twin_name and s != source and s.startswith(family)), None)
        if twin is None or twin["layout"] != r["layout"]:
            continue
        measured, predicted = r["measured"] / twin["measured"], r["predicted"] / twin["predicted"]
        gaps.append(predicted / measured - 1)
        print(f"| {name} | {r['layout']} | {measured:.2f}× | {predicted:.2f}× | {gaps[-1]:+.1%} |")
    if gaps:
        print(
            f"{len(gaps)} twins: apart {statistics.mean(map(abs, gaps)):.1%} on average (signed "
            f"{statistics.mean(gaps):+.1%}), at most {max(map(abs, gaps)):.1%}"
        )


if __name__ == "__main__":
    main()

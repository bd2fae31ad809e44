"""The cost model against every comparable published run (`llmpar.plan.compare`), as a Markdown table, and each
half's mean and largest |error|: the numbers of docs/cost-model.md's "Against published runs".

    python benchmarks/published_table.py --commands [--blind SPLIT]

`--commands` prints, instead of the table, each row as `llmpar plan` takes it (its model as a --model-config file,
every choice fixed on the command line: `compare.plan_args`), which gives the comparison's prediction.

    python benchmarks/published_table.py [--before before.json]
        [--blind [blind|blind2|blind3|blind4|blind5|blind6|blind7|blind8|blind9|blind10|blind11|blind12]]

`--before` adds a column of errors from an earlier model (a JSON object: "source/name" -> error). The "blind",
"blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10", "blind11" and "blind12"
rows (published.py) are left out unless `--blind` names one of them (`--blind` alone: "blind"; `--blind blind2` /
`blind3` / `blind4` / `blind5` / `blind6` / `blind7` / `blind8` / `blind9` / `blind10` / `blind11` / `blind12`: the
second / third / fourth / fifth / sixth / seventh / eighth / ninth / tenth / eleventh / twelfth blind rows), which
prints that split's rows only: they are for one comparison with a frozen model.
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
    args = p.parse_args()
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


if __name__ == "__main__":
    main()

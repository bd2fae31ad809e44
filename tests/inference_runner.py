"""Run several `llmpar generate` / `llmpar eval` jobs, each in its own layout of the same N workers, in one launch.

    python -m torch.distributed.run --standalone --nproc-per-node N tests/inference_runner.py JOBS.json

JOBS.json is a list of {"kind": "generate" | "eval", "options": {...}} with the options of
`llmpar.inference.prepare_generate` / `prepare_eval` (source, prompts, dp, tp, pp, ...); every layout must use
the N workers. Each job gets its own mesh and process groups, as a fresh `llmpar generate` would; rank 0 writes
every job's result to JOBS.json.out.
"""

import gc
import json
import os
import sys

import torch
import torch.distributed as dist

from llmpar.inference import prepare_eval, prepare_generate
from llmpar.inference.engine import run_generate
from llmpar.inference.scoring import run_eval

rank = int(os.environ["RANK"])
torch.set_num_threads(1)
dist.init_process_group("gloo")
out = []
for job in json.load(open(sys.argv[1])):
    options = dict(job["options"])
    if job["kind"] == "generate":
        prompts = options.pop("prompts")
        prepared, _ = prepare_generate(options.pop("source"), prompts, **options)
        out.append(run_generate(prepared, rank, torch.device("cpu")))
    else:
        out.append(run_eval(prepare_eval(options.pop("source"), **options), rank, torch.device("cpu")))
    gc.collect()
if rank == 0:
    with open(sys.argv[1] + ".out", "w") as f:
        json.dump(out, f)
gc.collect()
dist.destroy_process_group()

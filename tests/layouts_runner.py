"""Run several training layouts, one after the other, in the workers of one launch.

    python -m torch.distributed.run --standalone --nproc-per-node N tests/layouts_runner.py RUNS.json

RUNS.json is a list of TrainConfig fields; every layout must use the N workers. Each is validated and trained
by a fresh Trainer (its own mesh and process groups) exactly as `llmpar train` would run it, writing its own
metrics: a launch costs seconds on two cores, a layout a fraction of one.
"""

import gc
import json
import sys

import torch.distributed as dist

from llmpar.config import TrainConfig, validate
from llmpar.train.trainer import Trainer

for fields in json.load(open(sys.argv[1])):
    Trainer(validate(TrainConfig(**fields))).run()
# The trainers' process groups must be gone before the groups are destroyed, or gloo aborts at exit.
gc.collect()
dist.destroy_process_group()

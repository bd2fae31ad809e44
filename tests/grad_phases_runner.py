"""Which backward action computes each parameter's gradient: B, or the zero-bubble schedule's W.

    python -m torch.distributed.run --standalone --nproc-per-node N tests/grad_phases_runner.py RUNS.json

RUNS.json is a list of [TrainConfig fields, output path]. For each layout, every worker trains one step and
writes {parameter name: the kinds of action ("B", "W") during which its gradient was accumulated} to
`output path`.rank<R>.json. (A gradient counts as computed during an action if the action changed it: autograd
calls the post-accumulate hooks of a weight whose gradient was deferred too, with nothing accumulated.)
"""

import gc
import json
import sys

import torch
import torch.distributed as dist

from llmpar.config import TrainConfig, validate
from llmpar.train.trainer import Trainer

for fields, out in json.load(open(sys.argv[1])):
    trainer = Trainer(validate(TrainConfig(**fields)))
    executor, phases = trainer.executor, {}
    params = dict(trainer.model.named_parameters())
    inner = executor._gradients

    def gradients(a, *args, inner=inner, params=params, phases=phases):
        before = {name: None if p.grad is None else p.grad.clone() for name, p in params.items()}
        inner(a, *args)
        for name, p in params.items():
            if p.grad is not None and (before[name] is None or not torch.equal(before[name], p.grad)):
                phases.setdefault(name, set()).add(a.kind)

    executor._gradients = gradients
    trainer.train_step(0)
    with open(f"{out}.rank{trainer.rank}.json", "w") as f:
        json.dump({name: sorted(kinds) for name, kinds in phases.items()}, f)
    trainer.close()
    del trainer, executor
    gc.collect()
dist.destroy_process_group()

"""`llmpar plan` and `llmpar simulate` as a user meets them: fast (no torch), clear exit statuses and messages,
the flags that fix what is otherwise searched, the table's order said where it is shown, a readable picture."""

from __future__ import annotations

import subprocess
import sys

import pytest

from llmpar.model.config import PRESETS

PLAN_70B = [
    "plan",
    "--model",
    "llama-70b",
    "--gpus",
    "64",
    "--hardware",
    "h100-sxm",
    "--global-batch-size",
    "256",
    "--seq-len",
    "4096",
]


def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_importing_the_plan_command_does_not_import_torch():
    out = _python("import sys, llmpar.cli, llmpar.plan.cli, llmpar.plan.report; print('torch' in sys.modules)")
    assert out.split() == ["False"]


def test_plan_does_not_import_torch():
    code = (
        "import contextlib, io, sys\n"
        "from llmpar.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main({PLAN_70B!r})\n"
        "assert code == 0 and out.getvalue().count('llmpar train') == 10, out.getvalue()\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules)\n"
    )
    assert _python(code).split() == ["False", "False"]


def test_simulate_does_not_import_torch_before_drawing(tmp_path):
    # The drawing itself is matplotlib's (numpy); everything before it is llmpar's own arithmetic.
    code = (
        "import sys\n"
        "import llmpar.pipeline.plot as plot\n"
        "seen = []\n"
        "plot.draw = lambda rows, title, path, **kw: seen.append('torch' in sys.modules)\n"
        "from llmpar.cli import main\n"
        "code = main(['simulate', '--model', 'llama-7b', '--hardware', 'a100-80gb', '--tp', '2', '--pp', '4',\n"
        "             '--schedule', 'interleaved', '--micro-batches', '16', '--global-batch-size', '64',\n"
        f"             '--seq-len', '4096', '-o', {str(tmp_path / 'x.png')!r}])\n"
        "print(code, seen)\n"
    )
    assert _python(code).splitlines()[-1] == "0 [False]"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_block_parameter_shapes_are_the_blocks(name):
    """The cost model counts a block's parameters from `block_parameter_shapes` (torch-free); they are the
    built block's, name by name, in its order."""
    import torch

    from llmpar.model.shapes import block_parameter_shapes
    from llmpar.model.transformer import Block

    cfg = PRESETS[name]
    with torch.device("meta"):
        block = Block(cfg)
    assert block_parameter_shapes(cfg) == tuple((n, tuple(p.shape)) for n, p in block.named_parameters())


def test_lazy_packages_keep_their_names():
    """The packages import their torch modules when a name is first used; `llmpar.parallel.data_parallel` stays
    the function (the module of that name is imported behind it)."""
    import llmpar.parallel
    from llmpar.data import TokenBatches, read_bin
    from llmpar.model import Transformer, build_model
    from llmpar.parallel import DataParallel, FullySharded, ShardedOptimizer, data_parallel

    assert callable(data_parallel) and data_parallel.__name__ == "data_parallel"
    assert llmpar.parallel.data_parallel is data_parallel
    assert {c.__name__ for c in (DataParallel, FullySharded, ShardedOptimizer)} == {
        "DataParallel",
        "FullySharded",
        "ShardedOptimizer",
    }
    assert TokenBatches.__name__ == "TokenBatches" and callable(read_bin)
    assert Transformer.__name__ == "Transformer" and callable(build_model)
    with pytest.raises(AttributeError):
        llmpar.parallel.nothing  # noqa: B018


@pytest.mark.parametrize(
    ("name", "p", "m", "v"),
    [
        ("1f1b", 4, 8, 1),
        ("gpipe", 3, 5, 1),
        ("zb", 4, 8, 1),
        ("zb", 8, 3, 1),
        ("interleaved", 4, 8, 2),
        ("interleaved", 2, 6, 4),
    ],
)
def test_held_states_keep_every_largest_state(name, p, m, v):
    """The cost model keeps, per rank, only the states of the walk that no other exceeds; every state of the
    executor's own action list is at or under one of them, and each of them is one of its states."""
    from llmpar.pipeline.schedules import Kind, make_schedule
    from llmpar.plan.cost.footprint import _held_states

    schedule = make_schedule(name, p, m, v)
    kept = _held_states(name, p, m, v)
    for r in range(p):
        index = {c: k for k, c in enumerate(range(r, p * v, p))}
        counts, seen = [0] * (2 * v), set()
        for a in schedule.ranks[r]:
            k = index[a.chunk]
            if a.kind == Kind.F:
                counts[k] += 1
            elif a.kind == Kind.B:
                counts[k] -= 1
                counts[v + k] += name == "zb"
            elif a.kind == Kind.W:
                counts[v + k] -= 1
            else:
                continue
            seen.add(tuple(counts))
        assert set(kept[r]) <= seen
        assert all(any(all(x >= y for x, y in zip(big, state)) for big in kept[r]) for state in seen)
        assert not any(a != b and all(x >= y for x, y in zip(a, b)) for a in kept[r] for b in kept[r])

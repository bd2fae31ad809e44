"""Every candidate of `llmpar plan` carries the `llmpar train` flags that run it, and they round-trip: parsed by
train's own argument parser and validated, they give the candidate's layout, batch, model and dtype."""

import json

import pytest

from helpers import LAUNCHER_VARIABLES
from llmpar.cli import build_parser, main, train_config_from_args
from llmpar.config import validate
from llmpar.errors import UserError
from llmpar.layout import METRICS_KEYS, Layout

# A llama of 8 layers: pipelines of 2 stages with 4 virtual stages each, and tensor parallelism of 2.
EIGHT_LAYERS = {
    "arch": "llama",
    "vocab_size": 256,
    "d_model": 64,
    "n_layers": 8,
    "n_heads": 4,
    "n_kv_heads": 2,
    "d_ff": 128,
    "max_seq_len": 64,
}
CPU = ["--hardware", "cpu", "--global-batch-size", "8", "--seq-len", "64", "--top", "40"]
PLANS = {  # the first: every layout that fits
    "8 layers on 4 cpu, fp64": ["--model-config", "MODEL", "--gpus", "4", *CPU, "--dtype", "fp64", "--top", "1000"],
    "small on 4 cpu": ["--model", "small", "--gpus", "4", *CPU],
    "gpipe": ["--model", "small", "--gpus", "4", "--schedule", "gpipe", *CPU],
    "naive, m 4": ["--model", "tiny", "--gpus", "4", "--schedule", "naive", "--micro-batches", "4", *CPU],
    "llama-7b on 16 h100": ["--model", "llama-7b", "--gpus", "16", "--hardware", "h100-sxm", "--top", "40"],
    # context parallelism fixed (the first plan searches it too): all-to-all, with tp and SP on a rank's tokens
    "cp 2 all-to-all": [
        "--model-config",
        "MODEL",
        "--gpus",
        "8",
        "--cp",
        "2",
        "--cp-mode",
        "all-to-all",
        *CPU,
        "--global-batch-size",
        "2",
    ],
}


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    model = tmp_path_factory.mktemp("model") / "eight.json"
    model.write_text(json.dumps(EIGHT_LAYERS))
    out = {}
    for name, argv in PLANS.items():
        argv = [str(model) if a == "MODEL" else a for a in argv]
        out[name] = (argv, _plan_json(argv))
    return out


def _plan_json(argv: list[str]) -> dict:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["plan", *argv, "--json"]) == 0
    return json.loads(buf.getvalue())


def _layout(c: dict) -> Layout:
    """The candidate's layout, from its JSON (which gives no virtual stages: the flags must say them)."""
    return Layout(**{k: c[k] for k in METRICS_KEYS})


@pytest.mark.parametrize("name", list(PLANS))
def test_train_flags_round_trip(plans, name, monkeypatch):
    for var in LAUNCHER_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    argv, plan = plans[name]
    given = dict(zip(argv[::2], argv[1::2]))
    assert plan["candidates"]
    parser = build_parser()
    for c in plan["candidates"]:
        assert c["train_command"] == "llmpar train " + " ".join(c["train_args"])
        cfg = train_config_from_args(parser.parse_args(["train", *c["train_args"]]))
        assert cfg.device == ("cpu" if given["--hardware"] == "cpu" else None)  # (a GPU profile: train's default)
        validate(cfg)  # train runs every candidate the planner proposes
        layout = cfg.parallel_layout()
        assert layout.as_metrics() == _layout(c).as_metrics(), c["train_args"]
        if layout.schedule == "interleaved":
            assert "--virtual-stages" in c["train_args"]
        assert (cfg.model, cfg.model_config) == (
            (given["--model"], None) if "--model" in given else (None, given["--model-config"])
        )
        assert cfg.global_batch_size == c["micro_batch_size"] * c["dp"] * c["micro_batches"]
        assert cfg.global_batch_size == int(given.get("--global-batch-size", 16))
        assert cfg.seq_len == int(given.get("--seq-len", 256 if given["--hardware"] == "cpu" else 4096))
        assert cfg.dtype == given.get("--dtype", "fp32" if given["--hardware"] == "cpu" else "bf16")
    for c in plan["too_big"]:
        assert c["train_args"][:2] == argv[:2]


def test_the_plans_cover_every_choice(plans):
    """The round trip above covers every schedule, ZeRO stage, SP, recomputation and virtual-stage count."""
    seen: dict[str, set] = {}
    for _, plan in plans.values():
        for c in plan["candidates"]:
            for key in ("schedule", "zero", "sequence_parallel", "recompute", "tp", "pp", "cp", "cp_mode"):
                seen.setdefault(key, set()).add(c[key])
            args = c["train_args"]
            if "--virtual-stages" in args:
                seen.setdefault("virtual_stages", set()).add(args[args.index("--virtual-stages") + 1])
    assert seen["schedule"] == {"naive", "gpipe", "1f1b", "interleaved", "zb"}
    assert seen["zero"] == {0, 1, 2, 3}
    assert seen["sequence_parallel"] == {False, True}
    assert seen["recompute"] == {"none", "selective", "full"}
    assert seen["virtual_stages"] == {"2", "4"}
    assert {1, 2, 4} <= seen["cp"] and seen["cp_mode"] == {"ring", "all-to-all"}
    assert any(c["cp"] > 1 and c["sequence_parallel"] for _, plan in plans.values() for c in plan["candidates"])


def test_the_table_lists_each_candidates_command(capsys):
    assert main(["plan", "--model", "tiny", "--gpus", "4", "--hardware", "cpu", "--top", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    at = lines.index("the command of each:")
    commands = lines[at + 1 : at + 4]
    assert [c.split()[0] for c in commands] == ["1", "2", "3"]
    assert all(c.split(None, 1)[1].startswith("llmpar train --model tiny --dp ") for c in commands)
    assert lines[at + 4] == ""


RUN = ["--model", "tiny", "--global-batch-size", "8", "--seq-len", "32"]


@pytest.mark.parametrize(
    "fixed",
    [[], ["--pp", "2"], ["--zero", "3", "--micro-batches", "2"], ["--cp", "2", "--cp-mode", "all-to-all"]],
    ids=" ".join,
)
def test_layout_auto_runs_the_plans_auto_choice(monkeypatch, capsys, fixed):
    """`llmpar train --layout auto` on 4 processes runs the candidate that `llmpar plan --gpus 4 --hardware cpu`
    names as its choice (`auto` in the JSON: the simplest within 3% of the fastest), with the flags given fixed,
    and says so before it starts, with a runner-up from the plan's list."""
    import llmpar.launch

    for var in LAUNCHER_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    launched = []
    monkeypatch.setattr(llmpar.launch, "launch", launched.append)
    plan = _plan_json(["--gpus", "4", "--hardware", "cpu", *RUN, *fixed, "--top", "20"])
    candidates = plan["candidates"]
    first = candidates[plan["auto"]]
    assert main(["train", "--layout", "auto", "--nproc", "4", *RUN, *fixed, "--device", "cpu"]) == 0
    (cfg,) = launched
    assert cfg.layout() == _layout(first).as_metrics()
    out = capsys.readouterr().out.splitlines()

    def flags(c):
        return " ".join(c["train_args"][2 : c["train_args"].index("--global-batch-size")])

    assert out[0].startswith(f"llmpar train: --layout auto chose {flags(first)} for 4 processes on the cpu profile"), (
        out
    )
    assert f"#{plan['auto'] + 1} of `llmpar plan`'s list" in out[0], out
    assert out[1].startswith(f"  predicted: step {first['step_time_s']:.3f} s"), out
    assert out[2].startswith("  runner-up: "), out
    second = next(c for c in candidates if out[2].startswith(f"  runner-up: {flags(c)}: ") and c is not first)
    assert out[2].startswith(f"  runner-up: {flags(second)}: {second['step_time_s']:.3f} s"), out
    for flag, value in zip(fixed[::2], fixed[1::2]):
        got = getattr(cfg, flag[2:].replace("-", "_"))
        assert got == (int(value) if value.isdigit() else value)


@pytest.mark.parametrize("gpu", ["NVIDIA H100 80GB HBM3", "NVIDIA L4"])
def test_layout_auto_on_gpus_plans_with_their_profile(monkeypatch, gpu):
    """On a machine with 8 GPUs (simulated: no CUDA here), the processes are the GPUs and the profile is theirs;
    a GPU without a profile asks for --hardware."""
    import torch

    import llmpar.config
    import llmpar.plan.auto

    for var in LAUNCHER_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(llmpar.config, "_cuda_available", lambda: True)
    for module in (llmpar.config, llmpar.plan.auto):
        monkeypatch.setattr(module, "_cuda_count", lambda: 8)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: gpu)
    args = build_parser().parse_args(["train", "--layout", "auto", "--model", "llama-7b", "--dtype", "bf16"])
    if "H100" not in gpu:
        with pytest.raises(UserError, match="no profile of the GPU 'NVIDIA L4'; give --hardware NAME"):
            validate(train_config_from_args(args))
        return
    cfg = validate(train_config_from_args(args))
    assert cfg.device == "cuda" and cfg.world_size == 8
    assert cfg.layout_why.startswith("llmpar train: --layout auto chose --dp ")
    assert "for 8 processes on the h100-sxm profile" in cfg.layout_why

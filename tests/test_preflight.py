"""The memory pre-flight of `llmpar train` (llmpar/preflight.py) and the planner's CPU budget, without workers:
the prediction against its known parts, refusals with a fake MemAvailable, --force, the suggested layouts (each
predicted to fit), the torchrun node's view, and `plan --hardware cpu` dividing the machine among its processes."""

import dataclasses
import os
import re
import subprocess
import sys
import time

import pytest

import llmpar.launch
from helpers import LAUNCHER_VARIABLES
from llmpar import preflight
from llmpar.cli import main
from llmpar.config import TrainConfig, validate
from llmpar.errors import UserError
from llmpar.model.config import PRESETS
from llmpar.plan import cost
from llmpar.plan.cost import Batch, Layout, estimate, memory, params, process_memory
from llmpar.plan.hardware import PROFILES
from llmpar.plan.planner import Fixed, plan

GiB = 2**30
THIS_MACHINE_KB = 24344764  # MemAvailable of the development machine (24.7 GB, 2 cores) when idle


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """A fake machine: set(MemAvailable bytes); no cgroup limit, nothing held by the job already."""
    for var in (*LAUNCHER_VARIABLES, "GROUP_RANK"):
        monkeypatch.delenv(var, raising=False)
    meminfo = tmp_path / "meminfo"
    monkeypatch.setattr(preflight, "MEMINFO", str(meminfo))
    monkeypatch.setattr(preflight, "CGROUP_V1", str(tmp_path / "no-cgroup-v1"))
    monkeypatch.setattr(preflight, "CGROUP_V2", str(tmp_path / "no-cgroup-v2"))
    monkeypatch.setattr(preflight, "held_by_job", lambda: 0)

    def set_available(nbytes: int) -> None:
        meminfo.write_text(f"MemTotal:       99999999 kB\nMemFree:  1 kB\nMemAvailable:   {nbytes // 1024} kB\n")

    set_available(THIS_MACHINE_KB * 1024)
    return set_available


@pytest.fixture
def launched(monkeypatch):
    """Records the configs `llmpar train` would launch, instead of starting workers."""
    calls = []
    monkeypatch.setattr(llmpar.launch, "launch", lambda cfg: calls.append(cfg))
    return calls


def _refusal(capsys, argv):
    code = main(["train", *argv, "--device", "cpu"])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert "memory pre-flight" in err
    return err


def _cfg(**kw) -> TrainConfig:
    kw.setdefault("device", "cpu")
    return validate(TrainConfig(**kw))


# --- the prediction ---------------------------------------------------------------------------------------


def test_the_prediction_is_the_sum_of_its_known_parts():
    """llama-7b on one process, fp32: weights, gradients and AdamW's two moments of every parameter; the whole
    model built first with the initializer's two temporaries of its largest matrix; runtime, data, slack."""
    cfg = PRESETS["llama-7b"]
    n = cfg.num_params()
    assert n == 6_738_415_616
    batch = Batch(1, 64, "fp32")
    p = process_memory(cfg, Layout(), batch, data_bytes=1e6)
    assert (p["params"], p["grads"], p["optimizer"]) == (4 * n, 4 * n, 8 * n)
    assert p["activations"] == memory(cfg, Layout(), batch)["activations"]
    assert p["build"] == 4 * n + 2 * 4 * 32000 * 4096  # the embedding (and the head) are the largest matrices
    step = p["params"] + p["grads"] + p["optimizer"] + p["activations"] + p["temporaries"]
    slack = 1 + cost.ALLOCATOR_SLACK
    assert p["total"] == pytest.approx(cost.CPU_RUNTIME_BYTES + 1e6 + slack * max(step, p["build"]))
    # The step's temporaries: AdamW's foreach copy of the weights at the optimizer step (larger than the loss's).
    assert p["temporaries"] == pytest.approx(4 * n - p["activations"])
    # With a large batch, the loss's and a layer's gradients on top of the activations instead.
    big = process_memory(cfg, Layout(), Batch(16, 256, "fp32"))
    loss = cost.LOSS_COPIES * 16 * 256 * 32000 * 4
    layer = cost.layer_activation_bytes(cfg, 16 * 256, 256, Layout(), "fp32")
    assert big["temporaries"] == pytest.approx(loss + layer)
    # fp64 builds in fp32 and casts: 8 bytes a weight.
    assert process_memory(cfg, Layout(), Batch(16, 256, "fp64"))["build"] == 8 * n + 8 * 32000 * 4096


def test_zero_shards_state_but_not_the_build():
    cfg = PRESETS["llama-1b"]
    batch = Batch(8, 256, "fp32")
    z0 = process_memory(cfg, Layout(dp=4), batch)
    z3 = process_memory(cfg, Layout(dp=4, zero=3), batch)
    for part in ("params", "grads", "optimizer"):
        assert z3[part] == pytest.approx(z0[part] / 4)
    assert z3["build"] == z0["build"]  # every process builds the whole model before sharding it
    assert z3["total"] >= z3["build"]


def test_pipeline_stages_differ_and_the_largest_is_reported():
    cfg = PRESETS["gpt2-124m"]
    lay, batch = Layout(pp=2, micro_batches=4), Batch(8, 128, "fp32")
    first = process_memory(cfg, lay, batch, stage=0)
    last = process_memory(cfg, lay, batch, stage=1)
    assert first["activations"] > last["activations"] * 0.5 and first["total"] != last["total"]
    assert process_memory(cfg, lay, batch)["total"] == max(first["total"], last["total"])
    # a node's sum: every rank's own stage, and the launcher
    assert cost.node_memory(cfg, lay, batch) == pytest.approx(first["total"] + last["total"] + cost.CPU_LAUNCHER_BYTES)


def test_saving_checkpoints_with_zero_counts_the_gathered_state():
    cfg, batch = PRESETS["gpt2-124m"], Batch(8, 128, "fp32")
    plain = process_memory(cfg, Layout(dp=2, zero=1), batch)
    saving = process_memory(cfg, Layout(dp=2, zero=1), batch, saving=True)
    assert saving["total"] > plain["total"]
    # the two AdamW moments of every parameter, gathered whole (on a GPU: no gloo buffers on top)
    gpu = process_memory(cfg, Layout(dp=2, zero=1), batch, saving=True, device="cuda")
    assert gpu["temporaries"] + gpu["activations"] == pytest.approx(2 * 4 * cfg.num_params(), rel=0.01)


def test_on_a_cpu_zero_counts_the_gather_buffers_gloo_keeps():
    """gloo's all-gather allocates the gathered size; below glibc's mmap threshold the heap keeps it: gpt2's
    blocks (27 MiB) are kept, m337's (196 MiB) are not (measured: docs/cost-model.md)."""
    batch = Batch(8, 128, "fp32")
    gpt2 = PRESETS["gpt2-124m"]
    cpu = process_memory(gpt2, Layout(dp=2, zero=3), batch)
    gpu = process_memory(gpt2, Layout(dp=2, zero=3), batch, device="cuda")
    block = sum(params._layer_params(gpt2, 1)) * 4
    assert block < cost.MMAP_THRESHOLD
    assert cpu["temporaries"] - gpu["temporaries"] == pytest.approx(12 * block + 1024 * 768 * 4)  # + positions
    big = PRESETS["small"].__class__(
        arch="llama", vocab_size=32000, d_model=2048, n_layers=4, n_heads=16, d_ff=5632, max_seq_len=256
    )
    assert (
        process_memory(big, Layout(dp=2, zero=3), batch)["temporaries"]
        == process_memory(big, Layout(dp=2, zero=3), batch, device="cuda")["temporaries"]
    )


def test_the_default_run_and_the_test_suites_runs_are_small():
    default = preflight.predict(_cfg())
    assert default["processes"] == 2 and default["total"] < 1.6 * GiB  # measured: 1.25 GiB
    eight = preflight.predict(_cfg(model="tiny", dp=8, seq_len=32, global_batch_size=8))
    assert eight["total"] < 3.5 * GiB  # eight tiny workers and the launcher


# --- refusing, and what would fit ---------------------------------------------------------------------------


def test_llama_7b_is_refused_on_a_machine_of_this_size(machine, launched, capsys):
    err = _refusal(capsys, ["--model", "llama-7b"])
    assert not launched
    for needle in (
        "llama-7b with --dp 2",
        "2 processes, each",
        "parameters 25.1",
        "gradients 25.1",
        "optimizer state 50.2",
        "activations",
        "launcher",
        "23.2 GiB is available (MemAvailable",
        "no layout fits: every process first builds the whole model",
        "smaller model",
        "--force",
    ):
        assert needle in err, (needle, err)
    total = float(re.search(r"need ([\d.]+) GiB on this machine", err).group(1))
    assert total > 200  # two replicas of 16 bytes a parameter, and more


def test_force_runs_it_anyway_with_a_warning(machine, launched, capsys):
    assert main(["train", "--model", "llama-7b", "--force", "--device", "cpu"]) == 0
    err = capsys.readouterr().err.strip()
    assert len(launched) == 1 and launched[0].force
    assert err.startswith("llmpar train: warning: memory pre-flight:") and "running anyway (--force)" in err
    assert len(err.splitlines()) == 1


def test_fitting_runs_pass_silently(machine, launched, capsys):
    machine(4 * GiB)  # a modest machine is enough for the default run and the test suite's
    assert main(["train", "--device", "cpu"]) == 0
    assert (
        main(
            ["train", "--model", "tiny", "--dp", "8", "--seq-len", "32", "--global-batch-size", "8", "--device", "cpu"]
        )
        == 0
    )
    assert (
        main(
            [
                "train",
                "--model",
                "tiny",
                "--pp",
                "4",
                "--dp",
                "1",
                "--micro-batches",
                "4",
                "--dtype",
                "fp64",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    assert len(launched) == 3 and capsys.readouterr().err == ""


def test_a_layout_that_fits_is_suggested_and_is_itself_predicted_to_fit(machine, launched, capsys):
    argv = ["--model", "gpt2-124m", "--dp", "4", "--seq-len", "128", "--global-batch-size", "8"]
    asked = preflight.predict(_cfg(model="gpt2-124m", dp=4, seq_len=128, global_batch_size=8))["total"]
    budget = int(asked * (1 + preflight.MARGIN) * 0.97)
    machine(budget)
    err = _refusal(capsys, argv)
    assert "4 processes, each" in err and "layouts of this run predicted to fit: " in err
    suggestions = err.split("predicted to fit: ")[1].split(", or run it anyway")[0].split(" | ")
    assert 1 <= len(suggestions) <= 3
    for flags in suggestions:  # each, run as given, passes the pre-flight
        run = [
            "train",
            "--model",
            "gpt2-124m",
            "--seq-len",
            "128",
            "--global-batch-size",
            "8",
            "--device",
            "cpu",
            *flags.split(),
        ]
        assert main(run) == 0, (flags, capsys.readouterr().err)
        cfg = launched[-1]
        assert preflight.predict(cfg)["total"] * (1 + preflight.MARGIN) <= budget
    assert len(launched) == len(suggestions)


def test_when_no_layout_fits_shorter_sequences_are_offered(machine):
    """Micro-batches of one sequence are searched already; then only shorter sequences can help."""
    cfg = _cfg(model="gpt2-124m", dp=1, seq_len=1024, global_batch_size=16)
    short = _cfg(model="gpt2-124m", dp=1, seq_len=256, global_batch_size=16, micro_batches=16)
    budget = int(preflight.predict(short)["total"] * (1 + preflight.MARGIN) * 1.02)
    machine(budget)
    with pytest.raises(UserError) as e:
        preflight.check(cfg)
    msg = str(e.value)
    assert "no layout of this model and batch fits; with shorter sequences one does: --dp 1" in msg, msg
    flags = msg.split("one does: ")[1].split(", or run")[0].split()
    seq = int(flags[flags.index("--seq-len") + 1])
    m = int(flags[flags.index("--micro-batches") + 1]) if "--micro-batches" in flags else 1
    recompute = flags[flags.index("--recompute") + 1] if "--recompute" in flags else "none"
    suggested = _cfg(
        model="gpt2-124m", dp=int(flags[1]), seq_len=seq, global_batch_size=16, micro_batches=m, recompute=recompute
    )
    assert seq < 1024 and preflight.predict(suggested)["total"] * (1 + preflight.MARGIN) <= budget


def test_the_check_is_cheap(machine):
    cfg = _cfg()
    preflight.check(cfg)  # imports
    start = time.perf_counter()
    for _ in range(5):
        preflight.check(cfg)
    assert (time.perf_counter() - start) / 5 < 0.25
    start = time.perf_counter()  # a huge number of micro-batches does not make it slow
    acts = cost.activation_bytes_by_stage(PRESETS["tiny"], Layout(pp=4, micro_batches=10**6), Batch(4 * 10**6, 8))
    assert time.perf_counter() - start < 1.0 and len(acts) == 4


# --- the machine's memory -----------------------------------------------------------------------------------


def test_available_memory_sources(machine, monkeypatch, tmp_path):
    machine(10 * GiB)
    assert preflight.cpu_available() == (10 * GiB, "MemAvailable")
    v1 = tmp_path / "cg1"
    v1.mkdir()
    (v1 / "memory.limit_in_bytes").write_text(str(6 * GiB))
    (v1 / "memory.usage_in_bytes").write_text(str(3 * GiB))
    (v1 / "memory.stat").write_text(f"cache 5\ntotal_inactive_file {GiB}\n")
    monkeypatch.setattr(preflight, "CGROUP_V1", str(v1))
    assert preflight.cpu_available() == (4 * GiB, "the cgroup's memory limit")  # 6 - (3 - 1 reclaimable)
    (v1 / "memory.limit_in_bytes").write_text(str(2**63 - 4096))  # unlimited
    assert preflight.cpu_available()[1] == "MemAvailable"
    monkeypatch.setattr(preflight, "MEMINFO", str(tmp_path / "absent"))
    avail, source = preflight.cpu_available()
    assert source == "free pages" and avail > 0


def test_torchrun_workers_of_a_node_count_its_processes_and_decide_alike(machine, monkeypatch):
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "x")
    monkeypatch.setenv("WORLD_SIZE", "8")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "4")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "29500")
    totals = set()
    for rank in range(4, 8):  # the second node
        monkeypatch.setenv("RANK", str(rank))
        monkeypatch.setenv("LOCAL_RANK", str(rank - 4))
        cfg = _cfg(model="gpt2-124m", pp=2, seq_len=128, global_batch_size=8)
        assert cfg.world_size == 8 and preflight.local_ranks(cfg) == [4, 5, 6, 7]
        p = preflight.predict_layout(cfg)
        assert p.launcher == cost.CPU_LAUNCHER_BYTES  # torchrun's agent
        totals.add(round(p.total))
    assert len(totals) == 1
    # ranks 4-7 are the second pipeline stage (pp × dp × tp, tp innermost)
    layout = cfg.parallel_layout()
    stage1 = process_memory(
        cfg.model_cfg, layout, preflight._batch(cfg), stage=1, data_bytes=preflight.data_bytes(cfg)
    )["total"]
    assert totals.pop() == pytest.approx(4 * stage1 + cost.CPU_LAUNCHER_BYTES, abs=2)


def test_under_torchrun_the_budget_adds_back_what_the_nodes_workers_hold(monkeypatch):
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "x")
    monkeypatch.setattr(preflight, "_descendants", lambda root: [root, 11, 12])
    monkeypatch.setattr(preflight, "_rss", lambda pid: 100 if pid == os.getppid() else 1000)
    assert preflight.held_by_job() == 2100
    monkeypatch.delenv("TORCHELASTIC_RUN_ID")
    monkeypatch.setattr(preflight, "_rss", lambda pid: 7)
    assert preflight.held_by_job() == 7


# --- the planner on a CPU -----------------------------------------------------------------------------------


def test_plan_on_a_cpu_divides_the_machine_among_its_processes():
    cfg, batch = PRESETS["gpt2-124m"], Batch(16, 128, "fp32")
    each = process_memory(cfg, Layout(dp=4), batch)["total"]
    hw = dataclasses.replace(PROFILES["cpu"], memory_bytes=2.5 * each)
    # Each of 4 processes would fit the machine alone; together they do not.
    lay = Layout(dp=4)
    assert memory(cfg, lay, batch)["total"] < hw.memory_bytes
    assert 4 * process_memory(cfg, lay, batch)["total"] > hw.memory_bytes
    assert not estimate(cfg, lay, batch, hw).fits
    assert estimate(cfg, Layout(), batch, hw).fits
    result = plan(cfg, hw, 4, batch, Fixed(dp=4, zero=0, recompute="none"))
    assert result.fitting == 0 and result.least_need > hw.memory_bytes
    # A GPU profile keeps comparing one device's tensors with one device's memory.
    gpu = dataclasses.replace(PROFILES["h100-sxm"], memory_bytes=hw.memory_bytes)
    assert estimate(cfg, lay, batch, gpu).fits


def test_plan_cli_on_a_cpu_says_the_memory_is_shared(capsys):
    assert (
        main(
            [
                "plan",
                "--model",
                "llama-7b",
                "--gpus",
                "4",
                "--hardware",
                "cpu",
                "--global-batch-size",
                "8",
                "--seq-len",
                "256",
            ]
        )
        == 1  # nothing fits
    )
    out, err = capsys.readouterr()
    assert "0 fit in 24 GiB (the machine's, shared by its processes)" in out
    assert "does not fit: its processes on a machine need" in out and "more than the machine's 24 GiB" in out
    assert "no layout fits in the 24 GiB of a machine shared by its processes" in err


# --- the real command ---------------------------------------------------------------------------------------


def _mem_available() -> int:
    try:
        return preflight.cpu_available()[0] or 0
    except Exception:  # noqa: BLE001
        return 0


@pytest.mark.skipif(_mem_available() > 150 * GiB, reason="this machine could hold llama-7b's training")
def test_the_real_command_refuses_llama_7b_at_once():
    start = time.time()
    proc = subprocess.run(
        [sys.executable, "-m", "llmpar", "train", "--model", "llama-7b", "--device", "cpu"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("llmpar train: error: memory pre-flight: llama-7b") and "--force" in lines[0]
    assert proc.stdout == ""
    assert time.time() - start < 40  # not the 51 s the OOM killer took (importing torch is most of it)


# --- on GPUs (faked: no GPU needed) -------------------------------------------------------------------------


def test_on_gpus_each_process_is_compared_with_its_device(machine, monkeypatch, launched, capsys):
    import torch

    import llmpar.config

    monkeypatch.setattr(llmpar.config, "_cuda_available", lambda: True)
    monkeypatch.setattr(llmpar.config, "_cuda_count", lambda: 8)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "NVIDIA H100 80GB HBM3")
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda i: type("P", (), {"total_memory": 80 * GiB})())
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda i=0: (79 * GiB, 80 * GiB))
    argv = [
        "train",
        "--model",
        "llama-7b",
        "--dp",
        "8",
        "--device",
        "cuda",
        "--seq-len",
        "1024",
        "--global-batch-size",
        "8",
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "on cuda:0 (rank 0:" in err and "cuda:0 has 80.0 GiB in all" in err, err
    fits = err.split("predicted to fit: ")[1].split(", or run it anyway")[0].split(" | ")
    assert fits and all("--zero" in f or "--tp" in f or "--pp" in f for f in fits), fits
    suggested = fits[0].split()
    assert suggested[0] == "--dp", fits[0]  # each alternative names its whole layout: it replaces --dp 8
    at = argv.index("--dp")
    assert main(argv[:at] + argv[at + 2 :] + suggested) == 0, capsys.readouterr().err
    cfg = launched[-1]
    assert preflight.predict(cfg)["per_process"] * (1 + preflight.MARGIN) <= 80 * GiB
    # No host-memory or launcher terms on a GPU; the whole model is built on each device before it is cut.
    p = preflight.predict(cfg)["parts"]
    assert p["data"] == 0 and p["build"] == 4 * PRESETS["llama-7b"].num_params()

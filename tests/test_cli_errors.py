"""Bad input ends with one line naming the flag and a fix, status 2, before any worker starts."""

import json
import subprocess
import sys

import pytest

import llmpar.launch
from llmpar.cli import main


@pytest.fixture
def no_launch(monkeypatch):
    def forbidden(cfg):
        raise AssertionError("a worker would have started")
    monkeypatch.setattr(llmpar.launch, "launch", forbidden)
    for var in ("TORCHELASTIC_RUN_ID", "RANK", "WORLD_SIZE", "MASTER_ADDR", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)


def _error(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


CASES = [
    (["--global-batch-size", "10", "--dp", "4"], ["--global-batch-size 10", "8 or 12"]),
    (["--global-batch-size", "8", "--dp", "2", "--micro-batches", "3"], ["dp × micro-batches", "6 or 12"]),
    (["--model", "gpt3"], ["--model", "unknown preset 'gpt3'", "tiny"]),
    (["--model", "smal"], ["did you mean 'small'"]),
    (["--data", "/no/such/place"], ["--data", "no such file"]),
    (["--model", "tiny", "--seq-len", "129"], ["--seq-len 129", "max_seq_len 128", "--seq-len 128 or less"]),
    (["--dp", "0"], ["--dp", "positive"]),
    (["--zero", "4"], ["--zero", "0, 1, 2, 3"]),
    (["--dtype", "fp16"], ["--dtype", "fp32, bf16, fp64"]),
    (["--lr-schedule", "linear"], ["--lr-schedule", "cosine, constant"]),
    (["--model", "tiny", "--model-config", "x.json"], ["--model", "--model-config", "not both"]),
    (["--steps", "0"], ["--steps", "positive"]),
    (["--device", "tpu"], ["--device", "cpu, cuda"]),
]


@pytest.mark.parametrize("argv,needles", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_flags(no_launch, capsys, argv, needles):
    err = _error(capsys, ["train", *argv])
    for needle in needles:
        assert needle in err, (needle, err)


def test_a_malformed_number_is_one_line_from_the_parser(no_launch, capsys):
    with pytest.raises(SystemExit) as e:
        main(["train", "--steps", "many"])
    err = capsys.readouterr().err.strip()
    assert e.value.code == 2 and len(err.splitlines()) == 1
    assert "--steps: invalid int value: 'many'" in err and "--help" in err


def test_world_size_must_match_an_outside_torchrun(no_launch, capsys, monkeypatch):
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "x")
    monkeypatch.setenv("WORLD_SIZE", "4")
    err = _error(capsys, ["train", "--dp", "2"])
    assert "needs 2 processes but torchrun started 4" in err and "leave --dp out" in err


def test_model_config_file_errors(no_launch, capsys, tmp_path):
    bad_key = tmp_path / "a.json"
    bad_key.write_text(json.dumps({"arch": "llama", "vocab_size": 256, "d_model": 64, "n_layers": 2,
                                   "n_heads": 4, "d_ff": 128, "max_seq_len": 64, "hidden": 3}))
    assert "unknown key(s) hidden" in _error(capsys, ["train", "--model-config", str(bad_key)])
    heads = tmp_path / "b.json"
    heads.write_text(json.dumps({"arch": "llama", "vocab_size": 256, "d_model": 64, "n_layers": 2,
                                 "n_heads": 5, "d_ff": 128, "max_seq_len": 64}))
    assert "not divisible by n_heads=5" in _error(capsys, ["train", "--model-config", str(heads)])
    small_vocab = tmp_path / "c.json"
    small_vocab.write_text(json.dumps({"arch": "gpt2", "vocab_size": 100, "d_model": 64, "n_layers": 2,
                                       "n_heads": 4, "d_ff": 128, "max_seq_len": 64}))
    assert "vocab_size >= 256" in _error(capsys, ["train", "--model-config", str(small_vocab)])
    garbage = tmp_path / "d.json"
    garbage.write_text("{not json")
    assert "not valid JSON" in _error(capsys, ["train", "--model-config", str(garbage)])


def test_too_little_data(no_launch, capsys, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("too short")
    err = _error(capsys, ["train", "--data", str(text), "--model", "tiny", "--seq-len", "32"])
    assert "--data holds 9 tokens" in err and "shorter --seq-len" in err


def test_zero_needs_replicas(no_launch, capsys):
    err = _error(capsys, ["train", "--dp", "1", "--zero", "2"])
    assert "--zero 2" in err and "--dp 2 or more" in err


def test_unsupported_layouts_say_so(no_launch, capsys):
    for flags in (["--recompute", "full"], ["--pp", "2", "--dp", "2", "--zero", "3", "--schedule", "zb"]):
        assert "not in this version" in _error(capsys, ["train", *flags])


def test_pipeline_requests_that_cannot_run(no_launch, capsys):
    err = _error(capsys, ["train", "--model", "tiny", "--pp", "4", "--schedule", "interleaved", "--micro-batches", "4"])
    assert "too few for 8 pipeline chunks" in err and "--virtual-stages" in err
    err = _error(capsys, ["train", "--pp", "2", "--schedule", "interleaved", "--micro-batches", "3",
                          "--global-batch-size", "12"])
    assert "--micro-batches 3 is not a multiple of --pp 2" in err and "2 or 4" in err
    assert "needs --pp 2 or more" in _error(capsys, ["train", "--schedule", "zb"])
    assert "use 2 or more" in _error(capsys, ["train", "--pp", "2", "--schedule", "interleaved",
                                              "--virtual-stages", "1", "--micro-batches", "2"])
    assert "one of naive, gpipe" in _error(capsys, ["train", "--pp", "2", "--schedule", "pipedream"])


def test_the_real_command_prints_one_line_and_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "llmpar", "train", "--global-batch-size", "7", "--dp", "2"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("llmpar train: error: --global-batch-size 7 is not divisible by dp × "
                                   "micro-batches = 2 × 1 = 2; use 6 or 8, or change --dp/--micro-batches")
    assert proc.stdout == ""


def test_tensor_parallel_shapes_that_do_not_split(no_launch, capsys, tmp_path):
    small_kv = ["--model", "tiny"]  # 4 heads, 2 kv heads, d_ff 176
    err = _error(capsys, ["train", *small_kv, "--tp", "4"])
    assert "n_kv_heads=2 is not divisible by 4" in err and "--tp values that fit this model: 1, 2" in err
    err = _error(capsys, ["train", *small_kv, "--tp", "8"])
    assert "more than the model's 4 attention heads" in err
    odd_ff = tmp_path / "m.json"
    odd_ff.write_text(json.dumps({"arch": "llama", "vocab_size": 256, "d_model": 64, "n_layers": 2,
                                  "n_heads": 4, "d_ff": 130, "max_seq_len": 64}))
    assert "d_ff=130 is not divisible by 4" in _error(capsys, ["train", "--model-config", str(odd_ff), "--tp", "4"])
    err = _error(capsys, ["train", *small_kv, "--tp", "2", "--sequence-parallel", "--seq-len", "33"])
    assert "--seq-len 33 is not divisible by 2" in err and "32 or 34" in err
    assert "needs --tp 2 or more" in _error(capsys, ["train", "--sequence-parallel"])
    assert "give --sequence-parallel with it" in _error(capsys, ["train", "--tp", "2", "--sp-save-gathered"])

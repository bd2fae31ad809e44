"""Bad input ends with one line naming the flag and a fix, status 2, before any worker starts."""

import json
import math
import os
import shutil
import subprocess
import sys

import pytest

from llmpar.cli import main

# What torchrun sets for rank 0 of 2.
TORCHRUN = {
    "TORCHELASTIC_RUN_ID": "x",
    "WORLD_SIZE": "2",
    "RANK": "0",
    "LOCAL_RANK": "0",
    "MASTER_ADDR": "127.0.0.1",
    "MASTER_PORT": "29500",
}
# A small valid --model-config; the cases change a field or two.
MODEL_CONFIG = {
    "arch": "llama",
    "vocab_size": 256,
    "d_model": 64,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 128,
    "max_seq_len": 64,
}


def _model_file(path, **change) -> str:
    """Write MODEL_CONFIG with CHANGE to PATH; its path."""
    path.write_text(json.dumps({**MODEL_CONFIG, **change}))
    return str(path)


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
    # --micro-batch-size: sequences per micro-batch per replica, instead of --micro-batches.
    (
        ["--global-batch-size", "8", "--dp", "2", "--micro-batch-size", "3"],
        ["--micro-batch-size 3 does not divide the 4 sequences of each replica", "use --micro-batch-size 1 or 2 or 4"],
    ),
    (
        ["--global-batch-size", "8", "--dp", "2", "--micro-batch-size", "2", "--micro-batches", "4"],
        ["--micro-batches 4 and --micro-batch-size 2 disagree", "make 2 micro-batches of 2", "give one of the two"],
    ),
    (
        ["--global-batch-size", "8", "--dp", "3", "--micro-batch-size", "2"],
        ["--global-batch-size 8 does not divide among the 3 data-parallel replicas", "6 or 9"],
    ),
    (["--micro-batch-size", "0"], ["--micro-batch-size must be positive, got 0"]),
    (["--micro-batch-size", "-2", "--micro-batches", "2"], ["--micro-batch-size must be positive, got -2"]),
    (
        ["--layout", "auto", "--nproc", "4", "--global-batch-size", "8", "--micro-batch-size", "3"],
        ["--layout auto on 4 processes", "--micro-batch-size 3 divides no replica's share of the batch"],
    ),
    (["--model", "gpt3"], ["--model", "unknown preset 'gpt3'", "tiny"]),
    (["--model", "smal"], ["did you mean 'small'"]),
    (["--data", "/no/such/place"], ["--data", "no such file"]),
    (["--model", "tiny", "--seq-len", "129"], ["--seq-len 129", "max_seq_len 128", "--seq-len 128 or less"]),
    (["--dp", "0"], ["--dp", "positive"]),
    (["--zero", "4"], ["--zero", "0, 1, 2, 3"]),
    (["--dtype", "fp16"], ["--dtype", "fp32, bf16, fp64"]),
    (["--recompute", "bogus"], ["--recompute", "none, selective, full"]),
    (
        ["--dtype", "fp64", "--reduce-dtype", "fp32"],
        ["--reduce-dtype fp32 with --dtype fp64", "leave --reduce-dtype out"],
    ),
    (["--reduce-dtype", "bf16"], ["--reduce-dtype bf16 with --dtype fp32", "leave --reduce-dtype out"]),
    (["--dtype", "bf16", "--reduce-dtype", "fp64"], ["--reduce-dtype fp64 with --dtype bf16", "bf16 or fp32"]),
    (["--lr-schedule", "linear"], ["--lr-schedule", "cosine, constant"]),
    (["--model", "tiny", "--model-config", "x.json"], ["--model", "--model-config", "not both"]),
    (["--steps", "0"], ["--steps", "positive"]),
    (["--device", "tpu"], ["--device", "cpu, cuda"]),
    # --layout auto and --nproc.
    (["--layout", "manual"], ["--layout manual", "the one value is auto", "--dp/--tp/--pp"]),
    (["--layout", "auto", "--nproc", "4", "--dp", "3"], ["--dp 3", "4 processes (--nproc 4)", "--dp 1 or 2 or 4"]),
    (
        ["--layout", "auto", "--nproc", "4", "--dp", "2", "--tp", "1", "--pp", "1", "--cp", "1"],
        ["= 2 processes", "leave one"],
    ),
    (["--layout", "auto", "--nproc", "4", "--dp", "2", "--tp", "4"], ["= 8 processes", "the run has 4"]),
    (
        ["--layout", "auto", "--nproc", "4", "--model", "tiny", "--pp", "4", "--schedule", "interleaved"],
        ["--layout auto on 4 processes", "no layout can run", "too few for 8 pipeline chunks"],
    ),
    (["--layout", "auto", "--zero", "5"], ["--zero", "0, 1, 2, 3"]),
    (["--layout", "auto", "--sp-save-gathered"], ["--sp-save-gathered with --layout auto", "leave it out"]),
    (["--layout", "auto", "--hardware", "h900"], ["--hardware", "did you mean 'h200'"]),
    (["--layout", "auto", "--hardware", "cpu", "--hardware-config", "x.json"], ["not both"]),
    (["--hardware", "cpu"], ["--hardware is the profile --layout auto plans with", "give --layout auto"]),
    (["--nproc", "0"], ["--nproc", "positive"]),
    (["--nproc", "4", "--dp", "3"], ["--dp 3 --tp 1 --pp 1 is 3 processes, not --nproc 4", "leave --dp out"]),
    (["--nproc", "3", "--tp", "2"], ["--nproc 3 is not divisible by --tp 2", "--nproc 2 or 4"]),
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
    for var, value in {**TORCHRUN, "WORLD_SIZE": "4"}.items():
        monkeypatch.setenv(var, value)
    err = _error(capsys, ["train", "--dp", "2"])
    assert "needs 2 processes but torchrun started 4" in err and "leave --dp out" in err
    assert "--nproc 2, but torchrun started 4" in _error(capsys, ["train", "--nproc", "2"])
    err = _error(capsys, ["train", "--layout", "auto", "--tp", "3"])
    assert "--tp 3: the run has 4 processes (the processes torchrun started)" in err


def test_model_config_file_errors(no_launch, capsys, tmp_path):
    bad_key = _model_file(tmp_path / "a.json", hidden=3)
    assert "unknown key(s) hidden" in _error(capsys, ["train", "--model-config", bad_key])
    heads = _model_file(tmp_path / "b.json", n_heads=5)
    assert "not divisible by n_heads=5" in _error(capsys, ["train", "--model-config", heads])
    small_vocab = _model_file(tmp_path / "c.json", arch="gpt2", vocab_size=100)
    assert "vocab_size >= 256" in _error(capsys, ["train", "--model-config", small_vocab])
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


def test_pipeline_requests_that_cannot_run(no_launch, capsys):
    err = _error(capsys, ["train", "--model", "tiny", "--pp", "4", "--schedule", "interleaved", "--micro-batches", "4"])
    assert "too few for 8 pipeline chunks" in err and "--virtual-stages" in err
    err = _error(
        capsys, ["train", "--pp", "2", "--schedule", "interleaved", "--micro-batches", "3", "--global-batch-size", "12"]
    )
    assert "--micro-batches 3 is not a multiple of --pp 2" in err and "2 or 4" in err
    assert "needs --pp 2 or more" in _error(capsys, ["train", "--schedule", "zb"])
    assert "use 2 or more" in _error(
        capsys, ["train", "--pp", "2", "--schedule", "interleaved", "--virtual-stages", "1", "--micro-batches", "2"]
    )
    assert "one of naive, gpipe" in _error(capsys, ["train", "--pp", "2", "--schedule", "pipedream"])


def test_the_real_command_prints_one_line_and_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "llmpar", "train", "--global-batch-size", "7", "--dp", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "llmpar train: error: --global-batch-size 7 is not divisible by dp × "
        "micro-batches = 2 × 1 = 2; use 6 or 8, or change --dp/--micro-batches"
    )
    assert proc.stdout == ""


def test_tensor_parallel_shapes_that_do_not_split(no_launch, capsys, tmp_path):
    small_kv = ["--model", "tiny"]  # 4 heads, 2 kv heads, d_ff 176
    err = _error(capsys, ["train", *small_kv, "--tp", "4"])
    assert "n_kv_heads=2 is not divisible by 4" in err and "--tp values that fit this model: 1, 2" in err
    err = _error(capsys, ["train", *small_kv, "--tp", "8"])
    assert "more than the model's 4 attention heads" in err
    odd_ff = _model_file(tmp_path / "m.json", d_ff=130)
    assert "d_ff=130 is not divisible by 4" in _error(capsys, ["train", "--model-config", odd_ff, "--tp", "4"])
    err = _error(capsys, ["train", *small_kv, "--tp", "2", "--sequence-parallel", "--seq-len", "33"])
    assert "--seq-len 33 is not divisible by 2" in err and "32 or 34" in err
    assert "needs --tp 2 or more" in _error(capsys, ["train", "--sequence-parallel"])
    assert "give --sequence-parallel with it" in _error(capsys, ["train", "--tp", "2", "--sp-save-gathered"])


def test_context_parallel_shapes_that_do_not_split(no_launch, capsys, tmp_path):
    tiny = ["--model", "tiny"]  # 4 heads, 2 kv heads
    err = _error(capsys, ["train", *tiny, "--cp", "2", "--seq-len", "30"])
    assert "--seq-len 30 cannot be split over --cp 2" in err and "multiple of 4 (28 or 32 would work)" in err
    err = _error(capsys, ["train", *tiny, "--cp", "4", "--cp-mode", "all-to-all", "--seq-len", "32"])
    assert "the model has 4 query heads and 2 key/value heads" in err and "--cp-mode ring" in err
    err = _error(capsys, ["train", *tiny, "--cp", "2", "--tp", "2", "--cp-mode", "all-to-all", "--seq-len", "32"])
    assert "each of the --tp 2 ranks holds 2 query heads and 1 key/value heads" in err
    four_kv = _model_file(tmp_path / "m.json", n_heads=4, n_kv_heads=4, d_ff=128)
    argv = ["train", "--model-config", four_kv, "--cp", "2", "--tp", "4", "--sequence-parallel", "--seq-len", "36"]
    err = _error(capsys, argv)
    assert "gives each rank 18 tokens" in err and "--tp 4" in err and "multiple of 8 (32 or 40)" in err
    assert "'bogus' is not one of ring, all-to-all" in _error(capsys, ["train", "--cp", "2", "--cp-mode", "bogus"])
    assert "--cp" in _error(capsys, ["train", "--cp", "0"])
    err = _error(capsys, ["train", *tiny, "--cp", "2", "--tp", "2", "--nproc", "6", "--seq-len", "32"])
    assert "--tp 2 × --pp 1 × --cp 2" in err and "--tp/--pp/--cp" in err


# --- Bad files, values and places: each case makes its inputs under tmp_path and gives the command line -------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A small llmpar checkpoint (as `convert` writes one, with a training header) and a Hugging Face folder."""
    from llmpar.checkpoint.convert import write_layout
    from llmpar.checkpoint.hf import write_hf
    from llmpar.model import PRESETS, build_model

    root = tmp_path_factory.mktemp("saved")
    cfg = PRESETS["tiny"]
    state = build_model(cfg, seed=0).state_dict()
    header = {"train": {"seed": 0, "global_batch_size": 8, "seq_len": 32, "optimizer_steps": 3}, "rng": {}}
    ck = write_layout(str(root / "ck"), cfg, state, 3, header, 1, 1, 1, 0)
    write_hf(str(root / "hf"), cfg, state)
    return {"ck": ck, "hf": str(root / "hf")}


def test_generate_and_eval_refuse_a_context_parallel_layout_that_does_not_split(saved, no_launch, capsys):
    """The tiny model: 4 query heads, 2 key/value heads; its run's sequences are 32 tokens."""
    generate = ["generate", saved["ck"], "--prompt", "def "]
    err = _error(capsys, [*generate, "--cp", "4", "--cp-mode", "all-to-all"])
    assert "the model has 4 query heads and 2 key/value heads" in err and "--cp-mode ring" in err
    err = _error(capsys, [*generate, "--cp", "2", "--tp", "2", "--cp-mode", "all-to-all"])
    assert "each of the --tp 2 ranks holds 2 query heads and 1 key/value heads" in err
    assert "'bogus' is not one of ring, all-to-all" in _error(capsys, [*generate, "--cp", "2", "--cp-mode", "bogus"])
    assert "--cp must be a positive integer" in _error(capsys, [*generate, "--cp", "0"])
    err = _error(capsys, ["eval", saved["ck"], "--cp", "3"])
    assert "--seq-len 32 cannot be split over --cp 3" in err and "(30 or 36 would work)" in err


def _copy(tmp_path, src: str, name: str):
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def _edit_json(path, edit):
    data = json.loads(path.read_text())
    data = edit(data) or data
    path.write_text(data if isinstance(data, str) else json.dumps(data))  # a string: the file's new text


def _manifest(edit, flag="--init", command=("train",)):
    """A copy of the checkpoint whose manifest `edit` changed (in place, or by returning a new one)."""

    def setup(tmp_path, saved, monkeypatch):
        ck = _copy(tmp_path, saved["ck"], "step_000003")
        _edit_json(ck / "manifest.json", lambda m: edit(m, ck))
        return [*command, flag, str(ck)] if flag else [*command, str(ck), str(tmp_path / "out")]

    return setup


def _first_piece(m):
    return m["tensors"]["tok_emb.weight"]["pieces"][0]


def _rename_file(new):
    def edit(m, ck):
        m["files"] = {new: m["files"]["rank00000.safetensors"]}
        for t in m["tensors"].values():
            for p in t["pieces"]:
                p["file"] = new

    return edit


def _set(path, value):
    """An edit that sets m[path[0]][path[1]]... = value."""

    def edit(m, ck):
        d = m
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value

    return edit


def _symlink_out(m, ck):
    outside = ck.parent / "elsewhere.safetensors"
    shutil.copy(ck / "rank00000.safetensors", outside)  # the same bytes: size and checksum match
    os.remove(ck / "rank00000.safetensors")
    os.symlink(outside, ck / "rank00000.safetensors")


def _damaged_header(m, ck):
    """A safetensors file whose header is garbage, with a manifest that agrees (so the checksum passes)."""
    from llmpar.checkpoint.format import sha256

    f = ck / "rank00000.safetensors"
    data = bytearray(f.read_bytes())
    data[8:16] = b"\xff" * 8
    f.write_bytes(bytes(data))
    m["files"]["rank00000.safetensors"]["sha256"] = sha256(str(f))


def _hf(edit, command=("train", "--init")):
    def setup(tmp_path, saved, monkeypatch):
        hf = _copy(tmp_path, saved["hf"], "hf")
        _edit_json(hf / "config.json", edit)
        return [*command, str(hf)]

    return setup


def _hf_damaged(tmp_path, saved, monkeypatch):
    hf = _copy(tmp_path, saved["hf"], "hf")
    (hf / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not a header}  ")
    return ["convert", str(hf), str(tmp_path / "out")]


def _model_config(**change):
    def setup(tmp_path, saved, monkeypatch):
        return ["train", "--model-config", _model_file(tmp_path / "m.json", **change)]

    return setup


def _file_at(name, content: bytes | None = b"x", folder=False):
    """Make tmp_path/name (a file with `content`, or a folder); the setup returns its path."""

    def make(tmp_path):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if folder:
            path.mkdir()
        elif content is not None:
            path.write_bytes(content)
        return str(path)

    return make


def _argv(*parts):
    """A setup whose argv parts may be callables of tmp_path (that make a file and return its path)."""

    def setup(tmp_path, saved, monkeypatch):
        return [p(tmp_path) if callable(p) else p for p in parts]

    return setup


def _checkpoints_at(name):
    """A folder holding a complete checkpoint (step 3) of some run."""

    def make(tmp_path):
        (tmp_path / name / "step_000003").mkdir(parents=True)
        (tmp_path / name / "step_000003" / "manifest.json").write_text("{}")
        return str(tmp_path / name)

    return make


def _data(name, make):
    def setup(tmp_path, saved, monkeypatch):
        make(tmp_path / name)
        return ["train", "--model", "tiny", "--data", str(tmp_path / name)]

    return setup


def _raw_ids(ids):
    import numpy as np

    return lambda path: path.write_bytes(np.asarray(ids, dtype=np.uint16).tobytes())


def _bin(ids, vocab):
    from llmpar.data import write_bin

    return lambda path: write_bin(str(path), ids, vocab)


def _binary_folder(path):
    path.mkdir()
    (path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))


def _env_argv(variables, *argv):
    def setup(tmp_path, saved, monkeypatch):
        for var, value in variables.items():
            monkeypatch.setenv(var, value)
        return list(argv)

    return setup


def _env(**variables):
    return _env_argv(variables, "train", "--model", "tiny")


def _metrics(*lines: bytes | str):
    def make(tmp_path):
        path = tmp_path / "metrics.jsonl"
        path.write_bytes(b"\n".join(x.encode() if isinstance(x, str) else x for x in lines) + b"\n")
        return str(path)

    return make


def _hardware(edit):
    def make(tmp_path):
        from llmpar.plan.hardware import PROFILES, save_hardware

        path = tmp_path / "hw.json"
        save_hardware(PROFILES["h100-sxm"], str(path))
        text = json.dumps(edit(json.loads(path.read_text())))
        path.write_text(text)
        return str(path)

    return make


def _hw(key_path, value):
    def edit(d):
        node = d
        for k in key_path[:-1]:
            node = node[k]
        if value is KeyError:
            del node[key_path[-1]]
        else:
            node[key_path[-1]] = value
        return d

    return _hardware(edit)


PLAN = ["plan", "--model", "tiny", "--gpus", "4"]
GOOD_TEXT = _file_at("corpus.txt", b"def f(x):\n    return x\n" * 50)
UNDER_A_FILE = "a_file/inside"


def _under_a_file(leaf):
    def make(tmp_path):
        (tmp_path / "a_file").write_text("I am a file")
        return str(tmp_path / "a_file" / leaf)

    return make


# fmt: off
BAD_INPUTS = [
    # Checkpoint manifests (--init reads only the manifest and checks every file; convert reads the tensors).
    ("manifest is a list", _manifest(lambda m, ck: [m]),
     ["manifest.json: the top level must be an object, not a list"]),
    ("manifest without files", _manifest(lambda m, ck: m.pop("files") and None), ["files is missing"]),
    ("manifest without tensors", _manifest(lambda m, ck: m.pop("tensors") and None), ["tensors is missing"]),
    ("manifest step a string", _manifest(_set(["step"], "3")), ["step must be an integer 0 or more, got '3'"]),
    ("manifest files a list", _manifest(lambda m, ck: {**m, "files": list(m["files"])}),
     ["files must be an object, not a list"]),
    ("manifest bytes a string", _manifest(_set(["files", "rank00000.safetensors", "bytes"], "1000")),
     ["files['rank00000.safetensors'].bytes must be an integer"]),
    ("manifest checksum short", _manifest(_set(["files", "rank00000.safetensors", "sha256"], "abc")),
     [".sha256 must be 64 lowercase hexadecimal digits"]),
    ("manifest shape a string", _manifest(_set(["tensors", "tok_emb.weight", "shape"], "256x64")),
     ["tensors['tok_emb.weight'].shape must be a list of integers"]),
    ("manifest unknown dtype", _manifest(_set(["tensors", "tok_emb.weight", "dtype"], "complex128")),
     ["tensors['tok_emb.weight'].dtype is 'complex128'"]),
    ("manifest pieces an object", _manifest(_set(["tensors", "tok_emb.weight", "pieces"], {})),
     ["tensors['tok_emb.weight'].pieces must be a non-empty list"]),
    ("manifest piece in an unlisted file", _manifest(lambda m, ck: _first_piece(m).update(file="other.safetensors")),
     ["pieces[0].file names 'other.safetensors', which is not in \"files\""]),
    ("manifest piece outside the shape", _manifest(lambda m, ck: _first_piece(m).update(stop=[999, 64])),
     ["pieces[0].stop [999, 64] lies outside the tensor's shape [256, 64]"]),
    (
        "manifest piece starts after it stops",
        _manifest(lambda m, ck: _first_piece(m).update(start=[10, 0], stop=[5, 64])),
        ["starts after it stops"],
    ),
    ("manifest piece of another rank", _manifest(lambda m, ck: _first_piece(m).update(start=[0])),
     ["pieces[0].start has 1 entries but the tensor has 2 dimensions"]),
    ("manifest piece negative", _manifest(lambda m, ck: _first_piece(m).update(start=[-1, 0])),
     ["pieces[0].start must be a list of integers 0 or more"]),
    ("manifest file ..", _manifest(_rename_file("../rank00000.safetensors")),
     ["files['../rank00000.safetensors'] is not a plain file name"]),
    ("manifest file absolute", _manifest(_rename_file("/etc/passwd")),
     ["files['/etc/passwd'] is not a plain file name"]),
    ("manifest file in a subfolder", _manifest(_rename_file("sub/rank00000.safetensors")),
     ["is not a plain file name"]),
    ("manifest file a link out", _manifest(_symlink_out),
     ["rank00000.safetensors leads outside the checkpoint folder"]),
    ("manifest model a list", _manifest(_set(["model"], [])), ["model must be an object, not a list"]),
    ("manifest model eps a string", _manifest(_set(["model", "norm_eps"], "1e-5")),
     ["--init", 'norm_eps must be a positive number, got "1e-5"']),
    ("manifest newer version", _manifest(_set(["version"], 99)), ["version is 99"]),
    ("manifest not JSON", _manifest(lambda m, ck: '{"format": "llmpar-checkpoint", '), ["cannot read manifest.json"]),
    ("resume weights only", _manifest(_set(["train"], {"seed": 0, "optimizer_steps": 0}), flag="--resume"),
     ["no training state", "--init instead"]),
    ("resume no such folder", _argv("train", "--resume", "/no/such/checkpoint"),
     ["--resume: /no/such/checkpoint: no such folder", "!--resume/--init", "!--resume: --resume"]),
    ("convert damaged safetensors header", _manifest(_damaged_header, flag=None, command=("convert",)),
     ["rank00000.safetensors is not a readable safetensors file"]),
    # Hugging Face folders.
    ("hf config without hidden_size", _hf(lambda c: c.pop("hidden_size") and None),
     ["config.json: the key 'hidden_size' is missing"]),
    ("hf config eps a string", _hf(lambda c: c.update(rms_norm_eps="1e-5")),
     ['config.json: rms_norm_eps must be a positive number, got "1e-5"']),
    ("hf config tie a string", _hf(lambda c: c.update(tie_word_embeddings="no")),
     ['tie_word_embeddings must be true or false, got "no"']),
    ("hf config vocab a float", _hf(lambda c: c.update(vocab_size=256.0)), ["vocab_size must be a positive integer"]),
    ("hf config layers null", _hf(lambda c: c.update(num_hidden_layers=None)), ["'num_hidden_layers' is missing"]),
    ("hf damaged safetensors", _hf_damaged, ["model.safetensors: not a readable safetensors file"]),
    # convert's destination.
    ("convert into a file", lambda t, s, m: ["convert", s["ck"], _file_at("out")(t)], ["a file is in the way"]),
    ("convert under a file", lambda t, s, m: ["convert", s["ck"], _under_a_file("out")(t)],
     ["is a file, not a folder"]),
    ("convert to hf over an export", lambda t, s, m: ["convert", s["ck"], str(_copy(t, s["hf"], "old")), "--to", "hf"],
     ["already holds a model", "give another destination or remove it"]),
    (
        "convert over a step",
        lambda t, s, m: ["convert", s["hf"], os.path.dirname(_file_at("out/step_000000", folder=True)(t))],
        ["step_000000 already exists; give another destination or remove it"],
    ),
    ("convert --tp 0", lambda t, s, m: ["convert", s["ck"], str(t / "out"), "--tp", "0"],
     ["--tp 0: must be 1 or more"]),
    ("convert --to onnx", lambda t, s, m: ["convert", s["ck"], str(t / "out"), "--to", "onnx"],
     ["not one of llmpar, hf"]),
    ("convert from nowhere", _argv("convert", "/no/such/src", "/tmp/whatever"), ["no such folder '/no/such/src'"]),
    ("convert onto itself", lambda t, s, m: ["convert", s["ck"], s["ck"]], ["must differ from the source"]),
    # Data.
    ("data empty .bin", _data("t.bin", lambda p: p.write_bytes(b"")), ["t.bin: the file is empty"]),
    ("data .bin a folder", _data("t.bin", lambda p: p.mkdir()), ["t.bin: a folder"]),
    ("data id beyond the vocabulary", _data("t.bin", _raw_ids([1, 2, 300] * 2000)),
     ["token id 300", "t.bin", "vocab_size 256"]),
    ("data header understates the ids", _data("t.bin", _bin([1, 2, 400] * 2000, 256)), ["token id 400"]),
    ("data .bin of no tokens", _data("t.bin", _bin([], 256)), ["holds no tokens"]),
    ("data folder of binaries", _data("bin", _binary_folder), ["holds no text files (2 skipped"]),
    # --model-config values.
    ("model eps a string", _model_config(norm_eps="1e-5"), ['norm_eps must be a positive number, got "1e-5"']),
    ("model d_model null", _model_config(d_model=None), ["d_model must be a positive integer, got null"]),
    ("model layers a float", _model_config(n_layers=2.0), ["n_layers must be a positive integer, got 2.0"]),
    ("model tie a string", _model_config(tie_embeddings="no"), ['tie_embeddings must be true or false, got "no"']),
    ("model heads a boolean", _model_config(n_heads=True), ["n_heads must be a positive integer, got true"]),
    ("model eps NaN", _model_config(norm_eps=math.nan), ["norm_eps must be a positive number, got NaN"]),
    ("model theta infinite", _model_config(rope_theta=math.inf), ["rope_theta must be a positive number"]),
    ("model arch a number", _model_config(arch=3), ["arch must be a string (llama or gpt2), got 3"]),
    ("model kv heads null", _model_config(n_kv_heads=None), ["n_kv_heads must be a positive integer, got null"]),
    ("model config a list", _argv("train", "--model-config", _file_at("m.json", b"[1, 2]")),
     ["expected a JSON object"]),
    # Float flags.
    ("lr nan", _argv("train", "--lr", "nan"), ["--lr must be positive and finite, got nan"]),
    ("lr inf", _argv("train", "--lr", "inf"), ["--lr must be positive and finite, got inf"]),
    ("weight decay nan", _argv("train", "--weight-decay", "nan"), ["--weight-decay must be zero or more and finite"]),
    ("grad clip inf", _argv("train", "--grad-clip", "inf"), ["--grad-clip must be zero or more and finite"]),
    ("timeout nan", _argv("train", "--timeout", "nan"), ["--timeout must be positive and finite"]),
    ("timeout -inf", _argv("train", "--timeout=-inf"), ["--timeout must be positive and finite"]),
    # A launcher's environment, half there.
    ("stray WORLD_SIZE", _env(WORLD_SIZE="2"),
     ["WORLD_SIZE is set in the environment but RANK is not", "unset WORLD_SIZE", "or run under torchrun"]),
    ("stray RANK", _env(RANK="0"), ["RANK is set in the environment but WORLD_SIZE is not"]),
    ("no rendezvous address", _env(WORLD_SIZE="2", RANK="0"), ["but MASTER_ADDR is not"]),
    ("WORLD_SIZE not a number", _env(**{**TORCHRUN, "WORLD_SIZE": "two"}),
     ["WORLD_SIZE='two' is not a number", "unset"]),
    ("RANK out of the world", _env(**{**TORCHRUN, "RANK": "5"}), ["RANK=5 of WORLD_SIZE=2"]),
    # Outputs that cannot be written, found before training.
    ("metrics a folder", _argv("train", "--metrics", _file_at("m", folder=True)), ["--metrics", "is a folder"]),
    ("metrics under a file", _argv("train", "--metrics", _under_a_file("m.jsonl")), ["is a file, not a folder"]),
    ("save a file", _argv("train", "--save", _file_at("ck")), ["--save", "a file is in the way"]),
    ("save under a file", _argv("train", "--save", _under_a_file("ck")), ["--save", "is a file, not a folder"]),
    # Restarts and save folders.
    ("max-restarts without save", _argv("train", "--max-restarts", "2"),
     ["--max-restarts 2 restarts the workers from the latest checkpoint: give --save DIR"]),
    ("max-restarts negative", _argv("train", "--max-restarts", "-1", "--save", "ck"),
     ["--max-restarts must be zero or more, got -1"]),
    ("max-restarts under torchrun", _env_argv(TORCHRUN, "train", "--max-restarts", "1", "--save", "ck"),
     ["under torchrun, the restarts are torchrun's: give torchrun --max-restarts"]),
    ("save folder of another run", _argv("train", "--save", _checkpoints_at("ck")),
     ["already holds checkpoints of a run (step 3)", "add --resume", "give --save another folder"]),
    # Sizes that would run for hours.
    (
        "a million micro-batches",
        _argv("train", "--dp", "1", "--global-batch-size", "1048576", "--micro-batches", "1048576"),
        ["--micro-batches 1048576: at most 4096", "larger"],
    ),
    # timeline.
    ("timeline lists", _argv("timeline", "--metrics", _metrics("[1, 2]")), ["line 1", "not a metrics object"]),
    ("timeline numbers", _argv("timeline", "--metrics", _metrics("1", "2")), ["line 1", "not a metrics object"]),
    ("timeline without keys", _argv("timeline", "--metrics", _metrics('{"a": 1}')), ['line 1: has no "step"']),
    ("timeline of binary", _argv("timeline", "--metrics", _metrics(b"\x89PNG\x00\xff\xfe")), ["line 1 is not JSON"]),
    ("timeline of a folder", _argv("timeline", "--metrics", _file_at("runs", folder=True)), ["is a folder"]),
    (
        "timeline malformed",
        _argv(
            "timeline",
            "--metrics",
            _metrics(
                json.dumps(
                    {
                        "step": 1,
                        "bubble_fraction": 0.1,
                        "layout": {"pp": 2, "schedule": "1f1b", "micro_batches": 2},
                        "timeline": [[["X", 0, 0, 0.0]]],
                    }
                )
            ),
        ),
        ['"timeline" is not a list per rank'],
    ),
    ("timeline -o a folder", _argv("timeline", "--schedule", "1f1b", "-o", _file_at("pics", folder=True)),
     ["-o", "is a folder"]),
    ("timeline -o under a file", _argv("timeline", "--schedule", "1f1b", "-o", _under_a_file("t.png")),
     ["is a file, not a folder"]),
    ("timeline of 100000 micro-batches", _argv("timeline", "--schedule", "1f1b", "--micro-batches", "100000"),
     ["800,000 boxes", "at most 4,096"]),
    # plan and simulate.
    ("plan --top 0", _argv(*PLAN, "--top", "0"), ["--top 0: must be 1 or more"]),
    ("plan --top -3", _argv(*PLAN, "--top", "-3"), ["--top -3: must be 1 or more"]),
    ("plan --seq-len 0", _argv(*PLAN, "--seq-len", "0"), ["--seq-len 0: must be 1 or more"]),
    ("plan --micro-batches 100000", _argv(*PLAN, "--micro-batches", "100000"), ["at most 4096"]),
    ("plan --software nope", _argv(*PLAN, "--software", "nope"), ["--software 'nope'", "fsdp", "megatron-2021"]),
    ("plan --attention flash", _argv(*PLAN, "--attention", "flash"), ["--attention 'flash'", "fused"]),
    (
        "plan --selective-recompute every-x",
        _argv(*PLAN, "--selective-recompute", "every-x"),
        ["--selective-recompute 'every-x'", "every-2"],
    ),
    ("plan --loss bf16", _argv(*PLAN, "--loss", "bf16"), ["--loss 'bf16'", "vocab-parallel"]),
    (
        "plan --reduce-dtype fp32 in fp32",
        _argv(*PLAN, "--dtype", "fp32", "--reduce-dtype", "fp32"),
        ["--reduce-dtype fp32", "leave --reduce-dtype out"],
    ),
    ("plan --reduce-dtype fp16", _argv(*PLAN, "--reduce-dtype", "fp16"), ["--reduce-dtype fp16", "bf16 or fp32"]),
    ("plan --micro-batch-size 0", _argv(*PLAN, "--micro-batch-size", "0"), ["--micro-batch-size 0: must be 1 or more"]),
    ("plan --micro-batch-size with --dp", _argv(*PLAN, "--dp", "2", "--micro-batch-size", "3"),
     ["--micro-batch-size 3 does not divide the 8 sequences of each replica (--global-batch-size 16 / --dp 2)"]),
    ("plan --micro-batch-size and --micro-batches", _argv(*PLAN, "--micro-batch-size", "2", "--micro-batches", "3"),
     ["--micro-batches 3 × --micro-batch-size 2 = 6 sequences per replica", "give one of the two flags"]),
    ("simulate --micro-batch-size", _argv("simulate", "--model", "tiny", "--pp", "2", "--micro-batch-size", "3"),
     ["--micro-batch-size 3 does not divide the 16 sequences of each replica", "1 or 2 or 4"]),
    ("profile zero bandwidth", _argv(*PLAN, "--hardware-config", _hw(["intra", "bandwidth", "all_reduce"], 0)),
     ["intra.bandwidth.all_reduce must be a number more than 0, got 0"]),
    ("profile negative latency", _argv(*PLAN, "--hardware-config", _hw(["inter", "latency", "p2p"], -1e-6)),
     ["inter.latency.p2p must be a number 0 or more"]),
    ("profile NaN bandwidth", _argv(*PLAN, "--hardware-config", _hw(["memory_bandwidth"], math.nan)),
     ["memory_bandwidth must be a number more than 0, got NaN"]),
    ("profile negative GEMM latency", _argv(*PLAN, "--hardware-config", _hw(["gemm_latency"], -8e-6)),
     ["gemm_latency must be a number 0 or more"]),
    ("profile negative cores", _argv(*PLAN, "--hardware-config", _hw(["cores"], -2)),
     ["cores must be an integer 0 or more"]),
    ("profile memory a string", _argv(*PLAN, "--hardware-config", _hw(["memory_bytes"], "80GB")),
     ['memory_bytes must be a number more than 0, got "80GB"']),
    ("profile without intra", _argv(*PLAN, "--hardware-config", _hw(["intra"], KeyError)), ["the file lacks intra"]),
    ("profile zero devices per node", _argv(*PLAN, "--hardware-config", _hw(["devices_per_node"], 0)),
     ["devices_per_node must be an integer 1 or more"]),
    ("profile zero peak", _argv(*PLAN, "--hardware-config", _hw(["peak_flops", "bf16"], 0)),
     ["peak_flops.bf16 must be a number more than 0"]),
    ("profile a list", _argv(*PLAN, "--hardware-config", _hardware(lambda d: [d])), ["the file must be an object"]),
    (
        "simulate -o a folder",
        _argv("simulate", "--model", "tiny", "--hardware", "cpu", "--pp", "2", "-o", _file_at("pics", folder=True)),
        ["-o", "is a folder"],
    ),
    # prepare-data.
    ("prepare-data into a folder", _argv("prepare-data", GOOD_TEXT, _file_at("dir.bin", folder=True)),
     ["the output", "is a folder"]),
    ("prepare-data under a file", _argv("prepare-data", GOOD_TEXT, _under_a_file("out.bin")),
     ["is a file, not a folder"]),
    ("prepare-data of an empty file", _argv("prepare-data", _file_at("empty.txt", b""), "out.bin"),
     ["holds no text: nothing to write"]),
    (
        "prepare-data of binaries",
        lambda t, s, m: (_binary_folder(t / "bin"), ["prepare-data", str(t / "bin"), str(t / "o.bin")])[1],
        ["holds no text files (2 skipped"],
    ),
    ("prepare-data of an empty folder", _argv("prepare-data", _file_at("nothing", folder=True), "out.bin"),
     ["holds no text files", "!skipped"]),
    ("prepare-data prefix said once", _argv("prepare-data", GOOD_TEXT, "out.npy"),
     ["llmpar prepare-data: error: the output", "must end in .bin"]),
]
# fmt: on


@pytest.mark.parametrize("setup,needles", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_inputs(no_launch, capsys, tmp_path, saved, monkeypatch, setup, needles):
    monkeypatch.chdir(tmp_path)  # relative outputs land here (and must not be written)
    argv = setup(tmp_path, saved, monkeypatch)
    err = _error(capsys, argv)
    for needle in needles:
        if needle.startswith("!"):
            assert needle[1:] not in err, (needle, err)
        else:
            assert needle in err, (needle, err)
    assert not (tmp_path / "out.bin").exists() and not (tmp_path / "timeline.png").exists()


def test_an_unwritable_folder_is_found_before_training(no_launch, capsys, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders (the cases under a file cover root)")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "is not writable" in _error(capsys, ["train", "--metrics", str(locked / "m.jsonl")])
        assert "is not writable" in _error(capsys, ["train", "--save", str(locked / "ck")])
        assert "is not writable" in _error(capsys, ["prepare-data", __file__, str(locked / "x.bin")])
    finally:
        locked.chmod(0o700)


def test_a_closed_pipe_ends_quietly():
    """`llmpar plan ... | head -1`: the reader leaves before the table is written; no BrokenPipeError."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmpar", "plan", "--model", "tiny", "--gpus", "4", "--hardware", "cpu"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # before the child has imported torch, let alone printed
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err and err == "", err
    assert proc.returncode == 1

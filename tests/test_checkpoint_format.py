"""The checkpoint format without processes: pieces, slices, checksums, atomicity, conversion, Hugging Face."""

import json
import os
import re

import pytest
import torch

from llmpar.checkpoint.convert import tp_cut
from llmpar.checkpoint.format import Checkpoint, finish, latest, partial_dir, write_pieces
from llmpar.checkpoint.hf import from_hf, to_hf
from llmpar.errors import UserError
from llmpar.model import PRESETS, build_model


def _write(root, step, pieces_by_rank):
    folder = partial_dir(str(root), step)
    os.makedirs(folder)
    for rank, pieces in pieces_by_rank.items():
        write_pieces(folder, rank, pieces)
    return finish(str(root), step, {"model": {}, "train": {}})


def test_a_tensor_split_over_files_reads_back_whole_and_in_any_slice(tmp_path):
    t = torch.arange(60, dtype=torch.float64).view(6, 10)
    path = _write(
        tmp_path,
        3,
        {
            0: [("w", t[:, :4], [6, 10], [0, 0], [6, 4])],
            1: [("w", t[:, 4:], [6, 10], [0, 4], [6, 10]), ("b", t[0], [10], [0], [10])],
        },
    )
    ck = Checkpoint(str(tmp_path))
    assert ck.path == path and ck.step == 3 and sorted(ck.names()) == ["b", "w"]
    assert torch.equal(ck.read("w"), t)
    assert torch.equal(ck.read("w", [2, 3], [5, 7]), t[2:5, 3:7])  # across both files
    assert torch.equal(ck.read("b"), t[0])
    with pytest.raises(UserError, match="no tensor 'c'"):
        ck.read("c")


def test_latest_ignores_partial_folders_and_takes_the_highest_step(tmp_path):
    t = torch.ones(3)
    _write(tmp_path, 2, {0: [("x", t, [3], [0], [3])]})
    _write(tmp_path, 10, {0: [("x", 2 * t, [3], [0], [3])]})
    os.makedirs(partial_dir(str(tmp_path), 12))  # a save that crashed
    assert latest(str(tmp_path)).endswith("step_000010")
    assert torch.equal(Checkpoint(str(tmp_path)).read("x"), 2 * t)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="holds no complete checkpoint"):
        latest(str(tmp_path / "empty"))


@pytest.mark.parametrize("damage", ["truncate", "alter", "delete"])
def test_a_damaged_file_is_detected_on_load(tmp_path, damage):
    path = _write(tmp_path, 1, {0: [("x", torch.randn(100), [100], [0], [100])]})
    f = os.path.join(path, "rank00000.safetensors")
    if damage == "truncate":
        with open(f, "r+b") as h:
            h.truncate(os.path.getsize(f) - 10)
        message = "truncated"
    elif damage == "alter":
        data = bytearray(open(f, "rb").read())
        data[-5] ^= 0xFF
        open(f, "wb").write(bytes(data))
        message = "SHA-256"
    else:
        os.remove(f)
        message = "missing"
    with pytest.raises(UserError, match=message):
        Checkpoint(path)


def test_the_manifest_names_every_file_with_its_checksum(tmp_path):
    path = _write(tmp_path, 5, {0: [("a", torch.zeros(2), [2], [0], [2])], 7: [("b", torch.zeros(3), [3], [0], [3])]})
    manifest = json.load(open(os.path.join(path, "manifest.json")))
    assert set(manifest["files"]) == {"rank00000.safetensors", "rank00007.safetensors"}
    assert all(len(m["sha256"]) == 64 for m in manifest["files"].values())
    assert not [n for n in os.listdir(path) if n.endswith(".json") and n != "manifest.json"]  # notes merged


def test_tensor_parallel_cuts_follow_the_layers():
    cfg = PRESETS["tiny"]  # vocab 256, d_ff 176
    assert tp_cut("layers.0.attn.wq.weight", [64, 64], cfg, 2, 1) == (0, 32, 32)
    assert tp_cut("optimizer.exp_avg/layers.3.mlp.w2.weight", [64, 176], cfg, 2, 1) == (1, 88, 88)
    assert tp_cut("layers.0.attn_norm.weight", [64], cfg, 2, 1) == (None, 0, 0)
    odd = PRESETS["tiny"].__class__(**{**PRESETS["tiny"].__dict__, "vocab_size": 259})
    assert [tp_cut("tok_emb.weight", [259, 64], odd, 4, r) for r in range(4)] == [
        (0, 0, 65),
        (0, 65, 65),
        (0, 130, 65),
        (0, 195, 64),
    ]


@pytest.mark.parametrize("name", ["tiny", "tiny-gpt2"])
def test_hugging_face_names_round_trip(name):
    model = build_model(PRESETS[name], seed=0)
    state = {k: v for k, v in model.state_dict().items() if not (k == "head.weight" and PRESETS[name].tie_embeddings)}
    back = from_hf(PRESETS[name], to_hf(PRESETS[name], state))
    assert set(back) == set(state)
    assert all(torch.equal(back[k], state[k]) for k in state)


def _edit_manifest(path, edit):
    f = os.path.join(path, "manifest.json")
    with open(f, encoding="utf-8") as h:
        m = json.load(h)
    edit(m)
    with open(f, "w", encoding="utf-8") as h:
        json.dump(m, h)


@pytest.mark.parametrize("verify", [True, False])
@pytest.mark.parametrize("name", ["../rank00000.safetensors", "/etc/passwd", "sub/rank00000.safetensors", ".."])
def test_a_manifest_cannot_name_a_file_outside_its_folder(tmp_path, verify, name):
    """Whatever the manifest says, and also where the launcher verified the files (verify=False)."""
    path = _write(tmp_path, 1, {0: [("x", torch.ones(3), [3], [0], [3])]})

    def rename(m):
        m["files"] = {name: m["files"]["rank00000.safetensors"]}
        m["tensors"]["x"]["pieces"][0]["file"] = name

    _edit_manifest(path, rename)
    with pytest.raises(UserError, match="is not a plain file name"):
        Checkpoint(path, verify=verify)


@pytest.mark.parametrize("verify", [True, False])
def test_a_link_out_of_the_folder_is_refused(tmp_path, verify):
    path = _write(tmp_path / "ck", 1, {0: [("x", torch.ones(3), [3], [0], [3])]})
    f = os.path.join(path, "rank00000.safetensors")
    outside = str(tmp_path / "secret.safetensors")
    os.replace(f, outside)  # the same bytes, so size and checksum match
    os.symlink(outside, f)
    with pytest.raises(UserError, match="leads outside the checkpoint folder"):
        Checkpoint(path, verify=verify).read("x")


def test_read_opens_only_listed_files_and_checks_them_first(tmp_path):
    path = _write(tmp_path, 1, {0: [("x", torch.ones(3), [3], [0], [3])]})
    _edit_manifest(path, lambda m: m["tensors"]["x"]["pieces"][0].update(file="rank00001.safetensors"))
    with pytest.raises(UserError, match='which is not in "files"'):
        Checkpoint(path, verify=False)
    path = _write(tmp_path, 2, {0: [("x", torch.ones(3), [3], [0], [3])]})
    ck = Checkpoint(path, verify=False)  # the launcher verified the files; then one was cut short
    f = os.path.join(path, "rank00000.safetensors")
    with open(f, "r+b") as h:
        h.truncate(os.path.getsize(f) - 4)
    with pytest.raises(UserError, match="truncated"):
        ck.read("x")


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda m: m.pop("files"), "files is missing"),
        (lambda m: m.update(tensors=[]), "tensors must be an object, not a list"),
        (lambda m: m["tensors"]["x"].update(shape=[3, "4"]), r"tensors\['x'\].shape must be a list of integers"),
        (
            lambda m: m["tensors"]["x"]["pieces"][0].update(stop=[4]),
            r"stop \[4\] lies outside the tensor's shape \[3\]",
        ),
        (lambda m: m["tensors"]["x"]["pieces"][0].pop("key"), r"pieces\[0\].key must be a string"),
        (lambda m: m["files"]["rank00000.safetensors"].update(bytes=True), "bytes must be an integer"),
    ],
)
def test_a_malformed_manifest_names_the_checkpoint_and_the_key(tmp_path, edit, message):
    path = _write(tmp_path, 1, {0: [("x", torch.ones(3), [3], [0], [3])]})
    _edit_manifest(path, edit)
    with pytest.raises(UserError, match=message) as e:
        Checkpoint(path)
    assert str(e.value).startswith(f"checkpoint {path}: manifest.json: ")


def test_a_damaged_safetensors_header_names_the_file(tmp_path):
    from llmpar.checkpoint.format import sha256

    path = _write(tmp_path, 1, {0: [("x", torch.ones(3), [3], [0], [3])]})
    f = os.path.join(path, "rank00000.safetensors")
    with open(f, "r+b") as h:
        h.write((10**9).to_bytes(8, "little"))  # the header's length: far past the file's end
    _edit_manifest(path, lambda m: m["files"]["rank00000.safetensors"].update(sha256=sha256(f)))
    with pytest.raises(UserError, match=r"rank00000\.safetensors is not a readable safetensors file"):
        Checkpoint(path).read("x")


def test_tensor_files_get_the_permissions_of_any_other_file(tmp_path):
    """safetensors writes 0600; checkpoints and Hugging Face exports follow the umask like the manifest."""
    from llmpar.checkpoint.hf import write_hf

    path = _write(tmp_path / "ck", 1, {0: [("x", torch.ones(3), [3], [0], [3])]})
    plain = tmp_path / "plain"
    plain.write_text("x")
    mode = plain.stat().st_mode & 0o777
    assert os.stat(os.path.join(path, "rank00000.safetensors")).st_mode & 0o777 == mode
    assert os.stat(os.path.join(path, "manifest.json")).st_mode & 0o777 == mode
    model = build_model(PRESETS["tiny"], seed=0)
    write_hf(str(tmp_path / "hf"), PRESETS["tiny"], model.state_dict())
    assert os.stat(tmp_path / "hf" / "model.safetensors").st_mode & 0o777 == mode


def test_load_model_on_a_bad_path_says_what_it_needs(tmp_path):
    import llmpar

    with pytest.raises(UserError, match="no such folder; give a checkpoint folder") as e:
        llmpar.load_model(str(tmp_path / "nothing"))
    assert "--resume" not in str(e.value)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        llmpar.load_model(str(tmp_path / "file"))
    with pytest.raises(UserError, match="holds no complete checkpoint"):
        llmpar.load_model(str(tmp_path))


def _hf_folder(tmp_path, edit=None):
    from llmpar.checkpoint.hf import write_hf

    write_hf(str(tmp_path), PRESETS["tiny"], build_model(PRESETS["tiny"], seed=0).state_dict())
    if edit:
        c = json.loads((tmp_path / "config.json").read_text())
        edit(c)
        (tmp_path / "config.json").write_text(json.dumps(c))
    return str(tmp_path)


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda c: c.pop("intermediate_size"), "the key 'intermediate_size' is missing"),
        (lambda c: c.update(num_attention_heads="4"), 'num_attention_heads must be a positive integer, got "4"'),
        (lambda c: c.update(rms_norm_eps=-1), "rms_norm_eps must be a positive number"),
        (lambda c: c.update(tie_word_embeddings=1), "tie_word_embeddings must be true or false"),
    ],
)
def test_a_hugging_face_config_names_the_bad_key(tmp_path, edit, message):
    import llmpar

    with pytest.raises(UserError, match=message):
        llmpar.load_model(_hf_folder(tmp_path, edit))


def test_damaged_or_mismatched_hugging_face_weights_name_the_file(tmp_path):
    import llmpar
    from llmpar.checkpoint.hf import read_hf

    path = _hf_folder(tmp_path / "a", lambda c: c.update(vocab_size=300))
    with pytest.raises(UserError, match=re.escape("tok_emb.weight with shape (256, 64), but config.json implies (300")):
        llmpar.load_model(path)
    path = _hf_folder(tmp_path / "b")
    (tmp_path / "b" / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(UserError, match=r"model\.safetensors: not a readable safetensors file"):
        read_hf(path)


def test_convert_to_hf_refuses_an_existing_export(tmp_path):
    from llmpar.checkpoint.convert import convert

    src = _hf_folder(tmp_path / "src")
    assert convert(src, str(tmp_path / "dst"), "hf", 1, 1, 1, 0) == str(tmp_path / "dst")
    with pytest.raises(UserError, match=r"already holds a model \(.*\); give another destination or remove it"):
        convert(src, str(tmp_path / "dst"), "hf", 1, 1, 1, 0)


@pytest.fixture
def transformers():
    """Only the tests that compare with Hugging Face's own models need transformers (and its import time)."""
    return pytest.importorskip("transformers")


# The shape of both tiny Hugging Face models, in the names every transformers config takes (GPT-2's own are n_embd,
# n_layer, n_head and n_positions).
TINY_HF_SHAPE = dict(
    vocab_size=300, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=64
)


def _tiny_hf(transformers, kind):
    torch.manual_seed(0)
    if kind == "llama":
        cfg = transformers.LlamaConfig(**TINY_HF_SHAPE, intermediate_size=96, num_key_value_heads=2)
        return transformers.LlamaForCausalLM(cfg).eval()
    no_dropout = dict(resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    cfg = transformers.GPT2Config(**TINY_HF_SHAPE, **no_dropout, bos_token_id=0, eos_token_id=0)
    assert (cfg.n_embd, cfg.n_layer, cfg.n_head, cfg.n_positions) == (64, 2, 4, 64)
    return transformers.GPT2LMHeadModel(cfg).eval()


@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_a_hugging_face_model_loads_with_equal_logits(tmp_path, kind, transformers):
    import llmpar

    hf = _tiny_hf(transformers, kind)
    hf.save_pretrained(tmp_path, safe_serialization=True)
    ours = llmpar.load_model(str(tmp_path))
    x = torch.randint(0, 300, (2, 24))
    with torch.no_grad():
        torch.testing.assert_close(ours(x), hf(x).logits, rtol=0, atol=1e-5)


@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_an_llmpar_checkpoint_converted_to_hugging_face_loads_in_transformers(tmp_path, kind, transformers):
    """HF -> llmpar checkpoint (convert) -> HF (convert --to hf) -> transformers: the same logits as llmpar's."""
    import llmpar
    from llmpar.cli import main

    _tiny_hf(transformers, kind).save_pretrained(tmp_path / "hf", safe_serialization=True)
    assert main(["convert", str(tmp_path / "hf"), str(tmp_path / "ours"), "--tp", "2"]) == 0
    assert main(["convert", str(tmp_path / "ours"), str(tmp_path / "back"), "--to", "hf"]) == 0
    theirs = transformers.AutoModelForCausalLM.from_pretrained(tmp_path / "back").eval()
    ours = llmpar.load_model(str(tmp_path / "ours"))
    x = torch.randint(0, 300, (2, 24))
    with torch.no_grad():
        torch.testing.assert_close(theirs(x).logits, ours(x), rtol=0, atol=1e-5)

"""The checkpoint format without processes: pieces, slices, checksums, atomicity, conversion, Hugging Face."""

import json
import os

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
    path = _write(tmp_path, 3, {0: [("w", t[:, :4], [6, 10], [0, 0], [6, 4])],
                                1: [("w", t[:, 4:], [6, 10], [0, 4], [6, 10]), ("b", t[0], [10], [0], [10])]})
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
        (0, 0, 65), (0, 65, 65), (0, 130, 65), (0, 195, 64)]


@pytest.mark.parametrize("name", ["tiny", "tiny-gpt2"])
def test_hugging_face_names_round_trip(name):
    model = build_model(PRESETS[name], seed=0)
    state = {k: v for k, v in model.state_dict().items() if not (k == "head.weight" and PRESETS[name].tie_embeddings)}
    back = from_hf(PRESETS[name], to_hf(PRESETS[name], state))
    assert set(back) == set(state)
    assert all(torch.equal(back[k], state[k]) for k in state)


transformers = pytest.importorskip("transformers")


def _tiny_hf(kind):
    torch.manual_seed(0)
    if kind == "llama":
        cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)
        return transformers.LlamaForCausalLM(cfg).eval()
    cfg = transformers.GPT2Config(vocab_size=300, n_embd=64, n_layer=2, n_head=4, n_positions=64, resid_pdrop=0.0,
                                  embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=0, eos_token_id=0)
    return transformers.GPT2LMHeadModel(cfg).eval()


@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_a_hugging_face_model_loads_with_equal_logits(tmp_path, kind):
    import llmpar
    hf = _tiny_hf(kind)
    hf.save_pretrained(tmp_path, safe_serialization=True)
    ours = llmpar.load_model(str(tmp_path))
    x = torch.randint(0, 300, (2, 24))
    with torch.no_grad():
        torch.testing.assert_close(ours(x), hf(x).logits, rtol=0, atol=1e-5)


@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_an_llmpar_checkpoint_converted_to_hugging_face_loads_in_transformers(tmp_path, kind):
    """HF -> llmpar checkpoint (convert) -> HF (convert --to hf) -> transformers: the same logits as llmpar's."""
    import llmpar
    from llmpar.cli import main
    _tiny_hf(kind).save_pretrained(tmp_path / "hf", safe_serialization=True)
    assert main(["convert", str(tmp_path / "hf"), str(tmp_path / "ours"), "--tp", "2"]) == 0
    assert main(["convert", str(tmp_path / "ours"), str(tmp_path / "back"), "--to", "hf"]) == 0
    theirs = transformers.AutoModelForCausalLM.from_pretrained(tmp_path / "back").eval()
    ours = llmpar.load_model(str(tmp_path / "ours"))
    x = torch.randint(0, 300, (2, 24))
    with torch.no_grad():
        torch.testing.assert_close(theirs(x).logits, ours(x), rtol=0, atol=1e-5)

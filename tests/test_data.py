import os

import numpy as np
import pytest
import torch

from llmpar.data import ByteTokenizer, TokenBatches, check_data_path, describe_data, load_tokens, read_bin, write_bin
from llmpar.data.corpus import SNIFF, check_vocabulary, default_corpus_files, text_files
from llmpar.errors import UserError


def test_byte_tokenizer_round_trip():
    tok = ByteTokenizer()
    text = "def f(x):\n    return 'héllo' + x  # ünïcode"
    ids = tok.encode(text)
    assert ids.max() < 256 and len(ids) == len(text.encode())
    assert tok.decode(ids) == text


def test_default_corpus_is_the_standard_library_without_installed_packages():
    files = default_corpus_files()
    assert len(files) > 100 and files == sorted(files)
    assert not any("site-packages" in f or f"{os.sep}test{os.sep}" in f for f in files)
    assert any(f.endswith(f"{os.sep}os.py") for f in files)


def test_bin_round_trip_and_headerless_uint16(tmp_path):
    ids = np.arange(1000) % 300
    path = str(tmp_path / "t.bin")
    write_bin(path, ids, vocab_size=300)
    back, vocab = read_bin(path)
    assert vocab == 300 and np.array_equal(back, ids)
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.arange(50, dtype=np.uint16).tobytes())
    back, vocab = read_bin(str(raw))
    assert vocab is None and np.array_equal(back, np.arange(50))
    wide = str(tmp_path / "wide.bin")
    write_bin(wide, np.array([0, 70000, 5]), vocab_size=100000)
    assert np.array_equal(read_bin(wide)[0], [0, 70000, 5])


def test_a_truncated_bin_is_rejected(tmp_path):
    path = str(tmp_path / "t.bin")
    write_bin(path, np.arange(100), vocab_size=256)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 3)
    with pytest.raises(UserError, match="header says 100 tokens"):
        read_bin(path)


def test_text_folder_is_read_in_sorted_order(tmp_path):
    (tmp_path / "b.txt").write_text("second")
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / ".hidden").write_text("never")
    ids, vocab = load_tokens(str(tmp_path), ByteTokenizer())
    assert ByteTokenizer().decode(ids) == "first\nsecond" and vocab == 256


def _batches(n_tokens=5000, seq_len=16, seed=0):
    return TokenBatches(np.arange(n_tokens) % 251, seq_len, seed)


@pytest.mark.parametrize("dp,micro", [(1, 2), (2, 1), (2, 2), (4, 2)])
def test_every_layout_sees_the_same_global_batch(dp, micro):
    data, B = _batches(), 16
    for step in (0, 3):
        whole = torch.cat(data.micro_batch(step, B, 1, 0, 1, 0), dim=1)
        parts = [torch.cat(data.micro_batch(step, B, dp, r, micro, m), dim=1) for r in range(dp) for m in range(micro)]
        assert torch.equal(torch.cat(parts), whole)


def test_targets_are_inputs_shifted_by_one():
    x, y = _batches().micro_batch(0, 4, 1, 0, 1, 0)
    assert torch.equal(x[:, 1:], y[:, :-1])


def test_an_epoch_visits_every_training_window_once_and_never_the_held_out_part():
    data = _batches(n_tokens=2000, seq_len=10)
    seqs = data.samples(0, data.n_windows)
    starts = sorted(int(s[0]) for s in seqs)  # token i is i % 251: windows start at distinct offsets
    assert len(seqs) == data.n_windows and len(set(map(tuple, seqs.tolist()))) == data.n_windows
    assert max(starts) < 251
    assert len(data.train) + len(data.val) == 2000 and data.n_val_windows >= 1
    # the next epoch is another order of the same windows
    again = data.samples(data.n_windows, data.n_windows)
    assert sorted(map(tuple, again.tolist())) == sorted(map(tuple, seqs.tolist()))
    assert not torch.equal(again, seqs)


def test_minimum_tokens_is_enough_and_tight():
    for seq_len in (8, 32, 256):
        n = TokenBatches.minimum_tokens(seq_len)
        ok = TokenBatches(np.zeros(n, dtype=np.uint8), seq_len, 0)
        assert ok.n_windows >= 1 and ok.n_val_windows >= 1
        short = TokenBatches(np.zeros(n - 1, dtype=np.uint8), seq_len, 0)
        assert short.n_windows < 1 or short.n_val_windows < 1


def test_a_bin_that_is_empty_a_folder_or_of_no_tokens_is_refused(tmp_path):
    (tmp_path / "empty.bin").write_bytes(b"")
    with pytest.raises(UserError, match=r"empty\.bin: the file is empty"):
        read_bin(str(tmp_path / "empty.bin"))
    (tmp_path / "dir.bin").mkdir()
    with pytest.raises(UserError, match=r"dir\.bin: a folder"):
        check_data_path(str(tmp_path / "dir.bin"))
    write_bin(str(tmp_path / "none.bin"), np.array([], dtype=np.int64), vocab_size=256)
    with pytest.raises(UserError, match="holds no tokens"):
        read_bin(str(tmp_path / "none.bin"))


def test_ids_beyond_the_vocabulary_are_found(tmp_path):
    write_bin(str(tmp_path / "t.bin"), np.array([0, 5, 70000, 3]), vocab_size=100000)
    ids, _ = read_bin(str(tmp_path / "t.bin"))
    check_vocabulary(ids, 70001, "t.bin")
    with pytest.raises(UserError, match="token id 70000, beyond the model's vocab_size 32000"):
        check_vocabulary(ids, 32000, "t.bin")


def test_a_folder_is_read_as_its_text_files_only(tmp_path):
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "b.py").write_text("second ü")  # UTF-8 beyond ASCII is text
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # a NUL byte
    (tmp_path / "d.txt").write_bytes("caf\xe9 latin-1".encode("latin-1"))  # not UTF-8
    (tmp_path / "e.txt").write_bytes(("x" * (SNIFF - 1) + "é").encode())  # a character cut at the 8 KiB mark
    assert [os.path.basename(f) for f in text_files(str(tmp_path))] == ["a.txt", "b.py", "e.txt"]
    ids, _ = load_tokens(str(tmp_path), ByteTokenizer())
    assert ByteTokenizer().decode(ids).startswith("first\nsecond ü\nxxx")
    described = describe_data(str(tmp_path), len(ids))
    assert described == f"{tmp_path} (3 text files, 2 skipped as not text, {len(ids):,} tokens)"
    assert describe_data(None, 1234).endswith("(embedded corpus, 1,234 tokens)")
    binary = tmp_path / "binary"
    binary.mkdir()
    (binary / "x.bin.gz").write_bytes(b"\x1f\x8b\x08\x00\x00")
    with pytest.raises(UserError, match="holds no text files \\(1 skipped: a NUL byte or invalid UTF-8"):
        check_data_path(str(binary))

"""`llmpar prepare-data` and the data paths of `llmpar train`."""

import numpy as np
import pytest

from helpers import FAST, max_rel_diff, read_metrics, run_llmpar
from llmpar.cli import main
from llmpar.data import read_bin

TEXT = "".join(f"def function_{i}(x):\n    return x * {i} + {i % 7}\n\n" for i in range(400))


def test_prepare_data_writes_the_bytes_of_the_text(tmp_path, capsys):
    (tmp_path / "corpus.txt").write_text(TEXT)
    assert main(["prepare-data", str(tmp_path / "corpus.txt"), str(tmp_path / "corpus.bin")]) == 0, (
        capsys.readouterr().err
    )
    ids, vocab = read_bin(str(tmp_path / "corpus.bin"))
    assert vocab == 256 and bytes(np.asarray(ids, dtype=np.uint8)) == TEXT.encode()


def test_prepare_data_refuses_an_output_that_is_not_a_bin(tmp_path, capsys):
    (tmp_path / "corpus.txt").write_text(TEXT)
    assert main(["prepare-data", str(tmp_path / "corpus.txt"), str(tmp_path / "corpus.npy")]) == 2
    assert "must end in .bin" in capsys.readouterr().err


@pytest.mark.slow
def test_training_on_text_and_on_its_bin_is_the_same_run(tmp_path):
    (tmp_path / "corpus.txt").write_text(TEXT)
    assert main(["prepare-data", str(tmp_path / "corpus.txt"), str(tmp_path / "corpus.bin")]) == 0
    runs = []
    for data in ("corpus.txt", "corpus.bin"):
        path = tmp_path / f"{data}.jsonl"
        proc = run_llmpar(
            ["train", *FAST, "--dp", "1", "--dtype", "fp64", "--data", str(tmp_path / data), "--metrics", str(path)]
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        runs.append(read_metrics(path))
    assert max_rel_diff(*runs) == 0.0


@pytest.mark.slow
def test_a_hugging_face_tokenizer(tmp_path, capsys):
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers import decoders, models, pre_tokenizers, trainers

    tok = tokenizers.Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator([TEXT], trainers.BpeTrainer(vocab_size=200, special_tokens=["[UNK]"]))
    tok.save(str(tmp_path / "tokenizer.json"))
    (tmp_path / "corpus.txt").write_text(TEXT * 3)
    assert (
        main(
            [
                "prepare-data",
                str(tmp_path / "corpus.txt"),
                str(tmp_path / "corpus.bin"),
                "--tokenizer",
                str(tmp_path / "tokenizer.json"),
            ]
        )
        == 0
    ), capsys.readouterr().err
    ids, vocab = read_bin(str(tmp_path / "corpus.bin"))
    assert vocab == tok.get_vocab_size() <= 200
    assert len(ids) < len(TEXT * 3) / 2  # BPE merges: fewer tokens than bytes
    assert tok.decode(list(map(int, ids))) == TEXT * 3
    proc = run_llmpar(
        [
            "train",
            *FAST,
            "--dp",
            "1",
            "--data",
            str(tmp_path / "corpus.txt"),
            "--tokenizer",
            str(tmp_path / "tokenizer.json"),
            "--sample-tokens",
            "8",
        ]
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "sample" in proc.stdout


def test_prepare_data_reads_the_text_of_a_folder_and_says_what_it_skipped(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT)
    (tmp_path / "in" / "b.pyc").write_bytes(b"\x6f\x0d\x0d\x0a\x00\x00\x00\x00")
    out = tmp_path / "new" / "folder" / "corpus.bin"  # its folders are made
    assert main(["prepare-data", str(tmp_path / "in"), str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {len(TEXT):,} tokens" in printed and "(1 text file, 1 skipped as not text" in printed
    assert bytes(np.asarray(read_bin(str(out))[0], dtype=np.uint8)) == TEXT.encode()
    assert [p.name for p in out.parent.iterdir()] == ["corpus.bin"]  # no temporary file left


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda t: (t / "empty.txt").write_text(""), "holds no text: nothing to write"),
        (lambda t: (t / "empty.txt").mkdir(), "holds no text files"),
    ],
)
def test_prepare_data_of_nothing_writes_nothing(tmp_path, capsys, make, message):
    make(tmp_path)
    assert main(["prepare-data", str(tmp_path / "empty.txt"), str(tmp_path / "out.bin")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.bin").exists()

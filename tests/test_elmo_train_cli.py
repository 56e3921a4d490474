"""``python -m course.elmo.train``: the command trains, saves a checkpoint and continues from one.

The corpus is replaced by a few sentences so the command runs in seconds; what is checked is the
wiring of :func:`course.elmo.train.main` (arguments -> vocabulary and config -> training ->
checkpoint and its record), not the model's quality.
"""

from __future__ import annotations

import json

import pytest

import course.data
from course.elmo.checkpoint import load_checkpoint
from course.elmo.train import main

SENTENCES = [["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "ran"], ["the", "dog", "sat"]] * 4
TINY = [
    "--batch-tokens",
    "8",
    "--projection-dim",
    "8",
    "--hidden-size",
    "8",
    "--n-samples",
    "4",
    "--max-word-length",
    "8",
]


@pytest.fixture
def tiny_corpus(monkeypatch):
    monkeypatch.setattr(course.data, "load_sentences", lambda split, subset="lm", sources=None: SENTENCES)
    monkeypatch.setattr(course.data, "corpus_checksum", lambda subset="full", sources=None: f"sum-{subset}")


def test_main_trains_saves_and_continues(tiny_corpus, tmp_path, capsys):
    first = tmp_path / "first.pt"
    main(["--out", str(first), "--epochs", "1", "--max-steps", "2", "--threads", "1", "--sources", "lee", *TINY])
    printed = json.loads(capsys.readouterr().out)
    assert printed["out"] == str(first) and printed["bytes"] == first.stat().st_size
    start = load_checkpoint(first)
    assert start.sha256 == printed["sha256"]
    assert start.vocab.index_to_key[0] == "</s>" and "cat" in start.vocab.key_to_index
    assert start.model.config.hidden_size == 8
    meta = start.meta
    assert meta["train_sources"] == ["lee"] and meta["steps"] == 2 and meta["corpus_checksum"] == "sum-lm"
    assert meta["train_config"]["max_steps"] == 2
    assert set(meta["perplexity"]) == {"valid", "test"} and len(meta["perplexity"]["test"]) == 2

    second = tmp_path / "second.pt"
    main(["--out", str(second), "--init", str(first), "--epochs", "1", "--max-steps", "1", "--threads", "1"])
    capsys.readouterr()
    then = load_checkpoint(second)
    assert then.vocab.index_to_key == start.vocab.index_to_key  # the vocabulary of --init, not a new one
    assert then.model.config == start.model.config
    assert then.meta["steps"] == 3 and then.meta["previous"]["steps"] == 2
    assert " && " in then.meta["command"] and "--init" in then.meta["command"]

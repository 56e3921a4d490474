"""Splits, document reading and sentence loading (course.data.corpus) on a small corpus written
by the test into a temporary data directory; the real corpus only in tests skipped without it."""

from collections import Counter

import numpy as np
import pytest

from course.base.paths import data_dir
from course.data import corpus
from course.data.corpus import (
    CorpusNotBuilt,
    bucket,
    corpus_checksum,
    corpus_stats,
    iter_documents,
    load_sentences,
    load_tokens,
    split_of,
)
from course.data.sources import default_names
from course.data.text import tokenize


def _doc(source, i):
    return f"Document {i} of {source} begins here.\nIt has a second sentence, number {i * 7}!"


@pytest.fixture
def small_corpus(tmp_path, monkeypatch):
    """Two real source names, 3,000 and 500 synthetic documents."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    sizes = {"lee": 3000, "wiki": 500}
    for name, n in sizes.items():
        path = tmp_path / "text" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(_doc(name, i) for i in range(n)) + "\n", encoding="utf-8")
    return sizes


def test_buckets_are_stable_and_use_sha256():
    import hashlib

    digest = hashlib.sha256(b"lee/17").digest()
    assert bucket("lee", 17) == int.from_bytes(digest[:8], "big") % 10_000
    assert [split_of("gcide", i) for i in range(50)] == [split_of("gcide", i) for i in range(50)]


def test_split_proportions():
    counts = Counter(split_of("gcide", i) for i in range(100_000))
    assert 800 < counts["test"] < 1200 and 800 < counts["valid"] < 1200  # 1 % each, +- 6 sigma
    assert counts["train"] == 100_000 - counts["test"] - counts["valid"]


def test_iter_documents_reads_blank_line_separated_documents(small_corpus):
    docs = list(iter_documents(["wiki"]))
    assert len(docs) == 500
    assert docs[3] == ("wiki", 3, _doc("wiki", 3))


def test_each_document_in_exactly_one_split(small_corpus):
    seen = {}
    for split in ("train", "valid", "test"):
        for sentence in load_sentences(split, sources=["lee", "wiki"]):
            if sentence[0] == "document":  # first sentence of a document names it
                key = (sentence[3], sentence[1])
                assert key not in seen, f"{key} in {seen.get(key)} and {split}"
                seen[key] = split
    assert len(seen) == 3500
    for (source, index), split in seen.items():
        assert split == split_of(source, int(index))


def test_load_sentences_matches_tokenize_of_the_documents(small_corpus):
    for split in ("train", "valid", "test", "all"):
        expected = [
            tokenize(line)
            for doc in iter_documents(["lee", "wiki"])
            if split == "all" or split_of(doc.source, doc.index) == split
            for line in doc.text.split("\n")
        ]
        assert load_sentences(split, sources=["lee", "wiki"]) == expected
    assert load_sentences("valid", sources=["lee", "wiki"]) == load_sentences("valid", sources=["lee", "wiki"])


def test_lm_subset_keeps_valid_and_test_and_a_slice_of_train(small_corpus, monkeypatch):
    names = ["lee", "wiki"]
    for split in ("valid", "test"):
        assert load_sentences(split, "lm", names) == load_sentences(split, "full", names)
    full = load_sentences("train", "full", names)
    lm = load_sentences("train", "lm", names)
    assert 0 < len(lm) < len(full)
    assert set(map(tuple, lm)) <= set(map(tuple, full))
    assert abs(len(lm) / len(full) - corpus.LM_TRAIN_BUCKETS / 9_800) < 0.05


def test_load_tokens_agrees_with_load_sentences(small_corpus):
    words, ids, offsets = load_tokens("test", sources=["lee", "wiki"])
    sentences = load_sentences("test", sources=["lee", "wiki"])
    assert len(offsets) == len(sentences) + 1 and ids.dtype == np.int32
    rebuilt = [[words[i] for i in ids[a:b]] for a, b in zip(offsets[:-1], offsets[1:])]
    assert rebuilt == sentences


def test_corpus_checksum_tracks_the_text(small_corpus, tmp_path):
    before = corpus_checksum(sources=["lee", "wiki"])
    assert before == corpus_checksum(sources=["lee", "wiki"])
    assert corpus_checksum("lm", sources=["lee", "wiki"]) != before
    path = tmp_path / "text" / "wiki.txt"
    path.write_text(path.read_text() + "\nOne more line.\n")
    assert corpus_checksum(sources=["lee", "wiki"]) != before
    assert load_sentences("all", sources=["wiki"])[-1] == ["one", "more", "line"]  # cache invalidated


def test_corpus_stats(small_corpus):
    stats = corpus_stats(["lee", "wiki"])
    assert stats["sources"] == {"lee": 3000 * 13, "wiki": 500 * 13}
    assert stats["tokens"] == 3500 * 13
    assert sum(stats["splits"]["full"].values()) == stats["tokens"]
    assert stats["documents"] == {"lee": 3000, "wiki": 500}


def test_missing_corpus_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(CorpusNotBuilt, match=r"make data.*python -m course.data build"):
        load_sentences()


def test_bad_arguments():
    with pytest.raises(ValueError, match="'split' parameter of load_tokens must be one of"):
        load_sentences("dev")
    with pytest.raises(ValueError, match="'subset' parameter"):
        load_sentences("train", "small")
    with pytest.raises(ValueError, match="'source' parameter of course.data must be one of"):
        load_sentences(sources=["nope"])


def test_portable_environment_switch(monkeypatch):
    monkeypatch.setenv("COURSE_CORPUS", "portable")
    assert default_names() == ["shakespeare", "milton", "wiki", "lee"]


@pytest.mark.slow
def test_real_corpus_sizes():
    if not all((data_dir() / "text" / f"{n}.txt").exists() for n in default_names()):
        pytest.skip("the course corpus is not built (make data)")
    stats = corpus_stats()
    assert stats["tokens"] >= 8_000_000
    lm = stats["splits"]["lm"]
    assert 1_000_000 < lm["train"] < 2_000_000
    assert 80_000 < lm["valid"] < 200_000 and 80_000 < lm["test"] < 200_000

"""Tests for course.evaluation.experiments and .scaling: sampling, caching, gensim parity, the LM vectors, export round trip.

The corpus functions of course.data are replaced by a small synthetic corpus, so these tests
run in seconds and need no built corpus.
"""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV

from course import data
from course.evaluation import experiments
from course.evaluation.experiments import ARCHITECTURES, LABELS, gensim_params, restrict_to
from course.evaluation.scaling import common_questions, sample_tokens, train_sample
from course.vectors import KeyedVectors


def _synthetic_corpus(n_sentences: int = 1500, seed: int = 0):
    """Sentences over a small Zipf-ish vocabulary with a few co-occurrence patterns."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(120)]
    p = 1 / np.arange(1, len(words) + 1)
    p /= p.sum()
    sentences = []
    for _ in range(n_sentences):
        n = int(rng.integers(3, 12))
        sentence = list(rng.choice(words, size=n, p=p))
        if rng.random() < 0.3:
            sentence += ["king", "queen"] if rng.random() < 0.5 else ["man", "woman"]
        sentences.append([str(w) for w in sentence])
    return sentences


@pytest.fixture
def tiny_corpus(monkeypatch, tmp_path):
    """course.data's loaders return a synthetic corpus; the cache lives in a temporary directory."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    sentences = _synthetic_corpus()
    index: dict[str, int] = {}
    ids = np.array([index.setdefault(w, len(index)) for s in sentences for w in s], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.int64)
    words = list(index)
    monkeypatch.setattr(data, "load_tokens", lambda split="train", subset="full", sources=None: (words, ids, offsets))
    monkeypatch.setattr(data, "load_sentences", lambda split="train", subset="full", sources=None: sentences)
    monkeypatch.setattr(data, "corpus_checksum", lambda subset="full", sources=None: "synthetic")
    return sentences


SMALL = {"vector_size": 8, "window": 2, "min_count": 2, "epochs": 1, "seed": 3}


def test_architectures_and_labels_agree():
    assert set(ARCHITECTURES) == set(LABELS)
    assert experiments.BEST in ARCHITECTURES
    for arch, switches in ARCHITECTURES.items():
        assert switches["hs"] == arch.endswith("-hs")
        assert (switches["negative"] > 0) == arch.endswith("-ns")
        assert switches["sg"] == arch.startswith("skipgram")


def test_gensim_params_translates_and_refuses():
    out = gensim_params(
        {
            **experiments.SETTINGS,
            **ARCHITECTURES["cbow-hs"],
            "cbow_mean": True,
            "batch_size": 256,
            "subsample_rule": "word2vec.c",
            "softmax": False,
        }
    )
    assert out["sg"] == 0 and out["hs"] == 1 and out["negative"] == 0 and out["cbow_mean"] == 1
    assert out["workers"] == 1 and "batch_size" not in out and out["vector_size"] == experiments.SETTINGS["vector_size"]
    with pytest.raises(ValueError, match="no full softmax"):
        gensim_params({"softmax": True})
    with pytest.raises(ValueError, match="word2vec.c's rule"):
        gensim_params({"subsample_rule": "paper"})
    with pytest.raises(ValueError, match="'nope'"):
        gensim_params({"nope": 1})


def test_restrict_to_keeps_row_order_for_ours_and_gensim():
    kv = KeyedVectors(["a", "b", "c", "d"], np.arange(8, dtype=np.float32).reshape(4, 2))
    g = GensimKV(vector_size=2)
    g.add_vectors(kv.index_to_key, kv.vectors)
    for source in (kv, g):
        cut = restrict_to(source, ["d", "b", "zzz"])
        assert cut.index_to_key == ["b", "d"]
        np.testing.assert_array_equal(cut.vectors, kv.vectors[[1, 3]])


def test_sample_tokens_is_nested_and_keeps_sentences(tiny_corpus):
    words, ids, offsets = data.load_tokens()
    originals = {tuple(ids[a:b]) for a, b in zip(offsets[:-1], offsets[1:])}
    small = sample_tokens(500, seed=4)
    large = sample_tokens(2000, seed=4)
    for w, i, o in (small, large):
        assert w == words
        sentences = [tuple(i[a:b]) for a, b in zip(o[:-1], o[1:])]
        assert all(s in originals for s in sentences)
        assert o[-1] == len(i)
    assert 500 <= small[2][-1] < 500 + 15 and 2000 <= large[2][-1] < 2000 + 15
    n = len(small[1])
    np.testing.assert_array_equal(large[1][:n], small[1])  # nested: same text, then more
    np.testing.assert_array_equal(sample_tokens(500, seed=4)[1], small[1])
    assert not np.array_equal(sample_tokens(500, seed=5)[1][:100], small[1][:100])
    everything = sample_tokens(10**9, seed=4)
    assert everything[2][-1] == len(ids) and sorted(everything[1].tolist()) == sorted(ids.tolist())


def test_train_sample_is_cached_and_deterministic(tiny_corpus):
    kv1, info1 = train_sample(1500, **SMALL, **ARCHITECTURES["cbow-ns"])
    kv2, info2 = train_sample(1500, **SMALL, **ARCHITECTURES["cbow-ns"])
    assert not info1["from_cache"] and info2["from_cache"]
    np.testing.assert_array_equal(kv1.vectors, kv2.vectors)
    # Same sample, trained afresh under another cache key element (sample_seed) -> other text.
    kv3, info3 = train_sample(1500, sample_seed=1, **SMALL, **ARCHITECTURES["cbow-ns"])
    assert not info3["from_cache"]
    assert kv3.index_to_key != kv1.index_to_key or not np.array_equal(kv3.vectors, kv1.vectors)


def test_train_gensim_matches_our_vocabulary_and_is_reproducible(tiny_corpus):
    g1, info1 = experiments.train_gensim("skipgram-ns", **SMALL)
    g2, info2 = experiments.train_gensim("skipgram-ns", **SMALL)
    assert isinstance(g1, GensimKV)
    assert not info1["from_cache"] and info2["from_cache"]
    np.testing.assert_array_equal(g1.vectors, g2.vectors)
    ours, _ = experiments.train("skipgram-ns", **SMALL)
    assert ours.index_to_key == list(g1.index_to_key)  # same vocabulary, same order (gensim's ties)
    # A fresh gensim run (no cache) gives the same vectors: one worker and a seed make it reproducible.
    from gensim.models import Word2Vec as GensimWord2Vec

    params = gensim_params({**experiments.SETTINGS, **ARCHITECTURES["skipgram-ns"], **SMALL})
    model = GensimWord2Vec(tiny_corpus, **params)
    np.testing.assert_array_equal(model.wv.vectors, g1.vectors)


def test_common_questions():
    a = KeyedVectors(["x", "y", "z", "w", "v"], np.eye(5))
    b = KeyedVectors(["y", "x", "w", "z"], np.eye(4))
    qs = [("s", "x", "y", "z", "w"), ("s", "x", "y", "z", "v"), ("t", "X", "Y", "Z", "W")]
    assert common_questions([a, b], qs) == [qs[0], qs[2]]
    assert common_questions([a, b], qs, restrict_vocab=3) == []
    assert common_questions([a], qs) == qs


def test_lm_vectors_drop_specials_and_keep_order(monkeypatch):
    import torch

    from course.lm import recipes

    class FakeVocab:
        index_to_key = ["</s>", "<unk>", "the", "of", "king"]
        counts_ = {"</s>": 0, "<unk>": 0, "the": 9, "of": 5, "king": 2}

    class FakeCorpus:
        vocab = FakeVocab()

    class FakeModel:
        def word_vectors(self):
            return torch.arange(10, dtype=torch.float32).reshape(5, 2)

    monkeypatch.setattr(recipes, "lm_corpus", lambda: FakeCorpus())

    class FakeHistory:
        train_tokens, seconds, from_cache = 1000, 2.0, True

    monkeypatch.setattr(recipes, "trained_rnnlm", lambda corpus, progress=False: (FakeModel(), FakeHistory()))
    kv, info = experiments.lm_vectors("rnnlm")
    assert info == {"train_tokens": 1000, "seconds": 2.0, "from_cache": True}
    assert kv.index_to_key == ["the", "of", "king"]
    np.testing.assert_array_equal(kv.vectors, [[4, 5], [6, 7], [8, 9]])
    assert kv.counts.tolist() == [9, 5, 2]
    with pytest.raises(ValueError, match="'which'"):
        experiments.lm_vectors("lstm")


@pytest.mark.parametrize("binary", [False, True])
def test_export_round_trip_through_gensim(tiny_corpus, tmp_path, binary, capsys):
    path = tmp_path / ("vectors.bin" if binary else "vectors.txt")
    argv = ["export", str(path), "--arch", "cbow-ns", "--epochs", "1"] + (["--binary"] if binary else [])
    assert experiments.main(argv) == 0
    assert "wrote" in capsys.readouterr().out
    theirs = GensimKV.load_word2vec_format(str(path), binary=binary)
    ours, _ = experiments.train("cbow-ns", epochs=1)
    assert list(theirs.index_to_key) == ours.index_to_key
    np.testing.assert_array_equal(theirs.vectors, ours.vectors)  # float32 survives text (9 digits)
    w = ours.index_to_key[5]
    assert [x for x, _ in theirs.most_similar(w, topn=3)] == [x for x, _ in ours.most_similar(w, topn=3)]


def test_export_refuses_unknown_architecture(tmp_path):
    with pytest.raises(SystemExit):
        experiments.main(["export", str(tmp_path / "x.txt"), "--arch", "glove"])
    with pytest.raises(ValueError, match="'arch'"):
        experiments.train("glove")


def test_corpus_vocabulary_is_the_trainers(tiny_corpus):
    from course.word2vec.config import build_vocab

    words, counts = experiments.corpus_vocabulary(min_count=3)
    want_words, want_counts = build_vocab(tiny_corpus, min_count=3)
    assert words == want_words
    np.testing.assert_array_equal(counts, want_counts)


def test_export_by_default_writes_the_shipped_at_scale_vectors_and_king_man_woman_is_queen(tmp_path, capsys):
    from gensim.models import KeyedVectors as GensimKeyedVectors

    path = tmp_path / "v.bin"
    assert experiments.main(["export", str(path), "--binary"]) == 0
    assert "at-scale Skip-gram + NS" in capsys.readouterr().out
    kv = GensimKeyedVectors.load_word2vec_format(str(path), binary=True)
    assert len(kv) == 30000 and kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"

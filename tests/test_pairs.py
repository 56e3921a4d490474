"""Tests of course.word2vec.pairs: the vectorised pair generators equal word2vec.c's loop."""

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from course.word2vec.pairs import (
    cbow_contexts,
    reduced_windows,
    sentence_ids_from_lengths,
    skipgram_pairs,
    skipgram_pairs_reference,
)

WORDS = "the fat cat sat on the mat".split()
VOCAB = {w: i for i, w in enumerate(dict.fromkeys(WORDS))}
IDS = np.array([VOCAB[w] for w in WORDS])


def as_words(centres, contexts):
    keys = list(VOCAB)
    return [(keys[a], keys[b]) for a, b in zip(centres, contexts)]


def test_hand_example_window_2():
    pairs = as_words(*skipgram_pairs(IDS, window=2))
    assert pairs[:7] == [
        ("the", "fat"),
        ("the", "cat"),
        ("fat", "the"),
        ("fat", "cat"),
        ("fat", "sat"),
        ("cat", "the"),
        ("cat", "fat"),
    ]
    assert pairs[-2:] == [("mat", "on"), ("mat", "the")]
    # 7 words, window 2: 2 + 3 + 4 + 4 + 4 + 3 + 2 pairs
    assert len(pairs) == 22


def test_pair_count_closed_form():
    n, W = 50, 4
    centres, _ = skipgram_pairs(np.arange(n), window=W)
    assert len(centres) == sum(min(i, W) + min(n - 1 - i, W) for i in range(n))


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_equals_reference(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, size=20)  # includes empty and one-word sentences
    n = int(lengths.sum())
    ids = rng.integers(0, 30, size=n)
    sid = sentence_ids_from_lengths(lengths)
    window = int(rng.integers(1, 6))
    windows = reduced_windows(n, window, rng)
    got = skipgram_pairs(ids, window, sid, windows)
    want = skipgram_pairs_reference(ids, window, sid, windows)
    np.testing.assert_array_equal(got[0], want[0])  # same pairs, same order
    np.testing.assert_array_equal(got[1], want[1])


def test_pairs_never_cross_sentences():
    lengths = [3, 1, 4]
    ids = np.array([0, 1, 2, 10, 20, 21, 22, 23])
    centres, contexts = skipgram_pairs(ids, 5, sentence_ids_from_lengths(lengths))
    sentence_of = {0: 0, 1: 0, 2: 0, 10: 1, 20: 2, 21: 2, 22: 2, 23: 2}
    assert all(sentence_of[a] == sentence_of[b] for a, b in zip(centres, contexts))
    assert 10 not in centres  # a one-word sentence has no pair


def test_reduced_window_weights_distances():
    # With b uniform on [1, W], distance d is used with probability (W - d + 1) / W.
    n, W = 200_000, 5
    windows = reduced_windows(n, W, seed=0)
    positions = np.arange(n)
    centres, contexts = skipgram_pairs(positions, W, windows=windows)
    distance = np.abs(centres - contexts)
    freq = np.bincount(distance, minlength=W + 1)[1:] / (2 * n)
    np.testing.assert_allclose(freq, [(W - d + 1) / W for d in range(1, W + 1)], atol=0.01)


@pytest.mark.parametrize("seed", range(3))
def test_cbow_rows_hold_the_skipgram_pairs(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 9, size=15)
    n = int(lengths.sum())
    ids = rng.integers(0, 20, size=n)
    sid = sentence_ids_from_lengths(lengths)
    windows = reduced_windows(n, 3, rng)
    contexts, mask, centres = cbow_contexts(ids, 3, sid, windows)
    assert contexts.shape == mask.shape == (len(centres), 6)
    assert mask.any(axis=1).all()
    from_cbow = [(c, x) for c, row, m in zip(centres, contexts, mask) for x in row[m]]
    from_sg = list(zip(*skipgram_pairs_reference(ids, 3, sid, windows)))
    assert from_cbow == [(int(a), int(b)) for a, b in from_sg]


def test_cbow_drops_centres_without_context():
    contexts, mask, centres = cbow_contexts([5, 6, 7], window=2, sentence_ids=[0, 1, 1])
    assert centres.tolist() == [6, 7]
    assert [row[m].tolist() for row, m in zip(contexts, mask)] == [[7], [6]]


def test_empty_input():
    centres, contexts = skipgram_pairs(np.zeros(0, dtype=np.int64), 3)
    assert len(centres) == len(contexts) == 0
    contexts, mask, centres = cbow_contexts(np.zeros(0, dtype=np.int64), 3)
    assert contexts.shape == (0, 6) and len(centres) == 0


def test_errors_name_the_parameter():
    with pytest.raises(
        ValueError, match=r"The 'window' parameter of skipgram_pairs must be an int in the range \[1, inf\)"
    ):
        skipgram_pairs(IDS, 0)
    with pytest.raises(
        ValueError, match=r"The 'windows' parameter of skipgram_pairs must hold ints in the range \[1, 2\]"
    ):
        skipgram_pairs(IDS, 2, windows=np.full(len(IDS), 3))
    with pytest.raises(ValueError, match="The 'sentence_ids' parameter of cbow_contexts must have the shape"):
        cbow_contexts(IDS, 2, sentence_ids=[0, 0])
    with pytest.raises(ValueError, match="The 'ids' parameter of skipgram_pairs_reference must be a 1-D array"):
        skipgram_pairs_reference([[1, 2]], 2)


def test_pair_multiset_is_symmetric_with_full_windows():
    centres, contexts = skipgram_pairs(IDS, 3)
    assert Counter(zip(centres, contexts)) == Counter(zip(contexts, centres))


# --------------------------------------------------------------------------- reduced windows
def test_reduced_windows_uniform_on_1_to_window():
    w = reduced_windows(500_000, 5, seed=0)
    assert w.min() == 1 and w.max() == 5
    assert stats.chisquare(np.bincount(w - 1, minlength=5), np.full(5, len(w) / 5)).pvalue > 1e-3


def test_reduced_windows_deterministic_and_errors():
    np.testing.assert_array_equal(reduced_windows(10, 3, seed=4), reduced_windows(10, 3, seed=4))
    with pytest.raises(
        ValueError, match=r"The 'window' parameter of reduced_windows must be an int in the range \[1, inf\)"
    ):
        reduced_windows(10, 0)


def test_unchecked_generators_equal_the_public_ones():
    from course.word2vec.pairs import _cbow_contexts, _reduced_windows, _skipgram_pairs

    rng = np.random.default_rng(3)
    ids = rng.integers(0, 9, 60)
    sentence_ids = np.sort(rng.integers(0, 5, 60))
    windows = _reduced_windows(60, 3, np.random.default_rng(1))
    np.testing.assert_array_equal(windows, reduced_windows(60, 3, seed=1))
    for got, want in [
        (_skipgram_pairs(ids, 3, sentence_ids, windows), skipgram_pairs(ids, 3, sentence_ids, windows)),
        (_cbow_contexts(ids, 3, sentence_ids, windows), cbow_contexts(ids, 3, sentence_ids, windows)),
    ]:
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_trainer_validates_window_once_not_per_chunk(monkeypatch):
    from course.word2vec import Word2Vec, pairs

    def fail(*args, **kwargs):
        raise AssertionError("the trainer re-validated a chunk")

    monkeypatch.setattr(pairs, "_check", fail)
    monkeypatch.setattr(pairs, "check_int", fail)
    sentences = [WORDS, WORDS[::-1]] * 20
    for kw in (dict(sg="skipgram", negative=2), dict(sg="cbow", negative=2), dict(sg="skipgram", hs=1, negative=0)):
        model = Word2Vec(vector_size=4, window=2, min_count=1, epochs=1, batch_words=10, progress=False, **kw)
        assert model.fit(sentences).wv is not None
    with pytest.raises(ValueError, match=r"The 'window' parameter of Word2Vec must be an int in the range \[1, inf\)"):
        Word2Vec(window=0)

"""Tests of course.word2vec.subsampling: the paper's and word2vec.c's keep probabilities, the mask.

Oracles: closed forms and gensim 4.4.0's own subsampling thresholds.
"""

import numpy as np
import pytest

from course.word2vec.subsampling import keep_probabilities, subsample_mask

ZIPF = np.array([1000 // k for k in range(1, 41)])  # 40 words, Zipf-like counts


# --------------------------------------------------------------------------- subsampling
def test_keep_probabilities_closed_forms():
    counts = np.array([5000, 1000, 100, 10, 1])
    t = 1e-2
    f = counts / counts.sum()
    np.testing.assert_allclose(keep_probabilities(counts, t, "paper"), np.minimum(1, np.sqrt(t / f)))
    np.testing.assert_allclose(keep_probabilities(counts, t, "word2vec.c"), np.minimum(1, (np.sqrt(f / t) + 1) * t / f))


def test_code_rule_keeps_more_and_starts_later():
    counts = np.array([10**6, 10**5, 10**4, 10**3, 10**2, 10])
    t = 1e-3
    paper, code = keep_probabilities(counts, t, "paper"), keep_probabilities(counts, t, "word2vec.c")
    assert np.all(code >= paper)
    f = counts / counts.sum()
    assert np.all(code[f <= 2.618 * t] == 1.0)  # code: nothing dropped below f = golden ratio * t
    assert np.all(paper[f <= t] == 1.0) and np.all(paper[f > t] < 1.0)
    assert code[0] / paper[0] == pytest.approx(1 + np.sqrt(t / f[0]))  # code = paper + t / f


def test_sample_zero_keeps_everything():
    np.testing.assert_array_equal(keep_probabilities([100, 1], 0.0), [1.0, 1.0])


def test_keep_probabilities_errors():
    with pytest.raises(
        ValueError, match="The 'rule' parameter of keep_probabilities must be one of 'word2vec.c', 'paper'"
    ):
        keep_probabilities([1, 2], 1e-3, rule="gensim")
    with pytest.raises(
        ValueError, match=r"The 'sample' parameter of keep_probabilities must be a float in the range \[0, 1\)"
    ):
        keep_probabilities([1, 2], 1.5)


def test_keep_probabilities_match_gensim():
    pytest.importorskip("gensim")
    from gensim.models import Word2Vec

    sentences = [[f"w{k}"] * int(c) for k, c in enumerate(ZIPF)]
    model = Word2Vec(vector_size=4, min_count=1, sample=1e-2, epochs=1, workers=1)
    model.build_vocab(sentences)
    counts = np.array([model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key])
    gensim_keep = np.array([model.wv.get_vecattr(w, "sample_int") for w in model.wv.index_to_key]) / 2**32
    np.testing.assert_allclose(keep_probabilities(counts, 1e-2, "word2vec.c"), gensim_keep, atol=1e-9)


def test_subsample_mask_rate():
    keep = np.array([1.0, 0.3, 0.0])
    ids = np.repeat([0, 1, 2], 100_000)
    mask = subsample_mask(ids, keep, seed=0)
    rates = [mask[ids == w].mean() for w in range(3)]
    assert rates[0] == 1.0 and rates[2] == 0.0
    assert abs(rates[1] - 0.3) < 5 * np.sqrt(0.3 * 0.7 / 100_000)

"""Tests of course.word2vec.negative_sampling: noise distribution, alias table, word2vec.c's table.

Oracles: closed forms, a line-by-line port of word2vec.c's InitUnigramTable, gensim 4.4.0's own
noise table, and chi-square tests of drawn frequencies. (shifted_pmi is tested with its check in
tests/test_checks_negative_sampling.py.)
"""

import numpy as np
import pytest
from scipy import stats

from course.word2vec._common import as_generator
from course.word2vec.negative_sampling import AliasTable, noise_distribution, unigram_table

ZIPF = np.array([1000 // k for k in range(1, 41)])  # 40 words, Zipf-like counts


def chi_square_pvalue(draws, probs):
    """p-value of Pearson's chi-square test of the draws against probs (bins with p > 0)."""
    observed = np.bincount(draws, minlength=len(probs))
    expected = probs * len(draws)
    used = probs > 0
    assert observed[~used].sum() == 0, "drew a word of probability 0"
    return stats.chisquare(observed[used], expected[used]).pvalue


# --------------------------------------------------------------------------- noise distribution
def test_noise_distribution_closed_form():
    p = noise_distribution(ZIPF, 0.75)
    expected = ZIPF**0.75 / (ZIPF**0.75).sum()
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    assert p.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("alpha, expected", [(0.0, np.full(4, 0.25)), (1.0, np.array([4, 3, 2, 1]) / 10)])
def test_noise_distribution_limits(alpha, expected):
    np.testing.assert_allclose(noise_distribution([4, 3, 2, 1], alpha), expected)


def test_noise_exponent_moves_mass_to_rare_words():
    p1, p075, p0 = (noise_distribution(ZIPF, a) for a in (1.0, 0.75, 0.0))
    assert p075[-1] > p1[-1] and p0[-1] > p075[-1]  # the rarest word gains
    assert p075[0] < p1[0]  # the most frequent loses


def test_noise_distribution_zero_counts_get_no_mass():
    assert noise_distribution([3, 0, 1], 0.75)[1] == 0.0


def test_noise_distribution_errors():
    with pytest.raises(ValueError, match="'counts' parameter of noise_distribution"):
        noise_distribution([1, -1])
    with pytest.raises(TypeError, match="'ns_exponent' parameter of noise_distribution must be a float"):
        noise_distribution([1, 2], "0.75")


def test_noise_distribution_matches_gensim_cum_table():
    gensim = pytest.importorskip("gensim")
    from gensim.models import Word2Vec

    sentences = [[f"w{k}"] * int(c) for k, c in enumerate(ZIPF)]
    model = Word2Vec(vector_size=4, min_count=1, negative=5, ns_exponent=0.75, epochs=1, workers=1)
    model.build_vocab(sentences)
    assert gensim.__version__ == "4.4.0"
    counts = np.array([model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key])
    gensim_p = np.diff(np.concatenate([[0], model.cum_table])) / model.cum_table[-1]
    np.testing.assert_allclose(noise_distribution(counts, 0.75), gensim_p, atol=1e-8)


# --------------------------------------------------------------------------- alias table
@pytest.mark.parametrize("seed", range(5))
def test_alias_table_represents_the_distribution_exactly(seed):
    rng = np.random.default_rng(seed)
    p = rng.random(200) ** 3
    p[rng.integers(0, 200, 10)] = 0.0
    p /= p.sum()
    table = AliasTable(p)
    np.testing.assert_allclose(table.probabilities(), p, atol=1e-12)
    assert np.all((table.prob_ >= 0) & (table.prob_ <= 1 + 1e-12))


def test_alias_table_draws_pass_a_chi_square_test():
    p = noise_distribution(ZIPF, 0.75)
    draws = AliasTable(p).sample(1_000_000, seed=0)
    assert chi_square_pvalue(draws, p) > 1e-3


def test_alias_table_frequencies_within_sampling_error():
    p = noise_distribution(ZIPF, 0.75)
    n = 400_000
    freq = np.bincount(AliasTable(p).sample(n, seed=1), minlength=len(p)) / n
    sd = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(freq - p) < 5 * sd)


def test_alias_table_shape_and_seed():
    t = AliasTable([1, 2, 3])
    a = t.sample((4, 5), seed=7)
    assert a.shape == (4, 5) and a.dtype == np.int64
    np.testing.assert_array_equal(a, t.sample((4, 5), seed=7))
    rng = np.random.default_rng(7)
    first, second = t.sample(100, rng), t.sample(100, rng)
    assert not np.array_equal(first, second)  # the Generator advances


def test_alias_table_never_draws_zero_probability():
    draws = AliasTable([0.0, 1.0, 0.0, 3.0]).sample(10_000, seed=0)
    assert set(np.unique(draws)) == {1, 3}


# --------------------------------------------------------------------------- word2vec.c table
def word2vec_c_unigram_table(counts, power, table_size):
    """Line-by-line port of word2vec.c's InitUnigramTable."""
    train_words_pow = sum(c**power for c in counts)
    table = np.zeros(table_size, dtype=np.int32)
    i = 0
    d1 = counts[i] ** power / train_words_pow
    for a in range(table_size):
        table[a] = i
        if a / table_size > d1:
            i += 1
            d1 += counts[i] ** power / train_words_pow
        if i >= len(counts):
            i = len(counts) - 1
    return table


@pytest.mark.parametrize("counts, size", [([5, 3, 2], 50), (list(ZIPF[:10]), 1000), ([1, 1], 10)])
def test_unigram_table_equals_word2vec_c(counts, size):
    np.testing.assert_array_equal(unigram_table(counts, 0.75, size), word2vec_c_unigram_table(counts, 0.75, size))


def test_unigram_table_shares_approach_noise_distribution():
    p = noise_distribution(ZIPF, 0.75)
    shares = np.bincount(unigram_table(ZIPF, 0.75, 100_000), minlength=len(p)) / 100_000
    np.testing.assert_allclose(shares, p, atol=3e-5)


def test_as_generator_passes_generators_through():
    rng = np.random.default_rng(0)
    assert as_generator(rng) is rng
    assert isinstance(as_generator(None), np.random.Generator)

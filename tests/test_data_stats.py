import numpy as np
import pytest

from course.data.stats import coverage_by_vocab_size, heaps_curve, heaps_fit, rank_frequency, zipf_fit


def test_zipf_fit_recovers_exponent_of_exact_power_law():
    ranks = np.arange(1, 2001)
    counts = np.round(1e7 * ranks**-1.1)
    s, c = zipf_fit(counts, min_rank=10, max_rank=1000)
    assert s == pytest.approx(1.1, abs=1e-3)
    assert c == pytest.approx(1e7, rel=1e-2)


def test_zipf_fit_is_order_invariant():
    counts = [5, 100, 20, 1, 50]
    assert zipf_fit(counts) == pytest.approx(zipf_fit(sorted(counts)))


def test_rank_frequency_rejects_empty_and_nonpositive():
    with pytest.raises(ValueError, match="'counts' parameter of rank_frequency must not be empty"):
        rank_frequency([])
    with pytest.raises(ValueError, match="positive counts"):
        rank_frequency([3, 0])


def test_heaps_curve_counts_distinct_words_brute_force():
    rng = np.random.default_rng(0)
    tokens = [f"w{i}" for i in rng.zipf(1.5, size=5000) % 700]
    n, v = heaps_curve(tokens, points=30)
    assert n[-1] == len(tokens) and np.all(np.diff(n) > 0)
    for ni, vi in zip(n, v):
        assert vi == len(set(tokens[:ni]))


def test_heaps_fit_recovers_parameters_and_needs_points():
    n = np.geomspace(1e3, 1e7, 20)
    k, beta = heaps_fit(n, 12.0 * n**0.55)
    assert (k, beta) == pytest.approx((12.0, 0.55))
    with pytest.raises(ValueError, match="at least two points"):
        heaps_fit(n, n, min_tokens=1e8)


def test_coverage_by_vocab_size_matches_brute_force():
    words = [f"w{i}" for i in range(100)]
    rng = np.random.default_rng(1)
    questions = [tuple(f"w{j}" for j in rng.integers(0, 130, size=4)) for _ in range(200)]
    for size, frac in coverage_by_vocab_size(words, questions, [0, 10, 50, 100]):
        top = set(words[:size])
        assert frac == pytest.approx(np.mean([all(w in top for w in q) for q in questions]))


def test_zipf_token_share_and_hapax():
    from course.data.stats import hapax_fraction, zipf_token_share

    assert zipf_token_share(3, 3) == 1.0
    assert zipf_token_share(2, 4) == pytest.approx((1 + 1 / 2) / (1 + 1 / 2 + 1 / 3 + 1 / 4))
    with pytest.raises(ValueError, match="'k' parameter"):
        zipf_token_share(5, 3)
    assert hapax_fraction([1, 2, 1, 1]) == 0.75

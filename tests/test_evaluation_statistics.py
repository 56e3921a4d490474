"""Intervals and paired tests against independent oracles (scipy) and hand-computed cases."""

import math

import numpy as np
import pytest
from scipy import stats

from course.evaluation.statistics import bootstrap_interval, mcnemar_exact, seed_spread, wilson_interval


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 10), (3, 10), (30, 100), (500, 1000), (999, 1000), (2600, 9642)])
def test_wilson_matches_scipy(k, n):
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(expected.low, abs=1e-12) and hi == pytest.approx(expected.high, abs=1e-12)


def test_wilson_other_confidence_and_contains_the_estimate():
    lo90, hi90 = wilson_interval(40, 100, confidence=0.9)
    lo99, hi99 = wilson_interval(40, 100, confidence=0.99)
    assert lo99 < lo90 < 0.4 < hi90 < hi99
    expected = stats.binomtest(40, 100).proportion_ci(confidence_level=0.9, method="wilson")
    assert (lo90, hi90) == pytest.approx((expected.low, expected.high), abs=1e-12)


@pytest.mark.parametrize(
    "k, n, message",
    [(5, 4, "must be at most n = 4"), (-1, 4, "'k' parameter"), (0, 0, "'n' parameter"), (1.5, 4, "'k' parameter")],
)
def test_wilson_refuses_bad_counts(k, n, message):
    with pytest.raises((ValueError, TypeError), match=message):
        wilson_interval(k, n)


def test_wilson_refuses_a_confidence_outside_zero_one():
    with pytest.raises(ValueError, match="'confidence' parameter of wilson_interval"):
        wilson_interval(1, 2, confidence=1.0)


def _exact_mcnemar_oracle(b, c):
    return 1.0 if b + c == 0 else min(1.0, stats.binomtest(b, b + c, 0.5).pvalue)


@pytest.mark.parametrize(
    "b, c, both, neither",
    [(0, 0, 5, 5), (5, 0, 10, 3), (0, 5, 1, 1), (7, 3, 0, 0), (40, 60, 500, 400), (12, 12, 3, 3), (1, 30, 0, 0)],
)
def test_mcnemar_matches_the_exact_binomial_test(b, c, both, neither):
    a = [1] * b + [0] * c + [1] * both + [0] * neither
    bb = [0] * b + [1] * c + [1] * both + [0] * neither
    result = mcnemar_exact(a, bb)
    assert (result.only_a, result.only_b, result.n) == (b, c, len(a))
    assert result.p_value == pytest.approx(_exact_mcnemar_oracle(b, c), rel=1e-12)
    assert result.difference == pytest.approx((b - c) / len(a))


def test_mcnemar_is_symmetric_and_a_clear_difference_is_significant():
    rng = np.random.default_rng(0)
    a = rng.random(2000) < 0.35
    b = a.copy()
    flip = rng.choice(2000, 120, replace=False)
    b[flip] = False
    r = mcnemar_exact(a, b)
    assert r.p_value == mcnemar_exact(b, a).p_value
    assert r.significant() and not mcnemar_exact(a, a).significant()


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([1, 0], [1], "one outcome per question"),
        ([1, 2], [1, 0], "only True/False"),
        ([[1, 0]], [[1, 0]], "1-d sequence"),
        ([], [], "at least one question"),
    ],
)
def test_mcnemar_refuses_bad_outcomes(a, b, message):
    with pytest.raises(ValueError, match=message):
        mcnemar_exact(a, b)


def test_bootstrap_is_seeded_and_covers_the_wilson_interval_roughly():
    outcomes = np.array([True] * 300 + [False] * 700)
    first = bootstrap_interval(outcomes, n_boot=2000, seed=1)
    assert first == bootstrap_interval(outcomes, n_boot=2000, seed=1)
    lo, hi = wilson_interval(300, 1000)
    assert first[0] == pytest.approx(lo, abs=0.01) and first[1] == pytest.approx(hi, abs=0.01)


def test_bootstrap_of_a_paired_difference():
    rng = np.random.default_rng(2)
    both = np.stack([rng.random(500) < 0.6, rng.random(500) < 0.4], axis=1)
    lo, hi = bootstrap_interval(both, lambda s: s[:, 0].mean() - s[:, 1].mean(), n_boot=1000)
    assert lo < both[:, 0].mean() - both[:, 1].mean() < hi and lo > 0


def test_seed_spread():
    s = seed_spread([0.30, 0.32, 0.31])
    assert s.mean == pytest.approx(0.31) and s.std == pytest.approx(0.01) and (s.low, s.high, s.n) == (0.30, 0.32, 3)
    assert seed_spread([0.5]).std == 0.0
    with pytest.raises(ValueError, match="finite numbers"):
        seed_spread([0.1, math.nan])


def test_perplexity_ratio_resamples_sentences_and_brackets_the_truth():
    from course.evaluation.statistics import perplexity_ratio

    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 20, size=400)
    n = int(lengths.sum())
    base = rng.gamma(2.0, 2.0, size=n)
    better = base - 0.1  # every token 0.1 nats cheaper: PPL ratio exp(-0.1)
    r = perplexity_ratio(better, base, lengths)
    assert np.isclose(r.ratio, np.exp(-0.1)) and r.lo <= r.ratio <= r.hi and r.significant()
    noisy = base + rng.normal(0, 1.0, size=n)  # same model plus noise: no difference in expectation
    r2 = perplexity_ratio(noisy - (noisy.mean() - base.mean()), base, lengths)
    assert r2.lo < 1 < r2.hi and not r2.significant()
    with pytest.raises(ValueError, match="summing to N"):
        perplexity_ratio(base, base, lengths[:-1])
    with pytest.raises(ValueError, match="must be finite"):
        perplexity_ratio(np.full(n, np.inf), base, lengths)

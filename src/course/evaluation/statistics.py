"""How sure a measured accuracy is, and whether two models differ: intervals and paired tests.

An analogy accuracy is a share of questions answered right; with a few thousand questions its
third digit is noise. This module gives the interval a reported share carries and the test a
claimed difference must pass:

- :func:`wilson_interval`: the 95 % score interval of a proportion (Wilson 1927), good even near
  0 or 1 and for small n, where the normal approximation fails;
- :func:`bootstrap_interval`: the percentile bootstrap over questions (Efron & Tibshirani 1993),
  for any statistic of per-question outcomes, seeded so a printed interval is reproducible;
- :func:`mcnemar_exact`: McNemar's exact test for two models answering the same questions
  (McNemar 1947): only the questions where exactly one model is right carry information, and
  under "no difference" each of those is a fair coin;
- :func:`seed_spread`: mean, spread and range of one figure over training seeds;
- :func:`perplexity_ratio`: the ratio of two language models' perplexities on the same tokens, with
  a paired bootstrap over sentences (the unit that is sampled; tokens of a sentence are not
  independent).

A difference the paired test does not support at 5 % is noise, whatever its size looks like.

>>> lo, hi = wilson_interval(30, 100)
>>> round(lo, 4), round(hi, 4)
(0.2189, 0.3958)
>>> mcnemar_exact([1, 1, 1, 0, 1], [0, 0, 0, 0, 1]).p_value
0.25
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ..base.validation import check_float, check_int

__all__ = [
    "wilson_interval",
    "bootstrap_interval",
    "McNemar",
    "mcnemar_exact",
    "seed_spread",
    "SeedSpread",
    "PerplexityRatio",
    "perplexity_ratio",
]

_NORMAL_QUANTILES = {0.9: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004}


def _z(confidence: float, owner: str) -> float:
    confidence = check_float(confidence, "confidence", owner, low=0.0, high=1.0, low_closed=False, high_closed=False)
    if confidence in _NORMAL_QUANTILES:
        return _NORMAL_QUANTILES[confidence]
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _outcomes(x, name: str, owner: str) -> np.ndarray:
    """Per-question outcomes as a bool array: 1/0, True/False; anything else is an error."""
    a = np.asarray(x)
    if a.ndim != 1:
        raise ValueError(
            f"The {name!r} parameter of {owner} must be a 1-d sequence of per-question outcomes "
            f"(True/False or 1/0). Got an array of shape {a.shape} instead."
        )
    if a.dtype != bool:
        numeric = np.issubdtype(a.dtype, np.number)
        if not numeric or not np.isin(a, (0, 1)).all():
            examples = (a[~np.isin(a, (0, 1))] if numeric else a)[:3].tolist()
            raise ValueError(
                f"The {name!r} parameter of {owner} must hold only True/False or 1/0 "
                f"(one outcome per question). Got values such as {examples} instead."
            )
        a = a.astype(bool)
    return a


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of the proportion ``k / n``.

    Parameters
    ----------
    k : int
        Successes (questions answered right), ``0 <= k <= n``.
    n : int
        Trials (questions), at least 1.
    confidence : float, default=0.95

    Returns
    -------
    (lo, hi) : tuple of float
        With :math:`\\hat p = k/n` and :math:`z` the normal quantile,
        :math:`\\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}`.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22(158), 209-212.

    Examples
    --------
    >>> wilson_interval(0, 10)[0], round(wilson_interval(0, 10)[1], 4)
    (0.0, 0.2775)
    """
    owner = "wilson_interval"
    n = check_int(n, "n", owner, low=1)
    k = check_int(k, "k", owner, low=0)
    if k > n:
        raise ValueError(
            f"The 'k' parameter of {owner} must be at most n = {n} (successes out of n trials). Got {k} instead."
        )
    z = _z(confidence, owner)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap_interval(
    outcomes: Sequence,
    statistic: Callable[[np.ndarray], float] = np.mean,
    *,
    n_boot: int = 10_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over resampled questions.

    Parameters
    ----------
    outcomes : sequence of bool or array of shape (n,) or (n, m)
        One row per question (for a paired statistic, one column per model).
    statistic : callable, default=numpy.mean
        Takes the resampled rows (shape (n,) or (n, m)) and returns a float.
    n_boot : int, default=10000
    confidence : float, default=0.95
    seed : int, default=0
        The resampling is seeded: the same call prints the same interval.

    Returns
    -------
    (lo, hi) : tuple of float
    """
    owner = "bootstrap_interval"
    a = np.asarray(outcomes)
    if a.ndim not in (1, 2) or len(a) == 0:
        raise ValueError(
            f"The 'outcomes' parameter of {owner} must be a non-empty array of shape (n,) or (n, m). "
            f"Got shape {a.shape} instead."
        )
    n_boot = check_int(n_boot, "n_boot", owner, low=1)
    z_conf = check_float(confidence, "confidence", owner, low=0.0, high=1.0, low_closed=False, high_closed=False)
    rng = np.random.default_rng(check_int(seed, "seed", owner, low=0))
    n = len(a)
    stats = np.empty(n_boot)
    for b in range(n_boot):
        stats[b] = statistic(a[rng.integers(0, n, size=n)])
    tail = (1 - z_conf) / 2
    lo, hi = np.quantile(stats, [tail, 1 - tail])
    return float(lo), float(hi)


class McNemar(NamedTuple):
    """McNemar's exact test of two models on the same questions."""

    only_a: int  # questions model A got right and model B wrong
    only_b: int  # questions B got right and A wrong
    n: int  # questions compared
    p_value: float  # two-sided, exact binomial
    difference: float  # accuracy of A minus accuracy of B

    def significant(self, alpha: float = 0.05) -> bool:
        """True when the test supports a difference at level ``alpha``."""
        return self.p_value < alpha


def _binom_cdf_half(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2), exactly (integer sums, one division)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n


def mcnemar_exact(a_correct: Sequence, b_correct: Sequence) -> McNemar:
    """McNemar's exact test: is model A's accuracy different from model B's on the same questions?

    Parameters
    ----------
    a_correct, b_correct : sequence of bool, same length
        Per-question outcomes of the two models, in the same question order.

    Returns
    -------
    McNemar
        With ``b`` = questions only A got right and ``c`` = only B, the p-value is
        :math:`\\min(1, 2\\,P(X \\le \\min(b, c)))` for :math:`X \\sim \\mathrm{Bin}(b + c, 1/2)`;
        1.0 when no question separates the models.

    References
    ----------
    McNemar, Q. (1947). Note on the sampling error of the difference between correlated
    proportions or percentages. Psychometrika 12(2), 153-157.
    """
    owner = "mcnemar_exact"
    a, b = _outcomes(a_correct, "a_correct", owner), _outcomes(b_correct, "b_correct", owner)
    if len(a) != len(b):
        raise ValueError(
            f"The 'b_correct' parameter of {owner} must have one outcome per question of a_correct "
            f"({len(a)}). Got {len(b)} instead."
        )
    if len(a) == 0:
        raise ValueError(f"The 'a_correct' parameter of {owner} must hold at least one question. Got none instead.")
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    m = only_a + only_b
    p = 1.0 if m == 0 else min(1.0, 2 * _binom_cdf_half(min(only_a, only_b), m))
    return McNemar(only_a, only_b, len(a), p, float(a.mean() - b.mean()))


class SeedSpread(NamedTuple):
    mean: float
    std: float  # sample standard deviation (n - 1); 0 for one seed
    low: float
    high: float
    n: int


def seed_spread(values: Sequence[float]) -> SeedSpread:
    """Mean, sample standard deviation and range of one figure over training seeds."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) == 0 or not np.isfinite(v).all():
        raise ValueError(
            f"The 'values' parameter of seed_spread must be a non-empty 1-d sequence of finite numbers. "
            f"Got {list(values)[:5]!r} instead."
        )
    return SeedSpread(
        float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0, float(v.min()), float(v.max()), len(v)
    )


class PerplexityRatio(NamedTuple):
    """``PPL_a / PPL_b`` on the same tokens, with a paired bootstrap interval over sentences."""

    ratio: float
    lo: float
    hi: float
    p_value: float  # two-sided: how often the resampled ratio falls on the other side of 1
    sentences: int

    def significant(self, alpha: float = 0.05) -> bool:
        """True when the interval at this level excludes 1 (the bootstrap's p-value below ``alpha``)."""
        return self.p_value < alpha

    def __str__(self) -> str:
        return f"{self.ratio:.3f} (95 % CI {self.lo:.3f}-{self.hi:.3f})"

    def verdict(self, alpha: float = 0.05) -> str:
        """ "lower", "higher" or "no difference (noise)", by the paired bootstrap at ``alpha``."""
        if not self.significant(alpha):
            return "no difference (noise)"
        return "lower" if self.ratio < 1 else "higher"


def perplexity_ratio(
    nll_a, nll_b, lengths: Sequence[int], *, n_boot: int = 2000, confidence: float = 0.95, seed: int = 0
) -> PerplexityRatio:
    """Ratio of two models' perplexities on the same predicted tokens, resampling whole sentences.

    Parameters
    ----------
    nll_a, nll_b : array of shape (N,)
        Each model's negative log-likelihood of every predicted token, in the same order.
    lengths : sequence of int
        Predicted tokens per sentence, in order (they sum to N).
    n_boot, confidence, seed
        As in :func:`bootstrap_interval`.

    >>> r = perplexity_ratio([1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0], [2, 2])
    >>> (r.ratio, r.lo, r.hi)
    (1.0, 1.0, 1.0)
    """
    owner = "perplexity_ratio"
    a, b = np.asarray(nll_a, dtype=np.float64), np.asarray(nll_b, dtype=np.float64)
    n = np.asarray(lengths, dtype=np.int64)
    if a.ndim != 1 or a.shape != b.shape or n.ndim != 1 or (n < 1).any() or n.sum() != len(a):
        raise ValueError(
            f"{owner} needs 'nll_a' and 'nll_b' of the same length N and 'lengths' of positive sentence lengths "
            f"summing to N. Got {a.shape}, {b.shape} and lengths summing to {int(n.sum())}."
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError(f"The NLLs given to {owner} must be finite (a model gave a test token probability 0).")
    n_boot = check_int(n_boot, "n_boot", owner, low=1)
    conf = check_float(confidence, "confidence", owner, low=0.0, high=1.0, low_closed=False, high_closed=False)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    diff = np.add.reduceat(a - b, starts)  # per sentence: sum of NLL differences
    rng = np.random.default_rng(check_int(seed, "seed", owner, low=0))
    m = len(n)
    idx = rng.integers(0, m, size=(n_boot, m))
    log_ratios = diff[idx].sum(axis=1) / n[idx].sum(axis=1)
    tail = (1 - conf) / 2
    lo, hi = np.exp(np.quantile(log_ratios, [tail, 1 - tail]))
    log_ratio = diff.sum() / n.sum()
    other_side = np.mean(log_ratios >= 0) if log_ratio < 0 else np.mean(log_ratios <= 0)
    p = min(1.0, 2 * float(other_side))
    return PerplexityRatio(float(np.exp(log_ratio)), float(lo), float(hi), p, m)

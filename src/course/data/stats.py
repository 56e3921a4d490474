"""Statistics of a corpus that chapter 00 shows: Zipf's law, Heaps' law, evaluation-set coverage.

Zipf's law :cite:`zipf1949` says the frequency of the word of rank :math:`r` falls as a power
of the rank, :math:`f(r) \\approx C r^{-s}` with :math:`s` near 1. Heaps' law :cite:`heaps1978`
says the number of distinct words in the first :math:`n` tokens grows as :math:`V(n) = K n^\\beta`
with :math:`\\beta` between about 0.4 and 0.6. Both are straight lines on log-log axes, so both
are fitted here by least squares on the logarithms.

>>> s, c = zipf_fit([100, 50, 33, 25, 20])
>>> round(s, 2)
1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ..base.validation import check_finite, check_int, check_nonempty

__all__ = [
    "rank_frequency",
    "zipf_fit",
    "heaps_curve",
    "heaps_fit",
    "coverage_by_vocab_size",
    "zipf_token_share",
    "hapax_fraction",
]


def rank_frequency(counts: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
    """Ranks ``1..V`` and the counts sorted in decreasing order.

    Returns
    -------
    ranks : ndarray of shape (V,)
    freqs : ndarray of shape (V,)
    """
    freqs = np.sort(np.asarray(list(counts), dtype=np.float64))[::-1]
    check_nonempty(freqs, "counts", "rank_frequency")
    check_finite(freqs, "counts", "rank_frequency")
    if freqs[-1] <= 0:
        raise ValueError("The 'counts' parameter of rank_frequency must hold positive counts. Got a count <= 0.")
    return np.arange(1, len(freqs) + 1, dtype=np.float64), freqs


def zipf_fit(counts: Iterable[int], min_rank: int = 1, max_rank: int | None = None) -> tuple[float, float]:
    """Fit ``f(r) = C r^(-s)`` by least squares of ``log f`` on ``log r`` over ranks in a range.

    Parameters
    ----------
    counts : iterable of int
        Word counts in any order.
    min_rank, max_rank : int, default=1, None
        The rank range fitted (inclusive); the head and the long tail of hapaxes bend away from
        the line, so chapter 00 fits the middle.

    Returns
    -------
    s : float
        The Zipf exponent (positive).
    C : float
        The constant.
    """
    ranks, freqs = rank_frequency(counts)
    min_rank = check_int(min_rank, "min_rank", "zipf_fit", low=1, high=len(ranks))
    max_rank = len(ranks) if max_rank is None else check_int(max_rank, "max_rank", "zipf_fit", low=min_rank + 1)
    sel = slice(min_rank - 1, min(max_rank, len(ranks)))
    if sel.stop - sel.start < 2:
        raise ValueError("zipf_fit needs at least two ranks in [min_rank, max_rank] to fit a line.")
    slope, intercept = np.polyfit(np.log(ranks[sel]), np.log(freqs[sel]), 1)
    return float(-slope), float(np.exp(intercept))


def heaps_curve(tokens: Sequence[str], points: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Vocabulary size after the first ``n`` tokens, at ``points`` log-spaced values of ``n``.

    ``tokens`` is a sequence of words or of word ids (anything hashable; not a str).

    Returns
    -------
    n : ndarray of shape (points,)
        Token counts (distinct, increasing, the last is ``len(tokens)``).
    v : ndarray of shape (points,)
        Distinct words among the first ``n`` tokens.
    """
    if isinstance(tokens, (str, bytes)):  # it would count letters
        raise TypeError(f"The 'tokens' parameter of heaps_curve must be a sequence of tokens (words or word ids). "
                        f"Got a str ({tokens[:40]!r}) instead: tokenize it first, e.g. text.split().")
    if not hasattr(tokens, "__len__"):
        tokens = list(tokens)  # an iterator: read once
    check_nonempty(tokens, "tokens", "heaps_curve")
    points = check_int(points, "points", "heaps_curve", low=2)
    n = np.unique(np.geomspace(1, len(tokens), points).astype(np.int64))
    # Flag each token's first occurrence; the running sum of the flags is the vocabulary size.
    seen: set = set()
    is_new = np.fromiter((not (t in seen or seen.add(t)) for t in tokens), dtype=np.int64, count=len(tokens))
    v = np.cumsum(is_new)[n - 1]
    return n, v


def heaps_fit(n: np.ndarray, v: np.ndarray, min_tokens: int = 1000) -> tuple[float, float]:
    """Fit ``V(n) = K n^beta`` by least squares on the logarithms for ``n >= min_tokens``.

    Returns
    -------
    K : float
    beta : float

    Examples
    --------
    >>> n = np.array([1e3, 1e4, 1e5, 1e6])
    >>> K, beta = heaps_fit(n, 30 * n ** 0.5)
    >>> round(K, 3), round(beta, 3)
    (30.0, 0.5)
    """
    n = np.asarray(n, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    keep = n >= min_tokens
    if keep.sum() < 2:
        raise ValueError(f"heaps_fit needs at least two points with n >= min_tokens={min_tokens}.")
    beta, log_k = np.polyfit(np.log(n[keep]), np.log(v[keep]), 1)
    return float(np.exp(log_k)), float(beta)


def coverage_by_vocab_size(
    index_to_key: Sequence[str], questions: Sequence[Sequence[str]], sizes: Iterable[int]
) -> list[tuple[int, float]]:
    """Fraction of questions whose words all lie among the ``size`` most frequent words.

    Parameters
    ----------
    index_to_key : sequence of str
        Words in decreasing frequency order.
    questions : sequence of sequences of str
        Each question's words (for an analogy, its four words).
    sizes : iterable of int
        Vocabulary sizes to evaluate.

    Returns
    -------
    list of (size, fraction)

    Examples
    --------
    >>> coverage_by_vocab_size(["the", "king", "queen", "man"], [("king", "queen"), ("man", "woman")], [2, 3, 4])
    [(2, 0.0), (3, 0.5), (4, 0.5)]
    """
    check_nonempty(questions, "questions", "coverage_by_vocab_size")
    for i, q in enumerate(questions):
        if isinstance(q, (str, bytes)):  # its letters would be looked up as words
            raise TypeError(f"The 'questions' parameter of coverage_by_vocab_size must hold sequences of words. "
                            f"Got a str ({q[:40]!r}) at index {i} instead: wrap it as [{q[:40]!r}] or split it.")
    rank = {w: i for i, w in enumerate(index_to_key)}
    worst = np.array([max(rank.get(w, len(rank)) for w in q) for q in questions])
    out = []
    for size in sizes:
        size = check_int(size, "sizes", "coverage_by_vocab_size", low=0)
        out.append((size, float(np.mean(worst < size))))
    return out


def zipf_token_share(k: int, vocab_size: int, s: float = 1.0) -> float:
    """Share of all tokens taken by the ``k`` most frequent words if counts follow ``r^-s`` exactly.

    With ``s = 1`` this is the ratio of harmonic numbers :math:`H_k / H_V`.

    Examples
    --------
    >>> round(zipf_token_share(1, 2), 4)  # H_1 / H_2 = 1 / 1.5
    0.6667
    """
    vocab_size = check_int(vocab_size, "vocab_size", "zipf_token_share", low=1)
    k = check_int(k, "k", "zipf_token_share", low=0, high=vocab_size)
    weights = np.arange(1, vocab_size + 1, dtype=np.float64) ** -float(s)
    return float(weights[:k].sum() / weights.sum())


def hapax_fraction(counts: Iterable[int]) -> float:
    """Fraction of word types that occur exactly once (hapax legomena).

    >>> hapax_fraction([5, 1, 1, 2])
    0.5
    """
    counts = np.asarray(list(counts))
    check_nonempty(counts, "counts", "hapax_fraction")
    return float(np.mean(counts == 1))

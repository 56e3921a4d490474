"""Negative sampling (Mikolov et al. 2013b, section 2.2): the noise distribution and its tables.

A word is drawn as a "negative" with probability ``P_n(w) = U(w)^alpha / Z`` where ``U`` is the
unigram count, ``alpha = ns_exponent = 0.75`` and ``Z`` normalises (:func:`noise_distribution`).
We draw from it with an **alias table** (Walker 1977, in Vose's 1991 construction,
:class:`AliasTable`): ``O(V)`` to build, ``O(1)`` per draw, exact, and vectorised in NumPy.
word2vec.c instead fills a table of 10^8 ints in which word ``w`` occupies a share ``P_n(w)`` of
the cells and draws a random cell (:func:`unigram_table` rebuilds it); gensim 4 keeps a
cumulative table and binary-searches it. All three draw from the same distribution; the alias
table needs only ``2 V`` numbers. :func:`shifted_pmi` is what SGNS factorises (Levy and
Goldberg 2014). The gradients of the objective are in :mod:`course.word2vec.reference` and
:meth:`course.word2vec.model.Word2VecModel._binary_backward`.

Every random function takes an explicit ``seed`` (int or :class:`numpy.random.Generator`).

>>> counts = np.array([50, 30, 15, 5])
>>> noise_distribution(counts, ns_exponent=0.0).tolist()
[0.25, 0.25, 0.25, 0.25]
>>> table = AliasTable(noise_distribution(counts))
>>> table.sample(8, seed=0).tolist()
[1, 0, 2, 0, 0, 0, 0, 0]

References
----------
.. [1] T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, "Distributed Representations of
   Words and Phrases and their Compositionality", NIPS 2013 (section 2.2).
.. [2] A. J. Walker, "An efficient method for generating discrete random variables with general
   distributions", ACM TOMS 3(3), 1977; M. D. Vose, "A linear algorithm for generating random
   numbers with a given distribution", IEEE TSE 17(9), 1991.
.. [3] O. Levy, Y. Goldberg, "Neural Word Embedding as Implicit Matrix Factorization", NIPS 2014.
.. [4] word2vec.c (https://github.com/tmikolov/word2vec): ``InitUnigramTable``.
"""

from __future__ import annotations

import numpy as np

from ..base.validation import check_float, check_int
from ._common import _counts_array, as_generator

__all__ = ["noise_distribution", "AliasTable", "unigram_table", "shifted_pmi"]


def noise_distribution(counts, ns_exponent: float = 0.75) -> np.ndarray:
    """The negative-sampling noise distribution ``U(w)^alpha / Z``.

    Parameters
    ----------
    counts : array-like of shape (V,)
        Unigram counts ``U(w)`` (after ``min_count``).
    ns_exponent : float, default=0.75
        ``alpha``. 1 gives the unigram distribution, 0 the uniform one; 0.75 (the paper's
        choice, found by experiment) moves mass from frequent to rare words. Negative values
        (allowed by gensim) favour rare words even more.

    Returns
    -------
    ndarray of shape (V,)
        Probabilities, summing to one (float64).

    Notes
    -----
    .. math:: P_n(w) = \\frac{U(w)^{\\alpha}}{\\sum_{w'} U(w')^{\\alpha}}

    Words with zero count get probability 0 (for ``alpha > 0``).

    Examples
    --------
    >>> p = noise_distribution([81, 1], ns_exponent=0.75)
    >>> p.round(4).tolist()
    [0.9643, 0.0357]
    """
    arr = _counts_array(counts, "noise_distribution")
    alpha = check_float(ns_exponent, "ns_exponent", "noise_distribution")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        weights = np.where(arr > 0, arr**alpha, 0.0) if alpha != 0 else np.ones_like(arr)
        p = weights / weights.sum()
    if not np.isfinite(p).all() or not np.isclose(p.sum(), 1.0):
        # U(w) ** alpha overflowed to inf (or every weight underflowed to 0): nan, not a distribution
        raise ValueError(
            f"The 'ns_exponent' parameter of noise_distribution is too large in magnitude for these counts: "
            f"U(w) ** ns_exponent is not finite for counts from {arr[arr > 0].min():g} to {arr.max():g}. "
            f"Got {alpha!r} instead; word2vec uses 0.75 (values in [-1, 1] are the usual range)."
        )
    return p


class AliasTable:
    """Walker's alias method (Vose's construction): O(1) draws from a discrete distribution.

    Each of the ``V`` columns holds probability ``1/V`` split between two words: its own word
    ``i`` (share ``prob_[i]``) and one "alias" word ``alias_[i]`` that takes the rest. A draw
    picks a column uniformly and then one of its two words with a biased coin, so it costs one
    random integer and one random float, whatever ``V`` is.

    Parameters
    ----------
    probabilities : array-like of shape (V,)
        Non-negative weights (normalised here).

    Attributes
    ----------
    prob_ : ndarray of shape (V,)
        Probability of keeping column ``i``'s own word.
    alias_ : ndarray of shape (V,)
        The other word of column ``i``.

    Notes
    -----
    Vose's construction: scale the probabilities by ``V``; pair one "small" column (``< 1``)
    with one "large" column, let the large one fill the small one's gap, and put the large one
    back in the small or large list according to what remains. Exactness:
    ``P(i) = (prob_[i] + sum_{j: alias_[j] = i} (1 - prob_[j])) / V``, which
    :meth:`probabilities` recomputes (the tests check it against the input).

    Examples
    --------
    >>> t = AliasTable([0.5, 0.25, 0.25])
    >>> np.allclose(t.probabilities(), [0.5, 0.25, 0.25])
    True
    """

    def __init__(self, probabilities) -> None:
        p = _counts_array(probabilities, "AliasTable")
        V = len(p)
        scaled = p / p.sum() * V
        prob = np.ones(V, dtype=np.float64)
        alias = np.arange(V, dtype=np.int64)
        small = [i for i in range(V) if scaled[i] < 1.0]
        large = [i for i in range(V) if scaled[i] >= 1.0]
        # The loop is O(V) Python steps: about 0.1 s for 300 k words, done once per training run.
        while small and large:
            s, g = small.pop(), large.pop()
            prob[s] = scaled[s]
            alias[s] = g
            scaled[g] = (scaled[g] + scaled[s]) - 1.0
            (small if scaled[g] < 1.0 else large).append(g)
        # Leftovers are 1 up to rounding error: they keep their own word.
        self.prob_ = prob
        self.alias_ = alias

    def __len__(self) -> int:
        return len(self.prob_)

    def probabilities(self) -> np.ndarray:
        """The distribution the table draws from, recomputed from ``prob_`` and ``alias_``.

        Returns
        -------
        ndarray of shape (V,)
        """
        V = len(self.prob_)
        p = self.prob_.copy()
        np.add.at(p, self.alias_, 1.0 - self.prob_)
        return p / V

    def sample(self, size, seed: int | np.random.Generator | None = None) -> np.ndarray:
        """Draw word ids.

        Parameters
        ----------
        size : int or tuple of int
            Output shape, e.g. ``(n_pairs, negative)``.
        seed : int or numpy.random.Generator or None
            Randomness (a Generator is advanced in place).

        Returns
        -------
        ndarray of int64 with shape ``size``
        """
        rng = as_generator(seed)
        column = rng.integers(0, len(self.prob_), size=size)
        coin = rng.random(size=size)
        return np.where(coin < self.prob_[column], column, self.alias_[column])

    def __repr__(self) -> str:
        return f"AliasTable(V={len(self)})"


def unigram_table(counts, ns_exponent: float = 0.75, table_size: int = 10**8) -> np.ndarray:
    """word2vec.c's negative-sampling table: word ``w`` fills a share ``P_n(w)`` of the cells.

    A draw is ``table[randint(table_size)]``, so the resolution is ``1 / table_size``.
    word2vec.c fills the table with a loop that moves to the next word after cell ``a`` once
    ``a / table_size`` passes the running sum of ``P_n``; this vectorised version puts every
    boundary where that loop does, provided no word is thinner than one cell (the loop can
    move on by one word per cell only; here such a word gets no cell).

    Parameters
    ----------
    counts : array-like of shape (V,)
    ns_exponent : float, default=0.75
    table_size : int, default=10**8
        word2vec.c's ``table_size`` (1e8, i.e. 400 MB of int32: keep it small in examples).

    Returns
    -------
    ndarray of int32 with shape (table_size,)

    Examples
    --------
    With 20 cells, word 0 (probability 3/4) should get 15: the loop's lag gives it 17.

    >>> np.bincount(unigram_table([3, 1], ns_exponent=1.0, table_size=20)).tolist()
    [17, 3]
    """
    p = noise_distribution(counts, ns_exponent)
    T = check_int(table_size, "table_size", "unigram_table", low=1)
    # word2vec.c: table[a] = i, and i moves on after cell a once a / T > d1 (cumulative sum up to
    # word i): so cell a belongs to the first word whose cumulative sum is >= (a - 1) / T.
    cumulative = np.cumsum(p)
    cells = (np.arange(T, dtype=np.float64) - 1.0) / T
    table = np.searchsorted(cumulative, cells, side="left")
    return np.minimum(table, len(p) - 1).astype(np.int32)


def shifted_pmi(cooc, k: int) -> np.ndarray:
    """``log(#(w, c) |D| / (#(w) #(c))) - log k``: the optimum of SGNS per (word, context) pair.

    Levy and Goldberg (2014) show that when the dot products are free parameters, the SGNS
    objective is maximised at this value (``-inf`` where the pair was never seen).

    Parameters
    ----------
    cooc : array-like of shape (W, C)
        Co-occurrence counts ``#(w, c)``.
    k : int
        Number of negative samples.

    Returns
    -------
    ndarray of shape (W, C)

    Examples
    --------
    >>> shifted_pmi([[2, 0], [1, 1]], k=1).round(4).tolist()
    [[0.2877, -inf], [-0.4055, 0.6931]]
    """
    cooc = np.asarray(cooc, dtype=float)
    total = cooc.sum()
    word, context = cooc.sum(1, keepdims=True), cooc.sum(0, keepdims=True)
    with np.errstate(divide="ignore"):
        return np.log(cooc * total) - np.log(word * context) - np.log(k)

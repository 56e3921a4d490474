"""Subsampling of frequent words (Mikolov et al. 2013b, section 2.3).

Each occurrence of a word with corpus frequency ``f`` is dropped before the windows are formed.
The paper's rule and word2vec.c's rule differ; :func:`keep_probabilities` has both, and
:func:`subsample_mask` draws which occurrences survive.

>>> keep_probabilities([10, 990], sample=0.01).round(4).tolist()
[1.0, 0.1106]

References
----------
.. [1] T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, "Distributed Representations of
   Words and Phrases and their Compositionality", NIPS 2013 (section 2.3, equation 5).
.. [2] word2vec.c (https://github.com/tmikolov/word2vec): the ``sample`` branch of
   ``TrainModelThread``.
"""

from __future__ import annotations

import numpy as np

from ..base.validation import check_choice, check_float
from ._common import _counts_array, as_generator

__all__ = ["keep_probabilities", "subsample_mask", "SUBSAMPLING_RULES"]

SUBSAMPLING_RULES = ("word2vec.c", "paper")


def keep_probabilities(counts, sample: float = 1e-3, rule: str = "word2vec.c") -> np.ndarray:
    """Probability of keeping each occurrence of a word when subsampling frequent words.

    Parameters
    ----------
    counts : array-like of shape (V,)
        Word counts after ``min_count``; ``f = count / counts.sum()``.
    sample : float, default=1e-3
        The threshold ``t``. 0 disables subsampling (everything is kept).
    rule : {"word2vec.c", "paper"}, default="word2vec.c"
        Which formula to use (see Notes).

    Returns
    -------
    ndarray of shape (V,)
        Keep probabilities in ``(0, 1]``.

    Notes
    -----
    The paper (equation 5) *discards* an occurrence with probability
    ``1 - sqrt(t / f)``, i.e. keeps it with ``min(1, sqrt(t / f))``.

    word2vec.c (and gensim) *keep* it with ``(sqrt(f / t) + 1) t / f = sqrt(t / f) + t / f``
    (capped at 1). The extra ``t / f`` keeps more: a word is never subsampled until
    ``f > (1 + sqrt(5)) / 2 * t ~ 2.6 t`` (the paper starts at ``f > t``), and for very
    frequent words both rules approach ``sqrt(t / f)``. The code's default ``t`` is 1e-3; the
    paper suggests around 1e-5 with its rule. In words of the code: the keep probability of a
    word is its paper value plus ``t / f``.

    Examples
    --------
    >>> keep_probabilities([10, 990], sample=0.01, rule="paper").round(4).tolist()
    [1.0, 0.1005]
    >>> keep_probabilities([10, 990], sample=0.01).round(4).tolist()
    [1.0, 0.1106]
    """
    arr = _counts_array(counts, "keep_probabilities")
    t = check_float(sample, "sample", "keep_probabilities", low=0.0, high=1.0, high_closed=False)
    check_choice(rule, "rule", "keep_probabilities", SUBSAMPLING_RULES)
    if t == 0.0:
        return np.ones_like(arr)
    f = arr / arr.sum()
    with np.errstate(divide="ignore"):
        ratio = np.where(f > 0, t / np.where(f > 0, f, 1.0), np.inf)  # t / f
    keep = np.sqrt(ratio) if rule == "paper" else np.sqrt(ratio) + ratio
    return np.minimum(keep, 1.0)


def subsample_mask(ids, keep_prob, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """Which occurrences survive subsampling: ``uniform() < keep_prob[id]``.

    Parameters
    ----------
    ids : array-like of int with shape (N,)
        Word ids of the occurrences.
    keep_prob : ndarray of shape (V,)
        From :func:`keep_probabilities`.
    seed : int or numpy.random.Generator or None

    Returns
    -------
    ndarray of bool with shape (N,)

    Examples
    --------
    >>> subsample_mask([0, 1, 0, 1], np.array([1.0, 0.0]), seed=0).tolist()
    [True, False, True, False]
    """
    ids = np.asarray(ids)
    rng = as_generator(seed)
    return rng.random(len(ids)) < keep_prob[ids]

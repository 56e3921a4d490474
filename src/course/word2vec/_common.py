"""Helpers shared by the sampling modules of word2vec: a seed to a Generator, counts validated.

:func:`as_generator` turns every ``seed`` argument (int, :class:`numpy.random.Generator` or
``None``) into a Generator; :func:`_counts_array` validates the unigram counts that
:mod:`~course.word2vec.subsampling` and :mod:`~course.word2vec.negative_sampling` take.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_generator"]


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Return ``seed`` if it is a Generator, else a new ``numpy.random.default_rng(seed)``.

    >>> int(as_generator(0).integers(10))
    8
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _counts_array(counts, owner: str) -> np.ndarray:
    arr = np.asarray(counts, dtype=np.float64)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(
            f"The 'counts' parameter of {owner} must be a non-empty 1-D array. Got shape {arr.shape} instead."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or arr.sum() <= 0:
        raise ValueError(
            f"The 'counts' parameter of {owner} must hold non-negative finite numbers with a positive sum."
        )
    return arr

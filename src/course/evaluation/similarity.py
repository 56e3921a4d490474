"""Word similarity: Spearman's rank correlation between human scores and cosine similarities.

WordSim353 (Finkelstein et al. 2002) and SimLex-999 (Hill et al. 2015) rate word pairs; a model
is scored by Spearman's rho between those ratings and its cosines, over the pairs whose two words
it knows, with the coverage beside it (gensim's ``evaluate_word_pairs``). :func:`rankdata` and
:func:`spearman` are written out here (scipy's ``method="average"`` ties), so the chapter can
show them.

References
----------
.. [1] L. Finkelstein et al., "Placing Search in Context: The Concept Revisited", ACM TOIS 2002
   (WordSim353).
.. [2] F. Hill, R. Reichart, A. Korhonen, "SimLex-999: Evaluating Semantic Models with (Genuine)
   Similarity Estimation", Computational Linguistics 2015.
.. [3] gensim ``KeyedVectors.evaluate_word_pairs``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ..base.validation import check_finite
from ..vectors import unit_rows
from ._access import check_finite_vectors, keys_and_vectors, restrict, row_lookup

__all__ = ["rankdata", "spearman", "SimilarityResult", "SIMILARITY_SETS", "evaluate_similarity"]


def rankdata(x) -> np.ndarray:
    """Ranks 1..n of ``x``, ties sharing their average rank (scipy's ``method="average"``).

    >>> rankdata([10, 20, 20, 5]).tolist()
    [2.0, 3.5, 3.5, 1.0]
    """
    return _rankdata(check_finite(np.asarray(x, dtype=np.float64), "x", "rankdata"))  # nan has no rank


def _rankdata(x: np.ndarray) -> np.ndarray:
    """:func:`rankdata` of a finite float array."""
    order = np.argsort(x, kind="stable")
    sx = x[order]
    # Boundaries of runs of equal values; each run gets the mean of its positions.
    starts = np.flatnonzero(np.r_[True, sx[1:] != sx[:-1]])
    ends = np.r_[starts[1:], len(x)]
    avg = (starts + ends + 1) / 2.0  # mean of ranks start+1 .. end
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


def spearman(x, y) -> float:
    """Spearman's rank correlation: the Pearson correlation of the (average-tie) ranks.

    Returns nan when either input is constant (the correlation is undefined).

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40]), spearman([1, 2, 3], [3, 2, 1])
    (1.0, -1.0)
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(
            f"spearman needs two 1-D sequences of the same length >= 2. Got shapes {x.shape} and {y.shape} instead."
        )
    check_finite(x, "x", "spearman")
    check_finite(y, "y", "spearman")
    return _spearman(x, y)


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    """:func:`spearman` of two finite float arrays of one length >= 2."""
    rx, ry = _rankdata(x) - (len(x) + 1) / 2, _rankdata(y) - (len(y) + 1) / 2
    denom = np.sqrt((rx**2).sum() * (ry**2).sum())
    return float((rx * ry).sum() / denom) if denom > 0 else float("nan")


@dataclass
class SimilarityResult:
    """Spearman correlation on a word-similarity set, with coverage.

    Attributes
    ----------
    name : str
    spearman : float
        Over the covered pairs (nan if fewer than 2).
    n_pairs : int
        Covered pairs (both words known).
    n_total : int
    coverage : float
    """

    name: str
    spearman: float
    n_pairs: int
    n_total: int
    coverage: float


#: The named word-similarity sets (loaded through :mod:`course.data`).
SIMILARITY_SETS = ("wordsim353", "simlex999")


def evaluate_similarity(
    kv, pairs="wordsim353", restrict_vocab: int | None = None, case_insensitive: bool = True
) -> SimilarityResult:
    """Spearman correlation between human similarity scores and cosine similarities.

    Parameters
    ----------
    kv : vectors object
    pairs : {"wordsim353", "simlex999"} or list of (str, str, float), default="wordsim353"
        A named set (loaded through :mod:`course.data`) or explicit pairs.
    restrict_vocab : int or None, default=None
        Use only the first rows.
    case_insensitive : bool, default=True

    Returns
    -------
    SimilarityResult
    """
    owner = "evaluate_similarity"
    keys, vectors = keys_and_vectors(kv, owner, rows=0)
    name = "pairs"
    if isinstance(pairs, str):
        from .. import data

        if pairs not in SIMILARITY_SETS:
            raise ValueError(
                f"The 'pairs' parameter of {owner} must be one of 'wordsim353', 'simlex999' "
                f"or a list of (w1, w2, score). Got {pairs!r} instead."
            )
        name = pairs
        pairs = data.load_wordsim353() if pairs == "wordsim353" else data.load_simlex999()
    if len(pairs) == 0:
        raise ValueError(f"The 'pairs' parameter of {owner} must not be empty. Got no pairs instead.")
    for i, p in enumerate(pairs):
        if len(p) != 3 or not isinstance(p[0], str) or not isinstance(p[1], str) or not isinstance(p[2], numbers.Real):
            raise ValueError(
                f"The 'pairs' parameter of {owner} must hold (str, str, float) triples. Got {p!r} at index {i} instead."
            )
        if not np.isfinite(p[2]):
            raise ValueError(
                f"The 'pairs' parameter of {owner} must hold finite human scores. Got {p!r} at index {i} instead."
            )
    N = restrict(restrict_vocab, len(keys), owner)
    check_finite_vectors(vectors[:N], keys, owner)
    lookup = row_lookup(keys, N, case_insensitive)
    norm = str.lower if case_insensitive else (lambda s: s)
    rows = [(lookup.get(norm(w1)), lookup.get(norm(w2)), float(s)) for w1, w2, s in pairs]
    rows = [r for r in rows if r[0] is not None and r[1] is not None]
    if len(rows) >= 2:
        i1, i2, human = (np.array(col) for col in zip(*rows))
        normed = unit_rows(vectors[:N].astype(np.float64))
        cos = np.einsum("nd,nd->n", normed[i1], normed[i2])
        rho = _spearman(human.astype(np.float64), cos)
    else:
        rho = float("nan")
    return SimilarityResult(name, rho, len(rows), len(pairs), len(rows) / len(pairs))

"""Words never seen: does a misspelling's character vector land next to its correction?

ELMo's layer 0 is computed from a word's characters, so it gives a vector to any string, seen or
not. Here each misspelling of the Birkbeck pairs (:func:`course.data.transfer.load_misspellings`)
is embedded with layer 0 alone (:func:`course.elmo.transfer.features.word_layer0`). Its nearest
neighbour by cosine is looked up among the candidate words, the misspelling itself excluded if it
is one of them. The score is the share of misspellings whose nearest neighbour (or one of the
``k`` nearest) is the correction. Only pairs whose correction is a candidate count, since no
method could find it otherwise.

A word2vec model has no vector for a string it never saw: its score counts those misspellings as
misses, and :class:`SpellingResult` says how many there were.

>>> import numpy as np
>>> cand = np.array([[1.0, 0.0], [0.0, 1.0]])
>>> r = correction_hits(cand, ["cat", "dog"], np.array([[0.9, 0.1], [0.2, 0.8]]), ["cat", "cat"], k=1)
>>> r.hits, r.pairs
(1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ...base.validation import check_int
from ...evaluation.statistics import wilson_interval

__all__ = ["SpellingResult", "correction_hits"]


class SpellingResult(NamedTuple):
    """Misspellings whose correction is among the ``k`` nearest candidates, out of ``pairs``."""

    hits: int
    pairs: int  # pairs whose correction is a candidate
    no_vector: int  # of those, misspellings without a vector (counted as misses)
    share: float
    low: float
    high: float
    correct: np.ndarray  # bool per counted pair


def correction_hits(
    candidate_vectors: np.ndarray,
    candidates: Sequence[str],
    misspelled_vectors: np.ndarray,
    corrections: Sequence[str],
    *,
    k: int = 1,
    misspellings: Sequence[str] | None = None,
    has_vector: Sequence[bool] | None = None,
) -> SpellingResult:
    """Share of misspellings whose ``k`` nearest candidates (cosine) include the correction.

    Parameters
    ----------
    candidate_vectors : ndarray (V, D), candidates : V words
    misspelled_vectors : ndarray (N, D)
        Rows where ``has_vector`` is False are ignored (a miss).
    corrections : N words
    k : int, default=1
    misspellings : N words, optional
        Excluded from their own neighbours when they are candidates.
    has_vector : N bools, optional (default all True)
    """
    check_int(k, "k", "correction_hits", low=1)
    cand = np.asarray(candidate_vectors, dtype=np.float64)
    miss = np.asarray(misspelled_vectors, dtype=np.float64)
    if cand.ndim != 2 or miss.ndim != 2 or cand.shape[1] != miss.shape[1] or len(cand) != len(candidates):
        raise ValueError(
            f"correction_hits: {len(candidates)} candidates with vectors {cand.shape} and misspellings "
            f"with vectors {miss.shape}: need (V, D) and (N, D) with one row per word."
        )
    if len(miss) != len(corrections):
        raise ValueError(f"correction_hits: {len(miss)} misspelled vectors but {len(corrections)} corrections.")
    has_vector = np.ones(len(miss), bool) if has_vector is None else np.asarray(has_vector, bool)
    index = {w: i for i, w in enumerate(candidates)}
    unit = cand / np.maximum(np.linalg.norm(cand, axis=1, keepdims=True), 1e-12)
    correct, no_vector = [], 0
    for i, word in enumerate(corrections):
        if word not in index:
            continue
        if not has_vector[i]:
            correct.append(False)
            no_vector += 1
            continue
        sims = unit @ (miss[i] / max(np.linalg.norm(miss[i]), 1e-12))
        if misspellings is not None and misspellings[i] in index:
            sims[index[misspellings[i]]] = -np.inf
        top = np.argpartition(-sims, min(k, len(sims)) - 1)[:k]
        correct.append(index[word] in set(top.tolist()))
    correct = np.array(correct, dtype=bool)
    hits, n = int(correct.sum()), len(correct)
    low, high = wilson_interval(hits, n) if n else (float("nan"), float("nan"))
    return SpellingResult(hits, n, no_vector, hits / n if n else float("nan"), low, high, correct)

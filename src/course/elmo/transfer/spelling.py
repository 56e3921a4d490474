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

__all__ = ["SpellingResult", "Layer0Index", "correction_hits"]


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


class Layer0Index:
    """ELMo layer-0 vectors of candidate words, standardised over the candidates; any string can query it.

    Each feature is centred and scaled with the candidates' mean and spread (``std + 1e-6``), which
    removes the direction all character vectors share; a query string is embedded
    (:func:`~course.elmo.transfer.features.word_layer0`) and standardised the same way.
    """

    def __init__(self, checkpoint, candidates: Sequence[str]):
        from .features import word_layer0

        self.checkpoint, self.candidates = checkpoint, list(candidates)
        if not self.candidates:
            raise ValueError("Layer0Index: candidates is empty.")
        raw = word_layer0(checkpoint, self.candidates)
        self.mean, self.std = raw.mean(0, keepdims=True), raw.std(0, keepdims=True) + 1e-6
        self.vectors = (raw - self.mean) / self.std

    def embed(self, strings: Sequence[str]) -> np.ndarray:
        """Standardised layer-0 vectors of ``strings``, shape ``(len(strings), D)``."""
        from .features import word_layer0

        return (word_layer0(self.checkpoint, list(strings)) - self.mean) / self.std

    def nearest(self, string: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` candidates nearest to ``string`` by cosine, ``string`` itself skipped: ``(word, cosine)``."""
        check_int(k, "k", "Layer0Index.nearest", low=1)
        unit = self.vectors / np.maximum(np.linalg.norm(self.vectors, axis=1, keepdims=True), 1e-12)
        q = self.embed([string])[0]
        sims = unit @ (q / max(float(np.linalg.norm(q)), 1e-12))
        order = [i for i in np.argsort(-sims) if self.candidates[i] != string][:k]
        return [(self.candidates[i], float(sims[i])) for i in order]

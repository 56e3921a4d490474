r"""Do a layer's vectors separate a word's senses? The control for "the vectors differ across senses".

Every token's contextual vector changes with its sentence, so two occurrences of *bank* having
different vectors proves nothing about senses. The question is whether occurrences of the **same**
sense are closer to each other than occurrences of **different** senses of the same word.

For every lemma with at least two senses (:func:`course.elmo.probing.sense_groups`), take every
pair of its occurrences and their cosine similarity, and mark the pair *same* or *different*. The
separation is the area under the ROC curve of "same-sense pairs score higher", counted only
**within a lemma**. Pairs of different lemmas are never compared, because some words' occurrences
are all alike:

.. math::

    \mathrm{AUC} = \frac{\sum_w \#\{(p, q) : p \in S_w,\ q \in D_w,\ \cos_p > \cos_q\}
                   + \tfrac12 \#\{\cos_p = \cos_q\}}{\sum_w |S_w|\,|D_w|}

with :math:`S_w` and :math:`D_w` the same-sense and different-sense pairs of lemma :math:`w`.
This is the Mann-Whitney statistic, per lemma and pooled over lemmas. The AUC is 0.5 when a
layer cannot tell the senses apart: this is layer 0 for every word spelled alike, since all its
occurrences share one vector and every comparison is a tie. It is 1 when every same-sense pair is
closer than every different-sense pair. The 95 % interval is a percentile bootstrap over lemmas,
the unit that is sampled.

>>> import numpy as np
>>> x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
>>> sense_separation(x, ["bank"] * 4, ["money", "money", "river", "river"], n_boot=0).auc
1.0
>>> sense_separation(np.ones((4, 2)), ["bank"] * 4, ["money", "money", "river", "river"], n_boot=0).auc
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..base.validation import check_int
from .probing import sense_groups

__all__ = ["Separation", "sense_separation"]


class Separation(NamedTuple):
    """Within-lemma AUC of same-sense against different-sense cosines, with its 95 % interval."""

    auc: float
    low: float
    high: float
    lemmas: int  # lemmas with at least one same-sense and one different-sense pair
    same_pairs: int
    different_pairs: int


def _mid_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, tied values sharing the mean of their ranks."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return (ends - (counts - 1) / 2.0)[inverse]


def _lemma_u(x: np.ndarray, labels: list[str]) -> tuple[float, int, int]:
    """Mann-Whitney U of the same-sense pair cosines over the different-sense ones, and both counts."""
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    i, j = np.triu_indices(len(x), k=1)
    cosines = np.round(np.einsum("nd,nd->n", x[i], x[j]), 9)  # equal vectors give exact ties
    codes = np.unique(labels, return_inverse=True)[1]
    same = codes[i] == codes[j]
    n_same, n_diff = int(same.sum()), int((~same).sum())
    if n_same == 0 or n_diff == 0:
        return 0.0, n_same, n_diff
    ranks = _mid_ranks(cosines)
    return float(ranks[same].sum() - n_same * (n_same + 1) / 2.0), n_same, n_diff


def sense_separation(
    vectors: np.ndarray,
    lemmas: Sequence[str],
    senses: Sequence[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> Separation:
    """Within-lemma AUC of same-sense against different-sense cosines (the module's formula).

    Parameters
    ----------
    vectors : ndarray of shape (N, D)
        One vector per occurrence.
    lemmas, senses : sequence of str of length N
        The word (with its part of speech) and its sense, as in
        :func:`course.elmo.probing.nearest_sense_accuracy`.
    n_boot : int, default=1000
        Bootstrap resamples of the lemmas for the interval; 0 gives no interval (nan).
    seed : int, default=0

    Returns
    -------
    Separation
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"sense_separation expects vectors of shape (N, D); got shape {vectors.shape}.")
    if len(vectors) != len(lemmas) or len(lemmas) != len(senses):
        raise ValueError(
            f"vectors, lemmas and senses must have the same length; got {len(vectors)}, {len(lemmas)}, {len(senses)}."
        )
    check_int(n_boot, "n_boot", "sense_separation", low=0)
    check_int(seed, "seed", "sense_separation")
    rows = []
    for indices in sense_groups(lemmas, senses).values():
        u, n_same, n_diff = _lemma_u(vectors[indices], [senses[i] for i in indices])
        if n_same and n_diff:
            rows.append((u, n_same, n_diff))
    if not rows:
        raise ValueError("sense_separation: no lemma has both a same-sense and a different-sense pair.")
    u, n_same, n_diff = (np.array(c, dtype=np.float64) for c in zip(*rows))
    pairs = n_same * n_diff
    auc = float(u.sum() / pairs.sum())
    low = high = float("nan")
    if n_boot:
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, len(rows), size=(n_boot, len(rows)))
        boot = u[picks].sum(1) / pairs[picks].sum(1)
        low, high = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
    return Separation(auc, low, high, len(rows), int(n_same.sum()), int(n_diff.sum()))

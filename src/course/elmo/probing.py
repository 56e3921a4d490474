r"""What does each layer of the biLM know? Two probes from the ELMo paper (section 5.3).

**POS tagging with a linear probe.** Freeze the biLM, take one layer's vectors (or a learned
:class:`~course.elmo.scalar_mix.ScalarMix` of all of them) and train only a softmax classifier
:math:`p(\text{tag} \mid h_k) = \mathrm{softmax}(A h_k + c)` on them. A linear classifier can only
read what the vectors make linearly available, so its accuracy measures the layer, not the probe.
Each feature of each layer is first standardised (zero mean, unit variance over the probe's
training tokens, :class:`Standardizer`): the raw vectors of a small biLM share a large common
direction (every word's vector points almost the same way), which a penalised linear classifier
or a cosine would otherwise mostly see.

**Word sense disambiguation by nearest neighbour.** Peters et al. represent each sense of a lemma
by the average biLM vector of its training occurrences and label a test occurrence with the sense
whose average is nearest. Here, with WordNet's example sentences
(:func:`course.data.probing.load_wordnet_examples`), it is done leave-one-out: each occurrence is
labelled from the *other* occurrences of its lemma (cosine similarity to each sense's mean). An
occurrence counts only if the right answer is possible (its sense has another occurrence) and a
wrong one too (the lemma has another sense). Ties (layer 0 gives every occurrence of a word the
same vector) go to the sense with more other occurrences, so layer 0 scores the
most-frequent-sense baseline.

The mix for word senses is learned with a differentiable version of the same rule (a softmax over
the similarities to the other occurrences, as in neighbourhood components analysis) with only the
:math:`L + 1` mixing weights and a temperature as parameters.

>>> import numpy as np
>>> vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [1, 0.1]])
>>> nearest_sense_accuracy(vectors, ["bank"] * 5, ["money", "money", "river", "river", "money"])
(1.0, 5)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from ..base.validation import check_float, check_int
from .scalar_mix import ScalarMix

__all__ = [
    "ProbeResult",
    "Standardizer",
    "train_linear_probe",
    "nearest_sense_accuracy",
    "learn_sense_mix",
    "sense_groups",
    "most_frequent_sense_accuracy",
]


class Standardizer:
    """Per-layer, per-feature standardisation: ``(x - mean) / std`` with statistics of a reference set.

    >>> z = Standardizer().fit(np.array([[[1.0, 10.0], [3.0, 30.0]]]))   # (L + 1, N, D)
    >>> z.transform(np.array([[[2.0, 20.0]]])).tolist()
    [[[0.0, 0.0]]]
    """

    def fit(self, layers: np.ndarray) -> Standardizer:
        """Learn ``mean_`` and ``std_`` of shape ``(L + 1, 1, D)`` from ``(L + 1, N, D)`` vectors."""
        x = np.asarray(layers, dtype=np.float64)
        if x.ndim != 3:
            raise ValueError(f"Standardizer.fit expects vectors of shape (L + 1, N, D); got shape {x.shape}.")
        self.mean_ = x.mean(axis=1, keepdims=True)
        self.std_ = x.std(axis=1, keepdims=True) + 1e-6
        return self

    def transform(self, layers: np.ndarray) -> np.ndarray:
        """Standardise ``(L + 1, N, D)`` (or one token's ``(L + 1, D)``) vectors, float32."""
        x = np.asarray(layers, dtype=np.float64)
        mean, std = (self.mean_, self.std_) if x.ndim == 3 else (self.mean_[:, 0], self.std_[:, 0])
        return ((x - mean) / std).astype(np.float32)


class ProbeResult(NamedTuple):
    """A trained linear probe."""

    accuracy: float  # on the test vectors
    weights: np.ndarray | None  # learned mixing weights s (L + 1,), None for a single layer
    classifier: torch.nn.Linear  # the softmax classifier
    mix: ScalarMix | None


def train_linear_probe(
    train_x,
    train_y,
    test_x,
    test_y,
    n_classes: int,
    *,
    mix: bool = False,
    max_iter: int = 100,
    l2: float = 1e-4,
    seed: int = 0,
) -> ProbeResult:
    r"""Fit a softmax classifier on frozen vectors (L-BFGS, full batch) and score it.

    Parameters
    ----------
    train_x, test_x : array of shape (N, D), or (L + 1, N, D) when ``mix``
        The vectors (standardised here with the training vectors' statistics).
    train_y, test_y : array of int of shape (N,)
    n_classes : int
    mix : bool, default=False
        Learn a :class:`ScalarMix` over the first axis jointly with the classifier.
    max_iter : int, default=100
        L-BFGS iterations.
    l2 : float, default=1e-4
        Weight of :math:`\lVert A \rVert^2` in the loss.
    seed : int, default=0
        Initialisation of the classifier.

    Returns
    -------
    ProbeResult
    """
    check_int(n_classes, "n_classes", "train_linear_probe", low=2)
    check_int(max_iter, "max_iter", "train_linear_probe", low=1)
    check_float(l2, "l2", "train_linear_probe", low=0.0)
    expected = 3 if mix else 2
    if np.ndim(train_x) != expected or np.ndim(test_x) != expected:
        raise ValueError(
            f"train_linear_probe(mix={mix}) expects vectors of {expected} dimensions; "
            f"got {np.ndim(train_x)} and {np.ndim(test_x)}."
        )
    as3 = (lambda x: np.asarray(x)) if mix else (lambda x: np.asarray(x)[None])
    scaler = Standardizer().fit(as3(train_x))
    xtr = torch.from_numpy(scaler.transform(as3(train_x)))
    xte = torch.from_numpy(scaler.transform(as3(test_x)))
    if not mix:
        xtr, xte = xtr[0], xte[0]
    ytr = torch.as_tensor(np.asarray(train_y), dtype=torch.long)
    yte = torch.as_tensor(np.asarray(test_y), dtype=torch.long)
    torch.manual_seed(seed)
    classifier = torch.nn.Linear(xtr.shape[-1], n_classes)
    scalar_mix = ScalarMix(xtr.shape[0]) if mix else None
    params = list(classifier.parameters()) + (list(scalar_mix.parameters()) if mix else [])
    optimizer = torch.optim.LBFGS(params, lr=1.0, max_iter=max_iter, history_size=20, line_search_fn="strong_wolfe")

    def features(x):
        return scalar_mix(x) if mix else x

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(classifier(features(xtr)), ytr) + l2 * classifier.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        accuracy = float((classifier(features(xte)).argmax(-1) == yte).float().mean())
        weights = scalar_mix.weights.numpy().copy() if mix else None
    return ProbeResult(accuracy, weights, classifier, scalar_mix)


def sense_groups(lemmas: Sequence[str], senses: Sequence[str]) -> dict[str, list[int]]:
    """Indices of the occurrences of each lemma on which leave-one-out sense matching can be scored.

    A lemma is kept if it has at least two senses and one of them occurs at least twice (else
    no occurrence could be labelled right, or none wrong).

    >>> sense_groups(["a", "a", "a", "b", "b", "c", "c"], ["x", "x", "y", "z", "z", "u", "v"])
    {'a': [0, 1, 2]}
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, lemma in enumerate(lemmas):
        groups[lemma].append(i)
    kept = {}
    for lemma, indices in groups.items():
        counts = Counter(senses[i] for i in indices)
        if len(counts) > 1 and max(counts.values()) > 1:
            kept[lemma] = indices
    return kept


def nearest_sense_accuracy(vectors: np.ndarray, lemmas: Sequence[str], senses: Sequence[str]) -> tuple[float, int]:
    """Leave-one-out nearest-sense-mean accuracy (the rule in the module docstring).

    Parameters
    ----------
    vectors : ndarray of shape (N, D)
        One vector per occurrence.
    lemmas, senses : sequence of str of length N
        The word (with its part of speech, if senses should not cross it) and its sense.

    Returns
    -------
    accuracy : float
    n_evaluated : int
        Occurrences that count (a right and a wrong answer are both possible).
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    if len(vectors) != len(lemmas) or len(lemmas) != len(senses):
        raise ValueError(
            f"vectors, lemmas and senses must have the same length; got {len(vectors)}, {len(lemmas)}, {len(senses)}."
        )
    correct = evaluated = 0
    for indices in sense_groups(lemmas, senses).values():
        x = vectors[indices]
        x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        labels = [senses[i] for i in indices]
        names = sorted(set(labels))
        onehot = np.array([[label == name for name in names] for label in labels], dtype=np.float64)  # (n, S)
        sums, counts = onehot.T @ x, onehot.sum(0)  # (S, D), (S,)
        for i in range(len(indices)):
            others = counts - onehot[i]  # occurrences of each sense without i
            if others[names.index(labels[i])] == 0:
                continue
            evaluated += 1
            means = (sums - np.outer(onehot[i], x[i])) / np.maximum(others, 1)[:, None]
            means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
            scores = np.round(means @ x[i], 9)
            scores[others == 0] = -np.inf
            # highest similarity; ties go to the sense with more other occurrences, then by name
            best = max(range(len(names)), key=lambda s: (scores[s], others[s], -s))
            correct += names[best] == labels[i]
    return (correct / evaluated if evaluated else float("nan")), evaluated


def learn_sense_mix(
    layers: np.ndarray,
    lemmas: Sequence[str],
    senses: Sequence[str],
    *,
    steps: int = 100,
    lr: float = 0.1,
    seed: int = 0,
) -> np.ndarray:
    """Learn ScalarMix weights for nearest-neighbour sense matching (soft leave-one-out).

    For occurrence :math:`i` of a lemma with occurrences :math:`j \\ne i`, the probability of
    picking neighbour :math:`j` is ``softmax_j(cos(m_i, m_j) / tau)``, with :math:`m` the mixed
    vectors; the loss is minus the log of the total probability of the neighbours that share
    :math:`i`'s sense. Only the mixing weights and :math:`\\tau` are learned (Adam).

    Parameters
    ----------
    layers : ndarray of shape (L + 1, N, D)
        Standardise them first (:class:`Standardizer`), as for :func:`nearest_sense_accuracy`.
    lemmas, senses : sequence of str of length N
    steps : int, default=100
    lr : float, default=0.1
    seed : int, default=0

    Returns
    -------
    ndarray of shape (L + 1,)
        The mixing weights :math:`s = \\mathrm{softmax}(w)`.
    """
    check_int(steps, "steps", "learn_sense_mix", low=1)
    torch.manual_seed(seed)
    x = torch.as_tensor(np.asarray(layers), dtype=torch.float32)  # (L+1, N, D)
    pairs_i, pairs_j, same = [], [], []
    for indices in sense_groups(lemmas, senses).values():
        for i in indices:
            for j in indices:
                if i != j:
                    pairs_i.append(i)
                    pairs_j.append(j)
                    same.append(senses[i] == senses[j])
    pi, pj = torch.tensor(pairs_i), torch.tensor(pairs_j)
    same_t = torch.tensor(same)
    anchors = torch.unique(pi[same_t])  # occurrences with a same-sense neighbour
    mix = ScalarMix(x.shape[0])
    log_tau = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.Adam([mix.scalar_parameters, log_tau], lr=lr)
    n = x.shape[1]
    for _ in range(steps):
        m = F.normalize(mix(x), dim=-1)  # (N, D)
        logits = (m[pi] * m[pj]).sum(-1) / log_tau.exp()  # (P,)
        log_all = _scatter_logsumexp(logits, pi, n)
        log_same = _scatter_logsumexp(logits.masked_fill(~same_t, float("-inf")), pi, n)
        loss = (log_all[anchors] - log_same[anchors]).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return mix.weights.detach().numpy().copy()


def _scatter_logsumexp(values: torch.Tensor, index: torch.Tensor, size: int) -> torch.Tensor:
    """``out[k] = log sum_{p: index[p] = k} exp(values[p])`` (``-inf`` for an empty group)."""
    top = torch.full((size,), float("-inf")).scatter_reduce(0, index, values, reduce="amax")
    safe_top = torch.where(torch.isfinite(top), top, torch.zeros_like(top))
    sums = torch.zeros(size).scatter_add(0, index, (values - safe_top[index]).exp())
    return sums.log() + safe_top


def most_frequent_sense_accuracy(lemmas: Sequence[str], senses: Sequence[str]) -> tuple[float, int]:
    """The baseline: label each occurrence with its lemma's most frequent other sense.

    Equals :func:`nearest_sense_accuracy` with identical vectors for every occurrence of a lemma.
    """
    correct = evaluated = 0
    for indices in sense_groups(lemmas, senses).values():
        counts = Counter(senses[i] for i in indices)
        names = sorted(counts)
        for i in indices:
            others = {s: counts[s] - (s == senses[i]) for s in names}
            if others[senses[i]] == 0:
                continue
            evaluated += 1
            best = max(range(len(names)), key=lambda k: (others[names[k]], -k))
            correct += names[best] == senses[i]
    return (correct / evaluated if evaluated else float("nan")), evaluated

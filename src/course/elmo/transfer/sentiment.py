r"""Sentence classification on frozen features: the same small task model for every input.

The task model is deliberately small and the same for every input, so differences come from the
input: mean pooling over the sentence's tokens, then a linear softmax layer (logistic regression
for two classes). For ELMo inputs the pooled layers are first combined:

- ``layer j``: one layer only (layer 0 is the character CNN: no context);
- ``average``: the plain mean of the layers;
- ``mix``: the learned scalar mix :math:`\gamma \sum_j s_j h_j` (Peters et al. 2018, equation 1),
  trained jointly with the classifier (:class:`course.elmo.ScalarMix`).

A bag-of-words baseline is the same linear layer on a binary vector of the words a sentence
contains (:class:`BagOfWords`). Each feature is standardised with the training sentences'
statistics. The L2 penalty (on the linear layer's effective weights :math:`\gamma W`, never on
the mixing weights) is chosen on the dev
sentences from :data:`PENALTIES`; the test sentences are scored once, with the chosen penalty.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(200, 3, 4)).astype(np.float32); y = (x[:, 2, 0] > 0).astype(int)
>>> r = fit_and_score(SentenceInput("mix", x[:100], x[100:150], x[150:]), y[:100], y[100:150], y[150:])
>>> bool(r.accuracy > 0.8), int(r.weights.argmax())
(True, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ...base.validation import check_choice, check_int
from ...evaluation.statistics import wilson_interval
from ..scalar_mix import ScalarMix

__all__ = ["PENALTIES", "MODES", "SentenceInput", "BagOfWords", "Result", "fit_and_score", "subsample"]

#: L2 penalties tried on dev (the weight of ``sum(W ** 2) / 2`` added to the mean loss).
PENALTIES: tuple[float, ...] = (1e-3, 1e-2, 1e-1, 1.0, 10.0)
#: How the input's layers are combined before the linear layer.
MODES = ("static", "layer", "average", "mix")


@dataclass
class SentenceInput:
    """Features of the train, dev and test sentences, and how a model combines their layers.

    ``mode`` is ``"static"`` for ``(N, F)`` features (word2vec, bag of words) and ``"layer"``,
    ``"average"`` or ``"mix"`` for ELMo's ``(N, L + 1, F)``; ``layer`` picks the layer of ``"layer"``.
    """

    mode: str
    train: np.ndarray
    dev: np.ndarray
    test: np.ndarray
    layer: int = 0

    def __post_init__(self) -> None:
        check_choice(self.mode, "mode", "SentenceInput", list(MODES))
        want = 2 if self.mode == "static" else 3
        for name in ("train", "dev", "test"):
            x = np.asarray(getattr(self, name), dtype=np.float32)
            if x.ndim != want:
                raise ValueError(
                    f"SentenceInput(mode={self.mode!r}): {name} must have {want} dimensions; got {x.shape}."
                )
            setattr(self, name, x)
        if self.mode == "layer":
            check_int(self.layer, "layer", "SentenceInput", low=0, high=self.train.shape[1] - 1)


class BagOfWords:
    """Binary bag-of-words features over the words of the training sentences (``min_count`` times)."""

    def __init__(self, train_sentences: Sequence[Sequence[str]], min_count: int = 1):
        check_int(min_count, "min_count", "BagOfWords", low=1)
        counts: dict[str, int] = {}
        for s in train_sentences:
            for w in set(s):
                counts[w] = counts.get(w, 0) + 1
        self.words = sorted(w for w, c in counts.items() if c >= min_count)
        self.index = {w: i for i, w in enumerate(self.words)}

    def transform(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        x = np.zeros((len(sentences), len(self.words)), dtype=np.float32)
        for i, s in enumerate(sentences):
            x[i, [self.index[w] for w in set(s) if w in self.index]] = 1.0
        return x


@dataclass
class Result:
    """Test accuracy (Wilson 95 % interval), what was chosen on dev, and the learned mix."""

    accuracy: float
    low: float
    high: float
    correct: np.ndarray  # bool per test sentence (for paired tests)
    penalty: float  # chosen on dev
    dev_accuracy: float
    weights: np.ndarray | None = None  # softmax(w) of the mix (mode "mix")
    gamma: float | None = None


class _Model(nn.Module):
    def __init__(self, mode: str, n_layers: int, dim: int, layer: int):
        super().__init__()
        self.mode, self.layer = mode, layer
        self.mix = ScalarMix(n_layers, trainable=mode == "mix") if mode in ("average", "mix") else None
        self.linear = nn.Linear(dim, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.mode == "layer":
            x = x[:, self.layer]
        elif self.mix is not None:
            x = self.mix(x.transpose(0, 1))  # (L + 1, N, F) -> (N, F)
        return self.linear(x)


def _standardise(inp: SentenceInput) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    mean = inp.train.mean(axis=0, keepdims=True)
    std = inp.train.std(axis=0, keepdims=True)
    std[std < 1e-6] = 1.0  # a constant feature (a word absent from training) stays 0
    return tuple(torch.from_numpy((x - mean) / std) for x in (inp.train, inp.dev, inp.test))


def _fit(inp: SentenceInput, x: torch.Tensor, y: torch.Tensor, penalty: float, steps: int, seed: int) -> _Model:
    torch.manual_seed(seed)
    n_layers = 1 if inp.mode == "static" else x.shape[1]
    model = _Model(inp.mode, n_layers, x.shape[-1], inp.layer)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):  # full batch: a few thousand sentences
        optimizer.zero_grad(set_to_none=True)
        weight = model.linear.weight
        if model.mix is not None:  # penalise the effective weights gamma * W: else a growing gamma undoes the penalty
            weight = model.mix.gamma * weight
        loss = F.cross_entropy(model(x), y) + penalty / 2 * weight.pow(2).sum()
        loss.backward()
        optimizer.step()
    return model.eval()


def fit_and_score(
    inp: SentenceInput,
    train_y,
    dev_y,
    test_y,
    *,
    penalties: Sequence[float] = PENALTIES,
    steps: int = 200,
    seed: int = 0,
) -> Result:
    """Train the task model on ``inp`` for each penalty, keep the best on dev, score it on test."""
    check_int(steps, "steps", "fit_and_score", low=1)
    ys = [torch.as_tensor(np.asarray(y), dtype=torch.long) for y in (train_y, dev_y, test_y)]
    for name, y, x in zip(("train", "dev", "test"), ys, (inp.train, inp.dev, inp.test)):
        if len(y) != len(x):
            raise ValueError(f"fit_and_score: {len(x)} {name} inputs but {len(y)} {name} labels.")
    if not penalties:
        raise ValueError("fit_and_score: penalties is empty.")
    x_train, x_dev, x_test = _standardise(inp)
    best = None
    for penalty in penalties:
        model = _fit(inp, x_train, ys[0], float(penalty), steps, seed)
        with torch.no_grad():
            dev = float((model(x_dev).argmax(1) == ys[1]).float().mean())
        if best is None or dev > best[0]:
            best = (dev, float(penalty), model)
    dev, penalty, model = best
    with torch.no_grad():
        correct = (model(x_test).argmax(1) == ys[2]).numpy()
    k, n = int(correct.sum()), len(correct)
    low, high = wilson_interval(k, n)
    weights = gamma = None
    if inp.mode == "mix":
        weights, gamma = model.mix.weights.detach().numpy().copy(), float(model.mix.gamma.detach())
    return Result(k / n, low, high, correct, penalty, dev, weights, gamma)


def subsample(n: int, fraction: float, seed: int = 0) -> np.ndarray:
    """Indices of the first ``round(fraction * n)`` items (at least 2) of one fixed shuffle: nested samples."""
    if not 0 < fraction <= 1:
        raise ValueError(f"subsample: fraction must be in (0, 1]; got {fraction!r}.")
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[: max(2, int(round(fraction * n)))])

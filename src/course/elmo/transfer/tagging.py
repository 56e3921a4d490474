"""Part-of-speech tagging with a small BiLSTM tagger on frozen token features.

The tagger is the same for every input: (for ELMo) a learned scalar mix of the layers, a one-layer
BiLSTM with ``hidden`` units per direction, and a linear softmax over the tags. It is trained on
the silver-tagged OANC sentences and tested on the gold WSJ ones (as chapter 09's probe). The
number of epochs is chosen on a dev slice of the training sentences (the epoch with the best dev
accuracy is kept). Accuracy is counted per token, overall and on the test tokens whose word never
occurs in the training sentences, where a static vector either has nothing or learned nothing from
this task.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> xs = [rng.normal(size=(3, 5, 4)).astype(np.float32) for _ in range(120)]
>>> ys = [(x[1, :, 0] > 0).astype(int) for x in xs]
>>> r = train_tagger(xs[:100], ys[:100], xs[100:110], ys[100:110], xs[110:], ys[110:], n_tags=2,
...                  epochs=8, batch_size=4, lr=1e-2)
>>> bool(r.accuracy > 0.8)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ...base.batching import IGNORE_INDEX
from ...base.validation import check_int
from ...evaluation.statistics import wilson_interval
from ..scalar_mix import ScalarMix

__all__ = ["TaggerResult", "Tagger", "train_tagger"]


@dataclass
class TaggerResult:
    """Token accuracy on test (Wilson 95 %), per-token correctness, and the learned mix."""

    accuracy: float
    low: float
    high: float
    correct: np.ndarray  # bool per test token, sentences concatenated
    best_epoch: int
    dev_accuracy: float
    weights: np.ndarray | None = None
    gamma: float | None = None


class Tagger(nn.Module):
    """Mix (ELMo inputs of shape (L + 1, T, F)) or identity (static (T, F)), BiLSTM, softmax."""

    def __init__(self, n_layers: int | None, dim: int, n_tags: int, hidden: int = 64):
        super().__init__()
        self.mix = ScalarMix(n_layers) if n_layers else None
        self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        if self.mix is not None:  # (B, L + 1, T, F) -> (B, T, F)
            x = self.mix(x.transpose(0, 1))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        return self.out(h)  # (B, T, n_tags)


def _batch(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray] | None, layered: bool):
    lengths = torch.tensor([x.shape[-2] for x in xs])
    T = int(lengths.max())
    if layered:
        x = torch.zeros(len(xs), xs[0].shape[0], T, xs[0].shape[-1])
        for i, v in enumerate(xs):
            x[i, :, : v.shape[1]] = torch.from_numpy(v)
    else:
        x = torch.zeros(len(xs), T, xs[0].shape[-1])
        for i, v in enumerate(xs):
            x[i, : v.shape[0]] = torch.from_numpy(v)
    y = None
    if ys is not None:
        y = torch.full((len(xs), T), IGNORE_INDEX, dtype=torch.long)
        for i, t in enumerate(ys):
            y[i, : len(t)] = torch.as_tensor(t)
    return x, lengths, y


def _standardiser(xs: Sequence[np.ndarray], layered: bool):
    flat = np.concatenate(xs, axis=1 if layered else 0)  # (L+1, N, F) or (N, F)
    axis = 1 if layered else 0
    mean, std = flat.mean(axis=axis, keepdims=True), flat.std(axis=axis, keepdims=True)
    std[std < 1e-6] = 1.0
    return lambda v: ((v - mean) / std).astype(np.float32)


def _predict(model: Tagger, xs, layered: bool, batch_size: int = 64) -> np.ndarray:
    out = []
    with torch.no_grad():
        for start in range(0, len(xs), batch_size):
            chunk = xs[start : start + batch_size]
            x, lengths, _ = _batch(chunk, None, layered)
            pred = model(x, lengths).argmax(-1)
            out.extend(pred[i, : int(n)].numpy() for i, n in enumerate(lengths))
    return np.concatenate(out)


def train_tagger(
    train_x: Sequence[np.ndarray],
    train_y: Sequence[np.ndarray],
    dev_x: Sequence[np.ndarray],
    dev_y: Sequence[np.ndarray],
    test_x: Sequence[np.ndarray],
    test_y: Sequence[np.ndarray],
    n_tags: int,
    *,
    epochs: int = 6,
    hidden: int = 64,
    batch_size: int = 32,
    lr: float = 3e-3,
    seed: int = 0,
) -> TaggerResult:
    """Train the BiLSTM tagger; keep the epoch best on dev; score test tokens.

    ``*_x`` are per-sentence arrays, ``(L + 1, n, F)`` (ELMo: the tagger learns a mix) or
    ``(n, F)`` (static); ``*_y`` the tag ids of each sentence's tokens.
    """
    check_int(n_tags, "n_tags", "train_tagger", low=2)
    check_int(epochs, "epochs", "train_tagger", low=1)
    for name, xs, ys in (("train", train_x, train_y), ("dev", dev_x, dev_y), ("test", test_x, test_y)):
        if len(xs) != len(ys) or not xs:
            raise ValueError(f"train_tagger: {len(xs)} {name} sentences but {len(ys)} tag sequences.")
        for x, y in zip(xs, ys):
            if x.shape[-2] != len(y):
                raise ValueError(f"train_tagger: a {name} sentence has {x.shape[-2]} vectors but {len(y)} tags.")
    layered = train_x[0].ndim == 3
    scale = _standardiser(train_x, layered)
    train_x, dev_x, test_x = ([scale(v) for v in xs] for xs in (train_x, dev_x, test_x))
    torch.manual_seed(seed)
    model = Tagger(train_x[0].shape[0] if layered else None, train_x[0].shape[-1], n_tags, hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    dev_gold = np.concatenate([np.asarray(y) for y in dev_y])
    best = (-1.0, 0, None)
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(len(train_x))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            x, lengths, y = _batch([train_x[i] for i in idx], [train_y[i] for i in idx], layered)
            optimizer.zero_grad(set_to_none=True)
            logits = model(x, lengths)
            F.cross_entropy(logits.reshape(-1, n_tags), y.reshape(-1), ignore_index=IGNORE_INDEX).backward()
            optimizer.step()
        model.eval()
        dev = float((_predict(model, dev_x, layered) == dev_gold).mean())
        if dev > best[0]:
            best = (dev, epoch, {k: v.clone() for k, v in model.state_dict().items()})
    dev, best_epoch, state = best
    model.load_state_dict(state)
    model.eval()
    correct = _predict(model, test_x, layered) == np.concatenate([np.asarray(y) for y in test_y])
    k, n = int(correct.sum()), len(correct)
    low, high = wilson_interval(k, n)
    weights = gamma = None
    if model.mix is not None:
        weights, gamma = model.mix.weights.detach().numpy().copy(), float(model.mix.gamma.detach())
    return TaggerResult(k / n, low, high, correct, best_epoch, dev, weights, gamma)

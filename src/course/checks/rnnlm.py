"""Checks for the exercises of chapter 03 (the recurrent neural network language model).

Each check runs the student's function on small cases, compares it with the tested
:mod:`course.lm.rnnlm` (or a closed form), and prints one ``PASS`` line or raises
:class:`~course.checks.CheckFailed` saying what is off.

>>> check_decay_factor(lambda norms: float(np.exp(np.polyfit(np.arange(1, len(norms)), np.log(norms[1:]), 1)[0])))
PASS: the decay factor is exp(slope) of the least-squares fit of ln ||dL_T/dh_(T-k)|| on k
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from ..lm.batching import count_targets
from ..lm.rnnlm import RNNLM
from . import CheckFailed, passed, require

__all__ = ["check_hidden_states", "check_decay_factor", "check_stream"]


def _variants(model: RNNLM, idx: torch.Tensor) -> dict[str, torch.Tensor]:
    """Hidden states of the right recurrence and of common mistakes."""
    u = model.U[idx]
    B, T, H = u.shape

    def run(f=torch.tanh, bias=True, carry=True, transpose=True):
        h, hs = torch.zeros(B, H), []
        for t in range(T):
            prev = h if carry else torch.zeros(B, H)
            h = f(u[:, t] + prev @ (model.W.T if transpose else model.W) + (model.b if bias else 0))
            hs.append(h)
        return torch.stack(hs, 1)

    return {
        "right": run(),
        "sigmoid": run(f=torch.sigmoid),
        "no bias": run(bias=False),
        "no carry": run(carry=False),
        "W not transposed": run(transpose=False),
    }


_HINTS = {
    "sigmoid": "you used the sigmoid; this model's f is tanh (model.nonlinearity).",
    "no bias": "you left out the bias: h_t = tanh(U x_t + W h_(t-1) + b) with b = model.b.",
    "no carry": "h_(t-1) is always zero: carry the new h into the next step.",
    "W not transposed": "for a batch of row vectors h (B, H), W h_(t-1) is h @ model.W.T.",
}


def check_hidden_states(hidden_states: Callable[[RNNLM, torch.Tensor], torch.Tensor]) -> None:
    """Check ``hidden_states(model, idx)``: the recurrence written as a loop, from ``h_0 = 0``.

    Parameters
    ----------
    hidden_states : callable
        Takes an :class:`~course.lm.rnnlm.RNNLM` (use ``model.U``, ``model.W``, ``model.b``) and
        a LongTensor ``idx`` of shape (B, T); returns the states ``h_1 ... h_T``, shape (B, T, H).
    """
    model = RNNLM(vocab_size=9, hidden_size=4, seed=3, fast=False)
    with torch.no_grad():
        model.b.normal_(generator=torch.Generator().manual_seed(0))
        model.W.mul_(3.0)  # make W clearly non-symmetric in effect
    idx = torch.randint(0, 9, (2, 6), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want = model.recurrence(model.U[idx], torch.zeros(2, 4))[0]
        got = torch.as_tensor(hidden_states(model, idx.clone())).detach().to(torch.float32)
        require(
            tuple(got.shape) == (2, 6, 4),
            f"hidden_states(model, idx) has shape {tuple(got.shape)} for idx of shape (2, 6); "
            "expected (B, T, H) = (2, 6, 4).",
        )
        if not torch.allclose(got, want, atol=1e-5):
            for name, value in _variants(model, idx).items():
                if name != "right" and torch.allclose(got, value, atol=1e-5):
                    raise CheckFailed(f"hidden_states(model, idx) matches the recurrence with {name}: " + _HINTS[name])
            t = int((got - want).abs().amax(dim=(0, 2)).gt(1e-5).nonzero()[0])
            raise CheckFailed(
                f"hidden_states(model, idx) first differs from the model at step t = {t + 1}: "
                "h_t = tanh(U x_t + W h_(t-1) + b), with U x_t = model.U[idx[:, t]]."
            )
    passed("your loop gives the model's hidden states h_1 ... h_T")


def check_decay_factor(decay_factor: Callable[[np.ndarray], float]) -> None:
    """Check ``decay_factor(norms)``: the per-step factor of the gradient norms.

    Parameters
    ----------
    decay_factor : callable
        Takes ``norms`` (ndarray, entry ``k`` = ``||dL_T/dh_(T-k)||``, as returned by
        :func:`course.lm.rnnlm.hidden_gradient_norms`) and returns ``rho = exp(slope)`` of the
        least-squares line through ``(k, ln norms[k])`` for ``k = 1 ... K``.
    """
    rng = np.random.default_rng(0)
    for rho in (0.5, 0.8, 0.95):
        k = np.arange(30)
        norms = 2.0 * rho**k * np.exp(rng.normal(0, 0.1, size=30))
        norms[0] *= 5.0  # the last step is special (it sees the loss directly): excluded
        slope = np.polyfit(k[1:], np.log(norms[1:]), 1)[0]
        want = math.exp(slope)
        got = float(decay_factor(norms.copy()))
        if math.isclose(got, want, rel_tol=1e-6):
            continue
        if math.isclose(got, slope, rel_tol=1e-6):
            hint = "you returned the slope of ln(norm); the factor is exp(slope)"
        elif math.isclose(got, math.exp(np.polyfit(k, np.log(norms), 1)[0]), rel_tol=1e-6):
            hint = "fit k = 1 ... K only: norms[0] (the step that sees the loss) is excluded"
        else:
            hint = "fit ln(norms[k]) = a + k ln(rho) by least squares over k = 1 ... K, return rho"
        raise CheckFailed(
            f"decay_factor(norms) = {got:.6g} for norms decaying like {rho}^k; expected {want:.6g}: {hint}."
        )
    passed("the decay factor is exp(slope) of the least-squares fit of ln ||dL_T/dh_(T-k)|| on k")


def check_stream(as_stream: Callable[[Sequence[np.ndarray]], list]) -> None:
    """Check ``as_stream(rows)``: all sentences as one row, one ``</s>`` between sentences.

    Parameters
    ----------
    as_stream : callable
        Takes rows ``[</s>, w1, ..., wn, </s>]`` (ndarrays) and returns a list holding one row
        ``[</s>, (sentence 1), </s>, (sentence 2), </s>, ...]`` that predicts the same tokens.
    """
    rows = [np.array([0, 5, 6, 0]), np.array([0, 7, 0]), np.array([0, 8, 9, 5, 0])]
    want = np.array([0, 5, 6, 0, 7, 0, 8, 9, 5, 0])
    got = as_stream([r.copy() for r in rows])
    require(
        isinstance(got, (list, tuple)) and len(got) == 1,
        f"as_stream(rows) should return a list holding one row; got {type(got).__name__} "
        f"of length {len(got) if hasattr(got, '__len__') else '?'}.",
    )
    row = np.asarray(got[0])
    n_want, n_got = count_targets(rows), count_targets([row])
    require(
        n_got == n_want,
        f"your stream predicts {n_got} tokens but the sentences have {n_want} (every word and one "
        "</s> per sentence): keep exactly one </s> between two sentences and one at each end.",
    )
    require(
        np.array_equal(row, want),
        f"as_stream(rows)[0] is {row.tolist()}; expected {want.tolist()} (the sentences in order).",
    )
    passed("the stream predicts the same tokens as the sentences, in the same order")

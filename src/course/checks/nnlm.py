"""Checks for the exercises of chapter 02 (the neural probabilistic language model).

Each check runs the student's function on small cases, compares it with the tested
:mod:`course.lm.nnlm` (or a closed form), and prints one ``PASS`` line or raises
:class:`~course.checks.CheckFailed` saying what is off.

>>> from course.lm.nnlm import nnlm_num_parameters
>>> check_param_count(nnlm_num_parameters)
PASS: the parameter count matches the NNLM for 5 configurations, with and without direct connections
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ..lm.nnlm import NNLM, nnlm_num_parameters
from . import CheckFailed, passed, require

__all__ = ["check_param_count", "check_nnlm_logits", "check_mixture_perplexity"]


def check_param_count(count: Callable[[int, int, int, int, bool], int]) -> None:
    """Check ``count(V, N, D, H, direct)``: the number of parameters of the NNLM.

    Parameters
    ----------
    count : callable
        Takes the vocabulary size ``V``, the context size ``N``, the vector size ``D``, the
        number of hidden units ``H`` and whether there are direct connections; returns an int.
    """
    cases = [
        (10, 2, 4, 8, False),
        (10, 2, 4, 8, True),
        (1000, 3, 30, 50, False),
        (7, 1, 1, 1, True),
        (10_000, 4, 64, 64, False),
    ]
    for V, N, D, H, direct in cases:
        got = count(V, N, D, H, direct)
        want = nnlm_num_parameters(V, N, D, H, direct)
        assert want == NNLM(V, N, D, H, direct=direct).num_parameters() or V > 5000
        if got == want:
            continue
        gap = want - got
        hints = {
            H + V: "the biases d (H numbers) and b (V numbers)",
            H: "the hidden bias d (H numbers)",
            V: "the output bias b (V numbers)",
            V * D: "the lookup table C (V x D)",
            N * D * V: "the direct connections W (V x N*D), present when direct=True",
            -N * D * V: "nothing: you counted the direct connections W although direct=False",
            (N - 1) * D * H: "N - 1 blocks of H: the hidden layer sees all N concatenated vectors "
            "(H is H x N*D, not H x D)",
            (N - 1) * D * V: "N - 1 blocks of W: W maps all N concatenated vectors (V x N*D)",
        }
        hint = hints.get(gap)
        detail = (
            f" The difference, {gap}, is exactly {hint}."
            if hint is not None
            else " Count C (V x D), H (H x N*D) and d (H), U (V x H) and b (V), and W (V x N*D) when direct=True."
        )
        raise CheckFailed(
            f"count(V={V}, N={N}, D={D}, H={H}, direct={direct}) = {got}; the model has {want} parameters.{detail}"
        )
    passed(f"the parameter count matches the NNLM for {len(cases)} configurations, with and without direct connections")


def _variants(model: NNLM, context: list[int]) -> dict[str, torch.Tensor]:
    """The right logits and the results of common mistakes, for one context."""
    C, Hl, U = model.C, model.H, model.U
    x = C[torch.tensor(context)].reshape(-1)
    x_rev = C[torch.tensor(context[::-1])].reshape(-1)

    def y(x, tanh=True, direct=True, bias=True):
        a = Hl.weight @ x + (Hl.bias if bias else 0)
        out = U.weight @ (torch.tanh(a) if tanh else a) + (U.bias if bias else 0)
        if direct and model.W is not None:
            out = out + model.W.weight @ x
        return out

    return {
        "right": y(x),
        "newest word first": y(x_rev),
        "no tanh": y(x, tanh=False),
        "no direct connections W x": y(x, direct=False),
        "no biases d and b": y(x, bias=False),
    }


def check_nnlm_logits(logits: Callable[[NNLM, list[int]], torch.Tensor]) -> None:
    """Check ``logits(model, context)``: eq. 1, ``y = b + W x + U tanh(d + H x)``, by hand.

    Parameters
    ----------
    logits : callable
        Takes an :class:`~course.lm.nnlm.NNLM` and a list of ``N`` word ids (oldest first);
        returns the tensor of shape (V,) of scores of the next word.
    """
    model = NNLM(vocab_size=12, context_size=3, vector_size=4, hidden_size=5, direct=True, seed=7)
    with torch.no_grad():
        g = torch.Generator().manual_seed(1)
        model.H.bias.normal_(generator=g)
        model.U.bias.normal_(generator=g)
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for _ in range(5):
            context = [int(i) for i in rng.integers(0, 12, size=3)]
            want_all, _ = model(torch.tensor([context]))
            want = want_all[0, -1]  # the window ending at the last word is exactly `context`
            got = torch.as_tensor(logits(model, list(context))).detach().reshape(-1).to(torch.float32)
            require(
                got.shape == want.shape,
                f"logits(model, {context}) has shape {tuple(got.shape)}; expected ({model.vocab_size},): "
                "one score per word of the vocabulary.",
            )
            if torch.allclose(got, want, atol=1e-5):
                continue
            for name, value in _variants(model, context).items():
                if name != "right" and torch.allclose(got, value, atol=1e-5):
                    raise CheckFailed(
                        f"logits(model, {context}) matches eq. 1 with {name}. "
                        + {
                            "newest word first": "The model concatenates the looked-up "
                            "vectors oldest first: x = (C[w_1], ..., C[w_N]).",
                            "no tanh": "The hidden layer is tanh(d + H x).",
                            "no direct connections W x": "Add model.W(x) when the model has direct connections.",
                            "no biases d and b": "Include the biases: model.H.bias is d and model.U.bias is b.",
                        }[name]
                    )
            worst = float((got - want).abs().max())
            raise CheckFailed(
                f"logits(model, {context}) differs from the model's logits by up to "
                f"{worst:.3g}. Compute x = concatenated C[w] (oldest first), then "
                "b + W x + U tanh(d + H x)."
            )
    passed("your logits equal eq. 1 of Bengio et al. (2003) on 5 contexts, with direct connections")


def check_mixture_perplexity(mixture: Callable[[np.ndarray, np.ndarray, float], float]) -> None:
    """Check ``mixture(nll_a, nll_b, lam)``: perplexity of ``lam P_a + (1 - lam) P_b``.

    Parameters
    ----------
    mixture : callable
        Takes two arrays of per-token negative log-likelihoods (nats, same tokens, same order)
        and a weight ``lam`` in [0, 1]; returns the perplexity of the interpolated model.
    """
    rng = np.random.default_rng(0)
    nll_a = rng.exponential(4.0, size=200)
    nll_b = rng.exponential(4.0, size=200)
    for lam in (0.0, 0.3, 0.5, 1.0):
        want = math.exp(float(np.mean(-np.log(lam * np.exp(-nll_a) + (1 - lam) * np.exp(-nll_b)))))
        got = float(mixture(nll_a.copy(), nll_b.copy(), lam))
        if math.isclose(got, want, rel_tol=1e-6):
            continue
        geometric = math.exp(float(np.mean(lam * nll_a + (1 - lam) * nll_b)))
        swapped = math.exp(float(np.mean(-np.log((1 - lam) * np.exp(-nll_a) + lam * np.exp(-nll_b)))))
        if math.isclose(got, geometric, rel_tol=1e-6):
            hint = (
                "you mixed the log-probabilities (a weighted geometric mean, not a distribution); "
                "mix the probabilities: P = lam exp(-nll_a) + (1 - lam) exp(-nll_b)"
            )
        elif math.isclose(got, swapped, rel_tol=1e-6):
            hint = "lam weighs the first model: P = lam P_a + (1 - lam) P_b"
        elif math.isclose(got, math.log(want), rel_tol=1e-6):
            hint = "you returned the mean NLL; perplexity is exp(mean NLL)"
        else:
            hint = "perplexity = exp(mean over tokens of -ln(lam P_a + (1 - lam) P_b))"
        raise CheckFailed(f"mixture(nll_a, nll_b, lam={lam}) = {got:.6g}; expected {want:.6g}: {hint}.")
    passed("the mixture's perplexity is exp(mean -ln(lam P_a + (1 - lam) P_b)) for 4 weights")

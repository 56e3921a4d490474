"""Checks for the exercises of chapter 06 (negative sampling).

Each check calls the student's function on a few inputs, compares it with an independent answer
(the tested :mod:`course.word2vec.reference` gradients, :mod:`course.word2vec.negative_sampling`, or a
closed form) and prints one ``PASS`` line or raises :class:`~course.checks.CheckFailed` naming
the first input where the answer is wrong.

>>> from course.word2vec.negative_sampling import noise_distribution
>>> check_noise_share(lambda counts, alpha, top: noise_distribution(counts, alpha)[:top].sum())
PASS: noise_share matches U(w)^alpha / Z for alpha in (0, 0.5, 0.75, 1) and top in (1, 3, 10)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..word2vec.negative_sampling import shifted_pmi
from . import CheckFailed, passed, require

__all__ = ["check_sgns_gradients", "check_alias_table", "check_noise_share", "check_shifted_pmi", "shifted_pmi"]


def _call(fn: Callable, *args):
    if not callable(fn):
        raise CheckFailed(f"Expected a function, got {type(fn).__name__}.")
    try:
        return fn(*args)
    except (CheckFailed, NotImplementedError):  # NotImplementedError: an unanswered stub
        raise
    except Exception as exc:  # a student's bug: say which input triggered it
        shapes = ", ".join(f"array{a.shape}" if isinstance(a, np.ndarray) else repr(a)[:30] for a in args)
        raise CheckFailed(f"Your function raised {type(exc).__name__}: {exc} (inputs: {shapes}).") from exc


# ---------------------------------------------------------------------------- gradients
def check_sgns_gradients(fn: Callable) -> None:
    """``fn(h, u_pos, U_neg) -> (loss, d_h, d_u_pos, d_U_neg)`` for one SGNS example.

    ``h`` (D,) is the input vector, ``u_pos`` (D,) the output vector of the true context word,
    ``U_neg`` (K, D) those of the K noise words; the loss is
    ``-log s(u_pos . h) - sum_k log s(-U_neg[k] . h)``.
    """
    from ..word2vec import reference

    rng = np.random.default_rng(0)
    for D, K, scale in [(3, 1, 0.5), (5, 5, 1.0), (8, 15, 2.0), (4, 3, 6.0)]:
        h, u_pos, U_neg = rng.normal(0, scale, D), rng.normal(0, scale, D), rng.normal(0, scale, (K, D))
        got = _call(fn, h.copy(), u_pos.copy(), U_neg.copy())
        require(
            isinstance(got, tuple) and len(got) == 4,
            f"Return a tuple (loss, d_h, d_u_pos, d_U_neg); got {type(got).__name__} of length "
            f"{len(got) if hasattr(got, '__len__') else '?'}.",
        )
        loss, d_h, d_u, d_U = got
        # The reference on a vocabulary of 1 + 1 + K words: input 0, output 1, noise 2 .. K + 1.
        W_in = np.vstack([h, np.zeros((K + 1, D))])
        W_out = np.vstack([np.zeros(D), u_pos, U_neg])
        ref_loss, g_in, g_out = reference.skipgram_negative(W_in, W_out, [0], [1], [list(range(2, K + 2))])
        case = f"D={D}, K={K}, vectors of scale {scale}"
        require(
            np.isclose(float(loss), ref_loss, rtol=1e-6),
            f"loss is {float(loss):.6g} but should be {ref_loss:.6g} ({case}). The loss is "
            "-log sigmoid(u_pos.h) - sum_k log sigmoid(-u_k.h): note the minus sign inside for noise words.",
        )
        for name, value, want in [("d_u_pos", d_u, g_out[1]), ("d_U_neg", d_U, g_out[2:]), ("d_h", d_h, g_in[0])]:
            value = np.asarray(value, dtype=float)
            require(value.shape == want.shape, f"{name} has shape {value.shape}, expected {want.shape} ({case}).")
            if not np.allclose(value, want, rtol=1e-6, atol=1e-9):
                hint = {
                    "d_u_pos": "(sigmoid(u_pos.h) - 1) * h",
                    "d_U_neg": "sigmoid(U_neg @ h)[:, None] * h",
                    "d_h": "(sigmoid(u_pos.h) - 1) * u_pos + sum_k sigmoid(u_k.h) * u_k",
                }[name]
                raise CheckFailed(
                    f"{name} is off by up to {np.abs(value - want).max():.3g} ({case}); it should be {hint}."
                )
    passed("sgns_gradients matches the reference loss and all three gradients on 4 random cases")


# ---------------------------------------------------------------------------- alias table
def _alias_distribution(prob: np.ndarray, alias: np.ndarray) -> np.ndarray:
    V = len(prob)
    p = prob.astype(float).copy()
    np.add.at(p, alias, 1.0 - prob)
    return p / V


def check_alias_table(build: Callable) -> None:
    """``build(p) -> (prob, alias)``: Vose's alias table for the distribution ``p`` (V,).

    Column ``i`` keeps its own word with probability ``prob[i]`` and gives the rest to
    ``alias[i]``; the check recomputes the distribution the table draws from.
    """
    rng = np.random.default_rng(1)
    cases = {
        "uniform over 4": np.full(4, 0.25),
        "one word": np.array([1.0]),
        "[0.5, 0.3, 0.2]": np.array([0.5, 0.3, 0.2]),
        "with zeros": np.array([0.0, 0.7, 0.0, 0.3]),
        "Zipf over 100": (w := 1 / np.arange(1, 101)) / w.sum(),
        "random over 50": (r := rng.random(50) ** 4) / r.sum(),
    }
    for name, p in cases.items():
        got = _call(build, p.copy())
        require(isinstance(got, tuple) and len(got) == 2, "Return a tuple (prob, alias).")
        prob, alias = (np.asarray(x) for x in got)
        require(
            prob.shape == (len(p),) and alias.shape == (len(p),),
            f"prob and alias must have shape ({len(p)},); got {prob.shape} and {alias.shape} ({name}).",
        )
        require(
            np.issubdtype(alias.dtype, np.integer) and alias.min() >= 0 and alias.max() < len(p),
            f"alias must hold word ids in 0..{len(p) - 1} ({name}); got {alias!r}.",
        )
        require(
            np.all(prob >= -1e-12) and np.all(prob <= 1 + 1e-12),
            f"prob must hold probabilities in [0, 1] ({name}); got values in [{prob.min():.3g}, {prob.max():.3g}]. "
            "Did you forget to scale p by V (each column holds mass 1/V)?",
        )
        q = _alias_distribution(prob, alias)
        if not np.allclose(q, p, atol=1e-9):
            i = int(np.argmax(np.abs(q - p)))
            raise CheckFailed(
                f"The table draws word {i} with probability {q[i]:.6g}, but p[{i}] = {p[i]:.6g} ({name}). "
                "Each time a small column is filled, the large column must give up exactly "
                "1 - scaled[small] of its mass."
            )
    passed("alias table reproduces the distribution exactly on 6 cases (uniform, one word, zeros, Zipf, random)")


# ---------------------------------------------------------------------------- noise share
def check_noise_share(fn: Callable) -> None:
    """``fn(counts, alpha, top)``: the noise probability mass of the ``top`` most frequent words.

    ``counts`` is sorted in decreasing order; the noise distribution is ``U(w)^alpha / Z``.
    """
    from ..word2vec.negative_sampling import noise_distribution

    counts = np.array([5000 // k for k in range(1, 201)])
    for alpha in (0, 0.5, 0.75, 1):
        for top in (1, 3, 10):
            got = _call(fn, counts.copy(), alpha, top)
            want = float(noise_distribution(counts, alpha)[:top].sum())
            require(np.isscalar(got) or np.ndim(got) == 0, f"Return one number; got {type(got).__name__}.")
            require(
                np.isclose(float(got), want, rtol=1e-9),
                f"For alpha={alpha}, top={top} you returned {float(got):.6g}; the {top} most frequent words "
                f"hold {want:.6g} of U(w)^alpha / sum_w U(w)^alpha.",
            )
    passed("noise_share matches U(w)^alpha / Z for alpha in (0, 0.5, 0.75, 1) and top in (1, 3, 10)")


# ---------------------------------------------------------------------------- shifted PMI
def check_shifted_pmi(fn: Callable) -> None:
    """``fn(cooc, k)``: the shifted PMI matrix, ``-inf`` for pairs never seen."""
    rng = np.random.default_rng(2)
    cases = [(np.array([[2, 0], [1, 1]]), 1), (rng.integers(0, 20, (4, 6)), 5), (rng.integers(1, 50, (3, 3)), 15)]
    for cooc, k in cases:
        got = np.asarray(_call(fn, cooc.copy(), k), dtype=float)
        want = shifted_pmi(cooc, k)
        require(got.shape == want.shape, f"Return a {want.shape} matrix; got shape {got.shape} (k={k}).")
        same = np.isclose(got, want, rtol=1e-9) | (np.isneginf(got) & np.isneginf(want))
        if not same.all():
            i, j = np.argwhere(~same)[0]
            raise CheckFailed(
                f"Entry ({i}, {j}) is {got[i, j]:.6g} but should be {want[i, j]:.6g} (k={k}): "
                "log(#(w,c) * |D| / (#(w) * #(c))) - log(k), with |D| the total number of pairs "
                "and -inf where #(w,c) = 0."
            )
    passed("shifted_pmi matches log(#(w,c)|D| / (#(w)#(c))) - log k on 3 count matrices")

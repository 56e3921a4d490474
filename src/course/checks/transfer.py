"""Checks for the exercises of chapter 10 (ELMo at work).

>>> import torch
>>> def pooled(layers, w, gamma):
...     s = torch.softmax(torch.as_tensor(w, dtype=layers.dtype), 0)
...     return gamma * (s[:, None] * layers.mean(1)).sum(0)
>>> check_pooled_mix(pooled)
PASS: pooled_mix is the scalar mix of the mean vectors (and the mean of the mixed token vectors)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from . import passed, require

__all__ = ["check_pooled_mix", "check_nearest_word", "check_paired_gap"]


def check_pooled_mix(pooled_mix: Callable) -> None:
    """``pooled_mix(layers (L+1, n, D), w (L+1,), gamma) -> (D,)``: the sentence vector of the mixed tokens."""
    from ..elmo.scalar_mix import ScalarMix

    g = torch.Generator().manual_seed(0)
    layers = torch.randn(3, 7, 5, generator=g)
    w = torch.tensor([1.0, -0.5, 0.25])
    mix = ScalarMix(3, gamma=1.5)
    with torch.no_grad():
        mix.scalar_parameters.copy_(w)
        truth = mix(layers).mean(0)  # mix every token, then average over the sentence
    got = torch.as_tensor(pooled_mix(layers, w, 1.5))
    require(
        tuple(got.shape) == (5,), f"pooled_mix returned shape {tuple(got.shape)}; expected (5,), one sentence vector."
    )
    require(
        torch.allclose(got, truth, atol=1e-5),
        "pooled_mix differs from the mean over tokens of gamma * sum_j softmax(w)_j h_j: average over the "
        "token axis (1), weight the layers with softmax(w), and scale by gamma.",
    )
    passed("pooled_mix is the scalar mix of the mean vectors (and the mean of the mixed token vectors)")


def check_nearest_word(nearest_word: Callable) -> None:
    """``nearest_word(vectors (V, D), words, query (D,), exclude) -> str``: the cosine-nearest word, ``exclude`` skipped."""
    vectors = np.array([[1.0, 0.0], [10.0, 10.0], [0.0, 1.0], [0.6, 0.8]])
    words = ["east", "northeast", "north", "nnorth"]
    cases = [
        (np.array([0.1, 1.0]), None, "north"),
        (np.array([0.1, 1.0]), "north", "nnorth"),
        (np.array([1.0, 1.1]), None, "northeast"),  # cosine, not dot product: the long vector wins by angle only
        (np.array([5.0, 0.2]), None, "east"),
    ]
    for query, exclude, want in cases:
        got = nearest_word(vectors, words, query, exclude)
        require(
            got == want,
            f"For the query {query.tolist()} (excluding {exclude!r}) the nearest word by cosine is {want!r}; "
            f"you returned {got!r}. Normalise both sides (cosine, not dot product), and skip the excluded word.",
        )
    long = np.array([[1.0, 0.0], [100.0, 30.0]])
    got = nearest_word(long, ["a", "b"], np.array([1.0, 0.05]), None)
    require(
        got == "a", f"Of [1, 0] and [100, 30] the query [1, 0.05] is closer in angle to [1, 0]; you returned {got!r}."
    )
    passed("nearest_word finds the cosine-nearest word and skips the excluded one")


def check_paired_gap(paired_gap: Callable) -> None:
    """``paired_gap(a_correct, b_correct) -> (difference, p_value)`` must be McNemar's exact test."""
    from ..evaluation.statistics import mcnemar_exact

    rng = np.random.default_rng(0)
    for n, p_a, p_b in [(200, 0.7, 0.6), (60, 0.5, 0.5), (500, 0.8, 0.78)]:
        a, b = rng.random(n) < p_a, rng.random(n) < p_b
        truth = mcnemar_exact(a, b)
        diff, p = paired_gap(a, b)
        require(
            abs(diff - truth.difference) < 1e-9,
            f"The difference in accuracy is {truth.difference:.4f}; you returned {diff:.4f} (A's minus B's).",
        )
        require(
            abs(p - truth.p_value) < 1e-6,
            f"On {n} paired outcomes with {truth.only_a} won only by A and {truth.only_b} only by B, McNemar's exact "
            f"p-value is {truth.p_value:.4g}; you returned {p:.4g}. Count only the discordant pairs and use "
            "min(1, 2 P(X <= min(b, c))) for X ~ Bin(b + c, 1/2).",
        )
    passed("paired_gap is McNemar's exact test on the same sentences")

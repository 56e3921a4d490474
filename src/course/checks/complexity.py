"""Checks for the exercises of chapter 04 (the cost model of Mikolov et al. 2013a).

>>> check_cbow_negative(lambda N, D, V, k: N * D + D * (k + 1))
PASS: Q of CBOW with negative sampling is N x D + D x (k + 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..complexity.counting import count_ops
from ..complexity.formulas import cbow_cost
from . import passed, require

__all__ = ["check_cbow_negative", "check_hs_crossover", "check_ns_output_layer"]


def check_cbow_negative(fn: Callable[[int, int, int, int], float]) -> None:
    """``fn(N, D, V, k)`` must return Q of CBOW with ``k`` negative samples."""
    for N, D, V, k in [(8, 300, 10**6, 5), (2, 10, 1000, 1), (4, 50, 10**5, 15), (10, 1000, 30, 2)]:
        got = fn(N, D, V, k)
        require(got is not None, f"fn({N}, {D}, {V}, {k}) returned None: return a number")
        want = cbow_cost(N, D, V, output="ns", negative=k).total
        hint = ""
        if math.isclose(got, D * (k + 1)):
            hint = " You left out the projection: N context vectors of D numbers are read and averaged."
        elif math.isclose(got, N * D + D * k):
            hint = " Count the positive (true) output word too: k noise words + 1 target = k + 1 dot products."
        elif math.isclose(got, N * D + D * math.log2(V)):
            hint = " That is hierarchical softmax: negative sampling replaces log2 V by k + 1."
        elif math.isclose(got, N * D * (k + 1)) or math.isclose(got, N * D + N * D * (k + 1)):
            hint = " CBOW averages the N context vectors first, so the output layer sees ONE D-vector."
        require(
            math.isclose(float(got), want, rel_tol=1e-9),
            f"fn(N={N}, D={D}, V={V}, k={k}) = {float(got):.6g}, expected {want:.6g}.{hint}",
        )
    passed("Q of CBOW with negative sampling is N x D + D x (k + 1)")


def check_hs_crossover(fn: Callable[[int, int], float]) -> None:
    """``fn(N, D)`` must return the V at which CBOW's two terms are equal with hierarchical softmax.

    Below it the projection ``N x D`` dominates Q, above it the output ``D x log2 V``.
    """
    for N, D in [(8, 300), (8, 1000), (4, 50), (1, 7), (12, 100)]:
        got = fn(N, D)
        require(got is not None, f"fn({N}, {D}) returned None: return a number")
        want = 2.0**N
        hint = ""
        if math.isclose(float(got), N * D):
            hint = " N x D is where the NNLM's H x V meets N x D x H; here solve N x D = D x log2 V."
        elif math.isclose(float(got), math.log2(N)) or math.isclose(float(got), N):
            hint = " Solve log2 V = N for V (not for log2 V)."
        require(
            math.isclose(float(got), want, rel_tol=1e-9),
            f"fn(N={N}, D={D}) = {float(got):.6g}, expected {want:.6g}.{hint}",
        )
        q = cbow_cost(N, D, max(2, round(want)), output="hs")
        require(
            math.isclose(q.term("projection").value, q.term("output").value, rel_tol=1e-9),
            "internal: the two terms should be equal at the crossover",
        )
    passed("CBOW with hierarchical softmax: N x D = D x log2 V at V = 2^N, whatever D")


def check_ns_output_layer(
    fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor], D: int = 16, batch: int = 8, k: int = 5
) -> None:
    """``fn(h, W_out, targets)`` must return the scores ``W_out[targets] . h`` at a cost of
    ``D x (k + 1)`` multiply-adds per example, whatever the vocabulary size.

    Parameters
    ----------
    fn : callable
        ``h`` (B, D), ``W_out`` (V, D), ``targets`` (B, k + 1) int64 -> scores (B, k + 1).
    """
    g = torch.Generator().manual_seed(0)
    per_example = {}
    for V in (100, 10_000):
        h = torch.randn(batch, D, generator=g)
        W_out = torch.randn(V, D, generator=g)
        targets = torch.randint(0, V, (batch, k + 1), generator=g)
        scores, counted = count_ops(fn, h, W_out, targets)
        require(
            isinstance(scores, torch.Tensor) and tuple(scores.shape) == (batch, k + 1),
            f"fn must return a tensor of shape (B, k + 1) = {(batch, k + 1)}. "
            f"Got {getattr(scores, 'shape', type(scores).__name__)} instead.",
        )
        want = (W_out[targets] * h.unsqueeze(1)).sum(-1)  # (B, k + 1)
        require(
            torch.allclose(scores, want, atol=1e-4),
            "the scores are wrong: score[b, j] must be the dot product of W_out[targets[b, j]] and h[b].",
        )
        per_example[V] = counted.total("macs") / batch
    require(
        per_example[10_000] <= 1.1 * per_example[100],
        f"your layer costs {per_example[100]:.4g} multiply-adds per example at V = 100 and "
        f"{per_example[10_000]:.4g} at V = 10000: it grows with V. Scoring every word and then "
        "picking k + 1 is the full softmax's cost; gather the k + 1 rows first.",
    )
    require(
        abs(per_example[10_000] - D * (k + 1)) <= 0.1 * D * (k + 1),
        f"counted {per_example[10_000]:.4g} multiply-adds per example, expected D x (k + 1) = "
        f"{D * (k + 1)} (within 10%).",
    )
    passed(f"negative-sampling scores at D x (k + 1) = {D * (k + 1)} multiply-adds per example, independent of V")

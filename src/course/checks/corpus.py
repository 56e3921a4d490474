"""Checks for the exercises of chapter 00 (the course corpus)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..data.stats import hapax_fraction, zipf_fit, zipf_token_share
from . import passed, require

__all__ = ["check_zipf_token_share", "check_hapax_fraction", "check_source_exponents"]


def check_zipf_token_share(fn: Callable[[int, int], float]) -> None:
    """``fn(k, V)`` must return the share of tokens of the top ``k`` words under Zipf with s = 1."""
    for k, v in [(1, 1), (1, 2), (10, 1000), (100, 30000), (0, 5)]:
        got, want = fn(k, v), zipf_token_share(k, v)
        require(got is not None, f"fn({k}, {v}) returned None: return a float")
        require(
            math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-12),
            f"fn({k}, {v}) = {float(got):.6g}, expected H_{k} / H_{v} = {want:.6g}"
            + (" (did you use H_V / H_k?)" if want and math.isclose(float(got), 1 / want, rel_tol=1e-6) else ""),
        )
    passed("the top-k token share under Zipf's law (s = 1) is H_k / H_V")


def check_hapax_fraction(fn: Callable, counts) -> None:
    """``fn(counts)`` must return the fraction of types seen exactly once."""
    for case in ([1, 1, 2], [3], [1], list(counts)):
        got, want = fn(case), hapax_fraction(case)
        require(
            math.isclose(float(got), want, abs_tol=1e-12),
            f"on {len(case)} counts fn gave {float(got):.6g}, expected {want:.6g}: "
            "a hapax is a TYPE with count exactly 1, divided by the number of types (not tokens)",
        )
    passed("hapax fraction")


def check_source_exponents(
    exponents: dict[str, float], counts_by_source: dict[str, np.ndarray], min_rank: int = 10, max_rank: int = 1000
) -> None:
    """``exponents[source]`` must be the Zipf exponent fitted over ranks [min_rank, max_rank]."""
    require(
        set(exponents) == set(counts_by_source),
        f"expected one exponent per source {sorted(counts_by_source)}, got {sorted(exponents)}",
    )
    for name, counts in counts_by_source.items():
        want = zipf_fit(counts, min_rank, max_rank)[0]
        require(
            math.isclose(exponents[name], want, rel_tol=1e-3),
            f"{name}: exponent {exponents[name]:.4g}, expected {want:.4g} over ranks {min_rank}..{max_rank}",
        )
    passed(f"Zipf exponents of {len(exponents)} sources")

"""Figures and the explorer of chapter 00 (the course corpus): Zipf's and Heaps' laws, coverage.

Plotting only: every number a figure shows is computed in :mod:`course.data.stats` (Zipf 1949,
Heaps 1978) and printed by the chapter as well, because nbval compares text, not images.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..data.stats import coverage_by_vocab_size, rank_frequency
from .base import axes

__all__ = ["zipf_plot", "heaps_plot", "coverage_plot", "vocabulary_explorer", "min_count_summary"]


def zipf_plot(counts, s: float, c: float, fit_range: tuple[int, int], ax=None):
    """Rank-frequency on log-log axes with the fitted line ``C r^-s`` over ``fit_range``."""
    ranks, freqs = rank_frequency(counts)
    ax = axes(ax, figsize=(6, 4))
    ax.loglog(ranks, freqs, ".", ms=2, alpha=0.5, label="corpus")
    r = np.geomspace(*fit_range, 50)
    ax.loglog(r, c * r**-s, "r-", lw=2, label=f"fit: f(r) = {c:.3g} r^-{s:.3f}")
    ax.set_xlabel("rank r")
    ax.set_ylabel("frequency f(r)")
    ax.set_title("Zipf's law")
    ax.legend()
    return ax


def heaps_plot(n: np.ndarray, v: np.ndarray, k: float, beta: float, ax=None):
    """Vocabulary growth on log-log axes with the fitted ``K n^beta``."""
    ax = axes(ax, figsize=(6, 4))
    ax.loglog(n, v, "o", ms=3, label="corpus")
    ax.loglog(n, k * n**beta, "r-", label=f"fit: V(n) = {k:.3g} n^{beta:.3f}")
    ax.set_xlabel("tokens read n")
    ax.set_ylabel("distinct words V(n)")
    ax.set_title("Heaps' law")
    ax.legend()
    return ax


def coverage_plot(rows: Sequence[tuple[int, float]], ax=None):
    """Fraction of analogy questions covered against vocabulary size (log x axis)."""
    ax = axes(ax, figsize=(6, 4))
    sizes, fracs = zip(*rows)
    ax.semilogx(sizes, np.asarray(fracs) * 100, "o-")
    ax.set_xlabel("vocabulary: the V most frequent words")
    ax.set_ylabel("analogy questions covered (%)")
    ax.set_ylim(0, 100)
    ax.set_title("How much of the analogy set a vocabulary covers")
    return ax


def min_count_summary(sorted_counts: np.ndarray, index_to_key: Sequence[str], questions, min_count: int) -> dict:
    """Vocabulary size, token coverage and analogy coverage when words below ``min_count`` are dropped.

    Parameters
    ----------
    sorted_counts : ndarray of shape (V,)
        Counts in decreasing order, aligned with ``index_to_key``.
    """
    size = int(np.searchsorted(-sorted_counts, -min_count, side="right"))
    tokens = float(sorted_counts[:size].sum() / sorted_counts.sum())
    analogy = coverage_by_vocab_size(index_to_key, questions, [size])[0][1]
    return {"min_count": min_count, "vocab_size": size, "token_coverage": tokens, "analogy_coverage": analogy}


def vocabulary_explorer(sorted_counts: np.ndarray, index_to_key: Sequence[str], questions):
    """An ipywidgets slider: min_count -> vocabulary size, corpus coverage, analogy coverage."""
    import ipywidgets as widgets

    def show(min_count: int = 5):
        s = min_count_summary(sorted_counts, index_to_key, questions, min_count)
        print(
            f"min_count={min_count}: {s['vocab_size']:,} words keep "
            f"{100 * s['token_coverage']:.2f}% of the tokens and cover "
            f"{100 * s['analogy_coverage']:.1f}% of the analogy questions"
        )

    slider = widgets.IntSlider(value=5, min=1, max=200, step=1, description="min_count", continuous_update=False)
    return widgets.interactive(show, min_count=slider)

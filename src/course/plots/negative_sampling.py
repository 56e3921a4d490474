"""Figures of chapter 06 (negative sampling): the noise distribution, subsampling, the SGNS loss.

Plotting only: the noise distribution ``U(w)^alpha / Z`` and the keep probabilities of frequent
words (Mikolov et al. 2013b, sections 2.2 and 2.3, and word2vec.c's variant) are computed by
:mod:`course.word2vec.negative_sampling` and :mod:`course.word2vec.subsampling`; the chapter prints the numbers the figures show.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = keep_probability_plot([100, 10, 1], [("paper", 1e-2)], highlight=("paper", 1e-2))
>>> [round(float(y), 4) for y in ax.get_lines()[0].get_ydata()[[0, -1]]]   # min(1, sqrt(t / f))
[1.0, 0.3162]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..base.validation import check_int
from ..word2vec.negative_sampling import noise_distribution
from ..word2vec.subsampling import keep_probabilities
from .base import axes

__all__ = ["noise_distribution_plot", "noise_exponent_plot", "keep_probability_plot", "sgns_loss_plot"]


def noise_distribution_plot(counts, alphas: Sequence[float] = (1.0, 0.75, 0.5, 0.0), ax=None):
    """The noise probability of each word against its rank (log-log), one line per exponent.

    Parameters
    ----------
    counts : array-like of shape (V,)
        Word counts, most frequent first (rank 1 is ``counts[0]``).
    alphas : sequence of float, default=(1.0, 0.75, 0.5, 0.0)
        The exponents ``alpha`` of :func:`course.word2vec.negative_sampling.noise_distribution`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = axes(ax, figsize=(7, 4))
    ranks = np.arange(1, len(counts) + 1)
    for a in alphas:
        ax.loglog(ranks, noise_distribution(counts, a), label=f"alpha = {a}")
    ax.set_xlabel("rank of the word (1 = most frequent)")
    ax.set_ylabel("noise probability P_n(w)")
    ax.set_title("The noise distribution U(w)^alpha / Z on the course corpus")
    ax.legend()
    return ax


def noise_exponent_plot(counts, alpha: float = 0.75, ax=None):
    """The noise distribution at exponent ``alpha`` beside the unigram one (``alpha = 1``, grey).

    The figure of the chapter's noise-exponent explorer; ``counts`` as in
    :func:`noise_distribution_plot`.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes(ax, figsize=(7, 3.5))
    ranks = np.arange(1, len(counts) + 1)
    ax.loglog(ranks, noise_distribution(counts, 1.0), color="grey", label="alpha = 1 (unigram)")
    ax.loglog(ranks, noise_distribution(counts, alpha), label=f"alpha = {alpha:.2f}")
    ax.set_xlabel("rank")
    ax.set_ylabel("P_n(w)")
    ax.legend()
    return ax


def keep_probability_plot(
    counts,
    settings: Sequence[tuple[str, float]],
    highlight: tuple[str, float] = ("word2vec.c", 1e-3),
    n_top: int = 10,
    ax=None,
):
    """Probability of keeping an occurrence against the word's frequency, one curve per rule.

    Parameters
    ----------
    counts : array-like of shape (V,)
        Word counts, most frequent first; the ``n_top`` most frequent words are drawn as points.
    settings : sequence of (rule, t)
        ``rule`` in ``{"paper", "word2vec.c"}`` and the threshold ``t`` of
        :func:`course.word2vec.subsampling.keep_probabilities`.
    highlight : (rule, t), default=("word2vec.c", 1e-3)
        The setting at which the ``n_top`` words are drawn.
    n_top : int, default=10
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    The curves are the package's formulas on a frequency grid ``f`` from 1e-7 to 0.1:
    ``keep_probabilities`` sees the grid as counts, whose frequencies are ``f / sum(f)``, so it
    is called with the threshold ``t / sum(f)``, which leaves ``t / f`` (all that a rule reads)
    unchanged.
    """
    n_top = check_int(n_top, "n_top", "keep_probability_plot", low=1)
    counts = np.asarray(counts, dtype=np.float64)
    ax = axes(ax, figsize=(7, 4))
    f_grid = np.logspace(-7, -1, 300)
    for rule, t in settings:
        ax.semilogx(f_grid, keep_probabilities(f_grid, t / f_grid.sum(), rule), label=f"{rule}, t = {t:g}")
    rule, t = highlight
    top = slice(0, min(n_top, len(counts)))
    ax.scatter(
        (counts / counts.sum())[top],
        keep_probabilities(counts, t, rule)[top],
        s=12,
        color="black",
        zorder=3,
        label=f"{n_top} most frequent words",
    )
    ax.set_xlabel("word frequency f")
    ax.set_ylabel("probability of keeping an occurrence")
    ax.legend()
    return ax


def sgns_loss_plot(loss_history, ax=None):
    """The mean loss per pair of each chunk against the share of the epoch done.

    Parameters
    ----------
    loss_history : array-like of shape (n_chunks, 2)
        Rows ``(fraction of training done, mean loss per pair)``, the ``"loss_history"`` that
        :func:`course.word2vec.train_cached` reports.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    history = np.asarray(loss_history, dtype=np.float64)
    ax = axes(ax, figsize=(7, 3.5))
    ax.plot(100 * history[:, 0], history[:, 1], lw=0.8)
    ax.set_xlabel("% of training done")
    ax.set_ylabel("mean loss per pair (chunk)")
    ax.set_title("SGNS loss during the epoch")
    return ax

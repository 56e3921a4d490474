"""Figures and the explorer of chapter 05 (CBOW and Skip-gram): word vectors in 2-D, neighbours side by side.

Plotting only: the projection is computed by :func:`course.evaluation.pca` and the neighbours by
:func:`course.evaluation.nearest_neighbours` (Mikolov et al. 2013a, section 3); chapter 08 reuses
:func:`projection_plot` for its analogy pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import axes

__all__ = ["projection_plot", "neighbours_explorer"]


def projection_plot(
    xy: np.ndarray,
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    ax=None,
    title: str = "PCA projection of word vectors",
):
    """Scatter 2-D points with their words, coloured by group.

    Parameters
    ----------
    xy : ndarray of shape (N, 2)
        E.g. the first output of :func:`course.evaluation.pca`.
    labels : sequence of str of length N
    groups : sequence of str of length N, optional
    """
    xy = np.asarray(xy)
    ax = axes(ax, figsize=(7, 6))
    groups = list(groups) if groups is not None else ["words"] * len(xy)
    for g in dict.fromkeys(groups):
        sel = np.array([gg == g for gg in groups])
        ax.scatter(xy[sel, 0], xy[sel, 1], s=20, label=g)
    for (px, py), word in zip(xy, labels):
        ax.annotate(word, (px, py), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.set_title(title)
    if len(set(groups)) > 1:
        ax.legend(fontsize=8)
    return ax


def neighbours_explorer(models: dict, words: Sequence[str], topn: int = 8):
    """Widget: pick a word, see its nearest neighbours under each model side by side."""
    import ipywidgets as widgets
    from IPython.display import display

    from ..base.notebook import table
    from ..evaluation import nearest_neighbours

    word = widgets.Dropdown(options=list(words), description="word")
    n = widgets.IntSlider(value=topn, min=1, max=20, description="topn")
    out = widgets.Output()

    def show(*_):
        out.clear_output()
        columns = {
            name: nearest_neighbours(kv, word.value, topn=n.value) if word.value in kv.key_to_index else []
            for name, kv in models.items()
        }
        rows = []
        for i in range(n.value):
            row = []
            for name in models:
                col = columns[name]
                row.append(f"{col[i][0]} ({col[i][1]:.2f})" if i < len(col) else "-")
            rows.append(row)
        with out:
            print(table(rows, list(models)))

    word.observe(show, "value")
    n.observe(show, "value")
    show()
    box = widgets.VBox([widgets.HBox([word, n]), out])
    display(box)
    return box

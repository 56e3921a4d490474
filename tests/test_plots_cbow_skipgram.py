"""course.plots.cbow_skipgram: the projection figure and the neighbours explorer."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course.plots.cbow_skipgram import neighbours_explorer, projection_plot  # noqa: E402
from course.vectors import KeyedVectors  # noqa: E402

LABELS = ["the", "cat", "sat", "on", "mat"]


def test_projection_plot_one_scatter_per_group_and_every_word_annotated():
    xy = np.random.default_rng(0).normal(size=(5, 2))
    ax = projection_plot(xy, LABELS, groups=["a", "a", "b", "b", "b"])
    assert len(ax.collections) == 2
    assert [t.get_text() for t in ax.texts] == LABELS
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    np.testing.assert_allclose(ax.collections[1].get_offsets(), xy[2:])
    assert projection_plot(xy, LABELS).get_legend() is None  # one group: no legend
    plt.close("all")


def test_neighbours_explorer_shows_each_model(capsys):
    kv = KeyedVectors(LABELS, np.random.default_rng(1).normal(size=(5, 3)))
    box = neighbours_explorer({"m1": kv, "m2": kv}, LABELS, topn=3)
    shown = "".join(o.get("text", "") for o in box.children[-1].outputs) + capsys.readouterr().out
    assert "m1" in shown and "m2" in shown
    plt.close("all")

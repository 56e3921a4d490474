"""course.plots: the tree layout is a valid drawing; figures and explorers build without error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots import huffman_tree_plot, neighbours_explorer, path_explorer, projection_plot, tree_layout  # noqa: E402
from course.vectors import KeyedVectors  # noqa: E402
from course.word2vec.huffman import HuffmanTree  # noqa: E402


@pytest.mark.parametrize("counts", [[1, 1], [5, 3, 2, 1], list(range(30, 0, -1))])
def test_layout_children_below_parents_and_leaves_distinct(counts):
    tree = HuffmanTree(counts)
    x, y = tree_layout(tree)
    V = tree.vocab_size
    assert sorted(x[:V].tolist()) == list(range(V))
    assert np.array_equal(-y[:V], tree.code_lengths)
    for node in range(2 * V - 2):
        p = tree.parent[node]
        assert y[node] == y[p] - 1
        assert (x[node] < x[p]) == (tree.branch[node] == 0)       # bit 0 drawn on the left


def test_figures_and_explorers_build():
    tree = HuffmanTree([9, 5, 3, 2, 1])
    labels = ["the", "cat", "sat", "on", "mat"]
    huffman_tree_plot(tree, labels, highlight="on")
    projection_plot(np.random.default_rng(0).normal(size=(5, 2)), labels, groups=["a", "a", "b", "b", "b"])
    plt.close("all")
    kv = KeyedVectors(labels, np.random.default_rng(1).normal(size=(5, 3)))
    neighbours_explorer({"m1": kv, "m2": kv}, labels, topn=3)
    path_explorer(tree, labels, np.ones(3), np.random.default_rng(2).normal(size=(4, 3)))
    plt.close("all")

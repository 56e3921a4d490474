"""course.plots.hierarchical_softmax: the tree layout is a valid drawing; the tree figure and the path explorer."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots.hierarchical_softmax import huffman_tree_plot, path_explorer, tree_layout  # noqa: E402
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
        assert (x[node] < x[p]) == (tree.branch[node] == 0)  # bit 0 drawn on the left


def test_tree_figure_and_path_explorer(capsys):
    tree = HuffmanTree([9, 5, 3, 2, 1])
    labels = ["the", "cat", "sat", "on", "mat"]
    ax = huffman_tree_plot(tree, labels, highlight="on")
    red = [line for line in ax.get_lines() if line.get_color() == "tab:red"]
    assert len(ax.get_lines()) == 2 * 5 - 2  # one edge per non-root node
    assert len(red) == tree.code_lengths[labels.index("on")]  # the highlighted path
    plt.close("all")
    box = path_explorer(tree, labels, np.ones(3), np.random.default_rng(2).normal(size=(4, 3)))
    shown = "".join(o.get("text", "") for o in box.children[-1].outputs) + capsys.readouterr().out  # no kernel: stdout
    code = "".join(map(str, tree.codes[0]))
    assert len(box.children) == 2 and f"code of 'the': {code}" in shown
    plt.close("all")

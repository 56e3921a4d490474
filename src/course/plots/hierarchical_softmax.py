"""Figures and the explorer of chapter 07 (hierarchical softmax): the Huffman tree and a word's path.

Plotting only: the tree is built by :class:`course.word2vec.huffman.HuffmanTree` (Mikolov et al.
2013b, section 2.1; Morin and Bengio 2005), and the chapter prints the codes and probabilities
it draws (nbval compares text, not images).

>>> from course.word2vec.huffman import HuffmanTree
>>> x, y = tree_layout(HuffmanTree([5, 3, 2, 1]))
>>> x.tolist(), y.tolist()
([0.0, 3.0, 2.0, 1.0, 1.5, 2.25, 1.125], [-1.0, -2.0, -3.0, -3.0, -2.0, -1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .base import axes

__all__ = ["tree_layout", "huffman_tree_plot", "path_explorer"]


def tree_layout(tree) -> tuple[np.ndarray, np.ndarray]:
    """x, y coordinates of every node (leaves ``0..V-1``, inner nodes ``V..2V-2``).

    Leaves are spaced one unit apart in the left-to-right order of a traversal that visits the
    bit-0 child first; an inner node sits above the middle of its two children, at height minus
    its depth.

    Returns
    -------
    x, y : ndarray of shape (2V - 1,)
    """
    n_nodes = len(tree.parent)
    children = [[None, None] for _ in range(n_nodes)]
    for node in range(n_nodes - 1):
        children[tree.parent[node]][tree.branch[node]] = node
    x = np.zeros(n_nodes)
    y = np.zeros(n_nodes)
    next_leaf = [0.0]

    def visit(node: int, depth: int) -> None:  # depth <= max code length: recursion is fine
        y[node] = -depth
        if node < tree.vocab_size:
            x[node] = next_leaf[0]
            next_leaf[0] += 1
            return
        left, right = children[node]
        visit(left, depth + 1)
        visit(right, depth + 1)
        x[node] = (x[left] + x[right]) / 2

    visit(n_nodes - 1, 0)
    return x, y


def huffman_tree_plot(tree, labels: Sequence[str], highlight: str | None = None, ax=None):
    """Draw a Huffman tree: words at the leaves (with counts), inner nodes by their row in ``W_nodes``.

    Parameters
    ----------
    tree : course.word2vec.huffman.HuffmanTree
    labels : sequence of str of length V
        The words.
    highlight : str, optional
        A word whose root-to-leaf path is drawn in red.
    ax : matplotlib Axes, optional
    """
    V = tree.vocab_size
    x, y = tree_layout(tree)
    ax = axes(ax, figsize=(min(1.0 * V + 2, 14), 0.9 * tree.max_code_length + 2))
    on_path = set()
    if highlight is not None:
        node = labels.index(highlight)
        while node != len(x) - 1:
            on_path.add(node)
            node = int(tree.parent[node])
    for node in range(len(x) - 1):
        p = int(tree.parent[node])
        color = "tab:red" if node in on_path else "0.6"
        ax.plot([x[p], x[node]], [y[p], y[node]], color=color, lw=2.5 if node in on_path else 1, zorder=1)
        ax.text(
            (x[p] + x[node]) / 2,
            (y[p] + y[node]) / 2,
            str(int(tree.branch[node])),
            fontsize=8,
            ha="center",
            va="center",
            color=color,
            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"),
        )
    ax.scatter(x[V:], y[V:], s=260, c="tab:blue", zorder=2)
    for node in range(V, len(x)):
        ax.text(x[node], y[node], str(node - V), color="white", fontsize=7, ha="center", va="center", zorder=3)
    ax.scatter(x[:V], y[:V], s=60, c="tab:orange", marker="s", zorder=2)
    for w in range(V):
        ax.text(x[w], y[w] - 0.25, f"{labels[w]}\n{tree.counts[w]:g}", fontsize=8, ha="center", va="top")
    ax.set_ylim(y.min() - 1.3, 0.6)
    ax.set_axis_off()
    ax.set_title("Huffman tree (blue: inner nodes with their row in W_nodes; edges: code bits)")
    return ax


def path_explorer(tree, labels: Sequence[str], hidden: np.ndarray, node_vectors: np.ndarray):
    """Widget: pick a word, see its code, its path and the sigmoid factors of P(word | h)."""
    import ipywidgets as widgets
    from IPython.display import display

    from ..base.notebook import table

    word = widgets.Dropdown(options=list(labels), description="word")
    out = widgets.Output()

    def show(*_):
        out.clear_output()
        w = list(labels).index(word.value)
        rows, p = [], 1.0
        for node, bit in zip(tree.points[w], tree.codes[w]):
            s = float(node_vectors[node] @ hidden)
            factor = 1 / (1 + np.exp(-s)) if bit == 0 else 1 / (1 + np.exp(s))
            p *= factor
            rows.append([int(node), int(bit), s, factor, p])
        with out:
            print(f"code of {word.value!r}: {''.join(map(str, tree.codes[w]))}")
            print(table(rows, ["node", "bit", "u.h", "factor", "running product"]))
        with out:
            plt.figure()
            huffman_tree_plot(tree, list(labels), highlight=word.value)
            plt.show()

    word.observe(show, "value")
    show()
    box = widgets.VBox([word, out])
    display(box)
    return box

"""Reference hierarchical softmax (Morin and Bengio 2005; Mikolov et al. 2013b, section 2.1).

``-sum_j log s(+-v_{n_j} . h)`` over the inner nodes of the word's Huffman path and its
gradients (chapter 07); the tree is :class:`course.word2vec.huffman.HuffmanTree`.
"""

from __future__ import annotations

import numpy as np

from ..huffman import HuffmanTree
from .common import (
    _cbow_setup,
    _check_matrix,
    _scatter_context,
    _skipgram_setup,
    log_sigmoid,
    sigmoid,
)

__all__ = ["skipgram_hierarchical", "cbow_hierarchical"]


# Each takes the hidden vectors h (B, D) and returns (loss, dh (B, D), grad_out).
def _check_tree(tree, owner: str, V: int) -> HuffmanTree:
    if not isinstance(tree, HuffmanTree):
        raise TypeError(f"The 'tree' parameter of {owner} must be a HuffmanTree. Got {type(tree).__name__} instead.")
    if tree.vocab_size != V:
        raise ValueError(
            f"The 'tree' parameter of {owner} must have vocab_size = V = {V} (rows of "
            f"'W_in'). Got {tree.vocab_size} instead."
        )
    return tree


def _hierarchical_layer(W_nodes, h, targets, tree):
    codes, points, mask = tree.padded()
    codes, points, mask = codes[targets], points[targets], mask[targets]  # (B, L)
    labels = 1.0 - codes  # word2vec.c: label = 1 - code
    s = np.einsum("bld,bd->bl", W_nodes[points], h)  # (B, L)
    signs = 2.0 * labels - 1.0
    loss = -(log_sigmoid(signs * s) * mask).sum()
    g = (sigmoid(s) - labels) * mask  # d loss / d s  (B, L)
    dh = np.einsum("bl,bld->bd", g, W_nodes[points])
    grad_nodes = np.zeros_like(W_nodes)
    np.add.at(grad_nodes, points, g[:, :, None] * h[:, None, :])
    return loss, dh, grad_nodes


def skipgram_hierarchical(W_in, W_nodes, inputs, outputs, tree):
    """Skip-gram with hierarchical softmax over a Huffman tree: loss and gradients.

    Parameters
    ----------
    W_in : ndarray of shape (V, D)
    W_nodes : ndarray of shape (V - 1, D)
        Inner-node vectors ``v'_n`` (``syn1`` in word2vec.c), rows indexed by
        ``tree.points``.
    inputs, outputs : array-like of int, shape (B,)
    tree : HuffmanTree
        The tree over the ``V`` words.

    Returns
    -------
    loss : float
        ``sum_b -log P(o_b | i_b)``.
    grad_in : ndarray of shape (V, D)
    grad_nodes : ndarray of shape (V - 1, D)

    Notes
    -----
    With ``n_j`` the inner nodes on the path to ``o`` (root first), ``c_j`` the code bits and
    labels ``t_j = 1 - c_j`` (word2vec.c), equation (3) of mikolov2013b reads

    .. math::

        \\ell = -\\sum_{j} \\log \\sigma\\big((2 t_j - 1)\\, v'^\\top_{n_j} h\\big), \\qquad
        \\frac{\\partial \\ell}{\\partial s_j} = \\sigma(s_j) - t_j,

    a sequence of binary logistic regressions, one per node on the path (morin2005, mnih2009,
    rong2014 eqs. 39-52). Only the ``L_o ~ log2 V`` nodes on the path receive a gradient.
    """
    owner = "skipgram_hierarchical"
    W_in = _check_matrix(W_in, "W_in", owner)
    V = W_in.shape[0]
    W_in, W_nodes, inputs, outputs = _skipgram_setup(
        W_in, W_nodes, inputs, outputs, owner, out_name="W_nodes", out_rows=V - 1
    )
    tree = _check_tree(tree, owner, V)
    h = W_in[inputs]
    loss, dh, grad_nodes = _hierarchical_layer(W_nodes, h, outputs, tree)
    grad_in = np.zeros_like(W_in)
    np.add.at(grad_in, inputs, dh)
    return float(loss), grad_in, grad_nodes


def cbow_hierarchical(W_in, W_nodes, contexts, context_mask, centers, tree, cbow_mean=True):
    """CBOW with hierarchical softmax: loss and gradients.

    Parameters
    ----------
    W_in : ndarray of shape (V, D)
    W_nodes : ndarray of shape (V - 1, D)
    contexts : array-like of int, shape (B, C)
    context_mask : ndarray of bool, shape (B, C) or None
    centers : array-like of int, shape (B,)
    tree : HuffmanTree
    cbow_mean : bool, default=True

    Returns
    -------
    loss : float
    grad_in : ndarray of shape (V, D)
    grad_nodes : ndarray of shape (V - 1, D)

    Notes
    -----
    The path loss of :func:`skipgram_hierarchical` with ``h`` the context mean (or sum).
    """
    owner = "cbow_hierarchical"
    W_in = _check_matrix(W_in, "W_in", owner)
    V = W_in.shape[0]
    W_in, W_nodes, contexts, weights, h, centers = _cbow_setup(
        W_in, W_nodes, contexts, context_mask, centers, cbow_mean, owner, out_name="W_nodes", out_rows=V - 1
    )
    tree = _check_tree(tree, owner, V)
    loss, dh, grad_nodes = _hierarchical_layer(W_nodes, h, centers, tree)
    grad_in = np.zeros_like(W_in)
    _scatter_context(grad_in, contexts, weights, dh)
    return float(loss), grad_in, grad_nodes

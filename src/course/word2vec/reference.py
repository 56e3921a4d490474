"""Reference losses and hand-derived gradients of CBOW and Skip-gram, in NumPy, for teaching.

Six objectives: {Skip-gram, CBOW} x {full softmax, negative sampling, hierarchical softmax}
(Mikolov et al. 2013a, 2013b). Every function takes the parameters and a batch of examples and
returns ``(loss, grad_in, grad_out)``: the loss *summed* over the batch and its exact gradients
with respect to the input vectors ``W_in`` (V, D) and the output vectors ``W_out`` (V, D) (or the
inner-node vectors ``W_nodes`` (V - 1, D) of hierarchical softmax), as dense float64 arrays.
They are written for reading, not speed; the PyTorch trainer (:mod:`course.word2vec.train`) is
tested against them, and they are tested against central finite differences and torch autograd.

>>> rng = np.random.default_rng(0)
>>> W_in, W_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
>>> loss, g_in, g_out = skipgram_softmax(W_in, W_out, inputs=[0, 1], outputs=[2, 3])
>>> g_in.shape, g_out.shape, bool(loss > 0)
((5, 3), (5, 3), True)

Conventions (those of word2vec.c and gensim):

* Skip-gram example ``(i, o)``: input word ``i`` (row of ``W_in``) predicts output word ``o``
  (row of ``W_out``). word2vec.c loops the other way round (the context word is the input, the
  centre word the output), which yields the same multiset of pairs.
* CBOW example: context words (rows of ``W_in``) predict the centre word; the hidden vector is
  their mean (``cbow_mean=True``: gensim's default and word2vec.c since the ``-iter`` release)
  or their sum (``cbow_mean=False``: the older word2vec.c, before ``-iter``).
* Negative sampling: label 1 for the true output, 0 for each negative.
* Hierarchical softmax: inner node ``points[j]`` on the word's path gets label ``1 - codes[j]``
  (see :class:`~course.word2vec.huffman.HuffmanTree`).

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", ICLR workshop 2013 (mikolov2013a).
.. [2] T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, "Distributed Representations of
   Words and Phrases and their Compositionality", NIPS 2013 (mikolov2013b).
.. [3] Y. Goldberg, O. Levy, "word2vec Explained: deriving Mikolov et al.'s negative-sampling
   word-embedding method", arXiv:1402.3722, 2014 (goldberg2014).
.. [4] X. Rong, "word2vec Parameter Learning Explained", arXiv:1411.2738, 2014 (rong2014).
.. [5] F. Morin, Y. Bengio, "Hierarchical Probabilistic Neural Network Language Model",
   AISTATS 2005 (morin2005).
.. [6] A. Mnih, G. Hinton, "A Scalable Hierarchical Distributed Language Model", NIPS 2008
   (mnih2009).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from course.word2vec.huffman import HuffmanTree

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "log_softmax",
    "skipgram_softmax",
    "skipgram_negative",
    "skipgram_hierarchical",
    "cbow_softmax",
    "cbow_negative",
    "cbow_hierarchical",
    "numerical_gradient",
]


# ---------------------------------------------------------------------------- numerics
def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``, without overflow for large ``|x|``.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


def log_sigmoid(x):
    """``log sigmoid(x) = -log(1 + exp(-x))``, stable for large ``|x|``.

    >>> float(log_sigmoid(-1000.0))
    -1000.0
    """
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def log_softmax(scores):
    """Row-wise ``log softmax`` of an array of shape (..., V), stable (max subtracted).

    >>> np.exp(log_softmax(np.array([[1.0, 2.0, 3.0]]))).sum().round(12)
    np.float64(1.0)
    """
    scores = np.asarray(scores, dtype=np.float64)
    m = scores.max(axis=-1, keepdims=True)
    return scores - m - np.log(np.exp(scores - m).sum(axis=-1, keepdims=True))


# ---------------------------------------------------------------------------- validation
def _check_matrix(W, name: str, owner: str, rows: int | None = None, dim: int | None = None) -> np.ndarray:
    W = np.asarray(W)
    if W.ndim != 2 or not np.issubdtype(W.dtype, np.floating):
        raise ValueError(
            f"The {name!r} parameter of {owner} must be a 2-D float array. "
            f"Got shape {W.shape} and dtype {W.dtype} instead."
        )
    if rows is not None and W.shape[0] != rows:
        raise ValueError(f"The {name!r} parameter of {owner} must have {rows} rows. Got shape {W.shape} instead.")
    if dim is not None and W.shape[1] != dim:
        raise ValueError(
            f"The {name!r} parameter of {owner} must have D = {dim} columns like 'W_in'. Got shape {W.shape} instead."
        )
    return W.astype(np.float64, copy=False)


def _check_ids(ids, name: str, owner: str, V: int, ndim: int, batch: int | None = None) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.size == 0 and arr.dtype == np.float64:  # np.asarray([]) is float: an empty id list
        arr = arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be an int array of word ids. Got dtype {arr.dtype} instead."
        )
    if arr.ndim != ndim or (batch is not None and arr.shape[0] != batch):
        want = "(B,)" if ndim == 1 else "(B, K)"
        raise ValueError(
            f"The {name!r} parameter of {owner} must have shape {want}"
            + (f" with B = {batch}" if batch is not None else "")
            + f". Got shape {arr.shape} instead."
        )
    if arr.size and (arr.min() < 0 or arr.max() >= V):
        bad = arr[(arr < 0) | (arr >= V)].flat[0]
        raise ValueError(
            f"The {name!r} parameter of {owner} must hold word ids in the range [0, {V - 1}]. Got {int(bad)} instead."
        )
    return arr.astype(np.int64)


def _check_mask(mask, name: str, owner: str, shape: tuple[int, ...]) -> np.ndarray:
    if mask is None:
        return np.ones(shape, dtype=bool)
    arr = np.asarray(mask)
    if arr.shape != shape or arr.dtype != bool:
        raise ValueError(
            f"The {name!r} parameter of {owner} must be a bool array of shape {shape}. "
            f"Got shape {arr.shape} and dtype {arr.dtype} instead."
        )
    return arr


def _check_tree(tree, owner: str, V: int) -> HuffmanTree:
    if not isinstance(tree, HuffmanTree):
        raise TypeError(f"The 'tree' parameter of {owner} must be a HuffmanTree. Got {type(tree).__name__} instead.")
    if tree.vocab_size != V:
        raise ValueError(
            f"The 'tree' parameter of {owner} must have vocab_size = V = {V} (rows of "
            f"'W_in'). Got {tree.vocab_size} instead."
        )
    return tree


def _cbow_hidden(W_in, contexts, context_mask, cbow_mean: bool, owner: str):
    """Hidden vectors (B, D) and per-slot weights (B, C) of CBOW (mean or sum of the context)."""
    V = W_in.shape[0]
    contexts = _check_ids(contexts, "contexts", owner, V, ndim=2)
    context_mask = _check_mask(context_mask, "context_mask", owner, contexts.shape)
    n = context_mask.sum(axis=1)  # (B,)
    if np.any(n == 0):
        raise ValueError(
            f"The 'context_mask' parameter of {owner} must keep at least one context "
            f"word per example. Got an empty context in row {int(np.argmax(n == 0))} instead."
        )
    if not isinstance(cbow_mean, bool):
        raise TypeError(
            f"The 'cbow_mean' parameter of {owner} must be a bool. "
            f"Got {cbow_mean!r} ({type(cbow_mean).__name__}) instead."
        )
    weights = context_mask / n[:, None] if cbow_mean else context_mask.astype(np.float64)  # (B, C)
    h = np.einsum("bc,bcd->bd", weights, W_in[contexts])  # (B, D)
    return contexts, weights, h


def _scatter_context(grad_in, contexts, weights, dh):
    """``grad_in[contexts[b, c]] += weights[b, c] * dh[b]`` (repeated ids add up)."""
    np.add.at(grad_in, contexts, weights[:, :, None] * dh[:, None, :])


# ---------------------------------------------------------------------------- output layers
# Each takes the hidden vectors h (B, D) and returns (loss, dh (B, D), grad_out).


def _softmax_layer(W_out, h, targets):
    scores = h @ W_out.T  # (B, V)
    logp = log_softmax(scores)
    B = len(targets)
    loss = -logp[np.arange(B), targets].sum()
    dscores = np.exp(logp)  # softmax - onehot   (B, V)
    dscores[np.arange(B), targets] -= 1.0
    return loss, dscores @ W_out, dscores.T @ h


def _negative_layer(W_out, h, targets, negatives, neg_mask):
    s_pos = np.einsum("bd,bd->b", W_out[targets], h)  # (B,)
    s_neg = np.einsum("bkd,bd->bk", W_out[negatives], h)  # (B, K)
    loss = -log_sigmoid(s_pos).sum() - (log_sigmoid(-s_neg) * neg_mask).sum()
    g_pos = sigmoid(s_pos) - 1.0  # d loss / d s_pos  (B,)
    g_neg = sigmoid(s_neg) * neg_mask  # d loss / d s_neg  (B, K)
    dh = g_pos[:, None] * W_out[targets] + np.einsum("bk,bkd->bd", g_neg, W_out[negatives])
    grad_out = np.zeros_like(W_out)
    np.add.at(grad_out, targets, g_pos[:, None] * h)
    np.add.at(grad_out, negatives, g_neg[:, :, None] * h[:, None, :])
    return loss, dh, grad_out


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


# ---------------------------------------------------------------------------- Skip-gram
def _skipgram_setup(W_in, W_out, inputs, outputs, owner, out_name="W_out", out_rows=None):
    W_in = _check_matrix(W_in, "W_in", owner)
    V, D = W_in.shape
    W_out = _check_matrix(W_out, out_name, owner, rows=V if out_rows is None else out_rows, dim=D)
    inputs = _check_ids(inputs, "inputs", owner, V, ndim=1)
    outputs = _check_ids(outputs, "outputs", owner, V, ndim=1, batch=len(inputs))
    return W_in, W_out, inputs, outputs


def skipgram_softmax(W_in, W_out, inputs, outputs):
    """Skip-gram with a full softmax: loss and gradients for a batch of (input, output) pairs.

    Parameters
    ----------
    W_in : ndarray of shape (V, D)
        Input vectors ``v_w`` (``syn0`` in word2vec.c, ``wv.vectors`` in gensim).
    W_out : ndarray of shape (V, D)
        Output vectors ``v'_w`` (``syn1`` / ``syn1neg``).
    inputs, outputs : array-like of int, shape (B,)
        Word ids of the input (projected) and output (predicted) words.

    Returns
    -------
    loss : float
        ``sum_b -log p(o_b | i_b)``.
    grad_in : ndarray of shape (V, D)
    grad_out : ndarray of shape (V, D)

    Notes
    -----
    With ``h = v_i`` and scores ``s = W_out h`` (mikolov2013b, eq. 2),

    .. math::

        \\ell = -s_o + \\log \\sum_{w=1}^{V} e^{s_w}, \\qquad
        \\frac{\\partial \\ell}{\\partial s} = \\hat y - e_o, \\quad \\hat y = \\mathrm{softmax}(s)

    so ``dW_out = (y_hat - e_o) h^T`` (every output row moves: the O(V) cost that motivates
    negative sampling and hierarchical softmax) and ``dv_i = W_out^T (y_hat - e_o)``, the
    prediction-weighted average of output vectors minus the true one (rong2014, eqs. 35-38).

    Examples
    --------
    >>> W = np.zeros((4, 2))
    >>> loss, _, _ = skipgram_softmax(W, W, [0], [1])
    >>> bool(np.isclose(loss, np.log(4)))      # all scores 0: uniform over V = 4
    True
    """
    owner = "skipgram_softmax"
    W_in, W_out, inputs, outputs = _skipgram_setup(W_in, W_out, inputs, outputs, owner)
    h = W_in[inputs]  # (B, D)
    loss, dh, grad_out = _softmax_layer(W_out, h, outputs)
    grad_in = np.zeros_like(W_in)
    np.add.at(grad_in, inputs, dh)
    return float(loss), grad_in, grad_out


def skipgram_negative(W_in, W_out, inputs, outputs, negatives, neg_mask=None):
    """Skip-gram with negative sampling (SGNS): loss and gradients.

    Parameters
    ----------
    W_in, W_out : ndarray of shape (V, D)
    inputs, outputs : array-like of int, shape (B,)
    negatives : array-like of int, shape (B, K)
        The ``K`` noise words drawn for each pair (drawn by the caller, from ``P_n(w)``).
    neg_mask : ndarray of bool, shape (B, K), optional
        False for a noise word that must be skipped (word2vec.c and gensim skip a negative equal
        to the output word). ``None`` keeps every term.

    Returns
    -------
    loss : float
        ``sum_b [-log sigma(v'_o . h) - sum_k log sigma(-v'_{n_k} . h)]``.
    grad_in, grad_out : ndarray of shape (V, D)

    Notes
    -----
    The objective of mikolov2013b (eq. 4), negated, with ``h = v_i``:

    .. math::

        \\ell = -\\log \\sigma(v'^\\top_o h) - \\sum_{k=1}^{K} \\log \\sigma(-v'^\\top_{n_k} h).

    Using ``d/dx log sigma(x) = 1 - sigma(x)``: ``d l / d s_o = sigma(s_o) - 1`` and
    ``d l / d s_k = sigma(s_k)``; each is "prediction minus label" with label 1 for the output
    word and 0 for noise. Then ``dv'_o = (sigma(s_o) - 1) h``, ``dv'_{n_k} = sigma(s_k) h`` and
    ``dh = (sigma(s_o) - 1) v'_o + sum_k sigma(s_k) v'_{n_k}`` (goldberg2014, rong2014 eq. 59).
    word2vec.c's ``g = (label - f) * alpha`` is minus this derivative times the learning rate.
    A noise word drawn twice counts twice.
    """
    owner = "skipgram_negative"
    W_in, W_out, inputs, outputs = _skipgram_setup(W_in, W_out, inputs, outputs, owner)
    negatives = _check_ids(negatives, "negatives", owner, W_in.shape[0], ndim=2, batch=len(inputs))
    neg_mask = _check_mask(neg_mask, "neg_mask", owner, negatives.shape)
    h = W_in[inputs]
    loss, dh, grad_out = _negative_layer(W_out, h, outputs, negatives, neg_mask)
    grad_in = np.zeros_like(W_in)
    np.add.at(grad_in, inputs, dh)
    return float(loss), grad_in, grad_out


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


# ---------------------------------------------------------------------------- CBOW
def _cbow_setup(W_in, W_out, contexts, context_mask, centers, cbow_mean, owner, out_name="W_out", out_rows=None):
    W_in = _check_matrix(W_in, "W_in", owner)
    V, D = W_in.shape
    W_out = _check_matrix(W_out, out_name, owner, rows=V if out_rows is None else out_rows, dim=D)
    contexts, weights, h = _cbow_hidden(W_in, contexts, context_mask, cbow_mean, owner)
    centers = _check_ids(centers, "centers", owner, V, ndim=1, batch=len(contexts))
    return W_in, W_out, contexts, weights, h, centers


def cbow_softmax(W_in, W_out, contexts, context_mask, centers, cbow_mean=True):
    """CBOW with a full softmax: the context's mean (or sum) vector predicts the centre word.

    Parameters
    ----------
    W_in, W_out : ndarray of shape (V, D)
    contexts : array-like of int, shape (B, C)
        Context word ids, padded to ``C`` slots.
    context_mask : ndarray of bool, shape (B, C)
        True for the slots that hold a context word (at least one per row). ``None``: all.
    centers : array-like of int, shape (B,)
        The centre (predicted) word ids.
    cbow_mean : bool, default=True
        ``h`` is the mean of the context vectors (gensim's default) or, if False, their sum.

    Returns
    -------
    loss : float
    grad_in, grad_out : ndarray of shape (V, D)

    Notes
    -----
    The projection layer is shared: ``h = (1/n) sum_{c in context} v_c`` (mikolov2013a,
    section 3.1). The output layer and its gradient are those of :func:`skipgram_softmax`; the
    chain rule through the mean gives each context row ``dv_c = dh / n`` (``dh`` if summed), a
    word appearing twice in a context receiving it twice (rong2014, eq. 23).
    word2vec.c adds the full ``dh`` to every context row even when averaging, i.e. its update is
    ``n`` times the true gradient for ``W_in``.
    """
    owner = "cbow_softmax"
    W_in, W_out, contexts, weights, h, centers = _cbow_setup(
        W_in, W_out, contexts, context_mask, centers, cbow_mean, owner
    )
    loss, dh, grad_out = _softmax_layer(W_out, h, centers)
    grad_in = np.zeros_like(W_in)
    _scatter_context(grad_in, contexts, weights, dh)
    return float(loss), grad_in, grad_out


def cbow_negative(W_in, W_out, contexts, context_mask, centers, negatives, neg_mask=None, cbow_mean=True):
    """CBOW with negative sampling: loss and gradients.

    Parameters
    ----------
    W_in, W_out : ndarray of shape (V, D)
    contexts : array-like of int, shape (B, C)
    context_mask : ndarray of bool, shape (B, C) or None
    centers : array-like of int, shape (B,)
    negatives : array-like of int, shape (B, K)
    neg_mask : ndarray of bool, shape (B, K), optional
    cbow_mean : bool, default=True

    Returns
    -------
    loss : float
    grad_in, grad_out : ndarray of shape (V, D)

    Notes
    -----
    The negative-sampling loss of :func:`skipgram_negative` with ``h`` the context mean; the
    gradient reaches each context row through ``dh / n`` as in :func:`cbow_softmax`.
    """
    owner = "cbow_negative"
    W_in, W_out, contexts, weights, h, centers = _cbow_setup(
        W_in, W_out, contexts, context_mask, centers, cbow_mean, owner
    )
    negatives = _check_ids(negatives, "negatives", owner, W_in.shape[0], ndim=2, batch=len(centers))
    neg_mask = _check_mask(neg_mask, "neg_mask", owner, negatives.shape)
    loss, dh, grad_out = _negative_layer(W_out, h, centers, negatives, neg_mask)
    grad_in = np.zeros_like(W_in)
    _scatter_context(grad_in, contexts, weights, dh)
    return float(loss), grad_in, grad_out


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


# ---------------------------------------------------------------------------- checking
def numerical_gradient(loss_fn: Callable[[], float], W: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of ``loss_fn()`` with respect to every entry of ``W`` (in place).

    ``(l(W + eps e_ij) - l(W - eps e_ij)) / (2 eps)``, error O(eps^2). ``W`` is perturbed in
    place and restored; ``loss_fn`` must read it.

    Parameters
    ----------
    loss_fn : callable () -> float
    W : ndarray of float64
    eps : float, default=1e-6

    Returns
    -------
    ndarray of the shape of ``W``

    Examples
    --------
    >>> W = np.array([[1.0, 2.0]])
    >>> numerical_gradient(lambda: float((W ** 2).sum()), W).round(6).tolist()
    [[2.0, 4.0]]
    """
    if not isinstance(W, np.ndarray) or W.dtype != np.float64 or not W.flags.c_contiguous:
        raise TypeError(
            "The 'W' parameter of numerical_gradient must be a C-contiguous float64 "
            f"ndarray (perturbed in place). Got {type(W).__name__} "
            f"of dtype {getattr(W, 'dtype', None)} instead."
        )
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0:
        raise ValueError(
            f"The 'eps' parameter of numerical_gradient must be a float in the range (0, inf). Got {eps!r} instead."
        )
    grad = np.zeros_like(W)
    flat, gflat = W.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        up = loss_fn()
        flat[k] = old - eps
        down = loss_fn()
        flat[k] = old
        gflat[k] = (up - down) / (2 * eps)
    return grad

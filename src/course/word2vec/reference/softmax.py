"""Reference full softmax (Mikolov et al. 2013a): ``-log softmax(h W_out^T)[o]`` and its gradients.

The output layer costs ``V`` dot products per example: the baseline negative sampling and
hierarchical softmax replace (chapter 05).
"""

from __future__ import annotations

import numpy as np

from .common import (
    _cbow_setup,
    _scatter_context,
    _skipgram_setup,
    log_softmax,
)

__all__ = ["skipgram_softmax", "cbow_softmax"]


# Each takes the hidden vectors h (B, D) and returns (loss, dh (B, D), grad_out).
def _softmax_layer(W_out, h, targets):
    scores = h @ W_out.T  # (B, V)
    logp = log_softmax(scores)
    B = len(targets)
    loss = -logp[np.arange(B), targets].sum()
    dscores = np.exp(logp)  # softmax - onehot   (B, V)
    dscores[np.arange(B), targets] -= 1.0
    return loss, dscores @ W_out, dscores.T @ h


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

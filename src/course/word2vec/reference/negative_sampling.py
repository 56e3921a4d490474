"""Reference negative sampling (Mikolov et al. 2013b, section 2.2; Goldberg and Levy 2014).

``-log s(u_o . h) - sum_k log s(-u_k . h)`` for ``K`` noise words and its gradients
(chapter 06); the noise distribution is in :mod:`course.word2vec.negative_sampling`.
"""

from __future__ import annotations

import numpy as np

from .common import (
    _cbow_setup,
    _check_ids,
    _check_mask,
    _scatter_context,
    _skipgram_setup,
    log_sigmoid,
    sigmoid,
)

__all__ = ["skipgram_negative", "cbow_negative"]


# Each takes the hidden vectors h (B, D) and returns (loss, dh (B, D), grad_out).
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

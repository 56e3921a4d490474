"""What the reference objectives share: stable numerics, input checks, the CBOW hidden vector.

:func:`sigmoid`, :func:`log_sigmoid` and :func:`log_softmax` without overflow; the checks of the
weight matrices, word ids and masks every objective validates once, where it enters; the hidden
vector of CBOW (mean or sum of the context vectors, Mikolov et al. 2013a) and the scatter of its
gradient back to the context words; :func:`numerical_gradient`, the central finite differences
the tests compare the hand-derived gradients with.

>>> float(sigmoid(0.0)), float(log_sigmoid(-1000.0))
(0.5, -1000.0)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

__all__ = ["sigmoid", "log_sigmoid", "log_softmax", "numerical_gradient"]


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


# ---------------------------------------------------------------------------- shared steps
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


def _skipgram_setup(W_in, W_out, inputs, outputs, owner, out_name="W_out", out_rows=None):
    W_in = _check_matrix(W_in, "W_in", owner)
    V, D = W_in.shape
    W_out = _check_matrix(W_out, out_name, owner, rows=V if out_rows is None else out_rows, dim=D)
    inputs = _check_ids(inputs, "inputs", owner, V, ndim=1)
    outputs = _check_ids(outputs, "outputs", owner, V, ndim=1, batch=len(inputs))
    return W_in, W_out, inputs, outputs


def _cbow_setup(W_in, W_out, contexts, context_mask, centers, cbow_mean, owner, out_name="W_out", out_rows=None):
    W_in = _check_matrix(W_in, "W_in", owner)
    V, D = W_in.shape
    W_out = _check_matrix(W_out, out_name, owner, rows=V if out_rows is None else out_rows, dim=D)
    contexts, weights, h = _cbow_hidden(W_in, contexts, context_mask, cbow_mean, owner)
    centers = _check_ids(centers, "centers", owner, V, ndim=1, batch=len(contexts))
    return W_in, W_out, contexts, weights, h, centers


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

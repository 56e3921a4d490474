"""Parameter validation with one message template (after scikit-learn's).

Every public estimator and function validates its parameters up front and raises ``ValueError``
or ``TypeError`` with a message that names the parameter, its owner, what is allowed and what was
received, e.g.::

    The 'negative' parameter of SkipGram must be an int in the range [0, inf). Got -1 instead.

The checks of data (tokenized sentences, tokens, token-id tensors) are in
:mod:`course.base.validation_data`; this module re-exports them.

>>> check_int(-1, "negative", "SkipGram", low=0)
Traceback (most recent call last):
...
ValueError: The 'negative' parameter of SkipGram must be an int in the range [0, inf). Got -1 instead.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sized
from typing import Any

import numpy as np

# The checks of data (tokens, sentences, token ids) have a module of their own; re-exported here.
from .validation_data import check_sentences, check_token_ids, check_token_values, check_tokens

__all__ = [
    "NotFittedError",
    "check_int",
    "check_float",
    "check_choice",
    "check_nonempty",
    "check_is_fitted",
    "check_finite",
    "check_tokens",
    "check_sentences",
    "check_token_values",
    "check_divergence",
    "TrainingDivergedError",
    "check_token_ids",
]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit``."""


def _range_text(low, high, low_closed: bool, high_closed: bool) -> str:
    left = "[" if (low is not None and low_closed) else "("
    right = "]" if (high is not None and high_closed) else ")"
    lo = "-inf" if low is None else f"{low:g}" if isinstance(low, float) else str(low)
    hi = "inf" if high is None else f"{high:g}" if isinstance(high, float) else str(high)
    return f"{left}{lo}, {hi}{right}"


def _in_range(value, low, high, low_closed, high_closed) -> bool:
    if low is not None and (value < low or (value == low and not low_closed)):
        return False
    if high is not None and (value > high or (value == high and not high_closed)):
        return False
    return True


def check_int(
    value: Any,
    name: str,
    owner: str,
    low: int | None = None,
    high: int | None = None,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
) -> int:
    """Return ``value`` as an ``int`` if it is an integer in the range, else raise.

    Parameters
    ----------
    value : object
        The value received.
    name : str
        The parameter's name, as the user typed it.
    owner : str
        The class or function the parameter belongs to.
    low, high : int or None, default=None
        Bounds; ``None`` means unbounded.
    low_closed, high_closed : bool, default=True
        Whether the bounds themselves are allowed.

    Returns
    -------
    int

    Examples
    --------
    >>> check_int(3, "order", "NGramLM", low=1)
    3
    >>> check_int(2.5, "order", "NGramLM", low=1)
    Traceback (most recent call last):
    ...
    TypeError: The 'order' parameter of NGramLM must be an int in the range [1, inf). Got 2.5 (float) instead.
    """
    rng = _range_text(low, high, low_closed, high_closed)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be an int in the range {rng}. "
            f"Got {value!r} ({type(value).__name__}) instead."
        )
    value = int(value)
    if not _in_range(value, low, high, low_closed, high_closed):
        raise ValueError(f"The {name!r} parameter of {owner} must be an int in the range {rng}. Got {value!r} instead.")
    return value


def check_float(
    value: Any,
    name: str,
    owner: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number in the range, else raise.

    NaN and the infinities are never in range (the range is printed with open ends at
    ``-inf`` and ``inf``): ``k=inf`` or ``temperature=inf`` would give nan or a silently
    degenerate answer further on.

    Examples
    --------
    >>> check_float(0.0, "k", "AddK", low=0.0, low_closed=False)
    Traceback (most recent call last):
    ...
    ValueError: The 'k' parameter of AddK must be a float in the range (0, inf). Got 0.0 instead.
    >>> check_float(float("inf"), "base", "NGramLM.cross_entropy", low=1.0, low_closed=False)
    Traceback (most recent call last):
    ...
    ValueError: The 'base' parameter of NGramLM.cross_entropy must be a float in the range (1, inf). Got inf instead.
    """
    rng = _range_text(low, high, low_closed, high_closed)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a float in the range {rng}. "
            f"Got {value!r} ({type(value).__name__}) instead."
        )
    value = float(value)
    if not math.isfinite(value) or not _in_range(value, low, high, low_closed, high_closed):
        raise ValueError(
            f"The {name!r} parameter of {owner} must be a float in the range {rng}. Got {value!r} instead."
        )
    return value


def check_choice(value: Any, name: str, owner: str, choices) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``.

    >>> check_choice("cbow", "sg", "Word2Vec", ["cbow", "skipgram"])
    'cbow'
    >>> check_choice("glove", "arch", "Word2Vec", ["cbow", "skipgram"])
    Traceback (most recent call last):
    ...
    ValueError: The 'arch' parameter of Word2Vec must be one of 'cbow', 'skipgram'. Got 'glove' instead.
    """
    choices = list(choices)
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"The {name!r} parameter of {owner} must be one of {allowed}. Got {value!r} instead.")
    return value


def check_nonempty(value: Sized, name: str, owner: str) -> Sized:
    """Raise ``ValueError`` naming the parameter when ``value`` is empty.

    >>> check_nonempty([], "sentences", "NGramLM.fit")
    Traceback (most recent call last):
    ...
    ValueError: The 'sentences' parameter of NGramLM.fit must not be empty. Got an empty corpus instead.
    """
    if len(value) == 0:
        raise ValueError(f"The {name!r} parameter of {owner} must not be empty. Got an empty corpus instead.")
    return value


def check_is_fitted(estimator: Any, attribute: str) -> None:
    """Raise :class:`NotFittedError` if ``estimator`` has no learned ``attribute`` yet.

    >>> class M:
    ...     pass
    >>> check_is_fitted(M(), "counts_")
    Traceback (most recent call last):
    ...
    course.base.validation.NotFittedError: This M instance is not fitted yet. Call 'fit' with appropriate arguments before using it.
    """
    if getattr(estimator, attribute, None) is None:
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. "
            "Call 'fit' with appropriate arguments before using it."
        )


# ---------------------------------------------------------------------------- finite numbers
def check_finite(values: Any, name: str, owner: str, *, labels=None) -> Any:
    """Raise ``ValueError`` naming the parameter (and the first bad row) if ``values`` holds nan or inf.

    Parameters
    ----------
    values : float or array-like
        A number, or an array (integer arrays are finite by construction and pass at once).
    name, owner : str
        As in :func:`check_int`.
    labels : sequence of str, optional
        What each row of a 2-D array stands for (the words of word vectors), named in the message.

    Returns
    -------
    float or ndarray
        ``values`` (a float, or the array as ``np.asarray`` gives it).

    Examples
    --------
    >>> check_finite(np.array([[1.0, 2.0], [np.nan, 0.0]]), "vectors", "KeyedVectors", labels=["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: The 'vectors' parameter of KeyedVectors must hold finite numbers. Got nan in row 1 ('b') instead.
    """
    if isinstance(values, numbers.Real) and not isinstance(values, bool):
        if not math.isfinite(values):
            raise ValueError(f"The {name!r} parameter of {owner} must be finite. Got {values!r} instead.")
        return values
    arr = np.asarray(values)
    if not np.issubdtype(arr.dtype, np.floating):
        return arr
    if arr.ndim == 0:
        if not np.isfinite(arr):
            raise ValueError(f"The {name!r} parameter of {owner} must be finite. Got {arr.item()!r} instead.")
        return arr
    # One pass, in blocks of rows so that a huge matrix needs no mask of its size: cheap next to
    # anything done with the array.
    rows = max(1, 2**22 // max(1, arr[0].size)) if len(arr) else 1
    if all(np.isfinite(arr[i : i + rows]).all() for i in range(0, len(arr), rows)):
        return arr
    finite = np.isfinite(arr)
    bad = tuple(int(i[0]) for i in np.nonzero(~finite))
    value = arr[bad].item()
    if arr.ndim == 2:
        label = f" ({labels[bad[0]]!r})" if labels is not None else ""
        where = f"in row {bad[0]}{label}"
    else:
        where = f"at index {bad if arr.ndim > 1 else bad[0]}"
    raise ValueError(f"The {name!r} parameter of {owner} must hold finite numbers. Got {value!r} {where} instead.")


class TrainingDivergedError(ValueError, ArithmeticError):
    """Raised when a training loop's loss or weights become nan or inf (the learning rate is too large)."""


def check_divergence(
    value: float, what: str, *, step: str, lr_name: str, lr: float, owner: str, default: float | None = None
) -> None:
    """Stop training with a message naming the learning rate when ``value`` is nan or inf.

    Parameters
    ----------
    value : float
        The loss (or a summary of the weights) just computed.
    what : str
        What ``value`` is, e.g. ``"the loss"`` or ``"the weights"``.
    step : str
        Where training is, e.g. ``"update 12 of 400"``.
    lr_name, lr, owner : str, float, str
        The learning-rate parameter, its value and its owner.
    default : float, optional
        The parameter's default, suggested when ``lr`` is above it (else ``lr / 10``).

    Examples
    --------
    >>> check_divergence(float("nan"), "the loss", step="update 3 of 10",  # doctest: +NORMALIZE_WHITESPACE
    ...                  lr_name="lr", lr=50.0, owner="TrainConfig")
    Traceback (most recent call last):
    ...
    course.base.validation.TrainingDivergedError: Training diverged: the loss is nan at update 3 of 10. The 'lr'
    parameter of TrainConfig (50.0) is probably too large: try a smaller one, e.g. lr=5.
    """
    if math.isfinite(value):
        return
    smaller = default if default is not None and default < lr else lr / 10
    raise TrainingDivergedError(
        f"Training diverged: {what} is {value!r} at {step}. The {lr_name!r} parameter of {owner} ({lr!r}) "
        f"is probably too large: try a smaller one, e.g. {lr_name}={smaller:g}"
        + (" (the default)." if smaller == default else ".")
    )

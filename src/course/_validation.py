"""Parameter validation with one message template (after scikit-learn's).

Every public estimator and function validates its parameters up front and raises ``ValueError``
or ``TypeError`` with a message that names the parameter, its owner, what is allowed and what was
received, e.g.::

    The 'negative' parameter of SkipGram must be an int in the range [0, inf). Got -1 instead.

>>> check_int(-1, "negative", "SkipGram", low=0)
Traceback (most recent call last):
...
ValueError: The 'negative' parameter of SkipGram must be an int in the range [0, inf). Got -1 instead.
"""

from __future__ import annotations

import numbers
from collections.abc import Sized
from typing import Any

__all__ = [
    "NotFittedError",
    "check_int",
    "check_float",
    "check_choice",
    "check_nonempty",
    "check_is_fitted",
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
        raise ValueError(
            f"The {name!r} parameter of {owner} must be an int in the range {rng}. Got {value!r} instead."
        )
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
    """Return ``value`` as a ``float`` if it is a real number in the range, else raise.

    Examples
    --------
    >>> check_float(0.0, "k", "AddK", low=0.0, low_closed=False)
    Traceback (most recent call last):
    ...
    ValueError: The 'k' parameter of AddK must be a float in the range (0, inf). Got 0.0 instead.
    """
    rng = _range_text(low, high, low_closed, high_closed)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a float in the range {rng}. "
            f"Got {value!r} ({type(value).__name__}) instead."
        )
    value = float(value)
    if value != value or not _in_range(value, low, high, low_closed, high_closed):
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
    course._validation.NotFittedError: This M instance is not fitted yet. Call 'fit' with appropriate arguments before using it.
    """
    if getattr(estimator, attribute, None) is None:
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. "
            "Call 'fit' with appropriate arguments before using it."
        )

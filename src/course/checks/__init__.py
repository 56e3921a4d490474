"""Checks students run on their exercise answers: a clear pass, or a message saying what is wrong.

Each chapter has a module here (``course.checks.ngram``, ...). A check takes the student's answer
(a function or a value), compares it with the package's tested implementation, and either prints
one ``PASS`` line or raises :class:`CheckFailed` with a message that names what is off.

>>> from course.checks import CheckFailed, passed
>>> passed("add-k sums to one")
PASS: add-k sums to one
>>> raise CheckFailed("the probabilities sum to 0.5, not 1")
Traceback (most recent call last):
...
course.checks.CheckFailed: the probabilities sum to 0.5, not 1
"""

from __future__ import annotations

__all__ = ["CheckFailed", "passed", "require"]


class CheckFailed(AssertionError):
    """An exercise answer is wrong; the message says how."""


def passed(what: str) -> None:
    """Print the single line a passing check shows."""
    print(f"PASS: {what}")


def require(condition: bool, message: str) -> None:
    """Raise :class:`CheckFailed` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)

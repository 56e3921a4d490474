"""Sentences as integer arrays: ``ids`` (all tokens laid end to end) and ``offsets``.

:func:`course.data.load_tokens` gives a split in this form (sentence ``s`` is
``ids[offsets[s]:offsets[s + 1]]``); :func:`take_sentences` picks some of its sentences without
building Python lists.

>>> import numpy as np
>>> ids, offsets = np.array([5, 6, 7, 8, 9, 4]), np.array([0, 2, 5, 6])
>>> take_sentences(ids, offsets, [2, 0])
(array([4, 5, 6]), array([0, 1, 3]))
"""

from __future__ import annotations

import numpy as np

__all__ = ["take_sentences"]


def take_sentences(ids: np.ndarray, offsets: np.ndarray, which) -> tuple[np.ndarray, np.ndarray]:
    """The sentences ``which`` (indices, in the order given) as new ``(ids, offsets)`` arrays."""
    which = np.asarray(which, dtype=np.int64)
    starts, lens = offsets[which], np.diff(offsets)[which]
    new_offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    positions = np.repeat(starts - new_offsets[:-1], lens) + np.arange(new_offsets[-1])
    return ids[positions], new_offsets

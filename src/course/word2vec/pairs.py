"""Training examples from a window: Skip-gram (centre, context) pairs and CBOW context rows.

For every position ``i`` of a sentence (the *centre* word) and every position ``j`` with
``0 < |i - j| <= b_i`` in the same sentence (the *context* words), Skip-gram makes one pair and
CBOW makes one row of up to ``2 * window`` context words. ``b_i`` is the window of centre
``i``: the full ``window``, or word2vec.c's reduced window drawn uniform in ``[1, window]``
(:func:`reduced_windows`, word2vec.c's ``b = next_random % window`` in ``TrainModelThread``:
near words are seen more often than far ones, weight ``(window - d + 1) / window`` for distance
``d``).

Two implementations, one result (the tests check it):

- :func:`skipgram_pairs_reference` is word2vec.c's double loop, one Python step per pair;
- :func:`skipgram_pairs` and :func:`cbow_contexts` build a ``(N, 2 * window)`` matrix of
  context positions, mask what falls outside the window or the sentence, and read it row by
  row, so the pairs come out in the loop's order (centre by centre, contexts left to right)
  at NumPy speed.

>>> ids = np.array([0, 1, 2, 3, 4, 0, 5])  # the fat cat sat on the mat
>>> centres, contexts = skipgram_pairs(ids, window=1)
>>> list(zip(centres.tolist(), contexts.tolist()))[:5]
[(0, 1), (1, 0), (1, 2), (2, 1), (2, 3)]

Which word is the *input* (row of ``W_in``) is a convention: the paper predicts the context
from the centre; word2vec.c and gensim feed the context word's vector and predict the centre.
The set of pairs is the same; only whose reduced window applies differs. The trainer follows
word2vec.c (input = context, output = centre).
"""

from __future__ import annotations

import numpy as np

from ..base.validation import check_int
from ._common import as_generator
from .subsampling import subsample_mask

__all__ = [
    "reduced_windows",
    "sentence_ids_from_lengths",
    "skipgram_pairs_reference",
    "skipgram_pairs",
    "cbow_contexts",
    "chunk_examples",
]


def reduced_windows(n: int, window: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """word2vec.c's random effective window per centre word, uniform in ``[1, window]``.

    word2vec.c draws ``b = next_random % window`` and uses the words at distance up to
    ``window - b``; we return ``window - b`` directly.

    Parameters
    ----------
    n : int
        Number of centre words.
    window : int
        Maximum window (``window >= 1``).
    seed : int or numpy.random.Generator or None

    Returns
    -------
    ndarray of int64 with shape (n,)

    Examples
    --------
    >>> reduced_windows(6, 5, seed=0).tolist()
    [5, 4, 3, 2, 2, 1]
    """
    n = check_int(n, "n", "reduced_windows", low=0)
    window = check_int(window, "window", "reduced_windows", low=1)
    return _reduced_windows(n, window, as_generator(seed))


def _reduced_windows(n: int, window: int, rng: np.random.Generator) -> np.ndarray:
    """:func:`reduced_windows` without the checks, for the trainer (:class:`~course.word2vec.Word2Vec` checked ``window``)."""
    return rng.integers(1, window + 1, size=n)


def sentence_ids_from_lengths(lengths) -> np.ndarray:
    """Sentence index of every token of sentences laid end to end.

    >>> sentence_ids_from_lengths([2, 0, 3]).tolist()
    [0, 0, 2, 2, 2]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def _check(ids, window, sentence_ids, windows, owner):
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"The 'ids' parameter of {owner} must be a 1-D array. Got shape {ids.shape} instead.")
    window = check_int(window, "window", owner, low=1)
    n = len(ids)
    sentence_ids = np.zeros(n, dtype=np.int64) if sentence_ids is None else np.asarray(sentence_ids)
    if sentence_ids.shape != (n,):
        raise ValueError(
            f"The 'sentence_ids' parameter of {owner} must have the shape of ids {(n,)}. "
            f"Got {sentence_ids.shape} instead."
        )
    if windows is None:
        windows = np.full(n, window, dtype=np.int64)
    else:
        windows = np.asarray(windows)
        if windows.shape != (n,):
            raise ValueError(
                f"The 'windows' parameter of {owner} must have the shape of ids {(n,)}. Got {windows.shape} instead."
            )
        if n and (windows.min() < 1 or windows.max() > window):
            raise ValueError(
                f"The 'windows' parameter of {owner} must hold ints in the range [1, {window}]. "
                f"Got values in [{windows.min()}, {windows.max()}] instead."
            )
    return ids, window, sentence_ids, windows


def skipgram_pairs_reference(ids, window: int, sentence_ids=None, windows=None) -> tuple[np.ndarray, np.ndarray]:
    """Skip-gram pairs by word2vec.c's loop (the readable reference).

    Parameters
    ----------
    ids : array-like of int with shape (N,)
        Word ids of sentences laid end to end (after subsampling, if any).
    window : int
        Maximum distance between centre and context.
    sentence_ids : array-like of int with shape (N,), default=None
        Sentence of each token (non-decreasing); ``None`` means one sentence.
    windows : array-like of int with shape (N,), default=None
        Window of each centre word in ``[1, window]``; ``None`` means ``window`` everywhere.

    Returns
    -------
    centres, contexts : ndarray of int64 with shape (P,)
        Pair ``p`` is (``centres[p]``, ``contexts[p]``), centre by centre, left to right.

    Examples
    --------
    >>> skipgram_pairs_reference([7, 8, 9], window=2, windows=[1, 2, 1])
    (array([7, 8, 8, 9]), array([8, 7, 9, 8]))
    """
    ids, window, sentence_ids, windows = _check(ids, window, sentence_ids, windows, "skipgram_pairs_reference")
    centres, contexts = [], []
    for i in range(len(ids)):
        b = int(windows[i])
        for j in range(i - b, i + b + 1):
            if j == i or j < 0 or j >= len(ids) or sentence_ids[j] != sentence_ids[i]:
                continue
            centres.append(ids[i])
            contexts.append(ids[j])
    return np.array(centres, dtype=np.int64), np.array(contexts, dtype=np.int64)


def _context_positions(n, window, sentence_ids, windows):
    """Positions (N, 2W) of every centre's context words and which of them are real."""
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])  # (2W,)
    positions = np.arange(n)[:, None] + offsets[None, :]  # (N, 2W)
    inside = (positions >= 0) & (positions < n)
    clipped = np.clip(positions, 0, max(n - 1, 0))
    mask = inside & (np.abs(offsets)[None, :] <= windows[:, None])  # (N, 2W)
    mask &= sentence_ids[clipped] == sentence_ids[:, None]
    return clipped, mask


def skipgram_pairs(ids, window: int, sentence_ids=None, windows=None) -> tuple[np.ndarray, np.ndarray]:
    """Skip-gram pairs, vectorised; same pairs in the same order as :func:`skipgram_pairs_reference`.

    Parameters and returns as :func:`skipgram_pairs_reference`.

    Examples
    --------
    >>> skipgram_pairs([7, 8, 9], window=2, windows=[1, 2, 1])
    (array([7, 8, 8, 9]), array([8, 7, 9, 8]))
    """
    return _skipgram_pairs(*_check(ids, window, sentence_ids, windows, "skipgram_pairs"))


def _skipgram_pairs(ids, window, sentence_ids, windows) -> tuple[np.ndarray, np.ndarray]:
    """:func:`skipgram_pairs` without the checks, for the trainer: arrays of shape (N,), ``window`` checked."""
    ids = ids.astype(np.int64, copy=False)
    positions, mask = _context_positions(len(ids), window, sentence_ids, windows)
    centre_pos = np.broadcast_to(np.arange(len(ids))[:, None], mask.shape)[mask]  # row-major: loop order
    return ids[centre_pos], ids[positions[mask]]


def cbow_contexts(ids, window: int, sentence_ids=None, windows=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CBOW examples: each centre word with the (padded) row of its context words.

    Parameters as :func:`skipgram_pairs_reference`.

    Returns
    -------
    contexts : ndarray of int64 with shape (M, 2 * window)
        Context word ids, left to right; padded entries hold the centre's own id (harmless,
        ``mask`` excludes them).
    mask : ndarray of bool with shape (M, 2 * window)
        Which entries are real context words.
    centres : ndarray of int64 with shape (M,)
        Centre word ids. Centres with no context word (one-word sentences) are dropped, as
        word2vec.c skips them (``if (cw)``).

    Examples
    --------
    >>> contexts, mask, centres = cbow_contexts([7, 8, 9], window=1)
    >>> [c[m].tolist() for c, m in zip(contexts, mask)], centres.tolist()
    ([[8], [7, 9], [8]], [7, 8, 9])
    """
    return _cbow_contexts(*_check(ids, window, sentence_ids, windows, "cbow_contexts"))


def _cbow_contexts(ids, window, sentence_ids, windows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`cbow_contexts` without the checks, for the trainer: arrays of shape (N,), ``window`` checked."""
    ids = ids.astype(np.int64, copy=False)
    positions, mask = _context_positions(len(ids), window, sentence_ids, windows)
    keep = mask.any(axis=1)
    contexts = np.where(mask, ids[positions], ids[:, None])[keep]  # (M, 2W)
    return contexts, mask[keep], ids[keep]


def chunk_examples(ids, sentence_ids, rng, config, *, keep, noise=None, grouped=False):
    """All training examples of one chunk of the corpus, as the trainer feeds them to the model.

    In word2vec.c's order: drop unknown words (id -1), subsample frequent ones with the keep
    probabilities ``keep`` (:mod:`course.word2vec.subsampling`), draw each centre's reduced window,
    build the Skip-gram pairs or CBOW contexts, draw ``config.negative`` noise words per example
    from ``noise`` (an :class:`~course.word2vec.negative_sampling.AliasTable`, or None).

    ``config`` is a validated :class:`~course.word2vec.config.Word2VecConfig`: ``window`` was
    checked once, where it entered, so these per-chunk calls skip the checks.

    Returns
    -------
    n_words : int
        Words left after dropping and subsampling (gensim's "effective words").
    inputs, mask, outputs, negatives
        Skip-gram: context words (B,), None, centre words (B,) (word2vec.c: the context word
        predicts the centre). Skip-gram ``grouped`` by centre: padded context rows (M, C), their
        mask (M, C), centres (M,). CBOW: the real context words end to end (R,), the offsets of
        each example's first (M + 1,), centres (M,). ``negatives``: (B or M, K) or None.
    """
    known = ids >= 0
    ids, sentence_ids = ids[known], sentence_ids[known]
    if config.sample > 0:
        kept = subsample_mask(ids, keep, rng)
        ids, sentence_ids = ids[kept], sentence_ids[kept]
    windows = _reduced_windows(len(ids), config.window, rng)
    if grouped:  # Skip-gram pairs grouped by centre word: padded context rows + mask
        inputs, mask, outputs = _cbow_contexts(ids, config.window, sentence_ids, windows)
    elif config.sg == "skipgram":
        centres, contexts = _skipgram_pairs(ids, config.window, sentence_ids, windows)
        inputs, mask, outputs = contexts, None, centres
    else:
        contexts, mask, outputs = _cbow_contexts(ids, config.window, sentence_ids, windows)
        inputs, mask = contexts[mask], np.concatenate([[0], np.cumsum(mask.sum(1))])
    negatives = noise.sample((len(outputs), config.negative), rng) if noise is not None else None
    return len(ids), inputs, mask, outputs, negatives

"""Vocabulary access shared by the evaluation functions: any vectors object, checked once on entry.

The evaluation functions accept anything with ``key_to_index`` (dict word -> row) and
``vectors`` (V, D) attributes: :class:`course.vectors.KeyedVectors` or gensim's ``KeyedVectors``.
Each public function validates the object here, once, where it enters; the kernels below it
trust their inputs.
"""

from __future__ import annotations

import numpy as np

from ..base.validation import check_finite, check_int


def keys_and_vectors(kv, owner: str, rows: int | None = None, name: str = "kv") -> tuple[list[str], np.ndarray]:
    """``index_to_key`` (derived from ``key_to_index`` if absent) and ``vectors`` of any vectors object.

    The first ``rows`` vectors (all if None, none if 0) must be finite: one nan row would be the
    nearest neighbour of every query (``argmax`` picks nan), a silently wrong answer.
    """
    if not hasattr(kv, "key_to_index") or not hasattr(kv, "vectors"):
        raise TypeError(
            f"The {name!r} parameter of {owner} must have 'key_to_index' and 'vectors' attributes "
            f"(course.vectors.KeyedVectors or gensim's KeyedVectors). Got {type(kv).__name__} instead."
        )
    vectors = np.asarray(kv.vectors)
    keys = getattr(kv, "index_to_key", None)
    if keys is None:
        keys = sorted(kv.key_to_index, key=kv.key_to_index.get)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise ValueError(
            f"The {name!r} parameter of {owner} must hold one vector per word. Got "
            f"{len(keys)} words and vectors of shape {vectors.shape} instead."
        )
    if rows != 0:
        check_finite_vectors(vectors[:rows], keys, owner, name)
    return list(keys), vectors


def check_finite_vectors(vectors: np.ndarray, keys, owner: str, name: str = "kv") -> None:
    """Refuse nan or inf rows, naming the first one's row and word."""
    try:
        check_finite(vectors, name, owner, labels=keys)
    except ValueError as exc:
        raise ValueError(
            f"{exc} Remove or retrain the non-finite rows: they would be every query's nearest word."
        ) from None


def check_finite_rows(vectors: np.ndarray, ids, keys, owner: str, name: str = "kv") -> None:
    """Refuse a nan or inf in the rows ``ids`` (query words, perhaps beyond the rows searched)."""
    for i in ids:
        if not np.isfinite(vectors[i]).all():
            bad = float(vectors[i][~np.isfinite(vectors[i])][0])
            raise ValueError(
                f"The {name!r} parameter of {owner} must hold finite numbers. Got {bad!r} in row {i} "
                f"({keys[i]!r}) instead. Remove or retrain the non-finite rows."
            )


def row_lookup(keys: list[str], limit: int, case_insensitive: bool) -> dict[str, int]:
    """word -> row among the first ``limit`` rows; lower-cased keys keep their most frequent row."""
    table: dict[str, int] = {}
    for i in range(limit - 1, -1, -1):  # reversed: the smallest row wins (gensim)
        table[keys[i].lower() if case_insensitive else keys[i]] = i
    return table


def restrict(restrict_vocab, V: int, owner: str) -> int:
    """The number of rows searched: ``restrict_vocab`` (an int >= 1) capped at ``V``, or ``V``."""
    if restrict_vocab is None:
        return V
    return min(check_int(restrict_vocab, "restrict_vocab", owner, low=1), V)


def index(kv, word: str) -> int:
    """The row of ``word``; ``KeyError`` naming the word and the vocabulary size otherwise."""
    try:
        return kv.key_to_index[word]
    except (KeyError, TypeError):
        raise KeyError(f"Word {word!r} is not in the vocabulary of {len(kv.key_to_index)} words.") from None

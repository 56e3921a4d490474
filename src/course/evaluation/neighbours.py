"""Nearest neighbours by cosine, the one implementation behind every neighbour query of the course.

:func:`most_similar` ranks the words by cosine to ``sum(positive) - sum(negative)`` of unit
vectors, the query words excluded, among the first ``restrict_vocab`` rows: gensim's
``most_similar`` semantics, and Mikolov et al.'s vector offset when ``positive=[b, c]`` and
``negative=[a]``. :func:`nearest_neighbours` is its one-query form, and
:meth:`course.vectors.KeyedVectors.most_similar` delegates to it. Ranking is :func:`cosine_top`:
decreasing cosine, ties to the smaller row. :func:`group_cosines` and :func:`pca` give the
numbers behind a 2-D picture of the space.

References
----------
.. [1] T. Mikolov, W. Yih, G. Zweig, "Linguistic Regularities in Continuous Space Word
   Representations", NAACL 2013 (the vector offset).
.. [2] gensim ``KeyedVectors.most_similar``, whose semantics this follows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..base.validation import check_finite, check_int
from ..vectors import unit_rows
from ._access import check_finite_rows, check_finite_vectors, index, keys_and_vectors, restrict

__all__ = ["cosine_top", "most_similar", "nearest_neighbours", "group_cosines", "pca"]


def cosine_top(normed: np.ndarray, queries: np.ndarray, topn: int, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosines of the ``topn`` rows of ``normed`` closest to each query.

    Parameters
    ----------
    normed : ndarray of shape (V, D)
        Unit-norm rows (:func:`course.vectors.unit_rows`).
    queries : ndarray of shape (B, D)
        Query vectors (any norm; the ranking is by ``normed @ q``, the cosine once ``q`` is
        normalised, which it is here).
    topn : int
        How many neighbours per query (at most ``V``).
    exclude : sequence of B sequences of int, optional
        Row ids never returned for each query (the query words themselves).

    Returns
    -------
    indices : ndarray of shape (B, topn)
    scores : ndarray of shape (B, topn)
        Sorted by decreasing cosine; ties keep the smaller index first.

    >>> idx, s = cosine_top(np.eye(3), np.array([[1.0, 0.1, 0.0]]), topn=2, exclude=[[0]])
    >>> idx.tolist()
    [[1, 2]]
    """
    queries = unit_rows(np.atleast_2d(queries)).astype(normed.dtype, copy=False)
    sims = queries @ normed.T  # (B, V)
    if exclude is not None:
        for b, ids in enumerate(exclude):
            sims[b, list(ids)] = -np.inf
    topn = min(topn, sims.shape[1])
    part = (
        np.argpartition(-sims, topn - 1, axis=1)[:, :topn]
        if topn < sims.shape[1]
        else np.tile(np.arange(sims.shape[1]), (len(sims), 1))
    )
    part.sort(axis=1)  # ties: smaller index first
    order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    return idx, np.take_along_axis(sims, idx, axis=1)


def _as_items(x) -> list:
    """A word, a vector (D,), a matrix (n, D) or a list of words/vectors, as a list of items."""
    if isinstance(x, str):
        return [x]
    if isinstance(x, np.ndarray):
        return [x] if x.ndim == 1 else list(x)
    return list(x)


def _item_vector(kv, vectors: np.ndarray, item, owner: str, name: str) -> tuple[np.ndarray, list[int]]:
    """The vector of a query item and the rows it excludes: a word (itself) or a vector (none)."""
    if isinstance(item, str):
        i = index(kv, item)
        return vectors[i], [i]
    vec = np.asarray(item, dtype=np.float64)
    if vec.shape != (vectors.shape[1],):
        raise ValueError(
            f"The {name!r} parameter of {owner} must hold words or vectors of shape "
            f"({vectors.shape[1]},). Got shape {vec.shape} instead."
        )
    return check_finite(vec, name, owner), []


def search(
    kv,
    positive,
    negative=(),
    topn: int = 10,
    exclude: Sequence[str] = (),
    restrict_vocab=None,
    *,
    owner: str = "most_similar",
    name: str = "kv",
    query_name: str = "positive",
) -> list[tuple[str, float]]:
    """:func:`most_similar` with the names its error messages use (for the functions that delegate)."""
    keys, vectors = keys_and_vectors(kv, owner, rows=0, name=name)
    topn = check_int(topn, "topn", owner, low=1)
    N = restrict(restrict_vocab, len(keys), owner)
    pos, neg = _as_items(positive), _as_items(negative)
    if not pos and not neg:
        raise ValueError(
            f"The {query_name!r} parameter of {owner} must hold at least one word or vector "
            "(or 'negative' must). Got none instead."
        )
    banned = [index(kv, w) for w in exclude]
    items = [(item, 1.0) for item in pos] + [(item, -1.0) for item in neg]
    found = [_item_vector(kv, vectors, item, owner, query_name) for item, _ in items]
    for _, ids in found:
        banned += ids
    check_finite_vectors(vectors[:N], keys, owner, name)  # the rows searched
    check_finite_rows(vectors, [i for _, ids in found for i in ids], keys, owner, name)
    if len(items) == 1 and items[0][1] > 0:
        query = found[0][0]  # one item: its own direction (cosine_top normalises it)
    else:  # several: the sum of their unit vectors (gensim)
        query = np.zeros(vectors.shape[1], dtype=np.float64)
        for (vec, _), (_, sign) in zip(found, items):
            query += sign * unit_rows(vec)
    idx, scores = cosine_top(unit_rows(vectors[:N]), query[None, :], topn, exclude=[[i for i in banned if i < N]])
    return [(keys[i], float(s)) for i, s in zip(idx[0], scores[0]) if np.isfinite(s)]


def most_similar(
    kv, positive, negative=(), topn: int = 10, exclude: Sequence[str] = (), restrict_vocab: int | None = None
) -> list[tuple[str, float]]:
    """Words closest by cosine to ``sum(positive) - sum(negative)`` of unit vectors.

    Parameters
    ----------
    kv : vectors object
        Anything with ``key_to_index`` and ``vectors`` (ours or gensim's).
    positive : str, ndarray of shape (D,), or list of them
        Words (or vectors) to add. Query *words* are excluded from the answer (gensim).
    negative : str, ndarray of shape (D,), or list of them, default=()
        Words (or vectors) to subtract.
    topn : int, default=10
    exclude : sequence of str, default=()
        More words never returned.
    restrict_vocab : int, optional
        Search only the first ``restrict_vocab`` rows (the most frequent words).

    Returns
    -------
    list of (str, float)
        At most ``topn`` pairs (word, cosine), best first; ties go to the smaller row.

    Notes
    -----
    One query item is used as it is (its cosine ranking does not depend on its norm); several
    are summed as unit vectors, as gensim does.

    >>> from course.vectors import KeyedVectors
    >>> kv = KeyedVectors(["man", "king", "woman", "queen"],
    ...                   np.array([[1.0, 0.1], [1.0, 1.0], [0.2, 0.1], [0.2, 1.1]]))
    >>> [w for w, _ in most_similar(kv, ["king", "woman"], ["man"], topn=1)]
    ['queen']
    """
    return search(kv, positive, negative, topn, exclude, restrict_vocab)


def nearest_neighbours(kv, query, topn: int = 10, exclude: Sequence[str] = ()) -> list[tuple[str, float]]:
    """The ``topn`` words closest by cosine to a word (itself excluded) or to a vector.

    :func:`most_similar` with one query item.

    Parameters
    ----------
    kv : vectors object
        Anything with ``key_to_index`` and ``vectors`` (ours or gensim's).
    query : str or ndarray of shape (D,)
    topn : int, default=10
    exclude : sequence of str, default=()
        Words never returned.

    Returns
    -------
    list of (str, float)

    >>> from course.vectors import KeyedVectors
    >>> kv = KeyedVectors(["x", "y", "z"], np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]))
    >>> [w for w, _ in nearest_neighbours(kv, "x", topn=2)]
    ['y', 'z']
    """
    if not isinstance(query, str) and np.ndim(query) != 1:
        shape = np.shape(query)
        raise ValueError(
            f"The 'query' parameter of nearest_neighbours must be a word or a vector of shape (D,). "
            f"Got shape {shape} instead."
        )
    return search(kv, [query], (), topn, exclude, owner="nearest_neighbours", query_name="query")


def group_cosines(kv, groups: dict[str, Sequence[str]]) -> tuple[float, float]:
    """Mean cosine between words of the same group and between words of different groups.

    A number behind a 2-D picture: if the groups form clusters in the full ``D``-dimensional space,
    the first is clearly larger than the second.

    Parameters
    ----------
    kv : vectors object
    groups : dict of str to sequence of str
        Group name -> words (every word must be known; at least two groups).

    Returns
    -------
    within, between : float

    >>> from course.vectors import KeyedVectors
    >>> kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0], [0.1, 1.0]]))
    >>> w, b = group_cosines(kv, {"x": ["a", "b"], "y": ["c", "d"]})
    >>> round(w, 3), round(b, 3)
    (0.995, 0.099)
    """
    owner = "group_cosines"
    _, vectors = keys_and_vectors(kv, owner, rows=0)
    if len(groups) < 2 or any(len(ws) == 0 for ws in groups.values()):
        raise ValueError(
            f"The 'groups' parameter of {owner} must map at least two group names to non-empty "
            f"word lists. Got {len(groups)} group(s) instead."
        )
    words = [w for ws in groups.values() for w in ws]
    labels = np.array([g for g, ws in groups.items() for _ in ws])
    rows = vectors[[index(kv, w) for w in words]]
    check_finite_vectors(rows, words, owner)
    X = unit_rows(rows.astype(np.float64))
    sims = X @ X.T
    same = labels[:, None] == labels[None, :]
    off_diag = ~np.eye(len(words), dtype=bool)
    within = sims[same & off_diag]
    return float(within.mean()) if within.size else float("nan"), float(sims[~same].mean())


def pca(X, n_components: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal component analysis by the SVD of the centred data.

    Parameters
    ----------
    X : array-like of shape (N, D)
    n_components : int, default=2

    Returns
    -------
    projected : ndarray of shape (N, n_components)
        ``(X - mean) @ components.T``.
    components : ndarray of shape (n_components, D)
        Unit principal directions; each sign fixed so its largest-magnitude entry is positive
        (a deterministic choice, as in scikit-learn's ``svd_flip``).
    explained_variance_ratio : ndarray of shape (n_components,)

    Notes
    -----
    With ``X_c = U S V^T`` the directions are the rows of ``V^T`` and the variance along each is
    ``S^2 / (N - 1)``; the projection is ``U S``.

    >>> P, C, r = pca(np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.1]]), n_components=1)
    >>> C.round(3).tolist(), bool(r[0] > 0.99)
    ([[1.0, 0.025]], True)
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"The 'X' parameter of pca must have shape (N, D) with N >= 2. Got shape {X.shape} instead.")
    check_finite(X, "X", "pca")
    n_components = check_int(n_components, "n_components", "pca", low=1, high=min(X.shape))
    Xc = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    signs = np.sign(Vt[np.arange(len(Vt)), np.abs(Vt).argmax(axis=1)])
    Vt = Vt * signs[:, None]
    var = S**2
    comps = Vt[:n_components]
    return Xc @ comps.T, comps, var[:n_components] / var.sum()

"""Word analogies "a is to b as c is to d": the 3CosAdd and 3CosMul objectives and their answers.

The answer is the word closest by cosine to ``b - a + c`` of unit vectors (3CosAdd, Mikolov et al.
2013a's vector offset, named by Levy and Goldberg 2014), the three query words excluded, or the
word that maximises Levy and Goldberg's multiplicative objective (3CosMul). :func:`analogy_scores`
scores every word, :func:`predict_analogies` answers a batch of questions given as row ids, and
:func:`solve_analogy` answers one question in words with scores
(:meth:`course.vectors.KeyedVectors.analogy` delegates to it). Accuracy over a question set is in
:mod:`course.evaluation.analogy_accuracy`.

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", 2013 (mikolov2013a), section 4.1.
.. [2] O. Levy, Y. Goldberg, "Linguistic Regularities in Sparse and Explicit Word
   Representations", CoNLL 2014 (levy2014): 3CosAdd and 3CosMul.
"""

from __future__ import annotations

import numpy as np

from ..base.validation import check_choice, check_finite, check_float, check_int
from ..vectors import unit_rows
from ._access import check_finite_rows, check_finite_vectors, index, keys_and_vectors, restrict

__all__ = ["ANALOGY_METHODS", "analogy_scores", "predict_analogies", "solve_analogy"]


#: Analogy objectives: Mikolov et al.'s vector offset and Levy and Goldberg's multiplicative form.
ANALOGY_METHODS = ("3cosadd", "3cosmul")


def _check_method(method, epsilon, owner: str) -> tuple[str, float]:
    check_choice(method, "method", owner, ANALOGY_METHODS)
    return method, check_float(epsilon, "epsilon", owner, low=0.0, low_closed=False)


def analogy_scores(normed: np.ndarray, a, b, c, method: str = "3cosadd", epsilon: float = 1e-3) -> np.ndarray:
    """How well every word answers the questions ``a : b = c : ?`` (higher is better).

    Parameters
    ----------
    normed : ndarray of shape (V, D)
        Unit-norm word vectors.
    a, b, c : array-like of int, shape (Q,)
        Row ids of the question words.
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
    epsilon : float, default=1e-3
        3CosMul's guard against a zero denominator (Levy and Goldberg's value; gensim's
        ``most_similar_cosmul`` uses 1e-6).

    Returns
    -------
    ndarray of shape (Q, V)
        The score of every word for every question; the query words are *not* excluded here.

    Notes
    -----
    With unit vectors and ``cos(x, y) = x . y``:

    * 3CosAdd: ``cos(w, b) - cos(w, a) + cos(w, c) = w . (b - a + c)``, which ranks words like the
      cosine with ``b - a + c`` (Mikolov et al. 2013's vector offset; the query's norm does not
      depend on ``w``);
    * 3CosMul: ``cos'(w, b) cos'(w, c) / (cos'(w, a) + epsilon)`` with ``cos' = (cos + 1) / 2`` in
      ``[0, 1]``: one large similarity can no longer make up for a small one (Levy and Goldberg
      2014).

    >>> normed = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    >>> analogy_scores(normed, [0], [1], [2]).round(2).tolist()
    [[-0.4, 1.8, 1.2]]
    """
    method, epsilon = _check_method(method, epsilon, "analogy_scores")
    check_finite(normed, "normed", "analogy_scores")
    return _analogy_scores(normed, a, b, c, method, epsilon)


def _analogy_scores(normed: np.ndarray, a, b, c, method: str, epsilon: float) -> np.ndarray:
    """:func:`analogy_scores` on validated inputs."""
    a, b, c = (np.atleast_1d(np.asarray(x, dtype=np.int64)) for x in (a, b, c))
    if method == "3cosadd":
        return (normed[b] - normed[a] + normed[c]) @ normed.T  # (Q, V)
    shifted = [(normed[x] @ normed.T + 1) / 2 for x in (a, b, c)]  # 3 x (Q, V), in [0, 1]
    return shifted[1] * shifted[2] / (shifted[0] + epsilon)


def predict_analogies(
    normed: np.ndarray, a, b, c, batch_size: int = 512, method: str = "3cosadd", epsilon: float = 1e-3
) -> np.ndarray:
    """The answers to a batch of questions ``a : b = c : ?`` (vectorised).

    Parameters
    ----------
    normed : ndarray of shape (V, D)
        Unit-norm word vectors (the search space).
    a, b, c : array-like of int, shape (Q,)
        Row ids of the question words.
    batch_size : int, default=512
        Questions scored per matrix product; memory is ``batch_size * V`` floats (three times
        that for 3CosMul).
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
        The objective (:func:`analogy_scores`).
    epsilon : float, default=1e-3
        3CosMul's ``epsilon``.

    Returns
    -------
    ndarray of int, shape (Q,)
        ``argmax_{w not in {a, b, c}} score(w)``.

    Notes
    -----
    With unit vectors, ``cos(w, b - a + c)`` ranks like ``w.b - w.a + w.c`` (the query's norm
    does not depend on ``w``): the "3CosAdd" objective of Levy and Goldberg (2014).
    """
    batch_size = check_int(batch_size, "batch_size", "predict_analogies", low=1)
    method, epsilon = _check_method(method, epsilon, "predict_analogies")
    check_finite(normed, "normed", "predict_analogies")
    a, b, c = (np.asarray(x, dtype=np.int64) for x in (a, b, c))
    out = np.empty(len(a), dtype=np.int64)
    for start in range(0, len(a), batch_size):
        sl = slice(start, start + batch_size)
        sims = _analogy_scores(normed, a[sl], b[sl], c[sl], method, epsilon)  # (n, V)
        rows = np.arange(len(sims))
        for ids in (a[sl], b[sl], c[sl]):
            sims[rows, ids] = -np.inf  # the query words never answer
        out[sl] = sims.argmax(axis=1)
    return out


def solve_analogy(
    kv,
    a: str,
    b: str,
    c: str,
    topn: int = 5,
    method: str = "3cosadd",
    restrict_vocab: int | None = None,
    epsilon: float = 1e-3,
) -> list[tuple[str, float]]:
    """The ``topn`` best answers to ``a : b = c : ?`` with their scores (query words excluded).

    Parameters
    ----------
    kv : vectors object
        Anything with ``key_to_index`` and ``vectors`` (ours or gensim's).
    a, b, c : str
        Known words (``KeyError`` naming the word otherwise).
    topn : int, default=5
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
    restrict_vocab : int or None, default=None
        Search only the first rows.
    epsilon : float, default=1e-3

    Returns
    -------
    list of (str, float)
        Best first; the score is the objective of :func:`analogy_scores` (3CosAdd: the sum of
        the three cosines, between -3 and 3; 3CosMul: the ratio of shifted cosines).

    >>> from course.vectors import KeyedVectors
    >>> kv = KeyedVectors(["man", "king", "woman", "queen", "apple"],
    ...                   np.array([[1.0, 0.1], [1.0, 1.0], [0.2, 0.1], [0.2, 1.1], [-1.0, -0.2]]))
    >>> [w for w, _ in solve_analogy(kv, "man", "king", "woman", topn=2, method="3cosmul")]
    ['queen', 'apple']
    """
    return solve(kv, a, b, c, topn, method, restrict_vocab, epsilon)


def solve(
    kv,
    a: str,
    b: str,
    c: str,
    topn: int = 5,
    method: str = "3cosadd",
    restrict_vocab: int | None = None,
    epsilon: float = 1e-3,
    *,
    owner: str = "solve_analogy",
    name: str = "kv",
) -> list[tuple[str, float]]:
    """:func:`solve_analogy` with the names its error messages use (for the methods that delegate)."""
    keys, vectors = keys_and_vectors(kv, owner, rows=0, name=name)
    topn = check_int(topn, "topn", owner, low=1)
    method, epsilon = _check_method(method, epsilon, owner)
    N = restrict(restrict_vocab, len(keys), owner)
    ids = [index(kv, w) for w in (a, b, c)]
    check_finite_vectors(vectors[:N], keys, owner, name)
    check_finite_rows(vectors, ids, keys, owner, name)  # a query word beyond the first N rows still counts
    normed = unit_rows(vectors.astype(np.float64))
    # Score the first N words; a query word beyond them still defines the query.
    scores = _analogy_scores(normed, *([i] for i in ids), method, epsilon)[0, :N]
    for i in ids:
        if i < N:
            scores[i] = -np.inf
    order = np.argsort(-scores, kind="stable")[:topn]
    return [(keys[i], float(scores[i])) for i in order if np.isfinite(scores[i])]

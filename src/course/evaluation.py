"""Intrinsic evaluation of word vectors: neighbours, analogies (3CosAdd, 3CosMul), word similarity, PCA.

Works on any object with ``key_to_index`` (dict word -> row) and ``vectors`` (V, D) attributes:
:class:`course.vectors.KeyedVectors` or gensim's ``KeyedVectors`` are scored the same way.

* Analogies "a is to b as c is to d" (Mikolov et al. 2013a, the 19,544 questions of
  ``questions-words.txt``): the answer is the word closest by cosine to ``b - a + c`` of unit
  vectors (3CosAdd, Levy and Goldberg 2014), the three query words excluded, searched among the
  ``restrict_vocab`` most frequent words (30,000 in the paper; gensim's semantics: the first
  ``restrict_vocab`` rows). A question counts only if its four words are among those rows:
  accuracy is over *covered* questions, and the coverage is reported beside it
  (:func:`analogy_coverage` computes it from a word list alone, before any training).
  ``method="3cosmul"`` ranks by Levy and Goldberg's multiplicative objective instead
  (:func:`analogy_scores`); :func:`solve_analogy` answers one question with scores.
* Word similarity (WordSim353, SimLex-999): Spearman's rank correlation between human scores
  and cosine similarities over the pairs whose two words are known, with the coverage.

>>> from course.vectors import KeyedVectors
>>> kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.1, 2.0]]))
>>> r = evaluate_analogies(kv, [("demo", "a", "b", "c", "d")])
>>> r.accuracy, r.coverage
(1.0, 1.0)

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", 2013 (mikolov2013a), section 4.1.
.. [2] O. Levy, Y. Goldberg, "Linguistic Regularities in Sparse and Explicit Word
   Representations", CoNLL 2014 (levy2014): 3CosAdd and 3CosMul.
.. [3] gensim ``KeyedVectors.evaluate_word_analogies`` and ``evaluate_word_pairs``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from course.base.validation import check_choice, check_finite, check_float, check_int
from course.base.notebook import table
from course.vectors import cosine_top, unit_rows

__all__ = [
    "AnalogyResult",
    "SimilarityResult",
    "nearest_neighbours",
    "ANALOGY_METHODS",
    "analogy_scores",
    "predict_analogies",
    "solve_analogy",
    "analogy_coverage",
    "evaluate_analogies",
    "rankdata",
    "spearman",
    "accuracy_by_frequency",
    "evaluate_similarity",
    "evaluate",
    "comparison_table",
    "group_cosines",
    "pca",
]


# ---------------------------------------------------------------------------- vocabulary access
def _keys_and_vectors(kv, owner: str, rows: int | None = None) -> tuple[list[str], np.ndarray]:
    """``index_to_key`` (derived from ``key_to_index`` if absent) and ``vectors`` of any vectors object.

    The first ``rows`` vectors (all if None, none if 0) must be finite: one nan row would be the
    nearest neighbour of every query (``argmax`` picks nan), a silently wrong answer.
    """
    if not hasattr(kv, "key_to_index") or not hasattr(kv, "vectors"):
        raise TypeError(f"The 'kv' parameter of {owner} must have 'key_to_index' and 'vectors' attributes "
                        f"(course.vectors.KeyedVectors or gensim's KeyedVectors). Got {type(kv).__name__} instead.")
    vectors = np.asarray(kv.vectors)
    keys = getattr(kv, "index_to_key", None)
    if keys is None:
        keys = sorted(kv.key_to_index, key=kv.key_to_index.get)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise ValueError(f"The 'kv' parameter of {owner} must hold one vector per word. Got "
                         f"{len(keys)} words and vectors of shape {vectors.shape} instead.")
    if rows != 0:
        _check_finite_vectors(vectors[:rows], keys, owner)
    return list(keys), vectors


def _check_finite_vectors(vectors: np.ndarray, keys, owner: str) -> None:
    try:
        check_finite(vectors, "kv", owner, labels=keys)
    except ValueError as exc:
        raise ValueError(f"{exc} Remove or retrain the non-finite rows: they would be every query's "
                         "nearest word.") from None


def _lookup(keys: list[str], limit: int, case_insensitive: bool) -> dict[str, int]:
    """word -> row among the first ``limit`` rows; lower-cased keys keep their most frequent row."""
    lookup: dict[str, int] = {}
    for i in range(limit - 1, -1, -1):                 # reversed: the smallest row wins (gensim)
        lookup[keys[i].lower() if case_insensitive else keys[i]] = i
    return lookup


def _restrict(restrict_vocab, V: int, owner: str) -> int:
    if restrict_vocab is None:
        return V
    return min(check_int(restrict_vocab, "restrict_vocab", owner, low=1), V)


# ---------------------------------------------------------------------------- neighbours
def nearest_neighbours(kv, query, topn: int = 10, exclude: Sequence[str] = ()) -> list[tuple[str, float]]:
    """The ``topn`` words closest by cosine to a word (itself excluded) or to a vector.

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
    owner = "nearest_neighbours"
    keys, vectors = _keys_and_vectors(kv, owner)
    topn = check_int(topn, "topn", owner, low=1)
    banned = [_index(kv, w) for w in exclude]
    if isinstance(query, str):
        banned.append(_index(kv, query))
        q = vectors[kv.key_to_index[query]]
    else:
        q = np.asarray(query, dtype=np.float64)
        if q.shape != (vectors.shape[1],):
            raise ValueError(f"The 'query' parameter of {owner} must be a word or a vector of shape "
                             f"({vectors.shape[1]},). Got shape {q.shape} instead.")
    idx, sims = cosine_top(unit_rows(vectors), q[None, :], topn, exclude=[banned])
    return [(keys[i], float(s)) for i, s in zip(idx[0], sims[0]) if np.isfinite(s)]


def _index(kv, word: str) -> int:
    try:
        return kv.key_to_index[word]
    except KeyError:
        raise KeyError(f"Word {word!r} is not in the vocabulary of {len(kv.key_to_index)} words.") from None


# ---------------------------------------------------------------------------- analogies
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
    check_finite(normed, "normed", "analogy_scores")
    check_choice(method, "method", "analogy_scores", ANALOGY_METHODS)
    return _analogy_scores(normed, a, b, c, method, epsilon)


def _analogy_scores(normed: np.ndarray, a, b, c, method: str, epsilon: float) -> np.ndarray:
    a, b, c = (np.atleast_1d(np.asarray(x, dtype=np.int64)) for x in (a, b, c))
    if method == "3cosadd":
        return (normed[b] - normed[a] + normed[c]) @ normed.T                # (Q, V)
    check_choice(method, "method", "analogy_scores", ANALOGY_METHODS)
    shifted = [(normed[x] @ normed.T + 1) / 2 for x in (a, b, c)]         # 3 x (Q, V), in [0, 1]
    return shifted[1] * shifted[2] / (shifted[0] + epsilon)


def predict_analogies(normed: np.ndarray, a, b, c, batch_size: int = 512, method: str = "3cosadd",
                      epsilon: float = 1e-3) -> np.ndarray:
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
            sims[rows, ids] = -np.inf                                   # the query words never answer
        out[sl] = sims.argmax(axis=1)
    return out


def solve_analogy(kv, a: str, b: str, c: str, topn: int = 5, method: str = "3cosadd",
                  restrict_vocab: int | None = None, epsilon: float = 1e-3) -> list[tuple[str, float]]:
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
    owner = "solve_analogy"
    keys, vectors = _keys_and_vectors(kv, owner, rows=0)
    topn = check_int(topn, "topn", owner, low=1)
    method, epsilon = _check_method(method, epsilon, owner)
    N = _restrict(restrict_vocab, len(keys), owner)
    ids = [_index(kv, w) for w in (a, b, c)]
    _check_finite_vectors(vectors[:N], keys, owner)
    for i in ids:  # a query word beyond the first N rows still defines the query
        if not np.isfinite(vectors[i]).all():
            bad = float(vectors[i][~np.isfinite(vectors[i])][0])
            raise ValueError(f"The 'kv' parameter of {owner} must hold finite numbers. Got {bad!r} in row {i} "
                             f"({keys[i]!r}) instead. Remove or retrain the non-finite rows.")
    normed = unit_rows(vectors.astype(np.float64))
    # Score the first N words; a query word beyond them still defines the query.
    scores = _analogy_scores(normed, *([i] for i in ids), method, epsilon)[0, :N]
    for i in ids:
        if i < N:
            scores[i] = -np.inf
    order = np.argsort(-scores, kind="stable")[:topn]
    return [(keys[i], float(scores[i])) for i in order if np.isfinite(scores[i])]


@dataclass
class AnalogyResult:
    """Analogy accuracy, per section and overall, with coverage.

    Attributes
    ----------
    sections : list of (str, int, int, int)
        ``(section, correct, covered, total)`` in the order the sections appear.
    n_correct, n_covered, n_total : int
    accuracy : float
        ``n_correct / n_covered`` (nan if nothing is covered).
    semantic, syntactic : float
        Accuracy over the covered questions of the semantic sections and of the syntactic
        (``gram*``) sections.
    coverage : float
        ``n_covered / n_total``.
    restrict_vocab : int
        Rows searched.
    method : str
        ``"3cosadd"`` or ``"3cosmul"``.
    predictions : list of str or None
        The predicted word of every question (None when it was not covered).
    """

    sections: list[tuple[str, int, int, int]]
    n_correct: int
    n_covered: int
    n_total: int
    accuracy: float
    semantic: float
    syntactic: float
    coverage: float
    restrict_vocab: int
    method: str = "3cosadd"
    predictions: list = field(repr=False, default_factory=list)

    def by_section(self) -> dict[str, float]:
        """Accuracy of every section over its covered questions (nan if none is covered)."""
        return {name: _ratio(cor, cov) for name, cor, cov, _ in self.sections}

    def table(self) -> str:
        """The per-section results as a fixed-width text table."""
        rows = [[name, cor, cov, tot, _ratio(cor, cov)] for name, cor, cov, tot in self.sections]
        for label, keep in (("semantic", False), ("syntactic", True)):
            sel = [s for s in self.sections if _is_syntactic(s[0]) == keep]
            cor, cov, tot = (sum(s[i] for s in sel) for i in (1, 2, 3))
            rows.append([label, cor, cov, tot, _ratio(cor, cov)])
        rows.append(["total", self.n_correct, self.n_covered, self.n_total, self.accuracy])
        return table(rows, ["section", "correct", "covered", "questions", "accuracy"])


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def _is_syntactic(section: str) -> bool:
    return section.lstrip(": ").startswith("gram")


def _check_questions(questions, owner: str) -> list[tuple[str, str, str, str, str]]:
    if isinstance(questions, (str, bytes)) or not hasattr(questions, "__len__"):
        raise TypeError(f"The 'questions' parameter of {owner} must be a list of (section, a, b, c, d) "
                        f"tuples. Got {type(questions).__name__} instead.")
    if len(questions) == 0:
        raise ValueError(f"The 'questions' parameter of {owner} must not be empty. Got no questions instead.")
    out = []
    for i, q in enumerate(questions):
        if len(q) != 5 or not all(isinstance(x, str) for x in q):
            raise ValueError(f"The 'questions' parameter of {owner} must hold (section, a, b, c, d) tuples "
                             f"of str. Got {q!r} at index {i} instead.")
        out.append(tuple(q))
    return out


def analogy_coverage(words, questions=None, restrict_vocab: int | None = 30000,
                     case_insensitive: bool = True) -> list[tuple[str, int, int]]:
    """How many questions of each section a vocabulary covers (all four words among its first words).

    Needs no vectors: pass the ``index_to_key`` of a model, or any word list in frequency order.

    Parameters
    ----------
    words : sequence of str or vectors object
        Words in frequency order (or anything with ``index_to_key``).
    questions : list of (section, a, b, c, d), optional
        Default: :func:`course.data.load_analogies`.
    restrict_vocab : int or None, default=30000
    case_insensitive : bool, default=True

    Returns
    -------
    list of (str, int, int)
        ``(section, covered, questions)`` in the order the sections appear.

    >>> analogy_coverage(["a", "b", "c", "d"], [("s", "a", "b", "c", "d"), ("s", "a", "b", "c", "e")])
    [('s', 1, 2)]
    """
    owner = "analogy_coverage"
    keys = list(getattr(words, "index_to_key", words))
    if questions is None:
        from course.data import load_analogies

        questions = load_analogies()
    questions = _check_questions(questions, owner)
    lookup = _lookup(keys, _restrict(restrict_vocab, len(keys), owner), case_insensitive)
    norm = str.lower if case_insensitive else (lambda s: s)
    sections: dict[str, list[int]] = {}
    for section, *ws in questions:
        s = sections.setdefault(section, [0, 0])
        s[0] += all(norm(w) in lookup for w in ws)
        s[1] += 1
    return [(name, cov, tot) for name, (cov, tot) in sections.items()]


def evaluate_analogies(kv, questions=None, restrict_vocab: int | None = 30000,
                       case_insensitive: bool = True, batch_size: int = 512, method: str = "3cosadd",
                       epsilon: float = 1e-3) -> AnalogyResult:
    """Accuracy on analogy questions (3CosAdd or 3CosMul), by section and semantic / syntactic.

    Parameters
    ----------
    kv : vectors object
        Anything with ``key_to_index`` and ``vectors``; rows in frequency order.
    questions : list of (section, a, b, c, d), optional
        Default: :func:`course.data.load_analogies` (19,544 questions, 14 sections).
    restrict_vocab : int or None, default=30000
        Use only the first ``restrict_vocab`` rows, both as answers and for coverage (Mikolov et
        al. 2013a; gensim). None: all rows.
    case_insensitive : bool, default=True
        Compare lower-cased words; a lower-cased key shared by several rows maps to the first
        (most frequent) one, as in gensim.
    batch_size : int, default=512
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
        The objective (:func:`analogy_scores`); an answer counts only if it is exactly ``d``
        (the paper's exact-match protocol: the nearest word, not one of the nearest).
    epsilon : float, default=1e-3
        3CosMul's ``epsilon``.

    Returns
    -------
    AnalogyResult
    """
    owner = "evaluate_analogies"
    keys, vectors = _keys_and_vectors(kv, owner, rows=0)
    method, epsilon = _check_method(method, epsilon, owner)
    if questions is None:
        from course.data import load_analogies

        questions = load_analogies()
    questions = _check_questions(questions, owner)
    N = _restrict(restrict_vocab, len(keys), owner)
    _check_finite_vectors(vectors[:N], keys, owner)  # the rows searched
    lookup = _lookup(keys, N, case_insensitive)
    norm = str.lower if case_insensitive else (lambda s: s)

    covered, ids = [], []
    for i, (_, *words) in enumerate(questions):
        row = [lookup.get(norm(w)) for w in words]
        if None not in row:
            covered.append(i)
            ids.append(row)
    ids_arr = np.array(ids, dtype=np.int64).reshape(-1, 4)
    normed = unit_rows(vectors[:N]).astype(np.float32)
    pred = predict_analogies(normed, ids_arr[:, 0], ids_arr[:, 1], ids_arr[:, 2], batch_size, method, epsilon)
    hit = pred == ids_arr[:, 3]

    predictions: list = [None] * len(questions)
    correct = np.zeros(len(questions), dtype=bool)
    is_cov = np.zeros(len(questions), dtype=bool)
    for j, i in enumerate(covered):
        predictions[i] = keys[pred[j]]
        correct[i] = hit[j]
        is_cov[i] = True
    sections: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        s = sections.setdefault(q[0], [0, 0, 0])
        s[0] += int(correct[i])
        s[1] += int(is_cov[i])
        s[2] += 1
    syn = np.array([_is_syntactic(q[0]) for q in questions], dtype=bool)
    return AnalogyResult(
        sections=[(name, *v) for name, v in sections.items()],
        n_correct=int(correct.sum()),
        n_covered=int(is_cov.sum()),
        n_total=len(questions),
        accuracy=_ratio(int(correct.sum()), int(is_cov.sum())),
        semantic=_ratio(int(correct[~syn].sum()), int(is_cov[~syn].sum())),
        syntactic=_ratio(int(correct[syn].sum()), int(is_cov[syn].sum())),
        coverage=float(is_cov.mean()),
        restrict_vocab=N,
        method=method,
        predictions=predictions,
    )


def accuracy_by_frequency(kv, result: AnalogyResult, questions=None, edges: Sequence[int] = (0, 1000, 5000, 30000)):
    """Analogy accuracy split by the frequency rank of the expected answer ``d``.

    Rows are frequency-ordered, so the rank of a word is its row. Hierarchical softmax and negative
    sampling are said to differ most on rare words (Mikolov et al. 2013b); this splits one
    :class:`AnalogyResult` to look.

    Parameters
    ----------
    kv : vectors object
        The vectors the result was computed with (rows in frequency order).
    result : AnalogyResult
        From :func:`evaluate_analogies` on ``questions``.
    questions : list of (section, a, b, c, d), optional
        The same questions (default: :func:`course.data.load_analogies`).
    edges : sequence of int, default=(0, 1000, 5000, 30000)
        Band ``i`` holds the covered questions whose answer has rank in ``[edges[i], edges[i+1])``.

    Returns
    -------
    list of (str, int, int, float)
        ``(band, correct, covered, accuracy)`` per band.

    >>> from course.vectors import KeyedVectors
    >>> kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.1, 2.0]]))
    >>> q = [("demo", "a", "b", "c", "d")]
    >>> accuracy_by_frequency(kv, evaluate_analogies(kv, q), q, edges=(0, 2, 4))
    [('0-2', 0, 0, nan), ('2-4', 1, 1, 1.0)]
    """
    owner = "accuracy_by_frequency"
    keys, _ = _keys_and_vectors(kv, owner, rows=0)  # only the words are used
    if questions is None:
        from course.data import load_analogies

        questions = load_analogies()
    questions = _check_questions(questions, owner)
    if not isinstance(result, AnalogyResult) or len(result.predictions) != len(questions):
        raise ValueError(f"The 'result' parameter of {owner} must be the AnalogyResult of these "
                         f"{len(questions)} questions. Got {type(result).__name__} instead.")
    edges = [check_int(e, "edges", owner, low=0) for e in edges]
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(f"The 'edges' parameter of {owner} must be at least two increasing ints. "
                         f"Got {edges!r} instead.")
    lookup = _lookup(keys, len(keys), case_insensitive=True)
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        correct = covered = 0
        for q, pred in zip(questions, result.predictions):
            rank = lookup.get(q[4].lower())
            if pred is None or rank is None or not lo <= rank < hi:
                continue
            covered += 1
            correct += pred.lower() == q[4].lower()
        rows.append((f"{lo}-{hi}", correct, covered, _ratio(correct, covered)))
    return rows


# ---------------------------------------------------------------------------- word similarity
def rankdata(x) -> np.ndarray:
    """Ranks 1..n of ``x``, ties sharing their average rank (scipy's ``method="average"``).

    >>> rankdata([10, 20, 20, 5]).tolist()
    [2.0, 3.5, 3.5, 1.0]
    """
    x = check_finite(np.asarray(x, dtype=np.float64), "x", "rankdata")  # nan has no rank
    order = np.argsort(x, kind="stable")
    sx = x[order]
    # Boundaries of runs of equal values; each run gets the mean of its positions.
    starts = np.flatnonzero(np.r_[True, sx[1:] != sx[:-1]])
    ends = np.r_[starts[1:], len(x)]
    avg = (starts + ends + 1) / 2.0                                    # mean of ranks start+1 .. end
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


def spearman(x, y) -> float:
    """Spearman's rank correlation: the Pearson correlation of the (average-tie) ranks.

    Returns nan when either input is constant (the correlation is undefined).

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40]), spearman([1, 2, 3], [3, 2, 1])
    (1.0, -1.0)
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(f"spearman needs two 1-D sequences of the same length >= 2. "
                         f"Got shapes {x.shape} and {y.shape} instead.")
    check_finite(x, "x", "spearman")
    check_finite(y, "y", "spearman")
    rx, ry = rankdata(x) - (len(x) + 1) / 2, rankdata(y) - (len(y) + 1) / 2
    denom = np.sqrt((rx**2).sum() * (ry**2).sum())
    return float((rx * ry).sum() / denom) if denom > 0 else float("nan")


@dataclass
class SimilarityResult:
    """Spearman correlation on a word-similarity set, with coverage.

    Attributes
    ----------
    name : str
    spearman : float
        Over the covered pairs (nan if fewer than 2).
    n_pairs : int
        Covered pairs (both words known).
    n_total : int
    coverage : float
    """

    name: str
    spearman: float
    n_pairs: int
    n_total: int
    coverage: float


_SIMILARITY_SETS = ("wordsim353", "simlex999")


def evaluate_similarity(kv, pairs="wordsim353", restrict_vocab: int | None = None,
                        case_insensitive: bool = True) -> SimilarityResult:
    """Spearman correlation between human similarity scores and cosine similarities.

    Parameters
    ----------
    kv : vectors object
    pairs : {"wordsim353", "simlex999"} or list of (str, str, float), default="wordsim353"
        A named set (loaded through :mod:`course.data`) or explicit pairs.
    restrict_vocab : int or None, default=None
        Use only the first rows.
    case_insensitive : bool, default=True

    Returns
    -------
    SimilarityResult
    """
    owner = "evaluate_similarity"
    keys, vectors = _keys_and_vectors(kv, owner, rows=0)
    name = "pairs"
    if isinstance(pairs, str):
        from course import data

        if pairs not in _SIMILARITY_SETS:
            raise ValueError(f"The 'pairs' parameter of {owner} must be one of 'wordsim353', 'simlex999' "
                             f"or a list of (w1, w2, score). Got {pairs!r} instead.")
        name = pairs
        pairs = data.load_wordsim353() if pairs == "wordsim353" else data.load_simlex999()
    if len(pairs) == 0:
        raise ValueError(f"The 'pairs' parameter of {owner} must not be empty. Got no pairs instead.")
    for i, p in enumerate(pairs):
        if len(p) != 3 or not isinstance(p[0], str) or not isinstance(p[1], str) \
                or not isinstance(p[2], numbers.Real):
            raise ValueError(f"The 'pairs' parameter of {owner} must hold (str, str, float) triples. "
                             f"Got {p!r} at index {i} instead.")
        if not np.isfinite(p[2]):
            raise ValueError(f"The 'pairs' parameter of {owner} must hold finite human scores. "
                             f"Got {p!r} at index {i} instead.")
    N = _restrict(restrict_vocab, len(keys), owner)
    _check_finite_vectors(vectors[:N], keys, owner)
    lookup = _lookup(keys, N, case_insensitive)
    norm = str.lower if case_insensitive else (lambda s: s)
    rows = [(lookup.get(norm(w1)), lookup.get(norm(w2)), float(s)) for w1, w2, s in pairs]
    rows = [r for r in rows if r[0] is not None and r[1] is not None]
    if len(rows) >= 2:
        i1, i2, human = (np.array(col) for col in zip(*rows))
        normed = unit_rows(vectors[:N].astype(np.float64))
        cos = np.einsum("nd,nd->n", normed[i1], normed[i2])
        rho = spearman(human, cos)
    else:
        rho = float("nan")
    return SimilarityResult(name, rho, len(rows), len(pairs), len(rows) / len(pairs))


# ---------------------------------------------------------------------------- everything at once
def evaluate(kv, restrict_vocab: int | None = 30000, method: str = "3cosadd", questions=None) -> dict:
    """Analogies (with ``restrict_vocab``), WordSim353 and SimLex-999 for one vectors object.

    The one function that scores any vectors object the same way: ours
    (:class:`course.vectors.KeyedVectors`), gensim's ``KeyedVectors``, or anything else with
    ``key_to_index`` and ``vectors``.

    Parameters
    ----------
    kv : vectors object
    restrict_vocab : int or None, default=30000
        For the analogies (the similarity sets use every word).
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
    questions : list of (section, a, b, c, d), optional
        Default: all 19,544 questions.

    Returns
    -------
    dict
        ``{"analogy": AnalogyResult, "wordsim353": SimilarityResult, "simlex999": SimilarityResult}``.
    """
    return {
        "analogy": evaluate_analogies(kv, questions, restrict_vocab=restrict_vocab, method=method),
        "wordsim353": evaluate_similarity(kv, "wordsim353"),
        "simlex999": evaluate_similarity(kv, "simlex999"),
    }


def comparison_table(results: dict, percent: bool = False) -> str:
    """One row per model from ``{name: evaluate(kv)}``: analogy accuracies, coverage, Spearman.

    Parameters
    ----------
    results : dict of str to dict
        ``{model name: evaluate(kv)}``.
    percent : bool, default=False
        Accuracies and coverage in percent with one decimal and Spearman's rho with two (its
        standard error over a few hundred pairs is about 0.05, so a third decimal is noise),
        instead of fractions with four significant digits.

    >>> from course.vectors import KeyedVectors
    >>> kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4))
    >>> res = {"an": evaluate_analogies(kv, [("gram1", "a", "b", "c", "d")]),
    ...        "ws": evaluate_similarity(kv, [("a", "b", 1.0), ("a", "c", 2.0)])}
    >>> print(comparison_table({"eye": {"analogy": res["an"], "wordsim353": res["ws"]}}))
    model  semantic  syntactic  total  coverage  wordsim353
    -----  --------  ---------  -----  --------  ----------
    eye    nan       1          1      1         nan
    >>> print(comparison_table({"eye": {"analogy": res["an"]}}, percent=True))
    model  semantic %  syntactic %  total %  coverage %
    -----  ----------  -----------  -------  ----------
    eye    nan         100.0        100.0    100.0
    """
    header = ["model", "semantic", "syntactic", "total", "coverage"]
    sim_names = [n for n in _SIMILARITY_SETS if any(n in r for r in results.values())]
    if percent:
        header = [header[0]] + [h + " %" for h in header[1:]]
    header += sim_names
    rows = []
    for model, r in results.items():
        a = r["analogy"]
        shares = [a.semantic, a.syntactic, a.accuracy, a.coverage]
        rhos = [r[n].spearman if n in r else float("nan") for n in sim_names]
        if percent:
            shares = [_percent(x) for x in shares]
            rhos = ["nan" if x != x else f"{x:.2f}" for x in rhos]
        rows.append([model, *shares, *rhos])
    return table(rows, header)


def _percent(x: float) -> str:
    """A fraction as a percentage with one decimal (``"nan"`` for nan)."""
    return "nan" if x != x else f"{100 * x:.1f}"


# ---------------------------------------------------------------------------- groups and projection
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
    _keys_and_vectors(kv, owner, rows=0)
    if len(groups) < 2 or any(len(ws) == 0 for ws in groups.values()):
        raise ValueError(f"The 'groups' parameter of {owner} must map at least two group names to non-empty "
                         f"word lists. Got {len(groups)} group(s) instead.")
    words = [w for ws in groups.values() for w in ws]
    labels = np.array([g for g, ws in groups.items() for _ in ws])
    rows = np.asarray(kv.vectors)[[_index(kv, w) for w in words]]
    _check_finite_vectors(rows, words, owner)
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
        raise ValueError(f"The 'X' parameter of pca must have shape (N, D) with N >= 2. "
                         f"Got shape {X.shape} instead.")
    check_finite(X, "X", "pca")
    n_components = check_int(n_components, "n_components", "pca", low=1, high=min(X.shape))
    Xc = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    signs = np.sign(Vt[np.arange(len(Vt)), np.abs(Vt).argmax(axis=1)])
    Vt = Vt * signs[:, None]
    var = S**2
    comps = Vt[:n_components]
    return Xc @ comps.T, comps, var[:n_components] / var.sum()

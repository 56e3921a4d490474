"""Analogy accuracy over a question set: by section, semantic / syntactic, coverage, by frequency.

Mikolov et al. (2013a)'s protocol on the 19,544 questions of ``questions-words.txt``: a question
counts only if its four words are among the ``restrict_vocab`` most frequent words (30,000 in the
paper; gensim's semantics: the first ``restrict_vocab`` rows), its answer is searched among those
words (:mod:`course.evaluation.analogies`, 3CosAdd or 3CosMul), and only the exact word ``d``
is right. Accuracy is over *covered* questions, and the coverage is reported beside it
(:func:`analogy_coverage` computes it from a word list alone, before any training).

>>> from course.vectors import KeyedVectors
>>> kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.1, 2.0]]))
>>> r = evaluate_analogies(kv, [("demo", "a", "b", "c", "d")])
>>> r.accuracy, r.coverage
(1.0, 1.0)

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", 2013 (mikolov2013a), section 4.1.
.. [2] gensim ``KeyedVectors.evaluate_word_analogies``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..base.notebook import table
from ..base.validation import check_int
from ..vectors import unit_rows
from ._access import check_finite_vectors, keys_and_vectors, restrict, row_lookup
from .analogies import _check_method, predict_analogies

__all__ = ["AnalogyResult", "analogy_coverage", "evaluate_analogies", "accuracy_by_frequency"]


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
        raise TypeError(
            f"The 'questions' parameter of {owner} must be a list of (section, a, b, c, d) "
            f"tuples. Got {type(questions).__name__} instead."
        )
    if len(questions) == 0:
        raise ValueError(f"The 'questions' parameter of {owner} must not be empty. Got no questions instead.")
    out = []
    for i, q in enumerate(questions):
        if len(q) != 5 or not all(isinstance(x, str) for x in q):
            raise ValueError(
                f"The 'questions' parameter of {owner} must hold (section, a, b, c, d) tuples "
                f"of str. Got {q!r} at index {i} instead."
            )
        out.append(tuple(q))
    return out


def analogy_coverage(
    words, questions=None, restrict_vocab: int | None = 30000, case_insensitive: bool = True
) -> list[tuple[str, int, int]]:
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
        from ..data import load_analogies

        questions = load_analogies()
    questions = _check_questions(questions, owner)
    lookup = row_lookup(keys, restrict(restrict_vocab, len(keys), owner), case_insensitive)
    norm = str.lower if case_insensitive else (lambda s: s)
    sections: dict[str, list[int]] = {}
    for section, *ws in questions:
        s = sections.setdefault(section, [0, 0])
        s[0] += all(norm(w) in lookup for w in ws)
        s[1] += 1
    return [(name, cov, tot) for name, (cov, tot) in sections.items()]


def evaluate_analogies(
    kv,
    questions=None,
    restrict_vocab: int | None = 30000,
    case_insensitive: bool = True,
    batch_size: int = 512,
    method: str = "3cosadd",
    epsilon: float = 1e-3,
) -> AnalogyResult:
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
    keys, vectors = keys_and_vectors(kv, owner, rows=0)
    method, epsilon = _check_method(method, epsilon, owner)
    batch_size = check_int(batch_size, "batch_size", owner, low=1)
    if questions is None:
        from ..data import load_analogies

        questions = load_analogies()
    questions = _check_questions(questions, owner)
    N = restrict(restrict_vocab, len(keys), owner)
    check_finite_vectors(vectors[:N], keys, owner)  # the rows searched
    lookup = row_lookup(keys, N, case_insensitive)
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
    keys, _ = keys_and_vectors(kv, owner, rows=0)  # only the words are used
    if questions is None:
        from ..data import load_analogies

        questions = load_analogies()
    questions = _check_questions(questions, owner)
    if not isinstance(result, AnalogyResult) or len(result.predictions) != len(questions):
        raise ValueError(
            f"The 'result' parameter of {owner} must be the AnalogyResult of these "
            f"{len(questions)} questions. Got {type(result).__name__} instead."
        )
    edges = [check_int(e, "edges", owner, low=0) for e in edges]
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(
            f"The 'edges' parameter of {owner} must be at least two increasing ints. Got {edges!r} instead."
        )
    lookup = row_lookup(keys, len(keys), case_insensitive=True)
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

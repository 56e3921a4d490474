"""Every intrinsic score of a vectors object at once, and one comparison table for several models.

:func:`evaluate` scores any vectors object (ours, gensim's, anything with ``key_to_index`` and
``vectors``) the same way: analogies (:mod:`course.evaluation.analogy_accuracy`), WordSim353 and
SimLex-999 (:mod:`course.evaluation.similarity`); :func:`comparison_table` puts several models
side by side, as Mikolov et al. (2013a) do in their Tables 3-6.

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", 2013 (mikolov2013a), section 4.
"""

from __future__ import annotations

from ..base.notebook import table
from .analogy_accuracy import evaluate_analogies
from .similarity import SIMILARITY_SETS, evaluate_similarity

__all__ = ["evaluate", "comparison_table"]


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

    >>> import numpy as np
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
    sim_names = [n for n in SIMILARITY_SETS if any(n in r for r in results.values())]
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

"""Intrinsic evaluation of word vectors (chapter 08): neighbours, analogies, word similarity.

Every function works on any object with ``key_to_index`` (dict word -> row) and ``vectors``
(V, D) attributes: :class:`course.vectors.KeyedVectors` or gensim's ``KeyedVectors`` are scored
the same way, and validated once, where they enter (:mod:`course.evaluation._access`).

* :mod:`~course.evaluation.neighbours`: nearest neighbours by cosine (:func:`most_similar`,
  :func:`nearest_neighbours`; ``KeyedVectors.most_similar`` delegates here), the groups and
  projection behind a 2-D picture (:func:`group_cosines`, :func:`pca`);
* :mod:`~course.evaluation.analogies`: "a is to b as c is to d" by 3CosAdd or 3CosMul (Mikolov
  et al. 2013a; Levy and Goldberg 2014): :func:`analogy_scores`, :func:`predict_analogies`,
  :func:`solve_analogy` (``KeyedVectors.analogy`` delegates here);
* :mod:`~course.evaluation.analogy_accuracy`: accuracy on the 19,544 questions by section,
  semantic / syntactic and answer frequency, with coverage (:func:`evaluate_analogies`,
  :func:`analogy_coverage`, :func:`accuracy_by_frequency`);
* :mod:`~course.evaluation.similarity`: Spearman correlation with WordSim353 and SimLex-999
  (:func:`evaluate_similarity`, :func:`spearman`, :func:`rankdata`);
* :mod:`~course.evaluation.report`: all of them at once and a comparison table (:func:`evaluate`,
  :func:`comparison_table`);
* :mod:`~course.evaluation.experiments` (imported on its own, it trains models): the chapter's
  experiments at small scale, and ``python -m course.evaluation.experiments export``.

>>> import numpy as np
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

from .analogies import ANALOGY_METHODS, analogy_scores, predict_analogies, solve_analogy
from .analogy_accuracy import AnalogyResult, accuracy_by_frequency, analogy_coverage, evaluate_analogies
from .neighbours import cosine_top, group_cosines, most_similar, nearest_neighbours, pca
from .report import comparison_table, evaluate
from .similarity import SimilarityResult, evaluate_similarity, rankdata, spearman

__all__ = [
    "AnalogyResult",
    "SimilarityResult",
    "nearest_neighbours",
    "most_similar",
    "cosine_top",
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

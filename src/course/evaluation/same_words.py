"""Analogy outcomes of several sets of vectors over one shared candidate vocabulary.

Table 3 of Mikolov et al. (2013a) sets the word vectors of the NNLM and the RNNLM beside CBOW and
Skip-gram. Our at-scale language models know 10,002 words and the word2vec runs 30,000, and an
analogy is easier to answer among fewer candidates; so the comparison keeps only the words every
set of vectors has (in the first set's order, special tokens such as ``<unk>`` left out) and
answers every question among exactly those words. The result is an
:class:`~course.evaluation.outcomes.Outcomes`, so the chapters' scores, intervals and McNemar tests
apply unchanged.

>>> import numpy as np
>>> from course.vectors import KeyedVectors
>>> words = ["man", "king", "woman", "queen", "<unk>"]
>>> a = KeyedVectors(words, np.array([[1, 0], [1, 1], [0, 1], [0.1, 1.2], [1, 1]], dtype=float))
>>> b = KeyedVectors(words[:4] + ["extra"], np.eye(5)[:, :4] + 0.1)
>>> o = same_words_outcomes({"a": a, "b": b}, [("family", "man", "king", "woman", "queen")])
>>> o.meta["words"], o.codes["a"].tolist()
(4, [1])
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .outcomes import Outcomes

__all__ = ["shared_words", "same_words_outcomes", "score_rows"]


def shared_words(models: Mapping) -> list[str]:
    """The words every model has, in the first model's order, without ``<...>`` special tokens."""
    if not isinstance(models, Mapping) or not models:
        raise ValueError(
            f"The 'models' parameter of shared_words must be a non-empty mapping of names to vectors. "
            f"Got {models!r:.60} instead."
        )
    first, *others = models.values()
    return [w for w in first.index_to_key if not w.startswith("<") and all(w in m.key_to_index for m in others)]


def same_words_outcomes(models: Mapping, questions) -> Outcomes:
    """1 right, 0 wrong, -1 not covered, for every model and question, among :func:`shared_words`.

    ``models`` maps a name to vectors (:class:`course.vectors.KeyedVectors` or anything with
    ``index_to_key``, ``key_to_index`` and ``__getitem__``); ``questions`` are (section, a, b, c, d)
    tuples. A question is covered when its four words are shared words, so every model covers the
    same questions.
    """
    from ..vectors import KeyedVectors
    from .analogy_accuracy import evaluate_analogies

    words = shared_words(models)
    questions = list(questions)
    codes = {}
    for name, model in models.items():
        kv = KeyedVectors(words, np.stack([np.asarray(model[w], dtype=np.float32) for w in words]))
        result = evaluate_analogies(kv, questions, restrict_vocab=None)
        codes[name] = np.array(
            [-1 if p is None else int(p.lower() == q[4].lower()) for p, q in zip(result.predictions, questions)],
            dtype=np.int8,
        )
    runs = {name: {"group": "same-words"} for name in models}
    return Outcomes(codes, runs, questions, None, {}, {"words": len(words)})


def score_rows(o: Outcomes, labels: Mapping, half: str = "test") -> list[list]:
    """One row per run of ``labels`` (name -> label): total, semantic and syntactic accuracy with
    Wilson's 95 % interval, and the covered questions, on ``half``."""
    from .outcomes import KINDS, percent_interval

    rows = []
    for name, label in labels.items():
        scores = [o.score(name, half, kind) for kind in KINDS]
        rows.append([label, *(percent_interval(s) for s in scores), scores[0].covered])
    return rows

"""Analogy outcomes over one shared candidate vocabulary (chapter 08's language-model rows)."""

import numpy as np
import pytest

from course.evaluation.analogy_accuracy import evaluate_analogies
from course.evaluation.same_words import same_words_outcomes, score_rows, shared_words
from course.vectors import KeyedVectors


def _kv(words, seed, dim=8):
    return KeyedVectors(words, np.random.default_rng(seed).normal(size=(len(words), dim)))


def test_only_words_every_model_has_compete_and_special_tokens_never_do():
    a = _kv(["<unk>", "the", "man", "king", "woman", "queen", "only-a"], 0)
    b = _kv(["queen", "woman", "king", "man", "the", "</s>", "only-b"], 1)
    assert shared_words({"a": a, "b": b}) == ["the", "man", "king", "woman", "queen"]  # a's order
    with pytest.raises(ValueError, match="'models' parameter of shared_words must be a non-empty mapping"):
        shared_words({})


def test_outcomes_match_an_evaluation_restricted_to_the_shared_words_by_hand():
    words = [f"w{i}" for i in range(40)]
    a, b = _kv(words + ["<unk>"], 2), _kv(words[::-1] + ["extra"], 3)
    rng = np.random.default_rng(4)
    questions = [("family", *rng.choice(words, 4, replace=False)) for _ in range(30)]
    questions.append(("gram1-adjective-to-adverb", "w1", "w2", "w3", "extra"))  # not a shared word
    o = same_words_outcomes({"a": a, "b": b}, questions)
    assert o.meta["words"] == 40 and (o.codes["a"] >= 0).sum() == (o.codes["b"] >= 0).sum() == 30
    assert o.codes["a"][-1] == o.codes["b"][-1] == -1
    by_hand = evaluate_analogies(KeyedVectors(words, np.stack([b[w] for w in words])), questions, restrict_vocab=None)
    expected = [-1 if p is None else int(p == q[4]) for p, q in zip(by_hand.predictions, questions)]
    assert o.codes["b"].tolist() == expected
    rows = score_rows(o, {"a": "model A", "b": "model B"}, half="all")
    assert [r[0] for r in rows] == ["model A", "model B"] and rows[0][4] == 30
    assert rows[1][1].startswith(f"{100 * np.mean(o.codes['b'][:30]):.1f} [")

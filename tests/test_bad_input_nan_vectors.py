"""Fault class 3: word vectors holding nan or inf.

One nan row used to be the answer to every analogy (``argmax`` picks nan), so accuracy fell from
1.0 to 0.0 without an error. Policy: :class:`KeyedVectors` refuses non-finite vectors at
construction and at load (naming the word, and the file and line), and the evaluation functions,
which also take gensim's vectors and raw arrays, refuse non-finite rows they would search.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from course.evaluation import (
    analogy_scores,
    evaluate_analogies,
    evaluate_similarity,
    group_cosines,
    nearest_neighbours,
    pca,
    predict_analogies,
    rankdata,
    solve_analogy,
    spearman,
)
from course.vectors import KeyedVectors, unit_rows

WORDS = ["man", "king", "woman", "queen", "apple"]
VECS = np.array([[1.0, 0.1], [1.0, 1.0], [0.2, 0.1], [0.2, 1.1], [-1.0, -0.2]], dtype=np.float32)
QUESTIONS = [("family", "man", "king", "woman", "queen"), ("family", "woman", "queen", "man", "king")]


def gensim_like(vectors):
    """Anything with key_to_index and vectors is evaluated (gensim's KeyedVectors too)."""
    return SimpleNamespace(
        index_to_key=list(WORDS),
        key_to_index={w: i for i, w in enumerate(WORDS)},
        vectors=np.asarray(vectors, dtype=np.float32),
    )


def with_nan(row: int, value=np.nan):
    v = VECS.copy()
    v[row, 1] = value
    return v


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_keyed_vectors_refuse_non_finite_rows(value):
    with pytest.raises(
        ValueError,
        match=r"The 'vectors' parameter of KeyedVectors must hold finite numbers. "
        rf"Got {value!r} in row 4 \('apple'\) instead",
    ):
        KeyedVectors(WORDS, with_nan(4, value))


def test_load_refuses_non_finite_values_naming_file_line_and_word(tmp_path):
    p = tmp_path / "v.txt"
    p.write_text("3 2\na 1 2\nb nan 0\nc 1 1\n")
    with pytest.raises(ValueError, match=rf"{p}, line 3: the vector of 'b' holds nan"):
        KeyedVectors.load_word2vec_format(p)
    b = tmp_path / "v.bin"
    rows = [b"a " + np.array([1, 2], "<f4").tobytes(), b"b " + np.array([np.inf, 0], "<f4").tobytes()]
    b.write_bytes(b"2 2\n" + b"\n".join(rows) + b"\n")
    with pytest.raises(ValueError, match=rf"{b}, row 2: the vector of 'b' holds inf"):
        KeyedVectors.load_word2vec_format(b, binary=True)


def test_one_nan_row_no_longer_answers_every_analogy():
    ok = evaluate_analogies(gensim_like(VECS), QUESTIONS, restrict_vocab=None)
    assert ok.accuracy == 1.0
    # Why the guard: with a nan row, argmax over the scores returns that row for every question.
    normed = unit_rows(with_nan(4))
    assert np.argmax(analogy_scores(unit_rows(VECS), [0], [1], [2])[0, [3, 4]]) == 0
    assert np.argmax(np.r_[0.5, np.nan]) == 1
    with pytest.raises(
        ValueError,
        match=r"The 'kv' parameter of evaluate_analogies must hold finite numbers. "
        r"Got nan in row 4 \('apple'\) instead. Remove or retrain",
    ):
        evaluate_analogies(gensim_like(with_nan(4)), QUESTIONS, restrict_vocab=None)
    # A nan row beyond the searched rows changes nothing and is allowed.
    assert evaluate_analogies(gensim_like(with_nan(4)), QUESTIONS, restrict_vocab=4).accuracy == 1.0
    for fn in (predict_analogies, analogy_scores):
        with pytest.raises(ValueError, match=rf"The 'normed' parameter of {fn.__name__} must hold finite numbers"):
            fn(normed, [0], [1], [2])


def test_other_evaluation_entry_points():
    bad = gensim_like(with_nan(1))
    with pytest.raises(ValueError, match=r"'kv' parameter of nearest_neighbours .*row 1 \('king'\)"):
        nearest_neighbours(bad, "man")
    with pytest.raises(ValueError, match=r"'kv' parameter of solve_analogy .*row 1 \('king'\)"):
        solve_analogy(bad, "man", "king", "woman")
    with pytest.raises(ValueError, match=r"'kv' parameter of solve_analogy .*row 1 \('king'\)"):
        solve_analogy(bad, "man", "king", "woman", restrict_vocab=1)  # a query word outside the searched rows
    with pytest.raises(ValueError, match=r"'kv' parameter of evaluate_similarity .*row 1 \('king'\)"):
        evaluate_similarity(bad, [("man", "king", 1.0), ("woman", "queen", 2.0)])
    with pytest.raises(ValueError, match="finite human scores"):
        evaluate_similarity(gensim_like(VECS), [("man", "king", float("nan")), ("woman", "queen", 2.0)])
    with pytest.raises(ValueError, match=r"'kv' parameter of group_cosines .*\('king'\)"):
        group_cosines(bad, {"m": ["man", "king"], "f": ["woman", "queen"]})
    with pytest.raises(ValueError, match="'y' parameter of spearman must hold finite numbers. Got nan at index 1"):
        spearman([1, 2, 3], [1, np.nan, 3])  # nan used to get a rank
    with pytest.raises(ValueError, match="'x' parameter of rankdata"):
        rankdata([np.inf, 1.0])
    with pytest.raises(ValueError, match=r"'X' parameter of pca .*row 1"):
        pca(with_nan(1))


def test_most_similar_guards_changed_vectors_and_queries():
    kv = KeyedVectors(WORDS, VECS)
    assert kv.analogy("man", "king", "woman")[0][0] == "queen"
    kv.vectors[4, 0] = np.nan  # changed in place after construction
    with pytest.raises(ValueError, match=r"'vectors' parameter of KeyedVectors.analogy .*row 4 \('apple'\)"):
        kv.analogy("man", "king", "woman")
    kv.vectors[4, 0] = -1.0
    with pytest.raises(ValueError, match="'positive' parameter of KeyedVectors.most_similar must hold finite numbers"):
        kv.most_similar(np.array([np.nan, 1.0]))

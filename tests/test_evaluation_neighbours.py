"""One neighbour search and one analogy solver: KeyedVectors' methods and course.evaluation agree exactly.

``KeyedVectors.most_similar`` / ``analogy`` delegate to :mod:`course.evaluation.neighbours` and
:mod:`course.evaluation.analogies`; these tests pin that the two APIs return the same words in
the same order with the same scores (bit for bit), exact ties going to the smaller row, and that
the answers are the brute-force ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV

from course.evaluation import most_similar, nearest_neighbours, solve_analogy
from course.vectors import KeyedVectors, unit_rows


@pytest.fixture(params=[np.float32, np.float64])
def tied(request):
    """Random vectors with exact ties: rows equal to others (a scaled copy is no exact tie in float)."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(60, 6)).astype(request.param)
    vectors[11] = vectors[10]
    vectors[30] = vectors[10]
    vectors[41] = vectors[40]
    vectors[42] = vectors[40]
    return KeyedVectors([f"w{i}" for i in range(60)], vectors)


def brute(vectors, query, banned, topn):
    """Rows by decreasing cosine to ``query``, ties to the smaller row (a sort of (-cos, row))."""
    normed = unit_rows(vectors.astype(np.float64))
    cos = normed @ (query / np.linalg.norm(query))
    return sorted((i for i in range(len(vectors)) if i not in banned), key=lambda i: (-round(cos[i], 9), i))[:topn]


def test_most_similar_is_nearest_neighbours(tied):
    for word in ["w10", "w11", "w40", "w3"]:
        for topn in (1, 5, 59):
            ours = tied.most_similar(word, topn=topn)
            assert ours == nearest_neighbours(tied, word, topn=topn) == most_similar(tied, word, topn=topn)
            i = tied.key_to_index[word]
            assert [tied.key_to_index[w] for w, _ in ours] == brute(tied.vectors, tied.vectors[i], {i}, topn)
    # Exact ties: w11 and w30 equal w10, so both come first from w10, the smaller row first.
    assert [w for w, _ in tied.most_similar("w10", topn=2)] == ["w11", "w30"]
    assert [w for w, _ in tied.most_similar("w40", topn=2)] == ["w41", "w42"]
    q = tied.vectors[5].astype(np.float64)
    assert tied.most_similar(q, topn=4) == nearest_neighbours(tied, q, topn=4)
    assert tied.most_similar("w10", topn=3, exclude=["w11"]) == nearest_neighbours(tied, "w10", topn=3, exclude=["w11"])
    assert tied.most_similar(["w1", "w2"], ["w3"], topn=6, restrict_vocab=40) == most_similar(
        tied, ["w1", "w2"], ["w3"], topn=6, restrict_vocab=40
    )


def test_most_similar_several_words_is_the_sum_of_unit_vectors(tied):
    normed = unit_rows(tied.vectors.astype(np.float64))
    got = [tied.key_to_index[w] for w, _ in tied.most_similar(["w1", "w2"], ["w3"], topn=8)]
    assert got == brute(tied.vectors, normed[1] + normed[2] - normed[3], {1, 2, 3}, 8)
    g = GensimKV(vector_size=6)
    g.add_vectors(tied.index_to_key, tied.vectors.astype(np.float32))
    assert [w for w, _ in g.most_similar(positive=["w1", "w2"], negative=["w3"], topn=8)] == [
        tied.index_to_key[i] for i in got
    ]


def test_analogy_is_solve_analogy(tied):
    for a, b, c in [("w1", "w2", "w3"), ("w10", "w11", "w40"), ("w40", "w41", "w10"), ("w5", "w6", "w55")]:
        for method in ("3cosadd", "3cosmul"):
            for restrict in (None, 45):
                ours = tied.analogy(a, b, c, topn=6, restrict_vocab=restrict, method=method)
                assert ours == solve_analogy(tied, a, b, c, topn=6, method=method, restrict_vocab=restrict)
        # 3CosAdd ranks like the cosine to b - a + c (most_similar's query), ties included.
        normed = unit_rows(tied.vectors.astype(np.float64))
        ids = [tied.key_to_index[w] for w in (a, b, c)]
        expected = brute(tied.vectors, normed[ids[1]] - normed[ids[0]] + normed[ids[2]], set(ids), 6)
        assert [tied.key_to_index[w] for w, _ in tied.analogy(a, b, c, topn=6)] == expected
    # w10 : w11 = w40 : ? with w11 == w10: the offset is 0, so the answer is w40's equal twins, smaller row first.
    assert [w for w, _ in tied.analogy("w10", "w11", "w40", topn=2)] == ["w41", "w42"]


def test_errors_name_the_method_called(tied):
    with pytest.raises(ValueError, match="'topn' parameter of KeyedVectors.most_similar"):
        tied.most_similar("w1", topn=0)
    with pytest.raises(ValueError, match="'method' parameter of KeyedVectors.analogy"):
        tied.analogy("w1", "w2", "w3", method="3cosdiv")
    with pytest.raises(KeyError, match="'zzz' is not in the vocabulary of 60 words"):
        tied.analogy("w1", "zzz", "w3")
    with pytest.raises(ValueError, match="'query' parameter of nearest_neighbours .*shape"):
        nearest_neighbours(tied, np.zeros((2, 6)))
    with pytest.raises(ValueError, match="'query' parameter of nearest_neighbours must hold finite"):
        nearest_neighbours(tied, np.full(6, np.nan))

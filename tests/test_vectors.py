"""Tests for course.vectors: lookup, neighbours, analogies, word2vec formats against gensim."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV

from course.evaluation.neighbours import cosine_top
from course.vectors import KeyedVectors, unit_rows

WORDS = ["the", "king", "queen", "man", "woman", "prince", "café", "x1", "y_2", "z"]


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    return KeyedVectors(WORDS, rng.normal(size=(len(WORDS), 7)).astype(np.float32), counts=np.arange(len(WORDS), 0, -1))


def brute_most_similar(vectors, query, banned, topn):
    normed = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    q = query / np.linalg.norm(query)
    scored = sorted(
        ((float(normed[i] @ q), i) for i in range(len(vectors)) if i not in banned), key=lambda t: (-t[0], t[1])
    )
    return [i for _, i in scored[:topn]]


def test_lookup_and_errors(kv):
    assert len(kv) == 10 and kv.vector_size == 7
    assert kv.key_to_index["queen"] == 2 and kv.index_to_key[2] == "queen"
    np.testing.assert_array_equal(kv["queen"], kv.vectors[2])
    assert kv[["man", "the"]].shape == (2, 7)
    assert "man" in kv and "dog" not in kv
    with pytest.raises(KeyError, match="'dog' is not in the vocabulary"):
        kv["dog"]
    with pytest.raises(KeyError, match="'dog'"):
        kv.most_similar("dog")
    with pytest.raises(KeyError, match="'dog'"):
        kv.similarity("man", "dog")
    assert repr(kv) == "KeyedVectors(vocab_size=10, vector_size=7)"


def test_most_similar_matches_brute_force_and_gensim(kv):
    g = GensimKV(vector_size=7)
    g.add_vectors(kv.index_to_key, kv.vectors)
    for word in ["king", "café", "z"]:
        ours = kv.most_similar(word, topn=4)
        i = kv.key_to_index[word]
        assert [kv.key_to_index[w] for w, _ in ours] == brute_most_similar(kv.vectors, kv.vectors[i], {i}, 4)
        theirs = g.most_similar(word, topn=4)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)
    # A vector query excludes nothing: a word's own vector finds the word first.
    assert kv.most_similar(kv["queen"], topn=1)[0][0] == "queen"
    assert kv.most_similar(kv["queen"], topn=1, exclude=["queen"])[0][0] != "queen"
    # 3CosAdd like gensim's most_similar(positive=[b, c], negative=[a]).
    ours = kv.analogy("man", "king", "woman", topn=3)
    theirs = g.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    # restrict_vocab searches the first rows only.
    assert all(kv.key_to_index[w] < 5 for w, _ in kv.most_similar("king", topn=3, restrict_vocab=5))
    assert kv.similarity("king", "queen") == pytest.approx(g.similarity("king", "queen"), rel=1e-5)


def test_cosine_top_ties_and_exclusions():
    normed = unit_rows(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    idx, scores = cosine_top(normed, np.array([[2.0, 0.0], [0.0, 1.0]]), topn=4, exclude=[[1], []])
    assert idx[0].tolist()[:2] == [0, 3]  # ties: smaller index first
    assert np.isneginf(scores[0, -1])  # the excluded row comes last
    assert idx[1, 0] == 2


@pytest.mark.parametrize("binary", [False, True])
def test_round_trip_and_gensim_reads_our_files(kv, tmp_path, binary):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    kv.save_word2vec_format(path, binary=binary)
    back = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert back.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(back.vectors, kv.vectors)  # float32 bit for bit
    g = GensimKV.load_word2vec_format(str(path), binary=binary)
    assert g.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(g.vectors, kv.vectors)
    limited = KeyedVectors.load_word2vec_format(path, binary=binary, limit=3)
    assert limited.index_to_key == WORDS[:3]


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_gensim_files(kv, tmp_path, binary):
    g = GensimKV(vector_size=7)
    g.add_vectors(kv.index_to_key, kv.vectors)
    path = tmp_path / "g.w2v"
    g.save_word2vec_format(str(path), binary=binary)
    ours = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert ours.index_to_key == g.index_to_key
    np.testing.assert_allclose(ours.vectors, g.vectors, rtol=1e-6 if not binary else 0)


def test_malformed_files(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("3 2\na 1 2\nb 1 2 3\nc 1 1\n")
    with pytest.raises(ValueError, match="line 3: expected a word and 2 numbers.*Got 3"):
        KeyedVectors.load_word2vec_format(p)
    p.write_text("3 2\na 1 2\nb 1 2\n")
    with pytest.raises(ValueError, match="says 3 rows but the file ends after 2"):
        KeyedVectors.load_word2vec_format(p)
    p.write_text("hello world\n")
    with pytest.raises(ValueError, match="header 'V D'"):
        KeyedVectors.load_word2vec_format(p)
    p.write_text("2 2\na 1 2\na 3 4\n")
    with pytest.raises(ValueError, match="'a' appears twice"):
        KeyedVectors.load_word2vec_format(p)
    p.write_text("1 2\na 1 zz\n")
    with pytest.raises(ValueError, match="not a number"):
        KeyedVectors.load_word2vec_format(p)
    # Truncated binary: in the middle of a vector, and before a word.
    kv = KeyedVectors(["a", "b"], np.ones((2, 4), dtype=np.float32))
    b = tmp_path / "v.bin"
    kv.save_word2vec_format(b, binary=True)
    raw = b.read_bytes()
    b.write_bytes(raw[:-6])
    with pytest.raises(ValueError, match="truncated binary file: row 2 of 2 \\('b'\\) has 11 of its 16 bytes"):
        KeyedVectors.load_word2vec_format(b, binary=True)
    b.write_bytes(raw[: raw.index(b"b ")])
    with pytest.raises(ValueError, match="truncated binary file.*ends in row 2"):
        KeyedVectors.load_word2vec_format(b, binary=True)


def test_constructor_and_argument_errors(kv, tmp_path):
    with pytest.raises(ValueError, match=r"V = len\(index_to_key\) = 2. Got shape \(3, 2\)"):
        KeyedVectors(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="distinct words. Got 'a' at indices 0 and 2"):
        KeyedVectors(["a", "b", "a"], np.zeros((3, 2)))
    with pytest.raises(TypeError, match="non-empty str"):
        KeyedVectors(["a", 3], np.zeros((2, 2)))
    with pytest.raises(TypeError, match="sequence of str"):
        KeyedVectors("ab", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="'counts'"):
        KeyedVectors(["a", "b"], np.zeros((2, 2)), counts=[1.5, 2.0])
    with pytest.raises(
        ValueError, match=r"'positive' parameter of KeyedVectors.most_similar .*shape \(7,\). Got shape \(3,\)"
    ):
        kv.most_similar(np.zeros(3))
    with pytest.raises(ValueError, match="'topn'.*\\[1, inf\\). Got 0"):
        kv.most_similar("king", topn=0)
    with pytest.raises(ValueError, match="at least one word"):
        kv.most_similar([])
    with pytest.raises(ValueError, match="whitespace"):
        KeyedVectors(["a b"], np.zeros((1, 2))).save_word2vec_format(tmp_path / "x.txt")
    with pytest.raises(TypeError, match="'binary'"):
        kv.save_word2vec_format(tmp_path / "x.txt", binary=1)

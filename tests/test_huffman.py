"""Tests for course.word2vec.huffman: word2vec.c's tree, optimality, probabilities, errors."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from course.word2vec.huffman import HuffmanTree


def sorted_counts(rng, V, kind):
    if kind == "ties":
        c = rng.integers(1, 4, V)
    elif kind == "zipf":
        c = rng.zipf(1.5, V).clip(max=10**9)
    else:
        c = rng.integers(1, 10_000, V)
    return np.sort(c)[::-1].copy()


CASES = [(V, kind) for V in (2, 3, 7, 64, 501) for kind in ("ties", "zipf", "uniform")]


def textbook_huffman_lengths(counts):
    """Code lengths of a heap-based Huffman code (an independent optimal code)."""
    heap = [(int(c), i, [i]) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    depth = [0] * len(counts)
    tick = len(counts)
    while len(heap) > 1:
        c1, _, l1 = heapq.heappop(heap)
        c2, _, l2 = heapq.heappop(heap)
        for leaf in l1 + l2:
            depth[leaf] += 1
        heapq.heappush(heap, (c1 + c2, tick, l1 + l2))
        tick += 1
    return np.array(depth)


def test_hand_example_matches_word2vec_c():
    # Worked by hand through CreateBinaryTree: merge (1, 2) -> node 4 (count 3); the tie between
    # leaf "3" and node 4 goes to the node, so merge (node 4, leaf 3) -> node 5 (count 6); then
    # (leaf 5, node 5) -> root 6. binary[] is 1 for leaf 2, leaf 1 and node 5.
    tree = HuffmanTree([5, 3, 2, 1])
    assert [c.tolist() for c in tree.codes] == [[0], [1, 1], [1, 0, 1], [1, 0, 0]]
    assert [p.tolist() for p in tree.points] == [[2], [2, 1], [2, 1, 0], [2, 1, 0]]
    assert tree.parent.tolist() == [6, 5, 4, 4, 5, 6, -1]
    assert tree.node_counts.tolist() == [5, 3, 2, 1, 3, 6, 11]


def test_equal_counts_give_balanced_tree():
    tree = HuffmanTree([1] * 8)
    assert tree.code_lengths.tolist() == [3] * 8
    assert sorted("".join(map(str, c)) for c in tree.codes) == [f"{i:03b}" for i in range(8)]


@pytest.mark.parametrize("V,kind", CASES)
def test_structure_and_bottom_up_walk(V, kind):
    counts = sorted_counts(np.random.default_rng(V), V, kind)
    tree = HuffmanTree(counts)
    root = 2 * V - 2
    for w in range(V):
        # Walk leaf -> root through parent[] as word2vec.c does, then reverse (root first).
        codes, points, node = [], [], w
        while node != root:
            codes.append(int(tree.branch[node]))
            points.append(int(tree.parent[node]) - V)
            node = int(tree.parent[node])
        assert tree.codes[w].tolist() == codes[::-1]
        assert tree.points[w].tolist() == points[::-1]
        assert tree.points[w][0] == V - 2
        assert tree.codes[w].dtype == np.uint8
    # A full binary tree: Kraft's sum is exactly 1 and the codes are prefix-free and distinct.
    assert np.isclose(np.sum(2.0**-tree.code_lengths), 1.0)
    strings = sorted("".join(map(str, c)) for c in tree.codes)
    assert all(not b.startswith(a) for a, b in zip(strings, strings[1:]))
    # Inner node counts are the sums of their children; the root holds the total.
    sums = np.zeros(2 * V - 1)
    np.add.at(sums, tree.parent[:-1], tree.node_counts[:-1])
    assert np.array_equal(sums[V:], tree.node_counts[V:])
    assert tree.node_counts[-1] == counts.sum()
    # Children are created before their parent (word2vec.c's node numbering).
    assert np.all(tree.parent[:-1] > np.arange(2 * V - 2))


@pytest.mark.parametrize("V,kind", CASES)
def test_optimal_like_textbook_huffman_and_entropy_bound(V, kind):
    counts = sorted_counts(np.random.default_rng(100 + V), V, kind)
    tree = HuffmanTree(counts)
    textbook = textbook_huffman_lengths(counts)
    # Tie-breaking differs, the optimal total cost does not.
    assert int(np.dot(counts, tree.code_lengths)) == int(np.dot(counts, textbook))
    H = tree.unigram_entropy
    assert H - 1e-12 <= tree.weighted_mean_code_length < H + 1
    assert tree.max_code_length == tree.code_lengths.max()
    assert tree.mean_code_length == pytest.approx(tree.code_lengths.mean())


def test_unsorted_input_is_sorted_stably():
    rng = np.random.default_rng(3)
    counts = np.sort(rng.integers(1, 100, 40))[::-1]
    perm = rng.permutation(40)
    a, b = HuffmanTree(counts), HuffmanTree(counts[perm])
    # Stable sort: the tree over sorted positions is the same; word ids follow the permutation.
    order = np.argsort(-counts[perm], kind="stable")
    for pos, word in enumerate(order):
        assert b.codes[word].tolist() == a.codes[pos].tolist()
        assert b.points[word].tolist() == a.points[pos].tolist()


def test_padded_views_agree_with_lists():
    tree = HuffmanTree(sorted_counts(np.random.default_rng(1), 30, "zipf"))
    codes, points, mask = tree.padded()
    assert codes.shape == points.shape == mask.shape == (30, tree.max_code_length)
    for w in range(30):
        L = tree.code_lengths[w]
        assert codes[w, :L].tolist() == tree.codes[w].tolist()
        assert points[w, :L].tolist() == tree.points[w].tolist()
        assert mask[w].sum() == L


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("V", [2, 5, 37, 200])
def test_probabilities_sum_to_one_and_follow_the_sign_convention(V):
    rng = np.random.default_rng(V)
    tree = HuffmanTree(sorted_counts(rng, V, "zipf"))
    U = rng.normal(size=(V - 1, 6))
    H = rng.normal(size=(4, 6))
    P = tree.word_probabilities(H, U)
    assert P.shape == (4, V)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    for w in range(V):
        # Bit 0 means sigma(+u.h), bit 1 means sigma(-u.h) (word2vec.c trains label 1 - code).
        explicit = np.prod(
            [sigmoid(u @ H[0]) if c == 0 else 1 - sigmoid(u @ H[0]) for u, c in zip(U[tree.points[w]], tree.codes[w])]
        )
        assert P[0, w] == pytest.approx(explicit, rel=1e-10)
        assert tree.log_prob(w, H[0], U) == pytest.approx(np.log(explicit), rel=1e-10)
    np.testing.assert_allclose(tree.word_probabilities(H[1], U), P[1])


def test_word2vec_c_update_increases_log_prob():
    # One step of g = (1 - code - sigma(u.h)) * alpha on the path raises log P(w | h).
    rng = np.random.default_rng(0)
    tree = HuffmanTree([40, 30, 20, 10, 5, 5, 2, 1])
    U, h, w = rng.normal(size=(7, 4)), rng.normal(size=4), 6
    before = tree.log_prob(w, h, U)
    U2 = U.copy()
    for n, c in zip(tree.points[w], tree.codes[w]):
        g = (1 - c - sigmoid(U[n] @ h)) * 0.1
        U2[n] += g * h
    assert tree.log_prob(w, h, U2) > before


@pytest.mark.parametrize(
    "counts,exc,match",
    [
        ([5], ValueError, "at least 2 words"),
        ([], ValueError, "at least 2 words"),
        ([3, 0, 1], ValueError, "Got 0 at index 1"),
        ([3, -2], ValueError, "positive finite"),
        ([3.0, float("nan")], ValueError, "positive finite"),
        ([[1, 2], [3, 4]], ValueError, r"shape \(2, 2\)"),
        (["a", "b"], TypeError, "dtype"),
        (7, TypeError, "1-D sequence"),
        ("ab", TypeError, "1-D sequence"),
    ],
)
def test_invalid_counts(counts, exc, match):
    with pytest.raises(exc, match=match):
        HuffmanTree(counts)


def test_float_counts_and_repr():
    tree = HuffmanTree([2.5, 1.5, 1.0])
    assert tree.code_lengths.tolist() == [1, 2, 2]
    assert "vocab_size=3" in repr(tree)


def test_probability_input_errors():
    tree = HuffmanTree([3, 2, 1])
    with pytest.raises(ValueError, match=r"node_vectors.*\(2, D\)"):
        tree.word_probabilities(np.zeros(4), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="hidden.*D = 4"):
        tree.word_probabilities(np.zeros(5), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"word.*\[0, 2\]"):
        tree.log_prob(3, np.zeros(4), np.zeros((2, 4)))
    with pytest.raises(TypeError, match="word"):
        tree.log_prob(1.0, np.zeros(4), np.zeros((2, 4)))

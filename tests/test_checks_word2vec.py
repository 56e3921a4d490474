"""The word2vec checks pass right answers and fail wrong ones with a precise message."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from course.checks import CheckFailed
from course.checks import word2vec as chk
from course.evaluation import predict_analogies
from course.vectors import unit_rows
from course.word2vec.huffman import HuffmanTree


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ------------------------------------------------------------------ right answers
def pair_count(n, w):
    return sum(min(t, w) + min(n - 1 - t, w) for t in range(n))


def expected_pair_count(n, w):
    return sum(pair_count(n, r) for r in range(1, w + 1)) / w


def cbow_grad(W_in, W_out, context, center):
    h = W_in[context].mean(axis=0)
    s = W_out @ h
    p = np.exp(s - s.max())
    p /= p.sum()
    p[center] -= 1
    g_out = np.outer(p, h)
    g_in = np.zeros_like(W_in)
    for c in context:
        g_in[c] += W_out.T @ p / len(context)
    return g_in, g_out


def analogy(kv, a, b, c):
    n = unit_rows(kv.vectors)
    q = n[kv.key_to_index[b]] - n[kv.key_to_index[a]] + n[kv.key_to_index[c]]
    s = n @ q
    for w in (a, b, c):
        s[kv.key_to_index[w]] = -np.inf
    return kv.index_to_key[int(np.argmax(s))]


def code_lengths(counts):
    heap = [(c, i, [i]) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    depth, tick = [0] * len(counts), len(counts)
    while len(heap) > 1:
        c1, _, a = heapq.heappop(heap)
        c2, _, b = heapq.heappop(heap)
        for leaf in a + b:
            depth[leaf] += 1
        heapq.heappush(heap, (c1 + c2, tick, a + b))
        tick += 1
    return depth


def path_probability(tree, h, U, w):
    p = 1.0
    for n, c in zip(tree.points[w], tree.codes[w]):
        p *= sigmoid(U[n] @ h) if c == 0 else sigmoid(-(U[n] @ h))
    return p


def hs_grad(tree, h, U, w):
    return sum((sigmoid(U[n] @ h) - (1 - c)) * U[n] for n, c in zip(tree.points[w], tree.codes[w]))


def test_right_answers_pass(capsys):
    chk.check_pair_count(pair_count)
    chk.check_expected_pair_count(expected_pair_count)
    chk.check_cbow_softmax_gradient(cbow_grad)
    chk.check_analogy(analogy)
    chk.check_huffman_code_lengths(code_lengths)
    chk.check_path_probability(path_probability)
    chk.check_hs_hidden_gradient(hs_grad)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 7 and all(line.startswith("PASS: ") for line in out)


# ------------------------------------------------------------------ wrong answers
def test_wrong_answers_fail_with_messages():
    with pytest.raises(CheckFailed, match=r"pair_count\(1, 1\) returned 2.*has 0"):
        chk.check_pair_count(lambda n, w: 2 * w * n)
    with pytest.raises(CheckFailed, match="uniform on 1..2"):
        chk.check_expected_pair_count(lambda n, w: pair_count(n, w) if w > 1 else pair_count(n, 1))
    with pytest.raises(CheckFailed, match="grad_in is wrong.*divide by the number of context words"):
        chk.check_cbow_softmax_gradient(
            lambda W_in, W_out, ctx, c: (
                cbow_grad(W_in, W_out, ctx, c)[0] * len(ctx),
                cbow_grad(W_in, W_out, ctx, c)[1],
            )
        )
    with pytest.raises(CheckFailed, match="Return a tuple"):
        chk.check_cbow_softmax_gradient(lambda *a: np.zeros(3))
    with pytest.raises(CheckFailed, match="Exclude the three query words"):
        chk.check_analogy(lambda kv, a, b, c: c)
    with pytest.raises(CheckFailed, match="Kraft sum"):
        chk.check_huffman_code_lengths(lambda counts: [1] * len(counts))
    with pytest.raises(CheckFailed, match="Huffman's optimum"):
        # A balanced-ish but full tree: right Kraft sum, wrong cost for skewed counts.
        chk.check_huffman_code_lengths(
            lambda counts: (
                HuffmanTree([1] * len(counts)).code_lengths
                if len(counts) == 4 and counts[0] == 5
                else code_lengths(counts)
            )
        )
    with pytest.raises(CheckFailed, match="Bit 0 means sigma"):
        chk.check_path_probability(
            lambda t, h, U, w: (
                1 - path_probability(t, h, U, w) if t.vocab_size > 2 else path_probability(t, h, U, w) * 1.1
            )
        )
    with pytest.raises(CheckFailed, match=r"sigma\(u.h\) - \(1 - code\)"):
        chk.check_hs_hidden_gradient(lambda t, h, U, w: -hs_grad(t, h, U, w))
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError"):
        chk.check_pair_count(lambda n, w: 1 / 0)
    with pytest.raises(CheckFailed, match="Expected a function"):
        chk.check_pair_count(3)


def test_planted_vectors_make_a_real_analogy():
    kv = chk._planted_vectors()
    n = unit_rows(kv.vectors)
    ids = [kv.key_to_index[w] for w in ("man", "woman", "king")]
    assert kv.index_to_key[predict_analogies(n, [ids[0]], [ids[1]], [ids[2]])[0]] == "queen"


def test_unanswered_stub_raises_not_implemented():
    def stub(n, c):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        chk.check_pair_count(stub)

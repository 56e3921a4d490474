"""Checks for the word2vec chapters' exercises (05 CBOW and Skip-gram, 07 hierarchical softmax).

Each check calls the student's function on a few inputs, compares with an independent answer
(brute-force counting, or the tested :mod:`course.word2vec.reference` and
:mod:`course.word2vec.huffman` code) and prints one ``PASS`` line or raises
:class:`~course.checks.CheckFailed` naming the first input where the answer is wrong.

>>> check_pair_count(lambda n, w: sum(min(t, w) + min(n - 1 - t, w) for t in range(n)))
PASS: pair_count matches brute-force enumeration for n in 1..12, window in 1..6
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import CheckFailed, passed, require

__all__ = [
    "check_pair_count",
    "check_expected_pair_count",
    "check_cbow_softmax_gradient",
    "check_analogy",
    "check_huffman_code_lengths",
    "check_path_probability",
    "check_hs_hidden_gradient",
]


def _call(fn: Callable, *args):
    if not callable(fn):
        raise CheckFailed(f"Expected a function, got {type(fn).__name__}.")
    try:
        return fn(*args)
    except (CheckFailed, NotImplementedError):  # an unanswered stub says so itself
        raise
    except Exception as exc:  # a student's bug: say which input triggered it
        raise CheckFailed(f"Your function raised {type(exc).__name__}: {exc} (inputs: {_short(args)}).") from exc


def _short(args) -> str:
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append(f"array{a.shape}")
        elif hasattr(a, "vocab_size"):
            out.append(f"{type(a).__name__}(V={a.vocab_size})")
        else:
            text = repr(a)
            out.append(text if len(text) < 40 else text[:37] + "...")
    return ", ".join(out)


def _brute_pairs(n: int, window: int) -> int:
    return sum(1 for t in range(n) for j in range(n) if j != t and abs(j - t) <= window)


# ---------------------------------------------------------------------------- chapter 05
def check_pair_count(fn: Callable[[int, int], int]) -> None:
    """``fn(n, window)``: the number of (centre, context) pairs of a sentence of ``n`` words."""
    for n in range(1, 13):
        for w in range(1, 7):
            got = _call(fn, n, w)
            want = _brute_pairs(n, w)
            require(
                np.isscalar(got) and float(got) == want,
                f"pair_count({n}, {w}) returned {got!r}, but a sentence of {n} words with window {w} "
                f"has {want} (centre, context) pairs (words at distance 1..{w} on both sides, "
                f"cut at the sentence edges).",
            )
    passed("pair_count matches brute-force enumeration for n in 1..12, window in 1..6")


def check_expected_pair_count(fn: Callable[[int, int], float]) -> None:
    """``fn(n, window)``: the expected number of pairs with word2vec.c's reduced window.

    word2vec.c draws ``b`` uniformly in ``0 .. window-1`` for every centre word and uses the
    window ``window - b``, uniform on ``1 .. window``.
    """
    for n in range(1, 13):
        for w in range(1, 7):
            got = _call(fn, n, w)
            want = sum(min(t, r) + min(n - 1 - t, r) for t in range(n) for r in range(1, w + 1)) / w
            require(
                np.isscalar(got) and abs(float(got) - want) <= 1e-9 * max(1.0, want),
                f"expected_pair_count({n}, {w}) returned {got!r}, but with the effective window "
                f"uniform on 1..{w} a sentence of {n} words gives {want:.6g} pairs on average.",
            )
    passed("expected_pair_count matches the average over reduced windows 1..window")


def check_cbow_softmax_gradient(fn: Callable) -> None:
    """``fn(W_in, W_out, context, center) -> (grad_in, grad_out)`` for one CBOW example.

    ``context`` is a list of word ids (repeats allowed); ``h`` is their mean; the loss is
    ``-log softmax(W_out h)[center]``.
    """
    from ..word2vec.reference import cbow_softmax

    rng = np.random.default_rng(5)
    V, D = 7, 3
    for context, center in (([1, 2], 0), ([3, 3, 5, 6], 2), ([4], 4)):
        W_in, W_out = rng.normal(size=(V, D)), rng.normal(size=(V, D))
        got = _call(fn, W_in.copy(), W_out.copy(), list(context), center)
        require(
            isinstance(got, tuple) and len(got) == 2, f"Return a tuple (grad_in, grad_out); got {type(got).__name__}."
        )
        g_in, g_out = (np.asarray(g, dtype=np.float64) for g in got)
        _, want_in, want_out = cbow_softmax(W_in, W_out, np.array([context]), None, np.array([center]))
        for name, g, want in (("grad_in", g_in, want_in), ("grad_out", g_out, want_out)):
            require(g.shape == want.shape, f"{name} must have shape {want.shape}; got {g.shape}.")
            if not np.allclose(g, want, rtol=1e-6, atol=1e-9):
                row = int(np.abs(g - want).max(axis=1).argmax())
                hint = (
                    (
                        " Did you divide by the number of context words (h is their mean) and count a "
                        "repeated word twice?"
                    )
                    if name == "grad_in"
                    else " Every output row gets (softmax_w - [w == center]) * h."
                )
                raise CheckFailed(
                    f"{name} is wrong for context={context}, center={center}: row {row} is "
                    f"{np.round(g[row], 5).tolist()}, expected {np.round(want[row], 5).tolist()}.{hint}"
                )
    passed("CBOW full-softmax gradient matches the reference for 3 examples")


def _planted_vectors():
    from ..vectors import KeyedVectors

    rng = np.random.default_rng(11)
    words = ["man", "woman", "king", "queen", "boy", "girl", "prince", "princess", "apple", "car"]
    gender = rng.normal(size=8)
    base = {w: rng.normal(size=8) for w in ["man", "king", "boy", "prince", "apple", "car"]}
    vecs = []
    for w in words:
        male = {"woman": "man", "queen": "king", "girl": "boy", "princess": "prince"}.get(w)
        vecs.append(base[male] + gender + 0.1 * rng.normal(size=8) if male else base[w])
    return KeyedVectors(words, np.array(vecs, dtype=np.float32))


def check_analogy(fn: Callable) -> None:
    """``fn(kv, a, b, c) -> str``: 3CosAdd, "a is to b as c is to ?", query words excluded."""
    from ..evaluation import predict_analogies
    from ..vectors import unit_rows

    kv = _planted_vectors()
    normed = unit_rows(kv.vectors)
    for a, b, c in (
        ("man", "woman", "king"),
        ("king", "queen", "boy"),
        ("girl", "boy", "princess"),
        ("man", "king", "woman"),
        ("apple", "car", "man"),
    ):
        got = _call(fn, kv, a, b, c)
        ids = [kv.key_to_index[w] for w in (a, b, c)]
        want = kv.index_to_key[int(predict_analogies(normed, [ids[0]], [ids[1]], [ids[2]])[0])]
        require(
            got == want,
            f"analogy(kv, {a!r}, {b!r}, {c!r}) returned {got!r}, expected {want!r}. "
            + (
                "Exclude the three query words from the answers."
                if got in (a, b, c)
                else "Rank by cosine with b - a + c, using unit-normalised vectors."
            ),
        )
    passed("3CosAdd analogy matches course.evaluation on 5 questions")


# ---------------------------------------------------------------------------- chapter 07
def check_huffman_code_lengths(fn: Callable) -> None:
    """``fn(counts) -> lengths``: code lengths of an optimal (Huffman) prefix code."""
    from ..word2vec.huffman import HuffmanTree

    rng = np.random.default_rng(2)
    cases = [
        [5, 3, 2, 1],
        [1, 1, 1, 1],
        [100, 1],
        [8, 4, 2, 1, 1],
        sorted(rng.integers(1, 50, 20).tolist(), reverse=True),
        rng.integers(1, 1000, 37).tolist(),
    ]
    for counts in cases:
        got = np.asarray(_call(fn, list(counts)))
        require(
            got.shape == (len(counts),),
            f"For {len(counts)} counts return {len(counts)} code lengths; got shape {got.shape}.",
        )
        kraft = float(np.sum(2.0 ** -got.astype(float)))
        require(
            abs(kraft - 1.0) < 1e-9,
            f"For counts {counts[:8]}{'...' if len(counts) > 8 else ''} the lengths {got.tolist()[:8]} "
            f"give a Kraft sum of {kraft:.6g}; the leaves of a full binary tree give exactly 1.",
        )
        want = int(np.dot(counts, HuffmanTree(counts).code_lengths))
        cost = float(np.dot(counts, got))
        require(
            cost == want,
            f"For counts {counts[:8]}{'...' if len(counts) > 8 else ''} the total "
            f"sum(count * length) is {cost:g}, but Huffman's optimum is {want}.",
        )
    passed("code lengths form a full binary tree with Huffman's optimal cost on 6 count vectors")


def _tree_cases():
    from ..word2vec.huffman import HuffmanTree

    rng = np.random.default_rng(3)
    for V, D in ((2, 3), (5, 4), (12, 3)):
        counts = np.sort(rng.integers(1, 100, V))[::-1]
        yield HuffmanTree(counts), rng.normal(size=D), rng.normal(size=(V - 1, D))


def check_path_probability(fn: Callable) -> None:
    """``fn(tree, hidden, node_vectors, word) -> float``: P(word | hidden) along the tree path."""
    for tree, h, U in _tree_cases():
        probs = tree.word_probabilities(h, U)
        for w in range(tree.vocab_size):
            got = _call(fn, tree, h.copy(), U.copy(), w)
            require(
                np.isscalar(got) and np.isclose(float(got), probs[w], rtol=1e-9, atol=1e-12),
                f"P(word={w} | h) for a tree of V={tree.vocab_size} returned {got!r}, expected "
                f"{probs[w]:.6g} (codes {tree.codes[w].tolist()}, points {tree.points[w].tolist()}). "
                "Bit 0 means sigma(+u.h), bit 1 means sigma(-u.h).",
            )
    passed("path probabilities match HuffmanTree.word_probabilities on 3 trees")


def check_hs_hidden_gradient(fn: Callable) -> None:
    """``fn(tree, hidden, node_vectors, word) -> ndarray (D,)``: d(-log P(word | h)) / dh."""
    from ..word2vec.reference import skipgram_hierarchical

    for tree, h, U in _tree_cases():
        W_in = h[None, :].repeat(tree.vocab_size, axis=0)
        for w in range(tree.vocab_size):
            got = np.asarray(_call(fn, tree, h.copy(), U.copy(), w), dtype=np.float64)
            _, g_in, _ = skipgram_hierarchical(W_in, U, [0], [w], tree)
            want = g_in[0]
            require(got.shape == want.shape, f"Return a vector of shape {want.shape}; got {got.shape}.")
            require(
                np.allclose(got, want, rtol=1e-7, atol=1e-10),
                f"Gradient for word {w} (V={tree.vocab_size}) is {np.round(got, 5).tolist()}, expected "
                f"{np.round(want, 5).tolist()}: sum over the path of (sigma(u.h) - (1 - code)) * u.",
            )
    passed("hierarchical-softmax gradient w.r.t. h matches the reference on 3 trees")

"""Checks for chapter 08's exercises (evaluation of word vectors).

Each check calls the student's function on small vector sets built here (random unit vectors,
and planted ones whose answer is known), compares with a brute-force answer computed one word
at a time, and prints one ``PASS`` line or raises :class:`~course.checks.CheckFailed` naming the
first input where the answer is wrong.

>>> import numpy as np
>>> def three_cos_mul(normed, a, b, c, eps=1e-3):
...     s = (normed @ normed[[a, b, c]].T + 1) / 2          # (V, 3): shifted cosines
...     score = s[:, 1] * s[:, 2] / (s[:, 0] + eps)
...     score[[a, b, c]] = -np.inf
...     return int(np.argmax(score))
>>> check_three_cos_mul(three_cos_mul)
PASS: three_cos_mul matches a brute-force 3CosMul on 60 questions (and differs from 3CosAdd where it should)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from . import CheckFailed, passed, require

__all__ = ["check_three_cos_mul", "check_offset_consistency", "check_nearest_without_exclusion"]


def _call(fn: Callable, *args, **kwargs):
    if not callable(fn):
        raise CheckFailed(f"Expected a function, got {type(fn).__name__}.")
    try:
        return fn(*args, **kwargs)
    except (CheckFailed, NotImplementedError):  # an unfinished stub says so itself
        raise
    except Exception as exc:  # a student's bug: say what the inputs were
        shapes = ", ".join(f"array{a.shape}" if isinstance(a, np.ndarray) else repr(a)[:40] for a in args)
        raise CheckFailed(f"Your function raised {type(exc).__name__}: {exc} (inputs: {shapes}).") from exc


def _unit(X: np.ndarray) -> np.ndarray:
    return X / np.linalg.norm(X, axis=-1, keepdims=True)


def _brute(normed: np.ndarray, a: int, b: int, c: int, method: str, eps: float = 1e-3, exclude: bool = True) -> int:
    """The answer by a loop over the candidate words (the oracle: no vectorisation)."""
    best, best_score = -1, -np.inf
    for w in range(len(normed)):
        if exclude and w in (a, b, c):
            continue
        ca, cb, cc = (float(normed[w] @ normed[x]) for x in (a, b, c))
        if method == "add":
            score = cb - ca + cc
        elif method == "mul":
            score = ((cb + 1) / 2) * ((cc + 1) / 2) / ((ca + 1) / 2 + eps)
        else:  # "query": cosine with the unnormalised b - a + c
            q = normed[b] - normed[a] + normed[c]
            score = float(normed[w] @ q) / float(np.linalg.norm(q))
        if score > best_score:
            best, best_score = w, score
    return best


def _questions(rng: np.random.Generator, V: int, n: int) -> list[tuple[int, int, int]]:
    out = []
    while len(out) < n:
        a, b, c = (int(x) for x in rng.choice(V, size=3, replace=False))
        out.append((a, b, c))
    return out


# ---------------------------------------------------------------------------- 3CosMul
def check_three_cos_mul(fn: Callable) -> None:
    """``fn(normed, a, b, c, eps=1e-3) -> int``: the 3CosMul answer to ``a : b = c : ?``.

    ``normed`` holds unit vectors (V, D); ``a, b, c`` are row ids; the answer is the row ``w`` not
    in ``{a, b, c}`` maximising ``cos'(w, b) cos'(w, c) / (cos'(w, a) + eps)`` with
    ``cos' = (cos + 1) / 2`` (Levy and Goldberg 2014).
    """
    rng = np.random.default_rng(8)
    cases, seen_differ = [], 0
    for V, D in ((12, 3), (40, 4), (200, 8)):
        normed = _unit(rng.normal(size=(V, D)))
        for a, b, c in _questions(rng, V, 20):
            cases.append((normed, a, b, c))
    for normed, a, b, c in cases:
        got = _call(fn, normed, a, b, c)
        want = _brute(normed, a, b, c, "mul")
        add = _brute(normed, a, b, c, "add")
        seen_differ += want != add
        if isinstance(got, (np.integer, int)) and int(got) == want:
            continue
        hint = (
            "Exclude the three query words from the answers."
            if got in (a, b, c)
            else "That is the 3CosAdd answer: multiply the shifted cosines of b and c and divide by the "
            "shifted cosine of a (plus eps) instead of adding and subtracting."
            if got == add
            else "Shift every cosine to (cos + 1) / 2 before multiplying and dividing, and return a row id "
            "(an int), not a score."
        )
        raise CheckFailed(
            f"three_cos_mul(normed of shape {normed.shape}, a={a}, b={b}, c={c}) returned {got!r}, "
            f"expected {want}. {hint}"
        )
    require(seen_differ > 0, "internal: no case separates 3CosMul from 3CosAdd")  # pragma: no cover
    passed(
        f"three_cos_mul matches a brute-force 3CosMul on {len(cases)} questions "
        "(and differs from 3CosAdd where it should)"
    )


# ---------------------------------------------------------------------------- offsets
def _offset_consistency(vectors: dict, pairs) -> float:
    offsets = [_unit(np.asarray(vectors[b], float)) - _unit(np.asarray(vectors[a], float)) for a, b in pairs]
    sims = [float(_unit(u) @ _unit(v)) for u, v in itertools.combinations(offsets, 2)]
    return float(np.mean(sims))


class _Vectors:
    """A minimal vectors object: ``kv[word]``, ``key_to_index``, ``index_to_key``, ``vectors``."""

    def __init__(self, words, vectors):
        self.index_to_key = list(words)
        self.key_to_index = {w: i for i, w in enumerate(words)}
        self.vectors = np.asarray(vectors, dtype=np.float64)

    def __getitem__(self, word):
        return self.vectors[self.key_to_index[word]]

    def __contains__(self, word):
        return word in self.key_to_index


def check_offset_consistency(fn: Callable) -> None:
    """``fn(kv, pairs) -> float``: the mean cosine between the offsets of all pairs of ``pairs``.

    The offset of a pair ``(a, b)`` is ``unit(b) - unit(a)``; the function averages
    ``cos(offset_i, offset_j)`` over all ``i < j``. 1 when the offsets are parallel (a perfect
    "relation direction"), about 0 when they point anywhere.
    """
    rng = np.random.default_rng(3)
    D = 10
    direction = rng.normal(size=D)
    words, vecs = [], []
    for i in range(6):  # planted: b = a + the same direction
        a = rng.normal(size=D)
        words += [f"a{i}", f"b{i}"]
        vecs += [a, a + 3 * direction + rng.normal(scale=0.3, size=D)]
    for i in range(6):  # random pairs
        words += [f"x{i}", f"y{i}"]
        vecs += [rng.normal(size=D), rng.normal(size=D)]
    for i in range(2):  # unnormalised lengths must not matter
        base = rng.normal(size=D)
        words += [f"long{i}", f"short{i}"]
        vecs += [50 * base, 0.01 * (base + direction)]
    kv = _Vectors(words, np.array(vecs))
    cases = {
        "parallel offsets": [(f"a{i}", f"b{i}") for i in range(6)],
        "random pairs": [(f"x{i}", f"y{i}") for i in range(6)],
        "two pairs": [("a0", "b0"), ("x0", "y0")],
        "very different lengths": [("long0", "short0"), ("long1", "short1"), ("a1", "b1")],
    }
    for name, pairs in cases.items():
        got = _call(fn, kv, pairs)
        want = _offset_consistency({w: kv[w] for w in words}, pairs)
        try:
            ok = abs(float(got) - want) < 1e-6
        except (TypeError, ValueError):
            ok = False
        require(
            ok,
            f"offset_consistency on the {name} {pairs[:2]}... returned {got!r}, expected {want:.6f}. "
            "Normalise each word vector before taking b - a, then average the cosine over every "
            "pair of offsets (i < j), each pair once.",
        )
    passed(f"offset_consistency matches the brute-force mean cosine on {len(cases)} sets of pairs")


# ---------------------------------------------------------------------------- without exclusion
def check_nearest_without_exclusion(fn: Callable) -> None:
    """``fn(normed, a, b, c) -> int``: the word nearest to ``b - a + c`` with nothing excluded.

    Ranking by cosine with the query (the query words may win: that is the point).
    """
    rng = np.random.default_rng(5)
    cases = []
    for V, D in ((15, 3), (60, 6)):
        normed = _unit(rng.normal(size=(V, D)))
        cases += [(normed, a, b, c) for a, b, c in _questions(rng, V, 20)]
    won_by_query = 0
    for normed, a, b, c in cases:
        got = _call(fn, normed, a, b, c)
        want = _brute(normed, a, b, c, "query", exclude=False)
        won_by_query += want in (a, b, c)
        require(
            isinstance(got, (int, np.integer)) and int(got) == want,
            f"nearest_without_exclusion(normed of shape {normed.shape}, a={a}, b={b}, c={c}) returned "
            f"{got!r}, expected {want}"
            + (
                " (one of the query words: do not exclude them here)."
                if want in (a, b, c)
                else ". Rank every word by cosine with b - a + c."
            ),
        )
    passed(
        f"nearest_without_exclusion matches brute force on {len(cases)} questions "
        f"({won_by_query} of them answered by a query word)"
    )

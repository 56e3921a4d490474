"""Checks for the exercises of chapter 01 (n-gram language models).

Each check runs the student's function on small cases, compares it with the tested
:mod:`course.lm.ngram`, and prints one ``PASS`` line or raises :class:`~course.checks.CheckFailed`
saying what is off.

>>> import numpy as np
>>> check_addk(lambda counts, k: (counts + k) / (counts.sum() + k * len(counts)))
PASS: add-k gives (c(hw) + k) / (c(h.) + k|V|) and sums to 1, also after an unseen context
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable

import numpy as np

from ..lm.ngram import BOS, NGramLM, ngrams
from . import CheckFailed, passed, require

__all__ = ["check_addk", "check_stupid_backoff", "check_continuation_prob"]

_TOY = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"], ["the", "cat", "ran", "off"]]


def check_addk(addk: Callable[[np.ndarray, float], np.ndarray]) -> None:
    """Check ``addk(counts, k)``: the add-k distribution from the counts ``c(hw)`` of every word.

    Parameters
    ----------
    addk : callable
        ``addk(counts, k)`` with ``counts`` an ndarray of shape (V,) (``c(hw)`` for every word
        ``w`` of the vocabulary after one context ``h``) returns an ndarray of shape (V,).
    """
    rng = np.random.default_rng(0)
    cases = [(np.array([2.0, 1.0, 0.0, 0.0, 0.0]), 0.5), (np.zeros(6), 1.0)]
    cases += [
        (rng.poisson(lam, size=size).astype(float), k)
        for lam, size, k in [(0.3, 50, 1.0), (5.0, 20, 0.01), (0.0, 10, 2.0)]
    ]
    for counts, k in cases:
        got = np.asarray(addk(counts.copy(), k), dtype=float)
        require(
            got.shape == counts.shape,
            f"addk(counts, k={k}) returned shape {got.shape}; expected {counts.shape}, one "
            "probability per word of the vocabulary.",
        )
        total = got.sum()
        unseen = " after an unseen context (all counts 0)" if counts.sum() == 0 else ""
        require(
            abs(total - 1) < 1e-9,
            f"addk(counts, k={k}) sums to {total:.6g}, not 1{unseen}. The denominator must be "
            "c(h.) + k|V|: the context count plus k for each of the |V| words.",
        )
        want = (counts + k) / (counts.sum() + k * len(counts))
        i = int(np.argmax(np.abs(got - want)))
        require(
            np.allclose(got, want, rtol=1e-9, atol=1e-12),
            f"addk(counts, k={k}) gives {got[i]:.6g} for a word with count {counts[i]:g}; "
            f"expected (c + k) / (c(h.) + k|V|) = {want[i]:.6g}.",
        )
    passed("add-k gives (c(hw) + k) / (c(h.) + k|V|) and sums to 1, also after an unseen context")


def check_stupid_backoff(stupid_backoff: Callable[[NGramLM, str, list, float], float]) -> None:
    """Check ``stupid_backoff(lm, word, context, alpha)`` against the package's estimator.

    Parameters
    ----------
    stupid_backoff : callable
        Takes a fitted :class:`~course.lm.ngram.NGramLM` (read counts with ``lm.count`` and
        ``lm.context_count``), a word, the sentence so far (a list of words, without ``<s>``)
        and the back-off factor ``alpha``; returns the score S(word | context).
    """
    for order in (1, 2, 3):
        reference = NGramLM(order=order, estimator="stupid_backoff", alpha=0.4).fit(_TOY)
        counts_only = NGramLM(order=order, estimator="mle").fit(_TOY)
        words = [w for w in reference.index_to_key_ if w != BOS]
        contexts = [[], ["the"], ["the", "cat"], ["a", "dog"], ["off", "the", "cat"], ["zebra"]]
        for context in contexts:
            for word in words:
                want = reference.prob(word, context)
                got = stupid_backoff(counts_only, word, list(context), 0.4)
                require(
                    got is not None and math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-12),
                    f"order {order}: S({word!r} | {' '.join(context) or '<s>'}) is {got}; expected "
                    f"{want:.6g}. Use the longest context (at most order - 1 words, padded with "
                    "<s>) whose n-gram was seen, times alpha for every order you backed off.",
                )
    passed("stupid backoff matches NGramLM(estimator='stupid_backoff') for orders 1-3")


def check_continuation_prob(continuation_prob: Callable[[Counter], dict]) -> None:
    """Check ``continuation_prob(bigram_counts)`` -> ``{w: N1+(. w) / N1+(. .)}``.

    Parameters
    ----------
    continuation_prob : callable
        Takes a :class:`collections.Counter` of bigrams ``(u, w) -> count`` and returns a dict
        from each word ``w`` that ends a bigram to its continuation probability.
    """
    rng = random.Random(0)
    corpora = [_TOY, [["san", "francisco"]] * 5 + [["in", "york"], ["new", "york"], ["old", "york"]]]
    corpora.append([rng.choices("abcdefg", k=rng.randint(1, 6)) for _ in range(30)])
    for corpus in corpora:
        bigrams = Counter(g for s in corpus for g in ngrams(s, 2))
        lm = NGramLM(order=2).fit(corpus)
        got = continuation_prob(Counter(bigrams))
        types = len(bigrams)
        for w in sorted({g[1] for g in bigrams}):
            want = lm.continuation_count([w]) / types
            value = got.get(w) if isinstance(got, dict) else None
            if value is not None and math.isclose(value, want, rel_tol=1e-9):
                continue
            mle = sum(c for g, c in bigrams.items() if g[1] == w) / sum(bigrams.values())
            hint = (
                " That is the unigram MLE c(w) / N: count distinct left neighbours, not occurrences."
                if value is not None and math.isclose(value, mle)
                else ""
            )
            raise CheckFailed(
                f"P_cont({w!r}) is {value}; expected N1+(. {w}) / N1+(. .) = "
                f"{lm.continuation_count([w])} / {types} = {want:.6g}.{hint}"
            )
    passed("continuation probabilities N1+(. w) / N1+(. .) are right")

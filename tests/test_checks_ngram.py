"""course.checks.ngram: a right answer passes, each typical wrong answer fails with a clear message."""

from collections import Counter

import numpy as np
import pytest

from course.checks import CheckFailed
from course.checks.ngram import check_addk, check_continuation_prob, check_stupid_backoff
from course.lm.ngram import BOS


def addk_right(counts, k):
    return (counts + k) / (counts.sum() + k * len(counts))


def test_addk_right_answer_passes(capsys):
    check_addk(addk_right)
    assert capsys.readouterr().out.startswith("PASS: add-k")


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda c, k: (c + k) / (c.sum() + k), r"sums to .*, not 1.*c\(h\.\) \+ k\|V\|"),
        (lambda c, k: (c + k) / (c + k).sum() * 0.5, "sums to 0.5, not 1"),
        (lambda c, k: (c + 1) / (c.sum() + len(c)), r"expected \(c \+ k\) / \(c\(h\.\) \+ k\|V\|\)"),
        (lambda c, k: np.full(3, 1 / 3), "returned shape"),
    ],
)
def test_addk_wrong_answers_fail_with_message(wrong, message):
    with pytest.raises(CheckFailed, match=message):
        check_addk(wrong)


def stupid_backoff_right(lm, word, context, alpha):
    padded = [BOS] * (lm.order - 1) + context
    factor = 1.0
    for m in range(lm.order, 0, -1):
        h = padded[len(padded) - m + 1 :] if m > 1 else []
        if lm.count(h + [word]) > 0:
            return factor * lm.count(h + [word]) / lm.context_count(h)
        factor *= alpha
    return 0.0


def test_stupid_backoff_right_answer_passes(capsys):
    check_stupid_backoff(stupid_backoff_right)
    assert "PASS: stupid backoff" in capsys.readouterr().out


def test_stupid_backoff_without_alpha_fails():
    def no_alpha(lm, word, context, alpha):
        return stupid_backoff_right(lm, word, context, 1.0)

    with pytest.raises(CheckFailed, match=r"order 2: S\('.*' \| .*\) is .*; expected .*alpha"):
        check_stupid_backoff(no_alpha)


def continuation_right(bigrams):
    left = Counter(w for (_, w) in bigrams)
    return {w: n / len(bigrams) for w, n in left.items()}


def test_continuation_prob_right_answer_passes(capsys):
    check_continuation_prob(continuation_right)
    assert "PASS: continuation" in capsys.readouterr().out


def test_continuation_prob_with_raw_counts_is_told_it_computed_the_mle():
    def mle(bigrams):
        total = sum(bigrams.values())
        out = Counter()
        for (_, w), c in bigrams.items():
            out[w] += c / total
        return dict(out)

    with pytest.raises(CheckFailed, match="That is the unigram MLE"):
        check_continuation_prob(mle)


def test_continuation_prob_missing_word_fails():
    with pytest.raises(CheckFailed, match=r"P_cont\('.*'\) is None"):
        check_continuation_prob(lambda bigrams: {})

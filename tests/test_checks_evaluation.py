"""The chapter 08 checks pass the right answers and fail wrong ones with a message that helps."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from course.checks import CheckFailed
from course.checks.evaluation import (
    check_nearest_without_exclusion,
    check_offset_consistency,
    check_three_cos_mul,
)


# ---------------------------------------------------------------------------- right answers
def three_cos_mul(normed, a, b, c, eps=1e-3):
    s = (normed @ normed[[a, b, c]].T + 1) / 2
    score = s[:, 1] * s[:, 2] / (s[:, 0] + eps)
    score[[a, b, c]] = -np.inf
    return int(np.argmax(score))


def offset_consistency(kv, pairs):
    unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
    offsets = [unit(kv[b]) - unit(kv[a]) for a, b in pairs]
    return float(np.mean([unit(u) @ unit(v) for u, v in itertools.combinations(offsets, 2)]))


def nearest_without_exclusion(normed, a, b, c):
    return int(np.argmax(normed @ (normed[b] - normed[a] + normed[c])))


def test_right_answers_pass(capsys):
    check_three_cos_mul(three_cos_mul)
    check_offset_consistency(offset_consistency)
    check_nearest_without_exclusion(nearest_without_exclusion)
    out = capsys.readouterr().out
    assert out.count("PASS:") == 3
    assert "answered by a query word" in out


def test_the_package_implementation_passes(capsys):
    from course.evaluation import predict_analogies

    check_three_cos_mul(lambda n, a, b, c: int(predict_analogies(n, [a], [b], [c], method="3cosmul")[0]))
    assert "PASS" in capsys.readouterr().out


# ---------------------------------------------------------------------------- wrong answers
def test_three_cos_add_instead_of_mul_is_named():
    def cos_add(normed, a, b, c, eps=1e-3):
        score = normed @ (normed[b] - normed[a] + normed[c])
        score[[a, b, c]] = -np.inf
        return int(np.argmax(score))

    with pytest.raises(CheckFailed, match="That is the 3CosAdd answer"):
        check_three_cos_mul(cos_add)


def test_three_cos_mul_without_exclusion_or_shift():
    def no_exclusion(normed, a, b, c, eps=1e-3):
        s = (normed @ normed[[a, b, c]].T + 1) / 2
        return int(np.argmax(s[:, 1] * s[:, 2] / (s[:, 0] + eps)))

    def no_shift(normed, a, b, c, eps=1e-3):
        s = normed @ normed[[a, b, c]].T
        score = s[:, 1] * s[:, 2] / (s[:, 0] + eps)
        score[[a, b, c]] = -np.inf
        return int(np.argmax(score))

    with pytest.raises(CheckFailed, match="Exclude the three query words"):
        check_three_cos_mul(no_exclusion)
    with pytest.raises(CheckFailed, match=r"expected \d+"):
        check_three_cos_mul(no_shift)
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError"):
        check_three_cos_mul(lambda normed, a, b, c: 1 / 0)
    with pytest.raises(CheckFailed, match="Expected a function"):
        check_three_cos_mul(3)


def test_offset_consistency_wrong_answers():
    def unnormalised(kv, pairs):
        offsets = [kv[b] - kv[a] for a, b in pairs]
        unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
        return float(np.mean([unit(u) @ unit(v) for u, v in itertools.combinations(offsets, 2)]))

    def with_diagonal(kv, pairs):
        unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
        offsets = np.array([unit(unit(kv[b]) - unit(kv[a])) for a, b in pairs])
        return float((offsets @ offsets.T).mean())

    with pytest.raises(CheckFailed, match="Normalise each word vector"):
        check_offset_consistency(unnormalised)
    with pytest.raises(CheckFailed, match="each pair once"):
        check_offset_consistency(with_diagonal)
    with pytest.raises(CheckFailed, match="returned 'x'"):
        check_offset_consistency(lambda kv, pairs: "x")


def test_nearest_without_exclusion_wrong_answers():
    def excluding(normed, a, b, c):
        score = normed @ (normed[b] - normed[a] + normed[c])
        score[[a, b, c]] = -np.inf
        return int(np.argmax(score))

    with pytest.raises(CheckFailed, match="do not exclude them"):
        check_nearest_without_exclusion(excluding)
    with pytest.raises(CheckFailed, match="Rank every word by cosine"):
        check_nearest_without_exclusion(lambda normed, a, b, c: int(np.argmin(normed @ normed[b])))


def test_an_unfinished_stub_is_not_reported_as_a_bug():
    def stub(*args, **kwargs):
        raise NotImplementedError

    for check in (check_three_cos_mul, check_offset_consistency, check_nearest_without_exclusion):
        with pytest.raises(NotImplementedError):
            check(stub)

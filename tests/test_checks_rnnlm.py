"""The chapter 03 checks pass right answers and fail wrong ones with a precise message."""

import numpy as np
import pytest
import torch

from course.checks import CheckFailed
from course.checks.rnnlm import check_decay_factor, check_hidden_states, check_stream


def loop(model, idx, f=torch.tanh, bias=True, carry=True, transpose=True, steps=None):
    B, T = idx.shape
    h, hs = torch.zeros(B, model.hidden_size), []
    for t in range(T if steps is None else steps):
        prev = h if carry else torch.zeros_like(h)
        h = f(model.U[idx[:, t]] + prev @ (model.W.T if transpose else model.W) + (model.b if bias else 0))
        hs.append(h)
    return torch.stack(hs, 1)


def test_hidden_states_right_answer_passes(capsys):
    check_hidden_states(loop)
    assert "PASS: your loop gives the model's hidden states" in capsys.readouterr().out


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"f": torch.sigmoid}, "you used the sigmoid"),
        ({"bias": False}, "you left out the bias"),
        ({"carry": False}, "h_(t-1) is always zero"),
        ({"transpose": False}, "W h_(t-1) is h @ model.W.T"),
        ({"steps": 5}, "has shape (2, 5, 4) for idx of shape (2, 6)"),
    ],
)
def test_hidden_states_wrong_answers_fail_with_the_reason(kwargs, message):
    with pytest.raises(CheckFailed) as info:
        check_hidden_states(lambda m, idx: loop(m, idx, **kwargs))
    assert message in str(info.value)


def test_hidden_states_other_error_names_the_first_wrong_step():
    def late_error(m, idx):
        hs = loop(m, idx).clone()
        hs[:, 3:] += 0.5
        return hs

    with pytest.raises(CheckFailed, match=r"first differs from the model at step t = 4"):
        check_hidden_states(late_error)


def right_decay(norms):
    k = np.arange(1, len(norms))
    return float(np.exp(np.polyfit(k, np.log(norms[1:]), 1)[0]))


def test_decay_factor_right_answer_passes(capsys):
    check_decay_factor(right_decay)
    assert capsys.readouterr().out.startswith("PASS: ")


@pytest.mark.parametrize(
    "wrong,message",
    [
        (lambda n: float(np.log(right_decay(n))), "you returned the slope"),
        (
            lambda n: float(np.exp(np.polyfit(np.arange(len(n)), np.log(n), 1)[0])),
            "norms[0] (the step that sees the loss) is excluded",
        ),
        (lambda n: float(n[2] / n[1]), "by least squares over k = 1 ... K"),
    ],
)
def test_decay_factor_wrong_answers_fail_with_the_reason(wrong, message):
    with pytest.raises(CheckFailed) as info:
        check_decay_factor(wrong)
    assert message in str(info.value)


def right_stream(rows):
    return [np.concatenate([rows[0][:1]] + [r[1:] for r in rows])]


def test_stream_right_answer_passes(capsys):
    check_stream(right_stream)
    assert capsys.readouterr().out.startswith("PASS: ")


@pytest.mark.parametrize(
    "wrong,message",
    [
        (lambda rows: [np.concatenate(rows)], "your stream predicts 11 tokens but the sentences have 9"),
        (lambda rows: right_stream(rows)[0], "should return a list holding one row"),
        (lambda rows: right_stream(rows[::-1]), "(the sentences in order)"),
    ],
)
def test_stream_wrong_answers_fail_with_the_reason(wrong, message):
    with pytest.raises(CheckFailed) as info:
        check_stream(wrong)
    assert message in str(info.value)

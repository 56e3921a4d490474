"""The chapter 02 checks pass right answers and fail wrong ones with a precise message."""

import math

import numpy as np
import pytest
import torch

from course.checks import CheckFailed
from course.checks.nnlm import check_mixture_perplexity, check_nnlm_logits, check_param_count
from course.lm.nnlm import nnlm_num_parameters


def test_param_count_right_answer_passes(capsys):
    check_param_count(lambda V, N, D, H, direct: V * D + N * D * H + H + H * V + V + direct * N * D * V)
    assert capsys.readouterr().out.startswith("PASS: ")


@pytest.mark.parametrize(
    "wrong,message",
    [
        (
            lambda V, N, D, H, direct: V * D + N * D * H + H * V + direct * N * D * V,
            "count(V=10, N=2, D=4, H=8, direct=False) = 184; the model has 202 parameters. "
            "The difference, 18, is exactly the biases d (H numbers) and b (V numbers).",
        ),
        (
            lambda V, N, D, H, direct: V * D + D * H + H + H * V + V,
            "The difference, 32, is exactly N - 1 blocks of H: the hidden layer sees all N concatenated vectors",
        ),
        (
            lambda V, N, D, H, direct: nnlm_num_parameters(V, N, D, H, False),
            "count(V=10, N=2, D=4, H=8, direct=True) = 202; the model has 282 parameters. "
            "The difference, 80, is exactly the direct connections W (V x N*D), present when direct=True.",
        ),
    ],
)
def test_param_count_wrong_answers_fail_with_the_reason(wrong, message):
    with pytest.raises(CheckFailed) as info:
        check_param_count(wrong)
    assert message in str(info.value)


def right_logits(model, context):
    x = model.C[torch.tensor(context)].reshape(-1)
    y = model.U.bias + model.U.weight @ torch.tanh(model.H.bias + model.H.weight @ x)
    return y + model.W.weight @ x


def test_nnlm_logits_right_answer_passes(capsys):
    check_nnlm_logits(right_logits)
    assert "PASS: your logits equal eq. 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong,message",
    [
        (lambda m, c: right_logits(m, c[::-1]), "matches eq. 1 with newest word first"),
        (
            lambda m, c: right_logits(m, c) - m.W.weight @ m.C[torch.tensor(c)].reshape(-1),
            "Add model.W(x) when the model has direct connections.",
        ),
        (
            lambda m, c: (
                m.U.weight @ (m.H.weight @ m.C[torch.tensor(c)].reshape(-1) + m.H.bias)
                + m.U.bias
                + m.W.weight @ m.C[torch.tensor(c)].reshape(-1)
            ),
            "The hidden layer is tanh(d + H x).",
        ),
        (lambda m, c: right_logits(m, c)[:-1], "has shape (11,); expected (12,)"),
        (lambda m, c: right_logits(m, c) + 0.1, "differs from the model's logits by up to 0.1"),
    ],
)
def test_nnlm_logits_wrong_answers_fail_with_the_reason(wrong, message):
    with pytest.raises(CheckFailed) as info:
        check_nnlm_logits(wrong)
    assert message in str(info.value)


def right_mixture(a, b, lam):
    return math.exp(np.mean(-np.log(lam * np.exp(-a) + (1 - lam) * np.exp(-b))))


def test_mixture_right_answer_passes(capsys):
    check_mixture_perplexity(right_mixture)
    assert capsys.readouterr().out.startswith("PASS: ")


@pytest.mark.parametrize(
    "wrong,message",
    [
        (lambda a, b, lam: math.exp(np.mean(lam * a + (1 - lam) * b)), "you mixed the log-probabilities"),
        (lambda a, b, lam: right_mixture(a, b, 1 - lam), "lam weighs the first model"),
        (lambda a, b, lam: math.log(right_mixture(a, b, lam)), "you returned the mean NLL"),
    ],
)
def test_mixture_wrong_answers_fail_with_the_reason(wrong, message):
    with pytest.raises(CheckFailed) as info:
        check_mixture_perplexity(wrong)
    assert message in str(info.value)

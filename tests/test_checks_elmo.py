"""The exercise checks of chapter 09 pass the right answers and explain the wrong ones."""

import numpy as np
import pytest
import torch

from course.checks import CheckFailed
from course.checks.elmo import (
    check_backward_targets,
    check_direction_halves,
    check_scalar_mix,
    check_token_encoder_params,
)
from course.elmo.bilm import IGNORE


def right_mix(layers, w, gamma):
    return gamma * (torch.softmax(w, 0).view(-1, *[1] * (layers.dim() - 1)) * layers).sum(0)


def test_scalar_mix_check(capsys):
    check_scalar_mix(right_mix)
    assert capsys.readouterr().out.startswith("PASS")
    with pytest.raises(CheckFailed, match="softmax"):
        check_scalar_mix(lambda layers, w, gamma: gamma * ((w / 3 + 1 / 3).view(-1, 1, 1) * layers).sum(0))
    with pytest.raises(CheckFailed, match="gamma must multiply"):
        check_scalar_mix(lambda layers, w, gamma: right_mix(layers, w, 1.0))


def right_count(n_chars, char_dim, filters, n_highway, projection_dim):
    n = sum(c for _, c in filters)
    return (
        n_chars * char_dim
        + sum(c * (w * char_dim + 1) for w, c in filters)
        + n_highway * (2 * n * n + 2 * n)
        + n * projection_dim
        + projection_dim
    )


def test_token_encoder_params_check(capsys):
    check_token_encoder_params(right_count)
    assert "PASS" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="two weight matrices"):
        check_token_encoder_params(lambda *a: right_count(*a) - 1)


def test_backward_targets_check(capsys):
    def right(t):
        return t[:, :-1].masked_fill(t[:, 1:] == IGNORE, IGNORE)

    check_backward_targets(right)
    assert "PASS" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="forward LM's targets"):
        check_backward_targets(lambda t: t[:, 1:])
    with pytest.raises(CheckFailed, match="padding predicts nothing|is itself padding"):
        check_backward_targets(lambda t: t[:, :-1])


def test_direction_halves_check(capsys):
    check_direction_halves(lambda v: v[..., : v.shape[-1] // 2], lambda v: v[..., v.shape[-1] // 2 :])
    assert "PASS" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="forward state first"):
        check_direction_halves(lambda v: v[..., v.shape[-1] // 2 :], lambda v: v[..., : v.shape[-1] // 2])
    with pytest.raises(CheckFailed, match="shape"):
        check_direction_halves(lambda v: np.asarray(v), lambda v: np.asarray(v))

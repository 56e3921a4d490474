"""The chapter 06 checks pass right answers and fail wrong ones with a precise message."""

import numpy as np
import pytest
from scipy import optimize

from course.checks import CheckFailed
from course.checks.negative_sampling import (
    check_alias_table,
    check_noise_share,
    check_sgns_gradients,
    check_shifted_pmi,
    shifted_pmi,
)
from course.word2vec.negative_sampling import AliasTable, noise_distribution


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def right_sgns(h, u_pos, U_neg):
    s_pos, s_neg = u_pos @ h, U_neg @ h
    loss = -np.log(sigmoid(s_pos)) - np.log(sigmoid(-s_neg)).sum()
    g_pos, g_neg = sigmoid(s_pos) - 1, sigmoid(s_neg)
    return loss, g_pos * u_pos + g_neg @ U_neg, g_pos * h, g_neg[:, None] * h


def test_sgns_right_answer_passes(capsys):
    check_sgns_gradients(right_sgns)
    assert capsys.readouterr().out.startswith("PASS: sgns_gradients")


def test_sgns_wrong_sign_fails():
    def wrong(h, u_pos, U_neg):
        loss, d_h, d_u, d_U = right_sgns(h, u_pos, U_neg)
        return loss, d_h, -d_u, d_U

    with pytest.raises(CheckFailed, match=r"d_u_pos is off by up to .* it should be \(sigmoid\(u_pos.h\) - 1\) \* h"):
        check_sgns_gradients(wrong)


def test_sgns_wrong_loss_fails():
    def wrong(h, u_pos, U_neg):
        loss, *grads = right_sgns(h, u_pos, U_neg)
        return (-np.log(sigmoid(u_pos @ h)) - np.log(sigmoid(U_neg @ h)).sum(), *grads)

    with pytest.raises(CheckFailed, match="note the minus sign inside for noise words"):
        check_sgns_gradients(wrong)


def test_sgns_exception_is_reported():
    with pytest.raises(CheckFailed, match="Your function raised ZeroDivisionError"):
        check_sgns_gradients(lambda h, u, U: 1 / 0)


def test_alias_table_right_answer_passes(capsys):
    def build(p):
        table = AliasTable(p)
        return table.prob_, table.alias_

    check_alias_table(build)
    assert capsys.readouterr().out.startswith("PASS: alias table")


def test_alias_table_without_scaling_fails():
    def unscaled(p):  # forgets to multiply by V: a plausible mistake
        return np.minimum(p, 1.0), np.arange(len(p))

    with pytest.raises(CheckFailed, match=r"The table draws word \d+ with probability"):
        check_alias_table(unscaled)


def test_alias_table_bad_alias_fails():
    with pytest.raises(CheckFailed, match="alias must hold word ids"):
        check_alias_table(lambda p: (np.ones(len(p)), np.full(len(p), len(p))))


def test_noise_share_passes_and_fails(capsys):
    check_noise_share(lambda c, a, top: noise_distribution(c, a)[:top].sum())
    assert "PASS" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"For alpha=0, top=1 you returned .* the 1 most frequent words hold 0.005"):
        check_noise_share(lambda c, a, top: (c[:top] / c.sum()).sum())  # the unigram share, whatever alpha


def test_shifted_pmi_is_the_sgns_optimum():
    """Levy and Goldberg: per pair, #(w,c) log s(x) + k #(w)#(c)/|D| log s(-x) peaks at the shifted PMI."""
    cooc = np.array([[4.0, 1.0, 2.0], [1.0, 6.0, 3.0]])
    k = 3
    total, word, context = cooc.sum(), cooc.sum(1), cooc.sum(0)
    want = shifted_pmi(cooc, k)
    for i in range(2):
        for j in range(3):
            expected_negatives = k * word[i] * context[j] / total

            def objective(x, i=i, j=j, n=expected_negatives):
                return -(cooc[i, j] * np.log(sigmoid(x)) + n * np.log(sigmoid(-x)))

            best = optimize.minimize_scalar(objective, bounds=(-20, 20), method="bounded", options={"xatol": 1e-10})
            assert best.x == pytest.approx(want[i, j], abs=1e-5)


def test_shifted_pmi_check(capsys):
    check_shifted_pmi(shifted_pmi)
    assert "PASS" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"Entry \(0, 0\) is .* - log\(k\)"):
        check_shifted_pmi(lambda cooc, k: shifted_pmi(cooc, 1))  # forgets the shift

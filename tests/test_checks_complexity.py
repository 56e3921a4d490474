import math

import pytest
import torch

from course.checks import CheckFailed
from course.checks.complexity import check_cbow_negative, check_hs_crossover, check_ns_output_layer


def test_cbow_negative_check_passes_the_solution_and_names_the_mistake(capsys):
    check_cbow_negative(lambda N, D, V, k: N * D + D * (k + 1))
    assert capsys.readouterr().out.startswith("PASS")
    with pytest.raises(CheckFailed, match="left out the projection"):
        check_cbow_negative(lambda N, D, V, k: D * (k + 1))
    with pytest.raises(CheckFailed, match="positive"):
        check_cbow_negative(lambda N, D, V, k: N * D + D * k)
    with pytest.raises(CheckFailed, match="That is hierarchical softmax"):
        check_cbow_negative(lambda N, D, V, k: N * D + D * math.log2(V))
    with pytest.raises(CheckFailed, match="ONE D-vector"):
        check_cbow_negative(lambda N, D, V, k: N * D * (k + 1))
    with pytest.raises(CheckFailed, match="returned None"):
        check_cbow_negative(lambda N, D, V, k: None)


def test_crossover_check(capsys):
    check_hs_crossover(lambda N, D: 2**N)
    assert "PASS" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="NNLM"):
        check_hs_crossover(lambda N, D: N * D)
    with pytest.raises(CheckFailed, match="expected 256"):
        check_hs_crossover(lambda N, D: 2**N + 1)


def test_ns_layer_check_accepts_gather_then_dot_and_rejects_full_scoring(capsys):
    def gather_bmm(h, W_out, targets):
        return torch.bmm(W_out[targets], h.unsqueeze(2)).squeeze(2)

    def gather_einsum(h, W_out, targets):
        return torch.einsum("bkd,bd->bk", W_out[targets], h)

    def gather_mul_sum(h, W_out, targets):
        return (W_out[targets] * h.unsqueeze(1)).sum(-1)

    for fn in (gather_bmm, gather_einsum, gather_mul_sum):
        check_ns_output_layer(fn)
        assert "PASS" in capsys.readouterr().out

    def score_everything(h, W_out, targets):
        return (h @ W_out.T).gather(1, targets)

    with pytest.raises(CheckFailed, match="grows with V"):
        check_ns_output_layer(score_everything)
    with pytest.raises(CheckFailed, match="scores are wrong"):
        check_ns_output_layer(lambda h, W, t: -gather_bmm(h, W, t))
    with pytest.raises(CheckFailed, match="shape"):
        check_ns_output_layer(lambda h, W, t: gather_bmm(h, W, t)[:, :1])

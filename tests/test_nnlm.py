"""NNLM (Bengio et al. 2003): lookup = one-hot x C, the parameter formula, eq. 1, the loss."""

import math

import pytest
import torch
import torch.nn.functional as F

from course.base.batching import IGNORE_INDEX
from course.complexity.formulas import nnlm_cost
from course.lm.nnlm import NNLM, nnlm_num_parameters

pytestmark = pytest.mark.usefixtures("one_thread")


def small(direct=False, **kw):
    args = dict(vocab_size=11, context_size=3, vector_size=4, hidden_size=6, direct=direct, seed=1)
    args.update(kw)
    return NNLM(**args)


def test_one_hot_times_C_is_the_lookup():
    model = small()
    idx = torch.tensor([[0, 3, 7, 10], [5, 5, 1, 2]])
    one_hot = F.one_hot(idx, num_classes=11).to(torch.float32)  # (B, T, V)
    assert torch.allclose(one_hot @ model.C, model.C[idx], atol=0, rtol=0)


@pytest.mark.parametrize("direct", [False, True])
def test_forward_is_equation_one_with_one_hot_inputs(direct):
    """y = b + W x + U tanh(d + H x), x = concatenated (one-hot x C) of the N previous words."""
    model = small(direct=direct)
    idx = torch.tensor([[0, 4, 9, 2, 6]])
    logits, _ = model(idx)
    padded = [0, 0, 0] + idx[0].tolist()  # the boundary token fills the missing context
    for t in range(idx.shape[1]):
        window = padded[t + 1 : t + 4]  # oldest first, newest = idx[t]
        x = torch.cat([F.one_hot(torch.tensor(w), 11).float() @ model.C for w in window])
        y = model.U.bias + model.U.weight @ torch.tanh(model.H.bias + model.H.weight @ x)
        if direct:
            y = y + model.W.weight @ x
        assert torch.allclose(logits[0, t], y, atol=1e-6)


@pytest.mark.parametrize(
    "V,N,D,h,direct", [(11, 3, 4, 6, False), (11, 3, 4, 6, True), (50, 1, 7, 3, False), (97, 5, 2, 9, True)]
)
def test_parameter_count_equals_the_formula(V, N, D, h, direct):
    model = NNLM(V, N, D, h, direct=direct)
    assert model.num_parameters() == nnlm_num_parameters(V, N, D, h, direct)
    expected = V * D + N * D * h + h + h * V + V + (N * D * V if direct else 0)  # written out
    assert model.num_parameters() == expected


def test_loss_is_mean_nll_by_hand_ignoring_padding():
    model = small()
    idx = torch.tensor([[0, 1, 2, 3], [0, 4, 0, 0]])
    targets = torch.tensor([[1, 2, 3, 0], [4, 0, IGNORE_INDEX, IGNORE_INDEX]])
    logits, loss = model(idx, targets)
    nll = []
    for b in range(2):
        for t in range(4):
            if targets[b, t] != IGNORE_INDEX:
                p = torch.exp(logits[b, t]) / torch.exp(logits[b, t]).sum()
                nll.append(-math.log(p[targets[b, t]].item()))
    assert loss.item() == pytest.approx(sum(nll) / len(nll), rel=1e-6)


def test_chunks_with_state_equal_one_pass():
    model = small(direct=True)
    idx = torch.randint(0, 11, (3, 9), generator=torch.Generator().manual_seed(0))
    full, _ = model(idx)
    first, _ = model(idx[:, :4])
    state = model.final_state
    assert state.tolist() == idx[:, 1:4].tolist()  # the last N = 3 tokens
    second, _ = model(idx[:, 4:], state=state)
    assert torch.allclose(torch.cat([first, second], dim=1), full, atol=1e-6)


def test_seed_makes_initial_weights_reproducible():
    a, b, c = small(seed=3), small(seed=3), small(seed=4)
    assert torch.equal(a.C, b.C) and torch.equal(a.U.weight, b.U.weight)
    assert not torch.equal(a.C, c.C)


def test_cost_terms_agree_with_the_complexity_module():
    model = NNLM(10_000, context_size=4, vector_size=32, hidden_size=64)
    assert sum(model.cost_terms().values()) == nnlm_cost(N=4, D=32, H=64, V=10_000).total


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (
            {"context_size": 0},
            ValueError,
            "The 'context_size' parameter of NNLM must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"hidden_size": 0},
            ValueError,
            "The 'hidden_size' parameter of NNLM must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"vector_size": -2},
            ValueError,
            "The 'vector_size' parameter of NNLM must be an int in the range [1, inf). Got -2 instead.",
        ),
        (
            {"vocab_size": 2.5},
            TypeError,
            "The 'vocab_size' parameter of NNLM must be an int in the range [1, inf). Got 2.5 (float) instead.",
        ),
        ({"direct": 1}, TypeError, "The 'direct' parameter of NNLM must be a bool. Got 1 instead."),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error) as info:
        small(**kwargs)
    assert str(info.value) == message

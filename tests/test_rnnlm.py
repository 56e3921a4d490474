"""RNNLM (Mikolov et al. 2010): the recurrence, agreement with nn.RNN, truncated BPTT."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course.base.batching import IGNORE_INDEX
from course.complexity.formulas import rnnlm_cost
from course.lm.rnnlm import RNNLM, hidden_gradient_norms, rnnlm_num_parameters

pytestmark = pytest.mark.usefixtures("one_thread")

V, H = 13, 5


def small(**kw):
    args = dict(vocab_size=V, hidden_size=H, seed=2, fast=False)
    args.update(kw)
    return RNNLM(**args)


def idx_batch(B=3, T=8, seed=0):
    return torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(seed))


def torch_rnn_with_the_same_weights(model):
    """PyTorch's nn.RNN reading one-hot x_t: weight_ih = U (H x V), weight_hh = W."""
    rnn = nn.RNN(input_size=V, hidden_size=H, batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(model.U.T)
        rnn.weight_hh_l0.copy_(model.W)
        rnn.bias_ih_l0.copy_(model.b)
        rnn.bias_hh_l0.zero_()
    return rnn


@pytest.mark.parametrize("fast", [False, True])
def test_agrees_with_torch_nn_rnn_on_the_same_weights(fast):
    model = small(fast=fast)
    with torch.no_grad():
        model.b.normal_(generator=torch.Generator().manual_seed(5))  # nonzero biases too
    idx = idx_batch()
    h0 = torch.randn(3, H, generator=torch.Generator().manual_seed(1))
    logits, _ = model(idx, state=h0)
    rnn = torch_rnn_with_the_same_weights(model)
    hs, h_last = rnn(F.one_hot(idx, V).float(), h0.unsqueeze(0))
    assert torch.allclose(model.final_state, h_last[0], atol=1e-6)
    assert torch.allclose(logits, model.V(hs), atol=1e-6)


def test_fast_and_explicit_paths_give_the_same_gradients():
    idx, targets = idx_batch(seed=3), idx_batch(seed=4)
    grads = []
    for fast in (False, True):
        model = small(fast=fast)
        _, loss = model(idx, targets)
        loss.backward()
        grads.append({n: p.grad.clone() for n, p in model.named_parameters()})
    for name in grads[0]:
        assert torch.allclose(grads[0][name], grads[1][name], atol=1e-6), name


def test_sigmoid_recurrence_by_hand():
    model = small(nonlinearity="sigmoid")
    idx = idx_batch(B=1, T=4)
    logits, _ = model(idx)
    h = torch.zeros(H)
    for t in range(4):
        h = torch.sigmoid(model.U[idx[0, t]] + model.W @ h + model.b)  # h_t = f(U x_t + W h_{t-1})
        assert torch.allclose(logits[0, t], model.V.weight @ h + model.V.bias, atol=1e-6)


@pytest.mark.parametrize("vocab,hidden", [(13, 5), (100, 1), (7, 32)])
def test_parameter_count_equals_the_formula(vocab, hidden):
    model = RNNLM(vocab, hidden)
    assert model.num_parameters() == rnnlm_num_parameters(vocab, hidden)
    assert model.num_parameters() == vocab * hidden + hidden * hidden + hidden + hidden * vocab + vocab


def test_loss_is_mean_nll_by_hand():
    model = small()
    idx = idx_batch(B=2, T=3)
    targets = torch.tensor([[1, 2, 3], [4, IGNORE_INDEX, IGNORE_INDEX]])
    logits, loss = model(idx, targets)
    log_p = torch.log_softmax(logits, dim=-1)
    by_hand = -(log_p[0, 0, 1] + log_p[0, 1, 2] + log_p[0, 2, 3] + log_p[1, 0, 4]) / 4
    assert loss.item() == pytest.approx(by_hand.item(), rel=1e-6)


@pytest.mark.parametrize("fast", [False, True])
def test_truncated_bptt_carries_the_state_but_cuts_the_graph(fast):
    model = small(fast=fast)
    idx, targets = idx_batch(T=10, seed=6), idx_batch(T=10, seed=7)
    full_logits, _ = model(idx)
    # forward values: two chunks with the state carried = one pass
    logits1, _ = model(idx[:, :6])
    carried = model.final_state.detach()
    logits2, loss2 = model(idx[:, 6:], targets[:, 6:], state=carried)
    assert torch.allclose(torch.cat([logits1, logits2], 1), full_logits, atol=1e-6)
    assert carried.grad_fn is None and not carried.requires_grad
    # gradients: the truncated loss only sees chunk 2, as if h_6 were a constant input
    loss2.backward()
    truncated = model.W.grad.clone()
    model.zero_grad()
    _, loss_const = model(idx[:, 6:], targets[:, 6:], state=carried.clone())
    loss_const.backward()
    assert torch.allclose(model.W.grad, truncated, atol=1e-7)
    # ... and differ from full BPTT, where chunk 1 also receives gradient
    model.zero_grad()
    _, _ = model(idx[:, :6])
    _, loss_full = model(idx[:, 6:], targets[:, 6:], state=model.final_state)
    loss_full.backward()
    assert not torch.allclose(model.W.grad, truncated, atol=1e-7)


def test_hidden_gradient_norms_last_step_and_vanishing():
    model = small()
    with torch.no_grad():
        model.W.mul_(0.3)  # a contractive recurrence: gradients must shrink with distance
    idx, targets = idx_batch(B=2, T=12, seed=8), idx_batch(B=2, T=12, seed=9)
    norms = hidden_gradient_norms(model, idx, targets)
    assert norms.shape == (12,)
    # k = 0: dL_T/dh_T = V^T (softmax(y_T) - onehot(target)), by hand
    logits, _ = model(idx)
    p = torch.softmax(logits[:, -1], -1) - F.one_hot(targets[:, -1], V).float()
    by_hand = (p @ model.V.weight).norm(dim=1).mean().item()
    assert norms[0] == pytest.approx(by_hand, rel=1e-5)
    assert np.all(np.diff(norms) < 0)
    assert all(p.grad is None for p in model.parameters())


def test_cost_terms_agree_with_the_complexity_module():
    assert sum(RNNLM(10_000, 64).cost_terms().values()) == rnnlm_cost(H=64, V=10_000).total


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (
            {"hidden_size": 0},
            ValueError,
            "The 'hidden_size' parameter of RNNLM must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"vocab_size": 0},
            ValueError,
            "The 'vocab_size' parameter of RNNLM must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"nonlinearity": "relu"},
            ValueError,
            "The 'nonlinearity' parameter of RNNLM must be one of 'tanh', 'sigmoid'. Got 'relu' instead.",
        ),
        (
            {"nonlinearity": "sigmoid", "fast": True},
            ValueError,
            "RNNLM(fast=True) runs PyTorch's nn.RNN, which has no 'sigmoid' nonlinearity; "
            "use nonlinearity='tanh' or set fast=False.",
        ),
        ({"fast": "yes"}, TypeError, "The 'fast' parameter of RNNLM must be a bool. Got 'yes' instead."),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error) as info:
        small(**kwargs)
    assert str(info.value) == message

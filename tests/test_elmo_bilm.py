"""The biLM: targets of each direction, causality, the loss, padding, the sampled softmax."""

import math

import pytest
import torch
import torch.nn.functional as F

from course.elmo import IGNORE, BiLM, BiLMConfig, CharEncoder, direction_targets, flip_padded
from course.elmo.sampled_softmax import log_uniform_log_prob, log_uniform_sample, sampled_softmax_loss

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny(n_words=7, **kw):
    torch.manual_seed(0)
    cfg = dict(
        n_words=n_words,
        max_word_length=8,
        char_dim=4,
        filters=((1, 4), (2, 4)),
        n_highway=1,
        projection_dim=6,
        hidden_size=6,
        dropout=0.0,
    )
    cfg.update(kw)
    return BiLM(BiLMConfig(**cfg)).eval()


def test_direction_targets_hand_example():
    # "<S> the river bank </S>" with ids 0 (boundary) 3 4 5 0, and a shorter padded sentence
    targets = torch.tensor([[0, 3, 4, 5, 0], [0, 6, 0, IGNORE, IGNORE]])
    fwd, bwd = direction_targets(targets)
    # forward: from <S> predict "the", from "the" predict "river", ..., from "bank" predict </S>
    assert fwd.tolist() == [[3, 4, 5, 0], [6, 0, IGNORE, IGNORE]]
    # backward, from positions 1..4: from "the" predict <S>, from "river" predict "the",
    # from "bank" predict "river", from </S> predict "bank"
    assert bwd.tolist() == [[0, 3, 4, 5], [0, 6, IGNORE, IGNORE]]


def test_flip_padded_reverses_within_length_and_is_an_involution():
    x = torch.arange(12).view(2, 6)
    lengths = torch.tensor([6, 3])
    flipped = flip_padded(x, lengths)
    assert flipped.tolist() == [[5, 4, 3, 2, 1, 0], [8, 7, 6, 9, 10, 11]]
    assert torch.equal(flip_padded(flipped, lengths), x)
    y = torch.randn(2, 6, 3)
    assert torch.equal(flip_padded(flip_padded(y, lengths), lengths), y)


def _states(model, sentence):
    chars, lengths = CharEncoder(8).encode_batch([sentence])
    return model.layers(chars, lengths)


@torch.no_grad()
def test_forward_states_see_the_past_and_backward_states_the_future():
    model = tiny()
    a = ["the", "river", "bank", "was", "steep"]
    b = ["a", "money", "bank", "was", "steep"]  # differs before "bank" (position 3 with <S>)
    c = ["the", "river", "bank", "is", "old"]  # differs after "bank"
    _, fa, ba = _states(model, a)
    _, fb, bb = _states(model, b)
    _, fc, bc = _states(model, c)
    k = 3
    for j in range(2):
        # backward states from "bank" on have only read "bank ... </S>": unchanged by the prefix
        torch.testing.assert_close(ba[j][0, k:], bb[j][0, k:])
        assert not torch.allclose(fa[j][0, k], fb[j][0, k])
        # forward states up to "bank" have only read "<S> ... bank": unchanged by the suffix
        torch.testing.assert_close(fa[j][0, : k + 1], fc[j][0, : k + 1])
        assert not torch.allclose(ba[j][0, k], bc[j][0, k])


@torch.no_grad()
def test_backward_lm_predicts_the_previous_word():
    """Logits of the backward LM at position k must score targets[k - 1]."""
    model = tiny()
    chars, lengths = CharEncoder(8).encode_batch([["the", "river", "bank"]])
    targets = torch.tensor([[0, 3, 4, 5, 0]])
    _, bwd = model.layers(chars, lengths)[1:]
    f, b, nf, nb = model.nll(chars, targets)
    by_hand = 0.0
    for k in range(1, 5):  # positions "the", "river", "bank", "</S>" predict <S>, "the", "river", "bank"
        logp = F.log_softmax(model.softmax(bwd[-1][0, k]), dim=-1)
        by_hand -= float(logp[targets[0, k - 1]])
    assert nb == 4 and math.isclose(float(b), by_hand, rel_tol=1e-5)


@torch.no_grad()
def test_loss_is_the_sum_of_both_directions_nll():
    model = tiny()
    sentences = [["the", "river", "bank"], ["a", "bank"]]
    chars, lengths = CharEncoder(8).encode_batch(sentences)
    targets = torch.tensor([[0, 3, 4, 5, 0], [0, 2, 5, 0, IGNORE]])
    _, fwd, bwd = model.layers(chars, lengths)
    nll_f = nll_b = 0.0
    count = 0
    for s, n in enumerate(lengths.tolist()):
        for k in range(n - 1):  # forward: position k predicts k + 1
            nll_f -= float(F.log_softmax(model.softmax(fwd[-1][s, k]), -1)[targets[s, k + 1]])
            count += 1
        for k in range(1, n):  # backward: position k predicts k - 1
            nll_b -= float(F.log_softmax(model.softmax(bwd[-1][s, k]), -1)[targets[s, k - 1]])
    logits, loss = model(chars, targets)
    assert logits.shape == (2, 2, 4, 7)
    assert math.isclose(float(loss), nll_f / count + nll_b / count, rel_tol=1e-5)
    f, b, nf, nb = model.nll(chars, targets)
    assert nf == nb == count == 7
    assert math.isclose(float(f), nll_f, rel_tol=1e-5) and math.isclose(float(b), nll_b, rel_tol=1e-5)


@torch.no_grad()
def test_padding_does_not_change_a_sentence():
    model = tiny()
    enc = CharEncoder(8)
    alone = model.nll(*_batch(enc, [["a", "bank"]], [[0, 2, 5, 0]]))
    padded = model.nll(
        *_batch(
            enc, [["a", "bank"], ["the", "river", "bank", "was"]], [[0, 2, 5, 0, IGNORE, IGNORE], [0, 3, 4, 5, 6, 0]]
        )
    )
    first = model.nll(*_batch(enc, [["the", "river", "bank", "was"]], [[0, 3, 4, 5, 6, 0]]))
    assert math.isclose(float(padded[0]), float(alone[0]) + float(first[0]), rel_tol=1e-5)
    assert math.isclose(float(padded[1]), float(alone[1]) + float(first[1]), rel_tol=1e-5)


def _batch(enc, sentences, targets):
    chars, _ = enc.encode_batch(sentences)
    return chars, torch.tensor(targets)


@torch.no_grad()
def test_projection_lstm_and_residual_connection():
    model = tiny(hidden_size=10)
    assert model.forward_lstms[0].proj_size == 6
    chars, lengths = CharEncoder(8).encode_batch([["a", "b"]])
    x, fwd, _ = model.layers(chars, lengths)
    out2, _ = model.forward_lstms[1](fwd[0])
    torch.testing.assert_close(fwd[1], out2 + fwd[0])  # residual from the second layer on


def test_config_validates():
    with pytest.raises(ValueError, match="'hidden_size' parameter of BiLMConfig"):
        BiLMConfig(n_words=5, projection_dim=8, hidden_size=4)
    with pytest.raises(TypeError, match="BiLM expects a BiLMConfig"):
        BiLM({"n_words": 5})


# --- sampled softmax -----------------------------------------------------------------------------


def test_log_uniform_sampler_matches_its_distribution():
    g = torch.Generator().manual_seed(0)
    samples = log_uniform_sample(20, 200_000, g)
    freq = torch.bincount(samples, minlength=20).double() / 200_000
    torch.testing.assert_close(freq, log_uniform_log_prob(torch.arange(20), 20).exp().double(), atol=3e-3, rtol=0)


def test_sampled_softmax_approaches_the_exact_loss():
    torch.manual_seed(0)
    hidden, weight, bias = torch.randn(50, 8), torch.randn(30, 8) / 2, torch.randn(30) / 2
    targets = torch.randint(0, 30, (50,))
    exact = F.cross_entropy(hidden @ weight.T + bias, targets)
    g = torch.Generator().manual_seed(0)
    estimate = sampled_softmax_loss(hidden, targets, weight, bias, 200_000, g)
    assert abs(float(estimate) - float(exact)) < 0.01 * float(exact)


def test_sampled_training_loss_runs_and_skips_padding():
    model = tiny(n_words=50, n_samples=16).train()
    chars, _ = CharEncoder(8).encode_batch([["a", "bank"], ["the", "river", "bank"]])
    targets = torch.tensor([[0, 2, 5, 0, IGNORE], [0, 3, 4, 5, 0]])
    logits, loss = model(chars, targets)
    assert logits is None and torch.isfinite(loss)
    loss.backward()
    assert model.softmax.weight.grad is not None
    model.eval()
    logits, exact = model(chars, targets)
    assert logits.shape == (2, 2, 4, 50)


@torch.no_grad()
def test_layer0_is_the_normalised_token_encoding():
    chars, lengths = CharEncoder(8).encode_batch([["a", "river", "bank"]])
    model = tiny()
    x = model.layers(chars, lengths)[0]
    torch.testing.assert_close(
        x,
        torch.nn.functional.layer_norm(
            model.token_encoder(chars), (6,), model.token_norm.weight, model.token_norm.bias
        ),
    )
    plain = tiny(token_norm=False)
    torch.testing.assert_close(plain.layers(chars, lengths)[0], plain.token_encoder(chars))


def test_token_nll_per_sentence_matches_evaluate_and_the_softmax_by_hand():
    """token_nll_bilm: one value per predicted token, sentences in corpus order, means = evaluate_bilm's."""
    import numpy as np

    from course.data import Vocab
    from course.elmo.batching import BiLMCorpus
    from course.elmo.train import evaluate_bilm, token_nll_bilm

    sentences = [["the", "cat", "sat"], ["a", "dog"], ["the", "dog", "sat", "down", "here"], ["cat"]]
    vocab = Vocab(specials=("</s>",)).fit(sentences)
    torch.manual_seed(0)
    model = tiny(n_words=len(vocab)).eval()
    corpus = BiLMCorpus(sentences, vocab, CharEncoder(model.config.max_word_length))
    forward, backward = token_nll_bilm(model, corpus, batch_tokens=8)  # several length groups, shuffled order
    assert forward.shape == backward.shape == (sum(len(s) + 1 for s in sentences),)
    fwd, bwd = evaluate_bilm(model, corpus)
    assert forward.mean() == pytest.approx(fwd.nll, rel=1e-5) and backward.mean() == pytest.approx(bwd.nll, rel=1e-5)
    # the second sentence's tokens, by hand: forward predicts a, dog, </s>; backward </s>(=<s>), a, dog
    chars, targets = corpus.batch([1])
    with torch.no_grad():
        logits = model.direction_logits(chars, torch.tensor([targets.shape[1]]))
    logp = [torch.log_softmax(lg[0], dim=-1) for lg in logits]
    ids = targets[0].tolist()  # <S> a dog </S>
    by_hand_f = [-float(logp[0][k, ids[k + 1]]) for k in range(3)]
    by_hand_b = [-float(logp[1][k - 1, ids[k - 1]]) for k in range(1, 4)]  # position k predicts t_{k-1}
    np.testing.assert_allclose(forward[4:7], by_hand_f, rtol=1e-5)
    np.testing.assert_allclose(backward[4:7], by_hand_b, rtol=1e-5)

"""Characters, highway layers, the character CNN and ScalarMix (course.elmo)."""

import pytest
import torch

from course.elmo import CharCNNEncoder, CharEncoder, Highway, ScalarMix
from course.elmo.chars import BOS, BOW, EOS, EOW, N_CHARS, PAD

pytestmark = pytest.mark.usefixtures("one_thread")


# --- characters --------------------------------------------------------------------------------


def test_unseen_words_and_any_script_get_characters():
    enc = CharEncoder(max_word_length=12)
    for word in ["zyzzyva", "qwxrtp", "café", "ελμο"]:
        ids = enc.encode_word(word)
        assert len(ids) == 12 and ids[0] == BOW
        assert EOW in ids and all(0 <= i < N_CHARS for i in ids)
        assert enc.decode_word(ids) == word
    assert enc.encode_word("bank") != enc.encode_word("banks")


def test_markers_padding_and_truncation():
    enc = CharEncoder(max_word_length=6)
    assert enc.encode_word("ab") == [BOW, ord("a") + 5, ord("b") + 5, EOW, PAD, PAD]
    assert enc.encode_word("abcdefgh") == [BOW, *(ord(c) + 5 for c in "abcd"), EOW]  # cut to W - 2 bytes
    assert enc.encode_word("<S>") == [BOW, BOS, EOW, PAD, PAD, PAD]
    assert enc.encode_word("</S>") == [BOW, EOS, EOW, PAD, PAD, PAD]


def test_encode_batch_adds_boundaries_and_pads():
    enc = CharEncoder(max_word_length=5)
    chars, lengths = enc.encode_batch([["a", "b", "c"], ["d"]])
    assert chars.shape == (2, 5, 5) and lengths.tolist() == [5, 3]
    assert chars[1, 3:].eq(PAD).all() and chars[0, 0, 1] == BOS and chars[0, 4, 1] == EOS
    plain, lengths = enc.encode_batch([["a"]], add_boundaries=False)
    assert plain.shape == (1, 1, 5) and lengths.tolist() == [1]


def test_char_encoder_validates():
    with pytest.raises(ValueError, match="'max_word_length' parameter of CharEncoder"):
        CharEncoder(max_word_length=2)
    with pytest.raises(TypeError, match="tokenized sentences"):
        CharEncoder().encode_batch(["not tokenized"])


# --- highway -----------------------------------------------------------------------------------


def test_highway_matches_its_equation():
    torch.manual_seed(0)
    layer = Highway(5, n_layers=1)
    x = torch.randn(7, 5)
    w, b = layer.layers[0].weight, layer.layers[0].bias
    h = torch.relu(x @ w[:5].T + b[:5])
    t = torch.sigmoid(x @ w[5:].T + b[5:])
    expected = t * h + (1 - t) * x
    torch.testing.assert_close(layer(x), expected)


def test_highway_gate_closed_is_identity_and_open_is_transform():
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    closed = Highway(3, n_layers=2, gate_bias=-1e4)
    torch.testing.assert_close(closed(x), x)
    opened = Highway(3, n_layers=1, gate_bias=1e4)
    lin = opened.layers[0]
    torch.testing.assert_close(opened(x), torch.relu(x @ lin.weight[:3].T + lin.bias[:3]))
    assert torch.allclose(Highway(3).layers[0].bias[3:], torch.tensor(-1.0))  # starts near carrying


def test_highway_gradients_match_finite_differences():
    torch.manual_seed(0)
    layer = Highway(3, n_layers=2).double()
    x = torch.randn(2, 3, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(layer, (x,))


# --- character CNN -----------------------------------------------------------------------------


def _encoder():
    torch.manual_seed(0)
    return CharCNNEncoder(N_CHARS, char_dim=4, filters=((1, 3), (2, 4), (3, 5)), n_highway=1, projection_dim=6)


def test_char_cnn_equals_encoding_each_token_alone():
    enc, chars = _encoder(), CharEncoder(max_word_length=8)
    batch, _ = chars.encode_batch([["the", "bank", "the"], ["bank", "zyzzyva"]])
    out = enc(batch)
    for b in range(batch.shape[0]):
        for t in range(batch.shape[1]):
            alone = enc(batch[b, t].view(1, 1, -1))[0, 0]
            torch.testing.assert_close(out[b, t], alone)


def test_char_cnn_max_pooling_by_hand():
    enc = _encoder()
    enc.highway = Highway(enc.n_features, n_layers=1, gate_bias=-1e4)  # identity
    ids = torch.tensor(CharEncoder(8).encode_word("abc")).view(1, 1, -1)
    e = enc.char_embedding(ids[0, 0])  # (W, d_c)
    pooled = []
    for conv, (width, count) in zip(enc.convolutions, enc.filters):
        windows = torch.stack([e[i : i + width].T.reshape(-1) for i in range(8 - width + 1)])  # (P, d_c*w)
        scores = windows @ conv.weight.reshape(count, -1).T + conv.bias  # (P, count)
        pooled.append(torch.relu(scores.max(dim=0).values))
    expected = enc.projection(torch.cat(pooled))
    torch.testing.assert_close(enc(ids)[0, 0], expected)


def test_char_cnn_validates():
    with pytest.raises(ValueError, match="'filters' parameter of CharCNNEncoder"):
        CharCNNEncoder(N_CHARS, filters=())
    with pytest.raises(ValueError, match="widest filter"):
        _encoder()(torch.ones(1, 1, 2, dtype=torch.long))


# --- ScalarMix ---------------------------------------------------------------------------------


def test_scalar_mix_weights_sum_to_one():
    mix = ScalarMix(3)
    with torch.no_grad():
        mix.scalar_parameters.copy_(torch.tensor([0.3, -2.0, 1.5]))
    s = mix.weights
    assert torch.isclose(s.sum(), torch.tensor(1.0)) and (s > 0).all()
    torch.testing.assert_close(s, torch.softmax(torch.tensor([0.3, -2.0, 1.5]), 0))


def test_scalar_mix_equal_weights_give_the_mean_and_gamma_scales():
    torch.manual_seed(0)
    layers = torch.randn(3, 4, 5, 6)  # (L+1, B, T, D)
    torch.testing.assert_close(ScalarMix(3)(layers), layers.mean(0))
    torch.testing.assert_close(ScalarMix(3, gamma=2.5)(layers), 2.5 * layers.mean(0))
    torch.testing.assert_close(ScalarMix(3)(list(layers)), layers.mean(0))


def test_scalar_mix_formula_and_gradients():
    torch.manual_seed(0)
    layers = torch.randn(3, 2, 4)
    mix = ScalarMix(3, gamma=0.7)
    with torch.no_grad():
        mix.scalar_parameters.copy_(torch.tensor([1.0, 0.0, -1.0]))
    s = torch.softmax(torch.tensor([1.0, 0.0, -1.0]), 0)
    torch.testing.assert_close(mix(layers), 0.7 * (s[0] * layers[0] + s[1] * layers[1] + s[2] * layers[2]))
    mix(layers).sum().backward()
    assert mix.scalar_parameters.grad is not None and mix.gamma.grad is not None


def test_scalar_mix_layer_norm_and_errors():
    torch.manual_seed(0)
    layers = 10 * torch.randn(2, 3, 8) + 4
    out = ScalarMix(2, layer_norm=True)(torch.stack([layers[0], layers[0]]))
    torch.testing.assert_close(out.mean(-1), torch.zeros(3), atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="built for 2 layers but got 3"):
        ScalarMix(2)(torch.randn(3, 4))
    with pytest.raises(TypeError, match="'layer_norm' parameter of ScalarMix must be a bool"):
        ScalarMix(2, layer_norm=1)
    frozen = ScalarMix(2, trainable=False)
    assert not frozen.scalar_parameters.requires_grad

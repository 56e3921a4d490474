"""The layers API: layer 0 is context-independent, layers 1..L are not; checkpoints; training."""

import math

import numpy as np
import pytest
import torch

from course.data import Vocab
from course.elmo import BiLM, BiLMConfig, CharEncoder
from course.elmo.batching import BiLMCorpus
from course.elmo.checkpoint import ChecksumMismatch, file_sha256, load_checkpoint, save_checkpoint
from course.elmo.embed import embed_sentences
from course.elmo.train import TrainConfig, evaluate_bilm, train_bilm

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny(n_words=7, seed=0):
    torch.manual_seed(seed)
    return BiLM(
        BiLMConfig(
            n_words=n_words,
            max_word_length=8,
            char_dim=4,
            filters=((1, 4), (2, 4)),
            n_highway=1,
            projection_dim=6,
            hidden_size=6,
            dropout=0.0,
        )
    )


def test_layer0_is_context_independent_and_layers_1_2_are_not():
    model = tiny()
    sentences = [["he", "sat", "on", "the", "bank"], ["the", "bank", "lends", "money"], ["bank"]]
    layers = embed_sentences(model, sentences)
    a, b, c = layers[0][:, 4], layers[1][:, 1], layers[2][:, 0]  # "bank" in each: (L+1, 2d)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-6)
    np.testing.assert_allclose(a[0], c[0], rtol=1e-6)
    for j in (1, 2):
        assert not np.allclose(a[j], b[j], atol=1e-4)


def test_layer0_is_the_token_vector_duplicated_and_layers_stack_both_directions():
    model = tiny()
    [layers] = embed_sentences(model, [["the", "river", "bank"]])
    assert layers.shape == (3, 3, 12)
    np.testing.assert_allclose(layers[0, :, :6], layers[0, :, 6:])
    chars, lengths = CharEncoder(8).encode_batch([["the", "river", "bank"]])
    with torch.no_grad():
        x, fwd, bwd = model.layers(chars, lengths)
    np.testing.assert_allclose(layers[0, :, :6], x[0, 1:4].numpy(), rtol=1e-6)
    np.testing.assert_allclose(layers[2, :, :6], fwd[1][0, 1:4].numpy(), rtol=1e-6)
    np.testing.assert_allclose(layers[2, :, 6:], bwd[1][0, 1:4].numpy(), rtol=1e-6)


def test_embedding_does_not_depend_on_batching():
    model = tiny()
    sentences = [["a", "b", "c", "d"], ["e"], ["f", "g"], []]
    together = embed_sentences(model, sentences, batch_tokens=10_000)
    apart = embed_sentences(model, sentences, batch_tokens=1)
    assert together[3].shape == (3, 0, 12)
    for x, y in zip(together, apart):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_embedding_restores_training_mode():
    model = tiny().train()
    embed_sentences(model, [["a"]])
    assert model.training


# --- checkpoints -----------------------------------------------------------------------------------


def test_checkpoint_round_trip_with_weights_only(tmp_path):
    vocab = Vocab(specials=("</s>",)).fit([["a", "b", "a"]])
    model = tiny(n_words=len(vocab))
    path = tmp_path / "bilm.pt"
    digest = save_checkpoint(path, model, vocab, {"seed": 0, "ppl": [1.5, 2.5]})
    assert digest == file_sha256(path)
    raw = torch.load(path, weights_only=True)  # plain data only: loads without unpickling code
    assert raw["format"] == 1 and raw["config"]["n_words"] == len(vocab)
    loaded = load_checkpoint(path, sha256=digest)
    assert loaded.meta == {"seed": 0, "ppl": [1.5, 2.5]} and loaded.sha256 == digest
    assert loaded.vocab.index_to_key == vocab.index_to_key and loaded.vocab.encode(["zzz"]) == [1]
    for k, v in model.state_dict().items():
        assert torch.equal(v, loaded.model.state_dict()[k]), k
    assert not loaded.model.training


def test_checkpoint_half_precision_loads_as_float32(tmp_path):
    vocab = Vocab(specials=("</s>",)).fit([["a"]])
    model = tiny(n_words=len(vocab))
    save_checkpoint(tmp_path / "h.pt", model, vocab, half=True)
    loaded = load_checkpoint(tmp_path / "h.pt").model
    w = loaded.softmax.weight
    assert w.dtype == torch.float32
    torch.testing.assert_close(w, model.softmax.weight.detach(), atol=1e-3, rtol=1e-3)


def test_checkpoint_sha256_mismatch_says_what_to_do(tmp_path):
    vocab = Vocab(specials=("</s>",)).fit([["a"]])
    path = tmp_path / "bilm.pt"
    save_checkpoint(path, tiny(n_words=len(vocab)), vocab)
    with pytest.raises(ChecksumMismatch, match=r"has sha256 [0-9a-f]{64}, but 0{64} was expected.*retrain it"):
        load_checkpoint(path, sha256="0" * 64)
    with pytest.raises(FileNotFoundError, match="python -m course.elmo.train"):
        load_checkpoint(tmp_path / "missing.pt")
    with pytest.raises(ValueError, match="vocabulary has 3 words but the model's softmax has 7"):
        save_checkpoint(path, tiny(n_words=7), vocab)


# --- training ----------------------------------------------------------------------------------


def test_training_lowers_both_perplexities_below_uniform():
    sentences = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "dog", "ran"]] * 6
    vocab = Vocab(specials=("</s>",)).fit(sentences)
    model = tiny(n_words=len(vocab))
    data = BiLMCorpus(sentences, vocab, CharEncoder(8))
    before = evaluate_bilm(model, data)
    history = train_bilm(
        model,
        data,
        data,
        TrainConfig(epochs=60, batch_tokens=100, lr=3e-2, min_lr=3e-3, eval_interval=20),
        progress=False,
    )
    after = evaluate_bilm(model, data)
    assert after[0].tokens == after[1].tokens == data.n_tokens == 18 * 4
    assert after[0].perplexity < before[0].perplexity / 2 and after[1].perplexity < before[1].perplexity / 2
    assert history.eval_step and math.isclose(history.best_valid_loss, min(history.valid_loss))
    assert math.isclose(history.best_valid_loss, after[0].nll + after[1].nll, rel_tol=1e-5)


def test_training_refuses_truncated_bptt():
    sentences = [["a", "b"]]
    vocab = Vocab(specials=("</s>",)).fit(sentences)
    data = BiLMCorpus(sentences, vocab, CharEncoder(8))
    with pytest.raises(ValueError, match="bptt must be None"):
        train_bilm(tiny(n_words=len(vocab)), data, data, TrainConfig(bptt=2), progress=False)


def test_corpus_needs_eos_and_unk():
    with pytest.raises(ValueError, match="no '</s>' token"):
        BiLMCorpus([["a"]], Vocab().fit([["a"]]), CharEncoder(8))
    with pytest.raises(ValueError, match="needs an unk token"):
        BiLMCorpus([["a"]], Vocab(unk=None, specials=("</s>",)).fit([["a"]]), CharEncoder(8))

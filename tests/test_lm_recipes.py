"""The shared recipe: the capped-vocabulary corpus, cached training, the Kneser-Ney baseline."""

import dataclasses

import numpy as np
import pytest
import torch

from course.data import Vocab
from course.lm.batching import encode_rows
from course.lm.ngram import NGramLM
from course.lm.recipes import (
    EOS,
    NNLM_TRAIN,
    RNNLM_TRAIN,
    LMCorpus,
    kneser_ney,
    top_next_words,
    trained_nnlm,
    trained_rnnlm,
)

pytestmark = pytest.mark.usefixtures("one_thread")


def toy_corpus(max_size=6):
    train = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"], ["the", "bird", "flew"]] * 5
    valid = [["the", "cat", "ran"], ["a", "dog", "sat"]]
    test = [["the", "dog", "ran"], ["a", "zebra", "sat"], []]
    vocab = Vocab(max_size=max_size, specials=(EOS,)).fit(train)
    sentences = {"train": train, "valid": valid, "test": test}
    rows = {k: encode_rows(v, vocab) for k, v in sentences.items()}
    return LMCorpus(vocab, sentences, rows, checksum="toy")


def test_corpus_counts_unk_and_eos_like_the_ngram_model():
    corpus = toy_corpus()
    assert corpus.vocab.index_to_key[:2] == ["</s>", "<unk>"]
    kn = NGramLM(order=2, estimator="kn", vocab=corpus.vocab).fit(corpus.sentences["train"])
    assert kn.vocabulary_size_ == len(corpus.vocab.index_to_key)  # same predicted vocabulary
    assert len(kn.token_logprobs(corpus.sentences["test"])) == corpus.tokens("test") == 9
    assert corpus.encode_context(["the", "zebra"]) == [0, corpus.vocab.key_to_index["the"], 1]


def test_trained_models_are_cached_and_reloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    corpus = toy_corpus()
    small = {"context_size": 2, "vector_size": 4, "hidden_size": 8}
    cfg = dataclasses.replace(NNLM_TRAIN, max_tokens=200, batch_tokens=32, eval_interval=5)
    model, history = trained_nnlm(corpus, config=cfg, progress=False, **small)
    again, history2 = trained_nnlm(corpus, config=cfg, progress=False, **small)
    assert not history.from_cache and history2.from_cache
    assert torch.equal(model.C, again.C)
    rcfg = dataclasses.replace(RNNLM_TRAIN, max_tokens=200, batch_tokens=32, eval_interval=5)
    rnn, h = trained_rnnlm(corpus, config=rcfg, progress=False, hidden_size=8)
    rnn_fast, h2 = trained_rnnlm(corpus, config=rcfg, progress=False, hidden_size=8, fast=True)
    assert h2.from_cache and rnn_fast.fast and torch.equal(rnn.W, rnn_fast.W)  # the fast switch does not change the key


def test_kneser_ney_picks_the_order_on_valid_and_top_words_agree():
    corpus = toy_corpus()
    kn, valid = kneser_ney(corpus, orders=(1, 2, 3))
    assert kn.order == min(valid, key=valid.get)
    top = top_next_words(kn, corpus, ["the"], k=3)
    probs = kn.next_word_probs(["the"])
    assert [w for w, _ in top][0] == kn.index_to_key_[int(np.argmax(probs))]
    assert all(0 < p <= 1 for _, p in top)

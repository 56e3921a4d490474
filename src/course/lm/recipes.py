"""The language-model data and the trained neural language models that chapters share.

Chapters 02 (NNLM), 03 (RNNLM), 08 (evaluation) and 09 (ELMo) compare and reuse the same models,
so their recipe lives here, once:

* :func:`lm_corpus`: the language-model split of the course corpus (``subset="lm"``) with a
  *capped vocabulary*: the ``max_size`` most frequent words of the LM train split, every other
  word mapped to ``<unk>`` (which is predicted like any word), plus ``</s>``;
* :func:`trained_nnlm`, :func:`trained_rnnlm`: the models of chapters 02 and 03 with their
  hyperparameters and training configuration, trained once and then loaded from the cache
  (:func:`course.lm.train.train_cached`, keyed by all of these and the corpus checksum);
* :func:`kneser_ney`: the n-gram baseline of chapter 01 fitted on the same vocabulary, its order
  chosen on the validation split.

Every model predicts the same tokens with the same vocabulary (every word of a sentence and its
``</s>``, out-of-vocabulary words as ``<unk>``, no context across sentences), so their
perplexities are comparable. Usage (trains on a cold cache, loads otherwise)::

    corpus = lm_corpus()
    nnlm, history = trained_nnlm(corpus)

>>> NNLM_TRAIN.max_tokens == RNNLM_TRAIN.max_tokens      # the same budget of training tokens
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..base.validation import check_tokens
from .batching import count_targets, encode_rows
from .nnlm import NNLM
from .rnnlm import RNNLM
from .train import History, TrainConfig, train_cached, vocab_fingerprint

__all__ = [
    "VOCAB_SIZE",
    "EOS",
    "NNLM_HPARAMS",
    "NNLM_TRAIN",
    "RNNLM_HPARAMS",
    "RNNLM_TRAIN",
    "LMCorpus",
    "lm_corpus",
    "trained_nnlm",
    "trained_rnnlm",
    "kneser_ney",
    "top_next_words",
]

VOCAB_SIZE = 10_000  # words kept (most frequent in LM train); <unk> and </s> come on top
EOS = "</s>"  # sentence boundary: predicted at the end of each sentence, read at its start

#: NNLM of chapter 02: 4 previous words (a 5-gram model), 64 features per word, 64 hidden units.
NNLM_HPARAMS = {"context_size": 4, "vector_size": 64, "hidden_size": 64, "direct": False, "seed": 0}
#: The training run of chapter 02: a fixed budget of training tokens (under a minute on two
#: cores). Batch size and learning rate were picked on the validation split for this budget
#: (the same small grid for both neural models): small batches give more updates per token.
NNLM_TRAIN = TrainConfig(
    batch_tokens=256,
    max_tokens=400_000,
    lr=1e-2,
    min_lr=1e-3,
    warmup_steps=20,
    eval_interval=400,
    eval_tokens=20_000,
    patience=3,
    grad_clip=1.0,
    seed=0,
)
#: RNNLM of chapter 03: 64 hidden units (= the size of its word vectors).
RNNLM_HPARAMS = {"hidden_size": 64, "nonlinearity": "tanh", "seed": 0}
#: The training run of chapter 03: the same budget of tokens, truncated BPTT over 20 steps, and a
#: lower learning rate (at 1e-2 the recurrent weights grow until tanh saturates).
RNNLM_TRAIN = TrainConfig(
    batch_tokens=256,
    bptt=20,
    max_tokens=400_000,
    lr=5e-3,
    min_lr=5e-4,
    warmup_steps=20,
    eval_interval=400,
    eval_tokens=20_000,
    patience=3,
    grad_clip=1.0,
    seed=0,
)


@dataclass(frozen=True)
class LMCorpus:
    """The LM split, tokenized and encoded with one capped vocabulary."""

    vocab: object  # course.data.Vocab: specials ("</s>",), then "<unk>", then the kept words
    sentences: dict[str, list[list[str]]]  # "train" / "valid" / "test": tokenized sentences
    rows: dict[str, list[np.ndarray]] = field(repr=False)  # the same, encoded (encode_rows)
    checksum: str = ""  # course.data.corpus_checksum("lm")

    @property
    def data_key(self) -> dict:
        """What identifies the data beyond the corpus checksum (part of checkpoint keys)."""
        return {"subset": "lm", "vocab": vocab_fingerprint(self.vocab.index_to_key)}

    def tokens(self, split: str) -> int:
        """Predicted tokens of a split: its words plus one ``</s>`` per sentence."""
        return count_targets(self.rows[split])

    def encode_context(self, words: Sequence[str]) -> list[int]:
        """Ids of ``</s> w1 ... wk``: the start of a sentence, out-of-vocabulary words as ``<unk>``."""
        words = check_tokens(words, "words", "LMCorpus.encode_context")  # list("the cat") would spell it
        return [self.vocab.key_to_index[EOS], *self.vocab.encode(list(words))]


@functools.lru_cache(maxsize=2)
def lm_corpus(max_size: int = VOCAB_SIZE) -> LMCorpus:
    """Load the LM split and encode it with the ``max_size`` most frequent words of LM train."""
    from ..data import Vocab, corpus_checksum, load_sentences

    sentences = {split: load_sentences(split, subset="lm") for split in ("train", "valid", "test")}
    vocab = Vocab(max_size=max_size, unk="<unk>", specials=(EOS,)).fit(sentences["train"])
    rows = {split: encode_rows(s, vocab, eos=EOS) for split, s in sentences.items()}
    return LMCorpus(vocab, sentences, rows, corpus_checksum("lm"))


def trained_nnlm(
    corpus: LMCorpus | None = None, *, config: TrainConfig = NNLM_TRAIN, progress: bool = True, **hparams
) -> tuple[NNLM, History]:
    """The NNLM of chapter 02 (``hparams`` override :data:`NNLM_HPARAMS`), trained or cached."""
    corpus = corpus or lm_corpus()
    model = NNLM(len(corpus.vocab.index_to_key), **{**NNLM_HPARAMS, **hparams})
    history = train_cached(
        model,
        corpus.rows["train"],
        corpus.rows["valid"],
        config,
        corpus_checksum=corpus.checksum,
        data_key=corpus.data_key,
        progress=progress,
    )
    return model, history


def trained_rnnlm(
    corpus: LMCorpus | None = None,
    *,
    config: TrainConfig = RNNLM_TRAIN,
    progress: bool = True,
    fast: bool = False,
    **hparams,
) -> tuple[RNNLM, History]:
    """The RNNLM of chapter 03 (``hparams`` override :data:`RNNLM_HPARAMS`), trained or cached.

    ``fast`` picks the loop or PyTorch's fused kernel; it is not part of the key (same weights).
    """
    corpus = corpus or lm_corpus()
    model = RNNLM(len(corpus.vocab.index_to_key), fast=fast, **{**RNNLM_HPARAMS, **hparams})
    history = train_cached(
        model,
        corpus.rows["train"],
        corpus.rows["valid"],
        config,
        corpus_checksum=corpus.checksum,
        data_key=corpus.data_key,
        progress=progress,
    )
    return model, history


def kneser_ney(corpus: LMCorpus | None = None, orders: Sequence[int] = (2, 3, 4, 5)):
    """Interpolated Kneser-Ney on the same vocabulary, its order chosen on the validation split.

    Returns
    -------
    model : course.lm.ngram.NGramLM
        The model of the best order, fitted on LM train.
    valid_perplexity : dict of int to float
        Validation perplexity of every order tried.
    """
    from .ngram import NGramLM

    corpus = corpus or lm_corpus()
    models, valid = {}, {}
    for n in orders:
        models[n] = NGramLM(order=n, estimator="kn", vocab=corpus.vocab).fit(corpus.sentences["train"])
        valid[n] = models[n].perplexity(corpus.sentences["valid"])
    best = min(valid, key=valid.get)
    return models[best], valid


def top_next_words(model, corpus: LMCorpus, words: Sequence[str], k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` most probable next words after the sentence start ``words``, with probabilities.

    ``model`` is a neural LM of the course or a fitted ``NGramLM`` on ``corpus.vocab``.
    """
    from .train import next_token_probs

    if hasattr(model, "next_word_probs"):  # an n-gram model: its ids start with the vocabulary's
        probs = np.asarray(model.next_word_probs(list(words)))[: len(corpus.vocab.index_to_key)]
    else:
        probs = next_token_probs(model, corpus.encode_context(words)).numpy()
    top = np.argsort(-probs, kind="stable")[:k]
    return [(corpus.vocab.index_to_key[i], float(probs[i])) for i in top]

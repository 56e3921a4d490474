"""Minibatches for the biLM: characters in, word ids out.

The biLM reads every token through its characters (:mod:`course.elmo.chars`) and predicts word
ids of a capped vocabulary (:class:`course.data.Vocab`, out-of-vocabulary words as ``<unk>``).
:class:`BiLMCorpus` encodes each distinct token type once: a table of character rows and a
table of target ids, and each sentence becomes an array of type ids
``[<S>, t_1, ..., t_N, </S>]``. A minibatch is then two lookups.

Both boundaries share one target id, the vocabulary's ``</s>`` (the forward LM predicts it after
the last word, the backward LM before the first word, never the other one), which is exactly the
treatment of the course's other language models (``course.lm.batching``): every word and one
boundary per sentence are predicted. The *inputs* keep ``<S>`` and ``</S>`` apart (their
spellings differ), so the model knows which end it is at.

>>> from course.data import Vocab
>>> sentences = [["the", "bank"], ["a", "river", "bank"]]
>>> vocab = Vocab(specials=("</s>",)).fit(sentences)
>>> corpus = BiLMCorpus(sentences, vocab, CharEncoder(max_word_length=8))
>>> [corpus.types[i] for i in corpus.rows[0]]
['<S>', 'the', 'bank', '</S>']
>>> chars, targets = corpus.batch([0, 1])
>>> tuple(chars.shape), targets.tolist()
((2, 5, 8), [[0, 5, 2, 0, -100], [0, 3, 4, 2, 0]])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..base.batching import group_by_length
from ..base.validation import check_sentences, check_token_values
from .bilm import IGNORE
from .chars import BOS_TOKEN, EOS_TOKEN, PAD, CharEncoder

__all__ = ["BiLMCorpus"]


class BiLMCorpus:
    """Tokenized sentences encoded for the biLM.

    Parameters
    ----------
    sentences : sequence of list of str
        Tokenized sentences; empty ones are skipped.
    vocab : course.data.Vocab
        The softmax vocabulary, fitted with ``specials=("</s>",)`` and an ``unk`` token.
    char_encoder : CharEncoder
    eos : str, default="</s>"
        The vocabulary's boundary token.

    Attributes
    ----------
    types : list of str
        Distinct tokens (the boundaries first).
    type_chars : LongTensor of shape (n_types + 1, W)
        Character ids of each type; the last row is all padding (the padding type).
    type_targets : LongTensor of shape (n_types + 1,)
        Word id of each type; :data:`IGNORE <course.elmo.bilm.IGNORE>` for the padding type.
    rows : list of ndarray
        Type ids of each sentence, boundaries included.
    n_tokens : int
        Predicted tokens per direction: words plus one boundary per sentence.
    """

    def __init__(self, sentences: Sequence[Sequence[str]], vocab, char_encoder: CharEncoder, eos: str = "</s>"):
        if eos not in vocab.key_to_index:
            raise ValueError(f"The vocabulary has no {eos!r} token; fit it with specials=({eos!r},).")
        if getattr(vocab, "unk", None) is None:
            raise ValueError("The biLM's vocabulary needs an unk token (Vocab(unk='<unk>')): it predicts every word.")
        owner = "BiLMCorpus"
        sentences = check_sentences(sentences, "sentences", owner)
        type_index = {BOS_TOKEN: 0, EOS_TOKEN: 1}
        rows = []
        try:
            for sentence in sentences:
                if len(sentence) == 0:
                    continue
                ids = [0]
                for token in sentence:
                    i = type_index.get(token)
                    if i is None:
                        i = type_index[token] = len(type_index)
                    ids.append(i)
                ids.append(1)
                rows.append(np.asarray(ids, dtype=np.int64))
        except TypeError:  # an unhashable token: say where
            check_sentences(sentences, "sentences", owner, tokens=True)
            raise
        check_token_values(type_index, "sentences", owner, sentences)  # per distinct token: cheap
        self.types = list(type_index)
        self.rows = rows
        self.char_encoder = char_encoder
        chars = [char_encoder.encode_word(t) for t in self.types] + [[PAD] * char_encoder.max_word_length]
        self.type_chars = torch.tensor(chars, dtype=torch.long)
        eos_id = vocab.key_to_index[eos]
        targets = [eos_id, eos_id, *vocab.encode(self.types[2:]), IGNORE]
        self.type_targets = torch.tensor(targets, dtype=torch.long)
        self.n_tokens = int(sum(len(r) - 1 for r in rows))

    def __len__(self) -> int:
        return len(self.rows)

    def batch(self, indices: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """Characters and targets of some sentences, padded to the longest.

        Returns
        -------
        chars : LongTensor of shape (B, T, W)
        targets : LongTensor of shape (B, T)
            Word ids of every position, :data:`IGNORE <course.elmo.bilm.IGNORE>` at padding.
        """
        rows = [self.rows[i] for i in indices]
        steps = max(len(r) for r in rows)
        pad_type = len(self.types)
        ids = np.full((len(rows), steps), pad_type, dtype=np.int64)
        for b, r in enumerate(rows):
            ids[b, : len(r)] = r
        ids = torch.from_numpy(ids)  # (B, T)
        return self.type_chars[ids], self.type_targets[ids]

    def batches(self, batch_tokens: int, shuffle: bool = False, seed: int | None = None):
        """Yield ``(chars, targets)`` minibatches of sentences of similar length.

        Sentences are sorted by length (ties broken at random when ``shuffle``) and cut into
        groups whose padded size ``B x T`` stays within ``batch_tokens`` (a longer sentence goes
        alone); the groups come in random order when ``shuffle``.

        Parameters
        ----------
        batch_tokens : int
            Budget of padded positions per minibatch.
        shuffle : bool, default=False
        seed : int or None, default=None
            Required when ``shuffle``.
        """
        for group in self.groups(batch_tokens, shuffle=shuffle, seed=seed):
            yield self.batch(group)

    def groups(self, batch_tokens: int, shuffle: bool = False, seed: int | None = None) -> list[list[int]]:
        """Sentence indices of each minibatch of :meth:`batches`
        (:func:`course.base.batching.group_by_length` of the sentences' lengths)."""
        return group_by_length(
            [len(r) for r in self.rows], batch_tokens, shuffle=shuffle, seed=seed, owner="BiLMCorpus.batches"
        )

    def n_batches(self, batch_tokens: int) -> int:
        """How many minibatches :meth:`batches` yields."""
        return len(group_by_length([len(r) for r in self.rows], batch_tokens, owner="BiLMCorpus.n_batches"))

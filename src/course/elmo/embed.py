r"""All layers of the biLM for a batch of sentences: the raw material of ELMo.

For token :math:`k` the biLM gives :math:`L + 1` representations (Peters et al. 2018, section 3.2):

.. math::

    h_{k,0} = [x_k; x_k], \qquad
    h_{k,j} = [\overrightarrow{h}_{k,j}; \overleftarrow{h}_{k,j}] \quad (j = 1 \dots L)

Layer 0 is the token encoder's output :math:`x_k`, which depends on the word's characters only;
as in the paper (and AllenNLP) it is duplicated so that every layer has size :math:`2d` and layers
can be mixed (:class:`~course.elmo.scalar_mix.ScalarMix`). Layers 1..L put side by side the forward
state (which has read the sentence up to and including the word) and the backward state (which has
read it from the end back to the word): they depend on the whole sentence. The boundary tokens
``<S>`` and ``</S>`` are read but not returned.

>>> from course.elmo import BiLM, BiLMConfig
>>> model = BiLM(BiLMConfig(n_words=5, max_word_length=8, filters=((1, 4), (2, 4)), projection_dim=3))
>>> layers = embed_sentences(model, [["the", "river", "bank"], ["a", "bank"]])
>>> [v.shape for v in layers]  # (L + 1, n_i, 2d) per sentence
[(3, 3, 6), (3, 2, 6)]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..base.batching import group_by_length
from ..base.validation import check_int, check_sentences
from .bilm import BiLM
from .chars import CharEncoder

__all__ = ["layer_states", "embed_sentences"]


def layer_states(model: BiLM, chars: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Stack the biLM's layers for a padded batch (boundaries included).

    Parameters
    ----------
    model : BiLM
    chars : LongTensor of shape (B, T, W)
    lengths : LongTensor of shape (B,)

    Returns
    -------
    Tensor of shape (L + 1, B, T, 2d)
        Layer 0 is ``[x; x]``, layer ``j`` is ``[forward_j; backward_j]``.
    """
    x, fwd, bwd = model.layers(chars, lengths)
    layers = [torch.cat([x, x], dim=-1)] + [torch.cat([f, b], dim=-1) for f, b in zip(fwd, bwd)]
    return torch.stack(layers)  # (L+1, B, T, 2d)


@torch.no_grad()
def embed_sentences(model: BiLM, sentences: Sequence[Sequence[str]], *, batch_tokens: int = 4096) -> list[np.ndarray]:
    """Every layer's vector for every token of every sentence.

    Parameters
    ----------
    model : BiLM
        Used in eval mode (no dropout); its mode is restored afterwards.
    sentences : sequence of list of str
        Tokenized sentences (empty ones give arrays with 0 tokens).
    batch_tokens : int, default=4096
        Padded positions per forward pass (speed and memory only; results do not depend on it).

    Returns
    -------
    list of ndarray of shape (L + 1, n_i, 2d), float32
        One array per sentence, in the order given.
    """
    check_int(batch_tokens, "batch_tokens", "embed_sentences", low=1)
    # Every token is checked (a str would be spelled as one-letter words, '' as an empty word):
    # one test per token, nothing next to the biLM's forward pass.
    sentences = check_sentences(sentences, "sentences", "embed_sentences", tokens=True)
    encoder = CharEncoder(model.config.max_word_length)
    was_training = model.training
    model.eval()
    out: list[np.ndarray | None] = [None] * len(sentences)
    for group in group_by_length([len(s) + 2 for s in sentences], batch_tokens, owner="embed_sentences"):
        chars, lengths = encoder.encode_batch([sentences[i] for i in group])
        states = layer_states(model, chars, lengths).numpy()  # (L+1, B, T, 2d)
        for b, i in enumerate(group):
            out[i] = np.ascontiguousarray(states[:, b, 1 : int(lengths[b]) - 1])  # drop <S>, </S>
    model.train(was_training)
    return out  # type: ignore[return-value]

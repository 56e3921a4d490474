"""Turn tokenized sentences into the minibatches every language model of the course trains on.

Each sentence becomes one *row* of token ids ``[</s>, w1, ..., wn, </s>]``: the model reads
``[</s>, w1, ..., wn]`` and predicts ``[w1, ..., wn, </s>]``, so every word and the end of the
sentence are predicted, and the boundary token ``</s>`` doubles as the start symbol (as in
Mikolov's RNNLM toolkit; the n-gram model of chapter 01 pads with ``<s>`` instead, which conditions
on exactly the same information). Context never crosses a sentence boundary, so the n-gram, NNLM
and RNNLM numbers of the course are comparable.

Rows of similar length are grouped into a minibatch of about ``batch_tokens`` predicted tokens and
padded on the right (:func:`course.base.batching.group_by_length`); padded targets are
:data:`~course.base.batching.IGNORE_INDEX` and count for nothing.

>>> rows = [np.array([0, 5, 6, 0]), np.array([0, 7, 0])]
>>> idx, targets = pad_rows(rows)
>>> idx.tolist(), targets.tolist()
([[0, 5, 6], [0, 7, 0]], [[5, 6, 0], [7, 0, -100]])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import torch

from ..base.batching import IGNORE_INDEX, group_by_length
from ..base.validation import check_sentences

__all__ = ["encode_rows", "count_targets", "pad_rows", "group_rows", "make_batches", "chunks"]


def encode_rows(sentences: Iterable[Sequence[str]], vocab, eos: str = "</s>") -> list[np.ndarray]:
    """Encode tokenized sentences as rows ``[eos, w1, ..., wn, eos]`` of int64 ids.

    Parameters
    ----------
    sentences : iterable of list of str
        Tokenized sentences (``course.data.load_sentences``).
    vocab : course.data.Vocab
        Fitted vocabulary; it must contain ``eos``, and it maps out-of-vocabulary words to its
        ``<unk>`` token (or raises ``KeyError`` if it has none).
    eos : str, default="</s>"
        The sentence-boundary token.

    Returns
    -------
    list of ndarray of shape (n_i + 2,)
        One row per sentence, in order (an empty sentence still predicts its ``</s>``, as in the
        n-gram model, so row ``i`` and sentence ``i`` always match).
    """
    if eos not in vocab.key_to_index:
        raise ValueError(f"The vocabulary has no {eos!r} token; fit it with specials=({eos!r},).")
    sentences = check_sentences(sentences, "sentences", "encode_rows")  # a str would be read letter by letter
    eos_id = vocab.key_to_index[eos]
    rows = []
    for i, sentence in enumerate(sentences):
        try:
            ids = vocab.encode(sentence)  # checks the unknown tokens (the known ones are valid)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{exc} (in sentence {i} of the 'sentences' parameter of encode_rows)") from None
        rows.append(np.array([eos_id, *ids, eos_id], dtype=np.int64))
    return rows


def count_targets(rows: Sequence[np.ndarray]) -> int:
    """Number of predicted tokens in ``rows`` (every word plus one ``</s>`` per sentence).

    >>> count_targets([np.array([0, 5, 6, 0]), np.array([0, 7, 0])])
    5
    """
    return int(sum(len(r) - 1 for r in rows))


def pad_rows(rows: Sequence[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack rows into inputs and targets, padded on the right.

    Returns
    -------
    idx : LongTensor of shape (B, L)
        ``row[:-1]``, padded with the row's last token (never predicted from).
    targets : LongTensor of shape (B, L)
        ``row[1:]``, padded with ``IGNORE_INDEX``.
    """
    length = max(len(r) for r in rows) - 1
    idx = np.zeros((len(rows), length), dtype=np.int64)
    targets = np.full((len(rows), length), IGNORE_INDEX, dtype=np.int64)
    for i, row in enumerate(rows):
        n = len(row) - 1
        idx[i, :n] = row[:-1]
        idx[i, n:] = row[-1]
        targets[i, :n] = row[1:]
    return torch.from_numpy(idx), torch.from_numpy(targets)


def group_rows(
    rows: Sequence[np.ndarray], batch_tokens: int, *, shuffle: bool = False, seed: int | None = None
) -> list[list[int]]:
    """:func:`~course.base.batching.group_by_length` of the rows by the number of tokens each predicts.

    >>> group_rows([np.arange(n) for n in (3, 9, 4, 3)], batch_tokens=8)
    [[0, 3], [2], [1]]
    """
    return group_by_length([len(r) - 1 for r in rows], batch_tokens, shuffle=shuffle, seed=seed, owner="make_batches")


def make_batches(
    rows: Sequence[np.ndarray], batch_tokens: int, *, shuffle: bool = False, seed: int | None = None
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Padded minibatches of rows of similar length, about ``batch_tokens`` positions each.

    Parameters
    ----------
    rows : sequence of ndarray
        Encoded sentences (:func:`encode_rows`).
    batch_tokens : int
        Budget of padded positions ``B x L`` per minibatch.
    shuffle : bool, default=False
        Randomise the grouping and the order of the minibatches.
    seed : int or None, default=None
        Seed of the shuffle (required when ``shuffle``).

    Returns
    -------
    list of (LongTensor of shape (B, L), LongTensor of shape (B, L))
        ``(idx, targets)`` pairs from :func:`pad_rows`, grouped by :func:`group_rows`.

    Examples
    --------
    >>> rows = [np.arange(n) for n in (3, 9, 4, 3)]
    >>> [tuple(x.shape) for x, _ in make_batches(rows, batch_tokens=8)]
    [(2, 2), (1, 3), (1, 8)]
    """
    groups = group_rows(rows, batch_tokens, shuffle=shuffle, seed=seed)
    return [pad_rows([rows[i] for i in g]) for g in groups]


def chunks(idx: torch.Tensor, targets: torch.Tensor, bptt: int | None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Cut a minibatch along time into pieces of ``bptt`` steps (truncated BPTT).

    >>> x = torch.arange(10).view(1, 10)
    >>> [c.tolist() for c, _ in chunks(x, x, bptt=4)]
    [[[0, 1, 2, 3]], [[4, 5, 6, 7]], [[8, 9]]]
    """
    if bptt is None:
        yield idx, targets
        return
    for start in range(0, idx.shape[1], bptt):
        yield idx[:, start : start + bptt], targets[:, start : start + bptt]

"""What every neural model's minibatching shares: the padding sentinel and grouping by length.

Sentences of similar length go into one minibatch, so little of it is padding (the bucketing of
every sequence-model toolkit; Mikolov's RNNLM toolkit and ELMo's ``bilm-tf`` batch the same way).
:func:`group_by_length` cuts a list of lengths greedily into groups whose padded size ``B x L``
stays within a budget of positions; the language models of :mod:`course.lm` group rows of word
ids with it, the biLM of :mod:`course.elmo` rows of characters.

A padded target holds :data:`IGNORE_INDEX`, ``-100``: it is the default ``ignore_index`` of
:func:`torch.nn.functional.cross_entropy`, so a loss that forgets to pass it still skips padding,
and no word id (``>= 0``) can ever be taken for it.

>>> group_by_length([2, 8, 3, 2], batch_tokens=8)
[[0, 3], [2], [1]]
>>> import torch
>>> torch.nn.functional.cross_entropy(torch.zeros(2, 4), torch.tensor([1, IGNORE_INDEX])).item() == \\
...     torch.nn.functional.cross_entropy(torch.zeros(1, 4), torch.tensor([1])).item()
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .validation import check_int

__all__ = ["IGNORE_INDEX", "group_by_length"]

#: Target value of padding, skipped by ``cross_entropy(..., ignore_index=IGNORE_INDEX)`` (its default).
IGNORE_INDEX = -100


def group_by_length(
    lengths: Sequence[int],
    batch_tokens: int,
    *,
    shuffle: bool = False,
    seed: int | None = None,
    owner: str = "group_by_length",
) -> list[list[int]]:
    """Indices of the items of each minibatch: similar lengths together, ``B x L <= batch_tokens``.

    Items are sorted by length (ties broken at random when ``shuffle``, else by position) and cut
    greedily into groups whose padded size ``B x L`` stays within ``batch_tokens`` (a longer item
    forms a group alone); the groups come in random order when ``shuffle``, else in length order.

    Parameters
    ----------
    lengths : sequence of int
        Padded length of each item (what one row of the minibatch costs).
    batch_tokens : int
        Budget of padded positions per minibatch.
    shuffle : bool, default=False
        Randomise the ties and the order of the groups.
    seed : int or None, default=None
        Seed of the shuffle (required when ``shuffle``).
    owner : str, default="group_by_length"
        The function named in error messages (the caller's public name).

    Returns
    -------
    list of list of int
        Every index exactly once.
    """
    check_int(batch_tokens, "batch_tokens", owner, low=1)
    if shuffle and seed is None:
        raise ValueError(f"{owner} needs a 'seed' when shuffle=True (randomness is explicit).")
    lengths = np.asarray(lengths)
    rng = np.random.default_rng(seed) if shuffle else None
    tiebreak = rng.random(len(lengths)) if shuffle else np.arange(len(lengths))
    groups: list[list[int]] = []
    current: list[int] = []
    for i in np.lexsort((tiebreak, lengths)):  # lengths are increasing: the current item sets the padding
        if current and (len(current) + 1) * lengths[i] > batch_tokens:
            groups.append(current)
            current = []
        current.append(int(i))
    if current:
        groups.append(current)
    if shuffle:
        groups = [groups[j] for j in rng.permutation(len(groups))]
    return groups

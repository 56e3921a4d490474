"""Validation of data: tokenized sentences, tokens and token-id tensors.

The checks of parameters (numbers, choices) are in :mod:`course.base.validation`, which
re-exports these; both use the same message template (after scikit-learn's)::

    The 'context' parameter of NGramLM.prob must be a sequence of str tokens. Got a str ('the cat') instead: ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["check_tokens", "check_sentences", "check_token_values", "check_token_ids"]


# ---------------------------------------------------------------------------- tokens and sentences
_SENTENCES = "a list of tokenized sentences (each a list of str tokens)"


def _preview(text) -> str:
    return repr(text[:40]) + ("..." if len(text) > 40 else "")


def check_tokens(tokens: Any, name: str, owner: str) -> list | tuple:
    """Return one tokenized sentence (a list of non-empty str), refusing a bare str.

    A str is itself a sequence of one-character strings, so code that expects tokens would
    silently read ``"the cat"`` as seven tokens; this refuses it. Every token is checked
    (use it for short inputs: a context, an n-gram, one sentence). Iterators are read once
    into a list.

    Examples
    --------
    >>> check_tokens(("the", "cat"), "context", "NGramLM.prob")
    ('the', 'cat')
    >>> check_tokens("the cat", "context", "NGramLM.prob")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    TypeError: The 'context' parameter of NGramLM.prob must be a sequence of str tokens. Got a str ('the cat')
    instead: tokenize it first (e.g. "the cat".split()), or wrap one word as [word].
    >>> check_tokens(["the", ""], "context", "NGramLM.prob")
    Traceback (most recent call last):
    ...
    ValueError: The 'context' parameter of NGramLM.prob must hold non-empty str tokens. Got '' at index 1 instead.
    """
    if isinstance(tokens, (str, bytes)):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a sequence of str tokens. Got a "
            f'{type(tokens).__name__} ({_preview(tokens)}) instead: tokenize it first (e.g. "the cat".split()), '
            "or wrap one word as [word]."
        )
    if tokens is None or not isinstance(tokens, Iterable) or isinstance(tokens, (dict, set, frozenset)):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a sequence of str tokens. "
            f"Got {tokens!r} ({type(tokens).__name__}) instead."
        )
    if not isinstance(tokens, (list, tuple)):
        tokens = list(tokens)
    for i, token in enumerate(tokens):
        if not isinstance(token, str) or not token:
            _raise_bad_token(token, name, owner, f" at index {i}")
    return tokens


def _raise_bad_token(token, name: str, owner: str, where: str) -> None:
    error = ValueError if isinstance(token, str) else TypeError
    kind = "" if isinstance(token, str) else f" ({type(token).__name__})"
    raise error(
        f"The {name!r} parameter of {owner} must hold non-empty str tokens. Got {token!r}{kind}{where} instead."
    )


def check_sentences(sentences: Any, name: str, owner: str, *, tokens: bool = False) -> list | tuple:
    """Return ``sentences`` as a sequence of token sequences, refusing a bare str at either level.

    Parameters
    ----------
    sentences : iterable of sequence of str
        Tokenized sentences. A generator (or any other one-pass iterable) is read once into a
        list, so code that needs ``len`` or a second pass gets a sequence; so is a sentence that
        is an iterator.
    name, owner : str
        As in :func:`course.base.validation.check_int`.
    tokens : bool, default=False
        Also check every token (a non-empty str). That is a pass over all tokens: callers that
        count or look up the tokens anyway check the distinct ones instead
        (:func:`check_token_values`).

    Returns
    -------
    list or tuple
        ``sentences`` itself when it already is a list or tuple of sequences, else a new list.

    Examples
    --------
    >>> check_sentences((s.split() for s in ["a b", "c"]), "sentences", "NGramLM.fit")
    [['a', 'b'], ['c']]
    >>> check_sentences("the cat", "sentences", "NGramLM.perplexity")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    TypeError: The 'sentences' parameter of NGramLM.perplexity must be a list of tokenized sentences (each a list
    of str tokens). Got a str ('the cat') instead: tokenize the text first, e.g. [text.split()].
    >>> check_sentences(["the", "cat"], "sentences", "NGramLM.perplexity")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    TypeError: The 'sentences' parameter of NGramLM.perplexity must be a list of tokenized sentences (each a list
    of str tokens). Got a str ('the') at index 0 instead: a sentence is a list of tokens, so tokenize it first
    (and wrap a single tokenized sentence as [tokens]).
    """
    if isinstance(sentences, (str, bytes)):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be {_SENTENCES}. Got a {type(sentences).__name__} "
            f"({_preview(sentences)}) instead: tokenize the text first, e.g. [text.split()]."
        )
    if sentences is None or not isinstance(sentences, Iterable) or isinstance(sentences, (dict, set, frozenset)):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be {_SENTENCES}. Got {type(sentences).__name__} instead."
        )
    if not isinstance(sentences, (list, tuple)):
        sentences = list(sentences)  # a generator, a map, an array of lists: read once
    out = None
    for i, sentence in enumerate(sentences):
        if isinstance(sentence, (list, tuple)):
            continue
        if isinstance(sentence, (str, bytes)):
            raise TypeError(
                f"The {name!r} parameter of {owner} must be {_SENTENCES}. Got a {type(sentence).__name__} "
                f"({_preview(sentence)}) at index {i} instead: a sentence is a list of tokens, so tokenize it "
                "first (and wrap a single tokenized sentence as [tokens])."
            )
        if isinstance(sentence, np.ndarray) and sentence.ndim == 1:
            continue
        if sentence is None or not isinstance(sentence, Iterable) or isinstance(sentence, (dict, set, frozenset)):
            raise TypeError(
                f"The {name!r} parameter of {owner} must be {_SENTENCES}. Got {sentence!r} "
                f"({type(sentence).__name__}) at index {i} instead."
            )
        if out is None:
            out = list(sentences)
        out[i] = list(sentence)  # an iterator: read once
    sentences = sentences if out is None else out
    if tokens:
        _scan_tokens(sentences, name, owner)
    return sentences


def _scan_tokens(sentences, name: str, owner: str) -> None:
    """Check every token (one pass); the message gives the position ``name[i][j]``."""
    for i, sentence in enumerate(sentences):
        for j, token in enumerate(sentence):
            if not isinstance(token, str) or not token:
                _raise_bad_token(token, name, owner, f" at {name}[{i}][{j}]")


def check_token_values(values: Iterable, name: str, owner: str, sentences=None) -> None:
    """Check the distinct tokens ``values`` (e.g. a Counter's keys) are non-empty str.

    Cheap where the tokens are counted or looked up anyway: one test per distinct token, not
    per occurrence. On failure the ``sentences`` (if given) are scanned to name the position.

    Examples
    --------
    >>> check_token_values({"a": 2, None: 1}, "sentences", "Vocab.fit", [["a", None], ["a"]])
    Traceback (most recent call last):
    ...
    TypeError: The 'sentences' parameter of Vocab.fit must hold non-empty str tokens. Got None (NoneType) at sentences[0][1] instead.
    """
    for token in values:
        if isinstance(token, str) and token:
            continue
        if sentences is not None:
            _scan_tokens(sentences, name, owner)
        _raise_bad_token(token, name, owner, "")


# ---------------------------------------------------------------------------- token ids
def check_token_ids(
    ids: Any, name: str, owner: str, vocab_size: int, ignore_index: int | None = None, unit: str = "words"
) -> None:
    """Raise naming the vocabulary size if an integer tensor holds ids outside ``[0, vocab_size)``.

    One min/max pass in NumPy (plus a mask when ``ignore_index`` marks padding): cheap next to a
    forward pass, invisible to torch's dispatcher (so operation counts stay the model's), and it
    replaces torch's "index out of range in self" with a message that says which id and which
    vocabulary.

    Examples
    --------
    >>> import torch
    >>> check_token_ids(torch.tensor([[0, 3, 10]]), "idx", "NNLM.forward", vocab_size=10)
    Traceback (most recent call last):
    ...
    ValueError: The 'idx' parameter of NNLM.forward must hold token ids in [0, 10) (the vocabulary has 10 words). Got 10 instead.
    """
    import torch

    if not isinstance(ids, torch.Tensor) or ids.dtype not in (
        torch.int64,
        torch.int32,
        torch.int16,
        torch.int8,
        torch.uint8,
    ):
        what = f"a tensor of dtype {ids.dtype}" if isinstance(ids, torch.Tensor) else type(ids).__name__
        raise TypeError(
            f"The {name!r} parameter of {owner} must be an integer tensor of token ids. Got {what} instead."
        )
    if ids.numel() == 0:
        return
    # In NumPy, not torch: no torch operation runs, so chapter 04's operation counts of a forward
    # pass (course.complexity.counting) see only the model's own work.
    values = ids.numpy() if ids.device.type == "cpu" else ids.detach().cpu().numpy()
    if ignore_index is not None:
        values = values[values != ignore_index]
        if values.size == 0:
            return
    lo, hi = int(values.min()), int(values.max())
    if lo < 0 or hi >= vocab_size:
        allowed = f"[0, {vocab_size})" + ("" if ignore_index is None else f" or {ignore_index} (padding)")
        raise ValueError(
            f"The {name!r} parameter of {owner} must hold token ids in {allowed} (the vocabulary has "
            f"{vocab_size} {unit}). Got {lo if lo < 0 else hi} instead."
        )

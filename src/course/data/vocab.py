"""A vocabulary: words <-> integer ids, in frequency order, fitted on tokenized sentences.

Follows the scikit-learn contract: the constructor stores the parameters, :meth:`Vocab.fit`
learns ``counts_``, ``index_to_key`` and ``key_to_index`` (gensim's names) and returns the
vocabulary; using it before ``fit`` raises :class:`course.base.validation.NotFittedError`.

Ids: the ``specials`` first (in the order given), then the unknown-word token ``unk`` (if not
None), then the kept words by decreasing count, ties broken alphabetically, so the same corpus
always gives the same ids.

**One vocabulary builder.** Every vocabulary of the course is cut and ordered by
:func:`frequency_order` (words seen at least ``min_count`` times, most frequent first, at most
``max_size``), with one of two tie rules, each for a reason:

* ``"alphabetical"``: :class:`Vocab`, the vocabulary of the language models (chapters 01-03, 09).
  It depends only on the counts, not on the order of the text, and the shipped language models
  are keyed to it.
* ``"gensim"``: word2vec's vocabulary (:class:`course.word2vec.Word2Vec`,
  :func:`course.evaluation.experiments.corpus_vocabulary`), so that ids match gensim's for the
  side-by-side: of two words seen equally often, the one seen *later* first (gensim 4 sorts with
  ``argsort(count)[::-1]``). :func:`frequency_order_of_ids` applies it to a corpus of ids.

>>> frequency_order([3, 1, 3, 5], min_count=2)                    # words 0 and 2 tie: the later first
array([3, 2, 0])
>>> frequency_order([3, 1, 3, 5], ties="alphabetical", words=["b", "x", "a", "c"])
array([3, 2, 0, 1])

>>> v = Vocab(min_count=2).fit([["the", "cat"], ["the", "dog", "cat"], ["a"]])
>>> v.index_to_key
['<unk>', 'cat', 'the']
>>> v.encode(["the", "cow"]), v.decode([2, 1])
([2, 0], ['the', 'cat'])
"""

from __future__ import annotations

import json
import numbers
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..base.validation_data import _raise_bad_token
from ..base.validation import (
    check_is_fitted,
    check_int,
    check_sentences,
    check_token_values,
    check_tokens,
)

__all__ = ["Vocab", "TIES", "frequency_order", "frequency_order_of_ids"]

TIES = ("gensim", "alphabetical")


def frequency_order(counts, min_count: int = 1, max_size: int | None = None, *, ties: str = "gensim", words=None):
    """Indices of the words a vocabulary keeps, in id order: at least ``min_count`` occurrences,
    decreasing count, at most ``max_size`` of them.

    Parameters
    ----------
    counts : array-like of int, shape (V,)
        Every candidate word's count; for ``ties="gensim"``, in order of first occurrence.
    min_count : int, default=1
    max_size : int or None, default=None
    ties : {"gensim", "alphabetical"}, default="gensim"
        Of two words seen equally often: the later one in ``counts`` first (gensim), or the
        alphabetically first (``words`` required).
    words : sequence of str, optional
        The candidates' spellings, for ``ties="alphabetical"``.

    Returns
    -------
    ndarray of int64
    """
    counts = np.asarray(counts, dtype=np.int64)
    kept = np.flatnonzero(counts >= min_count)
    if ties == "gensim":
        second = -np.arange(len(kept))
    elif ties == "alphabetical":
        if words is None or len(words) != len(counts):
            raise ValueError("frequency_order(ties='alphabetical') needs the words, one per count.")
        second = np.argsort(np.argsort(np.asarray(words, dtype=str)[kept], kind="stable"), kind="stable")
    else:
        raise ValueError(f"The 'ties' parameter of frequency_order must be one of {TIES}. Got {ties!r} instead.")
    order = kept[np.lexsort((second, -counts[kept]))]
    return order if max_size is None else order[:max_size]


def frequency_order_of_ids(ids: np.ndarray, n_words: int, min_count: int = 1, max_size: int | None = None):
    """:func:`frequency_order` with gensim's ties for a corpus of word ids.

    Returns
    -------
    order : ndarray of int64
        The kept word ids, in vocabulary order (ties: order of first occurrence in ``ids``, the
        later first).
    counts : ndarray of int64, shape (n_words,)
        Every word id's count.

    >>> frequency_order_of_ids(np.array([2, 0, 2, 1, 0, 3]), 4)
    (array([0, 2, 3, 1]), array([2, 1, 2, 1]))
    """
    counts = np.bincount(ids, minlength=n_words).astype(np.int64)
    first_seen = np.full(n_words, len(ids), dtype=np.int64)
    np.minimum.at(first_seen, ids, np.arange(len(ids)))
    seen = np.argsort(first_seen, kind="stable")  # word ids in order of first occurrence (unseen last)
    return seen[frequency_order(counts[seen], min_count, max_size)], counts


class Vocab:
    """Map words to ids and back.

    Parameters
    ----------
    min_count : int, default=1
        Words seen fewer times are left out (and encoded as ``unk``).
    max_size : int or None, default=None
        Keep at most this many words (the most frequent), not counting specials and ``unk``.
    unk : str or None, default="<unk>"
        Token standing for every unknown word; with None, encoding an unknown word raises
        ``KeyError``.
    specials : sequence of str, default=()
        Extra tokens given the first ids (e.g. ``("<pad>", "<s>", "</s>")``).

    Attributes
    ----------
    counts_ : dict of str to int
        Count of every kept word in the fitted sentences (specials and ``unk``: 0).
    index_to_key : list of str
        ``index_to_key[i]`` is the word with id ``i``.
    key_to_index : dict of str to int
        The inverse map.
    n_tokens_ : int
        Number of tokens seen by ``fit``.
    """

    def __init__(self, min_count: int = 1, max_size: int | None = None, unk: str | None = "<unk>",
                 specials: Sequence[str] = ()):
        self.min_count = min_count
        self.max_size = max_size
        self.unk = unk
        self.specials = specials
        self.counts_ = None
        self.index_to_key = None
        self.key_to_index = None

    def _validate(self) -> None:
        owner = type(self).__name__
        check_int(self.min_count, "min_count", owner, low=1)
        if self.max_size is not None:
            check_int(self.max_size, "max_size", owner, low=1)
        if self.unk is not None and (not isinstance(self.unk, str) or not self.unk):
            raise TypeError(f"The 'unk' parameter of {owner} must be a non-empty str or None. Got {self.unk!r} instead.")
        if isinstance(self.specials, str) or not isinstance(self.specials, Iterable) \
                or not all(isinstance(s, str) and s for s in self.specials):
            raise TypeError(
                f"The 'specials' parameter of {owner} must be a sequence of non-empty str. Got {self.specials!r} instead."
            )
        reserved = list(self.specials) + ([self.unk] if self.unk is not None else [])
        if len(set(reserved)) != len(reserved):
            raise ValueError(
                f"The 'specials' parameter of {owner} must hold distinct tokens different from unk={self.unk!r}. "
                f"Got {tuple(self.specials)!r} instead."
            )

    def fit(self, sentences: Iterable[Sequence[str]]) -> Vocab:
        """Count the words of ``sentences`` (an iterable of token lists) and assign ids.

        Returns
        -------
        Vocab
            ``self``, fitted.
        """
        self._validate()
        sentences = check_sentences(sentences, "sentences", "Vocab.fit")
        counts: Counter[str] = Counter()
        try:
            for sentence in sentences:
                counts.update(sentence)
        except TypeError:  # an unhashable token (a list inside a sentence): say where
            check_sentences(sentences, "sentences", "Vocab.fit", tokens=True)
            raise
        check_token_values(counts, "sentences", "Vocab.fit", sentences)  # per distinct token: cheap
        reserved = list(self.specials) + ([self.unk] if self.unk is not None else [])
        candidates = [(w, c) for w, c in counts.items() if w not in reserved]
        order = frequency_order(
            [c for _, c in candidates], self.min_count, self.max_size, ties="alphabetical", words=[w for w, _ in candidates]
        )
        kept = [candidates[i] for i in order]
        self.index_to_key = reserved + [w for w, _ in kept]
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.counts_ = {**dict.fromkeys(reserved, 0), **dict(kept)}
        self.n_tokens_ = sum(counts.values())
        return self

    def __len__(self) -> int:
        check_is_fitted(self, "index_to_key")
        return len(self.index_to_key)

    def __contains__(self, word: object) -> bool:
        check_is_fitted(self, "key_to_index")
        return word in self.key_to_index

    def __repr__(self) -> str:
        size = "unfitted" if self.index_to_key is None else f"{len(self.index_to_key)} words"
        return f"Vocab(min_count={self.min_count}, max_size={self.max_size}, unk={self.unk!r}, {size})"

    def index(self, word: str) -> int:
        """The id of ``word`` (``unk``'s id if unknown and ``unk`` is set, else ``KeyError``)."""
        check_is_fitted(self, "key_to_index")
        if not isinstance(word, str) or not word:
            _raise_bad_token(word, "word", "Vocab.index", "")
        try:
            return self.key_to_index[word]
        except KeyError:
            if self.unk is None:
                raise KeyError(f"Word {word!r} is not in the vocabulary (and unk is None)") from None
            return self.key_to_index[self.unk]

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Ids of ``tokens`` (a sequence of str: a bare str is refused, it would be read letter by letter).

        Examples
        --------
        >>> v = Vocab().fit([["a", "b"]])
        >>> v.encode(["b", "zebra"])
        [2, 0]
        >>> v.encode("ab")
        Traceback (most recent call last):
        ...
        TypeError: The 'tokens' parameter of Vocab.encode must be a sequence of str tokens. Got a str ('ab') instead: tokenize it first (e.g. "the cat".split()), or wrap one word as [word].
        """
        check_is_fitted(self, "key_to_index")
        if not isinstance(tokens, (list, tuple)):
            tokens = check_tokens(tokens, "tokens", "Vocab.encode")
        table = self.key_to_index
        try:
            ids = [table.get(t, -1) for t in tokens]
        except TypeError:  # an unhashable token
            check_tokens(tokens, "tokens", "Vocab.encode")
            raise
        if -1 in ids:  # unknown tokens; the known ones are valid (the keys are non-empty str)
            unk_id = None if self.unk is None else table[self.unk]
            for i, (token, k) in enumerate(zip(tokens, ids)):
                if k < 0:
                    if not isinstance(token, str) or not token:
                        _raise_bad_token(token, "tokens", "Vocab.encode", f" at index {i}")
                    if unk_id is None:
                        raise KeyError(f"Word {token!r} is not in the vocabulary (and unk is None)")
                    ids[i] = unk_id
        return ids

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words of ``ids``; an id outside ``[0, len)`` raises ``IndexError``."""
        check_is_fitted(self, "index_to_key")
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"The 'ids' parameter of Vocab.decode must be a sequence of int. Got a str ({ids[:40]!r}) instead.")
        out = []
        for i in ids:
            if isinstance(i, bool) or not isinstance(i, numbers.Integral):
                raise TypeError(f"The 'ids' parameter of Vocab.decode must hold ints. Got {i!r} ({type(i).__name__}) instead.")
            i = int(i)
            if not 0 <= i < len(self.index_to_key):
                raise IndexError(f"Id {i} is out of range for a vocabulary of {len(self.index_to_key)} words")
            out.append(self.index_to_key[i])
        return out

    def save(self, path: str | Path) -> None:
        """Write the parameters and the fitted vocabulary as JSON."""
        check_is_fitted(self, "index_to_key")
        payload = {
            "params": {"min_count": self.min_count, "max_size": self.max_size, "unk": self.unk,
                       "specials": list(self.specials)},
            "index_to_key": self.index_to_key,
            "counts": [self.counts_[w] for w in self.index_to_key],
            "n_tokens": self.n_tokens_,
        }
        from ..base.cache import atomic_write_bytes

        atomic_write_bytes(Path(path), json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`save`.

        Raises
        ------
        ValueError
            Naming the file: not UTF-8, not JSON, a key missing, a value of the wrong type, words
            that repeat, counts and words of different lengths, or specials that are not the
            first words.
        """
        name = os.fspath(path)

        def bad(what: str) -> ValueError:
            return ValueError(f"{name}: not a vocabulary written by Vocab.save: {what}.")

        try:
            payload = json.loads(Path(path).read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise bad(f"the bytes are not UTF-8 ({exc.reason} at byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise bad(f"invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
        keys = ("params", "index_to_key", "counts", "n_tokens")
        if not isinstance(payload, dict):
            raise bad(f"the JSON must be an object with keys {', '.join(map(repr, keys))}; got {type(payload).__name__}")
        missing = [k for k in keys if k not in payload]
        if missing:
            raise bad(f"missing key(s) {', '.join(map(repr, missing))}")
        params, words, counts, n_tokens = (payload[k] for k in keys)
        names = ("min_count", "max_size", "unk", "specials")
        if not isinstance(params, dict) or any(k not in params for k in names):
            raise bad(f"'params' must be an object with keys {', '.join(map(repr, names))}; got {params!r}")
        if not isinstance(params["specials"], list):
            raise bad(f"'params' 'specials' must be a list of str; got {params['specials']!r}")
        vocab = cls(params["min_count"], params["max_size"], params["unk"], tuple(params["specials"]))
        try:
            vocab._validate()
        except (TypeError, ValueError) as exc:
            raise bad(f"its 'params' are invalid: {exc}") from None
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise bad("'index_to_key' must be a list of non-empty str")
        if not isinstance(counts, list) or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0
                                                   for c in counts):
            raise bad("'counts' must be a list of non-negative ints")
        if len(counts) != len(words):
            raise bad(f"'counts' has {len(counts)} entries but 'index_to_key' has {len(words)} words")
        if isinstance(n_tokens, bool) or not isinstance(n_tokens, int) or n_tokens < 0:
            raise bad(f"'n_tokens' must be a non-negative int; got {n_tokens!r}")
        index = {}
        for i, w in enumerate(words):
            if w in index:
                raise bad(f"the word {w!r} appears twice in 'index_to_key' (at {index[w]} and {i})")
            index[w] = i
        reserved = list(vocab.specials) + ([vocab.unk] if vocab.unk is not None else [])
        if words[: len(reserved)] != reserved:
            raise bad(f"'index_to_key' must start with the specials and unk {reserved!r}; got {words[: len(reserved)]!r}")
        vocab.index_to_key = words
        vocab.key_to_index = index
        vocab.counts_ = dict(zip(words, counts))
        vocab.n_tokens_ = n_tokens
        return vocab

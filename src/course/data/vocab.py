"""A vocabulary: words <-> integer ids, in frequency order, fitted on tokenized sentences.

Follows the scikit-learn contract: the constructor stores the parameters, :meth:`Vocab.fit`
learns ``counts_``, ``index_to_key`` and ``key_to_index`` (gensim's names) and returns the
vocabulary; using it before ``fit`` raises :class:`course._validation.NotFittedError`.

Ids: the ``specials`` first (in the order given), then the unknown-word token ``unk`` (if not
None), then the kept words by decreasing count, ties broken alphabetically, so the same corpus
always gives the same ids.

>>> v = Vocab(min_count=2).fit([["the", "cat"], ["the", "dog", "cat"], ["a"]])
>>> v.index_to_key
['<unk>', 'cat', 'the']
>>> v.encode(["the", "cow"]), v.decode([2, 1])
([2, 0], ['the', 'cat'])
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from .._validation import check_is_fitted, check_int

__all__ = ["Vocab"]


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
        if self.unk is not None and not isinstance(self.unk, str):
            raise TypeError(f"The 'unk' parameter of {owner} must be a str or None. Got {self.unk!r} instead.")
        if isinstance(self.specials, str) or not all(isinstance(s, str) for s in self.specials):
            raise TypeError(
                f"The 'specials' parameter of {owner} must be a sequence of str. Got {self.specials!r} instead."
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
        counts: Counter[str] = Counter()
        for sentence in sentences:
            if isinstance(sentence, str):
                raise TypeError(
                    "The 'sentences' parameter of Vocab.fit must be an iterable of token lists. "
                    f"Got a str ({sentence[:30]!r}) as a sentence instead; tokenize it first."
                )
            counts.update(sentence)
        reserved = list(self.specials) + ([self.unk] if self.unk is not None else [])
        kept = sorted(
            ((w, c) for w, c in counts.items() if c >= self.min_count and w not in reserved),
            key=lambda wc: (-wc[1], wc[0]),
        )
        if self.max_size is not None:
            kept = kept[: self.max_size]
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
        try:
            return self.key_to_index[word]
        except KeyError:
            if self.unk is None:
                raise KeyError(f"Word {word!r} is not in the vocabulary (and unk is None)") from None
            return self.key_to_index[self.unk]

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Ids of ``tokens``."""
        check_is_fitted(self, "key_to_index")
        table = self.key_to_index
        if self.unk is None:
            return [self.index(t) if t not in table else table[t] for t in tokens]
        unk_id = table[self.unk]
        return [table.get(t, unk_id) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words of ``ids``; an id outside ``[0, len)`` raises ``IndexError``."""
        check_is_fitted(self, "index_to_key")
        out = []
        for i in ids:
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
        from ..cache import atomic_write_bytes

        atomic_write_bytes(Path(path), json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`save`."""
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        params = payload["params"]
        vocab = cls(params["min_count"], params["max_size"], params["unk"], tuple(params["specials"]))
        vocab.index_to_key = list(payload["index_to_key"])
        vocab.key_to_index = {w: i for i, w in enumerate(vocab.index_to_key)}
        vocab.counts_ = dict(zip(vocab.index_to_key, payload["counts"]))
        vocab.n_tokens_ = payload["n_tokens"]
        return vocab

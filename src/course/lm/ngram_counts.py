r"""N-gram counts: the count tables of every order 1..n, kept as sorted arrays (a trie).

:class:`NGramCounts` pads each sentence with :math:`n-1` ``<s>`` on the left and one ``</s>`` on
the right, maps words outside the vocabulary to ``<unk>`` and counts, per order :math:`m`, every
n-gram :math:`c(hw)`, every context :math:`c(h\cdot)`, the number of distinct followers
:math:`N_{1+}(h\cdot)` and the continuation counts :math:`N_{1+}(\cdot\, hw)` that Kneser-Ney
smoothing uses :cite:`kneser1995,chen1998`. :class:`course.lm.ngram.NGramLM` turns these counts
into probabilities.

Implementation: words are integer ids; the n-gram types of order :math:`m` are numbered by
``np.unique`` on packed int64 keys ``id(prefix) * W + id(last word)`` (a trie stored as sorted
arrays), so counting, continuation counts and scoring a whole test corpus are a few NumPy passes,
with no per-query scan over the counts.

As in SRILM and KenLM, lower-order n-grams that begin with ``<s>`` keep their raw counts as
continuation counts (nothing real can precede ``<s>``: a continuation count would count padding).

References: Kneser and Ney (ICASSP 1995); Chen and Goodman (Harvard TR-10-98, 1998).

>>> counts = NGramCounts(order=2).fit([["a", "b"], ["a", "c"]])
>>> counts.count(["a", "b"]), counts.context_count(["a"]), counts.continuation_count(["b"])
(1, 2, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

from ..base.validation import check_int, check_is_fitted, check_nonempty, check_sentences, check_tokens
from ..base.validation_data import _raise_bad_token

__all__ = ["BOS", "EOS", "UNK", "ngrams", "NGramCounts"]

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


def ngrams(sentence: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The n-grams of one sentence, one per predicted token, after padding.

    The sentence is padded with ``n - 1`` ``<s>`` on the left and one ``</s>`` on the right, so
    a sentence of ``L`` words has ``L + 1`` n-grams. This is the plain-Python reference for
    the counting :class:`NGramLM` does with arrays.

    Parameters
    ----------
    sentence : sequence of str
        The words of one sentence.
    n : int
        The order, ``n >= 1``.

    Returns
    -------
    list of tuple of str
        ``L + 1`` tuples of length ``n``.

    Examples
    --------
    >>> ngrams(["the", "cat"], 2)
    [('<s>', 'the'), ('the', 'cat'), ('cat', '</s>')]
    >>> ngrams(["the", "cat"], 1)
    [('the',), ('cat',), ('</s>',)]
    """
    n = check_int(n, "n", "ngrams", low=1)
    padded = [BOS] * (n - 1) + list(check_tokens(sentence, "sentence", "ngrams")) + [EOS]
    return [tuple(padded[i : i + n]) for i in range(len(padded) - n + 1)]


@dataclass
class _Order:
    """The counts of one order m; arrays over the T_m n-gram types or the T_{m-1} contexts."""

    keys: np.ndarray  # (T_m,) sorted int64: context id * W + word id (the context is an (m-1)-gram)
    counts: np.ndarray  # (T_m,) c(hw): occurrences as a predicted n-gram (pure-<s> contexts: 0)
    context_total: np.ndarray  # (T_{m-1},) c(h.) = sum_w c(hw)
    kn: np.ndarray  # (T_m,) a_m(hw): raw counts (highest order) or continuation counts (lower)
    kn_total: np.ndarray  # (T_{m-1},) a_m(h.)
    followers: np.ndarray  # (T_{m-1},) N1+(h.) = #{w : c(hw) > 0} (= #{w : a_m(hw) > 0} too)
    continuation: np.ndarray | None  # (T_m,) N1+(. hw); None at the highest order


def _lookup(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of each ``query`` key in the sorted ``keys``, or -1 where it is absent."""
    if query.size > 1000:  # sorted queries let the binary searches share their paths: ~3x faster
        order = np.argsort(query)
        idx = np.empty_like(order)
        idx[order] = np.searchsorted(keys, query[order])
    else:
        idx = np.searchsorted(keys, query)
    idx = np.minimum(idx, len(keys) - 1)
    return np.where(keys[idx] == query, idx, -1)


def _take(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``values[idx]`` where ``idx >= 0``, else 0 (an unseen n-gram or context has count 0)."""
    return np.where(idx >= 0, values[np.maximum(idx, 0)], 0)


def _discount(counts: np.ndarray) -> float:
    """Chen and Goodman's D = n1 / (n1 + 2 n2) from the counts of counts (0.5 if n1 or n2 is 0)."""
    n1 = int(np.count_nonzero(counts == 1))
    n2 = int(np.count_nonzero(counts == 2))
    return n1 / (n1 + 2 * n2) if n1 > 0 and n2 > 0 else 0.5


class NGramCounts:
    """The counts of every n-gram of order 1..``order`` in the training sentences.

    Parameters
    ----------
    order : int, default=3
        n, the length of the longest n-grams; ``order >= 1``.
    min_count, max_size, vocab
        As in :class:`course.lm.ngram.NGramLM`, which adds the estimators on top of these counts.
    """

    def __init__(self, order: int = 3, *, min_count: int = 1, max_size: int | None = None, vocab=None) -> None:
        self.order = order
        self.min_count = min_count
        self.max_size = max_size
        self.vocab = vocab
        self._validate_params()

    def _validate_params(self) -> None:
        owner = type(self).__name__
        check_int(self.order, "order", owner, low=1)
        check_int(self.min_count, "min_count", owner, low=1)
        if self.max_size is not None:
            check_int(self.max_size, "max_size", owner, low=1)
        if self.vocab is not None and getattr(self.vocab, "key_to_index", None) is None:
            raise TypeError(
                f"The 'vocab' parameter of {owner} must be a fitted course.data.Vocab. "
                f"Got {type(self.vocab).__name__} instead."
            )

    # ------------------------------------------------------------------ encoding
    def _build_vocab(self, sentences):
        if self.vocab is not None:
            return self.vocab
        from ..data import Vocab  # the corpus layer, below the models

        return Vocab(min_count=self.min_count, max_size=self.max_size, unk=UNK).fit(sentences)

    def _encode(self, sentences, owner: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pad and encode sentences (checked by :func:`check_sentences`) into one array.

        Tokens outside the vocabulary are checked to be non-empty str (the known ones are) and
        become ``<unk>``; ``owner`` names the public method in the messages.

        Returns
        -------
        tokens : ndarray of shape (L,)
            Token ids, sentence after sentence, each as ``<s>`` * (order-1), words, ``</s>``.
        position : ndarray of shape (L,)
            The offset of each token inside its padded sentence.
        target : ndarray of shape (L,) of bool
            True where the token is predicted (every position after the padding).
        """
        index, unk, n = self.key_to_index_, self._unk_id, self.order
        words = list(chain.from_iterable(sentences))
        try:
            word_ids = np.fromiter(map(index.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        except TypeError:  # an unhashable token: say where
            check_sentences(sentences, "sentences", owner, tokens=True)
            raise
        unknown = np.flatnonzero(word_ids < 0)
        if len(unknown):
            missing = {words[i] for i in unknown.tolist()}  # the known tokens are valid str
            for word in missing:
                if not isinstance(word, str) or not word:
                    check_sentences(sentences, "sentences", owner, tokens=True)
                    _raise_bad_token(word, "sentences", owner, "")
            if unk is None:
                raise KeyError(f"Word {min(missing)!r} is not in the vocabulary and the vocabulary has no unk token.")
            word_ids[unknown] = unk
        n_words = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))  # (S,)
        lengths = n_words + n  # padded: n - 1 <s>, the words, one </s>
        starts = np.cumsum(lengths) - lengths  # (S,) where each padded sentence begins
        position = np.arange(lengths.sum(), dtype=np.int64) - np.repeat(starts, lengths)  # (L,)
        tokens = np.full(len(position), self._bos_id, dtype=np.int64)
        tokens[starts + lengths - 1] = self._eos_id
        tokens[(position >= n - 1) & (position < np.repeat(lengths, lengths) - 1)] = word_ids
        return tokens, position, position >= n - 1

    # ------------------------------------------------------------------ fitting
    def fit(self, sentences: Sequence[Sequence[str]]) -> NGramCounts:
        """Count the n-grams of every order 1..``order`` in ``sentences``.

        Parameters
        ----------
        sentences : sequence of sequence of str
            Tokenized training sentences.

        Returns
        -------
        self
            Fitted.
        """
        self._validate_params()
        owner = f"{type(self).__name__}.fit"
        sentences = check_sentences(sentences, "sentences", owner)
        check_nonempty(sentences, "sentences", owner)
        self._set_vocabulary(self._build_vocab(sentences))
        tokens, position, target = self._encode(sentences, owner)
        ids, keys = self._number_types(tokens, position)
        self._count(tokens, position, target, ids, keys)
        return self

    def _set_vocabulary(self, vocab) -> None:
        """The token ids: the vocabulary's words, then its unk, ``<s>`` and ``</s>`` if missing."""
        index_to_key = list(vocab.index_to_key)
        unk = getattr(vocab, "unk", None)
        if unk is not None and unk not in index_to_key:
            index_to_key.append(unk)
        for special in (BOS, EOS):
            if special not in index_to_key:
                index_to_key.append(special)
        self.vocab_ = vocab
        self.index_to_key_ = index_to_key
        self.key_to_index_ = {w: i for i, w in enumerate(index_to_key)}
        self._bos_id, self._eos_id = self.key_to_index_[BOS], self.key_to_index_[EOS]
        self._unk_id = None if unk is None else self.key_to_index_[unk]
        self._width = len(index_to_key)
        never_predicted = {BOS} | set(getattr(vocab, "specials", ())) - {EOS}  # e.g. <pad>
        self._predicted = np.array([w not in never_predicted for w in index_to_key])  # (W,)
        self.vocabulary_size_ = int(self._predicted.sum())

    def _number_types(self, tokens: np.ndarray, position: np.ndarray) -> tuple[list, list]:
        """Type ids per order (the m-gram ending at each position, -1 in the padding) and the keys.

        ``np.unique`` on (prefix type id, last word) numbers the m-grams: ``keys[m - 1]`` holds the
        sorted packed keys of order m, ``ids[m - 1]`` the type id at every position.
        """
        W = self._width
        ids, keys = [tokens], [np.arange(W, dtype=np.int64)]
        for m in range(2, self.order + 1):
            valid = np.flatnonzero(position >= m - 1)
            key = ids[-1][valid - 1] * W + tokens[valid]
            uniq, inverse = np.unique(key, return_inverse=True)
            gid = np.full(len(tokens), -1, dtype=np.int64)
            gid[valid] = inverse
            ids.append(gid)
            keys.append(uniq)
        return ids, keys

    def _count(self, tokens, position, target, ids: list, keys: list) -> None:
        """The counts, context totals, continuation counts and discounts of every order."""
        W = self._width
        counts = [np.bincount(ids[m][target], minlength=len(keys[m])) for m in range(self.order)]
        starts_bos = [None] * self.order  # does the type begin with <s>?
        suffix = [None] * self.order  # type id of the n-gram without its first word
        for m in range(2, self.order + 1):
            valid = np.flatnonzero(position >= m - 1)
            first = np.empty(len(keys[m - 1]), dtype=bool)
            first[ids[m - 1][valid]] = tokens[valid - m + 1] == self._bos_id
            starts_bos[m - 1] = first
            suf = np.empty(len(keys[m - 1]), dtype=np.int64)
            suf[ids[m - 1][valid]] = ids[m - 2][valid]
            suffix[m - 1] = suf

        self._orders = []
        discounts = {"kn": [], "absolute": []}
        for m in range(1, self.order + 1):
            c = counts[m - 1]
            n_contexts = 1 if m == 1 else len(keys[m - 2])
            prefix = keys[m - 1] // W  # the context's type id (0: the empty context of unigrams)
            continuation = None
            if m < self.order:  # N1+(. hw): distinct (m+1)-grams, seen, that end with hw
                upper = counts[m] > 0
                continuation = np.bincount(suffix[m][upper], minlength=len(c))
            if continuation is None:
                kn = c
            elif m == 1:
                kn = continuation
            else:
                kn = np.where(starts_bos[m - 1], c, continuation)
            discounts["kn"].append(_discount(kn))
            discounts["absolute"].append(_discount(c))
            self._orders.append(
                _Order(
                    keys=keys[m - 1],
                    counts=c,
                    context_total=np.bincount(prefix, weights=c, minlength=n_contexts),
                    kn=kn,
                    kn_total=np.bincount(prefix, weights=kn, minlength=n_contexts),
                    followers=np.bincount(prefix[c > 0], minlength=n_contexts),
                    continuation=continuation,
                )
            )
        self._estimated_discounts = {name: np.array(d) for name, d in discounts.items()}
        self.n_tokens_ = int(target.sum())
        self.n_types_ = [int(np.count_nonzero(c)) for c in counts]

    def _check_fitted(self) -> None:
        check_is_fitted(self, "_orders")

    def _word_ids(self, words: Sequence[str]) -> list[int]:
        ids = [self.key_to_index_.get(w, self._unk_id) for w in words]
        if None in ids:
            raise KeyError(
                f"Word {words[ids.index(None)]!r} is not in the vocabulary and the vocabulary has no unk token."
            )
        return ids

    def _type_id(self, ids: Sequence[int]) -> int:
        """The type id of the n-gram with token ids ``ids`` at order ``len(ids)`` (-1: unseen)."""
        gid = ids[0]
        for m, tok in enumerate(ids[1:], start=2):  # extend the prefix one word at a time
            gid = int(_lookup(self._orders[m - 1].keys, np.array([gid * self._width + tok]))[0])
            if gid < 0:
                return -1
        return gid

    def _context_ids(self, context: Sequence[str]) -> list[int]:
        """Type ids of the (m-1)-word contexts, m = 1..order, of the word after ``context``."""
        padded = [self._bos_id] * (self.order - 1) + self._word_ids(context)
        return [0] + [self._type_id(padded[len(padded) - m + 1 :]) for m in range(2, self.order + 1)]

    def count(self, ngram: Sequence[str]) -> int:
        """How often ``ngram`` (1 <= length <= order) occurs as a predicted n-gram in training.

        Words outside the vocabulary count as ``<unk>``; ``<s>`` may open the n-gram.
        """
        self._check_fitted()
        ngram = check_tokens(ngram, "ngram", f"{type(self).__name__}.count")
        m = check_int(len(ngram), "len(ngram)", f"{type(self).__name__}.count", low=1, high=self.order)
        gid = self._type_id(self._word_ids(ngram))
        return 0 if gid < 0 else int(self._orders[m - 1].counts[gid])

    def context_count(self, context: Sequence[str]) -> int:
        """c(h.) = sum_w c(hw): how often ``context`` (length < order) is followed by a token.

        Unlike :meth:`count`, this counts a context made of ``<s>`` only (the start of every
        sentence), which is never itself a predicted n-gram.

        Examples
        --------
        >>> lm = NGramCounts(order=2).fit([["a", "b"], ["a"]])
        >>> lm.context_count(["<s>"]), lm.context_count(["a"]), lm.count(["<s>"])
        (2, 2, 0)
        """
        self._check_fitted()
        context = check_tokens(context, "context", f"{type(self).__name__}.context_count")
        m = check_int(len(context), "len(context)", f"{type(self).__name__}.context_count", low=0, high=self.order - 1)
        gid = 0 if m == 0 else self._type_id(self._word_ids(context))
        return 0 if gid < 0 else int(self._orders[m].context_total[gid])

    def continuation_count(self, ngram: Sequence[str]) -> int:
        """N1+(. ngram): the number of distinct words seen right before ``ngram`` in training.

        The length of ``ngram`` must be below ``order`` (it needs the counts one order up).

        Examples
        --------
        >>> lm = NGramCounts(order=2).fit([["new", "york"], ["new", "york"], ["in", "york"]])
        >>> lm.count(["york"]), lm.continuation_count(["york"])
        (3, 2)
        """
        self._check_fitted()
        ngram = check_tokens(ngram, "ngram", f"{type(self).__name__}.continuation_count")
        m = check_int(len(ngram), "len(ngram)", f"{type(self).__name__}.continuation_count", low=1, high=self.order - 1)
        gid = self._type_id(self._word_ids(ngram))
        return 0 if gid < 0 else int(self._orders[m - 1].continuation[gid])

    def ngram_counts(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Every order-``m`` n-gram seen in training, as token ids, with its count.

        Returns
        -------
        ngrams : ndarray of shape (T, m)
            Token ids (decode with ``index_to_key_``), most frequent first.
        counts : ndarray of shape (T,)

        Examples
        --------
        >>> lm = NGramCounts(order=2).fit([["a", "b"], ["a", "b"], ["a"]])
        >>> grams, counts = lm.ngram_counts(2)
        >>> [lm.index_to_key_[i] for i in grams[0]], counts.tolist()
        (['<s>', 'a'], [3, 2, 2, 1])
        """
        self._check_fitted()
        m = check_int(m, "m", f"{type(self).__name__}.ngram_counts", low=1, high=self.order)
        counts = self._orders[m - 1].counts
        ids = np.flatnonzero(counts > 0)
        ids = ids[np.argsort(-counts[ids], kind="stable")]
        top = counts[ids]
        columns = []
        for j in range(m, 0, -1):  # peel off the last word, order by order
            key = self._orders[j - 1].keys[ids]
            columns.append(key % self._width)
            ids = key // self._width
        return np.stack(columns[::-1], axis=1), top

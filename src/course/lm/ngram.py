r"""N-gram language models: counts, smoothing (MLE, add-k, Kneser-Ney, stupid backoff), perplexity.

An n-gram model makes the Markov assumption: the next word depends only on the previous
:math:`n-1` words, :math:`P(w_t \mid w_1 \dots w_{t-1}) \approx P(w_t \mid h_t)` with
:math:`h_t = w_{t-n+1} \dots w_{t-1}`. Each sentence is padded with :math:`n-1` ``<s>`` on the left
and one ``</s>`` on the right; the model predicts every word and the final ``</s>``, never ``<s>``.
Words outside the vocabulary become ``<unk>``. The vocabulary :math:`V` a model predicts is the
vocabulary's words (``<unk>`` included) plus ``</s>``; :math:`|V|` is ``vocabulary_size_``. A
given ``Vocab``'s other special tokens (``<pad>``, ``<s>``) are never predicted.

One class, :class:`NGramLM`, holds the counts of every order :math:`1 \dots n`; the ``estimator``
parameter says how counts become probabilities (all estimators read the same counts, so one
class avoids five copies of the counting code, and ``set_params`` can switch estimator or ``k``
on a fitted model without counting again). With :math:`c(hw)` the count of the n-gram
:math:`hw` and :math:`c(h\cdot) = \sum_w c(hw)`:

- ``"mle"``, maximum likelihood: :math:`P(w \mid h) = c(hw) / c(h\cdot)`. Zero for every unseen
  n-gram; for an unseen context the ratio is 0/0 and the model returns 0.
- ``"addk"``, add-k (Laplace when :math:`k = 1`) :cite:`jurafsky2025`:
  :math:`P(w \mid h) = (c(hw) + k) / (c(h\cdot) + k|V|)`.
- ``"kn"``, interpolated Kneser-Ney :cite:`kneser1995,chen1998`, recursive over orders
  :math:`m = n, n-1, \dots, 1`:

  .. math::

      P_m(w \mid h) = \frac{\max(a_m(hw) - D_m, 0)}{a_m(h\cdot)}
                    + \frac{D_m \, N_{1+}(h\cdot)}{a_m(h\cdot)} \, P_{m-1}(w \mid h'),
      \qquad P_0(w) = \frac{1}{|V|},

  where :math:`h'` drops the first word of :math:`h`, :math:`N_{1+}(h\cdot)` is the number of
  distinct words seen after :math:`h`, and the counts :math:`a_m` are the raw counts
  :math:`c(hw)` at the highest order and the *continuation counts*
  :math:`N_{1+}(\cdot\, hw)` (the number of distinct words seen before :math:`hw`) at every lower
  order. When :math:`a_m(h\cdot) = 0` (context never seen) :math:`P_m = P_{m-1}`. The discount
  :math:`D_m` per order is ``discount`` if given, else Chen and Goodman's estimate
  :math:`D_m = n_1 / (n_1 + 2 n_2)` from the number :math:`n_r` of order-:math:`m` n-grams
  whose count :math:`a_m` is exactly :math:`r` (0.5 when :math:`n_1` or :math:`n_2` is 0).
- ``"absolute"``, interpolated absolute discounting :cite:`ney1994`: the same recursion with raw
  counts :math:`a_m = c` at every order. It differs from ``"kn"`` only in the lower-order counts,
  so comparing the two measures what continuation counts buy.
- ``"stupid_backoff"`` :cite:`brants2007`: :math:`S(w \mid h) = c(hw)/c(h\cdot)` if
  :math:`c(hw) > 0`, else :math:`\alpha \, S(w \mid h')`, down to :math:`S(w) = c(w)/N`. A
  *score*, not a distribution (its sum over :math:`V` is not 1, usually more), so
  :meth:`NGramLM.cross_entropy` and :meth:`NGramLM.perplexity` refuse it.

Evaluation, over the :math:`N` predicted tokens of a corpus (every word and each ``</s>``):
cross-entropy :math:`H_b = -\frac{1}{N}\sum_t \log_b P(w_t \mid h_t)` (``base`` :math:`b`, default
2: bits per token) and perplexity :math:`\mathrm{PPL} = b^{H_b} = \exp(H_e)`, the same for every
base. Log-probabilities of single sentences are natural logarithms (nats).

Implementation: words are integer ids; the n-gram types of order :math:`m` are numbered by
``np.unique`` on packed int64 keys ``id(prefix) * W + id(last word)`` (a trie stored as sorted
arrays), so counting, continuation counts and scoring a whole test corpus are a few NumPy passes,
with no per-query scan over the counts.

Paper vs code: Chen and Goodman's *modified* Kneser-Ney uses three discounts per order
(:math:`D_1, D_2, D_{3+}` for counts 1, 2 and 3 or more); this module uses one :math:`D_m` per
order, the original interpolated form. As in SRILM and KenLM, lower-order n-grams that begin with
``<s>`` keep their raw counts (nothing real can precede ``<s>``, so a continuation count there
would only count the padding).

References
----------
.. [1] R. Kneser and H. Ney, "Improved backing-off for M-gram language modeling", ICASSP 1995.
.. [2] S. F. Chen and J. Goodman, "An empirical study of smoothing techniques for language
   modeling", Harvard TR-10-98, 1998.
.. [3] H. Ney, U. Essen and R. Kneser, "On structuring probabilistic dependences in stochastic
   language modelling", Computer Speech and Language 8(1), 1994.
.. [4] T. Brants, A. C. Popat, P. Xu, F. J. Och and J. Dean, "Large language models in machine
   translation", EMNLP 2007.
.. [5] D. Jurafsky and J. H. Martin, "Speech and Language Processing", 3rd ed. draft, ch. 3.

Examples
--------
>>> lm = NGramLM(order=2, estimator="kn").fit([["a", "b"], ["a", "c"], ["b", "a", "b"]])
>>> sig(lm.prob("b", ["a"]))
'0.6084'
>>> sig(lm.perplexity([["a", "b"]]))
'1.644'
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

from ..base.notebook import sig  # noqa: F401  (used by the doctests)
from ..base.validation import (
    check_choice,
    check_float,
    check_int,
    check_is_fitted,
    check_nonempty,
    check_sentences,
    check_tokens,
)
from ..base.validation_data import _raise_bad_token

__all__ = ["BOS", "EOS", "UNK", "ESTIMATORS", "ngrams", "NGramLM"]

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
ESTIMATORS = ("mle", "addk", "kn", "absolute", "stupid_backoff")


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


class NGramLM:
    """An n-gram language model of order ``order`` with a choice of estimator.

    Parameters
    ----------
    order : int, default=3
        n, the length of the n-grams (the context is ``order - 1`` words); ``order >= 1``.
    estimator : {"kn", "mle", "addk", "absolute", "stupid_backoff"}, default="kn"
        How counts become probabilities (module docstring has the equations).
    k : float, default=1.0
        The pseudo-count of ``"addk"``, ``k > 0`` (``k = 1`` is Laplace smoothing).
    discount : float or sequence of float or None, default=None
        The discount D in (0, 1) of ``"kn"`` and ``"absolute"``: one value for every order, or
        one per order (unigram first). ``None`` estimates D per order from the counts of counts.
    alpha : float, default=0.4
        The back-off factor of ``"stupid_backoff"``, in (0, 1] (0.4 in Brants et al.).
    min_count : int, default=1
        Words seen fewer times in the training sentences become ``<unk>``. Ignored with ``vocab``.
    max_size : int or None, default=None
        Keep at most this many words (the most frequent). Ignored with ``vocab``.
    vocab : course.data.Vocab or None, default=None
        A fitted vocabulary to use instead of building one (later chapters pass their capped
        vocabulary so Kneser-Ney and the neural models predict the same words). Words outside
        it map to its ``unk`` token.

    Attributes
    ----------
    vocab_ : course.data.Vocab
        The vocabulary used.
    index_to_key_ : list of str
        The token of each id: the vocabulary's words, then ``<s>`` and ``</s>`` if it lacks them.
    key_to_index_ : dict of str to int
    vocabulary_size_ : int
        :math:`|V|`, the number of tokens the model predicts (every id except ``<s>`` and the
        vocabulary's other specials but ``</s>``).
    n_tokens_ : int
        The number of predicted training tokens (words plus one ``</s>`` per sentence).
    n_types_ : list of int
        The number of distinct n-grams with a nonzero count, per order (unigrams first).
    default_discount_ : ndarray of shape (order,)
        The discounts estimated from the counts of counts (used when ``discount`` is None).

    Examples
    --------
    >>> train = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]
    >>> lm = NGramLM(order=2, estimator="mle").fit(train)
    >>> lm.prob("cat", ["the"]), lm.count(["the", "cat"]), lm.vocabulary_size_
    (0.5, 1, 8)
    >>> sig(lm.set_params(estimator="addk", k=1.0).prob("cat", ["the"]))
    '0.2'
    >>> NGramLM(order=0)
    Traceback (most recent call last):
    ...
    ValueError: The 'order' parameter of NGramLM must be an int in the range [1, inf). Got 0 instead.
    """

    def __init__(
        self,
        order: int = 3,
        estimator: str = "kn",
        *,
        k: float = 1.0,
        discount: float | Sequence[float] | None = None,
        alpha: float = 0.4,
        min_count: int = 1,
        max_size: int | None = None,
        vocab=None,
    ) -> None:
        self.order = order
        self.estimator = estimator
        self.k = k
        self.discount = discount
        self.alpha = alpha
        self.min_count = min_count
        self.max_size = max_size
        self.vocab = vocab
        self._validate_params()

    # ------------------------------------------------------------------ parameters
    def _validate_params(self) -> None:
        owner = type(self).__name__
        check_int(self.order, "order", owner, low=1)
        check_choice(self.estimator, "estimator", owner, ESTIMATORS)
        check_float(self.k, "k", owner, low=0.0, low_closed=False)
        check_float(self.alpha, "alpha", owner, low=0.0, high=1.0, low_closed=False)
        check_int(self.min_count, "min_count", owner, low=1)
        if self.max_size is not None:
            check_int(self.max_size, "max_size", owner, low=1)
        if self.discount is not None:
            values = [self.discount] if np.isscalar(self.discount) else list(self.discount)
            if not np.isscalar(self.discount) and len(values) != self.order:
                raise ValueError(
                    f"The 'discount' parameter of {owner} must be a float or a sequence of "
                    f"{self.order} floats (one per order). Got {len(values)} values instead."
                )
            for d in values:
                check_float(d, "discount", owner, low=0.0, high=1.0, low_closed=False, high_closed=False)
        if self.vocab is not None and getattr(self.vocab, "key_to_index", None) is None:
            raise TypeError(
                f"The 'vocab' parameter of {owner} must be a fitted course.data.Vocab. "
                f"Got {type(self.vocab).__name__} instead."
            )

    def get_params(self) -> dict:
        """The constructor arguments, as scikit-learn's ``get_params``."""
        return {
            name: getattr(self, name)
            for name in ("order", "estimator", "k", "discount", "alpha", "min_count", "max_size", "vocab")
        }

    def set_params(self, **params) -> NGramLM:
        """Set constructor arguments; return ``self``.

        ``estimator``, ``k``, ``discount`` and ``alpha`` only change how the counts become
        probabilities, so a fitted model keeps its counts and can score at once. Changing
        ``order``, ``min_count``, ``max_size`` or ``vocab`` changes the counts: the model is
        then unfitted until ``fit`` is called again.
        """
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}. "
                    f"Valid parameters are: {sorted(self.get_params())}."
                )
            setattr(self, name, value)
        self._validate_params()
        if set(params) & {"order", "min_count", "max_size", "vocab"}:
            self._orders = None
        return self

    def with_estimator(self, estimator: str, **params) -> NGramLM:
        """A copy of this fitted model that turns the same counts into probabilities another way.

        The copy shares the counts (no memory, no refit); ``params`` may set ``k``, ``discount``
        or ``alpha``. The original model is unchanged.

        Examples
        --------
        >>> kn = NGramLM(order=2).fit([["a", "b"], ["a", "c"]])
        >>> kn.with_estimator("mle").prob("b", ["a"]), kn.estimator
        (0.5, 'kn')
        """
        self._check_fitted()
        extra = set(params) - {"k", "discount", "alpha"}
        if extra:
            raise ValueError(
                f"with_estimator sets only 'k', 'discount' and 'alpha'; got {sorted(extra)}. "
                "Other parameters change the counts: fit a new model."
            )
        return copy.copy(self).set_params(estimator=estimator, **params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if k != "vocab")
        return f"{type(self).__name__}({args})"

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

    def _gram_ids(self, tokens: np.ndarray, position: np.ndarray) -> list[np.ndarray]:
        """For each order m, the type id of the m-gram ending at every position (-1 if unseen).

        Returns a list of ``order`` arrays of shape (L,); entry ``m - 1`` is order m.
        """
        ids = [tokens]  # unigram types are the word ids themselves
        for m in range(2, self.order + 1):
            gid = np.full(len(tokens), -1, dtype=np.int64)
            valid = np.flatnonzero(position >= m - 1)  # the m-gram lies inside its sentence
            prev = ids[-1][valid - 1]  # the (m-1)-gram ending one position earlier
            key = prev * self._width + tokens[valid]
            found = _lookup(self._orders[m - 1].keys, key)
            gid[valid] = np.where(prev >= 0, found, -1)
            ids.append(gid)
        return ids

    # ------------------------------------------------------------------ fitting
    def fit(self, sentences: Sequence[Sequence[str]]) -> NGramLM:
        """Count the n-grams of every order 1..``order`` in ``sentences``.

        Parameters
        ----------
        sentences : sequence of sequence of str
            Tokenized training sentences.

        Returns
        -------
        NGramLM
            ``self``, fitted.
        """
        self._validate_params()
        owner = f"{type(self).__name__}.fit"
        sentences = check_sentences(sentences, "sentences", owner)
        check_nonempty(sentences, "sentences", owner)
        vocab = self._build_vocab(sentences)
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
        self._width = W = len(index_to_key)
        never_predicted = {BOS} | set(getattr(vocab, "specials", ())) - {EOS}  # e.g. <pad>
        self._predicted = np.array([w not in never_predicted for w in index_to_key])  # (W,)
        self.vocabulary_size_ = int(self._predicted.sum())

        tokens, position, target = self._encode(sentences, owner)
        # Type ids per order: np.unique on (prefix type id, last word) numbers the m-grams.
        ids, keys = [tokens], [np.arange(W, dtype=np.int64)]
        for m in range(2, self.order + 1):
            valid = np.flatnonzero(position >= m - 1)
            key = ids[-1][valid - 1] * W + tokens[valid]
            uniq, inverse = np.unique(key, return_inverse=True)
            gid = np.full(len(tokens), -1, dtype=np.int64)
            gid[valid] = inverse
            ids.append(gid)
            keys.append(uniq)

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
        return self

    def _check_fitted(self) -> None:
        check_is_fitted(self, "_orders")

    @property
    def default_discount_(self) -> np.ndarray:
        """D_m = n1 / (n1 + 2 n2) per order (unigram first), from the counts the estimator uses.

        Continuation counts at the lower orders for ``"kn"``; raw counts for ``"absolute"``
        (the Kneser-Ney values for the other estimators, which have no discount).
        """
        self._check_fitted()
        return self._estimated_discounts["absolute" if self.estimator == "absolute" else "kn"]

    def _discounts(self) -> np.ndarray:
        if self.discount is None:
            return self.default_discount_
        if np.isscalar(self.discount):
            return np.full(self.order, float(self.discount))
        return np.asarray(self.discount, dtype=float)

    # ------------------------------------------------------------------ probabilities
    def _probs(self, words: np.ndarray, grams: list[np.ndarray], contexts: list[np.ndarray]) -> np.ndarray:
        """P(w | h) (or the stupid-backoff score) for arrays of queries.

        ``words``: (N,) word ids; ``grams[m-1]``: (N,) type id of the order-m n-gram ending with
        the word (-1 if unseen); ``contexts[m-1]``: (N,) type id of its (m-1)-word context (-1 if
        unseen; 0 for m = 1, the empty context).
        """
        V, top = self.vocabulary_size_, self._orders[-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.estimator == "mle":
                total = _take(top.context_total, contexts[-1])
                p = np.where(total > 0, _take(top.counts, grams[-1]) / np.maximum(total, 1), 0.0)
            elif self.estimator == "addk":
                total = _take(top.context_total, contexts[-1])
                p = (_take(top.counts, grams[-1]) + self.k) / (total + self.k * V)
            elif self.estimator in ("kn", "absolute"):
                kn = self.estimator == "kn"
                p = np.full(len(words), 1.0 / V)  # P_0, the uniform distribution
                for order, D, gram, context in zip(self._orders, self._discounts(), grams, contexts):
                    total = _take(order.kn_total if kn else order.context_total, context)  # a_m(h.)
                    a = _take(order.kn if kn else order.counts, gram)  # a_m(hw)
                    followers = _take(order.followers, context)  # N1+(h.)
                    p = np.where(total > 0, (np.maximum(a - D, 0) + D * followers * p) / np.maximum(total, 1), p)
            else:  # stupid backoff, from the highest order down
                p = np.zeros(len(words))
                done = np.zeros(len(words), dtype=bool)
                factor = 1.0
                for order, gram, context in zip(reversed(self._orders), reversed(grams), reversed(contexts)):
                    c = _take(order.counts, gram)
                    hit = ~done & (c > 0)
                    p[hit] = factor * c[hit] / _take(order.context_total, context)[hit]
                    done |= hit
                    factor *= self.alpha
        return np.where(self._predicted[words], p, 0.0)  # never <s> (nor a Vocab's <pad>)

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

    def next_word_probs(self, context: Sequence[str] = ()) -> np.ndarray:
        """The distribution of the word after ``context`` over every token id.

        Parameters
        ----------
        context : sequence of str, default=()
            The words of the sentence so far (without ``<s>``); padded with ``<s>`` on the left.

        Returns
        -------
        ndarray of shape (W,)
            Entry i is P(``index_to_key_[i]`` | context); the ``<s>`` entry is 0. Sums to 1 for
            every estimator but stupid backoff (and MLE after an unseen context: all 0).

        Examples
        --------
        >>> lm = NGramLM(order=2).fit([["a", "b"], ["a", "b"], ["b", "a"]])
        >>> p = lm.next_word_probs(["a"])
        >>> round(float(p.sum()), 12), lm.index_to_key_[int(p.argmax())]
        (1.0, 'b')
        """
        self._check_fitted()
        return self._next_word_probs(check_tokens(context, "context", "NGramLM.next_word_probs"))

    def _next_word_probs(self, context: Sequence[str]) -> np.ndarray:
        W = self._width
        words = np.arange(W, dtype=np.int64)
        ctx = self._context_ids(context)
        contexts = [np.full(W, c, dtype=np.int64) for c in ctx]
        grams = [words]
        for m in range(2, self.order + 1):
            grams.append(
                np.full(W, -1, dtype=np.int64)
                if ctx[m - 1] < 0
                else _lookup(self._orders[m - 1].keys, ctx[m - 1] * W + words)
            )
        return self._probs(words, grams, contexts)

    def prob(self, word: str, context: Sequence[str] = ()) -> float:
        """P(``word`` | ``context``), the context being the sentence so far (see next_word_probs).

        Examples
        --------
        >>> lm = NGramLM(order=2, estimator="mle").fit([["a", "b"], ["a", "c"]])
        >>> lm.prob("b", ["a"]), lm.prob("a"), lm.prob("</s>", ["c"])  # prob("a") is P(a | <s>)
        (0.5, 1.0, 1.0)
        """
        self._check_fitted()
        word = check_tokens([word], "word", "NGramLM.prob")[0]
        context = check_tokens(context, "context", "NGramLM.prob")
        return float(self._next_word_probs(context)[self._word_ids([word])[0]])

    def count(self, ngram: Sequence[str]) -> int:
        """How often ``ngram`` (1 <= length <= order) occurs as a predicted n-gram in training.

        Words outside the vocabulary count as ``<unk>``; ``<s>`` may open the n-gram.
        """
        self._check_fitted()
        ngram = check_tokens(ngram, "ngram", "NGramLM.count")
        m = check_int(len(ngram), "len(ngram)", "NGramLM.count", low=1, high=self.order)
        gid = self._type_id(self._word_ids(ngram))
        return 0 if gid < 0 else int(self._orders[m - 1].counts[gid])

    def context_count(self, context: Sequence[str]) -> int:
        """c(h.) = sum_w c(hw): how often ``context`` (length < order) is followed by a token.

        Unlike :meth:`count`, this counts a context made of ``<s>`` only (the start of every
        sentence), which is never itself a predicted n-gram.

        Examples
        --------
        >>> lm = NGramLM(order=2).fit([["a", "b"], ["a"]])
        >>> lm.context_count(["<s>"]), lm.context_count(["a"]), lm.count(["<s>"])
        (2, 2, 0)
        """
        self._check_fitted()
        context = check_tokens(context, "context", "NGramLM.context_count")
        m = check_int(len(context), "len(context)", "NGramLM.context_count", low=0, high=self.order - 1)
        gid = 0 if m == 0 else self._type_id(self._word_ids(context))
        return 0 if gid < 0 else int(self._orders[m].context_total[gid])

    def continuation_count(self, ngram: Sequence[str]) -> int:
        """N1+(. ngram): the number of distinct words seen right before ``ngram`` in training.

        The length of ``ngram`` must be below ``order`` (it needs the counts one order up).

        Examples
        --------
        >>> lm = NGramLM(order=2).fit([["new", "york"], ["new", "york"], ["in", "york"]])
        >>> lm.count(["york"]), lm.continuation_count(["york"])
        (3, 2)
        """
        self._check_fitted()
        ngram = check_tokens(ngram, "ngram", "NGramLM.continuation_count")
        m = check_int(len(ngram), "len(ngram)", "NGramLM.continuation_count", low=1, high=self.order - 1)
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
        >>> lm = NGramLM(order=2).fit([["a", "b"], ["a", "b"], ["a"]])
        >>> grams, counts = lm.ngram_counts(2)
        >>> [lm.index_to_key_[i] for i in grams[0]], counts.tolist()
        (['<s>', 'a'], [3, 2, 2, 1])
        """
        self._check_fitted()
        m = check_int(m, "m", "NGramLM.ngram_counts", low=1, high=self.order)
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

    # ------------------------------------------------------------------ evaluation
    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """Natural-log probability of every predicted token (each word and each ``</s>``).

        Returns
        -------
        ndarray of shape (N,)
            ``-inf`` where the model gives probability 0 (MLE on an unseen n-gram).
        """
        return self._token_logprobs(sentences, f"{type(self).__name__}.token_logprobs")

    def _check_sentences(self, sentences, owner: str):
        self._check_fitted()
        sentences = check_sentences(sentences, "sentences", owner)
        check_nonempty(sentences, "sentences", owner)
        return sentences

    def _token_logprobs(self, sentences, owner: str) -> np.ndarray:
        sentences = self._check_sentences(sentences, owner)
        tokens, position, target = self._encode(sentences, owner)
        ids = self._gram_ids(tokens, position)
        where = np.flatnonzero(target)
        grams = [g[where] for g in ids]
        contexts = [np.zeros(len(where), dtype=np.int64)] + [g[where - 1] for g in ids[:-1]]
        with np.errstate(divide="ignore"):
            return np.log(self._probs(tokens[where], grams, contexts))

    def sentence_logprob(self, sentence: Sequence[str]) -> float:
        """ln P(sentence): the sum of the log-probabilities of its words and of ``</s>`` (nats)."""
        sentence = check_tokens(sentence, "sentence", "NGramLM.sentence_logprob")
        return float(self._token_logprobs([sentence], "NGramLM.sentence_logprob").sum())

    def sentence_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln P(sentence) of every sentence, in one pass.

        Returns
        -------
        ndarray of shape (S,)
            ``-inf`` for a sentence with a zero-probability token.
        """
        owner = "NGramLM.sentence_logprobs"
        sentences = self._check_sentences(sentences, owner)
        logp = self._token_logprobs(sentences, owner)  # (N,), len(s) + 1 tokens per sentence
        lengths = np.fromiter((len(s) + 1 for s in sentences), dtype=np.int64, count=len(sentences))
        return np.add.reduceat(logp, np.cumsum(lengths) - lengths)

    def cross_entropy(self, sentences: Sequence[Sequence[str]], base: float = 2.0) -> float:
        """H_b = -(1/N) sum_t log_b P(w_t | h_t) over the N predicted tokens (bits if base=2).

        Examples
        --------
        >>> lm = NGramLM(order=1, estimator="mle").fit([["a", "b"]])  # a, b, </s>: 1/3 each
        >>> sig(lm.cross_entropy([["b", "a"]])), sig(math.log2(3))
        ('1.585', '1.585')
        """
        base = check_float(base, "base", "NGramLM.cross_entropy", low=1.0, low_closed=False)
        return self._cross_entropy(sentences, base, "NGramLM.cross_entropy")

    def _cross_entropy(self, sentences, base: float, owner: str) -> float:
        sentences = self._check_sentences(sentences, owner)
        if self.estimator == "stupid_backoff":
            raise ValueError(
                "Stupid backoff gives scores, not probabilities (they do not sum to 1), "
                "so its cross-entropy and perplexity are not defined. Use another "
                "'estimator' to evaluate, or token_logprobs to read the scores."
            )
        return float(-self._token_logprobs(sentences, owner).mean() / math.log(base))

    def perplexity(self, sentences: Sequence[Sequence[str]]) -> float:
        """PPL = exp(H_e) = 2 ** H_2: the model is as unsure as a uniform choice among PPL words.

        ``inf`` when a test token gets probability 0.
        """
        return float(math.exp(self._cross_entropy(sentences, math.e, "NGramLM.perplexity")))

    def unseen_fraction(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """For m = 1..order, the fraction of the m-grams of ``sentences`` never seen in training.

        One m-gram per predicted token (padding as in :func:`ngrams`), after mapping
        out-of-vocabulary words to ``<unk>``.

        Returns
        -------
        ndarray of shape (order,)

        Examples
        --------
        >>> lm = NGramLM(order=2).fit([["a", "b"]])
        >>> lm.unseen_fraction([["a", "b", "a"]]).tolist()  # ('b', 'a') and ('a', '</s>') are new
        [0.0, 0.5]
        """
        owner = f"{type(self).__name__}.unseen_fraction"
        sentences = self._check_sentences(sentences, owner)
        tokens, position, target = self._encode(sentences, owner)
        ids = self._gram_ids(tokens, position)
        return np.array([np.mean(_take(order.counts, g[target]) == 0) for order, g in zip(self._orders, ids)])

    # ------------------------------------------------------------------ generation
    def sample(
        self,
        max_len: int = 30,
        temperature: float = 1.0,
        seed: int | np.random.Generator | None = 0,
        context: Sequence[str] = (),
    ) -> list[str]:
        """Generate one sentence word by word from P(w | h) ** (1 / temperature), renormalised.

        Parameters
        ----------
        max_len : int, default=30
            Stop after this many words if ``</s>`` has not come.
        temperature : float, default=1.0
            Above 1 flattens the distribution, below 1 sharpens it (towards the most likely word).
        seed : int or numpy.random.Generator, default=0
            The same seed gives the same sentence.
        context : sequence of str, default=()
            Words to continue (the returned list starts with them).

        Returns
        -------
        list of str
            The words, without ``<s>`` and ``</s>``.

        Examples
        --------
        >>> lm = NGramLM(order=2).fit([["a", "b"], ["b", "a"]])
        >>> lm.sample(seed=1) == lm.sample(seed=1)
        True
        """
        self._check_fitted()
        max_len = check_int(max_len, "max_len", "NGramLM.sample", low=1)
        temperature = check_float(temperature, "temperature", "NGramLM.sample", low=0.0, low_closed=False)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        words = list(check_tokens(context, "context", "NGramLM.sample"))
        for _ in range(max_len):
            p = self._next_word_probs(words)
            if p.sum() <= 0:  # MLE after an unseen context: nothing to sample from
                break
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                logits = np.log(p) / temperature
                p = np.exp(logits - logits.max())
            if not np.isfinite(p).all():  # log(p) / temperature overflowed: nan, not a distribution
                raise ValueError(
                    f"The 'temperature' parameter of NGramLM.sample is too small for these probabilities: "
                    f"P(w | h) ** (1 / temperature) is not finite. Got {temperature!r} instead; use a larger "
                    "one (near 0.01 already picks the most likely word)."
                )
            i = int(rng.choice(len(p), p=p / p.sum()))
            if i == self._eos_id:
                break
            words.append(self.index_to_key_[i])
        return words

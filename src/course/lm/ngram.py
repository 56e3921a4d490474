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

Paper vs code: Chen and Goodman's *modified* Kneser-Ney uses three discounts per order
(:math:`D_1, D_2, D_{3+}` for counts 1, 2 and 3 or more); this module uses one :math:`D_m` per
order, the original interpolated form.

The counting (padding, the count tables of every order as sorted arrays) is
:mod:`course.lm.ngram_counts` (:class:`NGramLM` extends its :class:`~course.lm.ngram_counts.NGramCounts`);
scoring and sampling are :mod:`course.lm.ngram_scoring`.

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
from collections.abc import Sequence

import numpy as np

from ..base.notebook import sig  # noqa: F401  (used by the doctests)
from ..base.validation import (
    check_choice,
    check_float,
    check_tokens,
)
from .ngram_counts import BOS, EOS, UNK, NGramCounts, _lookup, _take, ngrams
from .ngram_scoring import NGramScoring

__all__ = ["BOS", "EOS", "UNK", "ESTIMATORS", "ngrams", "NGramLM"]

ESTIMATORS = ("mle", "addk", "kn", "absolute", "stupid_backoff")


class NGramLM(NGramScoring, NGramCounts):
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
        super()._validate_params()  # order, min_count, max_size, vocab: the counts' parameters
        owner = type(self).__name__
        check_choice(self.estimator, "estimator", owner, ESTIMATORS)
        check_float(self.k, "k", owner, low=0.0, low_closed=False)
        check_float(self.alpha, "alpha", owner, low=0.0, high=1.0, low_closed=False)
        if self.discount is not None:
            values = [self.discount] if np.isscalar(self.discount) else list(self.discount)
            if not np.isscalar(self.discount) and len(values) != self.order:
                raise ValueError(
                    f"The 'discount' parameter of {owner} must be a float or a sequence of "
                    f"{self.order} floats (one per order). Got {len(values)} values instead."
                )
            for d in values:
                check_float(d, "discount", owner, low=0.0, high=1.0, low_closed=False, high_closed=False)

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

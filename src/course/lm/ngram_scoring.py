r"""Scoring and sampling an n-gram model: log-probabilities, cross-entropy, perplexity, generation.

Over the :math:`N` predicted tokens of a corpus (every word and each ``</s>``), cross-entropy is
:math:`H_b = -\frac{1}{N}\sum_t \log_b P(w_t \mid h_t)` (``base`` :math:`b`, default 2: bits per
token) and perplexity :math:`\mathrm{PPL} = b^{H_b} = \exp(H_e)`, the same for every base
:cite:`jurafsky2025`. Sampling draws each next word from :math:`P(w \mid h)^{1/T}`, renormalised.

:class:`NGramScoring` is the part of :class:`course.lm.ngram.NGramLM` that reads its
probabilities (``_probs``, ``_next_word_probs``) and its counts
(:class:`course.lm.ngram_counts.NGramCounts`); it is not used alone.

References
----------
.. [1] D. Jurafsky and J. H. Martin, "Speech and Language Processing", 3rd ed. draft, ch. 3.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..base.notebook import sig  # noqa: F401  (used by the doctests)
from ..base.validation import check_float, check_int, check_nonempty, check_sentences, check_tokens
from .ngram_counts import _lookup, _take

__all__ = ["NGramScoring"]


class NGramScoring:
    """Evaluation and generation methods of :class:`course.lm.ngram.NGramLM`."""

    # ------------------------------------------------------------------ evaluation
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
        >>> from course.lm.ngram import NGramLM
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
        >>> from course.lm.ngram import NGramLM
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
        >>> from course.lm.ngram import NGramLM
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

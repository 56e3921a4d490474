"""Train word2vec: one trainer for {Skip-gram, CBOW} x {softmax, negative sampling, hierarchical softmax}.

:class:`Word2Vec` takes gensim's parameter names (``vector_size``, ``window``, ``min_count``,
``negative``, ``ns_exponent``, ``sample``, ``alpha``, ``min_alpha``, ``epochs``, ``seed``,
``hs``, ``sg``, ``workers``), validates them up front, and trains the way word2vec.c does:

1. vocabulary: words with at least ``min_count`` occurrences, most frequent first;
2. per chunk of about ``batch_words`` raw words (gensim's jobs of 10,000 words): drop unknown
   words, subsample frequent ones, draw reduced windows, build all (input, output) examples
   at once in NumPy (:mod:`course.word2vec.pairs`), draw the noise words from an alias table
   (:mod:`course.word2vec.negative_sampling`);
3. SGD over the chunk's examples in minibatches of ``batch_size``
   (:meth:`Word2VecModel.sgd_step`), with word2vec.c's learning rate: linear from ``alpha`` down
   to ``min_alpha`` over all raw words of all epochs;
4. parallelism, two ways. By default (``hogwild=False``) every minibatch is split across the
   ``workers`` threads, which compute their parts' updates from the same weights at once; the
   updates are then applied in a fixed order. That is plain minibatch SGD: a run is reproducible
   bit for bit, and runs with different numbers of threads agree up to float rounding. With ``hogwild=True`` the threads instead take
   whole chunks in turn and update the shared weights without locks, as word2vec.c and gensim
   do ("Hogwild"): faster (the updates run in parallel too) but not reproducible with more than
   one thread. Each chunk draws its randomness from its own generator seeded by
   ``(seed, epoch, chunk)``.

>>> sentences = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat"]] * 50
>>> model = Word2Vec(vector_size=8, window=2, min_count=1, negative=2, epochs=2, progress=False).fit(sentences)
>>> model.wv.vectors.shape, model.wv.index_to_key[:2]
((6, 8), ['the', 'sat'])

:func:`train_cached` trains on the course corpus through :func:`course.base.cache.cached`, keyed by
the hyperparameters, :func:`course.data.corpus_checksum` and the package version, so later
chapters reuse the vectors; :func:`load_cached` reads them without ever training.

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013.
.. [2] T. Mikolov et al., "Distributed Representations of Words and Phrases and their
   Compositionality", NIPS 2013.
.. [3] B. Recht, C. Re, S. Wright, F. Niu, "Hogwild!: A Lock-Free Approach to Parallelizing
   Stochastic Gradient Descent", NIPS 2011.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import chain

import numpy as np
import torch

from ..base import cache
from ..base.notebook import default_threads
from ..base.validation import (
    check_choice,
    check_divergence,
    check_float,
    check_int,
    check_nonempty,
    check_sentences,
    check_token_values,
)
from .model import HS_MAX_STEPS, Batch, Word2VecModel
from .negative_sampling import AliasTable, noise_distribution
from .pairs import _cbow_contexts, _reduced_windows, _skipgram_pairs
from .subsampling import SUBSAMPLING_RULES, keep_probabilities, subsample_mask

__all__ = ["Word2VecConfig", "Word2Vec", "build_vocab", "train_cached", "load_cached"]

_OWNER = "Word2Vec"
_ARCHS = {
    False: "cbow",  # also 0 (0 == False in a dict)
    True: "skipgram",  # also 1
    "cbow": "cbow",
    "skipgram": "skipgram",
    "sg": "skipgram",
    "skip-gram": "skipgram",
}


def _check_bool(value, name: str) -> bool:
    # gensim's 0/1 switches are accepted and turned into bools.
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    raise TypeError(
        f"The {name!r} parameter of {_OWNER} must be a bool. Got {value!r} ({type(value).__name__}) instead."
    )


@dataclass(frozen=True)
class Word2VecConfig:
    """Validated hyperparameters of :class:`Word2Vec` (gensim's names and defaults)."""

    vector_size: int = 100  # D, dimension of the word vectors
    window: int = 5  # maximum distance between centre and context word
    min_count: int = 5  # words rarer than this are dropped before training
    max_final_vocab: int | None = None  # keep at most this many of the most frequent words
    sg: str = "cbow"  # architecture: "skipgram" or "cbow"
    hs: bool = False  # hierarchical softmax output layer
    negative: int = 5  # noise words per example (0 = no negative sampling)
    shared_negatives: bool = False  # Skip-gram: one set of noise words per centre word, not per pair
    softmax: bool = False  # full softmax output layer (ours; costs V dot products per example)
    ns_exponent: float = 0.75  # alpha of the noise distribution U(w)^alpha / Z
    cbow_mean: bool = True  # CBOW hidden vector: mean (True) or sum of the context vectors
    sample: float = 1e-3  # subsampling threshold t (0 = off)
    subsample_rule: str = "word2vec.c"  # "word2vec.c" (gensim) or "paper" keep probability
    alpha: float = 0.025  # initial learning rate
    min_alpha: float = 0.0001  # final learning rate (linear decay over all words of all epochs)
    epochs: int = 5  # passes over the corpus
    seed: int = 1  # seed of the initial vectors and of every random draw
    workers: int = 1  # threads
    hogwild: bool = False  # lock-free updates by threads working on different chunks (not reproducible)
    batch_words: int = 10_000  # raw words per chunk (one learning rate per chunk, as gensim's jobs)
    batch_size: int = 1024  # examples per SGD minibatch

    @property
    def objective(self) -> str:
        """``"negative"``, ``"hierarchical"`` or ``"softmax"``."""
        return "hierarchical" if self.hs else "softmax" if self.softmax else "negative"

    def key(self) -> dict:
        """The hyperparameters that determine the vectors (cache key): all but ``workers``."""
        params = asdict(self)
        params.pop("workers")
        if not params["hogwild"]:  # the synchronous mode's result does not depend on the threads
            params.pop("hogwild")
        return params


def _validate(params: dict) -> Word2VecConfig:
    c = dict(params)
    c["vector_size"] = check_int(c["vector_size"], "vector_size", _OWNER, low=1)
    c["window"] = check_int(c["window"], "window", _OWNER, low=1)
    c["min_count"] = check_int(c["min_count"], "min_count", _OWNER, low=1)
    if c["max_final_vocab"] is not None:
        c["max_final_vocab"] = check_int(c["max_final_vocab"], "max_final_vocab", _OWNER, low=2)
    sg = c["sg"]
    if isinstance(sg, str):
        check_choice(
            sg,
            "sg",
            _OWNER,
            ["skipgram", "cbow"] + [k for k in _ARCHS if isinstance(k, str) and k not in ("skipgram", "cbow")],
        )
    elif not isinstance(sg, (bool, int, np.integer)) or sg not in (0, 1):
        raise TypeError(
            f"The 'sg' parameter of {_OWNER} must be a bool or one of 'skipgram', 'cbow'. Got {sg!r} instead."
        )
    c["sg"] = _ARCHS[sg if isinstance(sg, str) else bool(sg)]
    c["hs"] = _check_bool(c["hs"], "hs")
    c["softmax"] = _check_bool(c["softmax"], "softmax")
    c["cbow_mean"] = _check_bool(c["cbow_mean"], "cbow_mean")
    c["negative"] = check_int(c["negative"], "negative", _OWNER, low=0)
    c["shared_negatives"] = _check_bool(c["shared_negatives"], "shared_negatives")
    c["ns_exponent"] = check_float(c["ns_exponent"], "ns_exponent", _OWNER)  # finite
    c["sample"] = check_float(c["sample"], "sample", _OWNER, low=0.0, high=1.0, high_closed=False)
    check_choice(c["subsample_rule"], "subsample_rule", _OWNER, SUBSAMPLING_RULES)
    c["alpha"] = check_float(c["alpha"], "alpha", _OWNER, low=0.0, low_closed=False)
    c["min_alpha"] = check_float(c["min_alpha"], "min_alpha", _OWNER, low=0.0, high=c["alpha"])
    c["epochs"] = check_int(c["epochs"], "epochs", _OWNER, low=1)
    c["seed"] = check_int(c["seed"], "seed", _OWNER, low=0)
    c["workers"] = check_int(c["workers"], "workers", _OWNER, low=1)
    c["hogwild"] = _check_bool(c["hogwild"], "hogwild")
    c["batch_words"] = check_int(c["batch_words"], "batch_words", _OWNER, low=1)
    c["batch_size"] = check_int(c["batch_size"], "batch_size", _OWNER, low=1)
    chosen = [name for name, on in (("negative", c["negative"] > 0), ("hs", c["hs"]), ("softmax", c["softmax"])) if on]
    if not chosen:
        raise ValueError(
            f"{_OWNER} needs an output layer: set 'negative' > 0 (negative sampling), 'hs'=True "
            "(hierarchical softmax) or 'softmax'=True (full softmax). Got negative=0, hs=False, softmax=False."
        )
    if len(chosen) > 1:
        hint = "set negative=0 to use hs=True or softmax=True" if "negative" in chosen else "choose one"
        raise ValueError(
            f"{_OWNER} trains one output layer at a time; got {' and '.join(repr(n) for n in chosen)} "
            f"(negative={c['negative']}, hs={c['hs']}, softmax={c['softmax']}): {hint}."
        )
    return Word2VecConfig(**c)


def build_vocab(sentences, min_count: int = 5, max_final_vocab: int | None = None) -> tuple[list[str], np.ndarray]:
    """Words seen at least ``min_count`` times, most frequent first.

    Ties are broken as gensim 4 breaks them (``np.lexsort((-indices, -counts))``): the word seen
    first comes *last*, so that vocabularies and ``restrict_vocab`` cut-offs agree with gensim's.

    Returns
    -------
    index_to_key : list of str of length V
    counts : ndarray of int64 with shape (V,)

    Examples
    --------
    >>> build_vocab([["a", "b", "b"], ["c", "b", "a", "c"]], min_count=2)
    (['b', 'c', 'a'], array([3, 2, 2]))
    """
    sentences = check_sentences(sentences, "sentences", "build_vocab")
    min_count = check_int(min_count, "min_count", "build_vocab", low=1)
    if max_final_vocab is not None:
        max_final_vocab = check_int(max_final_vocab, "max_final_vocab", "build_vocab", low=1)
    return _build_vocab(sentences, min_count, max_final_vocab, "build_vocab")


def _build_vocab(sentences, min_count: int, max_final_vocab: int | None, owner: str) -> tuple[list[str], np.ndarray]:
    try:
        counter = Counter(chain.from_iterable(sentences))
    except TypeError:  # an unhashable token: say where
        check_sentences(sentences, "sentences", owner, tokens=True)
        raise
    check_token_values(counter, "sentences", owner, sentences)  # per distinct token: cheap
    items = [(w, n) for w, n in counter.items() if n >= min_count]  # in order of first occurrence
    items = [items[i] for i in np.lexsort((-np.arange(len(items)), -np.array([n for _, n in items], dtype=np.int64)))]
    if max_final_vocab is not None:
        items = items[:max_final_vocab]
    return [w for w, _ in items], np.array([n for _, n in items], dtype=np.int64)


def _check_token_arrays(words, ids, offsets, owner: str):
    """``fit_tokens``'s corpus: words, ids in ``[0, len(words))`` and sentence offsets 0 .. len(ids)."""
    if isinstance(words, (str, bytes)) or not hasattr(words, "__len__"):
        raise TypeError(f"The 'words' parameter of {owner} must be a list of str. Got {type(words).__name__} instead.")
    words = list(words)
    check_token_values(words, "words", owner)
    ids, offsets = np.asarray(ids), np.asarray(offsets)
    for name, arr in (("ids", ids), ("offsets", offsets)):
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise TypeError(
                f"The {name!r} parameter of {owner} must be a 1-D int array. "
                f"Got shape {arr.shape} and dtype {arr.dtype} instead."
            )
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= len(words)):
        bad = int(ids.min()) if int(ids.min()) < 0 else int(ids.max())
        raise ValueError(
            f"The 'ids' parameter of {owner} must hold word ids in [0, {len(words)}) (there are "
            f"{len(words)} words). Got {bad} instead."
        )
    if offsets.size == 0 or offsets[0] != 0 or offsets[-1] != len(ids) or np.any(np.diff(offsets) < 0):
        raise ValueError(
            f"The 'offsets' parameter of {owner} must rise from 0 to len(ids) = {len(ids)} "
            f"(sentence s is ids[offsets[s]:offsets[s + 1]]). Got {offsets[:3].tolist()}...{offsets[-2:].tolist()} instead."
        )
    return words, ids.astype(np.int64, copy=False), offsets.astype(np.int64, copy=False)


def _encode(sentences, key_to_index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of all tokens laid end to end (-1 = not in the vocabulary) and sentence offsets."""
    lengths = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
    ids = np.fromiter(
        (key_to_index.get(w, -1) for w in chain.from_iterable(sentences)), dtype=np.int32, count=int(lengths.sum())
    )
    return ids, np.concatenate([[0], np.cumsum(lengths)])


def _chunks(offsets: np.ndarray, batch_words: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) of whole sentences with about ``batch_words`` raw words each."""
    bounds = [0]
    targets = np.arange(batch_words, offsets[-1], batch_words)
    cut = np.unique(np.searchsorted(offsets, targets, side="left"))  # first sentence start >= target
    bounds += [int(offsets[i]) for i in cut if 0 < offsets[i] < offsets[-1]]
    bounds.append(int(offsets[-1]))
    bounds = sorted(set(bounds))
    return list(zip(bounds[:-1], bounds[1:]))


class Word2Vec:
    """word2vec with gensim's parameter names, trained by minibatch SGD in PyTorch.

    Parameters
    ----------
    vector_size : int, default=100
    window : int, default=5
    min_count : int, default=5
    max_final_vocab : int or None, default=None
    sg : bool or {"skipgram", "cbow"}, default=False
        True (or "skipgram") for Skip-gram, False (or "cbow") for CBOW.
    hs : bool, default=False
        Hierarchical softmax.
    negative : int, default=5
        Number of noise words per example; 0 disables negative sampling.
    shared_negatives : bool, default=False
        Skip-gram with negative sampling: draw one set of ``negative`` noise words per centre
        word, shared by all its (context, centre) pairs, instead of one set per pair (Ji et al.
        2016, pWord2Vec). The pairs of a centre word then train as small matrix products, about
        twice as fast; word2vec.c and gensim draw per pair. (Skip-gram with hierarchical softmax
        always trains grouped by centre word: its terms depend only on the centre word, so
        that changes nothing but the speed.)
    softmax : bool, default=False
        Full softmax (only sensible for small vocabularies).
    ns_exponent : float, default=0.75
    cbow_mean : bool, default=True
    sample : float, default=1e-3
    subsample_rule : {"word2vec.c", "paper"}, default="word2vec.c"
    alpha : float, default=0.025
    min_alpha : float, default=0.0001
    epochs : int, default=5
    seed : int, default=1
    workers : int, default=None
        Training threads; None means :func:`course.base.notebook.default_threads`. ``threads`` is an
        alias. PyTorch's own thread pool is set to one thread while training (it would fight
        the workers for the cores).
    hogwild : bool, default=False
        False: each minibatch is split across the threads and the updates applied in a fixed
        order (reproducible; other ``workers`` values agree up to float rounding). True: threads
        train different chunks at once without locks, like gensim (faster, not reproducible).
    batch_words : int, default=10000
    batch_size : int, default=1024
    compute_loss : bool, default=True
        Record the mean loss per example of every chunk in ``loss_history_``.
    progress : bool, default=True
        Show a tqdm progress bar (its rate is raw words per second).

    Attributes
    ----------
    config : Word2VecConfig
        The validated parameters.
    wv : course.vectors.KeyedVectors
        The input vectors (``W_in``) with ``index_to_key``, ``key_to_index`` and ``counts``.
    model_ : Word2VecModel
        Both weight matrices.
    loss_history_ : list of (float, float)
        (fraction of training done, mean loss per example) after every chunk.
    epoch_losses_ : list of float
        Mean loss per example of each epoch.
    raw_words_, effective_words_ : int
        Words read (all epochs, before vocabulary and subsampling, as gensim counts them) and
        words left after both.
    train_seconds_ : float
        Wall time of the training loop (vocabulary building excluded).
    words_per_second_ : float
        ``raw_words_ / train_seconds_``, the rate gensim reports.

    Examples
    --------
    >>> Word2Vec(window=0)
    Traceback (most recent call last):
    ...
    ValueError: The 'window' parameter of Word2Vec must be an int in the range [1, inf). Got 0 instead.
    """

    def __init__(
        self,
        *,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        max_final_vocab: int | None = None,
        sg: bool | str = False,
        hs: bool = False,
        negative: int = 5,
        shared_negatives: bool = False,
        softmax: bool = False,
        ns_exponent: float = 0.75,
        cbow_mean: bool = True,
        sample: float = 1e-3,
        subsample_rule: str = "word2vec.c",
        alpha: float = 0.025,
        min_alpha: float = 0.0001,
        epochs: int = 5,
        seed: int = 1,
        workers: int | None = None,
        threads: int | None = None,
        hogwild: bool = False,
        batch_words: int = 10_000,
        batch_size: int = 1024,
        compute_loss: bool = True,
        progress: bool = True,
    ) -> None:
        if workers is not None and threads is not None and workers != threads:
            raise ValueError(
                f"{_OWNER} got workers={workers!r} and threads={threads!r}: they are the same setting, give one."
            )
        workers = workers if workers is not None else threads if threads is not None else default_threads()
        self.config = _validate(
            dict(
                vector_size=vector_size,
                window=window,
                min_count=min_count,
                max_final_vocab=max_final_vocab,
                sg=sg,
                hs=hs,
                negative=negative,
                shared_negatives=shared_negatives,
                softmax=softmax,
                ns_exponent=ns_exponent,
                cbow_mean=cbow_mean,
                sample=sample,
                subsample_rule=subsample_rule,
                alpha=alpha,
                min_alpha=min_alpha,
                epochs=epochs,
                seed=seed,
                workers=workers,
                hogwild=hogwild,
                batch_words=batch_words,
                batch_size=batch_size,
            )
        )
        self.compute_loss = _check_bool(compute_loss, "compute_loss")
        self.progress = _check_bool(progress, "progress")
        self.model_ = None

    def __getattr__(self, name):
        # Read-only access to the hyperparameters by their gensim names: model.vector_size, ...
        config = self.__dict__.get("config")
        if config is not None and name in Word2VecConfig.__dataclass_fields__:
            return getattr(config, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------------- fitting
    def fit(self, sentences) -> Word2Vec:
        """Build the vocabulary from ``sentences`` and train.

        Parameters
        ----------
        sentences : list of list of str
            Tokenized sentences (e.g. :func:`course.data.load_sentences`).

        Returns
        -------
        self
        """
        owner = f"{_OWNER}.fit"
        sentences = check_sentences(sentences, "sentences", owner)  # a generator is read once
        check_nonempty(sentences, "sentences", owner)
        c = self.config
        index_to_key, counts = _build_vocab(sentences, c.min_count, c.max_final_vocab, owner)
        ids, offsets = _encode(sentences, {w: i for i, w in enumerate(index_to_key)})
        return self._fit_ids(index_to_key, counts, ids, offsets)

    def fit_tokens(self, words: list[str], ids: np.ndarray, offsets: np.ndarray) -> Word2Vec:
        """Train on a corpus given as integer arrays (:func:`course.data.load_tokens`'s output).

        Parameters
        ----------
        words : list of str
            What the ids stand for.
        ids : ndarray of int with shape (N,)
            All tokens, sentences laid end to end.
        offsets : ndarray of int with shape (S + 1,)
            Sentence ``s`` is ``ids[offsets[s]:offsets[s + 1]]``.

        Returns
        -------
        self
        """
        c = self.config
        words, ids, offsets = _check_token_arrays(words, ids, offsets, f"{_OWNER}.fit_tokens")
        counts_all = np.bincount(ids, minlength=len(words))
        first_seen = np.full(len(words), len(ids), dtype=np.int64)
        np.minimum.at(first_seen, ids, np.arange(len(ids)))
        order = np.flatnonzero(counts_all >= c.min_count)
        order = order[np.argsort(first_seen[order], kind="stable")]  # order of first occurrence, as build_vocab
        order = order[np.lexsort((-np.arange(len(order)), -counts_all[order]))]  # gensim's order
        if c.max_final_vocab is not None:
            order = order[: c.max_final_vocab]
        remap = np.full(len(words), -1, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        return self._fit_ids([words[i] for i in order], counts_all[order].astype(np.int64), remap[ids], offsets)

    def _fit_ids(self, index_to_key, counts, ids, offsets) -> Word2Vec:
        c = self.config
        V = len(index_to_key)
        if V < 2:
            raise ValueError(
                f"The vocabulary has {V} word(s) with min_count={c.min_count}; {_OWNER} needs at least 2. "
                "Lower 'min_count' or give more text."
            )
        if c.negative >= V:
            raise ValueError(
                f"The 'negative' parameter of {_OWNER} must be smaller than the vocabulary size ({V} "
                f"words with min_count={c.min_count}). Got {c.negative} instead."
            )
        tree = None
        if c.hs:
            from .huffman import HuffmanTree

            tree = HuffmanTree(counts)
        self.model_ = Word2VecModel(V, c.vector_size, c.objective, tree=tree, cbow_mean=c.cbow_mean, seed=c.seed)
        self.index_to_key_ = list(index_to_key)
        self.counts_ = counts
        self._keep = keep_probabilities(counts, c.sample, c.subsample_rule)
        self._noise = AliasTable(noise_distribution(counts, c.ns_exponent)) if c.objective == "negative" else None
        self._grouped = c.sg == "skipgram" and (c.hs or (c.objective == "negative" and c.shared_negatives))
        self._train(ids, offsets)
        self.wv = _keyed_vectors(self.index_to_key_, self.model_.W_in.numpy().copy(), counts)
        return self

    # ------------------------------------------------------------------------- training
    def _examples(self, ids: np.ndarray, sentence_ids: np.ndarray, rng: np.random.Generator):
        """All examples of one chunk: subsample, reduced windows, pairs or CBOW rows, noise words."""
        c = self.config
        known = ids >= 0
        ids, sentence_ids = ids[known], sentence_ids[known]
        if c.sample > 0:
            kept = subsample_mask(ids, self._keep, rng)
            ids, sentence_ids = ids[kept], sentence_ids[kept]
        # c.window was checked once, in __init__: the per-chunk calls skip the checks
        windows = _reduced_windows(len(ids), c.window, rng)
        if self._grouped:  # Skip-gram pairs grouped by centre word: padded context rows + mask
            inputs, mask, outputs = _cbow_contexts(ids, c.window, sentence_ids, windows)
        elif c.sg == "skipgram":
            centres, contexts = _skipgram_pairs(ids, c.window, sentence_ids, windows)
            inputs, mask, outputs = contexts, None, centres  # word2vec.c: the context word predicts the centre
        else:
            contexts, mask, outputs = _cbow_contexts(ids, c.window, sentence_ids, windows)
            # Packed form: the real context words end to end, and where each example's start.
            inputs, mask = contexts[mask], np.concatenate([[0], np.cumsum(mask.sum(1))])
        negatives = self._noise.sample((len(outputs), c.negative), rng) if self._noise is not None else None
        return len(ids), inputs, mask, outputs, negatives

    def _train_chunk(self, ids, sentence_ids, rng, lr, pool=None) -> tuple[int, float, int]:
        """SGD over one chunk; returns (effective words, summed loss, number of examples).

        With a thread ``pool`` (synchronous mode), each minibatch is cut into one part per
        thread; the parts' updates are computed in parallel and applied in order.
        """
        n_words, inputs, offsets, outputs, negatives = self._examples(ids, sentence_ids, rng)
        t = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731 - zero-copy views
        inputs, offsets, outputs, negatives = t(inputs), t(offsets), t(outputs), t(negatives)

        grouped = self._grouped

        def batch(s, e):
            neg = None if negatives is None else negatives[s:e]
            if grouped:  # Skip-gram grouped by centre word: `offsets` is the (M, C) mask
                return Batch(inputs[s:e], outputs[s:e], offsets[s:e], neg, grouped=True)
            if offsets is None:  # Skip-gram pairs
                return Batch(inputs[s:e], outputs[s:e], None, neg)
            # CBOW, packed contexts
            return Batch(inputs[offsets[s] : offsets[e]], outputs[s:e], None, neg, offsets[s : e + 1] - offsets[s])

        model, total, B, n = self.model_, 0.0, self.config.batch_size, len(outputs)
        if grouped and n:  # batch_size counts pairs: convert to centre words
            B = max(1, round(B * n / max(int(offsets.sum()), 1)))
        parts = 1 if pool is None else self.config.workers
        for s in range(0, n, B):
            e = min(s + B, n)
            if parts == 1 or e - s < 2 * parts:
                total += model.sgd_step(batch(s, e), lr, self.compute_loss)
                continue
            cuts = np.linspace(s, e, parts + 1).round().astype(int)
            futures = [
                pool.submit(model.compute_update, batch(a, b), lr, self.compute_loss)
                for a, b in zip(cuts[1:-1], cuts[2:])
            ]
            updates = [model.compute_update(batch(cuts[0], cuts[1]), lr, self.compute_loss)]
            updates += [f.result() for f in futures]
            for update in updates:  # in order: the same sums whatever the number of threads
                model.apply_update(update)
                total += update.loss
        return n_words, total, int(offsets.sum()) if grouped else n  # examples = pairs for Skip-gram

    #: The weights are checked for nan and inf every this many chunks and after each epoch's last.
    DIVERGENCE_CHECK_CHUNKS = 16

    def _check_divergence(self, loss: float, j: int, jobs: list, n_chunks: int) -> None:
        """Stop with a message naming ``alpha`` once the loss or the weights are nan or inf.

        The chunk's loss is free (computed anyway with ``compute_loss``); the weights cost one
        pass over both matrices, so they are checked every :attr:`DIVERGENCE_CHECK_CHUNKS`
        chunks and at the end of every epoch.
        """
        epoch, k = jobs[j]
        step = f"epoch {epoch + 1} of {self.config.epochs}, chunk {k + 1} of {n_chunks}"
        kw = dict(
            step=step,
            lr_name="alpha",
            lr=self.config.alpha,
            owner=_OWNER,
            default=Word2VecConfig.__dataclass_fields__["alpha"].default,
        )
        if self.compute_loss:
            check_divergence(loss, "the loss", **kw)
        if (j + 1) % self.DIVERGENCE_CHECK_CHUNKS == 0 or k == n_chunks - 1:
            for name, weights in (("W_in", self.model_.W_in), ("W_out", self.model_.W_out)):
                finite = torch.isfinite(weights)
                if not bool(finite.all()):
                    check_divergence(float(weights[~finite][0]), f"a weight of {name}", **kw)

    def _train(self, ids: np.ndarray, offsets: np.ndarray) -> None:
        from tqdm.auto import tqdm

        c = self.config
        sentence_ids = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        chunks = _chunks(offsets, c.batch_words)
        words_per_epoch = int(offsets[-1])
        total_words = c.epochs * words_per_epoch
        jobs = [(epoch, k) for epoch in range(c.epochs) for k in range(len(chunks))]
        # Learning rate of each job: linear in the raw words processed before it (word2vec.c, gensim).
        done_before = np.concatenate([[0], np.cumsum([chunks[k][1] - chunks[k][0] for _, k in jobs])[:-1]])
        lrs = c.alpha - (c.alpha - c.min_alpha) * done_before / max(total_words, 1)
        lock = threading.Lock()
        state = {"next": 0, "words": 0, "effective": 0, "loss": np.zeros(c.epochs), "examples": np.zeros(c.epochs)}
        history: list[tuple[float, float]] = []
        errors: list[BaseException] = []
        bar = tqdm(
            total=total_words, unit="word", unit_scale=True, desc="word2vec", disable=not self.progress, mininterval=1.0
        )

        synchronous = c.workers > 1 and not c.hogwild
        pool = ThreadPoolExecutor(c.workers - 1) if synchronous else None

        def worker():
            try:
                while True:
                    with lock:
                        j = state["next"]
                        state["next"] += 1
                    if j >= len(jobs) or errors:
                        return
                    epoch, k = jobs[j]
                    a, b = chunks[k]
                    rng = np.random.default_rng([c.seed, epoch, k])
                    n_eff, loss, n_ex = self._train_chunk(ids[a:b], sentence_ids[a:b], rng, float(lrs[j]), pool)
                    self._check_divergence(loss, j, jobs, len(chunks))
                    with lock:
                        state["words"] += b - a
                        state["effective"] += n_eff
                        state["loss"][epoch] += loss
                        state["examples"][epoch] += n_ex
                        if self.compute_loss and n_ex:
                            history.append((state["words"] / total_words, loss / n_ex))
                        bar.update(b - a)
            except BaseException as exc:  # surfaced in the calling thread
                errors.append(exc)

        previous_threads = torch.get_num_threads()
        torch.set_num_threads(1)  # parallelism comes from the worker threads
        start = time.perf_counter()
        try:
            n_hogwild = c.workers - 1 if c.hogwild else 0
            threads = [threading.Thread(target=worker, daemon=True) for _ in range(n_hogwild)]
            for th in threads:
                th.start()
            worker()  # the calling thread works too
            for th in threads:
                th.join()
        finally:
            torch.set_num_threads(previous_threads)
            bar.close()
            if pool is not None:
                pool.shutdown()
        if errors:
            raise errors[0]
        self.train_seconds_ = time.perf_counter() - start
        self.raw_words_ = state["words"]
        self.effective_words_ = state["effective"]
        self.words_per_second_ = self.raw_words_ / max(self.train_seconds_, 1e-9)
        self.loss_history_ = sorted(history)
        with np.errstate(invalid="ignore", divide="ignore"):
            losses = state["loss"] / state["examples"]
        self.epoch_losses_ = losses.tolist() if self.compute_loss else []

    def __repr__(self) -> str:
        c = self.config
        return (
            f"Word2Vec(sg={c.sg!r}, objective={c.objective!r}, vector_size={c.vector_size}, window={c.window}, "
            f"negative={c.negative}, epochs={c.epochs})"
        )


def _keyed_vectors(index_to_key, vectors, counts):
    """The vectors in course.vectors.KeyedVectors (the math helper's container) if available."""
    try:
        from ..vectors import KeyedVectors
    except ImportError:  # pragma: no cover - until course.vectors lands
        return _PlainVectors(list(index_to_key), vectors, counts)
    return KeyedVectors(list(index_to_key), vectors, counts=counts)


@dataclass
class _PlainVectors:  # pragma: no cover - stand-in until course.vectors exists
    index_to_key: list
    vectors: np.ndarray
    counts: np.ndarray | None = None
    key_to_index: dict = field(init=False)

    def __post_init__(self):
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}


def _cache_key(config: Word2VecConfig, split: str, subset: str, sources) -> dict:
    """What the vectors trained by :func:`train_cached` depend on (with the corpus checksum)."""
    key = {**config.key(), "split": split, "subset": subset, "sources": sources}
    if config.hs:  # the update rule is part of what the vectors depend on
        key["hs_max_steps"] = HS_MAX_STEPS
    return key


def _from_payload(result: dict, computed: bool):
    """``(wv, info)`` from a cache entry of :func:`train_cached` (arrays plus JSON values)."""
    info = {k: v for k, v in result.items() if k not in ("index_to_key", "vectors", "counts")}
    info["from_cache"] = not computed
    return _keyed_vectors(result["index_to_key"], result["vectors"], result["counts"]), info


def train_cached(
    *, split: str = "all", subset: str = "full", sources=None, progress: bool = True, workers=None, **params
):
    """Word2Vec on the course corpus, trained once and then read from :mod:`course.base.cache`.

    The cache entry holds the vectors and counts as arrays and everything else as JSON
    (:func:`course.base.cache.save_result`); it is checked against its sha256 and never unpickled.

    Parameters
    ----------
    split, subset, sources
        Which text (:func:`course.data.load_tokens`); default: all of the full corpus.
    progress : bool, default=True
    workers : int, default=None
        Threads (not part of the cache key).
    **params
        :class:`Word2Vec` parameters.

    Returns
    -------
    wv : course.vectors.KeyedVectors
    info : dict
        ``train_seconds``, ``words_per_second``, ``raw_words``, ``effective_words``,
        ``epoch_losses``, ``loss_history``, ``config`` (of the run that filled the cache) and
        ``from_cache`` (whether this call read it).
    """
    from .. import data

    trainer = Word2Vec(progress=progress, workers=workers, **params)  # validates before any work
    key = _cache_key(trainer.config, split, subset, sources)
    computed = []

    def compute():
        words, ids, offsets = data.load_tokens(split, subset, sources)
        trainer.fit_tokens(words, ids, offsets)
        computed.append(True)
        return {
            "index_to_key": trainer.index_to_key_,
            "vectors": np.asarray(trainer.wv.vectors),
            "counts": trainer.counts_,
            "train_seconds": trainer.train_seconds_,
            "words_per_second": trainer.words_per_second_,
            "raw_words": trainer.raw_words_,
            "effective_words": trainer.effective_words_,
            "epoch_losses": trainer.epoch_losses_,
            "loss_history": trainer.loss_history_,
            "config": asdict(trainer.config),
        }

    result = cache.cached("word2vec", key, data.corpus_checksum(subset, sources), compute)
    return _from_payload(result, bool(computed))


def load_cached(*, split: str = "all", subset: str = "full", sources=None, **params):
    """What :func:`train_cached` with these arguments would return, if it is cached; else None.

    Nothing is trained: a chapter that only *shows* vectors an earlier chapter trained calls
    this (chapter 09 reads chapter 06's).

    Parameters
    ----------
    split, subset, sources, **params
        As in :func:`train_cached` (the defaults are :class:`Word2Vec`'s).

    Returns
    -------
    (wv, info) or None
        As :func:`train_cached` returns them (``info["from_cache"]`` is True), or None when the
        cache holds no such vectors.
    """
    from .. import data

    config = Word2Vec(progress=False, **params).config  # validates
    result = cache.lookup("word2vec", _cache_key(config, split, subset, sources), data.corpus_checksum(subset, sources))
    return None if result is None else _from_payload(result, False)

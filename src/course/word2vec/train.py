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

:class:`Word2VecConfig` and the vocabulary are in :mod:`course.word2vec.config`; the cache of
trained vectors (``train_cached``, ``load_cached``) in :mod:`course.word2vec.cache`.

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
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from ..base.notebook import default_threads
from ..base.validation import check_nonempty, check_sentences
from ..data.vocab import frequency_order_of_ids
from ..vectors import KeyedVectors
from .batch import Batch
from .config import _OWNER, Word2VecConfig, _build_vocab, _check_bool, _check_token_arrays, _encode, _validate
from .model import HS_MAX_STEPS, Word2VecModel
from .negative_sampling import AliasTable, noise_distribution
from .pairs import chunk_examples
from .schedule import check_chunk, job_learning_rates, sentence_chunks, take_in_turn
from .subsampling import keep_probabilities

__all__ = ["Word2Vec"]


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
    hs_max_steps : int or None, default=HS_MAX_STEPS (32)
        Hierarchical softmax: an inner node's minibatch step is at most this many examples'
        summed steps (:meth:`Word2VecModel.node_visits`); None: no cap (the plain summed step).
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
        hs_max_steps: int | None = HS_MAX_STEPS,
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
                hs_max_steps=hs_max_steps,
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
        order, counts_all = frequency_order_of_ids(ids, len(words), c.min_count, c.max_final_vocab)  # as build_vocab
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
        self.model_ = Word2VecModel(
            V, c.vector_size, c.objective, tree=tree, cbow_mean=c.cbow_mean, seed=c.seed, hs_max_steps=c.hs_max_steps
        )
        self.index_to_key_ = list(index_to_key)
        self.counts_ = counts
        self._keep = keep_probabilities(counts, c.sample, c.subsample_rule)
        self._noise = AliasTable(noise_distribution(counts, c.ns_exponent)) if c.objective == "negative" else None
        self._grouped = c.sg == "skipgram" and (c.hs or (c.objective == "negative" and c.shared_negatives))
        self._train(ids, offsets)
        self.wv = KeyedVectors(list(self.index_to_key_), self.model_.W_in.numpy().copy(), counts=counts)
        return self

    # ------------------------------------------------------------------------- training
    def _train_chunk(self, ids, sentence_ids, rng, lr, pool=None) -> tuple[int, float, int]:
        """SGD over one chunk; returns (effective words, summed loss, number of examples).

        With a thread ``pool`` (synchronous mode), each minibatch is cut into one part per
        thread; the parts' updates are computed in parallel and applied in order.
        """
        c = self.config
        n_words, inputs, offsets, outputs, negatives = chunk_examples(
            ids, sentence_ids, rng, c, keep=self._keep, noise=self._noise, grouped=self._grouped
        )
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

    def _train(self, ids: np.ndarray, offsets: np.ndarray) -> None:
        from ..base.notebook import progress_bar

        c = self.config
        sentence_ids = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        chunks = sentence_chunks(offsets, c.batch_words)
        total_words = c.epochs * int(offsets[-1])
        jobs = [(epoch, k) for epoch in range(c.epochs) for k in range(len(chunks))]
        lrs = job_learning_rates([chunks[k][1] - chunks[k][0] for _, k in jobs], c.alpha, c.min_alpha)
        lock = threading.Lock()
        state = {"words": 0, "effective": 0, "loss": np.zeros(c.epochs), "examples": np.zeros(c.epochs)}
        history: list[tuple[float, float]] = []
        bar = progress_bar(
            self.progress, total=total_words, unit="word", unit_scale=True, desc="word2vec", mininterval=1.0
        )

        synchronous = c.workers > 1 and not c.hogwild
        pool = ThreadPoolExecutor(c.workers - 1) if synchronous else None

        def do_job(j):
            epoch, k = jobs[j]
            a, b = chunks[k]
            rng = np.random.default_rng([c.seed, epoch, k])
            n_eff, loss, n_ex = self._train_chunk(ids[a:b], sentence_ids[a:b], rng, float(lrs[j]), pool)
            check_chunk(self.model_, c, loss if self.compute_loss else None, epoch, k, len(chunks), j)
            with lock:
                state["words"] += b - a
                state["effective"] += n_eff
                state["loss"][epoch] += loss
                state["examples"][epoch] += n_ex
                if self.compute_loss and n_ex:
                    history.append((state["words"] / total_words, loss / n_ex))
                bar.update(b - a)

        previous_threads = torch.get_num_threads()
        torch.set_num_threads(1)  # parallelism comes from the worker threads
        start = time.perf_counter()
        try:  # Hogwild: the threads take whole chunks in turn; else one thread, each minibatch split
            take_in_turn(len(jobs), do_job, threads=c.workers if c.hogwild else 1)
        finally:
            torch.set_num_threads(previous_threads)
            bar.close()
            if pool is not None:
                pool.shutdown()
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

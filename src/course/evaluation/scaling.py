"""Vector size against training data (Mikolov et al. 2013a, Table 2), at the course's scale.

The paper trains CBOW with several vector sizes on several amounts of text and reports analogy
accuracy for every pair: more dimensions help only with more data. Here the text is nested random
samples of the training split (:func:`sample_tokens`: a smaller sample is part of every larger
one), each model is trained once and cached (:func:`train_sample`), and every cell of the table
is scored on the questions all cells cover (:func:`common_questions`), so coverage does not
enter the comparison (:func:`grid`). The chapter's other settings are
:data:`course.evaluation.experiments.SETTINGS`.

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013 (mikolov2013a), Table 2.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..base import cache
from ..base.validation import check_int
from .experiments import SETTINGS, _arch

__all__ = ["GRID_DIMS", "GRID_SIZES", "GRID_SETTINGS", "sample_tokens", "train_sample", "common_questions", "grid"]

#: The dimension x data grid: vector sizes, corpus sizes in tokens (nested random samples of the
#: full training split) and the settings that differ from :data:`SETTINGS` (shorter runs).
GRID_DIMS: tuple[int, ...] = (25, 50, 100)
GRID_SIZES: tuple[int, ...] = (400_000, 1_200_000, 3_600_000)
GRID_SETTINGS: dict = {"epochs": 2}


def sample_tokens(n_tokens: int, *, split: str = "train", subset: str = "full", seed: int = 0):
    """A random sample of whole sentences with about ``n_tokens`` tokens; samples are nested.

    The sentences of the split are shuffled once (by ``seed``) and the sample is the shortest
    prefix of that order with at least ``n_tokens`` tokens, so a smaller sample is part of every
    larger one (the same text, plus more), and every source is represented in proportion.

    Returns
    -------
    words : list of str
    ids : ndarray of shape (N,)
        The sampled sentences laid end to end, in the shuffled order.
    offsets : ndarray of shape (S + 1,)
    """
    from ..data import load_tokens
    from ..data.arrays import take_sentences

    n_tokens = check_int(n_tokens, "n_tokens", "sample_tokens", low=1)
    words, ids, offsets = load_tokens(split, subset)
    lengths = np.diff(offsets)
    order = np.random.default_rng(seed).permutation(len(lengths))
    cum = np.cumsum(lengths[order])
    take = order[: int(np.searchsorted(cum, n_tokens)) + 1]
    return (words, *take_sentences(ids, offsets, take))  # in the chosen order


def train_sample(
    n_tokens: int, *, sample_seed: int = 0, split: str = "train", subset: str = "full", progress: bool = False, **params
):
    """word2vec on :func:`sample_tokens`'s sample, trained once and cached (one worker thread).

    Parameters
    ----------
    n_tokens : int
    sample_seed : int, default=0
    split, subset : str
    progress : bool, default=False
    **params
        :class:`course.word2vec.Word2Vec` parameters (all of them, e.g. ``{**SETTINGS, **ARCHITECTURES[arch]}``).

    Returns
    -------
    wv : KeyedVectors
    info : dict
        ``train_seconds``, ``raw_words`` (tokens of the sample, times epochs), ``epoch_losses``,
        ``from_cache``.
    """
    from .. import data
    from ..word2vec import Word2Vec
    from ..word2vec.cache import from_payload, trained_payload

    trainer = Word2Vec(workers=1, progress=progress, **params)
    key = {**trainer.config.key(), "n_tokens": n_tokens, "sample_seed": sample_seed, "split": split, "subset": subset}
    computed = []

    def compute():
        trainer.fit_tokens(*sample_tokens(n_tokens, split=split, subset=subset, seed=sample_seed))
        computed.append(True)
        return trained_payload(trainer)

    result = cache.cached("word2vec-sample", key, data.corpus_checksum(subset), compute)
    return from_payload(result, bool(computed))


def common_questions(models: Sequence, questions=None, restrict_vocab: int | None = 30000) -> list:
    """The analogy questions all of ``models`` cover (their four words among the first rows).

    Scoring every model on this one list removes coverage from a comparison: a model trained on
    more text knows more words and would otherwise be asked more (and harder) questions.
    """
    from ..data import load_analogies

    questions = load_analogies() if questions is None else list(questions)
    known = []
    for kv in models:
        keys = kv.index_to_key if restrict_vocab is None else kv.index_to_key[:restrict_vocab]
        known.append({w.lower() for w in keys})
    return [q for q in questions if all(all(w.lower() in k for w in q[1:]) for k in known)]


def grid(
    dims: Sequence[int],
    sizes: Sequence[int],
    *,
    arch: str = "cbow-ns",
    restrict_vocab: int = 30000,
    progress: bool = False,
    **overrides,
) -> dict:
    """Analogy accuracy for every (vector size, corpus size), on the questions every cell covers.

    Parameters
    ----------
    dims : sequence of int
        Vector sizes.
    sizes : sequence of int
        Corpus sizes in tokens (nested samples, :func:`sample_tokens`).
    arch : str, default="cbow-ns"
        The paper's Table 2 uses CBOW.
    restrict_vocab : int, default=30000
    progress : bool, default=False
    **overrides
        Parameters replacing :data:`SETTINGS`.

    Returns
    -------
    dict
        ``{"results": {(dim, size): AnalogyResult}, "questions": list, "seconds": {(dim, size): float},
        "vocab_sizes": {size: int}}``.
    """
    from .analogy_accuracy import evaluate_analogies

    params = {**SETTINGS, **_arch(arch, "grid"), **overrides}
    vectors, seconds = {}, {}
    for size in sizes:
        for dim in dims:
            kv, info = train_sample(size, progress=progress, **{**params, "vector_size": dim})
            vectors[dim, size], seconds[dim, size] = kv, info["train_seconds"]
    questions = common_questions(vectors.values(), restrict_vocab=restrict_vocab)
    results = {cell: evaluate_analogies(kv, questions, restrict_vocab=restrict_vocab) for cell, kv in vectors.items()}
    return {
        "results": results,
        "questions": questions,
        "seconds": seconds,
        "vocab_sizes": {size: len(vectors[dims[0], size]) for size in sizes},
    }

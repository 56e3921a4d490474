"""Word2Vec vectors trained once on the course corpus and then read from the cache.

:func:`train_cached` trains :class:`~course.word2vec.Word2Vec` (Mikolov et al. 2013) on the course corpus
through :func:`course.base.cache.cached`, keyed by the hyperparameters,
:func:`course.data.corpus_checksum` and the package version, so later chapters reuse the
vectors; :func:`load_cached` reads them without ever training.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from ..base import cache
from ..vectors import KeyedVectors
from .config import Word2VecConfig
from .train import Word2Vec

__all__ = ["train_cached", "load_cached", "trained_payload", "from_payload"]


def _cache_key(config: Word2VecConfig, split: str, subset: str, sources) -> dict:
    """What the vectors trained by :func:`train_cached` depend on (with the corpus checksum)."""
    return {**config.key(), "split": split, "subset": subset, "sources": sources}


def trained_payload(trainer: Word2Vec) -> dict:
    """What a cache entry keeps of a fitted :class:`Word2Vec`: arrays plus JSON values."""
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


def from_payload(result: dict, computed: bool):
    """``(wv, info)`` from a cache entry written from :func:`trained_payload`."""
    info = {k: v for k, v in result.items() if k not in ("index_to_key", "vectors", "counts")}
    info["from_cache"] = not computed
    return KeyedVectors(list(result["index_to_key"]), result["vectors"], counts=result["counts"]), info


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
        return trained_payload(trainer)

    result = cache.cached("word2vec", key, data.corpus_checksum(subset, sources), compute)
    return from_payload(result, bool(computed))


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
    return None if result is None else from_payload(result, False)

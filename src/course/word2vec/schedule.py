"""The order of one training run: chunks of whole sentences, a learning rate per chunk, threads.

word2vec.c and gensim cut the corpus into jobs of about ``batch_words`` raw words
(:func:`sentence_chunks`); every epoch goes through all of them, and the learning rate of a job
falls linearly with the raw words of all the jobs before it (:func:`job_learning_rates`).
:func:`take_in_turn` lets a few threads take the jobs in turn (the calling thread is one of them).

>>> offsets = np.array([0, 4, 9, 10, 16])  # four sentences, 16 words
>>> sentence_chunks(offsets, batch_words=5)  # each chunk ends at the first sentence end past 5, 10, ...
[(0, 9), (9, 10), (10, 16)]
>>> job_learning_rates(np.array([4, 6, 6] * 2), alpha=0.025, min_alpha=0.0)
array([0.025    , 0.021875 , 0.0171875, 0.0125   , 0.009375 , 0.0046875])

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013 (word2vec.c: ``alpha`` falls linearly with the words
   processed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import torch

from ..base.validation import check_divergence
from .config import _OWNER, Word2VecConfig

__all__ = ["sentence_chunks", "job_learning_rates", "take_in_turn", "check_chunk", "DIVERGENCE_CHECK_CHUNKS"]

#: The weights are checked for nan and inf every this many chunks and after each epoch's last.
DIVERGENCE_CHECK_CHUNKS = 16


def sentence_chunks(offsets: np.ndarray, batch_words: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) of whole sentences with about ``batch_words`` raw words each."""
    bounds = [0]
    targets = np.arange(batch_words, offsets[-1], batch_words)
    cut = np.unique(np.searchsorted(offsets, targets, side="left"))  # first sentence start >= target
    bounds += [int(offsets[i]) for i in cut if 0 < offsets[i] < offsets[-1]]
    bounds.append(int(offsets[-1]))
    bounds = sorted(set(bounds))
    return list(zip(bounds[:-1], bounds[1:]))


def job_learning_rates(job_words: np.ndarray, alpha: float, min_alpha: float) -> np.ndarray:
    """The learning rate of each job, linear in the raw words of the jobs before it (word2vec.c,
    gensim): ``alpha`` for the first job, falling to ``min_alpha`` at the end of the last."""
    job_words = np.asarray(job_words, dtype=np.int64)
    done_before = np.concatenate([[0], np.cumsum(job_words)[:-1]])
    return alpha - (alpha - min_alpha) * done_before / max(int(job_words.sum()), 1)


def take_in_turn(n_jobs: int, do_job: Callable[[int], None], threads: int = 1) -> None:
    """Call ``do_job(j)`` for ``j = 0 .. n_jobs - 1``, ``threads`` threads taking the next job in turn.

    The calling thread is one of the threads. After the first error no thread starts a new job,
    and the error is raised here once all threads have stopped.
    """
    lock = threading.Lock()
    state = {"next": 0}
    errors: list[BaseException] = []

    def worker():
        try:
            while True:
                with lock:
                    j = state["next"]
                    state["next"] += 1
                if j >= n_jobs or errors:
                    return
                do_job(j)
        except BaseException as exc:  # surfaced in the calling thread
            errors.append(exc)

    others = [threading.Thread(target=worker, daemon=True) for _ in range(threads - 1)]
    for th in others:
        th.start()
    worker()
    for th in others:
        th.join()
    if errors:
        raise errors[0]


def check_chunk(model, config, loss: float | None, epoch: int, k: int, n_chunks: int, j: int) -> None:
    """Stop with a message naming ``alpha`` once the loss or the weights are nan or inf.

    Called after job ``j`` (chunk ``k`` of ``n_chunks`` in ``epoch``). The chunk's ``loss`` is
    free (None when the trainer does not compute it); the weights of ``model`` cost one pass
    over both matrices, so they are checked every :data:`DIVERGENCE_CHECK_CHUNKS` jobs and at
    the end of every epoch.
    """
    kw = dict(
        step=f"epoch {epoch + 1} of {config.epochs}, chunk {k + 1} of {n_chunks}",
        lr_name="alpha",
        lr=config.alpha,
        owner=_OWNER,
        default=Word2VecConfig.__dataclass_fields__["alpha"].default,
    )
    if loss is not None:
        check_divergence(loss, "the loss", **kw)
    if (j + 1) % DIVERGENCE_CHECK_CHUNKS == 0 or k == n_chunks - 1:
        for name, weights in (("W_in", model.W_in), ("W_out", model.W_out)):
            finite = torch.isfinite(weights)
            if not bool(finite.all()):
                check_divergence(float(weights[~finite][0]), f"a weight of {name}", **kw)

"""word2vec: Skip-gram and CBOW with full softmax, negative sampling or hierarchical softmax.

Mikolov et al. (2013a, 2013b), written to be read module by module, in the order data flows:

- :mod:`~course.word2vec.subsampling`: subsampling of frequent words (paper and word2vec.c
  rules);
- :mod:`~course.word2vec.pairs` (chapter 05): (centre, context) pairs and CBOW context windows,
  word2vec.c's reduced window, a readable loop (the reference) and a vectorised NumPy version
  (the fast path, tested equal);
- :mod:`~course.word2vec.negative_sampling` (chapter 06): the noise distribution, its alias
  table and word2vec.c's unigram table, the shifted PMI that SGNS factorises;
- :mod:`~course.word2vec.huffman` (chapter 07): the Huffman tree of hierarchical softmax;
- :mod:`~course.word2vec.reference`: NumPy losses and gradients, the oracle for the tests;
- :mod:`~course.word2vec.model`: the two weight matrices and one minibatch SGD step for every
  {Skip-gram, CBOW} x {softmax, negative sampling, hierarchical softmax};
- :mod:`~course.word2vec.config`: the hyperparameters (gensim's names), checked once, and the
  vocabulary;
- :mod:`~course.word2vec.train`: :class:`Word2Vec`, the training loop with word2vec.c's
  learning-rate decay, threads and a progress bar;
- :mod:`~course.word2vec.cache`: vectors trained once on the course corpus (``train_cached``,
  ``load_cached``).

>>> from course.word2vec import Word2Vec
>>> Word2Vec(vector_size=16, window=2, min_count=1, epochs=1).vector_size
16
"""

from __future__ import annotations

__all__ = ["Word2Vec", "train_cached", "load_cached"]


def __getattr__(name: str):
    # Imported lazily so that `course.word2vec.huffman`, `.pairs` and the sampling modules do not pull in torch.
    if name == "Word2Vec":
        from .train import Word2Vec

        return Word2Vec
    if name in __all__:
        from . import cache

        return getattr(cache, name)
    raise AttributeError(f"module 'course.word2vec' has no attribute {name!r}")

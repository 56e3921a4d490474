"""Reference losses and hand-derived gradients of CBOW and Skip-gram, in NumPy, for teaching.

Six objectives: {Skip-gram, CBOW} x {full softmax, negative sampling, hierarchical softmax}
(Mikolov et al. 2013a, 2013b). Every function takes the parameters and a batch of examples and
returns ``(loss, grad_in, grad_out)``: the loss *summed* over the batch and its exact gradients
with respect to the input vectors ``W_in`` (V, D) and the output vectors ``W_out`` (V, D) (or the
inner-node vectors ``W_nodes`` (V - 1, D) of hierarchical softmax), as dense float64 arrays.
They are written for reading, not speed; the PyTorch trainer (:mod:`course.word2vec.train`) is
tested against them, and they are tested against central finite differences and torch autograd.

>>> rng = np.random.default_rng(0)
>>> W_in, W_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
>>> loss, g_in, g_out = skipgram_softmax(W_in, W_out, inputs=[0, 1], outputs=[2, 3])
>>> g_in.shape, g_out.shape, bool(loss > 0)
((5, 3), (5, 3), True)

One module per output layer: :mod:`.softmax`, :mod:`.negative_sampling`,
:mod:`.hierarchical_softmax`, and :mod:`.common` for what they share. Conventions (those of
word2vec.c and gensim):

* Skip-gram example ``(i, o)``: input word ``i`` (row of ``W_in``) predicts output word ``o``
  (row of ``W_out``). word2vec.c loops the other way round (the context word is the input, the
  centre word the output), which yields the same multiset of pairs.
* CBOW example: context words (rows of ``W_in``) predict the centre word; the hidden vector is
  their mean (``cbow_mean=True``: gensim's default and word2vec.c since the ``-iter`` release)
  or their sum (``cbow_mean=False``: the older word2vec.c, before ``-iter``).
* Negative sampling: label 1 for the true output, 0 for each negative.
* Hierarchical softmax: inner node ``points[j]`` on the word's path gets label ``1 - codes[j]``
  (see :class:`~course.word2vec.huffman.HuffmanTree`).

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", ICLR workshop 2013 (mikolov2013a).
.. [2] T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, "Distributed Representations of
   Words and Phrases and their Compositionality", NIPS 2013 (mikolov2013b).
.. [3] Y. Goldberg, O. Levy, "word2vec Explained: deriving Mikolov et al.'s negative-sampling
   word-embedding method", arXiv:1402.3722, 2014 (goldberg2014).
.. [4] X. Rong, "word2vec Parameter Learning Explained", arXiv:1411.2738, 2014 (rong2014).
.. [5] F. Morin, Y. Bengio, "Hierarchical Probabilistic Neural Network Language Model",
   AISTATS 2005 (morin2005).
.. [6] A. Mnih, G. Hinton, "A Scalable Hierarchical Distributed Language Model", NIPS 2008
   (mnih2009).
"""

from __future__ import annotations

import numpy as np  # noqa: F401 - the examples above use it

from .common import log_sigmoid, log_softmax, numerical_gradient, sigmoid
from .hierarchical_softmax import _hierarchical_layer as _hierarchical_layer  # shown by chapter 07
from .hierarchical_softmax import cbow_hierarchical, skipgram_hierarchical
from .negative_sampling import _negative_layer as _negative_layer
from .negative_sampling import cbow_negative, skipgram_negative
from .softmax import _softmax_layer as _softmax_layer  # shown by chapter 05
from .softmax import cbow_softmax, skipgram_softmax

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "log_softmax",
    "skipgram_softmax",
    "skipgram_negative",
    "skipgram_hierarchical",
    "cbow_softmax",
    "cbow_negative",
    "cbow_hierarchical",
    "numerical_gradient",
]

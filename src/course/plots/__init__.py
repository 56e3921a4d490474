"""Figures and explorers of the course, one module per chapter (plotting only).

Every number a figure shows is computed by the chapter's model or evaluation code (and printed by
the chapter as well: nbval compares text, not images). The models never import this package;
it imports them.

- :mod:`~course.plots.corpus` (chapter 00): Zipf and Heaps plots, vocabulary coverage, the
  min_count explorer.
- :mod:`~course.plots.ngram` (01): count tables, the unseen n-gram plot, the n-gram explorer.
- :mod:`~course.plots.nnlm` (02, reused by 03): training curves of a language model.
- :mod:`~course.plots.complexity` (04): Q per architecture, measured scaling, the Q calculator.
- :mod:`~course.plots.cbow_skipgram` (05, reused by 08): the PCA projection, the neighbours explorer.
- :mod:`~course.plots.negative_sampling` (06): the noise distribution, subsampling, the SGNS loss.
- :mod:`~course.plots.hierarchical_softmax` (07): the Huffman tree and the path explorer.
- :mod:`~course.plots.evaluation` (08): the analogy explorer.
- :mod:`~course.plots.base`: what several modules share.
"""

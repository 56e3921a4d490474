"""Language models of the course: count-based and neural, one module per model.

- :mod:`course.lm.ngram`: n-gram models (MLE, add-k, interpolated Kneser-Ney, stupid backoff),
  cross-entropy, perplexity and sampling (chapter 01), built on :mod:`course.lm.ngram_counts`
  (the count tables) and :mod:`course.lm.ngram_scoring` (scoring, sampling); its tables, plot
  and explorer are in :mod:`course.plots.ngram`.
- :mod:`course.lm.nnlm`: Bengio et al.'s neural probabilistic language model (chapter 02).
- :mod:`course.lm.rnnlm`: Mikolov et al.'s recurrent language model, written out as the
  recurrence, with the fused ``nn.RNN`` path (chapter 03).
- :mod:`course.lm.batching`: sentences to rows and minibatches of token ids.
- :mod:`course.lm.train`: the word-id models' task for the one training loop of every neural
  model (:mod:`course.base.training`: schedule, clipping, early stopping, best state), their
  evaluation (perplexity, per-token NLL), cached training and generation.
- :mod:`course.lm.recipes`: the shared data and the cached trained models that chapters 02, 03,
  08 and 09 compare and reuse.

Import the model you need from its module, e.g. ``from course.lm.ngram import NGramLM``; this
file imports nothing, so importing one model never pulls in another's dependencies.
"""

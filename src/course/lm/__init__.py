"""Language models of the course: count-based and neural, one module per model.

- :mod:`course.lm.ngram`: n-gram models (MLE, add-k, interpolated Kneser-Ney, stupid backoff),
  cross-entropy, perplexity and sampling (chapter 01).

Import the model you need from its module, e.g. ``from course.lm.ngram import NGramLM``; this
file imports nothing, so importing one model never pulls in another's dependencies.
"""

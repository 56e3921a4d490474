"""Chapter 04: the cost model of Mikolov et al. (2013a), made executable and measured.

- :mod:`~course.complexity.formulas`: Q per training example of the NNLM, RNNLM, CBOW and
  Skip-gram (full softmax, hierarchical softmax, negative sampling), and ``O = E x T x Q``;
- :mod:`~course.complexity.paper`: the paper's typical sizes, the table of dominant terms and
  the conclusions derived from it; Huffman code lengths of a real vocabulary;
- :mod:`~course.complexity.counting`: count the multiply-adds and lookups PyTorch code really
  does (a dispatch mode; cross-checked with ``FlopCounterMode``);
- :mod:`~course.complexity.measured`: the course's own models counted against their Q;
- :mod:`~course.complexity.timing`: wall and CPU time per example against V, log-log slopes.

The chapter's figures and its Q calculator are in :mod:`course.plots.complexity`.

The formulas are re-exported here; import the rest from their modules (they import torch).

>>> from course.complexity import cbow_cost
>>> cbow_cost(N=8, D=300, V=2**20).total
8400.0
"""

from .formulas import (
    OUTPUTS,
    Cost,
    Term,
    cbow_cost,
    cost,
    nnlm_cost,
    output_factor,
    rnnlm_cost,
    skipgram_cost,
    training_cost,
    training_days,
)

__all__ = [
    "OUTPUTS",
    "Cost",
    "Term",
    "cbow_cost",
    "cost",
    "nnlm_cost",
    "output_factor",
    "rnnlm_cost",
    "skipgram_cost",
    "training_cost",
    "training_days",
]

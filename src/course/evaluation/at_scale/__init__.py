"""word2vec at scale (chapters 06-08): the runs behind the shipped analogy outcomes and vectors.

A chapter can train word2vec for a few minutes; the paper's findings need the whole corpus, five
epochs, D = 100 and several seeds. This module trains those runs once, by a recorded command, and
keeps of each what a table needs: one outcome per analogy question (1 right, 0 wrong, -1 not
covered at 30,000 words), from which every accuracy, interval and paired test of the chapters is
computed live (:mod:`course.evaluation.statistics`).

The plan (:func:`plan`), every run on the redistributable sources of the whole corpus:

* ``main``: the four variants (CBOW, Skip-gram x negative sampling, hierarchical softmax) with
  :data:`SETTINGS`, ours and gensim's, seeds :data:`SEEDS`;
* ``grid``: CBOW with negative sampling, vector sizes :data:`GRID_DIMS` x nested random samples
  of :data:`GRID_FRACTIONS` of the text, :data:`GRID_EPOCHS` epochs (the paper's Table 2);
* ``sweep``: hierarchical softmax's step cap :data:`SWEEP_CAPS` (``HS_MAX_STEPS``), one epoch,
  chosen on the dev half of the questions (:func:`course.data.analogy_halves`);
* ``tune``: gensim's CBOW with negative sampling, one setting changed at a time
  (:data:`TUNE_CANDIDATES`), scored on the dev half only;
* ``tuned``: ours and gensim's CBOW + NS with the dev-best candidate (:func:`tuned_settings`),
  seeds :data:`SEEDS`: the course's best variant, for the 30 % goal.

Each finished run is saved in the work folder (:func:`work_dir`), so an interrupted ``run``
resumes; :func:`write_outcomes` gathers the finished runs into the shipped
``.npz`` (int8 outcomes plus JSON ``__meta__``, read with ``allow_pickle=False``) and
:func:`write_vectors` the 30,000 most frequent words of one run in float16.

The settings follow word2vec.c and gensim: window 5, min_count 5, subsampling 1e-3, 5 noise
words, the reference code's starting learning rates (0.025 Skip-gram, 0.05 CBOW) falling linearly
to 1e-4. gensim gets the same settings and one worker (reproducible).

The code: :mod:`.plan` (the runs and the settings chosen on dev), :mod:`.runs` (training and
writing), :mod:`.files` (the ``.npz`` format and reading back), ``__main__`` (the command).

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", 2013 (mikolov2013a), Tables 2-6.
"""

from .files import FORMAT, load_outcomes, load_vectors, read_npz, read_outcomes, read_vectors, save_npz
from .plan import (
    ALPHA,
    GRID_ARCH,
    GRID_DIMS,
    GRID_EPOCHS,
    GRID_FRACTIONS,
    RESTRICT,
    SEEDS,
    SETTINGS,
    SWEEP_ARCHS,
    SWEEP_CAPS,
    TUNE_ARCH,
    TUNE_CANDIDATES,
    Run,
    params,
    plan,
    resolve,
    schedule,
    tuned_cap,
    tuned_settings,
    work_dir,
)
from .runs import outcome_codes, restore, run_all, write_outcomes, write_vectors

__all__ = [
    "SETTINGS",
    "ALPHA",
    "SEEDS",
    "GRID_DIMS",
    "GRID_FRACTIONS",
    "GRID_EPOCHS",
    "GRID_ARCH",
    "SWEEP_CAPS",
    "SWEEP_ARCHS",
    "TUNE_ARCH",
    "TUNE_CANDIDATES",
    "RESTRICT",
    "FORMAT",
    "Run",
    "params",
    "plan",
    "schedule",
    "tuned_cap",
    "tuned_settings",
    "resolve",
    "work_dir",
    "outcome_codes",
    "run_all",
    "restore",
    "write_outcomes",
    "write_vectors",
    "save_npz",
    "read_npz",
    "read_outcomes",
    "read_vectors",
    "load_outcomes",
    "load_vectors",
]

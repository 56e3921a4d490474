"""What every chapter package shares, below all of them: one home for each common mechanism.

- :mod:`~course.base.validation`: parameter checks with one message template (scikit-learn style),
  with the checks of data (tokens, sentences, token ids) in :mod:`~course.base.validation_data`;
- :mod:`~course.base.files`: hashing, atomic writes, checksummed files that heal;
- :mod:`~course.base.cache`: cached results keyed by what determines them, never unpickled;
- :mod:`~course.base.paths`: where data and caches live;
- :mod:`~course.base.batching`: the padding sentinel and grouping sentences by length;
- :mod:`~course.base.training`: the one training loop of the neural language models;
- :mod:`~course.base.notebook`: what a chapter's first cell imports (seeding, stable number
  formatting, showing the package's own source);
- :mod:`~course.base.notebooks`: executing chapters and checking that two cold runs agree.

>>> from course.base import seed_everything, sig
>>> seed_everything(0)
>>> sig(3.14159265)
'3.142'
"""

from .notebook import default_threads, seed_everything, show_source, sig, table

__all__ = ["seed_everything", "sig", "table", "show_source", "default_threads"]

"""From n-grams to ELMo: the tested code behind the course.

Each chapter has one home module (or subpackage) here; notebooks import it and show its source.
Data flows one way: ``data`` -> models (``lm``, ``word2vec``, ``elmo``) -> ``evaluation`` ->
``plots`` / ``widgets``. A lower layer never imports a higher one.

>>> import course
>>> course.__version__
'0.1.0'
"""

__version__ = "0.1.0"

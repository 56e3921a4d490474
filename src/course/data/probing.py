"""Labelled data for probing word representations: POS-tagged sentences and WordNet word senses.

Chapter 09 asks what each layer of the biLM knows, the way Peters et al. (2018, section 5.3) did,
with data that can be had offline:

- **Part of speech** (:func:`load_tagged_sentences`): Debian's ``python3-pattern`` ships two
  samples with Penn Treebank tags: ``"wsj"``, 1,000 lines (about 1,000 sentences) of the Wall
  Street Journal with gold tags, and ``"oanc"``, 20,000 sentences of the Open American National
  Corpus tagged automatically (silver). Probes train on OANC and are tested on WSJ. The samples
  are for personal/research use (the package's README): fetched on each machine, never committed.
- **Word senses** (:func:`load_wordnet_examples`): the example sentences inside WordNet 3.0's
  glosses (Debian ``wordnet-base``), each attached to a synset; an instance is a single-word lemma
  of the synset that occurs in the example, with the synset (its sense) and the synset's
  lexicographer file (one of 45 *supersenses*, :data:`SUPERSENSES`).

Both packages are fetched by the data layer (``apt-get download`` + ``dpkg -x`` into
``data/cache/pkgs/<package>/``, :func:`course.data.fetch.fetch_debian`); nothing is installed.
Each file's sha256 is declared in :data:`PROBING_SOURCES` and checked on load.

Tokens are made to look like the course corpus (:func:`course.data.tokenize`): lower case, and a
tagged token is kept only if the tokenizer leaves it as one token (punctuation, ``'s``, ``1.5``
and ``U.S.`` are dropped with their tags), so the models see text like the text they were
trained on.

>>> parse_tagged_line("Pierre/NNP Vinken/NNP ,/, 61/CD years/NNS old/JJ ./.")
(['pierre', 'vinken', '61', 'years', 'old'], ['NNP', 'NNP', 'CD', 'NNS', 'JJ'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..base.validation import check_choice, check_int
from ..base.cache import file_sha256
from .fetch import fetch_debian
from .sources import Source
from .text import tokenize

__all__ = [
    "PROBING_SOURCES",
    "SUPERSENSES",
    "WordNetExample",
    "parse_tagged_line",
    "load_tagged_sentences",
    "parse_wordnet_line",
    "load_wordnet_examples",
]

_PATTERN = "usr/share/doc/python3-pattern/test/corpora/"
_WORDNET = "usr/share/wordnet/"

#: The files the probes read, with the sha256 of each file as unpacked from the Debian package.
PROBING_SOURCES: dict[str, Source] = {
    s.name: s
    for s in [
        Source("wsj", "Penn Treebank WSJ sample, gold Penn tags (python3-pattern test corpus)",
               "debian", "python3-pattern", "2.6+git20180818-4", _PATTERN + "tagged-en-wsj.txt",
               "personal/research use only: fetched on each machine, never committed",
               "e52269216360d2fe729583744c812ee065d27435779cc559e220a4142174d365", default=False, unit="line"),
        Source("oanc", "Open American National Corpus sample, automatic Penn tags (python3-pattern)",
               "debian", "python3-pattern", "2.6+git20180818-4", _PATTERN + "tagged-en-oanc.txt",
               "personal/research use only: fetched on each machine, never committed",
               "eb89b2d4162eaee366d430e264fc39b9dadbbdb03db8b8addcff84275135c813", default=False, unit="sentence"),
        Source("pang_lee_sentences", "Pang & Lee sentence polarity data, 1 / -1 (python3-pattern test corpus)",
               "debian", "python3-pattern", "2.6+git20180818-4", _PATTERN + "polarity-en-pang&lee2.csv",
               "personal/research use only: fetched on each machine, never committed",
               "1b9975e7c33f487bc2187fffdc55213fdbb84bac4f6c1852b5dd40912411f53f", default=False, unit="sentence"),
        Source("birkbeck", "Birkbeck spelling error corpus sample, (correct, misspelling) (python3-pattern)",
               "debian", "python3-pattern", "2.6+git20180818-4", _PATTERN + "spelling-birkbeck.csv",
               "personal/research use only: fetched on each machine, never committed",
               "9caa79cf3c5ef208b4c437548aaa5ab691001b0445834f870834fcf1653b7490", default=False, unit="pair"),
        *[
            Source(f"wordnet-{pos}", f"WordNet 3.0 synsets ({pos})", "debian", "wordnet-base", "1:3.0-37",
                   _WORDNET + f"data.{pos}", "WordNet 3.0 licence (BSD-like; keep Princeton's notice)", sha, default=False,
                   unit="synset")
            for pos, sha in [
                ("noun", "fea17d2f9656611334eac790e5d69e47645fa180c4aa481fb4cd9b3520754ca2"),
                ("verb", "adcf43e35b581e8036d8b5a52d63d9cd3d3b4870b2720d3c03c799df44777bc2"),
                ("adj", "c89120dfc1f046ddff4a631bf9b7e9fa1a36b5e86565a23bf82dbe14f30b88a7"),
                ("adv", "444a63bf3955080ab7524f5079cfc07ff9bc682cb98bdb1db73b0fb9829f1139"),
            ]
        ],
    ]
}

#: WordNet's 45 lexicographer files ("supersenses"), indexed by the ``lex_filenum`` field.
SUPERSENSES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event",
    "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
    "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
    "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
)


def _probing_file(name: str, verify: bool = True) -> Path:
    """Fetch the package holding ``PROBING_SOURCES[name]`` (if needed) and return the file."""
    source = PROBING_SOURCES[name]
    root = fetch_debian(source)
    path = root / source.path
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the unpacked package {source.package!r} (version {source.version}).")
    if verify:
        digest = file_sha256(path)
        if digest != source.sha256:
            raise ValueError(
                f"{path} has sha256 {digest}, not the declared {source.sha256}: the package "
                f"{source.package!r} changed (declared version {source.version}) or the unpacked copy is damaged. "
                f"Delete {root} to unpack it again; if it still differs, check the data, then "
                "load it with verify=False to accept it."
            )
    return path


def parse_tagged_line(line: str) -> tuple[list[str], list[str]]:
    """Words and Penn tags of one ``word/TAG word/TAG ...`` line, in the course's token form.

    A word is lower-cased and kept only if :func:`course.data.tokenize` leaves it as one token.

    >>> parse_tagged_line("The/DT U.S./NNP did/VBD n't/RB 1/2/CD")
    (['the', 'did', "n't"], ['DT', 'VBD', 'RB'])
    """
    words, tags = [], []
    for item in line.split():
        word, sep, tag = item.rpartition("/")
        if not sep or not word:
            continue
        tokens = tokenize(word)
        if len(tokens) == 1 and tokens[0] == word.lower():
            words.append(tokens[0])
            tags.append(tag)
    return words, tags


def load_tagged_sentences(name: str = "wsj", max_sentences: int | None = None,
                          verify: bool = True) -> list[tuple[list[str], list[str]]]:
    """POS-tagged sentences of the WSJ (gold) or OANC (silver) sample.

    Parameters
    ----------
    name : {"wsj", "oanc"}, default="wsj"
    max_sentences : int or None, default=None
        Keep only the first ones (the file's order).
    verify : bool, default=True
        Check the file's sha256 against :data:`PROBING_SOURCES`.

    Returns
    -------
    list of (list of str, list of str)
        ``(words, tags)`` per line; lines left without a token are skipped.
    """
    check_choice(name, "name", "load_tagged_sentences", ["wsj", "oanc"])
    if max_sentences is not None:
        check_int(max_sentences, "max_sentences", "load_tagged_sentences", low=1)
    out = []
    with open(_probing_file(name, verify), encoding="utf-8") as f:
        for line in f:
            words, tags = parse_tagged_line(line)
            if words:
                out.append((words, tags))
                if max_sentences is not None and len(out) >= max_sentences:
                    break
    return out


class WordNetExample(NamedTuple):
    """A lemma used in one of its synset's example sentences."""

    lemma: str  # the word form, lower case (single-word lemmas only)
    pos: str  # "n", "v", "a" (adjectives and satellites) or "r"
    synset: str  # "<offset>-<pos>": the sense
    supersense: str  # lexicographer file, e.g. "noun.possession"
    definition: str  # the gloss without its examples
    tokens: tuple  # the example sentence, tokenized like the corpus
    index: int  # where the lemma is in ``tokens`` (its first occurrence)


_QUOTED = re.compile(r'"([^"]+)"')
_ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")


def parse_wordnet_line(line: str) -> list[WordNetExample]:
    """The examples of one synset line of a WordNet ``data.*`` file.

    >>> line = ('08420278 14 n 02 depository_financial_institution 0 bank 0 000 | a financial institution; '
    ...         '"he cashed a check at the bank"; "that bank holds the mortgage on my home"')
    >>> [(e.lemma, e.supersense, e.index) for e in parse_wordnet_line(line)]
    [('bank', 'noun.group', 6), ('bank', 'noun.group', 1)]
    """
    if line.startswith(" ") or " | " not in line:
        return []
    head, gloss = line.split(" | ", 1)
    fields = head.split()
    offset, lex_filenum, ss_type, w_cnt = fields[0], int(fields[1]), fields[2], int(fields[3], 16)
    pos = "a" if ss_type == "s" else ss_type
    lemmas = []
    for i in range(w_cnt):
        word = _ADJ_MARKER.sub("", fields[4 + 2 * i]).lower()
        if "_" not in word and tokenize(word) == [word] and word not in lemmas:
            lemmas.append(word)
    examples = _QUOTED.findall(gloss)
    definition = gloss.split(";")[0].strip().strip('"').strip()
    out = []
    for example in examples:
        tokens = tuple(tokenize(example))
        for lemma in lemmas:
            if lemma in tokens:
                out.append(WordNetExample(lemma, pos, f"{offset}-{pos}", SUPERSENSES[lex_filenum], definition,
                                          tokens, tokens.index(lemma)))
    return out


def _iter_wordnet(verify: bool) -> Iterator[WordNetExample]:
    for part in ("noun", "verb", "adj", "adv"):
        with open(_probing_file(f"wordnet-{part}", verify), encoding="utf-8", errors="replace") as f:
            for line in f:
                yield from parse_wordnet_line(line)


def load_wordnet_examples(verify: bool = True) -> list[WordNetExample]:
    """Every (lemma, synset, example sentence) of WordNet 3.0 where the lemma occurs in the example.

    Parameters
    ----------
    verify : bool, default=True
        Check each file's sha256 against :data:`PROBING_SOURCES`.

    Returns
    -------
    list of WordNetExample
        In file order (nouns, verbs, adjectives, adverbs).
    """
    return list(_iter_wordnet(verify))

"""Labelled data for chapter 10's transfer tasks: sentence sentiment and misspelled words.

Both files come with Debian's ``python3-pattern`` test corpora, as chapter 09's POS samples do,
and are declared with their sha256 in :data:`course.data.probing.PROBING_SOURCES`. They are for
personal/research use (the package's README), so they are fetched on each machine and never
committed. Nothing the course ships was trained on them: the biLM's and the word2vec vectors'
sources in :mod:`course.pretrained` do not include them.

- :func:`load_sentiment`: Pang & Lee's sentence polarity data (Pang and Lee 2005), as the file
  ``polarity-en-pang&lee2.csv`` holds it: 4,000 movie-review snippets (2,000 of each label) labelled ``1`` (positive)
  or ``-1`` (negative). The package README swaps the descriptions of its two polarity files; the
  contents decide. Labels become 1 / 0.
- :func:`split_of` / :func:`split_sentiment`: fixed train / dev / test splits by a hash of the
  text, so a sentence lands in the same split on every machine and in every run, whatever the
  file order.
- :func:`load_misspellings`: 500 (correction, misspelling) pairs from the Birkbeck spelling
  error corpus (Mitton 1987), words that no word-level model has seen.

>>> split_of("a fine film .")
'test'
"""

from __future__ import annotations

import csv
import hashlib
from typing import NamedTuple

from ..base.validation import check_float
from .probing import _probing_file
from .text import tokenize

__all__ = ["LabelledSentence", "load_sentiment", "split_of", "split_sentiment", "load_misspellings", "SPLITS"]

#: The share of sentences in each split (by hash); train takes the rest.
SPLITS = {"dev": 0.1, "test": 0.2}


class LabelledSentence(NamedTuple):
    """A tokenized sentence (the corpus's tokenizer) with its label and its original text."""

    tokens: tuple
    label: int  # 1 positive, 0 negative
    text: str


def _rows(name: str, verify: bool) -> list[list[str]]:
    with open(_probing_file(name, verify), encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.reader(f) if row]


def load_sentiment(verify: bool = True) -> list[LabelledSentence]:
    """Pang & Lee's 4,000 labelled sentences, in the file's order, tokenized like the corpus.

    Parameters
    ----------
    verify : bool, default=True
        Check the file's sha256 against :data:`course.data.probing.PROBING_SOURCES`.

    Returns
    -------
    list of LabelledSentence
        Sentences the tokenizer leaves empty are dropped (none are, in the declared file).
    """
    out = []
    for row in _rows("pang_lee_sentences", verify):
        if len(row) != 2 or row[0] not in ("1", "-1"):
            raise ValueError(
                f"polarity-en-pang&lee2.csv: expected rows 'label,text' with label 1 or -1; got {row[:2]!r}."
            )
        text = row[1].strip()
        tokens = tuple(tokenize(text))
        if tokens:
            out.append(LabelledSentence(tokens, int(row[0] == "1"), text))
    return out


def split_of(text: str, dev: float = SPLITS["dev"], test: float = SPLITS["test"]) -> str:
    """``"train"``, ``"dev"`` or ``"test"``, fixed by the sha256 of ``text``.

    The first 8 bytes of the hash, read as a fraction u of [0, 1), decide: u < test gives test,
    u < test + dev gives dev, the rest train.
    """
    check_float(dev, "dev", "split_of", low=0.0, high=1.0)
    check_float(test, "test", "split_of", low=0.0, high=1.0 - dev)
    u = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") / 2**64
    return "test" if u < test else "dev" if u < test + dev else "train"


def split_sentiment(sentences: list[LabelledSentence]) -> dict[str, list[LabelledSentence]]:
    """The sentences by split (:func:`split_of` of each sentence's tokens), each in the given order.

    A sentence that occurs twice lands twice in the same split: no test sentence is also a
    training one.
    """
    out: dict[str, list[LabelledSentence]] = {"train": [], "dev": [], "test": []}
    for s in sentences:
        out[split_of(" ".join(s.tokens))].append(s)
    return out


def load_misspellings(verify: bool = True) -> list[tuple[str, str]]:
    """The Birkbeck pairs ``(correction, misspelling)``, lower case, in the file's order."""
    out = []
    for row in _rows("birkbeck", verify):
        if len(row) != 2:
            raise ValueError(f"spelling-birkbeck.csv: expected rows 'correct,misspelled'; got {row!r}.")
        out.append((row[0].strip().lower(), row[1].strip().lower()))
    return out

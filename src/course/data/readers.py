r"""Small readers for the formats the course corpus comes in (besides SWORD and R, which have
their own modules :mod:`course.data.sword` and :mod:`course.data.rdata`).

Each reader turns one file into *documents*; a document is a list of paragraphs (or of
sentences) of plain text. :mod:`course.data.extract` applies them to the real packages.

- :func:`read_dictd`: a dictd database (``.dict.dz`` is gzip with random access, ``.index`` has
  one ``headword<TAB>offset<TAB>length`` line per entry, numbers in dictd's base 64).
- :func:`clean_gcide`: GCIDE's plain-text markup to running text.
- :func:`read_wordnet_glosses`: WordNet ``data.{noun,verb,adj,adv}``: the gloss after ``" | "``.
- :func:`read_fortunes`: fortune files, entries separated by lines holding only ``%``.
- :func:`read_polarity_csv`: the Pang & Lee CSVs of python3-pattern: ``score,"text"`` rows.
- :func:`split_chapters`, :func:`paragraphs`, :func:`strip_gutenberg`: Project Gutenberg texts.
- :func:`read_wiki_dump`: a MediaWiki XML dump (bz2), markup removed with gensim's
  ``filter_wiki``.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import iterparse

__all__ = [
    "decode_b64",
    "read_dictd",
    "clean_gcide",
    "read_wordnet_glosses",
    "read_fortunes",
    "read_polarity_csv",
    "paragraphs",
    "strip_gutenberg",
    "split_chapters",
    "strip_play",
    "read_wiki_dump",
    "clean_wiki",
]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {ch: i for i, ch in enumerate(_B64)}


def decode_b64(text: str) -> int:
    """Decode one of dictd's base-64 numbers (most significant digit first).

    >>> decode_b64("A"), decode_b64("BA"), decode_b64("5I")
    (0, 64, 3656)
    """
    value = 0
    for ch in text:
        value = value * 64 + _B64_VALUE[ch]
    return value


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # a few GCIDE entries are Windows-1252
        return raw.decode("cp1252", errors="replace")


def read_dictd(dict_path: str | Path, index_path: str | Path | None = None) -> Iterator[tuple[str, str]]:
    """Yield ``(headword, entry text)`` for each distinct entry of a dictd database, in file order.

    Several headwords can point at one entry; it is yielded once, under its first headword.
    Database metadata entries (headwords starting with ``00-`` or ``00database``) are skipped.

    Parameters
    ----------
    dict_path : str or Path
        The ``.dict.dz`` (or plain ``.dict``) file.
    index_path : str or Path, optional
        The ``.index`` file; default: ``dict_path`` with ``.index`` for ``.dict.dz``.
    """
    dict_path = Path(dict_path)
    if index_path is None:
        index_path = Path(str(dict_path).removesuffix(".dz").removesuffix(".dict") + ".index")
    opener = gzip.open if dict_path.suffix == ".dz" else open
    with opener(dict_path, "rb") as f:
        data = f.read()
    entries: dict[tuple[int, int], str] = {}
    with open(index_path, "rb") as f:
        for line in f:
            fields = _decode(line).rstrip("\n").split("\t")
            if len(fields) < 3:
                continue
            headword, offset, length = fields[0], decode_b64(fields[1]), decode_b64(fields[2])
            if headword.startswith(("00-", "00database")):
                continue
            entries.setdefault((offset, length), headword)
    for (offset, length), headword in sorted(entries.items()):
        yield headword, _decode(data[offset : offset + length])


# GCIDE (dictd edition) writes accented letters as [x^], [=a], ['e]... and ligatures as [ae]
_GCIDE_SPECIAL = {
    "ae": "ae", "AE": "AE", "oe": "oe", "OE": "OE", "imac": "i", "aum": "a", "eth": "th",
    "thorn": "th", "ng": "ng", "yogh": "y", "th": "th",
}
_GCIDE_ACCENT_RE = re.compile(r"\[([=\-~^'\"`.,*]?)([a-zA-Z]{1,5})([=\-~^'\"`.]?)\]")
_GCIDE_NOTE_LINE_RE = re.compile(r"^\s*\[[^\[\]]*\]\s*$", re.MULTILINE)  # [1913 Webster], [PJC]
_GCIDE_PRON_RE = re.compile(r"\\[^\\\n]*\\")  # \Bon"ni*bel\
_GCIDE_PHONETIC_RE = re.compile(r"\((?=[^()\s]*(?:\*|\"|\[))[^()\s]*\)")  # (b[o^]n"n[i^]*b[e^]l)
_GCIDE_LABEL_RE = re.compile(r"\[[A-Z][^\[\]\n]{0,19}\.\]")  # [Obs.], [R.], [Scot.]


def _gcide_accent(match: re.Match) -> str:
    mark_before, letters, mark_after = match.groups()
    if mark_before or mark_after:
        return letters
    return _GCIDE_SPECIAL.get(letters, match.group(0))


def clean_gcide(entry: str) -> list[str]:
    """Turn one GCIDE entry (dictd edition) into paragraphs of running text.

    Rules, in order: lines holding only a bracketed source note (``[1913 Webster]``) are
    dropped; pronunciations between backslashes (``\\Bon"ni*bel\\``) and phonetic respellings in
    parentheses are removed; accent codes become plain letters (``b[o^]n`` -> ``bon``,
    ``[ae]`` -> ``ae``); short usage labels ending in a full stop (``[Obs.]``) are removed; cross
    references lose their braces (``{Bellibone}`` -> ``Bellibone``); ``--Author`` attributions
    become ``-- Author``.

    >>> entry = 'Bonnibel \\\\Bon"ni*bel\\\\ (b[o^]n"n[i^]*b[e^]l), n. [F. bonne]\\n   A handsome girl. [Obs.] See {Belle}. --Spenser.\\n   [1913 Webster]'
    >>> clean_gcide(entry)
    ['Bonnibel , n. [F. bonne] A handsome girl. See Belle. -- Spenser.']
    """
    text = _GCIDE_NOTE_LINE_RE.sub("", entry)
    text = _GCIDE_PRON_RE.sub("", text)
    text = _GCIDE_PHONETIC_RE.sub("", text)
    text = _GCIDE_LABEL_RE.sub("", text)
    text = _GCIDE_ACCENT_RE.sub(_gcide_accent, text)
    text = text.replace("{", "").replace("}", "").replace("--", " -- ")
    return paragraphs(text)


def read_wordnet_glosses(path: str | Path) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(synset id, sentences)`` for each synset of a WordNet ``data.*`` file.

    The gloss is the text after ``" | "``; it is cut at semicolons into its definitions and its
    quoted example sentences (quotes removed). The licence header (lines starting with spaces)
    is skipped. The synset id is ``"<offset>-<pos>"``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "data.verb")
    >>> _ = open(p, "w").write('  1 licence\\n00002724 29 v 01 choke 0 000 | breathe with difficulty; "She choked"  \\n')
    >>> list(read_wordnet_glosses(p))
    [('00002724-v', ['breathe with difficulty', 'She choked'])]
    """
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(" ") or " | " not in line:
                continue
            head, gloss = line.split(" | ", 1)
            fields = head.split(" ")
            sentences = [p.strip().strip('"').strip() for p in gloss.strip().split(";")]
            sentences = [s for s in sentences if s]
            if sentences:
                yield f"{fields[0]}-{fields[2]}", sentences


def read_fortunes(path: str | Path) -> Iterator[str]:
    """Yield the entries of a fortune file (separated by lines holding only ``%``).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "f")
    >>> _ = open(p, "w").write("One.\\n%\\nTwo\\nlines.\\n%\\n")
    >>> list(read_fortunes(p))
    ['One.', 'Two\\nlines.']
    """
    text = Path(path).read_bytes()
    entry: list[str] = []
    for line in _decode(text).split("\n"):
        if line.strip() == "%":
            if "".join(entry).strip():
                yield "\n".join(entry).strip()
            entry = []
        else:
            entry.append(line)
    if "".join(entry).strip():
        yield "\n".join(entry).strip()


def read_polarity_csv(path: str | Path) -> Iterator[str]:
    """Yield the texts of a ``score,"text"`` CSV (Pang & Lee data as python3-pattern ships it).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.csv")
    >>> _ = open(p, "w").write('"1","a fine film .\\nreally ."\\n"-1","dull ."\\n')
    >>> list(read_polarity_csv(p))
    ['a fine film .\\nreally .', 'dull .']
    """
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if len(row) >= 2 and row[-1].strip():
                yield row[-1].strip()


_BLANK_RE = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """Split text at blank lines; each paragraph's whitespace collapsed to single spaces.

    >>> paragraphs("a\\n b\\n\\n\\n c ")
    ['a b', 'c']
    """
    out = []
    for block in _BLANK_RE.split(text.replace("\r\n", "\n")):
        block = " ".join(block.split())
        if block:
            out.append(block)
    return out


_GUTENBERG_START_RE = re.compile(r"^\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG.*$", re.MULTILINE | re.IGNORECASE)
_GUTENBERG_END_RE = re.compile(
    r"^(\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG|End of (the )?Project Gutenberg)", re.MULTILINE | re.IGNORECASE
)


def strip_gutenberg(text: str) -> str:
    """Remove a Project Gutenberg header and licence footer if the text has them.

    >>> strip_gutenberg("licence\\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\\nText.\\nEnd of Project Gutenberg's X\\nlicence")
    '\\nText.\\n'
    """
    start = _GUTENBERG_START_RE.search(text)
    if start:
        text = text[start.end() :]
    end = _GUTENBERG_END_RE.search(text)
    if end:
        text = text[: end.start()]
    return text


def split_chapters(text: str, heading: str) -> list[str]:
    """Cut a long work at the lines matching the regular expression ``heading``.

    The heading lines are dropped; text before the first heading (title page, contents) is
    dropped too when at least one heading is found.

    >>> split_chapters("Title\\nCHAPTER 1\\nOne.\\nCHAPTER 2\\nTwo.", r"CHAPTER \\d+")
    ['One.', 'Two.']
    """
    pattern = re.compile(rf"^[ \t]*(?:{heading})[^\n]*$", re.MULTILINE)
    pieces = pattern.split(text)
    if len(pieces) > 1:
        pieces = pieces[1:]
    return [p.strip() for p in pieces if p.strip()]


_SPEAKER_RE = re.compile(r"^[A-Z][A-Za-z'&. ]{0,30}\.$")
_STAGE_RE = re.compile(r"\[[^\]]*\]", re.DOTALL)


def strip_play(text: str) -> str:
    """Remove ``[stage directions]`` and speaker names from a play's text.

    A speaker name is the first line of a paragraph of several lines when it is short and ends
    in a full stop (Gutenberg's layout: ``"Ber."`` on its own line, then the speech); a one-line
    paragraph is kept, whatever it looks like.

    >>> strip_play("Ber.\\nWho's there?\\n\\nFran.\\n[Aside.] Nay, answer me.\\n\\nHe.")
    "Who's there?\\n\\nNay, answer me.\\n\\nHe."
    """
    text = _STAGE_RE.sub("", text)
    out = []
    for paragraph in _BLANK_RE.split(text.replace("\r\n", "\n")):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if len(lines) >= 2 and _SPEAKER_RE.match(lines[0]):
            lines = lines[1:]
        if lines:
            out.append("\n".join(lines))
    return "\n\n".join(out)


def read_wiki_dump(path: str | Path) -> Iterator[tuple[str, str]]:
    """Yield ``(title, wikitext)`` for each article (namespace 0, not a redirect) of a dump.

    Parameters
    ----------
    path : str or Path
        A MediaWiki XML export, bzip2-compressed or plain.
    """
    opener = bz2.open if str(path).endswith(".bz2") else open
    with opener(path, "rb") as f:
        title = ns = text = None
        redirect = False
        for _, elem in iterparse(f, events=("end",)):
            tag = elem.tag.rsplit("}", 1)[-1]
            if tag == "title":
                title = elem.text
            elif tag == "ns":
                ns = elem.text
            elif tag == "redirect":
                redirect = True
            elif tag == "text":
                text = elem.text or ""
            elif tag == "page":
                if ns == "0" and not redirect and text:
                    yield title or "", text
                title = ns = text = None
                redirect = False
                elem.clear()


def clean_wiki(wikitext: str) -> list[str]:
    """Paragraphs of running text from an article's wikitext.

    gensim's ``filter_wiki`` removes templates, links, references and tags; then headings
    (``== History ==``), list items, table rows and lines without a full stop-free prose
    character are dropped, keeping the article's prose paragraphs.
    """
    from gensim.corpora.wikicorpus import filter_wiki

    text = filter_wiki(wikitext).replace("'''", "").replace("''", "")  # bold, italics
    kept = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith(("=", "*", "#", "|", "!", "{", ":", ";")):
            kept.append("")
            continue
        kept.append(stripped)
    return [p for p in paragraphs("\n".join(kept)) if len(p.split()) >= 4]


def iter_lines(path: str | Path) -> Iterable[str]:
    """Non-empty stripped lines of a UTF-8 text file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                yield line.strip()

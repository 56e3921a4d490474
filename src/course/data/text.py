r"""Tokenizer and sentence splitter of the course corpus.

Both are deliberately simple, rule-based and deterministic, so that every chapter sees the same
tokens and a reader can predict them.

**Tokens** (:func:`tokenize`):

1. Unicode NFKD normalisation, then combining marks (accents) are dropped: "café" -> "cafe",
   "ﬁ" -> "fi"; curly apostrophes become ``'``.
2. Lower-casing.
3. Tokens are the matches of ``[a-z]+(?:'[a-z]+)?|[0-9]+``: runs of letters with at most one
   inner apostrophe ("don't", "o'er", "king's") and runs of digits. Everything else (punctuation,
   hyphens, other scripts) separates tokens and is dropped: "well-known" -> "well", "known";
   "3.14" -> "3", "14".

>>> tokenize("The Café’s 2 well-known \"Naïve\" rules, isn't it?")
['the', "cafe's", '2', 'well', 'known', 'naive', 'rules', "isn't", 'it']

**Sentences** (:func:`split_sentences`): a sentence ends at ``.``, ``!`` or ``?`` (possibly
repeated, possibly followed by closing quotes or brackets) when whitespace and then an upper-case
letter, a digit or an opening quote/bracket follow, *unless* the word before the full stop is a
known abbreviation (``Mr.``, ``Dr.``, ``St.``, ``e.g.``, ...) or a single letter (an initial: "J.
R. Firth"). A sentence longer than :data:`MAX_SENTENCE_WORDS` words is then cut at ``;`` or
``:`` and, failing that, into consecutive pieces, so language models never see a 1,000-word line.

>>> split_sentences("Mr. Smith met Dr. J. Watson. They talked! Then 3 left.")
['Mr. Smith met Dr. J. Watson.', 'They talked!', 'Then 3 left.']
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "TOKEN_PATTERN",
    "MAX_SENTENCE_WORDS",
    "tokenize",
    "normalize",
    "split_sentences",
    "format_document",
]

#: The token regular expression, applied to normalised lower-case text.
TOKEN_PATTERN = r"[a-z]+(?:'[a-z]+)?|[0-9]+"
_TOKEN_RE = re.compile(TOKEN_PATTERN)

#: Sentences longer than this many whitespace-separated words are cut (see module docstring).
MAX_SENTENCE_WORDS = 120

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _check_text(text, name: str, owner: str) -> str:
    """``text`` if it is a str; a clear error for bytes, None, or a list (already tokenized?)."""
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        hint = ": decode it first, e.g. text.decode('utf-8')"
    elif isinstance(text, (list, tuple)):
        hint = f": {owner} takes one text (call it on each, e.g. [{owner}(t) for t in texts])"
    else:
        hint = ""
    raise TypeError(f"The {name!r} parameter of {owner} must be a str. Got {type(text).__name__}{hint} instead.")


def normalize(text: str) -> str:
    """NFKD-normalise, drop combining marks, map curly apostrophes to ``'`` and lower-case.

    >>> normalize("Ærø Ångström’s")
    "ærø angstrom's"
    """
    _check_text(text, "text", "normalize")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.translate(_APOSTROPHES)
    return text.lower()


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-case word and number tokens (rules in the module docstring).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        The tokens, in order.

    Examples
    --------
    >>> tokenize("O'er the hills, 'tis 1,000 miles!")
    ["o'er", 'the', 'hills', 'tis', '1', '000', 'miles']
    """
    return _TOKEN_RE.findall(normalize(_check_text(text, "text", "tokenize")))


# Abbreviations after which a full stop does not end a sentence (compared lower-case, without
# the final dot). Single letters (initials) are handled by the rule itself.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms messrs dr prof rev revd st sr jr gen col capt lt sgt hon gov sen rep esq mt ft
    vs cf viz e.g i.e etc.al al no nos vol vols ch chap pp fig figs ed eds approx esp ca
    jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp dept univ
    obs fr lat gr gk ger heb comp adj adv prep conj pl sing pron interj syn
    """.split()
)

# candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace, then
# the start of a new sentence (upper-case letter, digit, or an opening quote/bracket)
_BOUNDARY_RE = re.compile(r"""([.!?]+)(["'\u2019\u201d)\]]*)\s+(?=["'\u2018\u201c(\[]*[A-Z0-9])""")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_SPACE_RE = re.compile(r"\s+")


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE_RE.search(before)
    if match is None:
        return False
    word = match.group(1).lower().rstrip(".")
    return len(word) == 1 or word in ABBREVIATIONS


def _cut_long(sentence: str) -> list[str]:
    words = sentence.split(" ")
    if len(words) <= MAX_SENTENCE_WORDS:
        return [sentence]
    pieces: list[str] = []
    current: list[str] = []
    for word in words:
        current.append(word)
        at_clause_end = word.endswith((";", ":"))
        if (at_clause_end and len(current) >= MAX_SENTENCE_WORDS // 4) or len(current) >= MAX_SENTENCE_WORDS:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return pieces


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (rules in the module docstring).

    Whitespace, including newlines, is collapsed to single spaces first.

    Parameters
    ----------
    text : str
        A paragraph of running text.

    Returns
    -------
    list of str
        Non-empty sentences, stripped, in order.

    Examples
    --------
    >>> split_sentences('He said "Stop!" Then, e.g. at 5 p.m., he left. (It rained.) Done')
    ['He said "Stop!"', 'Then, e.g. at 5 p.m., he left.', '(It rained.)', 'Done']
    """
    text = _SPACE_RE.sub(" ", _check_text(text, "text", "split_sentences")).strip()
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        if match.group(1) == "." and _is_abbreviation(text[start : match.start()]):
            continue
        sentences.append(text[start : match.start(2) + len(match.group(2))])
        start = match.end()
    sentences.append(text[start:])
    out: list[str] = []
    for sentence in sentences:
        sentence = sentence.strip()
        if sentence:
            out.extend(_cut_long(sentence))
    return out


def format_document(paragraphs, presplit: bool = False) -> str:
    """Lay out one document as the corpus files store it: one sentence per line.

    Parameters
    ----------
    paragraphs : iterable of str
        The document's paragraphs (or, with ``presplit=True``, its sentences).
    presplit : bool, default=False
        Whether the items are already sentences (they are then only whitespace-collapsed and cut
        when too long).

    Returns
    -------
    str
        Sentences joined by newlines; sentences without any token are dropped. Empty if nothing
        is left.

    Examples
    --------
    >>> print(format_document(["One. Two!", "  *** ", "Three"]))
    One.
    Two!
    Three
    """
    if isinstance(paragraphs, (str, bytes)):  # iterating it would give one paragraph per character
        raise TypeError("The 'paragraphs' parameter of format_document must be an iterable of str (one per "
                        f"paragraph). Got a str ({paragraphs[:40]!r}) instead: wrap a single paragraph as [text].")
    lines: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if not isinstance(paragraph, str):
            raise TypeError(f"The 'paragraphs' parameter of format_document must hold str. Got "
                            f"{type(paragraph).__name__} at index {i} instead.")
        if presplit:
            sentences = _cut_long(_SPACE_RE.sub(" ", paragraph).strip())
        else:
            sentences = split_sentences(paragraph)
        lines.extend(s for s in sentences if s and _TOKEN_RE.search(normalize(s)))
    return "\n".join(lines)

"""Read SWORD ``zText`` Bible modules (the format of Debian's ``sword-text-*`` packages).

A zText module stores each testament in three files:

- ``ot.bzz`` / ``nt.bzz``: the text, as consecutive zlib-compressed *blocks* (a book, a chapter
  or a verse each, per the module's ``BlockType``);
- ``ot.bzs`` / ``nt.bzs``: the block index, one 12-byte record per block: three little-endian
  ``uint32`` ``(offset, compressed size, uncompressed size)`` into the ``.bzz`` file;
- ``ot.bzv`` / ``nt.bzv``: the verse index (block, offset, size of each verse); not needed to
  read the whole text in order.

The decompressed text is OSIS XML fragments with milestone elements such as
``<chapter osisID="Gen.1" sID="Gen.1"/>``. :func:`read_ztext` cuts each block at these chapter
milestones, drops footnotes (``<note>...</note>``) and headings (``<title>...</title>``), strips
the remaining tags and unescapes XML entities, giving one chapter of plain text per document.

>>> import tempfile, zlib, struct, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> text = b'<chapter sID="Gen.1"/>In the <w>beginning</w>.<note>fn</note>'
>>> block = zlib.compress(text)
>>> _ = (d / "ot.bzz").write_bytes(block)
>>> _ = (d / "ot.bzs").write_bytes(struct.pack("<III", 0, len(block), len(text)))
>>> [c for c in read_ztext(d)]
[('Gen.1', 'In the beginning.')]
"""

from __future__ import annotations

import html
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["read_blocks", "osis_to_text", "read_ztext"]

_CHAPTER_RE = re.compile(r'<chapter\b[^>]*\bsID="([^"]*)"[^>]*/>')
_DROP_RE = re.compile(r"<(note|title)\b[^>]*?(?<!/)>.*?</\1>", re.DOTALL)
_BLOCK_TAG_RE = re.compile(r"<(?:div|p|l|lb|lg|milestone|verse|chapter|item|list|speaker)\b[^>]*>")
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_BOOK_RE = re.compile(r'<div\b[^>]*type="book"[^>]*>')


def read_blocks(directory: str | Path, testament: str) -> list[bytes]:
    """Decompressed blocks of one testament (``"ot"`` or ``"nt"``) of a zText module.

    Parameters
    ----------
    directory : str or Path
        The module's data directory (holding ``ot.bzs``, ``ot.bzz``...).
    testament : {"ot", "nt"}

    Returns
    -------
    list of bytes
        Blocks in file order; empty if the testament is absent.
    """
    directory = Path(directory)
    bzs, bzz = directory / f"{testament}.bzs", directory / f"{testament}.bzz"
    if not bzs.exists():
        return []
    index, data = bzs.read_bytes(), bzz.read_bytes()
    if len(index) % 12:
        raise ValueError(f"{bzs}: size {len(index)} is not a multiple of 12 (offset, size, usize records)")
    blocks = []
    for offset, size, usize in struct.iter_unpack("<III", index):
        if size == 0:
            continue
        block = zlib.decompress(data[offset : offset + size])
        if len(block) != usize:
            raise ValueError(f"{bzz}: block at {offset} inflates to {len(block)} bytes, index says {usize}")
        blocks.append(block)
    return blocks


def osis_to_text(fragment: str) -> str:
    """Plain text of an OSIS fragment: notes and titles dropped, tags stripped, entities decoded.

    >>> osis_to_text('And <w lemma="x">God</w> said,<note>Heb.</note> Let &amp; be')
    'And God said, Let & be'
    """
    fragment = _DROP_RE.sub(" ", fragment)
    fragment = _BLOCK_TAG_RE.sub(" ", fragment)  # elements that separate words
    fragment = _TAG_RE.sub("", fragment)  # inline elements (<w>, <transChange>...) do not
    fragment = re.sub(r"\\[a-z]+\*?|\u00b6", "", fragment)  # stray USFM markers (\\nd), pilcrows
    text = _SPACE_RE.sub(" ", html.unescape(fragment)).strip()
    return re.sub(r" ([,.;:!?])", r"\1", text)  # tags between a word and its punctuation


def read_ztext(directory: str | Path) -> Iterator[tuple[str, str]]:
    """Yield ``(chapter id, plain text)`` for every chapter of a zText module, OT then NT.

    The blocks of a testament are concatenated in order (a chapter may straddle two blocks)
    and cut at the chapter milestones; text before a testament's first chapter (module and book
    headers) is dropped, and so is a book's title matter (``<title>``, ``<milestone>``s) before
    its first chapter, as the cut removes all markup outside the verse text.
    """
    for testament in ("ot", "nt"):
        fragment = b"".join(read_blocks(directory, testament)).decode("utf-8", errors="replace")
        pieces = _CHAPTER_RE.split(fragment)
        # pieces = [before, id1, text1, id2, text2, ...]
        for chapter_id, body in zip(pieces[1::2], pieces[2::2]):
            # the end of a chapter's body may hold the next book's header: drop the book div
            body = _BOOK_RE.split(body)[0]
            text = osis_to_text(body)
            if text:
                yield chapter_id, text

"""The two file formats of word2vec.c (Mikolov et al., 2013), read and written safely.

gensim and fastText (its .vec files) use them too:

* text: a header line ``"V D"``, then one line per word, ``word x_1 x_2 ... x_D``;
* binary: the same header, then per word ``word``, a space, ``D`` little-endian float32 values
  and (word2vec.c) a newline, which gensim omits; the reader accepts both.

The reader refuses, with the file and line (text) or row (binary) in the message, a header that
asks for more memory than :data:`MAX_LOAD_BYTES` or more rows than the file holds, a row that is
not ``D`` numbers, nan or inf, a repeated word, too few or too many rows, and the other format.
:class:`course.vectors.KeyedVectors` reads and writes through it (``load_word2vec_format``,
``save_word2vec_format``).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "v.txt"
>>> write_word2vec_format(path, ["a", "b"], np.array([[1.0, 0.5], [0.0, -2.0]]))
>>> path.read_text().splitlines()
['2 2', 'a 1 0.5', 'b 0 -2']
>>> read_word2vec_format(path)
(['a', 'b'], array([[ 1. ,  0.5],
       [ 0. , -2. ]], dtype=float32))

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", ICLR workshop 2013 (word2vec.c, whose formats these are).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from ..base.files import atomic_open

__all__ = ["MAX_LOAD_BYTES", "read_word2vec_format", "write_word2vec_format", "check_codec"]


def write_word2vec_format(path, keys: Sequence[str], vectors, binary: bool = False) -> None:
    """Write ``keys`` and their ``vectors`` (V, D) in the word2vec.c text or binary format.

    Text values use 9 significant digits, enough to read float32 back bit for bit. Words must
    not contain whitespace (the format separates by spaces). The file is written to a temporary
    file next to ``path`` and renamed (:func:`course.base.files.atomic_open`), so a failure never
    leaves a partial file. :meth:`course.vectors.KeyedVectors.save_word2vec_format` calls it.
    """
    for key in keys:
        if any(ch.isspace() for ch in key):
            raise ValueError(f"Word {key!r} contains whitespace and cannot be written in the word2vec format.")
    vectors = np.asarray(vectors, dtype=np.float32)
    V, D = vectors.shape
    with atomic_open(path, "wb") as f:
        f.write(f"{V} {D}\n".encode())
        if binary:
            data = vectors.astype("<f4")
            for key, row in zip(keys, data):
                f.write(key.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            for key, row in zip(keys, vectors):
                f.write((key + " " + " ".join(f"{x:.9g}" for x in row.tolist()) + "\n").encode("utf-8"))


def read_word2vec_format(
    path, binary: bool = False, limit: int | None = None, encoding: str = "utf-8", errors: str = "strict"
) -> tuple[list[str], np.ndarray]:
    """Read the word2vec.c text or binary format: the words and their float32 vectors (n, D).

    The parameters and errors are those of :meth:`course.vectors.KeyedVectors.load_word2vec_format`,
    which validates them and calls this.
    """
    name = os.fspath(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        header = f.readline(_MAX_HEADER_BYTES)
        try:
            V, D = (int(x) for x in header.split())
            if V < 0 or D < 1:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"{name}: the first line must be the header 'V D' (two positive ints). Got {header[:60]!r} instead."
            ) from None
        n = V if limit is None else min(V, limit)
        _check_allocation(name, V, D, n, size - len(header), binary)
        start = f.tell()
        head = f.read(min(_PEEK_BYTES + 8 * D, max(size - start, 0)))
        f.seek(start)
        if binary and n and _is_text_row(head.split(b"\n", 1)[0], D):
            raise ValueError(
                f"{name}: binary=True, but line 2 is a text row (a word and {D} decimal numbers): "
                "this looks like the text format. Pass binary=False."
            )
        read_rows = _read_binary_rows if binary else _read_text_rows
        keys, vectors, where = read_rows(f, name, V, D, n, encoding, errors, head)
        if limit is None:  # the whole file was read: nothing may follow the last row
            rest = f.read(_PEEK_BYTES).strip()
            if rest:
                row = f"line {V + 2}" if not binary else f"row {V + 1}"
                raise ValueError(
                    f"{name}: the header says {V} rows but the file holds more: {row} "
                    f"starts {rest[:40]!r}. Fix the header or pass limit={V} to read the first {V}."
                )
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        bad = float(vectors[i][~np.isfinite(vectors[i])][0])
        raise ValueError(
            f"{name}, {where(i)}: the vector of {keys[i]!r} holds {bad!r}; word vectors must be "
            "finite (a diverged training run writes nan)."
        )
    return keys, vectors


#: The most memory :meth:`KeyedVectors.load_word2vec_format` allocates for the vectors (float32);
#: a header asking for more is refused before allocating (pass ``limit`` to read the first rows).
MAX_LOAD_BYTES = 8 * 2**30
#: Above this many bytes of vectors, the header's row count is also checked against the file size.
_SIZE_CHECK_BYTES = 2**24
_MAX_HEADER_BYTES = 1024
_MAX_WORD_BYTES = 10_000
_PEEK_BYTES = 4096
# The bytes a text row's numbers are written with (digits, signs, exponents, nan, inf, spaces).
_NUMBER_BYTES = frozenset(b"0123456789+-.eEnaNAifinityINFITY \t\r\n")


def check_codec(encoding, errors, owner: str) -> None:
    import codecs

    for value, name, lookup in ((encoding, "encoding", codecs.lookup), (errors, "errors", codecs.lookup_error)):
        try:
            if not isinstance(value, str):
                raise LookupError
            lookup(value)
        except LookupError:
            allowed = (
                "a codec name such as 'utf-8' or 'latin-1'"
                if name == "encoding"
                else "an error handler such as 'strict', 'replace' or 'ignore'"
            )
            raise ValueError(f"The {name!r} parameter of {owner} must be {allowed}. Got {value!r} instead.") from None


def _check_allocation(name: str, V: int, D: int, n: int, body: int, binary: bool) -> None:
    """Refuse a header whose rows could not fit in memory or in the file, before allocating."""
    need = 4 * n * D
    if need > MAX_LOAD_BYTES:
        raise ValueError(
            f"{name}: the header asks for {n:,} x {D:,} float32 values ({need / 2**30:,.1f} GiB), "
            f"more than this reader allocates ({MAX_LOAD_BYTES / 2**30:.0f} GiB). Pass 'limit' to read "
            "only the first rows, or check the header."
        )
    # The shortest possible row: a one-byte word, a space, D values (binary: 4 bytes each; text:
    # one digit and a space each, the last one a newline).
    shortest = 4 * D + 2 if binary else 2 * D + 2
    if need > _SIZE_CHECK_BYTES and n * shortest > body + 1:
        raise ValueError(
            f"{name}: the header says {V:,} rows of {D:,} values, but the {body:,} bytes after it hold "
            f"at most {(body + 1) // shortest:,} such rows: the header is wrong or the file is truncated."
        )


def _is_text_row(line: bytes, D: int) -> bool:
    """Whether ``line`` reads as a text-format row: a word and ``D`` decimal numbers."""
    parts = line.decode("latin-1").rstrip().split(" ")
    if len(parts) != D + 1:
        return False
    try:
        [float(x) for x in parts[1:]]
    except ValueError:
        return False
    return True


def _looks_binary(head: bytes, D: int) -> bool:
    """Whether the start of the rows reads as a binary row: a word, a space and ``4 D`` raw bytes."""
    space = head.find(b" ")
    values = head[space + 1 : space + 1 + 4 * D] if space >= 0 else b""
    return len(values) == 4 * D and not set(values) <= _NUMBER_BYTES


def _read_text_rows(f, name, V, D, n, encoding, errors, head):
    keys: list[str] = []
    vectors = np.empty((n, D), dtype=np.float32)
    seen: dict[str, int] = {}

    def wrong_format() -> None:
        if _looks_binary(head, D):
            raise ValueError(
                f"{name}: binary=False, but the bytes after the header are not text rows (line 2 "
                "holds raw bytes, not decimal numbers): this looks like the binary format. "
                "Pass binary=True."
            )

    for i in range(n):
        lineno = i + 2
        line = f.readline()
        if not line:
            raise ValueError(f"{name}: the header says {V} rows but the file ends after {i}.")
        try:
            parts = line.decode(encoding, errors).rstrip().split(" ")
        except UnicodeDecodeError as exc:
            if i == 0:
                wrong_format()
            raise ValueError(
                f"{name}, line {lineno}: the bytes are not valid {encoding} ({exc.reason} at byte "
                f"{exc.start} of the line). Pass the file's 'encoding', or errors='replace' or "
                "'ignore' to read it anyway."
            ) from None
        if len(parts) != D + 1:
            if i == 0:
                wrong_format()
            raise ValueError(
                f"{name}, line {lineno}: expected a word and {D} numbers (the header "
                f"says D = {D}). Got {len(parts) - 1} numbers instead."
            )
        word = parts[0]
        if not word:
            raise ValueError(f"{name}, line {lineno}: the row starts with a space, so it has no word.")
        if word in seen:
            raise ValueError(f"{name}: the word {word!r} appears twice, on lines {seen[word]} and {lineno}.")
        seen[word] = lineno
        keys.append(word)
        try:
            vectors[i] = [float(x) for x in parts[1:]]
        except ValueError:
            if i == 0:
                wrong_format()
            raise ValueError(f"{name}, line {lineno}: a value of {word!r} is not a number.") from None
    return keys, vectors, lambda i: f"line {i + 2}"


def _read_binary_rows(f, name, V, D, n, encoding, errors, head):
    keys: list[str] = []
    vectors = np.empty((n, D), dtype=np.float32)
    seen: dict[str, int] = {}
    for i in range(n):
        word = _read_binary_word(f, name, i, V, encoding, errors)
        if word in seen:
            raise ValueError(f"{name}: the word {word!r} appears twice, in rows {seen[word]} and {i + 1}.")
        seen[word] = i + 1
        keys.append(word)
        raw = f.read(4 * D)
        if len(raw) < 4 * D:
            raise ValueError(
                f"{name}: truncated binary file: row {i + 1} of {V} ('{word}') has {len(raw)} of its {4 * D} bytes."
            )
        vectors[i] = np.frombuffer(raw, dtype="<f4")
    return keys, vectors, lambda i: f"row {i + 1}"


def _read_binary_word(f, name: str, i: int, V: int, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read bytes up to the space that ends a word (skipping word2vec.c's newline before it)."""
    chars = bytearray()
    while True:
        ch = f.read(1)
        if not ch:
            raise ValueError(
                f"{name}: truncated binary file: the header says {V} rows but the file ends in row {i + 1}."
            )
        if ch == b" ":
            break
        if ch == b"\n" and not chars:
            continue
        chars += ch
        if len(chars) > _MAX_WORD_BYTES:
            raise ValueError(
                f"{name}: row {i + 1} has no space within {_MAX_WORD_BYTES:,} bytes, so no word ends "
                "there (is this really the binary format?)."
            )
    try:
        word = chars.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: the word of row {i + 1} is not valid {encoding} ({exc.reason} at byte "
            f"{exc.start} of the word; is this really the binary format?). Pass the file's "
            "'encoding', or errors='replace' or 'ignore' to read it anyway."
        ) from None
    if not word:
        raise ValueError(f"{name}: row {i + 1} has an empty word.")
    return word

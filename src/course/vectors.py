"""Word vectors keyed by word: lookup and the word2vec file formats (I/O), neighbours by delegation.

A small container in the spirit of gensim's ``KeyedVectors``: the same attribute names
(``key_to_index``, ``index_to_key``, ``vectors``), the same ``most_similar`` semantics (computed
by :mod:`course.evaluation.neighbours`; ``analogy`` by :mod:`course.evaluation.analogies`, one
implementation for both APIs), and the two file formats of word2vec.c, which gensim and fastText
(its .vec files) also use:

* text: a header line ``"V D"``, then one line per word, ``word x_1 x_2 ... x_D``;
* binary: the same header, then per word ``word``, a space, ``D`` little-endian float32 values
  and (word2vec.c) a newline, which gensim omits; the reader accepts both.

>>> kv = KeyedVectors(["king", "queen", "man", "woman"],
...                   np.array([[1.0, 1.0], [1.0, -1.0], [0.9, 1.2], [0.9, -0.8]]))
>>> [(w, round(s, 4)) for w, s in kv.most_similar("king", topn=2)]
[('man', 0.9899), ('woman', 0.0587)]
>>> kv.analogy("man", "king", "woman")[0][0]       # man : king = woman : ?
'queen'

References
----------
.. [1] T. Mikolov, W. Yih, G. Zweig, "Linguistic Regularities in Continuous Space Word
   Representations", NAACL 2013 (the vector offset method, 3CosAdd).
.. [2] gensim ``KeyedVectors`` (``gensim/models/keyedvectors.py``), whose names this follows.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np

from course.base.cache import atomic_open
from course.base.validation import check_finite, check_int

__all__ = ["KeyedVectors", "unit_rows", "MAX_LOAD_BYTES"]

_OWNER = "KeyedVectors"


# ---------------------------------------------------------------------------- array helpers
def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero).

    Parameters
    ----------
    vectors : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (N, D), float32 unless the input is float64

    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    vectors = np.asarray(vectors)
    dtype = np.float64 if vectors.dtype == np.float64 else np.float32
    vectors = vectors.astype(dtype, copy=False)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


# ---------------------------------------------------------------------------- the container
class KeyedVectors:
    """Word vectors with a vocabulary: ``vectors[key_to_index[word]]`` is the vector of ``word``.

    Parameters
    ----------
    index_to_key : sequence of str of length V
        The words, in row order (frequency order for vectors a trainer returns; evaluation's
        ``restrict_vocab`` keeps the first rows).
    vectors : array-like of shape (V, D)
        One row per word; stored as given if already a float array (float32 recommended).
    counts : array-like of int, shape (V,), optional
        Corpus counts of the words.

    Attributes
    ----------
    index_to_key : list of str
    key_to_index : dict of str to int
    vectors : ndarray of shape (V, D)
    counts : ndarray of shape (V,) or None
    vector_size : int
        ``D``.

    Examples
    --------
    >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    >>> len(kv), kv.vector_size, "a" in kv, kv["b"].tolist()
    (2, 2, True, [0.0, 1.0])
    >>> kv["zebra"]
    Traceback (most recent call last):
    ...
    KeyError: "Word 'zebra' is not in the vocabulary of 2 words."
    """

    def __init__(self, index_to_key: Sequence[str], vectors, counts=None) -> None:
        if isinstance(index_to_key, str) or not isinstance(index_to_key, Iterable):
            raise TypeError(
                f"The 'index_to_key' parameter of {_OWNER} must be a sequence of str. "
                f"Got {type(index_to_key).__name__} instead."
            )
        index_to_key = list(index_to_key)
        for i, key in enumerate(index_to_key):
            if not isinstance(key, str) or not key:
                raise TypeError(
                    f"The 'index_to_key' parameter of {_OWNER} must hold non-empty str. "
                    f"Got {key!r} at index {i} instead."
                )
        key_to_index = {}
        for i, key in enumerate(index_to_key):
            if key in key_to_index:
                raise ValueError(
                    f"The 'index_to_key' parameter of {_OWNER} must hold distinct words. "
                    f"Got {key!r} at indices {key_to_index[key]} and {i} instead."
                )
            key_to_index[key] = i
        vectors = np.asarray(vectors)
        if not np.issubdtype(vectors.dtype, np.floating):
            vectors = vectors.astype(np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(
                f"The 'vectors' parameter of {_OWNER} must have shape (V, D) with "
                f"V = len(index_to_key) = {len(index_to_key)}. Got shape {vectors.shape} instead."
            )
        check_finite(vectors, "vectors", _OWNER, labels=index_to_key)
        if counts is not None:
            counts = np.asarray(counts)
            if counts.shape != (len(index_to_key),) or not np.issubdtype(counts.dtype, np.integer):
                raise ValueError(
                    f"The 'counts' parameter of {_OWNER} must be an int array of shape "
                    f"({len(index_to_key)},). Got shape {counts.shape} and dtype {counts.dtype} instead."
                )
        self.index_to_key = index_to_key
        self.key_to_index = key_to_index
        self.vectors = vectors
        self.counts = counts

    # ------------------------------------------------------------------ lookup
    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key) -> bool:
        return key in self.key_to_index

    def get_index(self, key: str) -> int:
        """Row of ``key``; ``KeyError`` naming the word if it is unknown."""
        try:
            return self.key_to_index[key]
        except (KeyError, TypeError):
            raise KeyError(f"Word {key!r} is not in the vocabulary of {len(self)} words.") from None

    def __getitem__(self, key):
        """The vector of a word (D,), or of a list of words (n, D)."""
        if isinstance(key, str):
            return self.vectors[self.get_index(key)]
        return self.vectors[[self.get_index(k) for k in key]]

    def get_normed_vectors(self) -> np.ndarray:
        """All vectors scaled to unit norm, shape (V, D) (recomputed on each call)."""
        return unit_rows(self.vectors)

    def __repr__(self) -> str:
        return f"KeyedVectors(vocab_size={len(self)}, vector_size={self.vector_size})"

    # ------------------------------------------------------------------ similarity
    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words.

        >>> kv = KeyedVectors(["x", "y"], np.array([[1.0, 0.0], [1.0, 1.0]]))
        >>> round(kv.similarity("x", "y"), 4)
        0.7071
        """
        a, b = unit_rows(self[[w1, w2]])
        return float(a @ b)

    def most_similar(
        self, positive, negative=(), topn: int = 10, exclude: Iterable[str] = (), restrict_vocab: int | None = None
    ) -> list[tuple[str, float]]:
        """Words closest by cosine to ``sum(positive) - sum(negative)`` of unit vectors.

        :func:`course.evaluation.most_similar` on these vectors (one implementation of the
        neighbour search; its error messages name this method).

        Parameters
        ----------
        positive : str, ndarray of shape (D,), or list of them
            Words (or vectors) to add. Query *words* are excluded from the answer (gensim).
        negative : str, ndarray of shape (D,), or list of them, default=()
            Words (or vectors) to subtract.
        topn : int, default=10
        exclude : iterable of str, default=()
            More words never returned.
        restrict_vocab : int, optional
            Search only the first ``restrict_vocab`` rows (the most frequent words).

        Returns
        -------
        list of (str, float)
            ``topn`` pairs (word, cosine), best first; ties go to the smaller row.
        """
        from .evaluation.neighbours import search  # evaluation builds on this module: import at call time

        return search(
            self,
            positive,
            negative,
            topn,
            list(exclude),
            restrict_vocab,
            owner=f"{_OWNER}.most_similar",
            name="vectors",
        )

    def analogy(
        self, a: str, b: str, c: str, topn: int = 1, restrict_vocab: int | None = None, method: str = "3cosadd"
    ) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ``?``: :func:`course.evaluation.solve_analogy` on these vectors.

        3CosAdd (the default) ranks the words like the cosine to ``b - a + c``; ``"3cosmul"`` is
        Levy and Goldberg's multiplicative objective. The three query words are excluded (as in
        Mikolov et al. 2013 and gensim); the scores are the objective's (3CosAdd: the sum of the
        three cosines).
        """
        from .evaluation.analogies import solve  # evaluation builds on this module: import at call time

        return solve(self, a, b, c, topn, method, restrict_vocab, owner=f"{_OWNER}.analogy", name="vectors")

    # ------------------------------------------------------------------ file formats
    def save_word2vec_format(self, path, binary: bool = False) -> None:
        """Write the word2vec.c text (``binary=False``) or binary format.

        Text values use 9 significant digits, enough to read float32 back bit for bit.
        Words must not contain whitespace (the format separates by spaces). The file is written
        to a temporary file next to ``path`` and renamed, so a failure never leaves a partial file.
        """
        if not isinstance(binary, bool):
            raise TypeError(
                f"The 'binary' parameter of {_OWNER}.save_word2vec_format must be a bool. "
                f"Got {binary!r} ({type(binary).__name__}) instead."
            )
        for key in self.index_to_key:
            if any(ch.isspace() for ch in key):
                raise ValueError(f"Word {key!r} contains whitespace and cannot be written in the word2vec format.")
        vectors = np.asarray(self.vectors, dtype=np.float32)
        V, D = vectors.shape
        with atomic_open(path, "wb") as f:
            f.write(f"{V} {D}\n".encode())
            if binary:
                data = vectors.astype("<f4")
                for key, row in zip(self.index_to_key, data):
                    f.write(key.encode("utf-8") + b" " + row.tobytes() + b"\n")
            else:
                for key, row in zip(self.index_to_key, vectors):
                    f.write((key + " " + " ".join(f"{x:.9g}" for x in row.tolist()) + "\n").encode("utf-8"))

    @classmethod
    def load_word2vec_format(
        cls, path, binary: bool = False, limit: int | None = None, encoding: str = "utf-8", errors: str = "strict"
    ) -> KeyedVectors:
        """Read the word2vec.c text or binary format (ours, word2vec.c's or gensim's files).

        Parameters
        ----------
        path : str or path-like
        binary : bool, default=False
        limit : int, optional
            Read only the first ``limit`` words (the most frequent, in word2vec.c's files).
        encoding : str, default="utf-8"
            The encoding of the words (gensim's parameter).
        errors : str, default="strict"
            What to do with bytes that are not valid in ``encoding``: ``"strict"`` raises naming
            the line, ``"replace"`` or ``"ignore"`` read on (as in :meth:`bytes.decode`; gensim's
            parameter too).

        Raises
        ------
        ValueError
            The header is not ``"V D"``; the header asks for more memory than
            :data:`MAX_LOAD_BYTES`, or for more rows than the file can hold; a row does not hold
            ``D`` numbers or holds nan or inf; a word repeats; the file holds fewer or more rows
            than the header says; the bytes do not decode; the file is in the other format
            (binary read as text, or text read as binary). Every message names the file and the
            line (text) or row (binary).
        """
        owner = f"{_OWNER}.load_word2vec_format"
        if not isinstance(binary, bool):
            raise TypeError(
                f"The 'binary' parameter of {owner} must be a bool. Got {binary!r} ({type(binary).__name__}) instead."
            )
        if limit is not None:
            limit = check_int(limit, "limit", owner, low=1)
        _check_codec(encoding, errors, owner)
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
        return cls(keys, vectors)


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


def _check_codec(encoding, errors, owner: str) -> None:
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

"""Word vectors keyed by word: lookup, neighbours by delegation, the word2vec file formats.

A small container in the spirit of gensim's ``KeyedVectors``: the same attribute names
(``key_to_index``, ``index_to_key``, ``vectors``), the same ``most_similar`` semantics (computed
by :mod:`course.evaluation.neighbours`; ``analogy`` by :mod:`course.evaluation.analogies`, one
implementation for both APIs), and the two file formats of word2vec.c, which gensim and fastText
(its .vec files) also use (read and written by :mod:`course.vectors.word2vec_format`):

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

from collections.abc import Iterable, Sequence

import numpy as np

from ..base.validation import check_finite, check_int
from .word2vec_format import MAX_LOAD_BYTES, check_codec, read_word2vec_format, write_word2vec_format

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
        from ..evaluation.neighbours import search  # evaluation builds on this module: import at call time

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
        from ..evaluation.analogies import solve  # evaluation builds on this module: import at call time

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
        write_word2vec_format(path, self.index_to_key, self.vectors, binary)

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
        check_codec(encoding, errors, owner)
        keys, vectors = read_word2vec_format(path, binary, limit, encoding, errors)
        return cls(keys, vectors)

"""The Huffman tree behind hierarchical softmax, built exactly as word2vec.c builds it.

Hierarchical softmax (Morin and Bengio 2005; Mnih and Hinton 2009) replaces the V-way softmax by a walk down a binary
tree whose leaves are the words: ``P(w | h)`` is a product of one sigmoid per inner node on the
path from the root to ``w``. Mikolov et al. (2013b) use a Huffman tree, so frequent
words get short paths and training costs about ``log2(V)`` (in fact the unigram entropy) dot
products per prediction instead of ``V``.

>>> tree = HuffmanTree([5, 3, 2, 1])
>>> [c.tolist() for c in tree.codes]
[[0], [1, 1], [1, 0, 1], [1, 0, 0]]
>>> [p.tolist() for p in tree.points]
[[2], [2, 1], [2, 1, 0], [2, 1, 0]]

References
----------
.. [1] T. Mikolov et al., "Distributed Representations of Words and Phrases and their
   Compositionality", NIPS 2013, section 2.1 and equation (3).
.. [2] word2vec.c (https://github.com/tmikolov/word2vec), functions ``CreateBinaryTree`` and
   ``TrainModelThread``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["HuffmanTree"]

_OWNER = "HuffmanTree"
_INT64_MAX = int(np.iinfo(np.int64).max)


def _validate_counts(counts) -> np.ndarray:
    """Return ``counts`` as a 1-D int64 or float64 array of positive finite numbers, else raise."""
    if isinstance(counts, (str, bytes)) or not hasattr(counts, "__len__"):
        raise TypeError(
            f"The 'counts' parameter of {_OWNER} must be a 1-D sequence of positive numbers. "
            f"Got {counts!r} ({type(counts).__name__}) instead."
        )
    arr = np.asarray(counts)
    if arr.ndim != 1:
        raise ValueError(
            f"The 'counts' parameter of {_OWNER} must be a 1-D sequence of positive numbers. "
            f"Got an array of shape {arr.shape} instead."
        )
    if len(arr) < 2:
        raise ValueError(
            f"The 'counts' parameter of {_OWNER} must hold at least 2 words (a tree needs two "
            f"leaves). Got {len(arr)} instead."
        )
    if arr.dtype == object:  # e.g. Python ints too large for any NumPy integer type
        values = arr.tolist()
        i = next(
            (i for i, x in enumerate(values) if isinstance(x, numbers.Integral) and abs(int(x)) > _INT64_MAX), None
        )
        if i is not None:
            raise ValueError(
                f"The 'counts' parameter of {_OWNER} must hold counts that fit in int64. "
                f"Got {values[i]} at index {i} instead."
            )
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(
            f"The 'counts' parameter of {_OWNER} must be a 1-D sequence of positive numbers. "
            f"Got dtype {arr.dtype} instead."
        )
    if np.issubdtype(arr.dtype, np.unsignedinteger) and int(arr.max()) > _INT64_MAX:
        i = int(arr.argmax())
        raise ValueError(
            f"The 'counts' parameter of {_OWNER} must hold counts that fit in int64. "
            f"Got {int(arr[i])} at index {i} instead."
        )
    arr = arr.astype(np.int64 if np.issubdtype(arr.dtype, np.integer) else np.float64)
    bad = np.flatnonzero(~np.isfinite(arr) | (arr <= 0))
    if len(bad):
        i = int(bad[0])
        raise ValueError(
            f"The 'counts' parameter of {_OWNER} must hold positive finite numbers. "
            f"Got {arr[i].item()!r} at index {i} instead."
        )
    # Inner nodes hold sums of counts, up to the total at the root: it must be representable
    # (int64 sums wrap around silently; float64 sums overflow to inf).
    with np.errstate(over="ignore"):
        total = sum(arr.tolist()) if arr.dtype == np.int64 else float(np.sum(arr))  # Python ints: exact
    if (arr.dtype == np.int64 and total >= _INT64_MAX) or not math.isfinite(total):  # max: the sentinel
        kind = "int64" if arr.dtype == np.int64 else "float64"
        raise ValueError(
            f"The 'counts' parameter of {_OWNER} must sum to a number that fits in {kind} (the root of the "
            f"tree holds the total). Got a total of {total:.6g} instead."
        )
    return arr


class HuffmanTree:
    """Binary Huffman tree over a vocabulary, with word2vec.c's node numbering and codes.

    The tree has ``V`` leaves (the words, node ids ``0 .. V-1`` in the order of ``counts``) and
    ``V - 1`` inner nodes (node ids ``V .. 2V-2`` in the order they were created, so the root is
    ``2V - 2``). An inner node's *inner index* is ``node_id - V`` (``0 .. V-2``, root ``V-2``):
    it is the row of its vector in the ``(V - 1, D)`` matrix of inner-node vectors (``syn1`` in
    word2vec.c).

    The tree is a pure function of the counts and has no hyperparameters, so it is built in the
    constructor (like :class:`scipy.spatial.cKDTree`) rather than through ``fit``.

    Parameters
    ----------
    counts : array-like of shape (V,)
        Positive word counts, ``V >= 2``. word2vec.c expects them sorted in decreasing order
        (its vocabulary is); if they are not, they are sorted here with a *stable* sort first,
        so the result for sorted input is exactly word2vec.c's.

    Attributes
    ----------
    vocab_size : int
        ``V``.
    counts : ndarray of shape (V,)
        The counts, as given (int64 or float64).
    codes : list of V ndarrays of uint8
        ``codes[w][j]`` is the branch (0 or 1) taken at the ``j``-th inner node on the path from
        the root to word ``w``; root first, as word2vec.c stores ``vocab[w].code``.
    points : list of V ndarrays of int64
        ``points[w][j]`` is the inner index (``0 .. V-2``) of the ``j``-th inner node on that
        path; ``points[w][0] == V - 2`` (the root) for every word. ``len(points[w]) ==
        len(codes[w])``.
    code_lengths : ndarray of shape (V,)
        ``len(codes[w])``, the depth of each leaf.
    parent : ndarray of shape (2V - 1,)
        Parent node id of every node (``-1`` for the root).
    branch : ndarray of shape (2V - 1,)
        The code bit of the edge from each node to its parent (``binary`` in word2vec.c; 0 for
        the root).
    node_counts : ndarray of shape (2V - 1,)
        Count of every node: leaves their word count, inner nodes the sum over their leaves.

    Notes
    -----
    **Construction.** word2vec.c's ``CreateBinaryTree`` avoids a priority queue. The leaves are
    sorted by decreasing count, so the rarest unused leaf is found by a pointer ``pos1`` moving
    left from ``V - 1``; inner nodes are created with non-decreasing counts, so the smallest
    unused inner node is found by a pointer ``pos2`` moving right from ``V``. Each of the
    ``V - 1`` steps takes the smaller of the two candidates twice (``min1``, then ``min2``),
    creates their parent with the summed count, and sets ``binary[min1] = 0``,
    ``binary[min2] = 1``. That is Huffman's algorithm in O(V) after the sort.

    **Where it differs from a textbook Huffman code.**

    * Ties: word2vec.c compares ``count[pos1] < count[pos2]`` strictly, so on a tie between a
      leaf and an inner node it takes the *inner node*. A heap-based textbook implementation
      breaks ties in whatever order the heap yields. Every tie rule gives an optimal code (the
      same count-weighted mean code length), but individual codes, and the maximum depth, can
      differ; minimum-variance Huffman coding prefers the leaf, word2vec.c does the opposite.
    * Bit labels: the smaller child (``min1``) gets bit 0, the larger or equal one (``min2``)
      bit 1. Textbooks often say "left = 0" without tying it to the counts.
    * The input is assumed sorted; word2vec.c does not check (its vocabulary keeps ``</s>`` at
      index 0 whatever its count). This class sorts stably instead of building a wrong tree.
    * word2vec.c stores codes in fixed arrays of ``MAX_CODE_LENGTH = 40`` and would overflow on a
      deeper tree (counts growing like the Fibonacci numbers); here codes have any length.
    * Points: word2vec.c's ``point`` array has one more entry, ``point[codelen] = w - V`` (a
      negative leftover, never read); ``points`` here keeps only the ``codelen`` inner nodes.

    **Probability and sign convention.** For a hidden vector ``h`` (the input word vector in
    Skip-gram, the context sum or mean in CBOW) and inner-node vectors ``u_n``, word2vec.c trains
    the node ``n = points[w][j]`` with target label ``1 - codes[w][j]``
    (``g = (1 - code[d] - f) * alpha`` with ``f = sigma(h . u_n)``). The model it fits is
    therefore

    .. math::

        P(w \\mid h) = \\prod_{j=0}^{L_w - 1} \\sigma\\big((1 - 2\\,c_{w,j})\\; u_{n_{w,j}}^\\top h\\big),

    bit 0 means "sigma(+x)" and bit 1 "sigma(-x)". This is equation (3) of Mikolov et al. (2013b)
    with the paper's ``[[n(w, j+1) = ch(n(w, j))]]`` (+1 if the path goes to the fixed child
    ``ch``, else -1): ``ch`` is the bit-0 child. Because ``sigma(x) + sigma(-x) = 1`` at every
    inner node, the probabilities of all leaves sum to one (:meth:`word_probabilities`).

    Examples
    --------
    >>> tree = HuffmanTree([4, 2, 1, 1])
    >>> tree.code_lengths.tolist(), tree.max_code_length
    ([1, 2, 3, 3], 3)
    >>> round(tree.weighted_mean_code_length, 4)    # 4*1 + 2*2 + 1*3 + 1*3 over 8
    1.75
    >>> HuffmanTree([3])
    Traceback (most recent call last):
    ...
    ValueError: The 'counts' parameter of HuffmanTree must hold at least 2 words (a tree needs two leaves). Got 1 instead.
    """

    def __init__(self, counts) -> None:
        counts = _validate_counts(counts)
        V = len(counts)
        self.vocab_size = V
        self.counts = counts

        # word2vec.c assumes decreasing counts; a stable sort leaves sorted input untouched.
        order = np.argsort(-counts, kind="stable")  # (V,) sorted position -> word id
        n_nodes = 2 * V - 1
        count = np.empty(2 * V, dtype=counts.dtype)  # the C code's count[], sorted leaves
        count[:V] = counts[order]
        count[V:] = np.iinfo(np.int64).max if counts.dtype == np.int64 else np.inf  # "1e15"
        binary = np.zeros(2 * V, dtype=np.uint8)
        parent = np.full(2 * V, -1, dtype=np.int64)
        cnt = count.tolist()  # Python scalars: fast loop
        pos1, pos2 = V - 1, V
        for a in range(V - 1):
            mins = []
            for _ in range(2):  # min1i, then min2i
                if pos1 >= 0 and cnt[pos1] < cnt[pos2]:  # strict: ties go to the inner node
                    mins.append(pos1)
                    pos1 -= 1
                else:
                    mins.append(pos2)
                    pos2 += 1
            min1, min2 = mins
            cnt[V + a] = cnt[min1] + cnt[min2]
            parent[min1] = parent[min2] = V + a
            binary[min2] = 1  # binary[min2i] = 1 in word2vec.c

        # Map sorted leaf positions back to word ids; inner node ids do not move.
        self.parent = np.empty(n_nodes, dtype=np.int64)
        self.branch = np.empty(n_nodes, dtype=np.uint8)
        self.node_counts = np.empty(n_nodes, dtype=counts.dtype)
        self.parent[order] = parent[:V]
        self.branch[order] = binary[:V]
        self.node_counts[order] = count[:V]
        self.parent[V:] = parent[V:n_nodes]
        self.branch[V:] = binary[V:n_nodes]
        self.node_counts[V:] = np.asarray(cnt[V:n_nodes], dtype=counts.dtype)
        self.parent[n_nodes - 1] = -1
        self.branch[n_nodes - 1] = 0

        # Codes and points root-first. Walk the nodes top-down (a parent has a larger id than its
        # children), each node extending its parent's path: O(sum of depths) list work.
        root = n_nodes - 1
        path_codes: list[list[int] | None] = [None] * n_nodes
        path_points: list[list[int] | None] = [None] * n_nodes
        path_codes[root], path_points[root] = [], []
        par, br = self.parent.tolist(), self.branch.tolist()
        for node in range(root - 1, -1, -1):
            p = par[node]
            path_codes[node] = path_codes[p] + [br[node]]
            path_points[node] = path_points[p] + [p - V]
        self.codes = [np.array(path_codes[w], dtype=np.uint8) for w in range(V)]
        self.points = [np.array(path_points[w], dtype=np.int64) for w in range(V)]
        self.code_lengths = np.array([len(c) for c in path_codes[:V]], dtype=np.int64)

    # ------------------------------------------------------------------ statistics
    @property
    def mean_code_length(self) -> float:
        """Unweighted mean depth of the leaves (each word counted once)."""
        return float(self.code_lengths.mean())

    @property
    def weighted_mean_code_length(self) -> float:
        """Mean depth weighted by the counts: the expected number of sigmoids per training token.

        Huffman's theorem bounds it by the unigram entropy ``H <= L < H + 1``
        (:attr:`unigram_entropy`).
        """
        p = self.counts / self.counts.sum()
        return float(np.dot(p, self.code_lengths))

    @property
    def max_code_length(self) -> int:
        """Depth of the deepest leaf."""
        return int(self.code_lengths.max())

    @property
    def unigram_entropy(self) -> float:
        """Entropy of the unigram distribution ``counts / counts.sum()``, in bits."""
        p = self.counts / self.counts.sum()
        return float(-(p * np.log2(p)).sum())

    # ------------------------------------------------------------------ padded views
    def padded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Codes and points as rectangular arrays, for vectorised (batched) code.

        Returns
        -------
        codes : ndarray of shape (V, L) of uint8
            ``codes[w, j]`` for ``j < code_lengths[w]``, 0 after.
        points : ndarray of shape (V, L) of int64
            ``points[w, j]`` for ``j < code_lengths[w]``, 0 after (a valid row, masked out).
        mask : ndarray of shape (V, L) of bool
            True where ``j < code_lengths[w]``. ``L = max_code_length``.

        Examples
        --------
        >>> codes, points, mask = HuffmanTree([4, 2, 1, 1]).padded()
        >>> codes.tolist(), mask.sum(axis=1).tolist()
        ([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], [1, 2, 3, 3])
        """
        V, L = self.vocab_size, self.max_code_length
        mask = np.arange(L)[None, :] < self.code_lengths[:, None]  # (V, L)
        codes = np.zeros((V, L), dtype=np.uint8)
        points = np.zeros((V, L), dtype=np.int64)
        codes[mask] = np.concatenate(self.codes)
        points[mask] = np.concatenate(self.points)
        return codes, points, mask

    # ------------------------------------------------------------------ probabilities
    def _check_inputs(self, hidden, node_vectors) -> tuple[np.ndarray, np.ndarray]:
        node_vectors = np.asarray(node_vectors, dtype=np.float64)
        hidden = np.asarray(hidden, dtype=np.float64)
        if node_vectors.ndim != 2 or node_vectors.shape[0] != self.vocab_size - 1:
            raise ValueError(
                f"The 'node_vectors' parameter of {_OWNER} must have shape (V - 1, D) = "
                f"({self.vocab_size - 1}, D). Got shape {node_vectors.shape} instead."
            )
        if hidden.ndim not in (1, 2) or hidden.shape[-1] != node_vectors.shape[1]:
            raise ValueError(
                f"The 'hidden' parameter of {_OWNER} must have shape (D,) or (B, D) with "
                f"D = {node_vectors.shape[1]}. Got shape {hidden.shape} instead."
            )
        return hidden, node_vectors

    def log_prob(self, word: int, hidden, node_vectors) -> float:
        """``log P(word | hidden)`` by walking the path: a sum of ``log sigma`` terms.

        Parameters
        ----------
        word : int
            Word id in ``[0, V)``.
        hidden : array-like of shape (D,)
            The hidden vector ``h``.
        node_vectors : array-like of shape (V - 1, D)
            Inner-node vectors ``u_n`` (rows indexed by inner index).

        Returns
        -------
        float
            ``sum_j log sigma((1 - 2 c_j) u_{n_j} . h)``.
        """
        word = _check_word(word, self.vocab_size)
        hidden, node_vectors = self._check_inputs(hidden, node_vectors)
        if hidden.ndim != 1:
            raise ValueError(
                f"The 'hidden' parameter of {_OWNER}.log_prob must have shape (D,). Got shape {hidden.shape} instead."
            )
        scores = node_vectors[self.points[word]] @ hidden  # (L_w,)
        signs = 1.0 - 2.0 * self.codes[word]  # bit 0 -> +1, bit 1 -> -1
        return float(-np.logaddexp(0.0, -signs * scores).sum())  # log sigma(x) = -log(1+e^-x)

    def word_log_probabilities(self, hidden, node_vectors) -> np.ndarray:
        """``log P(w | hidden)`` for every word at once.

        Parameters
        ----------
        hidden : array-like of shape (D,) or (B, D)
        node_vectors : array-like of shape (V - 1, D)

        Returns
        -------
        ndarray of shape (V,) or (B, V)
            Each row's exponentials sum to one.
        """
        hidden, node_vectors = self._check_inputs(hidden, node_vectors)
        codes, points, mask = self.padded()
        scores = np.atleast_2d(hidden) @ node_vectors.T  # (B, V-1)
        path = scores[:, points]  # (B, V, L)
        signs = 1.0 - 2.0 * codes  # (V, L)
        logp = (-np.logaddexp(0.0, -signs * path) * mask).sum(axis=-1)  # (B, V)
        return logp[0] if hidden.ndim == 1 else logp

    def word_probabilities(self, hidden, node_vectors) -> np.ndarray:
        """``P(w | hidden)`` for every word; see :meth:`word_log_probabilities`.

        >>> rng = np.random.default_rng(0)
        >>> tree = HuffmanTree([50, 20, 10, 5, 5, 1])
        >>> p = tree.word_probabilities(rng.normal(size=3), rng.normal(size=(5, 3)))
        >>> p.shape, bool(np.isclose(p.sum(), 1.0))
        ((6,), True)
        """
        return np.exp(self.word_log_probabilities(hidden, node_vectors))

    def __repr__(self) -> str:
        return (
            f"HuffmanTree(vocab_size={self.vocab_size}, max_code_length={self.max_code_length}, "
            f"weighted_mean_code_length={self.weighted_mean_code_length:.4g})"
        )


def _check_word(word, V: int) -> int:
    if isinstance(word, bool) or not isinstance(word, numbers.Integral):
        raise TypeError(
            f"The 'word' parameter of {_OWNER} must be an int in the range [0, {V - 1}]. "
            f"Got {word!r} ({type(word).__name__}) instead."
        )
    if not 0 <= word < V:
        raise ValueError(
            f"The 'word' parameter of {_OWNER} must be an int in the range [0, {V - 1}]. Got {word!r} instead."
        )
    return int(word)

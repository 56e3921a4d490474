"""The cost model of Mikolov et al. (2013a): Q per training example and O = E x T x Q.

Section 2 of "Efficient Estimation of Word Representations in Vector Space" compares
architectures by one number, the training complexity

.. math::

    O = E \\times T \\times Q,

with ``E`` the number of epochs, ``T`` the number of training words and ``Q`` the cost of one
training example, "defined further for each model architecture". Q counts the multiply-adds
of the dense products (and the copied numbers of the projection layer); it leaves out biases,
nonlinearities, the softmax normalisation and the gradient (the backward pass costs a constant
factor more, about 2x, and does not change which architecture is cheaper). Each function here
returns Q as a :class:`Cost`: a list of :class:`Term` objects that carry the term's name, its
LaTeX and its value, so a chapter can render the formula and the number from one place
(:mod:`course.complexity.terms`).

================  ===========================================  ===============================
architecture      Q (paper)                                    where
================  ===========================================  ===============================
NNLM              N x D + N x D x H + H x V                    2013a eq. (2); Bengio et al. 2003
RNNLM             H x H + H x V                                2013a eq. (3); Mikolov et al. 2010
CBOW              N x D + D x log2 V                           2013a eq. (4)
Skip-gram         C x (D + D x log2 V)                         2013a eq. (5)
================  ===========================================  ===============================

The output factor (``V`` for a full softmax) becomes ``log2 V`` with hierarchical softmax
(Morin and Bengio 2005) and ``k + 1`` with negative sampling (Mikolov et al. 2013b).

>>> q = nnlm_cost(N=10, D=50, H=500, V=10**6, output="hs")
>>> q.latex()
'Q = N \\\\times D + N \\\\times D \\\\times H + H \\\\times \\\\log_2 V'
>>> q.dominant().name, round(q.share("hidden"), 3)
('hidden', 0.96)

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013, section 2 and 3.
.. [2] T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, "Distributed Representations of
   Words and Phrases and their Compositionality", NIPS 2013, section 2.2.
"""

from __future__ import annotations

import math

from ..base.notebook import sig  # noqa: F401  (the doctests use it)
from ..base.validation import check_choice, check_float, check_int
from .terms import Cost, Term

__all__ = [
    "OUTPUTS",
    "Term",
    "Cost",
    "output_factor",
    "nnlm_cost",
    "rnnlm_cost",
    "cbow_cost",
    "skipgram_cost",
    "cost",
    "training_cost",
    "training_days",
]

#: Output layers: full softmax over V words, hierarchical softmax, negative sampling.
OUTPUTS = ("softmax", "hs", "ns")

_OUTPUT_LATEX = {"softmax": "V", "hs": r"\log_2 V", "ns": "(k + 1)"}


def output_factor(
    V: int, output: str = "softmax", negative: int = 5, code_length: float | None = None, owner: str = "output_factor"
) -> float:
    """How many output vectors one prediction touches: ``V``, ``log2 V`` or ``k + 1``.

    Parameters
    ----------
    V : int
        Vocabulary size, ``V >= 2``.
    output : {"softmax", "hs", "ns"}, default="softmax"
    negative : int, default=5
        ``k``, the number of negative samples (``output="ns"`` only).
    code_length : float or None, default=None
        For ``output="hs"``: the path length to use instead of ``log2 V``, e.g. the mean code
        length of a real Huffman tree (:attr:`HuffmanTree.weighted_mean_code_length`), which is
        close to the unigram entropy, i.e. ``log2`` of the unigram perplexity (2013a, sec. 2.1).

    Returns
    -------
    float

    Examples
    --------
    >>> output_factor(1024, "hs"), output_factor(1024, "ns", negative=5), output_factor(1024)
    (10.0, 6.0, 1024.0)
    """
    V = check_int(V, "V", owner, low=2)
    output = check_choice(output, "output", owner, OUTPUTS)
    if output == "softmax":
        return float(V)
    if output == "ns":
        return float(check_int(negative, "negative", owner, low=1) + 1)
    if code_length is None:
        return math.log2(V)
    return check_float(code_length, "code_length", owner, low=1.0)


def _output_latex(output: str, code_length: float | None) -> str:
    if output == "hs" and code_length is not None:
        return r"\bar L"
    return _OUTPUT_LATEX[output]


def _times(*factors: str) -> str:
    return r" \times ".join(factors)


def nnlm_cost(
    N: int, D: int, H: int, V: int, output: str = "softmax", negative: int = 5, code_length: float | None = None
) -> Cost:
    """Q of the feedforward NNLM (Bengio et al. 2003; Mikolov et al. 2013a, eq. 2).

    ``N`` previous words are looked up (``N x D`` numbers form the projection layer ``P``), a
    ``(N D) x H`` matrix maps ``P`` to the hidden layer, and an ``H x V`` matrix maps the hidden
    layer to the output scores.

    Parameters
    ----------
    N : int
        Context size (previous words).
    D : int
        Word vector size; the paper's projection layer has ``P = N x D`` units.
    H : int
        Hidden layer size.
    V : int
        Vocabulary size.
    output, negative, code_length
        See :func:`output_factor`.

    Returns
    -------
    Cost
        Terms ``projection`` (``N x D``, lookup), ``hidden`` (``N x D x H``), ``output``
        (``H x V``, ``H x log2 V`` or ``H x (k + 1)``).

    Examples
    --------
    >>> nnlm_cost(N=10, D=50, H=500, V=10**6).total
    500250500.0
    """
    owner = "nnlm_cost"
    N, D, H = (check_int(v, name, owner, low=1) for v, name in ((N, "N"), (D, "D"), (H, "H")))
    f = output_factor(V, output, negative, code_length, owner)
    out = _output_latex(output, code_length)
    terms = (
        Term("projection", _times("N", "D"), float(N * D), "lookup"),
        Term("hidden", _times("N", "D", "H"), float(N * D * H)),
        Term("output", _times("H", out), H * f),
    )
    return Cost("NNLM", output, terms, " + ".join(t.latex for t in terms))


def rnnlm_cost(H: int, V: int, output: str = "softmax", negative: int = 5, code_length: float | None = None) -> Cost:
    """Q of the recurrent LM (Mikolov et al. 2010; 2013a, eq. 3): ``H x H + H x V``.

    The input word selects one column of the input matrix (word vectors have the size ``H`` of
    the hidden layer), so the input costs ``H`` additions and the formula drops it; the
    recurrent matrix costs ``H x H`` and the output matrix ``H x V``.

    Parameters
    ----------
    H : int
        Hidden (= word vector) size.
    V : int
        Vocabulary size.
    output, negative, code_length
        See :func:`output_factor`.

    Returns
    -------
    Cost
        Terms ``hidden`` (``H x H``, the recurrent matrix) and ``output``.

    Examples
    --------
    >>> rnnlm_cost(H=500, V=10**6, output="hs").dominant().name
    'hidden'
    """
    owner = "rnnlm_cost"
    H = check_int(H, "H", owner, low=1)
    f = output_factor(V, output, negative, code_length, owner)
    terms = (
        Term("hidden", _times("H", "H"), float(H * H)),
        Term("output", _times("H", _output_latex(output, code_length)), H * f),
    )
    return Cost("RNNLM", output, terms, " + ".join(t.latex for t in terms))


def cbow_cost(N: int, D: int, V: int, output: str = "hs", negative: int = 5, code_length: float | None = None) -> Cost:
    """Q of CBOW (2013a, eq. 4): ``N x D + D x log2 V``.

    ``N`` context words (the paper's best: 4 before and 4 after) are looked up and averaged
    into one ``D``-vector (no hidden layer), which is scored against the output vectors.

    Parameters
    ----------
    N : int
        Number of context words.
    D : int
        Word vector size.
    V : int
        Vocabulary size.
    output, negative, code_length
        See :func:`output_factor`. The default is the paper's hierarchical softmax.

    Returns
    -------
    Cost
        Terms ``projection`` (``N x D``, lookup) and ``output``.

    Examples
    --------
    >>> cbow_cost(N=8, D=300, V=10**6, output="ns", negative=5).latex()
    'Q = N \\\\times D + D \\\\times (k + 1)'
    """
    owner = "cbow_cost"
    N, D = (check_int(v, name, owner, low=1) for v, name in ((N, "N"), (D, "D")))
    f = output_factor(V, output, negative, code_length, owner)
    terms = (
        Term("projection", _times("N", "D"), float(N * D), "lookup"),
        Term("output", _times("D", _output_latex(output, code_length)), D * f),
    )
    return Cost("CBOW", output, terms, " + ".join(t.latex for t in terms))


def skipgram_cost(
    C: int, D: int, V: int, output: str = "hs", negative: int = 5, code_length: float | None = None
) -> Cost:
    """Q of Skip-gram (2013a, eq. 5): ``C x (D + D x log2 V)``.

    Each of ``C`` context predictions looks up one ``D``-vector and scores it against the output
    vectors. (word2vec draws a window ``R`` in ``1..C`` and predicts ``2R`` words, ``C + 1`` on
    average; the paper rounds that to ``C``.)

    Parameters
    ----------
    C : int
        Maximum distance of the context words (the paper uses ``C = 10``).
    D : int
        Word vector size.
    V : int
        Vocabulary size.
    output, negative, code_length
        See :func:`output_factor`.

    Returns
    -------
    Cost
        Terms ``projection`` (``C x D``, lookup) and ``output`` (``C x D x log2 V``, ...).

    Examples
    --------
    >>> q = skipgram_cost(C=10, D=300, V=10**6)
    >>> q.latex(expanded=False), sig(q.total)
    ('Q = C \\\\times (D + D \\\\times \\\\log_2 V)', '6.279e+04')
    """
    owner = "skipgram_cost"
    C, D = (check_int(v, name, owner, low=1) for v, name in ((C, "C"), (D, "D")))
    f = output_factor(V, output, negative, code_length, owner)
    out = _output_latex(output, code_length)
    terms = (
        Term("projection", _times("C", "D"), float(C * D), "lookup"),
        Term("output", _times("C", "D", out), C * D * f),
    )
    return Cost("Skip-gram", output, terms, rf"C \times (D + D \times {out})")


_BUILDERS = {"NNLM": nnlm_cost, "RNNLM": rnnlm_cost, "CBOW": cbow_cost, "Skip-gram": skipgram_cost}


def cost(architecture: str, **sizes) -> Cost:
    """Q of ``architecture`` (``"NNLM"``, ``"RNNLM"``, ``"CBOW"``, ``"Skip-gram"``).

    Keyword arguments the architecture does not use (e.g. ``H`` for CBOW) are ignored, so one
    dictionary of sizes can drive every architecture (the chapter's calculator does this).

    Examples
    --------
    >>> sizes = dict(N=8, C=10, D=300, H=500, V=10**6, output="hs")
    >>> [sig(cost(a, **sizes).total) for a in ("NNLM", "RNNLM", "CBOW", "Skip-gram")]
    ['1.212e+06', '2.6e+05', '8379', '6.279e+04']
    """
    architecture = check_choice(architecture, "architecture", "cost", tuple(_BUILDERS))
    builder = _BUILDERS[architecture]
    names = builder.__code__.co_varnames[: builder.__code__.co_argcount]
    return builder(**{k: v for k, v in sizes.items() if k in names})


def training_cost(E: float, T: float, Q: float | Cost) -> float:
    """``O = E x T x Q`` (2013a, eq. 1): multiply-adds to train ``E`` epochs on ``T`` words.

    Examples
    --------
    >>> training_cost(3, 10**9, 100.0)
    300000000000.0
    """
    Q = Q.total if isinstance(Q, Cost) else Q
    E = check_float(E, "E", "training_cost", low=0.0, low_closed=False)
    T = check_float(T, "T", "training_cost", low=0.0, low_closed=False)
    Q = check_float(Q, "Q", "training_cost", low=0.0, low_closed=False)
    return E * T * Q


def training_days(E: float, T: float, Q: float | Cost, rate: float) -> float:
    """Days ``O = E x T x Q`` takes at ``rate`` multiply-adds per second.

    Examples
    --------
    >>> round(training_days(1, 86400, 1e6, rate=1e6), 6)
    1.0
    """
    rate = check_float(rate, "rate", "training_days", low=0.0, low_closed=False)
    return training_cost(E, T, Q) / rate / 86400.0

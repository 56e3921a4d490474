"""The paper's settings through the cost model: which term dominates, and what follows from it.

Mikolov et al. (2013a) quote typical sizes for each architecture and draw their conclusions
from which term of Q dominates at those sizes. :data:`PAPER_SETTINGS` records the sizes with
where they come from; :func:`settings_table` evaluates every architecture and output layer on
them, and :func:`conclusions` derives the paper's statements from the table instead of quoting
them.

A note on ``D`` for the NNLM: the paper gives the size of the projection layer, ``P = N x D``,
"500 to 2000" with ``N = 10``, so each word vector has ``D = 50 .. 200`` numbers. (Reading
``D = 500 .. 2000`` instead makes ``N x D x H`` only larger, and the conclusion the same.)

>>> rows = settings_table()
>>> [r.cost.dominant().text for r in rows if r.architecture == "NNLM" and r.output == "hs"]
['N x D x H', 'N x D x H']

References
----------
.. [1] T. Mikolov et al., "Efficient Estimation of Word Representations in Vector Space", 2013,
   sections 2.1, 2.2, 3.1, 3.2 and 4.
.. [2] T. Mikolov et al., "Distributed Representations of Words and Phrases and their
   Compositionality", 2013, section 2.2 (``k`` = 5 .. 20 for small, 2 .. 5 for large data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..base.validation import check_int
from .formulas import Cost, cost

__all__ = [
    "Setting",
    "PAPER_SETTINGS",
    "PAPER_OUTPUTS",
    "SettingRow",
    "settings_table",
    "table_rows",
    "conclusions",
    "PathLengths",
    "path_lengths",
    "corpus_counts",
]


@dataclass(frozen=True)
class Setting:
    """One set of sizes the paper quotes for an architecture.

    Parameters
    ----------
    architecture : str
    label : str
        Short name for tables, e.g. ``"small"``.
    sizes : dict
        Keyword arguments of :func:`course.complexity.formulas.cost`.
    source : str
        Where in the papers the sizes come from.
    """

    architecture: str
    label: str
    sizes: dict
    source: str


_V = 10**6  # "vocabulary size ... 10^6" is the paper's running example (section 2.1)

#: Typical sizes from Mikolov et al. (2013a) and, for ``negative``, (2013b).
PAPER_SETTINGS = (
    Setting("NNLM", "small", dict(N=10, D=50, H=500, V=_V), "2013a sec. 2.1: N = 10, P = N x D = 500, H = 500"),
    Setting("NNLM", "large", dict(N=10, D=200, H=1000, V=_V), "2013a sec. 2.1: N = 10, P = N x D = 2000, H = 1000"),
    Setting("RNNLM", "small", dict(H=500, V=_V), "2013a sec. 2.2 (D = H); H as for the NNLM"),
    Setting("RNNLM", "large", dict(H=1000, V=_V), "2013a sec. 2.2 (D = H); H as for the NNLM"),
    Setting(
        "CBOW", "small", dict(N=8, D=300, V=_V, negative=5), "2013a sec. 3.1 and 4: N = 4 + 4, D = 300; 2013b: k = 5"
    ),
    Setting("CBOW", "large", dict(N=8, D=1000, V=_V, negative=5), "2013a sec. 4.4: D = 1000"),
    Setting("Skip-gram", "small", dict(C=10, D=300, V=_V, negative=5), "2013a sec. 3.2: C = 10; D = 300; 2013b: k = 5"),
    Setting("Skip-gram", "large", dict(C=10, D=1000, V=_V, negative=5), "2013a sec. 4.4: D = 1000"),
)

#: Output layers shown per architecture: the LMs with the paper's two, word2vec with all three.
PAPER_OUTPUTS = {
    "NNLM": ("softmax", "hs"),
    "RNNLM": ("softmax", "hs"),
    "CBOW": ("softmax", "hs", "ns"),
    "Skip-gram": ("softmax", "hs", "ns"),
}


@dataclass(frozen=True)
class SettingRow:
    """One row of the settings table: an architecture, an output layer, a setting and its Q."""

    architecture: str
    output: str
    setting: Setting
    cost: Cost


def settings_table(settings=PAPER_SETTINGS, outputs=None) -> list[SettingRow]:
    """Q of every architecture and output layer at the paper's sizes.

    Parameters
    ----------
    settings : sequence of Setting, default=PAPER_SETTINGS
    outputs : dict of str to tuple of str, default=PAPER_OUTPUTS
        Output layers per architecture.

    Returns
    -------
    list of SettingRow
        Ordered by architecture, output layer, setting.
    """
    outputs = PAPER_OUTPUTS if outputs is None else outputs
    rows = []
    for arch in dict.fromkeys(s.architecture for s in settings):
        for out in outputs[arch]:
            for s in settings:
                if s.architecture == arch:
                    rows.append(SettingRow(arch, out, s, cost(arch, output=out, **s.sizes)))
    return rows


def _sizes_text(sizes: dict, architecture: str, output: str) -> str:
    keep = {"NNLM": "NDH", "RNNLM": "H", "CBOW": "ND", "Skip-gram": "CD"}[architecture]
    parts = [f"{k}={v}" for k, v in sizes.items() if k in keep]
    if output == "ns":
        parts.append(f"k={sizes.get('negative', 5)}")
    return " ".join(parts)


def table_rows(rows: list[SettingRow]) -> tuple[list[list], list[str]]:
    """The settings table as rows for :func:`course.base.notebook.table`, and its header.

    Columns: architecture, output layer, sizes, the projection / hidden / output terms (``-``
    when the architecture has none), Q, the dominant term and its share of Q.
    """
    header = ["model", "output", "sizes", "projection", "hidden", "output term", "Q", "dominant", "share"]
    body = []
    for r in rows:
        terms = {t.name: t.value for t in r.cost.terms}
        dom = r.cost.dominant()
        body.append(
            [
                r.architecture,
                r.output,
                _sizes_text(r.setting.sizes, r.architecture, r.output),
                *(terms.get(n, "-") for n in ("projection", "hidden", "output")),
                r.cost.total,
                dom.text,
                f"{100 * dom.value / r.cost.total:.1f}%",
            ]
        )
    return body, header


def conclusions(rows: list[SettingRow]) -> list[str]:
    """The paper's conclusions, derived from a settings table.

    For each architecture and output layer: which term dominates, whether it does so in every
    setting, and its share of Q; then how much cheaper per example the log-linear models are
    than the NNLM, both with hierarchical softmax.

    Returns
    -------
    list of str
        One sentence each.
    """
    lines = []
    groups: dict[tuple[str, str], list[SettingRow]] = {}
    for r in rows:
        groups.setdefault((r.architecture, r.output), []).append(r)
    for (arch, out), group in groups.items():
        names = {g.cost.dominant().text for g in group}
        shares = [g.cost.dominant().value / g.cost.total for g in group]
        every = "in both settings" if len(group) == 2 else f"in all {len(group)} settings"
        where = every if len(names) == 1 else "depending on the setting"
        lines.append(
            f"{arch} + {out}: {' / '.join(sorted(names))} dominates {where} "
            f"({100 * min(shares):.1f}% to {100 * max(shares):.1f}% of Q)."
        )
    by = {(r.architecture, r.output, r.setting.label): r.cost.total for r in rows}
    for label in ("small", "large"):
        nnlm = by.get(("NNLM", "hs", label))
        for arch in ("CBOW", "Skip-gram"):
            other = by.get((arch, "hs", label))
            if nnlm and other:
                lines.append(
                    f"{label} setting, hierarchical softmax: one NNLM example costs "
                    f"{nnlm / other:.3g} x one {arch} example."
                )
    return lines


@dataclass(frozen=True)
class PathLengths:
    """How many inner nodes hierarchical softmax visits, for a real vocabulary.

    Attributes
    ----------
    V : int
    log2_V : float
        The paper's ``log2 V`` (a balanced tree).
    entropy : float
        Unigram entropy in bits, ``log2`` of the unigram perplexity: what 2013a (sec. 2.1)
        says a Huffman tree needs on average.
    mean : float
        Count-weighted mean code length of the Huffman tree: the nodes one training token
        visits on average (``entropy <= mean < entropy + 1``).
    unweighted_mean : float
        Mean code length over the vocabulary (rare words have long codes).
    max : int
        Longest code: what a batched implementation that pads the paths pays for every word.
    """

    V: int
    log2_V: float
    entropy: float
    mean: float
    unweighted_mean: float
    max: int


def path_lengths(counts) -> PathLengths:
    """Code-length statistics of the Huffman tree built on ``counts``.

    Examples
    --------
    >>> p = path_lengths([4, 2, 1, 1])
    >>> p.log2_V, p.entropy, p.mean, p.max
    (2.0, 1.75, 1.75, 3)
    """
    from ..word2vec.huffman import HuffmanTree

    tree = HuffmanTree(counts)
    return PathLengths(
        tree.vocab_size,
        math.log2(tree.vocab_size),
        tree.unigram_entropy,
        tree.weighted_mean_code_length,
        tree.mean_code_length,
        tree.max_code_length,
    )


def corpus_counts(min_count: int = 5, split: str = "train", subset: str = "full") -> np.ndarray:
    """Counts of the course vocabulary: words seen at least ``min_count`` times, decreasing.

    ``min_count=5`` is word2vec's default. Needs the built corpus (``make data``).

    Returns
    -------
    ndarray of int64 with shape (V,)
    """
    from ..data import load_tokens
    from ..data.vocab import frequency_order

    min_count = check_int(min_count, "min_count", "corpus_counts", low=1)
    _, ids, _ = load_tokens(split, subset)
    counts = np.bincount(ids).astype(np.int64)
    return counts[frequency_order(counts, min_count)]

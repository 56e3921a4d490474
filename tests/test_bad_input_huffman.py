"""Fault class 7: Huffman counts whose sums overflow.

An inner node holds the sum of the counts below it, the root their total. With int64 arithmetic
``2**62 + 2**62`` wraps around to a negative number and the tree is silently wrong; counts beyond
int64 (Python ints, uint64) were cast with wrap-around too. Counts must be positive finite numbers
whose total fits (summed with exact Python ints), else a ``ValueError`` names the parameter.
"""

import numpy as np
import pytest

from course.word2vec.huffman import HuffmanTree

INT64_MAX = int(np.iinfo(np.int64).max)


@pytest.mark.parametrize("counts", [[2**62, 2**62, 1], [INT64_MAX - 1, 1], np.array([2**62] * 3, dtype=np.int64)])
def test_int64_totals_that_overflow_are_refused(counts):
    with pytest.raises(
        ValueError,
        match=r"The 'counts' parameter of HuffmanTree must sum to a number that fits in "
        r"int64 \(the root of the tree holds the total\)",
    ):
        HuffmanTree(counts)


def test_counts_beyond_int64_are_refused():
    assert np.array([2**62] * 2, dtype=np.int64).sum() < 0  # what the check prevents
    with pytest.raises(ValueError, match=r"must hold counts that fit in int64. Got 1180591620717411303424 at index 0"):
        HuffmanTree([2**70, 1])
    with pytest.raises(ValueError, match=rf"must hold counts that fit in int64. Got {2**63} at index 1"):
        HuffmanTree(np.array([1, 2**63], dtype=np.uint64))
    with pytest.raises(ValueError, match="must sum to a number that fits in float64"):
        HuffmanTree([1e308, 1e308])


def test_largest_representable_total_is_exact():
    counts = [2**62, 2**62 - 2]  # total 2**63 - 2: the largest allowed (INT64_MAX is the C code's sentinel)
    tree = HuffmanTree(counts)
    assert int(tree.node_counts[-1]) == sum(counts) and tree.code_lengths.tolist() == [1, 1]
    assert tree.node_counts.dtype == np.int64


@pytest.mark.parametrize(
    "counts, error",
    [
        ([3, 0], ValueError),
        ([3, -1], ValueError),
        ([3.0, np.nan], ValueError),
        ([3.0, np.inf], ValueError),
        (["a", "b"], TypeError),
    ],
)
def test_other_invalid_counts_still_refused(counts, error):
    with pytest.raises(error, match="The 'counts' parameter of HuffmanTree"):
        HuffmanTree(counts)

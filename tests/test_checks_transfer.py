"""course.checks.transfer: right answers pass, typical mistakes fail with a message that says why."""

import numpy as np
import pytest
import torch

from course.checks import CheckFailed
from course.checks.transfer import check_nearest_word, check_paired_gap, check_pooled_mix
from course.evaluation.statistics import mcnemar_exact


def test_pooled_mix():
    def right(layers, w, gamma):
        return gamma * (torch.softmax(torch.as_tensor(w), 0)[:, None] * layers.mean(1)).sum(0)

    check_pooled_mix(right)
    with pytest.raises(CheckFailed, match="softmax"):
        check_pooled_mix(lambda layers, w, gamma: gamma * (w[:, None] * layers.mean(1)).sum(0))
    with pytest.raises(CheckFailed, match="shape"):
        check_pooled_mix(lambda layers, w, gamma: layers.mean(0))


def test_nearest_word():
    def right(vectors, words, query, exclude):
        sims = vectors @ query / np.linalg.norm(vectors, axis=1) / np.linalg.norm(query)
        order = [words[i] for i in np.argsort(-sims)]
        return next(w for w in order if w != exclude)

    check_nearest_word(right)
    with pytest.raises(CheckFailed, match="cosine"):
        check_nearest_word(lambda v, words, q, exclude: words[int(np.argmax(v @ q))])


def test_paired_gap():
    check_paired_gap(lambda a, b: (mcnemar_exact(a, b).difference, mcnemar_exact(a, b).p_value))
    with pytest.raises(CheckFailed, match="difference"):
        check_paired_gap(lambda a, b: (np.mean(b) - np.mean(a), 1.0))
    with pytest.raises(CheckFailed, match="discordant"):
        check_paired_gap(lambda a, b: (np.mean(a) - np.mean(b), 0.5))

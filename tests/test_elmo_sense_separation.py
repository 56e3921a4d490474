"""course.elmo.sense_separation: the within-lemma AUC of same-sense vs different-sense cosines."""

import itertools

import numpy as np
import pytest

from course.elmo.sense_separation import sense_separation


def brute_force_auc(x, lemmas, senses):
    """Every (same pair, different pair) comparison of one lemma, by hand."""
    wins = total = 0.0
    for lemma in sorted(set(lemmas)):
        idx = [i for i, w in enumerate(lemmas) if w == lemma]
        if len({senses[i] for i in idx}) < 2:
            continue
        unit = x[idx] / np.linalg.norm(x[idx], axis=1, keepdims=True)
        same, diff = [], []
        for a, b in itertools.combinations(range(len(idx)), 2):
            c = round(float(unit[a] @ unit[b]), 9)
            (same if senses[idx[a]] == senses[idx[b]] else diff).append(c)
        for s in same:
            for d in diff:
                wins += 1.0 if s > d else 0.5 if s == d else 0.0
                total += 1
    return wins / total


def synthetic(seed=0, n_lemmas=12, per_sense=4, noise=0.5):
    rng = np.random.default_rng(seed)
    x, lemmas, senses = [], [], []
    for w in range(n_lemmas):
        for s in range(2 + w % 2):
            centre = rng.normal(size=8)
            for _ in range(per_sense):
                x.append(centre + noise * rng.normal(size=8))
                lemmas.append(f"w{w}")
                senses.append(f"w{w}.s{s}")
    return np.array(x), lemmas, senses


def test_matches_the_pairwise_definition():
    x, lemmas, senses = synthetic()
    assert sense_separation(x, lemmas, senses, n_boot=0).auc == pytest.approx(brute_force_auc(x, lemmas, senses))


def test_separated_senses_give_one_reversed_give_zero_identical_give_half():
    x, lemmas, senses = synthetic(noise=0.01)
    assert sense_separation(x, lemmas, senses, n_boot=0).auc == 1.0
    assert sense_separation(np.ones((len(lemmas), 8)), lemmas, senses, n_boot=0).auc == 0.5
    # the two occurrences of sense a are orthogonal, each is 45 degrees from sense b's one
    x2 = np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]])
    assert sense_separation(x2, ["w"] * 3, ["a", "a", "b"], n_boot=0).auc == 0.0


def test_the_interval_contains_the_estimate_and_is_seeded():
    x, lemmas, senses = synthetic(noise=1.5)
    a = sense_separation(x, lemmas, senses, n_boot=200, seed=3)
    b = sense_separation(x, lemmas, senses, n_boot=200, seed=3)
    assert a == b
    assert a.low <= a.auc <= a.high and a.high - a.low > 0
    assert a.lemmas == 12 and a.same_pairs > 0 and a.different_pairs > 0


def test_pairs_of_different_lemmas_are_never_compared():
    # lemma u: all occurrences alike (cosines ~1); lemma v: spread out. Pooling pairs across
    # lemmas would score u's different-sense pairs above v's same-sense pairs.
    x = np.array([[1, 0.0], [1, 0.01], [1, 0.02], [1, 0.03], [1, 0], [0.7, 0.7], [0, 1], [-0.7, 0.7]])
    lemmas = ["u"] * 4 + ["v"] * 4
    senses = ["a", "a", "b", "b", "c", "c", "d", "d"]
    assert sense_separation(x, lemmas, senses, n_boot=0).auc == pytest.approx(brute_force_auc(x, lemmas, senses))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="same length"):
        sense_separation(np.ones((3, 2)), ["a"] * 3, ["x", "y"])
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        sense_separation(np.ones(3), ["a"] * 3, ["x", "y", "x"])
    with pytest.raises(ValueError, match="no lemma"):
        sense_separation(np.ones((3, 2)), ["a", "b", "c"], ["x", "y", "z"])
    with pytest.raises((TypeError, ValueError), match="n_boot"):
        sense_separation(np.ones((4, 2)), ["a"] * 4, ["x", "x", "y", "y"], n_boot=-1)

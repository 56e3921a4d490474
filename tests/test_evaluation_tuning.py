"""Chapter 08's tuning tables: candidates scored on dev only, the tuned runs on test."""

import numpy as np
import pytest

from course.data import analogy_halves, load_analogies
from course.evaluation.outcomes import Outcomes
from course.evaluation.tuning import best_candidate, tune_rows, tuned_rows


@pytest.fixture(scope="module")
def halves():
    questions = load_analogies()
    dev = set(analogy_halves(questions)["dev"])
    return questions, np.array([q in dev for q in questions])


def test_the_chosen_candidate_is_the_dev_best_whatever_test_says(halves):
    questions, is_dev = halves
    codes = {
        "tune-base": np.where(is_dev, 0, 1),  # perfect on test: must not matter
        "tune-ep10": np.where(is_dev, 1, 0),
        "tune-win8": np.where(is_dev, 1, 0),  # ties with ep10: the earlier wins
    }
    runs = {n: {"group": "tune", "trainer": "gensim", "arch": "cbow-ns", "seed": 0} for n in codes}
    o = Outcomes({n: c.astype(np.int8) for n, c in codes.items()}, runs, questions, None, {}, {})
    assert best_candidate(o) == "ep10"
    rows = tune_rows(o, {"base": {}, "ep10": {"epochs": 10}, "win8": {"window": 8}})
    assert [r[0] for r in rows] == ["base", "ep10", "win8"] and rows[1][3] == "chosen"
    assert rows[0][1] == "none (the at-scale settings)" and rows[1][1] == "epochs = 10"
    assert rows[0][2].startswith("0.0 [") and float(rows[0][3]) < 0.001 and rows[2][3] == "1.000"
    with pytest.raises(KeyError, match="No tune run"):
        best_candidate(Outcomes({}, {}, questions, None, {}, {}))


def test_tuned_rows_compare_ours_and_gensim_and_the_untuned_run_seed_by_seed_on_test(halves):
    questions, is_dev = halves
    ours = np.where(is_dev, 0, 1).astype(np.int8)
    theirs = ours.copy()
    theirs[~is_dev] = 0
    untuned = ours.copy()
    untuned[np.flatnonzero(~is_dev)[::2]] = 0  # half of the test questions wrong
    codes = {"ours-tuned-s0": ours, "gensim-tuned-s0": theirs, "ours-tuned-s1": ours, "ours-cbow-ns-s0": untuned}
    runs = {n: {"group": "tuned", "trainer": n.split("-")[0], "arch": "cbow-ns", "seed": int(n[-1])} for n in codes}
    runs["ours-cbow-ns-s0"]["group"] = "main"
    o = Outcomes(codes, runs, questions, None, {}, {})
    first, second, pooled = tuned_rows(o)
    assert first[0] == 0 and first[1].startswith("100.0 [") and first[2].startswith("0.0 [")
    assert first[3] == "+100.0" and first[5] == "supported"
    n_test = int((~is_dev).sum())
    assert first[6] == f"+{100 * (n_test - (n_test + 1) // 2) / n_test:.1f}" and first[8] == "supported"
    assert float(first[7]) < 1e-10
    assert second[:3] == [1, second[1], "not run"] and second[3:] == ["", "", "", "", "", ""]
    assert pooled[:3] == ["all (mean)", "100.0", "0.0"]  # gensim ran one seed: its mean is over that one
    assert pooled[3:6] == first[3:6]  # seed 1 has no gensim run: the pooled contrast is seed 0's
    assert pooled[6:] == first[6:]  # seed 1 has no untuned run: the pooled contrast is seed 0's


def test_the_pooled_test_joins_the_seeds_questions_and_is_exact(halves):
    from course.evaluation.statistics import mcnemar_exact

    questions, is_dev = halves
    rng = np.random.default_rng(0)
    codes = {f"{t}-s{s}": rng.integers(-1, 2, len(questions)).astype(np.int8) for t in ("a", "b") for s in (0, 1, 2)}
    o = Outcomes(codes, {n: {} for n in codes}, questions, None, {}, {})
    pairs = [(f"a-s{s}", f"b-s{s}") for s in (0, 1, 2)]
    pooled = o.compare_pooled(pairs)
    singles = [o.compare(a, b) for a, b in pairs]
    assert pooled.only_a == sum(t.only_a for t in singles) and pooled.n == sum(t.n for t in singles)
    a = np.concatenate([codes[x][~is_dev & (codes[x] >= 0) & (codes[y] >= 0)] == 1 for x, y in pairs])
    b = np.concatenate([codes[y][~is_dev & (codes[x] >= 0) & (codes[y] >= 0)] == 1 for x, y in pairs])
    assert pooled == mcnemar_exact(a, b)
    with pytest.raises(ValueError, match="at least one pair"):
        o.compare_pooled([])

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
    first, second = tuned_rows(o)
    assert first[0] == 0 and first[1].startswith("100.0 [") and first[2].startswith("0.0 [")
    assert first[3] == "+100.0" and first[5] == "supported"
    n_test = int((~is_dev).sum())
    assert first[6] == f"+{100 * (n_test - (n_test + 1) // 2) / n_test:.1f}" and first[8] == "supported"
    assert float(first[7]) < 1e-10
    assert second[:3] == [1, second[1], "not run"] and second[3:] == ["", "", "", "", "", ""]

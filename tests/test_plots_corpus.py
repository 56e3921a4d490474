"""course.plots.corpus: the Zipf, Heaps and coverage figures of chapter 00, and the min_count explorer."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots.corpus import (  # noqa: E402
    coverage_plot,
    heaps_plot,
    min_count_summary,
    vocabulary_explorer,
    zipf_plot,
)


def test_min_count_summary_matches_brute_force():
    counts = np.array([50, 20, 20, 5, 3, 1, 1])
    words = ["a", "b", "c", "d", "e", "f", "g"]
    questions = [("a", "b", "c", "d"), ("a", "g", "b", "c")]
    s = min_count_summary(counts, words, questions, 5)
    assert s["vocab_size"] == 4
    assert s["token_coverage"] == pytest.approx(95 / 100)
    assert s["analogy_coverage"] == 0.5


def test_figures_draw_the_data_and_the_fits():
    counts = np.array([100, 50, 33, 25, 20])
    ax = zipf_plot(counts, s=1.0, c=100.0, fit_range=(1, 5))
    data, fit = ax.get_lines()
    assert data.get_ydata().tolist() == [100, 50, 33, 25, 20]
    np.testing.assert_allclose(fit.get_ydata(), 100.0 / fit.get_xdata())
    n = np.array([10.0, 100.0, 1000.0])
    ax = heaps_plot(n, np.array([5, 20, 80]), k=2.0, beta=0.5)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), 2.0 * np.sqrt(n))
    ax = coverage_plot([(10, 0.1), (100, 0.5)])
    assert ax.get_lines()[0].get_ydata().tolist() == [10.0, 50.0]  # percent
    plt.close("all")


def test_vocabulary_explorer_prints_the_summary(capsys):
    counts = np.array([50, 20, 20, 5, 3, 1, 1])
    words = ["a", "b", "c", "d", "e", "f", "g"]
    ui = vocabulary_explorer(counts, words, [("a", "b", "c", "d")])
    assert ui.children[0].value == 5
    shown = "".join(o.get("text", "") for o in ui.children[-1].outputs) + capsys.readouterr().out  # no kernel: stdout
    assert "min_count=5: 4 words keep 95.00% of the tokens and cover 100.0% of the analogy questions" in shown

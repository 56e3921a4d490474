"""course.plots.negative_sampling: the figures of chapter 06 draw the package's distributions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course.plots.negative_sampling import (  # noqa: E402
    keep_probability_plot,
    noise_distribution_plot,
    noise_exponent_plot,
    sgns_loss_plot,
)
from course.word2vec.negative_sampling import noise_distribution  # noqa: E402
from course.word2vec.subsampling import keep_probabilities  # noqa: E402

COUNTS = np.array([1000, 400, 100, 30, 10, 3, 1])


def _labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_noise_distribution_plot_one_line_per_exponent():
    ax = noise_distribution_plot(COUNTS)
    assert _labels(ax) == ["alpha = 1.0", "alpha = 0.75", "alpha = 0.5", "alpha = 0.0"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), noise_distribution(COUNTS, 0.75))
    assert ax.get_lines()[0].get_xdata().tolist() == list(range(1, 8))
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert tuple(ax.figure.get_size_inches()) == (7.0, 4.0) and len(ax.figure.axes) == 1
    plt.close("all")


def test_noise_exponent_plot_against_the_unigram():
    ax = noise_exponent_plot(COUNTS, 0.3)
    assert _labels(ax) == ["alpha = 1 (unigram)", "alpha = 0.30"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), COUNTS / COUNTS.sum())
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), noise_distribution(COUNTS, 0.3))
    plt.close("all")


def test_keep_probability_curves_are_the_rules():
    settings = [("paper", 1e-5), ("paper", 1e-3), ("word2vec.c", 1e-3)]
    ax = keep_probability_plot(COUNTS, settings, n_top=3)
    assert _labels(ax) == ["paper, t = 1e-05", "paper, t = 0.001", "word2vec.c, t = 0.001", "3 most frequent words"]
    f = ax.get_lines()[0].get_xdata()
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.minimum(1, np.sqrt(1e-5 / f)))
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), np.minimum(1, np.sqrt(1e-3 / f) + 1e-3 / f))
    points = ax.collections[0].get_offsets()
    np.testing.assert_allclose(points[:, 0], (COUNTS / COUNTS.sum())[:3])
    np.testing.assert_allclose(points[:, 1], keep_probabilities(COUNTS, 1e-3, "word2vec.c")[:3])
    plt.close("all")


def test_sgns_loss_plot_in_percent_of_the_epoch():
    ax = sgns_loss_plot([[0.0, 4.0], [0.5, 3.0], [1.0, 2.5]])
    assert ax.get_lines()[0].get_xdata().tolist() == [0.0, 50.0, 100.0]
    assert ax.get_lines()[0].get_ydata().tolist() == [4.0, 3.0, 2.5]
    assert ax.get_title() == "SGNS loss during the epoch"
    plt.close("all")

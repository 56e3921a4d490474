"""course.plots.complexity: Q bars are the cost model's numbers; the scaling plot and the Q calculator."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.complexity.formulas import cost  # noqa: E402
from course.complexity.timing import ScalingResult  # noqa: E402
from course.plots.complexity import plot_q_bars, plot_scaling, q_calculator, q_values  # noqa: E402


def test_q_bars_are_the_formulas():
    sizes = dict(N=8, C=10, D=300, H=500, V=10**6, negative=5)
    values = q_values(sizes)
    assert values[0][:2] == ("NNLM", "softmax")
    assert values[0][2] == cost("NNLM", output="softmax", **sizes).total
    ax = plot_q_bars(sizes)
    assert [p.get_height() for p in ax.patches] == pytest.approx([q for _, _, q in values])
    assert ax.get_yscale() == "log"
    plt.close("all")


def test_scaling_plot_and_calculator():
    V = np.array([1e3, 1e4])
    ax = plot_scaling([ScalingResult("hs", V, 1e-6 * np.sqrt(V), 1e-6 * np.sqrt(V), 0.1)])
    assert len(ax.get_lines()) == 3  # CPU, wall, fitted line
    assert ax.get_legend().get_texts()[0].get_text() == "hierarchical softmax: slope 0.50 (model 0.10)"
    box = q_calculator()
    assert len(box.children) == 3
    plt.close("all")

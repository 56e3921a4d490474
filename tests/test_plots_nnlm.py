"""course.plots.nnlm: the training curves of chapters 02 and 03 (one run, or several by name)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.lm.train import History  # noqa: E402
from course.plots.nnlm import training_curves  # noqa: E402


def _history(n=120, tokens_per_update=100, seed=0):
    rng = np.random.default_rng(seed)
    loss = list(5.0 - np.linspace(0, 2, n) + 0.1 * rng.normal(size=n))
    return History(
        step=list(range(1, n + 1)),
        train_loss=loss,
        eval_step=[40, 80, 120],
        valid_loss=[4.5, 4.0, 3.8],
        train_tokens=n * tokens_per_update,
    )


def test_one_run_moving_average_in_perplexity_against_thousands_of_tokens():
    h = _history()
    ax = training_curves(h, valid_label="validation (first 20,000 tokens)", title="NNLM training")
    train, valid = ax.get_lines()
    smooth = np.convolve(h.train_loss, np.ones(50) / 50, mode="valid")
    np.testing.assert_allclose(train.get_ydata(), np.exp(smooth))
    np.testing.assert_allclose(train.get_xdata(), np.arange(50, 121) * 100 / 1e3)  # updates 50..120
    np.testing.assert_allclose(valid.get_xdata(), [4.0, 8.0, 12.0])
    np.testing.assert_allclose(valid.get_ydata(), np.exp([4.5, 4.0, 3.8]))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "training (moving average of 50 updates)",
        "validation (first 20,000 tokens)",
    ]
    assert ax.get_yscale() == "log" and ax.get_title() == "NNLM training"
    assert tuple(ax.figure.get_size_inches()) == (7.0, 3.5) and len(ax.figure.axes) == 1
    plt.close("all")


def test_several_runs_by_name_share_colours():
    ax = training_curves({"NNLM": _history(seed=1), "RNNLM": _history(seed=2)}, valid_label="validation")
    lines = ax.get_lines()
    assert len(lines) == 4 and ax.get_title() == ""
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color() == lines[3].get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "NNLM, training (moving average)",
        "NNLM, validation",
        "RNNLM, training (moving average)",
        "RNNLM, validation",
    ]
    assert lines[1].get_linestyle() == "--"
    plt.close("all")


def test_window_is_validated():
    with pytest.raises(ValueError, match="'window' parameter of training_curves"):
        training_curves(_history(n=10), window=11)
    with pytest.raises(ValueError, match="'histories'"):
        training_curves({})

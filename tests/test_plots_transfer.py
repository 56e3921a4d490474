"""course.plots.transfer: the sample-efficiency figure of chapter 10."""

from types import SimpleNamespace as R

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots.transfer import sample_efficiency  # noqa: E402


def _results():
    return {
        0.01: {"ELMo mix": R(accuracy=0.55, low=0.5, high=0.6), "word2vec": R(accuracy=0.5, low=0.45, high=0.55)},
        0.5: {"ELMo mix": R(accuracy=0.6, low=0.56, high=0.64), "word2vec": R(accuracy=0.62, low=0.58, high=0.66)},
        1.0: {"ELMo mix": R(accuracy=0.61, low=0.57, high=0.65), "word2vec": R(accuracy=0.66, low=0.63, high=0.69)},
    }


def test_one_line_per_input_at_the_sentence_counts_with_interval_bands():
    ax = sample_efficiency(_results(), n_train=2856, inputs=["word2vec", "ELMo mix"], title="t")
    w2v, mix = ax.get_lines()[:2]
    assert w2v.get_xdata().tolist() == [29, 1428, 2856]  # round(0.01 * 2856) = 29
    assert mix.get_ydata().tolist() == [0.55, 0.6, 0.61]
    band = ax.collections[1].get_paths()[0].vertices  # the mix's band spans its intervals
    assert band[:, 1].min() == pytest.approx(0.5) and band[:, 1].max() == pytest.approx(0.65)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["word2vec", "ELMo mix"]
    assert ax.get_xscale() == "log" and ax.get_title() == "t"
    assert np.allclose(ax.get_lines()[2].get_ydata(), 0.5)  # chance


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="empty"):
        sample_efficiency({}, n_train=10)
    with pytest.raises(ValueError, match="no result for"):
        sample_efficiency(_results(), n_train=10, inputs=["bag of words"])
    with pytest.raises(ValueError, match="n_train"):
        sample_efficiency(_results(), n_train=1)

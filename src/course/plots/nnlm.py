"""The training-curve figure of chapter 02 (the NNLM), reused by chapter 03 to set the RNNLM beside it.

Perplexity ``exp(mean NLL)`` against the training tokens read: a moving average of the training
loss of each update and the validation points, from the :class:`course.lm.train.History` that the
trainer returns (Bengio et al. 2003, section 4, report perplexity the same way).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from course.lm.train import History
>>> h = History(step=[1, 2, 3, 4], train_loss=[2.0, 2.0, 1.0, 1.0], eval_step=[2, 4],
...             valid_loss=[2.0, 1.5], train_tokens=400)
>>> ax = training_curves(h, window=2)
>>> ax.get_lines()[0].get_xdata().round(3).tolist()      # thousands of tokens, from update 2
[0.2, 0.3, 0.4]
>>> ax.get_lines()[0].get_ydata().round(3).tolist()       # exp of the moving average
[7.389, 4.482, 2.718]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..base.validation import check_int, check_nonempty
from .base import axes

__all__ = ["training_curves"]


def training_curves(histories, *, window: int = 50, valid_label: str = "validation", title: str | None = None, ax=None):
    """Perplexity against training tokens (thousands, log y axis) for one run or several.

    Parameters
    ----------
    histories : History or dict of str to History
        One run (lines labelled ``"training (moving average of {window} updates)"`` and
        ``valid_label``), or several runs by name (labels start with the name, and each run's
        validation points are dashed in the colour of its training line).
    window : int, default=50
        Updates in the moving average of the training loss.
    valid_label : str, default="validation"
        What the validation points are (e.g. "validation (first 20,000 tokens)").
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    runs = dict(histories) if isinstance(histories, Mapping) else {None: histories}
    check_nonempty(runs, "histories", "training_curves")
    window = check_int(window, "window", "training_curves", low=1, high=min(len(h.step) for h in runs.values()))
    ax = axes(ax, figsize=(7, 3.5))
    for name, h in runs.items():
        per_update = h.train_tokens / len(h.step)  # tokens of a mean update
        smooth = np.convolve(h.train_loss, np.ones(window) / window, mode="valid")
        x = np.asarray(h.step[window - 1 :]) * per_update / 1e3
        if name is None:
            ax.plot(x, np.exp(smooth), label=f"training (moving average of {window} updates)")
            ax.plot(np.asarray(h.eval_step) * per_update / 1e3, np.exp(h.valid_loss), "o-", label=valid_label)
        else:
            (line,) = ax.plot(x, np.exp(smooth), label=f"{name}, training (moving average)")
            ax.plot(
                np.asarray(h.eval_step) * per_update / 1e3,
                np.exp(h.valid_loss),
                "o--",
                color=line.get_color(),
                label=f"{name}, {valid_label}",
            )
    ax.set(xlabel="training tokens (thousands)", ylabel="perplexity", yscale="log")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax

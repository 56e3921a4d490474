"""The sample-efficiency figure of chapter 10: test accuracy against training sentences, per input.

One line per input (the results of :func:`course.elmo.transfer.curve`), each point the accuracy on
the same test sentences with its 95 % Wilson interval as a band; the x axis counts the training
sentences on a log scale, as Peters et al. 2018 plot their figure 1 (section 5.4).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from types import SimpleNamespace as R
>>> res = {0.5: {"a": R(accuracy=0.6, low=0.5, high=0.7)}, 1.0: {"a": R(accuracy=0.8, low=0.7, high=0.9)}}
>>> ax = sample_efficiency(res, n_train=200)
>>> ax.get_lines()[0].get_xdata().tolist(), ax.get_lines()[0].get_ydata().tolist()
([100, 200], [0.6, 0.8])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..base.validation import check_int
from .base import axes

__all__ = ["sample_efficiency"]


def sample_efficiency(
    curve_results: Mapping[float, Mapping], n_train: int, inputs: Sequence[str] | None = None, *, ax=None, title=None
):
    """Plot accuracy (with its interval) against the number of training sentences.

    Parameters
    ----------
    curve_results : mapping share -> (mapping input -> result)
        Each result has ``accuracy``, ``low`` and ``high``; every share holds the same inputs.
    n_train : int
        Training sentences at share 1.0; share ``f`` is drawn at ``round(f * n_train)`` (at least 2,
        as :func:`course.elmo.transfer.subsample` takes).
    inputs : sequence of str, optional
        Which inputs to draw, in this order (default: all, in the results' order).

    Returns
    -------
    matplotlib Axes
    """
    check_int(n_train, "n_train", "sample_efficiency", low=2)
    if not curve_results:
        raise ValueError("sample_efficiency: curve_results is empty.")
    shares = sorted(curve_results)
    names = list(inputs) if inputs is not None else list(curve_results[shares[0]])
    for f in shares:
        missing = [n for n in names if n not in curve_results[f]]
        if missing:
            raise ValueError(f"sample_efficiency: share {f} has no result for {missing}.")
    ax = axes(ax, figsize=(6.5, 4))
    x = [max(2, int(round(f * n_train))) for f in shares]
    for name in names:
        rs = [curve_results[f][name] for f in shares]
        (line,) = ax.plot(x, [r.accuracy for r in rs], marker="o", label=name)
        ax.fill_between(x, [r.low for r in rs], [r.high for r in rs], color=line.get_color(), alpha=0.15, lw=0)
    ax.set_xscale("log")
    ax.set_xlabel("training sentences (log scale)")
    ax.set_ylabel("test accuracy (95 % interval)")
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax

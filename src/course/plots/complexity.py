"""Figures and the explorer of chapter 04: Q per architecture, measured scaling, and a Q calculator.

Q is the training cost per example of Mikolov et al. (2013a), section 2, computed by
:func:`course.complexity.formulas.cost`; the timings come from :mod:`course.complexity.timing`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = plot_q_bars(dict(N=8, C=10, D=300, H=500, V=10**6, negative=5))
>>> len(ax.patches)
10
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..complexity.formulas import cost
from ..complexity.paper import PAPER_OUTPUTS
from ..complexity.timing import ScalingResult
from .base import axes

__all__ = ["q_values", "plot_q_bars", "plot_scaling", "q_calculator"]

_COLORS = {"softmax": "tab:red", "hs": "tab:blue", "ns": "tab:green"}
_LABELS = {"softmax": "full softmax", "hs": "hierarchical softmax", "ns": "negative sampling"}


def q_values(sizes: dict, outputs=None) -> list[tuple[str, str, float]]:
    """``(architecture, output, Q)`` for every architecture and output layer at ``sizes``.

    >>> [(a, o, int(q)) for a, o, q in q_values(dict(N=2, C=2, D=4, H=8, V=16, negative=1))][:3]
    [('NNLM', 'softmax', 200), ('NNLM', 'hs', 104), ('RNNLM', 'softmax', 192)]
    """
    outputs = PAPER_OUTPUTS if outputs is None else outputs
    return [(a, o, cost(a, output=o, **sizes).total) for a, outs in outputs.items() for o in outs]


def plot_q_bars(sizes: dict, ax=None):
    """Bar chart of Q per architecture and output layer, on a log scale.

    Parameters
    ----------
    sizes : dict
        ``N, C, D, H, V, negative`` (see :func:`course.complexity.formulas.cost`).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    ax = axes(ax, figsize=(8, 3.5))
    values = q_values(sizes)
    x = np.arange(len(values))
    ax.bar(x, [q for _, _, q in values], color=[_COLORS[o] for _, o, _ in values])
    ax.set_xticks(x, [f"{a}\n{o}" for a, o, _ in values], fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("Q (multiply-adds per example)")
    for xi, (_, _, q) in zip(x, values):
        ax.text(xi, q, f"{q:.2g}", ha="center", va="bottom", fontsize=7)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in _COLORS.values()]
    ax.legend(handles, list(_LABELS.values()), fontsize=8, loc="upper right")
    return ax


def plot_scaling(results: Sequence[ScalingResult], ax=None):
    """Time per training example against V on log-log axes, with the fitted lines.

    Solid: CPU time of the timing thread (what the verdicts use); dotted: wall time.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes(ax, figsize=(6, 4))
    for r in results:
        color = _COLORS[r.output]
        predicted = round(r.predicted_slope, 2) + 0.0  # no "-0.00"
        ax.loglog(
            r.V,
            r.cpu * 1e6,
            "o-",
            color=color,
            label=f"{_LABELS[r.output]}: slope {r.slope:.2f} (model {predicted:.2f})",
        )
        ax.loglog(r.V, r.wall * 1e6, ":", color=color, alpha=0.6)
        b, a = np.polyfit(np.log(r.V), np.log(r.cpu * 1e6), 1)
        ax.loglog(r.V, np.exp(a) * r.V**b, "--", color=color, alpha=0.4)
    ax.set_xlabel("vocabulary size V")
    ax.set_ylabel("time per example (µs)\nsolid: CPU time, dotted: wall time")
    ax.set_title("Skip-gram SGD step, per (input, output) pair")
    ax.legend(fontsize=8)
    return ax


def q_calculator():
    """An ipywidgets explorer: sliders for N, C, D, H, V, k; Q per architecture as bars.

    Returns
    -------
    ipywidgets.VBox
        The sliders and the figure (display it as the last expression of a cell).
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt

    style = {"description_width": "initial"}
    sliders = {
        "N": w.IntSlider(value=10, min=1, max=20, description="N (context)", style=style),
        "C": w.IntSlider(value=10, min=1, max=20, description="C (max distance)", style=style),
        "D": w.IntSlider(value=300, min=10, max=2000, step=10, description="D (vector)", style=style),
        "H": w.IntSlider(value=500, min=10, max=2000, step=10, description="H (hidden)", style=style),
        "V": w.IntSlider(value=6, min=2, max=9, description="log10 V", style=style),
        "negative": w.IntSlider(value=5, min=1, max=30, description="k (negatives)", style=style),
    }
    out = w.Output()

    def redraw(_=None):
        sizes = {k: s.value for k, s in sliders.items()}
        sizes["V"] = 10 ** sizes["V"]
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(8, 3.5))
            plot_q_bars(sizes, ax)
            ax.set_title(f"Q per training example, V = {sizes['V']:.0e}")
            plt.show()

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox(list(sliders.values())[:3]), w.HBox(list(sliders.values())[3:]), out])

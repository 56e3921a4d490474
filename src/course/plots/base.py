"""What the figure modules of :mod:`course.plots` share: a new Axes when none is given.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = axes(None, figsize=(4, 3))
>>> ax.figure.get_size_inches().tolist()
[4.0, 3.0]
>>> axes(ax, figsize=(9, 9)) is ax
True
"""

from __future__ import annotations

__all__ = ["axes"]


def axes(ax=None, figsize: tuple[float, float] = (6, 4)):
    """``ax`` itself, or the Axes of a new figure of size ``figsize`` (inches) when ``ax`` is None.

    Parameters
    ----------
    ax : matplotlib Axes, optional
    figsize : tuple of float, default=(6, 4)

    Returns
    -------
    matplotlib Axes
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]

"""Small helpers every chapter uses: seeding, stable number formatting, showing package source.

>>> seed_everything(0)
>>> sig(3.14159265)
'3.142'
>>> sig(123456.789)
'1.235e+05'
"""

from __future__ import annotations

import inspect
import os
import random
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["seed_everything", "sig", "table", "show_source", "default_threads", "progress_bar"]


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy's legacy global generator and torch (if imported).

    Chapters call this once at the top; library functions still take an explicit ``seed`` or
    ``numpy.random.Generator`` and never rely on global state.

    It returns nothing, so a notebook's imports cell that ends with it shows no output.
    """
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a requirement, but keep data usable without it
        return
    torch.manual_seed(seed)


def default_threads() -> int:
    """Number of CPU threads training code uses: ``COURSE_THREADS`` or all cores."""
    return int(os.environ.get("COURSE_THREADS", os.cpu_count() or 1))


def progress_bar(show: bool = True, **kwargs):
    """A tqdm bar (the notebook widget in Jupyter) that shows only when ``show`` and the environment allow.

    ``show=False`` hides it, and so does ``TQDM_DISABLE=1`` in the environment (read here, at each
    call: tqdm's notebook widget ignores that variable). ``make`` sets it for the runs whose outputs
    are saved or compared (nbval, ``make notebooks``), so no progress bar lands in a committed
    notebook, while a reader running the chapter in Jupyter sees them.

    >>> progress_bar(False, total=3).disable
    True
    """
    from tqdm.auto import tqdm

    hidden = not show or os.environ.get("TQDM_DISABLE", "").strip().lower() in ("1", "true", "yes")
    return tqdm(disable=True, **kwargs) if hidden else tqdm(**kwargs)


def sig(x: float, digits: int = 4) -> str:
    """Format ``x`` with ``digits`` significant digits, so nbval compares meaning, not float noise.

    >>> sig(0.000123456)
    '0.0001235'
    >>> sig(float("inf"))
    'inf'
    >>> sig(2)
    '2'
    """
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    return f"{x:.{digits}g}"


def table(rows: Iterable[Iterable[Any]], header: Iterable[str], digits: int = 4) -> str:
    """Render rows as a fixed-width text table (floats to ``digits`` significant digits).

    >>> print(table([["kn", 123.456], ["add-k", 1e9]], ["model", "ppl"]))
    model  ppl
    -----  ---------
    kn     123.5
    add-k  1e+09
    """
    header = [str(h) for h in header]
    body = [
        [v if isinstance(v, str) else sig(v, digits) if isinstance(v, (float, int, np.number)) else str(v) for v in row]
        for row in rows
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    widths[-1] = max(widths[-1], 9) if body else widths[-1]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)


def show_source(obj: Callable | type, *, display: bool = True) -> str:
    """Show the package's own source of ``obj`` (highlighted in a notebook).

    Chapters display the tested implementation with this instead of copying it into a cell, so
    the text and the code cannot drift apart.

    Returns
    -------
    str
        The source code.
    """
    src = inspect.getsource(obj)
    if display:
        try:
            from IPython import get_ipython
            from IPython.display import Markdown
            from IPython.display import display as ipy_display
        except ImportError:  # pragma: no cover
            print(src)
        else:
            if get_ipython() is not None:
                ipy_display(Markdown(f"```python\n{src}```"))
            else:
                print(src)
    return src

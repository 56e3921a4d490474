"""course.plots.evaluation: the analogy explorer of chapter 08."""

import numpy as np
import pytest

from course.evaluation import solve_analogy
from course.vectors import KeyedVectors

KV = KeyedVectors(
    ["man", "king", "woman", "queen", "apple"], np.array([[1.0, 0.1], [1.0, 1.0], [0.2, 0.1], [0.2, 1.1], [-1.0, -0.2]])
)


def test_analogy_explorer_shows_both_methods(capsys):
    pytest.importorskip("ipywidgets")
    from course.plots.evaluation import analogy_explorer

    ui = analogy_explorer(KV, topn=2)
    assert len(ui.children) == 2
    shown = "".join(o.get("text", "") for o in ui.children[-1].outputs) + capsys.readouterr().out
    best = solve_analogy(KV, "man", "king", "woman", topn=1)[0][0]
    assert "man : king = woman : ?" in shown and best == "queen" and "queen" in shown


def test_analogy_explorer_reports_unknown_words(capsys):
    pytest.importorskip("ipywidgets")
    from course.plots.evaluation import analogy_explorer

    ui = analogy_explorer(KV, a="zebra", topn=2)
    shown = "".join(o.get("text", "") for o in ui.children[-1].outputs) + capsys.readouterr().out
    assert "not in the vocabulary: 'zebra'" in shown

"""The explorer of chapter 08 (evaluation): an analogy ``a : b = c : ?`` answered by 3CosAdd and 3CosMul.

The two objectives are those of Mikolov et al. (2013a, section 4.1: the vector offset, 3CosAdd)
and Levy and Goldberg (2014: the multiplicative 3CosMul), both solved by
:func:`course.evaluation.solve_analogy`; this module only lays the answers side by side.
"""

from __future__ import annotations

__all__ = ["analogy_explorer"]


def analogy_explorer(
    kv, a: str = "man", b: str = "king", c: str = "woman", topn: int = 8, restrict_vocab: int | None = 30000
):
    """Widget: type ``a``, ``b``, ``c``; see the best answers to ``a : b = c : ?`` under 3CosAdd and 3CosMul.

    Returns the widget box (displayed). Unknown words are reported, not raised.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from ..base.notebook import table
    from ..evaluation import solve_analogy

    boxes = [
        widgets.Text(value=w, description=name, layout=widgets.Layout(width="180px"))
        for name, w in (("a", a), ("b", b), ("c", c))
    ]
    out = widgets.Output()

    def show(*_):
        out.clear_output()
        words = [box.value.strip().lower() for box in boxes]
        with out:
            unknown = [w for w in words if w not in kv.key_to_index]
            if unknown:
                print("not in the vocabulary:", ", ".join(repr(w) for w in unknown))
                return
            add = solve_analogy(kv, *words, topn=topn, method="3cosadd", restrict_vocab=restrict_vocab)
            mul = solve_analogy(kv, *words, topn=topn, method="3cosmul", restrict_vocab=restrict_vocab)
            print(f"{words[0]} : {words[1]} = {words[2]} : ?")
            rows = [[i + 1, *add[i], *mul[i]] for i in range(min(len(add), len(mul)))]
            print(table(rows, ["rank", "3CosAdd", "score", "3CosMul", "score"]))

    for box in boxes:
        box.observe(show, "value")
    show()
    ui = widgets.VBox([widgets.HBox(boxes), out])
    display(ui)
    return ui

"""Tables, a plot and the ipywidgets explorer that chapter 01 shows for n-gram models.

The models are the smoothed n-gram language models of :mod:`course.lm.ngram` (Chen and Goodman
1998; Kneser and Ney 1995).

All of them read a fitted :class:`~course.lm.ngram.NGramLM`; none changes it (the explorer
switches estimators on shallow copies, which share the counts).

>>> from course.lm.ngram import NGramLM
>>> lm = NGramLM(order=2, estimator="mle").fit([["new", "york"], ["new", "york"], ["in", "york"]])
>>> top_next_words(lm, ["new"], n=1)
[('york', 1.0)]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..base.validation import check_int
from ..lm.ngram import BOS, ESTIMATORS, NGramLM
from .base import axes

__all__ = ["top_next_words", "ngram_count_table", "left_neighbour_table", "plot_unseen_fraction", "ngram_explorer"]


def top_next_words(lm: NGramLM, context: Sequence[str], n: int = 10) -> list[tuple[str, float]]:
    """The ``n`` most probable next words after ``context``, with their probabilities (or scores).

    Ties keep the vocabulary's order.
    """
    n = check_int(n, "n", "top_next_words", low=1)
    p = lm.next_word_probs(context)
    best = np.argsort(-p, kind="stable")[:n]
    return [(lm.index_to_key_[i], float(p[i])) for i in best]


def ngram_count_table(lm: NGramLM, sentence: Sequence[str]) -> tuple[list[list], list[str]]:
    """For each predicted token of ``sentence``: the training count of the n-gram ending there.

    Returns
    -------
    rows : list of list
        One row per token (every word, then ``</s>``): the token, then ``c(n-gram)`` for
        n = 1..order (the n-gram padded with ``<s>`` as the model sees it).
    header : list of str
        Column names, for :func:`course.base.notebook.table`.
    """
    padded = [BOS] * (lm.order - 1) + [w if w in lm.key_to_index_ else "<unk>" for w in sentence] + ["</s>"]
    rows = []
    for t in range(lm.order - 1, len(padded)):
        rows.append([padded[t]] + [lm.count(padded[t - m + 1 : t + 1]) for m in range(1, lm.order + 1)])
    return rows, ["token"] + [f"c({m}-gram)" for m in range(1, lm.order + 1)]


def left_neighbour_table(lm: NGramLM, min_count: int = 50, n: int = 10) -> list[list]:
    """Frequent words that follow few distinct words: the "San Francisco" effect.

    For each word seen at least ``min_count`` times: its count c(w), its continuation count
    N1+(. w) (distinct words before it), its most frequent left neighbour and the share of w's
    occurrences that neighbour accounts for. Sorted by c(w) / N1+(. w), largest first.

    Returns
    -------
    list of list
        Rows ``[word, c(w), N1+(. w), left neighbour, share]``; needs ``lm.order >= 2``.
    """
    check_int(lm.order, "order", "left_neighbour_table (the model's order)", low=2)
    grams, counts = lm.ngram_counts(2)  # (T, 2) token ids, (T,) counts
    prev, word = grams[:, 0], grams[:, 1]
    W = len(lm.index_to_key_)
    c_w = np.bincount(word, weights=counts, minlength=W)
    n_left = np.bincount(word, minlength=W)
    first = np.full(W, -1)
    seen, index = np.unique(word, return_index=True)  # counts are sorted: first = most frequent
    first[seen] = index
    keep = np.flatnonzero((c_w >= min_count) & (n_left > 0))
    keep = keep[np.argsort(-(c_w[keep] / n_left[keep]), kind="stable")][:n]
    return [
        [
            lm.index_to_key_[w],
            int(c_w[w]),
            int(n_left[w]),
            lm.index_to_key_[prev[first[w]]],
            float(counts[first[w]] / c_w[w]),
        ]
        for w in keep
    ]


def plot_unseen_fraction(
    orders: Sequence[int], fractions: Sequence[float], perplexities: dict[int, float] | None = None, ax=None
):
    """Plot the fraction of test n-grams never seen in training against n.

    Parameters
    ----------
    orders : sequence of int
        The orders n, x axis.
    fractions : sequence of float
        The unseen fraction (0..1) for each order.
    perplexities : dict of int to float, optional
        Test perplexities by order, drawn on a second y axis.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = axes(ax, figsize=(6, 3.5))
    ax.plot(list(orders), 100 * np.asarray(fractions), "o-", color="C0", label="unseen test n-grams")
    ax.set(
        xlabel="n (order of the n-gram)",
        ylabel="test n-grams unseen in train (%)",
        ylim=(0, 100),
        xticks=list(orders),
        title="How often the n-gram is new",
    )
    ax.grid(alpha=0.3)
    if perplexities:
        right = ax.twinx()
        right.plot(
            list(perplexities), list(perplexities.values()), "s--", color="C1", label="Kneser-Ney test perplexity"
        )
        right.set_ylabel("test perplexity", color="C1")
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="center right")
    return ax


def ngram_explorer(models: dict[int, NGramLM], k: float | dict[int, float], context: str = "the", seed: int = 0):
    """An ipywidgets explorer: order, estimator, temperature -> a sample and the next-word table.

    Parameters
    ----------
    models : dict of int to NGramLM
        Fitted models by order (the explorer never refits; estimators switch on copies).
    k : float or dict of int to float
        The pseudo-count used when the estimator is ``"addk"``, one for all orders or one per
        order (the chapter passes the values tuned on the validation split).
    context : str, default="the"
        The initial sentence start (space-separated words).
    seed : int, default=0
        The initial sampling seed.

    Returns
    -------
    ipywidgets.VBox
    """
    import ipywidgets as widgets

    orders = sorted(models)
    k_of = k if isinstance(k, dict) else dict.fromkeys(orders, k)
    order = widgets.SelectionSlider(options=orders, value=orders[min(2, len(orders) - 1)], description="order n")
    estimator = widgets.Dropdown(
        options=[e for e in ESTIMATORS if e != "absolute"], value="kn", description="estimator"
    )
    temperature = widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05, description="temperature")
    seed_box = widgets.IntText(value=seed, description="seed")
    text = widgets.Text(value=context, description="context")
    out = widgets.Output()

    def show(*_):
        lm = models[order.value].with_estimator(estimator.value, k=k_of[order.value])
        words = text.value.lower().split()
        with out:
            out.clear_output(wait=True)
            sample = lm.sample(context=words, temperature=temperature.value, seed=seed_box.value)
            print("sample:", " ".join(sample))
            print(f"\nnext word after {' '.join(words) or '<s>'!r} ({estimator.value}, n={order.value}):")
            for w, p in top_next_words(lm, words, n=10):
                print(f"  {w:<15} {p:.4f}")

    for w in (order, estimator, temperature, seed_box, text):
        w.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HBox([order, estimator]), widgets.HBox([temperature, seed_box]), text, out])

"""course.plots.ngram: the tables, plot and explorer of chapter 01."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from course.lm.ngram import NGramLM  # noqa: E402
from course.plots.ngram import (  # noqa: E402
    left_neighbour_table,
    ngram_count_table,
    ngram_explorer,
    plot_unseen_fraction,
    top_next_words,
)

TRAIN = [["in", "san", "francisco"]] * 4 + [
    ["san", "francisco", "is", "big"],
    ["the", "cat", "is", "big"],
    ["a", "cat", "sat"],
    ["the", "big", "cat"],
    ["my", "cat"],
]


def test_top_next_words_sorted_and_from_the_model():
    lm = NGramLM(order=2).fit(TRAIN)
    rows = top_next_words(lm, ["san"], n=3)
    assert rows[0][0] == "francisco"
    assert [p for _, p in rows] == sorted((p for _, p in rows), reverse=True)
    assert rows[0][1] == pytest.approx(lm.prob("francisco", ["san"]))


def test_ngram_count_table_counts_each_order():
    lm = NGramLM(order=3).fit(TRAIN)
    rows, header = ngram_count_table(lm, ["san", "francisco", "zzz"])
    assert header == ["token", "c(1-gram)", "c(2-gram)", "c(3-gram)"]
    assert rows[0] == ["san", 5, 1, 1]  # san 5 times; (<s> san) once; (<s> <s> san) once
    assert rows[1] == ["francisco", 5, 5, 1]
    assert rows[2][0] == "<unk>" and rows[3][0] == "</s>"


def test_left_neighbour_table_finds_francisco():
    lm = NGramLM(order=2).fit(TRAIN)
    rows = left_neighbour_table(lm, min_count=3, n=3)
    assert rows[0] == ["francisco", 5, 1, "san", 1.0]
    cat = next(r for r in left_neighbour_table(lm, min_count=3, n=10) if r[0] == "cat")
    assert cat[1:3] == [4, 4]  # cat follows the, a, big, my: 4 distinct left neighbours


def test_plot_and_explorer_build(capsys):
    ax = plot_unseen_fraction([1, 2, 3], [0.0, 0.4, 0.8])
    assert ax.get_lines()[0].get_ydata().tolist() == [0.0, 40.0, 80.0]
    ax = plot_unseen_fraction([1, 2, 3], [0.0, 0.4, 0.8], perplexities={1: 900.0, 3: 300.0})
    assert len(ax.get_legend().get_texts()) == 2
    box = ngram_explorer({1: NGramLM(order=1).fit(TRAIN), 2: NGramLM(order=2).fit(TRAIN)}, k=0.1, context="san")
    out = box.children[-1]
    shown = "".join(o.get("text", "") for o in out.outputs) + capsys.readouterr().out  # no kernel: stdout
    assert "sample: san" in shown and "francisco" in shown

"""Chapter 10's experiments, end to end: the biLM and word2vec vectors in, tables of results out.

Each function loads what it needs (the shipped biLM and Skip-gram vectors from
:mod:`course.pretrained`, the labelled data from :mod:`course.data`), computes the frozen
features once (cached: :mod:`.features`), and trains only the small task models. Everything is
seeded; :func:`report` gathers the results as JSON values (``python -m course.elmo.transfer --json``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...base.validation import check_int
from ...evaluation.statistics import mcnemar_exact
from . import features
from .sentiment import BagOfWords, Result, SentenceInput, fit_and_score, subsample
from .spelling import Layer0Index, correction_hits
from .tagging import train_tagger

__all__ = [
    "INPUTS",
    "FRACTIONS",
    "SentimentData",
    "sentiment_data",
    "compare_inputs",
    "curve",
    "pos",
    "spelling",
    "curve_tests",
    "pos_tests",
    "report",
]

#: The inputs compared on the sentence task, in the order of the tables.
INPUTS = ("bag of words", "word2vec", "ELMo layer 0", "ELMo top layer", "ELMo average", "ELMo mix")
#: Shares of the training sentences for the sample-efficiency curve (the paper's section 5.4).
FRACTIONS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0)


def _resources():
    from ... import pretrained
    from ...evaluation.at_scale import load_vectors

    return pretrained.load("bilm"), load_vectors()[0]


@dataclass
class SentimentData:
    """The sentiment splits, their labels, and every input's features."""

    sentences: dict  # split -> list of LabelledSentence
    labels: dict  # split -> int array
    elmo: dict  # split -> (N, L + 1, 2d)
    word2vec: dict  # split -> (N, D)
    bow: dict  # split -> (N, V) binary
    coverage: float  # share of tokens with a word2vec vector


def sentiment_data(checkpoint=None, kv=None, max_per_split: int | None = None) -> SentimentData:
    """Load Pang & Lee's sentences, split them by hash and compute every input's features.

    ``max_per_split`` keeps only the first sentences of each split (a quick run; the chapter uses all).
    """
    from ...data.transfer import load_sentiment, split_sentiment

    if checkpoint is None or kv is None:
        checkpoint, kv = _resources()
    splits = split_sentiment(load_sentiment())
    if max_per_split is not None:
        check_int(max_per_split, "max_per_split", "sentiment_data", low=2)
        splits = {k: v[:max_per_split] for k, v in splits.items()}
    toks = {k: [list(s.tokens) for s in v] for k, v in splits.items()}
    labels = {k: np.array([s.label for s in v]) for k, v in splits.items()}
    every = toks["train"] + toks["dev"] + toks["test"]
    layers = features.sentence_layers(checkpoint, every)
    static, coverage = features.static_sentence_vectors(kv, every)
    bow_model = BagOfWords(toks["train"])
    bow = {k: bow_model.transform(v) for k, v in toks.items()}
    cut = np.cumsum([0, len(toks["train"]), len(toks["dev"]), len(toks["test"])])
    part = {k: slice(cut[i], cut[i + 1]) for i, k in enumerate(("train", "dev", "test"))}
    return SentimentData(
        splits, labels, {k: layers[s] for k, s in part.items()}, {k: static[s] for k, s in part.items()}, bow, coverage
    )


def _input(data: SentimentData, name: str, rows=slice(None)) -> SentenceInput:
    top = data.elmo["train"].shape[1] - 1
    src, mode, layer = {
        "bag of words": (data.bow, "static", 0),
        "word2vec": (data.word2vec, "static", 0),
        "ELMo layer 0": (data.elmo, "layer", 0),
        "ELMo top layer": (data.elmo, "layer", top),
        "ELMo average": (data.elmo, "average", 0),
        "ELMo mix": (data.elmo, "mix", 0),
    }[name]
    return SentenceInput(mode, src["train"][rows], src["dev"], src["test"], layer)


def compare_inputs(data: SentimentData, rows=slice(None), inputs=INPUTS) -> dict[str, Result]:
    """Every input's test result with the task model trained on ``rows`` of the training sentences."""
    y = data.labels
    return {name: fit_and_score(_input(data, name, rows), y["train"][rows], y["dev"], y["test"]) for name in inputs}


def curve(data: SentimentData, fractions=FRACTIONS, inputs=INPUTS, seed: int = 0) -> dict[float, dict[str, Result]]:
    """:func:`compare_inputs` on nested random shares of the training sentences (one fixed shuffle)."""
    n = len(data.labels["train"])
    return {f: compare_inputs(data, subsample(n, f, seed), inputs) for f in fractions}


def pos(
    checkpoint=None,
    kv=None,
    train_sentences: int = 3000,
    dev_sentences: int = 300,
    epochs: int = 6,
    test_sentences: int | None = None,
) -> dict:
    """BiLSTM taggers on word2vec, ELMo layer 0 and the ELMo mix: OANC (silver) -> WSJ (gold).

    The last ``dev_sentences`` of the first ``train_sentences`` OANC sentences choose the epoch;
    ``test_sentences`` keeps only the first WSJ sentences (a quick run; the chapter uses all 1,001).
    Returns ``{"results": {input: TaggerResult}, "unseen": bool mask of test tokens whose word is
    not in the training sentences, "coverage": word2vec's share of test tokens}``.
    """
    from ...data.probing import load_tagged_sentences

    if checkpoint is None or kv is None:
        checkpoint, kv = _resources()
    check_int(dev_sentences, "dev_sentences", "pos", low=1, high=train_sentences - 1)
    oanc = load_tagged_sentences("oanc", max_sentences=train_sentences)
    wsj = load_tagged_sentences("wsj", max_sentences=test_sentences)
    tags = sorted({t for _, ts in oanc + wsj for t in ts})
    tag_id = {t: i for i, t in enumerate(tags)}
    words = [w for w, _ in oanc + wsj]
    ys = [np.array([tag_id[t] for t in ts]) for _, ts in oanc + wsj]
    elmo = features.token_layers(checkpoint, words)
    static, _ = features.static_token_vectors(kv, words)
    cut_dev, cut_test = len(oanc) - dev_sentences, len(oanc)
    seen = {w for s in words[:cut_dev] for w in s}
    test_words = [w for s in words[cut_test:] for w in s]
    unseen = np.array([w not in seen for w in test_words])
    coverage = float(np.mean([w in kv.key_to_index for w in test_words]))

    def split(xs):
        return xs[:cut_dev], ys[:cut_dev], xs[cut_dev:cut_test], ys[cut_dev:cut_test], xs[cut_test:], ys[cut_test:]

    inputs = {"word2vec": static, "ELMo layer 0": [v[:1] for v in elmo], "ELMo mix": elmo}
    results = {name: train_tagger(*split(xs), n_tags=len(tags), epochs=epochs) for name, xs in inputs.items()}
    return {"results": results, "unseen": unseen, "coverage": coverage, "tags": len(tags)}


def spelling(checkpoint=None, kv=None, k: int = 1, restrict: int = 30_000, max_pairs: int | None = None) -> dict:
    """Misspellings -> correction by nearest neighbour: ELMo layer 0 against word2vec.

    The candidates are the ``restrict`` most frequent words of the word2vec vocabulary (the same
    list for both methods, so they answer the same question); ``max_pairs`` keeps only the first
    pairs of the file (a quick run).
    """
    from ...data.transfer import load_misspellings

    if checkpoint is None or kv is None:
        checkpoint, kv = _resources()
    pairs = load_misspellings()[:max_pairs]
    candidates = kv.index_to_key[:restrict]
    corrections, misspelled = [c for c, _ in pairs], [m for _, m in pairs]
    index = Layer0Index(checkpoint, candidates)  # standardised: the common direction out
    elmo = correction_hits(
        index.vectors, candidates, index.embed(misspelled), corrections, k=k, misspellings=misspelled
    )
    has = [m in kv.key_to_index for m in misspelled]
    w2v_miss = np.stack(
        [kv.vectors[kv.key_to_index[m]] if h else np.zeros(kv.vectors.shape[1]) for m, h in zip(misspelled, has)]
    )
    w2v = correction_hits(
        kv.vectors[:restrict], candidates, w2v_miss, corrections, k=k, misspellings=misspelled, has_vector=has
    )
    return {
        "ELMo layer 0": elmo,
        "word2vec": w2v,
        "pairs": len(pairs),
        "paired": mcnemar_exact(elmo.correct, w2v.correct),
    }


def curve_tests(curve_results: dict, a: str = "ELMo mix", b: str = "word2vec") -> dict:
    """McNemar's exact test of input ``a`` against ``b`` at every share of the curve (same test sentences).

    >>> from types import SimpleNamespace as R
    >>> res = {0.5: {"x": R(correct=np.array([1, 1, 1, 0], bool)), "y": R(correct=np.array([0, 0, 1, 0], bool))}}
    >>> t = curve_tests(res, "x", "y")[0.5]
    >>> t.difference, t.only_a, t.only_b, t.p_value
    (0.5, 2, 0, 0.5)
    """
    return {f: mcnemar_exact(rs[a].correct, rs[b].correct) for f, rs in curve_results.items()}


def pos_tests(pos_results: dict, a: str = "ELMo mix", b: str = "word2vec") -> dict:
    """McNemar's exact test of tagger ``a`` against ``b`` on every test token and on the unseen ones."""
    ra, rb, unseen = pos_results["results"][a], pos_results["results"][b], pos_results["unseen"]
    return {
        "all": mcnemar_exact(ra.correct, rb.correct),
        "unseen": mcnemar_exact(ra.correct[unseen], rb.correct[unseen]),
    }


def _test(t) -> dict:
    return {"difference": round(float(t.difference), 4), "p_value": float(f"{t.p_value:.4g}")}


def _acc(r) -> dict:
    return {"accuracy": round(float(r.accuracy), 4), "ci95": [round(float(r.low), 4), round(float(r.high), 4)]}


def report(
    data: SentimentData | None = None,
    curve_results=None,
    pos_results=None,
    spelling_results=None,
    *,
    max_sentences: int | None = None,
    fractions=FRACTIONS,
    pos_train: int = 3000,
    pos_dev: int = 300,
    pos_test: int | None = None,
    max_pairs: int | None = None,
    candidates: int = 30_000,
) -> dict:
    """The transfer results as JSON values (computed when not given).

    The keyword arguments make a quick run (fewer sentences, shares, tagger sentences and
    misspellings); their defaults are the chapter's. ``fractions`` must end with 1.0, the whole
    training split, from which the main table comes.
    """
    if not fractions or fractions[-1] != 1.0:
        raise ValueError(f"report: fractions must end with 1.0 (the whole training split); got {fractions!r}.")
    checkpoint, kv = _resources()
    data = data or sentiment_data(checkpoint, kv, max_sentences)
    curve_results = curve_results or curve(data, fractions)
    full = curve_results[1.0]
    pos_results = pos_results or pos(checkpoint, kv, pos_train, pos_dev, test_sentences=pos_test)
    spelling_results = spelling_results or spelling(checkpoint, kv, restrict=candidates, max_pairs=max_pairs)
    test = mcnemar_exact(full["ELMo mix"].correct, full["word2vec"].correct)
    unseen = pos_results["unseen"]
    tagging = pos_tests(pos_results)
    return {
        "sentiment": {
            "test_sentences": int(len(data.labels["test"])),
            "train_sentences": int(len(data.labels["train"])),
            "inputs": {name: _acc(r) for name, r in full.items()},
            "mix": {
                "weights": [round(float(w), 4) for w in full["ELMo mix"].weights],
                "gamma": round(full["ELMo mix"].gamma, 4),
            },
            "mix_vs_word2vec": {"difference": round(test.difference, 4), "p_value": round(test.p_value, 4)},
            "curve": {
                str(f): {name: round(float(r.accuracy), 4) for name, r in rs.items()} for f, rs in curve_results.items()
            },
            "curve_mix_vs_word2vec": {str(f): _test(t) for f, t in curve_tests(curve_results).items()},
        },
        "pos": {
            "test_tokens": int(len(unseen)),
            "unseen_tokens": int(unseen.sum()),
            "inputs": {
                name: {**_acc(r), "unseen_accuracy": round(float(r.correct[unseen].mean()), 4)}
                for name, r in pos_results["results"].items()
            },
            "mix_vs_word2vec": {k: _test(t) for k, t in tagging.items()},
            "mix": {
                "weights": [round(float(w), 4) for w in pos_results["results"]["ELMo mix"].weights],
                "gamma": round(float(pos_results["results"]["ELMo mix"].gamma), 4),
            },
        },
        "misspellings": {
            "pairs_counted": int(spelling_results["ELMo layer 0"].pairs),
            "inputs": {
                name: {
                    "share": round(float(spelling_results[name].share), 4),
                    "ci95": [round(float(spelling_results[name].low), 4), round(float(spelling_results[name].high), 4)],
                    "no_vector": int(spelling_results[name].no_vector),
                }
                for name in ("ELMo layer 0", "word2vec")
            },
        },
    }

"""course.elmo.transfer: features, the sentence task model, the tagger, the misspelling score."""

import numpy as np
import pytest
import torch

from course.elmo import BiLM, BiLMConfig
from course.elmo.checkpoint import Checkpoint
from course.elmo.embed import embed_sentences
from course.elmo.transfer import (
    BagOfWords,
    SentenceInput,
    correction_hits,
    fit_and_score,
    sentence_layers,
    static_sentence_vectors,
    static_token_vectors,
    subsample,
    token_layers,
    train_tagger,
    word_layer0,
)
from course.elmo.transfer.features import sentences_digest
from course.vectors import KeyedVectors

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_checkpoint(seed=0):
    torch.manual_seed(seed)
    model = BiLM(
        BiLMConfig(
            n_words=7,
            max_word_length=8,
            char_dim=4,
            filters=((1, 4), (2, 4)),
            n_highway=1,
            projection_dim=6,
            hidden_size=6,
            dropout=0.0,
        )
    ).eval()
    return Checkpoint(model, None, {}, "ab" * 32)


SENTENCES = [["he", "sat", "on", "the", "bank"], ["the", "bank", "lends"], ["bank"]]


def test_sentence_layers_are_the_mean_of_the_token_layers(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    ckpt = tiny_checkpoint()
    pooled = sentence_layers(ckpt, SENTENCES)
    expected = np.stack([v.mean(axis=1) for v in embed_sentences(ckpt.model, SENTENCES)])
    np.testing.assert_allclose(pooled, expected, rtol=1e-6)
    np.testing.assert_allclose(sentence_layers(ckpt, SENTENCES), pooled)  # from the cache
    assert list((tmp_path / "cache").rglob("*.npz"))
    with pytest.raises(ValueError, match="no tokens"):
        sentence_layers(ckpt, [["a"], []])


def test_token_layers_round_trip_through_the_float16_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    ckpt = tiny_checkpoint()
    first, second = token_layers(ckpt, SENTENCES), token_layers(ckpt, SENTENCES)
    direct = embed_sentences(ckpt.model, SENTENCES)
    for a, b, c in zip(first, second, direct):
        assert a.shape == c.shape
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, atol=2e-3 * max(1.0, np.abs(c).max()))


def test_word_layer0_is_the_character_layer_of_any_string():
    ckpt = tiny_checkpoint()
    v = word_layer0(ckpt, ["bank", "bnak"])
    in_context = embed_sentences(ckpt.model, [["the", "bank", "lends"]])[0][0, 1]
    np.testing.assert_allclose(v[0], in_context[: v.shape[1]], rtol=1e-5, atol=1e-6)
    assert not np.allclose(v[0], v[1])
    with pytest.raises(ValueError, match="non-empty str"):
        word_layer0(ckpt, ["ok", ""])


def test_sentences_digest_depends_on_order_and_tokens():
    assert sentences_digest([["a", "b"], ["c"]]) != sentences_digest([["c"], ["a", "b"]])
    assert sentences_digest([["ab"]]) != sentences_digest([["a", "b"]])


def test_static_vectors_count_coverage_and_zero_the_unknown():
    kv = KeyedVectors(["a", "b"], np.array([[1.0, 0.0], [0.0, 2.0]], dtype=np.float32))
    tokens, coverage = static_token_vectors(kv, [["a", "x"], ["b", "b"]])
    assert coverage == 0.75 and tokens[0][1].tolist() == [0.0, 0.0]
    pooled, _ = static_sentence_vectors(kv, [["a", "x"], ["x"]])
    assert pooled.tolist() == [[1.0, 0.0], [0.0, 0.0]]  # the mean of the covered tokens only


def synthetic(n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3, 6)).astype(np.float32)
    y = (x[:, 1, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return x, y


def test_the_mix_finds_the_informative_layer_and_layer_0_alone_cannot():
    x, y = synthetic()
    a, b, c = slice(0, 150), slice(150, 200), slice(200, 300)
    mix = fit_and_score(SentenceInput("mix", x[a], x[b], x[c]), y[a], y[b], y[c])
    layer0 = fit_and_score(SentenceInput("layer", x[a], x[b], x[c], layer=0), y[a], y[b], y[c])
    layer1 = fit_and_score(SentenceInput("layer", x[a], x[b], x[c], layer=1), y[a], y[b], y[c])
    assert mix.weights.argmax() == 1 and mix.weights.sum() == pytest.approx(1.0)
    assert layer1.accuracy > 0.85 and layer0.accuracy < 0.7
    assert mix.low <= mix.accuracy <= mix.high and mix.correct.shape == (100,)
    assert mix.penalty in (1e-3, 1e-2, 1e-1, 1.0, 10.0)


def test_sentence_input_refuses_wrong_shapes_and_labels():
    x, y = synthetic(40)
    with pytest.raises(ValueError, match="3 dimensions"):
        SentenceInput("mix", x[:, 0], x[:, 0], x[:, 0])
    with pytest.raises(ValueError, match="'layer' parameter"):
        SentenceInput("layer", x, x, x, layer=3)
    with pytest.raises(ValueError, match="labels"):
        fit_and_score(SentenceInput("average", x, x, x), y[:10], y, y)


def test_bag_of_words_is_binary_over_the_training_words():
    bow = BagOfWords([["good", "good", "film"], ["bad"]])
    assert bow.words == ["bad", "film", "good"]
    assert bow.transform([["good", "good", "unknown"]]).tolist() == [[0.0, 0.0, 1.0]]


def test_subsamples_are_nested_and_refuse_bad_fractions():
    small, large = subsample(100, 0.1), subsample(100, 0.5)
    assert set(small) <= set(large) and len(small) == 10 and len(subsample(100, 1.0)) == 100
    assert len(subsample(100, 0.001)) == 2
    with pytest.raises(ValueError, match="fraction"):
        subsample(100, 0.0)


def test_the_tagger_learns_a_token_task_and_checks_lengths():
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(3, int(rng.integers(3, 8)), 4)).astype(np.float32) for _ in range(240)]
    ys = [(x[2, :, 1] > 0).astype(int) for x in xs]
    r = train_tagger(
        xs[:200], ys[:200], xs[200:210], ys[200:210], xs[210:], ys[210:], n_tags=2, epochs=8, batch_size=4, lr=1e-2
    )
    assert r.accuracy > 0.85 and r.weights.argmax() == 2 and 1 <= r.best_epoch <= 8
    static = train_tagger(
        [x[2] for x in xs[:200]],
        ys[:200],
        [x[2] for x in xs[200:210]],
        ys[200:210],
        [x[2] for x in xs[210:]],
        ys[210:],
        n_tags=2,
        epochs=8,
        batch_size=4,
        lr=1e-2,
    )
    assert static.weights is None and static.accuracy > 0.85
    with pytest.raises(ValueError, match="vectors but"):
        train_tagger(xs[:2], [ys[0], ys[0][:1]], xs[:2], ys[:2], xs[:2], ys[:2], n_tags=2)


def test_correction_hits_excludes_the_misspelling_and_counts_missing_vectors():
    cand = np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]])
    words = ["cat", "dog", "cta"]
    # "cta" is itself a candidate and nearest to itself: excluded, so "cat" (or "dog") must win
    r = correction_hits(
        cand,
        words,
        np.array([[0.8, 0.6], [0.0, 0.0]]),
        ["cat", "dog"],
        misspellings=["cta", "dgo"],
        has_vector=[True, False],
    )
    assert (r.hits, r.pairs, r.no_vector) == (1, 2, 1)
    top2 = correction_hits(cand, words, np.array([[0.1, 1.0]]), ["cat"], k=2)
    assert top2.hits == 0  # dog (0.995), then cta (0.77); cat (0.10) is third
    top3 = correction_hits(cand, words, np.array([[0.1, 1.0]]), ["cat"], k=3)
    assert top3.hits == 1
    none = correction_hits(cand, words, np.array([[1.0, 0.0]]), ["cow"])
    assert none.pairs == 0
    with pytest.raises(ValueError, match="corrections"):
        correction_hits(cand, words, np.ones((2, 2)), ["cat"])


def _pattern_and_probing_data() -> bool:
    from course.base.paths import data_dir

    pkgs = data_dir() / "cache" / "pkgs"
    return (pkgs / "python3-pattern" / ".complete").exists() and any(pkgs.glob("*/.complete"))


@pytest.mark.skipif(not _pattern_and_probing_data(), reason="the labelled data are not fetched (make data)")
def test_cli_json_on_a_quick_configuration(monkeypatch, capsys):
    """``python -m course.elmo.transfer --json`` end to end, on a tiny biLM and few sentences.

    The real data (Pang & Lee, OANC, WSJ, Birkbeck) are read; the biLM and the word vectors are
    replaced by tiny ones so the run takes seconds. The JSON must hold every table the chapter
    prints, with values that are probabilities and tests that agree with their own counts.
    """
    import json

    from course.data.transfer import load_misspellings
    from course.elmo.transfer import __main__ as cli
    from course.elmo.transfer import experiments, features

    monkeypatch.setattr(features, "cached", lambda name, params, digest, compute: compute())  # no cache files
    words = sorted({c for c, _ in load_misspellings()[:80]} | {"the", "a", "film", "good", "bad"})
    rng = np.random.default_rng(0)
    kv = KeyedVectors(words, rng.normal(size=(len(words), 4)).astype(np.float32))
    monkeypatch.setattr(experiments, "_resources", lambda: (tiny_checkpoint(), kv))
    args = ["--json", "--sentences", "40", "--fractions", "0.5,1", "--pos-train", "30", "--pos-dev", "10"]
    assert cli.main(args + ["--pos-test", "8", "--pairs", "80", "--candidates", str(len(words))]) == 0
    out = json.loads(capsys.readouterr().out)
    sentiment = out["sentiment"]
    assert set(sentiment["inputs"]) == set(experiments.INPUTS)
    assert sentiment["test_sentences"] == 40 and sentiment["train_sentences"] == 40
    for r in sentiment["inputs"].values():
        assert 0 <= r["ci95"][0] <= r["accuracy"] <= r["ci95"][1] <= 1
    assert set(sentiment["curve"]) == {"0.5", "1.0"} and set(sentiment["curve_mix_vs_word2vec"]) == {"0.5", "1.0"}
    assert sentiment["curve"]["1.0"] == {k: v["accuracy"] for k, v in sentiment["inputs"].items()}
    gap = sentiment["curve"]["1.0"]["ELMo mix"] - sentiment["curve"]["1.0"]["word2vec"]
    assert sentiment["mix_vs_word2vec"]["difference"] == pytest.approx(gap, abs=1e-3)
    assert len(sentiment["mix"]["weights"]) == 3 and sum(sentiment["mix"]["weights"]) == pytest.approx(1, abs=1e-3)
    pos = out["pos"]
    assert set(pos["inputs"]) == {"word2vec", "ELMo layer 0", "ELMo mix"}
    assert 0 < pos["unseen_tokens"] < pos["test_tokens"]
    assert set(pos["mix_vs_word2vec"]) == {"all", "unseen"}
    assert 0 <= pos["mix_vs_word2vec"]["unseen"]["p_value"] <= 1
    spelled = out["misspellings"]
    assert 0 < spelled["pairs_counted"] <= 80
    assert spelled["inputs"]["word2vec"]["no_vector"] > 0  # misspellings are not in the vocabulary
    with pytest.raises(ValueError, match="end with 1.0"):
        experiments.report(fractions=(0.5,))


def test_layer0_index_standardises_over_the_candidates_and_skips_the_query(tmp_path, monkeypatch):
    from course.elmo.transfer import Layer0Index

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    words = ["bank", "banks", "river", "money", "tank"]
    index = Layer0Index(tiny_checkpoint(), words)
    np.testing.assert_allclose(index.vectors.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(index.embed(words), index.vectors, rtol=1e-5, atol=1e-5)  # same strings, same rows
    near = index.nearest("bank", k=3)
    assert len(near) == 3 and "bank" not in [w for w, _ in near]
    assert [c for _, c in near] == sorted((c for _, c in near), reverse=True)
    assert index.nearest("bnak", k=10)[0][0] in words  # any string, seen or not
    with pytest.raises(ValueError, match="empty"):
        Layer0Index(tiny_checkpoint(), [])

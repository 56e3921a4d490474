"""Tests for course.evaluation against brute force, scipy and gensim."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.stats
from gensim.models import KeyedVectors as GensimKV

from course.evaluation import (
    comparison_table,
    evaluate_analogies,
    evaluate_similarity,
    nearest_neighbours,
    pca,
    predict_analogies,
    rankdata,
    spearman,
)
from course.vectors import KeyedVectors, unit_rows

SECTIONS = [
    "capital-common-countries",
    "family",
    "currency",
    "gram1-adjective-to-adverb",
    "gram2-opposite",
    "gram7-past-tense",
]


@pytest.fixture(scope="module")
def analogy_world():
    """Vectors with planted regularities (y = x + offset + noise) and questions over them."""
    rng = np.random.default_rng(7)
    D, words, vecs, questions = 16, [], [], []
    for s, section in enumerate(SECTIONS):
        offset = rng.normal(size=D)
        pairs = []
        for i in range(7):
            x = rng.normal(size=D)
            y = x + offset + rng.normal(scale=0.9, size=D)
            pairs.append((f"x{s}_{i}", f"y{s}_{i}"))
            words += pairs[-1]
            vecs += [x, y]
        for (a, b), (c, d) in itertools.permutations(pairs, 2):
            questions.append((section, a, b, c, d))
    words += [f"filler{i}" for i in range(30)]
    vecs += list(rng.normal(size=(30, D)))
    # Shuffle rows so restrict_vocab cuts through sections; capitalise a few question words.
    perm = rng.permutation(len(words))
    words = [words[i] for i in perm]
    kv = KeyedVectors(words, np.array(vecs, dtype=np.float32)[perm])
    questions = [(s, a.upper() if i % 5 == 0 else a, b, c, d) for i, (s, a, b, c, d) in enumerate(questions)]
    questions.append(("family", "x1_0", "unknownword", "x1_1", "y1_1"))
    return kv, questions


def brute_force_analogies(kv, questions, restrict_vocab):
    """Loop over questions and candidate words; cosines computed one at a time in float64."""
    keys = kv.index_to_key[:restrict_vocab]
    index = {}
    for i, k in enumerate(keys):
        index.setdefault(k.lower(), i)
    V = np.asarray(kv.vectors[:restrict_vocab], dtype=np.float64)
    U = V / np.linalg.norm(V, axis=1, keepdims=True)
    per_section = {}
    for section, *ws in questions:
        ids = [index.get(w.lower()) for w in ws]
        s = per_section.setdefault(section, [0, 0, 0])
        s[2] += 1
        if None in ids:
            continue
        a, b, c, d = ids
        q = U[b] - U[a] + U[c]
        best, best_score = None, -np.inf
        for w in range(len(keys)):
            if w in (a, b, c):
                continue
            score = U[w] @ q / np.linalg.norm(q)
            if score > best_score:
                best, best_score = w, score
        s[0] += best == d
        s[1] += 1
    return per_section


@pytest.mark.parametrize("restrict_vocab", [None, 60])
def test_analogy_accuracy_equals_brute_force(analogy_world, restrict_vocab):
    kv, questions = analogy_world
    result = evaluate_analogies(kv, questions, restrict_vocab=restrict_vocab, batch_size=17)
    brute = brute_force_analogies(kv, questions, restrict_vocab or len(kv))
    assert [(n, c, cov, t) for n, c, cov, t in result.sections] == [(n, *v) for n, v in brute.items()]
    correct = sum(v[0] for v in brute.values())
    covered = sum(v[1] for v in brute.values())
    assert result.n_correct == correct and result.n_covered == covered
    assert result.accuracy == pytest.approx(correct / covered)
    assert result.coverage == pytest.approx(covered / len(questions))
    sem = [v for n, v in brute.items() if not n.startswith("gram")]
    assert result.semantic == pytest.approx(sum(v[0] for v in sem) / sum(v[1] for v in sem))
    assert 0.2 < result.accuracy < 0.95  # the planted structure is found, not trivially
    if restrict_vocab:
        assert result.coverage < 0.5
        covered_preds = [p for p in result.predictions if p is not None]
        assert all(kv.key_to_index[p] < restrict_vocab for p in covered_preds)
    assert "semantic" in result.table() and "total" in result.table()


def test_analogies_match_gensim(analogy_world, tmp_path):
    kv, questions = analogy_world
    g = GensimKV(vector_size=kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    path = tmp_path / "questions.txt"
    lines, last = [], None
    for s, *ws in questions:
        if s != last:
            lines.append(f": {s}")
            last = s
        lines.append(" ".join(ws))
    path.write_text("\n".join(lines) + "\n")
    score, sections = g.evaluate_word_analogies(str(path), restrict_vocab=90)
    ours_on_gensim = evaluate_analogies(g, questions, restrict_vocab=90)
    ours = evaluate_analogies(kv, questions, restrict_vocab=90)
    assert ours.accuracy == pytest.approx(score)
    assert ours_on_gensim.n_correct == ours.n_correct
    theirs = {}
    for sec in sections[:-1]:  # gensim opens a new section each time the name changes
        theirs[sec["section"]] = theirs.get(sec["section"], 0) + len(sec["correct"])
    for name, correct, _, _ in ours.sections:
        assert theirs[name] == correct


def test_predict_analogies_batches_do_not_matter():
    rng = np.random.default_rng(0)
    normed = unit_rows(rng.normal(size=(50, 5)))
    a, b, c = rng.integers(0, 50, (3, 40))
    full = predict_analogies(normed, a, b, c, batch_size=1000)
    assert np.array_equal(full, predict_analogies(normed, a, b, c, batch_size=3))
    assert not np.any((full == a) | (full == b) | (full == c))


def test_rankdata_and_spearman_equal_scipy():
    rng = np.random.default_rng(1)
    for n in (5, 40, 353):
        x = rng.integers(0, 7, n).astype(float)  # many ties
        y = rng.normal(size=n) + 0.3 * x
        np.testing.assert_allclose(rankdata(x), scipy.stats.rankdata(x))
        assert spearman(x, y) == pytest.approx(scipy.stats.spearmanr(x, y).statistic, abs=1e-12)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2], [1, 2, 3])


def test_similarity_equals_scipy_and_gensim(analogy_world, tmp_path):
    kv, _ = analogy_world
    rng = np.random.default_rng(3)
    words = kv.index_to_key
    pairs = [(words[i], words[j], float(rng.integers(0, 10))) for i, j in rng.integers(0, len(words), (80, 2))]
    pairs += [("nope", words[0], 3.0), (words[1].upper(), words[2], 5.0)]
    r = evaluate_similarity(kv, pairs)
    assert r.n_total == 82 and r.n_pairs == 81 and r.coverage == pytest.approx(81 / 82)
    known = [(a.lower(), b, s) for a, b, s in pairs if a.lower() in kv]
    cos = [kv.similarity(a, b) for a, b, _ in known]
    assert r.spearman == pytest.approx(scipy.stats.spearmanr([s for *_, s in known], cos).statistic, abs=1e-6)
    # gensim reads a tab-separated file; it lower-cases too (case_insensitive=True).
    g = GensimKV(vector_size=kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in pairs))
    _, (rho, _), oov = g.evaluate_word_pairs(str(path))
    assert r.spearman == pytest.approx(rho, abs=1e-6)
    assert oov == pytest.approx(100 / 82)


def test_nearest_neighbours_on_ours_and_gensim(analogy_world):
    kv, _ = analogy_world
    g = GensimKV(vector_size=kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    word = kv.index_to_key[3]
    ours = nearest_neighbours(kv, word, topn=5)
    assert [w for w, _ in ours] == [w for w, _ in nearest_neighbours(g, word, topn=5)]
    assert [w for w, _ in ours] == [w for w, _ in kv.most_similar(word, topn=5)]
    assert nearest_neighbours(kv, kv[word], topn=1)[0][0] == word
    excl = nearest_neighbours(kv, word, topn=5, exclude=[ours[0][0]])
    assert ours[0][0] not in [w for w, _ in excl]


def test_pca_matches_covariance_eigenvectors():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)) @ rng.normal(size=(5, 5))
    P, C, ratio = pca(X, n_components=3)
    evals, evecs = np.linalg.eigh(np.cov(X.T))
    evals, evecs = evals[::-1], evecs[:, ::-1]
    for k in range(3):
        assert abs(C[k] @ evecs[:, k]) == pytest.approx(1.0, abs=1e-8)
    np.testing.assert_allclose(ratio, evals[:3] / evals.sum(), rtol=1e-8)
    np.testing.assert_allclose(P, (X - X.mean(0)) @ C.T)
    assert np.allclose(P.mean(axis=0), 0)


def test_comparison_table(analogy_world):
    kv, questions = analogy_world
    r = {
        "analogy": evaluate_analogies(kv, questions),
        "wordsim353": evaluate_similarity(
            kv,
            [
                (kv.index_to_key[0], kv.index_to_key[1], 1.0),
                (kv.index_to_key[0], kv.index_to_key[2], 2.0),
                (kv.index_to_key[1], kv.index_to_key[2], 3.0),
            ],
        ),
    }
    text = comparison_table({"planted": r})
    assert text.splitlines()[0].split() == ["model", "semantic", "syntactic", "total", "coverage", "wordsim353"]
    assert text.splitlines()[2].startswith("planted")


def test_errors(analogy_world):
    kv, questions = analogy_world
    with pytest.raises(TypeError, match="'key_to_index' and 'vectors'"):
        evaluate_analogies(object(), questions)
    with pytest.raises(ValueError, match="'restrict_vocab'.*\\[1, inf\\). Got 0"):
        evaluate_analogies(kv, questions, restrict_vocab=0)
    with pytest.raises(ValueError, match="\\(section, a, b, c, d\\).*index 0"):
        evaluate_analogies(kv, [("a", "b", "c")])
    with pytest.raises(ValueError, match="must not be empty"):
        evaluate_analogies(kv, [])
    with pytest.raises(ValueError, match="one of 'wordsim353', 'simlex999'"):
        evaluate_similarity(kv, "men3000")
    with pytest.raises(ValueError, match="\\(str, str, float\\)"):
        evaluate_similarity(kv, [("a", "b")])
    with pytest.raises(KeyError, match="'zzz'"):
        nearest_neighbours(kv, "zzz")
    with pytest.raises(ValueError, match="shape \\(16,\\)"):
        nearest_neighbours(kv, np.zeros(3))
    with pytest.raises(ValueError, match="n_components"):
        pca(np.zeros((5, 2)), n_components=3)


def test_group_cosines_brute_force(analogy_world):
    from course.evaluation import group_cosines

    kv, _ = analogy_world
    groups = {"g1": kv.index_to_key[:4], "g2": kv.index_to_key[4:7], "g3": kv.index_to_key[7:9]}
    within, between = group_cosines(kv, groups)
    w_list, b_list = [], []
    for g1, ws1 in groups.items():
        for g2, ws2 in groups.items():
            for a in ws1:
                for b in ws2:
                    if a != b:
                        (w_list if g1 == g2 else b_list).append(kv.similarity(a, b))
    assert within == pytest.approx(np.mean(w_list), rel=1e-5)
    assert between == pytest.approx(np.mean(b_list), rel=1e-5)
    with pytest.raises(ValueError, match="at least two group"):
        group_cosines(kv, {"g1": ["x1_0"]})
    with pytest.raises(KeyError, match="'nope'"):
        group_cosines(kv, {"g1": ["nope"], "g2": [kv.index_to_key[0]]})


def test_accuracy_by_frequency_partitions_the_covered_questions(analogy_world):
    from course.evaluation import accuracy_by_frequency

    kv, questions = analogy_world
    result = evaluate_analogies(kv, questions)
    rows = accuracy_by_frequency(kv, result, questions, edges=(0, 30, 60, len(kv)))
    assert sum(r[2] for r in rows) == result.n_covered
    assert sum(r[1] for r in rows) == result.n_correct
    # Brute force for one band: answers with rank in [30, 60).
    band = [(q, p) for q, p in zip(questions, result.predictions) if p is not None and 30 <= kv.key_to_index[q[4]] < 60]
    assert rows[1][1:3] == (sum(p == q[4] for q, p in band), len(band))
    with pytest.raises(ValueError, match="increasing"):
        accuracy_by_frequency(kv, result, questions, edges=(5, 5))
    with pytest.raises(ValueError, match="AnalogyResult"):
        accuracy_by_frequency(kv, result, questions[:3])


# ---------------------------------------------------------------------------- 3CosMul, coverage (chapter 08)
def brute_force(kv, questions, restrict_vocab, method, epsilon=1e-3):
    """Per-section (correct, covered, total) by loops: one candidate word, one cosine at a time."""
    keys = kv.index_to_key[:restrict_vocab]
    index = {}
    for i, k in enumerate(keys):
        index.setdefault(k.lower(), i)
    V = np.asarray(kv.vectors[:restrict_vocab], dtype=np.float64)
    cos = lambda i, j: float(V[i] @ V[j] / (np.linalg.norm(V[i]) * np.linalg.norm(V[j])))  # noqa: E731
    per_section = {}
    for section, *ws in questions:
        s = per_section.setdefault(section, [0, 0, 0])
        s[2] += 1
        ids = [index.get(w.lower()) for w in ws]
        if None in ids:
            continue
        a, b, c, d = ids
        best, best_score = None, -np.inf
        for w in range(len(keys)):
            if w in (a, b, c):
                continue
            if method == "3cosadd":
                score = cos(w, b) - cos(w, a) + cos(w, c)
            else:
                score = (cos(w, b) + 1) / 2 * (cos(w, c) + 1) / 2 / ((cos(w, a) + 1) / 2 + epsilon)
            if score > best_score:
                best, best_score = w, score
        s[0] += best == d
        s[1] += 1
    return per_section


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
@pytest.mark.parametrize("binary", [False, True])
def test_accuracy_on_a_vectors_file_equals_brute_force(analogy_world, tmp_path, method, binary):
    kv, questions = analogy_world
    path = tmp_path / "small.vec"
    kv.save_word2vec_format(path, binary=binary)
    loaded = KeyedVectors.load_word2vec_format(path, binary=binary)
    result = evaluate_analogies(loaded, questions, restrict_vocab=70, method=method, batch_size=13)
    brute = brute_force(loaded, questions, 70, method)
    assert result.method == method
    assert [(n, c, cov, t) for n, c, cov, t in result.sections] == [(n, *v) for n, v in brute.items()]
    assert result.accuracy == pytest.approx(sum(v[0] for v in brute.values()) / sum(v[1] for v in brute.values()))
    assert result.by_section() == {
        n: v[0] / v[1] if v[1] else pytest.approx(float("nan"), nan_ok=True) for n, v in brute.items()
    }


def test_cosmul_and_cosadd_differ_on_planted_questions(analogy_world):
    kv, questions = analogy_world
    add = evaluate_analogies(kv, questions, method="3cosadd")
    mul = evaluate_analogies(kv, questions, method="3cosmul")
    assert add.n_covered == mul.n_covered
    assert add.predictions != mul.predictions  # the objectives disagree somewhere
    # The planted relations are additive (y = x + offset + noise), which 3CosAdd models exactly;
    # 3CosMul still finds them far above chance (1 / 86 candidates).
    assert add.accuracy > mul.accuracy > 0.3


@pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")
def test_solve_analogy_matches_gensim_cosmul_and_most_similar(analogy_world):
    kv, questions = analogy_world
    from course.evaluation import solve_analogy

    g = GensimKV(vector_size=kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    for _, a, b, c, _ in questions[::40]:
        a, b, c = a.lower(), b.lower(), c.lower()
        # gensim's most_similar_cosmul is 3CosMul with epsilon 1e-6
        ours = solve_analogy(kv, a, b, c, topn=5, method="3cosmul", epsilon=1e-6)
        theirs = g.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-4)
        add = solve_analogy(kv, a, b, c, topn=5)
        assert [w for w, _ in add] == [w for w, _ in kv.analogy(a, b, c, topn=5)]
    # restrict_vocab: answers come from the first rows only, even when a query word lies beyond
    a, b, c = kv.index_to_key[50], kv.index_to_key[1], kv.index_to_key[2]
    assert all(kv.key_to_index[w] < 10 for w, _ in solve_analogy(kv, a, b, c, topn=5, restrict_vocab=10))


def test_analogy_coverage_agrees_with_evaluate(analogy_world):
    from course.evaluation import analogy_coverage

    kv, questions = analogy_world
    for n in (None, 40, 70):
        cov = analogy_coverage(kv.index_to_key, questions, restrict_vocab=n)
        res = evaluate_analogies(kv, questions, restrict_vocab=n)
        assert cov == [(name, covered, total) for name, _, covered, total in res.sections]
        assert analogy_coverage(kv, questions, restrict_vocab=n) == cov


def test_method_errors_and_percent_table(analogy_world):
    from course.evaluation import solve_analogy

    kv, questions = analogy_world
    with pytest.raises(ValueError, match="'method' parameter of evaluate_analogies must be"):
        evaluate_analogies(kv, questions, method="3cosdiv")
    with pytest.raises(ValueError, match="'epsilon'"):
        evaluate_analogies(kv, questions, method="3cosmul", epsilon=0.0)
    with pytest.raises(KeyError, match="'zzz'"):
        solve_analogy(kv, "zzz", kv.index_to_key[0], kv.index_to_key[1])
    r = {
        "analogy": evaluate_analogies(kv, questions),
        "wordsim353": evaluate_similarity(
            kv,
            [
                (kv.index_to_key[0], kv.index_to_key[1], 1.0),
                (kv.index_to_key[0], kv.index_to_key[2], 2.0),
                (kv.index_to_key[1], kv.index_to_key[2], 3.0),
            ],
        ),
    }
    lines = comparison_table({"planted": r}, percent=True).splitlines()
    assert lines[0].split() == ["model", "semantic", "%", "syntactic", "%", "total", "%", "coverage", "%", "wordsim353"]
    assert lines[2].split()[3] == f"{100 * r['analogy'].accuracy:.1f}"

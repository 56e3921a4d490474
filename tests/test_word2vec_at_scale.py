"""word2vec at scale: the plan, a tiny remake reproduced exactly, the shipped files, the outcome tables."""

import numpy as np
import pytest
from scipy.stats import binomtest

from course.data import analogy_halves, load_analogies
from course.evaluation import at_scale
from course.evaluation.outcomes import Outcomes


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_WORD2VEC_RUNS", str(tmp_path / "runs"))
    return tmp_path


def _tiny(name="ours-cbow-ns-s0", group="main", arch="cbow-ns", **params):
    p = at_scale.params(arch, seed=0, epochs=1, vector_size=8, **params)
    return at_scale.Run(name, group, "ours", arch, 0, p, fraction=0.01)


def test_the_plan_has_every_run_once_and_trains_the_sweep_first():
    runs = at_scale.plan()
    names = [r.name for r in runs]
    assert len(names) == len(set(names)) == 4 * 2 * 3 + 9 + 8 + len(at_scale.TUNE_CANDIDATES) + 2 * 3
    order = [r.name for r in at_scale.schedule()]
    assert sorted(order) == sorted(names) and order[0].startswith("sweep-")
    assert order.index("grid-d50-f0.25") < order.index("ours-cbow-ns-s1")  # seed 0 and the grid before more seeds
    assert order.index("tune-sample1e-4") < order.index("ours-tuned-s0")  # tuned after the tuning it reads
    assert {r.trainer for r in runs if r.group == "tune"} == {"gensim"}
    assert {r.params.get("tuned") for r in runs if r.group == "tuned"} == {"dev"}  # chosen on dev, never typed
    hs = [r for r in runs if r.group == "main" and r.params["hs"]]
    assert {r.params.get("hs_max_steps") for r in hs if r.trainer == "ours"} == {"dev"}  # chosen on dev, never typed
    assert all(r.params["alpha"] == (0.025 if r.params["sg"] else 0.05) for r in runs)


def test_a_tiny_remake_reproduces_its_outcomes_and_vectors_exactly(work, monkeypatch):
    run = _tiny()
    first = at_scale.run_all([run], log=lambda *a, **k: None)[0]
    a = dict(np.load(first, allow_pickle=False))
    first.unlink()
    again = at_scale.run_all([run], log=lambda *a, **k: None)[0]
    b = dict(np.load(again, allow_pickle=False))
    for key in ("outcome", "answer_rank", "vectors", "words", "counts"):
        np.testing.assert_array_equal(a[key], b[key])
    assert a["vectors"].dtype == np.float16 and len(a["outcome"]) == len(load_analogies())


def test_a_finished_run_is_not_trained_again(work, monkeypatch):
    run = _tiny()
    at_scale.run_all([run], log=lambda *a, **k: None)
    monkeypatch.setattr(at_scale.runs, "_train", lambda *a: pytest.fail("trained again"))
    at_scale.run_all([run], log=lambda *a, **k: None)


def test_the_hs_cap_is_the_dev_best_of_the_sweep(work, monkeypatch):
    questions = load_analogies()
    dev = set(analogy_halves(questions)["dev"])
    is_dev = np.array([q in dev for q in questions])
    for run in at_scale.plan(["sweep"]):
        codes = np.where(is_dev, 0, 1).astype(np.int8)  # perfect on test, which must not matter
        if run.arch == "cbow-hs" and run.params["hs_max_steps"] == 128:
            codes[is_dev] = 1
        at_scale.save_npz(at_scale.work_dir() / f"{run.name}.npz", {"outcome": codes}, {"format": 1})
    assert at_scale.tuned_cap("cbow-hs") == 128
    assert at_scale.tuned_cap("skipgram-hs") == at_scale.SWEEP_CAPS[0]  # all tie: the first
    main = [r for r in at_scale.plan(["main"], [0]) if r.name == "ours-cbow-hs-s0"][0]
    assert at_scale.resolve(main).params["hs_max_steps"] == 128


def test_the_tuned_settings_are_the_dev_best_candidate(work):
    questions = load_analogies()
    dev = set(analogy_halves(questions)["dev"])
    is_dev = np.array([q in dev for q in questions])
    with pytest.raises(ValueError, match="tune run tune-base has not finished"):
        at_scale.tuned_settings()
    for run in at_scale.plan(["tune"]):
        codes = np.where(is_dev, 0, 1).astype(np.int8)  # perfect on test, which must not matter
        if run.name == "tune-win8":
            codes[is_dev] = 1
        at_scale.save_npz(at_scale.work_dir() / f"{run.name}.npz", {"outcome": codes}, {"format": 1})
    assert at_scale.tuned_settings() == {"window": 8}
    tuned = [r for r in at_scale.plan(["tuned"], [0]) if r.trainer == "ours"][0]
    params = at_scale.resolve(tuned).params
    assert params["window"] == 8 and "tuned" not in params and params["epochs"] == at_scale.SETTINGS["epochs"]


def test_outcomes_are_written_read_back_and_checked(work):
    runs = [_tiny(), _tiny("ours-cbow-ns-s1")]
    runs[1] = at_scale.Run(runs[1].name, "main", "ours", "cbow-ns", 1, {**runs[0].params, "seed": 1}, 0.01)
    at_scale.run_all(runs, log=lambda *a, **k: None)
    meta = at_scale.write_outcomes(work / "out.npz", runs)
    assert meta["kind"] == "word2vec_outcomes" and sorted(meta["runs"]) == sorted(r.name for r in runs)
    o = at_scale.read_outcomes(work / "out.npz")
    assert o.names("main", "ours", "cbow-ns") == ["ours-cbow-ns-s0", "ours-cbow-ns-s1"]
    v = o.variant("ours", "cbow-ns")
    assert len(v["seeds"]) == 2 and v["ci95"][0] <= v["seeds"][0] <= v["ci95"][1]
    at_scale.write_vectors(work / "v.npz", "ours-cbow-ns-s0")
    kv, vmeta = at_scale.read_vectors(work / "v.npz")
    assert kv.vectors.dtype == np.float32 and vmeta["kind"] == "word2vec_vectors"


def test_damaged_or_foreign_files_are_refused(work):
    bad = work / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="is not analogy outcomes"):
        at_scale.read_outcomes(bad)
    np.savez(bad, outcome=np.array([object()], dtype=object))  # would need unpickling
    with pytest.raises(ValueError, match="is not analogy outcomes"):
        at_scale.read_outcomes(bad)
    at_scale.save_npz(bad, {}, {"format": 1, "kind": "word2vec_vectors"})
    with pytest.raises(ValueError, match="not word2vec_outcomes"):
        at_scale.read_outcomes(bad)
    at_scale.save_npz(bad, {}, {"format": 1, "kind": "word2vec_outcomes", "questions_sha256": "0" * 64})
    with pytest.raises(ValueError, match="another analogy question file"):
        at_scale.read_outcomes(bad)
    with pytest.raises(ValueError, match="No finished run"):
        at_scale.write_outcomes(work / "none.npz", [_tiny()])


def _outcomes(codes, questions):
    runs = {
        n: {"group": "main", "trainer": "ours", "arch": "cbow-ns", "seed": i, "seconds": 60.0}
        for i, n in enumerate(codes)
    }
    return Outcomes({n: np.asarray(c, dtype=np.int8) for n, c in codes.items()}, runs, questions, None, {}, {})


def test_scores_and_paired_tests_agree_with_scipy():
    questions = [("family", "a", "b", "c", str(i)) for i in range(40)] + [
        ("gram1-adjective-to-adverb", "a", "b", "c", str(i)) for i in range(40)
    ]
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 80)
    b = a.copy()
    b[:12] = 1 - b[:12]
    b[70:] = -1  # not covered by b: left out of the paired test
    o = _outcomes({"a": a, "b": b}, questions)
    s = o.score("a", "all", "semantic")
    assert (s.correct, s.covered) == (int(a[:40].sum()), 40) and s.low < s.accuracy < s.high
    test = o.compare("a", "b", "all")
    only_a, only_b = int(((a == 1) & (b == 0)).sum()), int(((a == 0) & (b == 1)).sum())
    assert (test.only_a, test.only_b, test.n) == (only_a, only_b, 70)
    assert test.p_value == pytest.approx(binomtest(only_a, only_a + only_b, 0.5).pvalue)


def test_the_test_half_is_what_tables_report_and_is_stratified():
    questions = load_analogies()
    o = _outcomes({"x": np.ones(len(questions))}, questions)
    test, dev = o.mask("test"), o.mask("dev")
    assert not (test & dev).any() and (test | dev).all()
    for kind in ("semantic", "syntactic"):
        k = o.mask("all", kind)
        assert abs(int((k & test).sum()) - int((k & dev).sum())) <= 14  # each section halved
    with pytest.raises(ValueError, match="'half'"):
        o.mask("train")


def test_the_shipped_outcomes_load_and_their_hs_runs_use_the_dev_chosen_cap():
    o = at_scale.load_outcomes()
    assert set(o.names()) <= {r.name for r in at_scale.plan()} and o.names("sweep")
    hs_runs = [n for n in o.names("main", "ours") if o.runs[n]["params"]["hs"]]
    assert hs_runs
    for name in hs_runs:
        assert o.runs[name]["params"]["hs_max_steps"] == o.best_cap(o.runs[name]["arch"])
    kv, meta = at_scale.load_vectors()
    assert len(kv) == at_scale.RESTRICT and meta["run"] == "ours-skipgram-ns-s0"


def test_report_json_has_the_promised_fields(monkeypatch, capsys):
    import json

    from course.pretrained import report
    from course.pretrained.__main__ import main

    w2v = report.word2vec_section()
    assert w2v["questions_test"] == len(analogy_halves()["test"])
    for v in w2v["variants"].values():
        assert set(v) >= {"total", "semantic", "syntactic", "ci95", "seeds"} and 0 <= v["total"] <= 1
        assert v["ci95"][0] <= v["seeds"][0] <= v["ci95"][1]
    monkeypatch.setattr(report, "lm_section", lambda: {"kn": 151.0})  # the LM part is scored in test_lm_at_scale
    monkeypatch.setattr(report, "bilm_section", lambda: {"forward": 150.9})  # and the biLM in test_pretrained
    assert main(["report", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (
        out["lm"] == {"kn": 151.0}
        and out["bilm"] == {"forward": 150.9}
        and out["word2vec"]["variants"] == json.loads(json.dumps(w2v["variants"]))
    )
    assert set(out["sizes_mb"]) == set(__import__("course.pretrained", fromlist=["names"]).names())


def test_report_names_the_tuned_candidate_chosen_on_dev_and_scores_the_tuned_runs_on_test():
    from course.evaluation.tuning import best_candidate
    from course.pretrained import report

    o = at_scale.load_outcomes()
    tuned = report.word2vec_section()["tuned"]  # the shipped outcomes hold the tune and tuned groups
    assert tuned["candidate"] == best_candidate(o) and tuned["changed"] == at_scale.TUNE_CANDIDATES[tuned["candidate"]]
    for trainer in ("ours", "gensim"):
        runs = sorted(o.names("tuned", trainer), key=lambda n: o.runs[n]["seed"])
        assert runs and all(o.runs[n]["params"][k] == v for n in runs for k, v in tuned["changed"].items())
        assert tuned[trainer]["seeds"] == [o.score(n, "test").accuracy for n in runs]


def test_restore_lets_a_fresh_clone_rewrite_the_shipped_outcomes_unchanged(work, tmp_path):
    shipped = at_scale.load_outcomes()
    restored = at_scale.restore(shipped)
    assert sorted(restored) == sorted(shipped.runs)
    assert all(at_scale.read_npz(work / "runs" / f"{n}.npz", "a run")[1]["restored"] for n in restored)
    assert at_scale.restore(shipped) == []  # nothing missing the second time
    at_scale.write_outcomes(tmp_path / "again.npz")
    again = at_scale.read_outcomes(tmp_path / "again.npz")
    assert sorted(again.codes) == sorted(shipped.codes)
    for name in shipped.codes:
        np.testing.assert_array_equal(again.codes[name], shipped.codes[name])
    assert again.runs == shipped.runs  # the metadata too: a restored run is the shipped one
    np.testing.assert_array_equal(again.answer_rank, shipped.answer_rank)
    with pytest.raises(ValueError, match="kept no vectors"):
        at_scale.write_vectors(tmp_path / "v.npz", "ours-skipgram-ns-s0")


def _synthetic(a_codes, b_codes, sections=("family", "gram1-adjective-to-adverb")):
    from course.evaluation.outcomes import Outcomes

    n = len(a_codes)
    q = [(sections[i % len(sections)], "a", "b", "c", f"d{i}") for i in range(n)]
    runs = {
        "ours-cbow-ns-s0": {"group": "main", "trainer": "ours", "arch": "cbow-ns", "seed": 0, "seconds": 60.0},
        "gensim-cbow-ns-s0": {"group": "main", "trainer": "gensim", "arch": "cbow-ns", "seed": 0, "seconds": 30.0},
    }
    codes = {"ours-cbow-ns-s0": np.array(a_codes, dtype=np.int8), "gensim-cbow-ns-s0": np.array(b_codes, dtype=np.int8)}
    return Outcomes(codes, runs, q, None, {}, {})


def test_chapter_tables_print_intervals_paired_p_values_and_verdicts():
    from course.evaluation import outcomes as out
    from course.evaluation import tables

    better = _synthetic([1] * 40 + [0] * 10 + [-1] * 2, [0] * 40 + [0] * 10 + [1] * 2)
    (row,) = tables.architecture_rows(better, half="all")
    s = better.score("ours-cbow-ns-s0", "all")
    assert row[0] == "CBOW + NS" and row[1] == out.percent_interval(s) and s.covered == 50
    assert row[3] == "+80.0" and row[5] == "supported" and row[6] == "1.0"
    assert float(row[4]) == round(binomtest(0, 40, 0.5).pvalue, 2)
    same = _synthetic([1, 0] * 20, [0, 1] * 20)
    assert tables.architecture_rows(same, half="all")[0][5] == "noise"
    kinds = tables.contrast_rows(better, "ours-cbow-ns-s0", "gensim-cbow-ns-s0", half="all")
    assert [r[0] for r in kinds] == ["total", "semantic", "syntactic"] and sum(r[1] for r in kinds[1:]) == kinds[0][1]
    assert out.percent_interval(out.Score(1, 4, 0.25, 0.0456, 0.6994)) == "25.0 [4.6, 69.9]"


def test_shipped_tables_agree_with_the_scores_they_print():
    from course.evaluation import outcomes as out
    from course.evaluation import tables

    o = at_scale.load_outcomes()
    for row in tables.architecture_rows(o):
        arch = next(a for a, label in out.VARIANTS.items() if label == row[0])
        assert row[1] == out.percent_interval(o.score(f"ours-{arch}-s0"))
    sweep = tables.sweep_rows(o, "cbow-hs")
    assert [r[3] for r in sweep].count("best") == 1
    assert sweep[[r[3] for r in sweep].index("best")][1] == o.best_cap("cbow-hs")


def test_grid_cells_are_scored_on_the_questions_every_grid_run_covers():
    o = at_scale.load_outcomes()
    common = o.grid_questions()
    for name in o.names("grid"):
        assert (o.codes[name][common] >= 0).all()
    cell = o.grid()[100, 1.0]
    assert cell.covered == int((common & o.mask("test")).sum())


def test_seed_tables_give_every_seed_its_own_paired_test():
    from course.evaluation import outcomes as out
    from course.evaluation import tables

    q = [(("family", "gram1-adjective-to-adverb")[i % 2], "a", "b", "c", f"d{i}") for i in range(60)]
    codes, runs = {}, {}
    for seed, (ours, theirs) in enumerate([([1] * 50 + [0] * 10, [0] * 50 + [1] * 10), ([1, 0] * 30, [0, 1] * 30)]):
        for trainer, c in (("ours", ours), ("gensim", theirs)):
            name = f"{trainer}-cbow-ns-s{seed}"
            codes[name] = np.array(c, dtype=np.int8)
            runs[name] = {"group": "main", "trainer": trainer, "arch": "cbow-ns", "seed": seed, "seconds": 1.0}
    o = out.Outcomes(codes, runs, q, None, {}, {})
    (row,) = tables.seed_rows(o, half="all")
    assert row[:3] == ["CBOW + NS", 2, "83.3 / 50.0"] and row[4] == "16.7 / 50.0"
    assert row[3] == f"66.7 ± {100 * np.std([5 / 6, 0.5], ddof=1):.1f}"
    assert row[6] == "1 of 2"  # seed 0: 50 against 10 discordant questions; seed 1: 30 against 30
    # the same trainer's two "variants" are here ours and gensim relabelled as two architectures
    for name in list(o.runs):
        if name.startswith("gensim"):
            o.runs[name] = {**o.runs[name], "trainer": "ours", "arch": "skipgram-ns"}
    total = tables.seed_contrast_rows(o, "cbow-ns", "skipgram-ns", half="all")[0]
    assert total[0] == "total" and total[1] == "+66.7 / +0.0" and total[2] == "+33.3" and total[4] == "1 of 2"
    assert total[3].split(" / ")[1] == "1.000"
    with pytest.raises(KeyError, match="No seed has finished"):
        tables.seed_contrast_rows(o, "cbow-ns", "cbow-hs")
    o.answer_rank = np.arange(60) * 100  # answers ranked 0, 100, ..., 5,900
    bands = tables.band_seed_rows(o, "cbow-ns", "skipgram-ns", half="all", edges=(0, 3000, 6000))
    assert [r[0] for r in bands] == ["0-3,000", "3,000-6,000"]
    assert bands[0][1] == "+100.0 / +0.0" and bands[1][1] == "+33.3 / +0.0"  # seed 0: 30 against 0, then 20 against 10
    with pytest.raises(KeyError, match="No seed has finished"):
        tables.band_seed_rows(o, "cbow-ns", "cbow-hs")

"""Evaluation sets from gensim's wheel: sizes, sections, parsing."""

from collections import Counter

from course.data import is_semantic, load_analogies, load_simlex999, load_wordsim353


def test_analogies():
    questions = load_analogies()
    assert len(questions) == 19_544
    sections = list(dict.fromkeys(q[0] for q in questions))
    assert len(sections) == 14
    assert sections[:5] == ["capital-common-countries", "capital-world", "currency", "city-in-state", "family"]
    assert all(s.startswith("gram") for s in sections[5:])
    semantic = sum(is_semantic(q[0]) for q in questions)
    assert (semantic, len(questions) - semantic) == (8_869, 10_675)
    assert all(w == w.lower() and " " not in w for q in questions for w in q[1:])
    assert ("family", "boy", "girl", "king", "queen") in set(questions)
    assert Counter(q[0] for q in questions)["family"] == 506


def test_similarity_sets():
    ws = load_wordsim353()
    sl = load_simlex999()
    assert len(ws) == 353 and len(sl) == 999
    assert all(0 <= s <= 10 for *_, s in ws + sl)
    assert ("tiger", "cat", 7.35) in ws
    assert ("smart", "intelligent", 9.2) in sl


def test_analogy_halves_are_disjoint_stratified_and_stable():
    from collections import Counter

    from course.data.evalsets import analogy_halves, load_analogies

    questions = load_analogies()
    halves = analogy_halves(questions)
    dev, test = halves["dev"], halves["test"]
    assert len(dev) + len(test) == len(questions) and set(dev).isdisjoint(test)
    per_dev, per_test = Counter(q[0] for q in dev), Counter(q[0] for q in test)
    assert set(per_dev) == set(per_test) == {q[0] for q in questions}
    assert all(per_dev[s] - per_test[s] in (0, 1) for s in per_dev)  # each section halved, dev gets the odd one
    assert analogy_halves(questions) == halves  # no seed, no state: the same split every time
    shuffled = list(reversed(questions))  # membership depends on the question, not on its position
    assert set(analogy_halves(shuffled)["dev"]) == set(dev)
    assert [q for q in questions if q in set(dev)] == dev  # file order kept


def test_analogy_halves_keep_a_repeated_question_in_one_half():
    from course.data.evalsets import analogy_halves

    qs = [("s", "a", "b", "c", str(i)) for i in range(9)] + [("s", "a", "b", "c", "3")]
    halves = analogy_halves(qs)
    twin = ("s", "a", "b", "c", "3")
    assert sorted([halves["dev"].count(twin), halves["test"].count(twin)]) == [0, 2]  # both copies in one half
    assert not (set(halves["dev"]) & set(halves["test"]))
    assert len(halves["dev"]) + len(halves["test"]) == 10


def test_analogy_halves_refuse_a_string():
    import pytest

    from course.data.evalsets import analogy_halves

    with pytest.raises(ValueError, match="sequence of \\(section, a, b, c, d\\) tuples"):
        analogy_halves("capital-world athens greece baghdad iraq")

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

"""course.data.transfer: the sentiment sentences, their fixed splits, the misspellings."""

from collections import Counter

import pytest

from course.base.paths import data_dir
from course.data.transfer import SPLITS, LabelledSentence, load_misspellings, load_sentiment, split_of, split_sentiment


def fetched(package: str) -> bool:
    return (data_dir() / "cache" / "pkgs" / package / ".complete").exists()


needs_pattern = pytest.mark.skipif(not fetched("python3-pattern"), reason="python3-pattern not fetched (make data)")


def test_split_of_is_a_pure_function_of_the_text_with_the_declared_shares():
    texts = [f"sentence number {i}" for i in range(20_000)]
    splits = Counter(split_of(t) for t in texts)
    assert abs(splits["test"] / 20_000 - SPLITS["test"]) < 0.01
    assert abs(splits["dev"] / 20_000 - SPLITS["dev"]) < 0.01
    assert [split_of(t) for t in texts[:50]] == [split_of(t) for t in texts[:50]]
    assert split_of("a fine film .") == "test"  # fixed forever: a changed rule would move sentences


def test_split_sentiment_keeps_order_and_never_splits_a_repeated_sentence():
    s = [LabelledSentence(("good", "film", str(i % 7)), i % 2, "") for i in range(60)]
    parts = split_sentiment(s)
    assert sum(len(v) for v in parts.values()) == 60
    where = {}
    for name, items in parts.items():
        for x in items:
            assert where.setdefault(x.tokens, name) == name
        assert items == [x for x in s if split_of(" ".join(x.tokens)) == name]


def test_bad_shares_are_named():
    with pytest.raises(ValueError, match="dev"):
        split_of("x", dev=1.5)
    with pytest.raises(ValueError, match="test"):
        split_of("x", dev=0.5, test=0.6)


@needs_pattern
def test_the_shipped_files():
    s = load_sentiment()
    assert len(s) == 4000 and Counter(x.label for x in s) == {1: 2000, 0: 2000}
    assert all(x.tokens and all(t == t.lower() for t in x.tokens) for x in s)
    parts = split_sentiment(s)
    assert {k: len(v) for k, v in parts.items()} == {"train": 2770, "dev": 413, "test": 817}
    pairs = load_misspellings()
    assert len(pairs) == 500 and pairs[0] == ("ability", "ablity")
    assert all(c != m for c, m in pairs)

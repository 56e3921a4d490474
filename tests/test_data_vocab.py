"""Vocab: frequency order, min_count, max_size, unk, specials, persistence, errors."""

import pytest

from course.base.validation import NotFittedError
from course.data import Vocab

SENTENCES = [["b", "a", "c", "a"], ["c", "a", "d"], ["b", "e"]]  # a:3, b:2, c:2, d:1, e:1


def test_frequency_order_with_alphabetical_ties():
    v = Vocab().fit(SENTENCES)
    assert v.index_to_key == ["<unk>", "a", "b", "c", "d", "e"]
    assert v.key_to_index == {w: i for i, w in enumerate(v.index_to_key)}
    assert v.counts_ == {"<unk>": 0, "a": 3, "b": 2, "c": 2, "d": 1, "e": 1}
    assert v.n_tokens_ == 9
    assert len(v) == 6 and "a" in v and "z" not in v


def test_min_count_and_max_size():
    assert Vocab(min_count=2).fit(SENTENCES).index_to_key == ["<unk>", "a", "b", "c"]
    assert Vocab(max_size=2).fit(SENTENCES).index_to_key == ["<unk>", "a", "b"]
    assert Vocab(min_count=3, unk=None).fit(SENTENCES).index_to_key == ["a"]


def test_specials_come_first_and_are_not_counted_twice():
    v = Vocab(specials=("<pad>", "<s>")).fit(SENTENCES + [["<s>"]])
    assert v.index_to_key[:3] == ["<pad>", "<s>", "<unk>"]
    assert v.index_to_key.count("<s>") == 1


def test_encode_decode_and_unknown_words():
    v = Vocab(min_count=2).fit(SENTENCES)
    assert v.encode(["a", "zzz", "c"]) == [1, 0, 3]
    assert v.decode([1, 3]) == ["a", "c"]
    strict = Vocab(unk=None).fit(SENTENCES)
    assert strict.encode(["a", "e"]) == [0, 4]
    with pytest.raises(KeyError, match="'zzz'"):
        strict.encode(["a", "zzz"])
    with pytest.raises(IndexError):
        strict.decode([99])


def test_save_load_round_trip(tmp_path):
    v = Vocab(min_count=1, max_size=4, specials=("<s>",)).fit(SENTENCES)
    v.save(tmp_path / "vocab.json")
    w = Vocab.load(tmp_path / "vocab.json")
    assert w.index_to_key == v.index_to_key
    assert w.key_to_index == v.key_to_index
    assert w.counts_ == v.counts_
    assert (w.min_count, w.max_size, w.unk, tuple(w.specials)) == (1, 4, "<unk>", ("<s>",))
    assert w.encode(["e", "a"]) == v.encode(["e", "a"])


def test_not_fitted_errors():
    v = Vocab()
    for use in (
        lambda: len(v),
        lambda: "a" in v,
        lambda: v.encode(["a"]),
        lambda: v.decode([0]),
        lambda: v.save("x.json"),
    ):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            use()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"min_count": 0},
            ValueError,
            "The 'min_count' parameter of Vocab must be an int in the range [1, inf). Got 0",
        ),
        ({"min_count": 1.5}, TypeError, "'min_count' parameter of Vocab must be an int"),
        ({"max_size": 0}, ValueError, "'max_size' parameter of Vocab"),
        ({"unk": 3}, TypeError, "'unk' parameter of Vocab"),
        ({"specials": "<s>"}, TypeError, "'specials' parameter of Vocab"),
        ({"specials": ("<unk>",)}, ValueError, "'specials' parameter of Vocab"),
    ],
)
def test_bad_parameters_are_named(kwargs, error, message):
    with pytest.raises(error) as info:
        Vocab(**kwargs).fit(SENTENCES)
    assert message in str(info.value)


def test_fit_rejects_untokenized_text():
    with pytest.raises(TypeError, match="tokenize it first"):
        Vocab().fit(["a sentence as a string"])

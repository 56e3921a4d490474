"""A disk cache for expensive results (trained vectors, models), keyed by what determines them.

The key is a hash of the kind of result, its hyperparameters, the checksum of the corpus it was
trained on and the package version, so a later chapter reuses what an earlier one trained and a
change to any of them retrains. A cold cache always works: ``compute`` is called.

>>> import tempfile, os
>>> os.environ["COURSE_DATA_DIR"] = tempfile.mkdtemp()
>>> calls = []
>>> def train():
...     calls.append(1)
...     return {"answer": 42}
>>> cached("demo", {"dim": 10}, "abc", train)
{'answer': 42}
>>> cached("demo", {"dim": 10}, "abc", train), len(calls)
({'answer': 42}, 1)
>>> del os.environ["COURSE_DATA_DIR"]
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .paths import data_dir

__all__ = ["cache_key", "cache_path", "cached", "atomic_write_bytes"]

T = TypeVar("T")


def cache_key(kind: str, params: dict[str, Any], corpus_checksum: str) -> str:
    """A stable hex key for ``(kind, params, corpus_checksum, package version)``."""
    payload = json.dumps(
        {"kind": kind, "params": params, "corpus": corpus_checksum, "version": __version__},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def cache_path(kind: str, params: dict[str, Any], corpus_checksum: str) -> Path:
    """The file a result with this key is stored in."""
    return data_dir() / "cache" / kind / f"{cache_key(kind, params, corpus_checksum)}.pkl"


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file and a rename (never a half file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached(kind: str, params: dict[str, Any], corpus_checksum: str, compute: Callable[[], T]) -> T:
    """Return the cached result for the key, or ``compute()`` it, store it and return it.

    Results are pickled; store plain containers, NumPy arrays and ``state_dict``s (tensors
    pickle fine), not open files.
    """
    path = cache_path(kind, params, corpus_checksum)
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    result = compute()
    atomic_write_bytes(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result

"""The word2vec-at-scale files: one ``.npz`` format for run files and shipped artifacts.

Every file holds NumPy arrays plus a JSON ``__meta__`` (UTF-8 bytes) with ``format``
:data:`FORMAT`; it is read with ``allow_pickle=False``, so a file can hold numbers and strings but
never code. :func:`read_outcomes` and :func:`read_vectors` open the two shipped artifacts;
:func:`load_outcomes` and :func:`load_vectors` open them through :mod:`course.pretrained`
(sha256 checked).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...base.cache import atomic_path
from ..outcomes import Outcomes

__all__ = ["FORMAT", "save_npz", "read_npz", "read_outcomes", "read_vectors", "load_outcomes", "load_vectors"]

FORMAT = 1


def save_npz(path: Path, arrays: dict, meta: dict) -> None:
    """Write ``arrays`` and ``meta`` to ``path`` atomically (never a partial file)."""
    arrays = {**arrays, "__meta__": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)


def read_npz(path: Path, what: str) -> tuple[dict, dict]:
    """``(arrays, meta)`` of a file :func:`save_npz` wrote; a clear error names any other file."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["__meta__"].tobytes().decode("utf-8"))
            arrays = {k: npz[k] for k in npz.files if k != "__meta__"}
    except (OSError, KeyError, ValueError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not {what} written by course.evaluation.at_scale: {error}") from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path} has format {meta.get('format')!r}; this version reads format {FORMAT}.")
    return arrays, meta


def read_outcomes(path: str | Path) -> Outcomes:
    """The outcomes ``.npz`` written by :func:`write_outcomes` (checked against the questions file)."""
    from ...base.cache import file_sha256
    from ...data import load_analogies
    from ...data.evalsets import evalset_path

    arrays, meta = read_npz(Path(path), "analogy outcomes")
    if meta.get("kind") != "word2vec_outcomes":
        raise ValueError(f"{path} holds {meta.get('kind')!r}, not word2vec_outcomes.")
    if meta["questions_sha256"] != file_sha256(evalset_path("questions-words.txt")):
        raise ValueError(f"{path} was scored on another analogy question file than the course's.")
    questions = load_analogies()
    codes = {k.split(":", 1)[1]: v for k, v in arrays.items() if k.startswith("outcome:")}
    bad = [n for n, c in codes.items() if c.shape != (len(questions),)]
    if bad:
        raise ValueError(f"{path}: the runs {bad} do not have one outcome per question ({len(questions)}).")
    ranks = {k.split(":", 1)[1]: v for k, v in arrays.items() if k.startswith("answer_rank:")}
    return Outcomes(codes, meta["runs"], questions, arrays.get("answer_rank"), ranks, meta)


def read_vectors(path: str | Path):
    """``(KeyedVectors, meta)`` from :func:`write_vectors`'s file (float32, frequency order)."""
    from ...vectors import KeyedVectors

    arrays, meta = read_npz(Path(path), "word vectors")
    return KeyedVectors(
        [str(w) for w in arrays["words"]], arrays["vectors"].astype(np.float32), counts=arrays["counts"]
    ), meta


def load_outcomes() -> Outcomes:
    """The shipped outcomes (artifact ``word2vec-outcomes``, sha256 checked)."""
    from ... import pretrained

    return pretrained.load("word2vec-outcomes")


def load_vectors():
    """The shipped at-scale Skip-gram vectors (artifact ``word2vec-vectors``, sha256 checked)."""
    from ... import pretrained

    return pretrained.load("word2vec-vectors")

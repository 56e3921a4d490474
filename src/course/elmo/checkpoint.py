"""Save and load a trained biLM safely: plain data only, read with ``weights_only=True``, sha256-checked.

A checkpoint is one ``torch.save`` file holding a dict of plain types and tensors: the format
version, the :class:`~course.elmo.bilm.BiLMConfig` as a dict, the ``state_dict`` (optionally in
float16, half the size), the softmax vocabulary (its words, counts and parameters) and free-form
metadata (training command, seed, corpus checksum, perplexities). :func:`load_checkpoint` reads it
with ``torch.load(..., weights_only=True)``, which refuses anything but tensors and plain
containers, so loading a file never runs code; when given the expected sha256 it checks the file
first and says what to do if it differs.

>>> import tempfile, os
>>> from course.data import Vocab
>>> from course.elmo.bilm import BiLM, BiLMConfig
>>> vocab = Vocab(specials=("</s>",)).fit([["a", "b"]])
>>> model = BiLM(BiLMConfig(n_words=len(vocab), max_word_length=6, filters=((1, 4), (2, 4)), projection_dim=8))
>>> path = os.path.join(tempfile.mkdtemp(), "bilm.pt")
>>> digest = save_checkpoint(path, model, vocab, {"seed": 0})
>>> loaded = load_checkpoint(path, sha256=digest)
>>> loaded.vocab.index_to_key, loaded.meta["seed"]
(['</s>', '<unk>', 'a', 'b'], 0)
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import NamedTuple

import torch

from ..cache import atomic_write_bytes
from .bilm import BiLM, BiLMConfig

__all__ = ["FORMAT", "Checkpoint", "ChecksumMismatch", "file_sha256", "save_checkpoint", "load_checkpoint"]

#: Version of the checkpoint layout.
FORMAT = 1


class ChecksumMismatch(ValueError):
    """A checkpoint file is not the one expected."""


class Checkpoint(NamedTuple):
    """What :func:`load_checkpoint` returns."""

    model: BiLM  # in eval mode, float32
    vocab: object  # course.data.Vocab: the softmax vocabulary
    meta: dict  # whatever was saved with it
    sha256: str  # of the file read


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_checkpoint(path: str | Path, model: BiLM, vocab, meta: dict | None = None, half: bool = False) -> str:
    """Write ``model`` and its vocabulary to ``path`` (atomically); return the file's sha256.

    Parameters
    ----------
    path : str or Path
    model : BiLM
    vocab : course.data.Vocab
        The fitted softmax vocabulary (``len(vocab) == model.config.n_words``).
    meta : dict, optional
        Plain types only (str, int, float, bool, None, lists, dicts).
    half : bool, default=False
        Store floating-point weights as float16 (half the size; loaded back as float32).
    """
    if len(vocab) != model.config.n_words:
        raise ValueError(f"The vocabulary has {len(vocab)} words but the model's softmax has {model.config.n_words}.")
    state = {k: (v.half() if half and v.is_floating_point() else v).clone() for k, v in model.state_dict().items()}
    payload = {
        "format": FORMAT,
        "config": model.config.to_dict(),
        "state_dict": state,
        "vocab": {
            "min_count": vocab.min_count,
            "max_size": vocab.max_size,
            "unk": vocab.unk,
            "specials": list(vocab.specials),
            "index_to_key": list(vocab.index_to_key),
            "counts": [int(vocab.counts_[w]) for w in vocab.index_to_key],
            "n_tokens": int(getattr(vocab, "n_tokens_", 0)),
        },
        "meta": dict(meta or {}),
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    data = buffer.getvalue()
    atomic_write_bytes(Path(path), data)
    return hashlib.sha256(data).hexdigest()


def _vocab_from(payload: dict):
    from ..data import Vocab

    vocab = Vocab(payload["min_count"], payload["max_size"], payload["unk"], tuple(payload["specials"]))
    vocab.index_to_key = list(payload["index_to_key"])
    vocab.key_to_index = {w: i for i, w in enumerate(vocab.index_to_key)}
    vocab.counts_ = dict(zip(vocab.index_to_key, payload["counts"]))
    vocab.n_tokens_ = payload["n_tokens"]
    return vocab


def load_checkpoint(path: str | Path, sha256: str | None = None) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Parameters
    ----------
    path : str or Path
    sha256 : str or None, default=None
        Expected hex digest of the file; a different file raises :class:`ChecksumMismatch`.

    Returns
    -------
    Checkpoint
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No biLM checkpoint at {path}; train one with `python -m course.elmo.train --out {path}`.")
    digest = file_sha256(path)
    if sha256 is not None and digest != sha256:
        raise ChecksumMismatch(
            f"The biLM checkpoint {path} has sha256 {digest}, but {sha256} was expected: the file is "
            "damaged or was replaced. Restore it (git checkout) or retrain it with the command recorded "
            "in course.elmo.pretrained and update the recorded sha256."
        )
    payload = torch.load(path, map_location="cpu", weights_only=True)
    if payload.get("format") != FORMAT:
        raise ValueError(f"{path} is a biLM checkpoint of format {payload.get('format')!r}; this code reads format {FORMAT}.")
    model = BiLM(BiLMConfig(**payload["config"]))
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in payload["state_dict"].items()})
    model.eval()
    return Checkpoint(model, _vocab_from(payload["vocab"]), payload["meta"], digest)

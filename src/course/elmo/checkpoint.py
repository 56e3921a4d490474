"""Save and load a trained biLM safely: plain data only, read with ``weights_only=True``, sha256-checked.

A checkpoint is one ``torch.save`` file holding a dict of plain types and tensors: the format
version, the :class:`~course.elmo.bilm.BiLMConfig` as a dict, the ``state_dict`` (optionally in
float16, half the size), the softmax vocabulary (its words, counts and parameters) and free-form
metadata (training command, seed, corpus checksum, perplexities). :func:`save_checkpoint` writes
it atomically with its sha256 next to it (``<file>.sha256``, ``sha256sum``'s format).

:func:`load_checkpoint` checks the file before reading it: by default against the sha256 recorded
for it (the ``.sha256`` file written with it; the shipped biLM's digest comes from the artifact
registry, :mod:`course.pretrained`). It reads only a torch zip archive, with
``torch.load(..., weights_only=True)``, which refuses anything but tensors and plain containers,
so loading a file never runs code; a truncated or damaged file is a :class:`CheckpointError`
naming it and saying how to remake it. A configuration that would build a model of more than
:data:`MAX_PARAMETERS` parameters (or more than :data:`MAX_LAYERS` layers) is refused before
anything is allocated.

>>> import tempfile, os
>>> from course.data import Vocab
>>> from course.elmo.bilm import BiLM, BiLMConfig
>>> vocab = Vocab(specials=("</s>",)).fit([["a", "b"]])
>>> model = BiLM(BiLMConfig(n_words=len(vocab), max_word_length=6, filters=((1, 4), (2, 4)), projection_dim=8))
>>> path = os.path.join(tempfile.mkdtemp(), "bilm.pt")
>>> digest = save_checkpoint(path, model, vocab, {"seed": 0})
>>> loaded = load_checkpoint(path)                     # checked against bilm.pt.sha256
>>> loaded.vocab.index_to_key, loaded.meta["seed"], loaded.sha256 == digest
(['</s>', '<unk>', 'a', 'b'], 0, True)
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import NamedTuple

import torch

from ..base.cache import checksum_path, file_sha256, recorded_sha256, write_verified
from .bilm import BiLM, BiLMConfig

__all__ = [
    "FORMAT",
    "MAX_PARAMETERS",
    "MAX_LAYERS",
    "RECORDED",
    "Checkpoint",
    "CheckpointError",
    "ChecksumMismatch",
    "file_sha256",
    "recorded_checksum",
    "save_checkpoint",
    "load_checkpoint",
]

#: Version of the checkpoint layout.
FORMAT = 1
#: The largest model :func:`load_checkpoint` builds: 2**29 parameters (2.1 GB in float32; the
#: chapter's biLM has about 3 M, ELMo's original 94 M plus a 406 M-parameter softmax).
MAX_PARAMETERS = 2**29
#: The most LSTM layers, highway layers or convolution widths :func:`load_checkpoint` builds (ELMo: 2, 2, 7).
MAX_LAYERS = 100
#: ``load_checkpoint(sha256=RECORDED)``: check the file against the sha256 recorded for it.
RECORDED = "recorded"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read safely: damaged, not a checkpoint, or too large a model."""


class ChecksumMismatch(CheckpointError):
    """A checkpoint file is not the one expected."""


class Checkpoint(NamedTuple):
    """What :func:`load_checkpoint` returns."""

    model: BiLM  # in eval mode, float32
    vocab: object  # course.data.Vocab: the softmax vocabulary
    meta: dict  # whatever was saved with it
    sha256: str  # of the file read


def save_checkpoint(path: str | Path, model: BiLM, vocab, meta: dict | None = None, half: bool = False) -> str:
    """Write ``model`` and its vocabulary to ``path`` (atomically) and ``<path>.sha256``; return the sha256.

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
    return write_verified(Path(path), buffer.getvalue())


def recorded_checksum(path: str | Path) -> str | None:
    """The sha256 recorded for a checkpoint in its ``.sha256`` file (written by :func:`save_checkpoint`), or None.

    The shipped biLM has its digest in the artifact registry instead (:mod:`course.pretrained`,
    which passes it to :func:`load_checkpoint`).
    """
    return recorded_sha256(Path(path))


def _remedy(path: Path) -> str:
    return (
        f"Restore it (`python -m course.pretrained verify` says which shipped file is damaged; "
        f"`git checkout -- {path.name}` in {path.parent}), download it again, or retrain it with "
        f"`python -m course.elmo.train --out {path}` (which records its sha256)."
    )


def _check_size(config: BiLMConfig, path: Path, max_parameters: int) -> dict[str, torch.Size]:
    """Count the parameters ``config`` asks for without allocating them (on the meta device)."""
    c = config
    layers = {"n_layers": c.n_layers, "n_highway": c.n_highway, "filters": len(c.filters)}
    deep = {k: v for k, v in layers.items() if v > MAX_LAYERS}
    if deep:  # each layer is a module to build: a million of them take minutes even on the meta device
        raise CheckpointError(
            f"The biLM checkpoint {path} asks for {', '.join(f'{k}={v:,}' for k, v in deep.items())}, more than "
            f"{MAX_LAYERS} layers; it was refused before allocating. Its configuration: {config}."
        )
    features = sum(n for _, n in c.filters)
    # A lower bound first, by hand (softmax, LSTM input weights, highway, convolutions):
    # a configuration they already put over the bound is refused without building even the skeleton.
    n = (
        c.n_words * c.projection_dim
        + 8 * c.n_layers * c.hidden_size * c.projection_dim
        + 2 * c.n_highway * features * features
        + sum(w * c.char_dim * k for w, k in c.filters)
    )
    if n <= max_parameters:
        with torch.device("meta"):
            skeleton = BiLM(config)
        n = sum(p.numel() for p in skeleton.parameters())
    if n > max_parameters:
        raise CheckpointError(
            f"The biLM checkpoint {path} asks for a model of {n:,} parameters ({4 * n / 2**30:,.1f} GiB in "
            f"float32), more than max_parameters={max_parameters:,}; it was refused before allocating. "
            f"Its configuration: {config}."
        )
    return {k: v.shape for k, v in skeleton.state_dict().items()}


def _read(path: Path) -> dict:
    """``torch.load(weights_only=True)`` of a torch zip archive, every failure a CheckpointError."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":  # torch.save's zip format; older formats are not read at all
        raise CheckpointError(
            f"The file {path} is not a biLM checkpoint (not a torch zip archive): it is "
            f"truncated, damaged or another kind of file. {_remedy(path)}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch raises RuntimeError, UnpicklingError, EOFError, KeyError...
        raise CheckpointError(
            f"The biLM checkpoint {path} cannot be read ({type(error).__name__}): it is truncated or damaged, or "
            "it holds more than tensors and plain containers (which is refused: loading it could run code). "
            f"{_remedy(path)}"
        ) from None
    if not isinstance(payload, dict) or not {"format", "config", "state_dict", "vocab"} <= set(payload):
        raise CheckpointError(
            f"The file {path} is not a biLM checkpoint (it lacks format, config, state_dict or vocab). {_remedy(path)}"
        )
    return payload


def _vocab_from(payload: dict):
    from ..data import Vocab

    vocab = Vocab(payload["min_count"], payload["max_size"], payload["unk"], tuple(payload["specials"]))
    vocab.index_to_key = list(payload["index_to_key"])
    vocab.key_to_index = {w: i for i, w in enumerate(vocab.index_to_key)}
    vocab.counts_ = dict(zip(vocab.index_to_key, payload["counts"]))
    vocab.n_tokens_ = payload["n_tokens"]
    return vocab


def load_checkpoint(
    path: str | Path, sha256: str | None = RECORDED, *, max_parameters: int = MAX_PARAMETERS
) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`, after checking its sha256.

    Parameters
    ----------
    path : str or Path
    sha256 : str or None, default="recorded"
        Expected hex digest of the file; a different file raises :class:`ChecksumMismatch`.
        ``"recorded"``: the digest recorded for it (:func:`recorded_checksum`: the shipped
        biLM's, or ``<path>.sha256``); a file with none is refused. None: no check.
    max_parameters : int, default=MAX_PARAMETERS
        Refuse a configuration asking for a larger model, before allocating it.

    Returns
    -------
    Checkpoint

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ChecksumMismatch
        The file's sha256 is not the expected one.
    CheckpointError
        The file is truncated, damaged, not a checkpoint, holds more than plain data, or its
        configuration asks for too large or inconsistent a model.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"No biLM checkpoint at {path}; train one with `python -m course.elmo.train --out {path}`."
        )
    if isinstance(sha256, str) and sha256 == RECORDED:
        sha256 = recorded_checksum(path)
        if sha256 is None:
            raise CheckpointError(
                f"No sha256 is recorded for the biLM checkpoint {path} ({checksum_path(path).name}, which "
                "save_checkpoint writes, is missing or malformed). Pass the digest you expect, "
                "load_checkpoint(path, sha256=...), or, if you trust the file, record it with "
                f"`sha256sum {path.name} > {checksum_path(path).name}` in its folder."
            )
    digest = file_sha256(path)
    if sha256 is not None and digest != sha256:
        raise ChecksumMismatch(
            f"The biLM checkpoint {path} has sha256 {digest}, but {sha256} was expected: the file is "
            f"damaged or was replaced. {_remedy(path)}"
        )
    payload = _read(path)
    if payload["format"] != FORMAT:
        raise CheckpointError(
            f"{path} is a biLM checkpoint of format {payload['format']!r}; this code reads format {FORMAT}."
        )
    try:
        config = BiLMConfig(**payload["config"])
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"The biLM checkpoint {path} holds an invalid configuration: {error}") from None
    shapes = _check_size(config, path, max_parameters)
    state = payload["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"The biLM checkpoint {path} holds a state_dict that is not a dict of tensors.")
    wrong = [
        k for k in shapes.keys() | state.keys() if k not in state or k not in shapes or state[k].shape != shapes[k]
    ]
    if wrong:
        raise CheckpointError(
            f"The weights in {path} do not fit its configuration (missing, unexpected or of "
            f"another shape: {', '.join(sorted(wrong)[:5])}{', ...' if len(wrong) > 5 else ''})."
        )
    try:
        vocab = _vocab_from(payload["vocab"])
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(
            f"The biLM checkpoint {path} holds an invalid vocabulary ({type(error).__name__}: {error})."
        ) from None
    if len(vocab.index_to_key) != config.n_words:
        raise CheckpointError(
            f"The biLM checkpoint {path} has a vocabulary of {len(vocab.index_to_key)} words but a "
            f"softmax of {config.n_words}."
        )
    model = BiLM(config)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    model.eval()
    return Checkpoint(model, vocab, payload.get("meta", {}), digest)

"""biLM checkpoints that are damaged, hostile or absurd (course.elmo.checkpoint.load_checkpoint).

Fault class: a checkpoint file handed to the package is truncated, changed, not a checkpoint,
holds a pickle that would run code, or asks for a model too large to allocate. Each is a clear
error naming the file and saying how to remake it; none advises ``weights_only=False``; nothing
is unpickled and nothing large is allocated.
"""

from __future__ import annotations

import io
import os
import pickle
import time

import pytest
import torch

from course import pretrained
from course.base.cache import checksum_path
from course.data import Vocab
from course.elmo.bilm import BiLM, BiLMConfig
from course.elmo.checkpoint import (
    MAX_PARAMETERS,
    CheckpointError,
    ChecksumMismatch,
    load_checkpoint,
    recorded_checksum,
    save_checkpoint,
)


class _Marker:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _saved(tmp_path, **overrides):
    vocab = Vocab(specials=("</s>",)).fit([["a", "b", "a"]])
    torch.manual_seed(0)
    config = dict(
        n_words=len(vocab),
        max_word_length=8,
        char_dim=4,
        filters=((1, 4), (2, 4)),
        n_highway=1,
        projection_dim=6,
        hidden_size=6,
        dropout=0.0,
    )
    model = BiLM(BiLMConfig(**config))
    path = tmp_path / "bilm.pt"
    save_checkpoint(path, model, vocab, {"seed": 0})
    return path, model


def _rewrite(path, change):
    """Rewrite a checkpoint's payload with ``change(payload)`` (and no recorded sha256)."""
    payload = torch.load(path, weights_only=True)
    change(payload)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    path.write_bytes(buffer.getvalue())
    checksum_path(path).unlink(missing_ok=True)


def _no_unsafe_advice(error):
    text = str(error)
    assert "weights_only=False" not in text and "weights_only` set to `False" not in text
    assert error.__cause__ is None or "weights_only" not in str(error.__cause__)


def test_the_recorded_sha256_is_checked_by_default(tmp_path):
    path, model = _saved(tmp_path)
    assert recorded_checksum(path) == checksum_path(path).read_text().split()[0]
    loaded = load_checkpoint(path)
    assert all(torch.equal(v, loaded.model.state_dict()[k]) for k, v in model.state_dict().items())
    # the shipped biLM has no .sha256 beside it: its digest is the registry's, and loading it alone is refused
    assert recorded_checksum(pretrained.artifact_path("bilm")) is None
    with pytest.raises(CheckpointError, match="no recorded sha256|sha256"):
        load_checkpoint(pretrained.artifact_path("bilm"))


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_a_damaged_file_is_refused_by_its_sha256(tmp_path, how):
    path, _ = _saved(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2] if how == "truncated" else raw[:-100] + bytes(b ^ 1 for b in raw[-100:]))
    with pytest.raises(ChecksumMismatch, match=rf"{path}.*damaged or was replaced.*retrain it") as error:
        load_checkpoint(path)
    _no_unsafe_advice(error.value)


def test_a_wrong_expected_sha256_is_refused(tmp_path):
    path, _ = _saved(tmp_path)
    with pytest.raises(ChecksumMismatch, match="but 0{64} was expected"):
        load_checkpoint(path, sha256="0" * 64)


def test_a_file_without_a_recorded_sha256_needs_one(tmp_path):
    path, _ = _saved(tmp_path)
    checksum_path(path).unlink()
    with pytest.raises(CheckpointError, match=r"No sha256 is recorded.*sha256=.*sha256sum bilm\.pt > bilm\.pt\.sha256"):
        load_checkpoint(path)
    assert load_checkpoint(path, sha256=None).meta == {"seed": 0}  # unless told not to check


@pytest.mark.parametrize("content", ["truncated", "empty", "garbage", "text"])
def test_an_unchecked_damaged_file_is_a_clear_error(tmp_path, content):
    path, _ = _saved(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(
        {"truncated": raw[: len(raw) // 2], "empty": b"", "garbage": os.urandom(4000), "text": b"hello\n"}[content]
    )
    with pytest.raises(
        CheckpointError, match=rf"{path}.*(truncated|damaged).*python -m course.elmo.train --out"
    ) as error:
        load_checkpoint(path, sha256=None)
    _no_unsafe_advice(error.value)


@pytest.mark.parametrize("container", ["torch zip", "plain pickle"])
def test_a_pickle_that_would_run_code_is_never_run(tmp_path, container):
    path = tmp_path / "evil.pt"
    marker = tmp_path / "ran"
    payload = {"format": 1, "config": {}, "state_dict": {}, "vocab": {}, "meta": _Marker(marker)}
    if container == "torch zip":
        torch.save(payload, path)
    else:
        path.write_bytes(pickle.dumps(payload))
    with pytest.raises(CheckpointError, match=r"could run code|not a torch zip archive") as error:
        load_checkpoint(path, sha256=None)
    _no_unsafe_advice(error.value)
    assert not marker.exists()


@pytest.mark.parametrize(
    "update, message",
    [
        ({"n_words": 10**12}, r"a model of [\d,]+ parameters \([\d,.]+ GiB in float32\), more than max_parameters"),
        ({"hidden_size": 10**7}, r"a model of [\d,]+ parameters"),
        ({"projection_dim": 10**6, "hidden_size": 10**6}, r"a model of [\d,]+ parameters"),
        ({"n_highway": 10**6}, "n_highway=1,000,000, more than 100 layers"),
        ({"n_layers": 5000}, "n_layers=5,000, more than 100 layers"),
    ],
)
def test_an_absurd_configuration_is_refused_before_allocating(tmp_path, update, message):
    path, _ = _saved(tmp_path)
    _rewrite(path, lambda p: p["config"].update(update))
    start = time.perf_counter()
    with pytest.raises(CheckpointError, match=rf"{path} asks for {message}.*refused before allocating"):
        load_checkpoint(path, sha256=None)
    assert time.perf_counter() - start < 2.0  # nothing of that size was built
    assert MAX_PARAMETERS == 2**29


def test_the_bound_counts_every_parameter(tmp_path):
    path, model = _saved(tmp_path)
    n = sum(p.numel() for p in model.parameters())
    assert load_checkpoint(path, max_parameters=n).model is not None
    with pytest.raises(CheckpointError, match=f"{n:,} parameters"):
        load_checkpoint(path, max_parameters=n - 1)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p["config"].update({"n_words": -1}), "invalid configuration"),
        (lambda p: p["config"].update({"projection_dim": 8, "hidden_size": 8}), "do not fit its configuration"),
        (lambda p: p["config"].update({"nonsense": 1}), "invalid configuration"),
        (lambda p: p["vocab"].pop("index_to_key"), "invalid vocabulary"),
        (lambda p: p.pop("state_dict"), "not a biLM checkpoint"),
    ],
)
def test_an_inconsistent_checkpoint_is_refused(tmp_path, change, message):
    path, _ = _saved(tmp_path)
    _rewrite(path, change)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path, sha256=None)

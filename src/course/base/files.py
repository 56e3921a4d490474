"""Files the package writes: atomic, checksummed, healed when damaged.

Two layers, the second built on the first (:mod:`course.base.cache` keeps results on top of both):

1. **Atomic writes.** :func:`atomic_path` (and :func:`atomic_open`, :func:`atomic_write_bytes` on
   top of it) writes to a temporary file in the target's folder and renames it over the target
   with ``os.replace``: a crash or an exception leaves the old file or nothing, never half a file.
2. **Verified files.** :func:`write_verified` writes a file, then its checksum next to it,
   ``<file>.sha256``, in ``sha256sum``'s format (``sha256sum -c`` checks it). :func:`read_verified`
   reads the file once, checks it against that line and returns the bytes. A file that is
   damaged (truncated, changed, or missing its checksum) is reported once with a
   :class:`CacheWarning` naming it, deleted with its checksum, and treated as absent, so the
   caller computes it again: no error repeats until someone deletes files by hand.
   :func:`load_json` / :func:`save_json` do this for JSON files.

>>> import tempfile
>>> target = Path(tempfile.mkdtemp()) / "numbers.json"
>>> digest = save_json(target, [1, 2])
>>> load_json(target), recorded_sha256(target) == digest == file_sha256(target)
([1, 2], True)
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "CacheWarning",
    "file_digest",
    "file_sha256",
    "atomic_path",
    "atomic_open",
    "atomic_write_bytes",
    "checksum_path",
    "record_sha256",
    "recorded_sha256",
    "write_verified",
    "read_verified",
    "discard",
    "save_json",
    "load_json",
]


class CacheWarning(UserWarning):
    """A cached or built file was damaged: it was deleted and will be made again."""


# ---------------------------------------------------------------------------- hashing
def file_digest(path: str | Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file's bytes (read in blocks), with any :mod:`hashlib` algorithm."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, algorithm).hexdigest()


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes: the one checksum helper of the package."""
    return file_digest(path, "sha256")


# ---------------------------------------------------------------------------- atomic writes
@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path next to ``path``, renamed over ``path`` if the ``with`` block succeeds.

    For writers that want a file name (``np.save``, ``torch.save``, ``save_word2vec_format``);
    the temporary name keeps ``path``'s suffix. If the block raises, the temporary file is
    deleted and ``path`` is untouched.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('done', ['out.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:  # like tempfile.mkstemp, but with the permissions the umask gives (not 0600)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp{path.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | Path, mode: str = "wb", **kwargs) -> Iterator[IO]:
    """``open(path, mode)`` for writing, through :func:`atomic_path` (all or nothing)."""
    if not any(c in mode for c in "wx"):
        raise ValueError(
            f"The 'mode' parameter of atomic_open must be a writing mode ('w', 'wb', ...). Got {mode!r} instead."
        )
    with atomic_path(path) as tmp:
        with open(tmp, mode.replace("x", "w"), **kwargs) as f:
            yield f


def atomic_write_bytes(path: str | Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file and a rename (never a half file)."""
    with atomic_open(path, "wb") as f:
        f.write(payload)


# ---------------------------------------------------------------------------- verified files
def checksum_path(path: str | Path) -> Path:
    """``<path>.sha256``: where :func:`write_verified` records a file's checksum."""
    path = Path(path)
    return path.with_name(path.name + ".sha256")


def write_verified(path: str | Path, payload: bytes | Callable[[IO[bytes]], None]) -> str:
    """Write ``path`` atomically, then its checksum file; return the sha256.

    Parameters
    ----------
    path : str or Path
    payload : bytes or callable
        The bytes, or a function that writes them to the binary file it is given.

    Returns
    -------
    str
        The hex sha256 of what was written (also in ``<path>.sha256``).
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            if callable(payload):
                payload(f)
            else:
                f.write(payload)
        digest = file_sha256(tmp)
    # The checksum goes last: a crash in between leaves a file without one, read as damaged.
    record_sha256(path, digest)
    return digest


def record_sha256(path: str | Path, digest: str | None = None) -> str:
    """Write ``<path>.sha256`` (``sha256sum``'s format) for a file already in place; return the digest."""
    path = Path(path)
    digest = file_sha256(path) if digest is None else digest
    atomic_write_bytes(checksum_path(path), f"{digest}  {path.name}\n".encode())
    return digest


def discard(path: str | Path, reason: str, remedy: str = "it will be computed again") -> None:
    """Warn once that ``path`` is damaged (:class:`CacheWarning`), and delete it and its checksum."""
    path = Path(path)
    try:
        path.unlink(missing_ok=True)
        checksum_path(path).unlink(missing_ok=True)
        done = f"it was deleted and {remedy}"
    except OSError as error:  # a read-only data folder: say so, and let the caller go on without it
        done = f"it could not be deleted ({error.strerror}); delete it by hand"
    warnings.warn(f"The file {path} is damaged ({reason}); {done}.", CacheWarning, stacklevel=3)


def recorded_sha256(path: str | Path) -> str | None:
    """The hex digest recorded in ``<path>.sha256``, or None if that file is missing or malformed."""
    path = Path(path)
    try:
        line = checksum_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    digest, _, name = line.partition("  ")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or name != path.name:
        return None
    return digest


def read_verified(path: str | Path, remedy: str = "it will be computed again") -> bytes | None:
    """The bytes of ``path`` if they match ``<path>.sha256``; None if absent or damaged.

    A damaged file (no or malformed checksum file, different checksum: truncated, changed) is
    reported with :func:`discard` and deleted. A checksum that differs is read a second time
    after a moment first, in case another process was replacing the file just then.
    """
    path = Path(path)
    for attempt in range(2):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            checksum_path(path).unlink(missing_ok=True)  # a checksum of nothing
            return None
        recorded = recorded_sha256(path)
        if recorded is not None and hashlib.sha256(data).hexdigest() == recorded:
            return data
        if attempt == 0:
            time.sleep(0.05)
    if recorded is None:
        reason = f"its checksum file {checksum_path(path).name} is missing or malformed"
    else:
        reason = f"sha256 {hashlib.sha256(data).hexdigest()[:12]}..., recorded {recorded[:12]}..."
    discard(path, reason, remedy)
    return None


def save_json(path: str | Path, obj: Any) -> str:
    """Write ``obj`` as JSON with :func:`write_verified`; return its sha256."""
    return write_verified(path, (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def load_json(
    path: str | Path, check: Callable[[Any], bool] | None = None, remedy: str = "it will be computed again"
) -> Any:
    """The JSON in ``path`` (written by :func:`save_json`), or None if absent or damaged.

    Parameters
    ----------
    path : str or Path
    check : callable, optional
        ``check(obj)`` is False (or raises) when the content has the wrong shape; such a file is
        damaged too.
    remedy : str
        What happens next, for the warning ("it will be computed again").
    """
    data = read_verified(path, remedy)
    if data is None:
        return None
    try:
        obj = json.loads(data.decode("utf-8"))
        if check is not None and not check(obj):
            raise ValueError("unexpected content")
    except (ValueError, TypeError, KeyError, AttributeError) as error:  # JSONDecodeError is a ValueError
        discard(path, f"not the expected JSON: {error}", remedy)
        return None
    return obj

"""Where the course keeps data and caches.

The data directory is ``$COURSE_DATA_DIR`` if set, else ``data/`` at the root of the checkout
(found by walking up from this file to the folder holding ``pyproject.toml``), else
``~/.cache/course``. Nothing in it is committed.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "data_dir"]


def project_root() -> Path | None:
    """The checkout's root (the folder with ``pyproject.toml``), or None for a non-editable install."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").exists() and (parent / "src" / "course").is_dir():
            return parent
    return None


def data_dir() -> Path:
    """The directory that holds extracted corpora, evaluation sets and caches (created if missing)."""
    env = os.environ.get("COURSE_DATA_DIR")
    if env:
        path = Path(env)
    else:
        root = project_root()
        path = root / "data" if root is not None else Path.home() / ".cache" / "course"
    path.mkdir(parents=True, exist_ok=True)
    return path

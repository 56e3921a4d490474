"""Re-execute chapter notebooks top to bottom in a fresh kernel and save their outputs.

``make notebooks`` (or ``make notebooks NB=01``) calls this; outputs are never edited by hand.
Each notebook runs with ``notebooks/`` as its working directory, as nbval and the book run it.

Usage::

    python -m course.notebooks execute notebooks/00_corpus.ipynb [...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["execute"]


def execute(path: Path, timeout: int = 1200) -> float:
    """Execute ``path`` in a fresh kernel, write it back with outputs; return the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.notebooks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    run.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.paths:
        if not path.exists():
            parser.error(f"no notebook at {path}")
        print(f"executing {path} ...", flush=True)
        print(f"  {path}: {execute(path, args.timeout):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

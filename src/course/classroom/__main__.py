"""Command line of the classroom edition.

Usage::

    python -m course.classroom student [--out _build/student] [--strict] [notebooks ...]
    python -m course.classroom grade SUBMISSIONS_DIR [--out grades.csv] [--source notebooks] [--timeout 600]
                                     [--notebook-timeout 1800] [--memory 8192] [--read-only DIR] [--no-sandbox]
    python -m course.classroom lint [notebooks ...]
    python -m course.classroom table [notebooks ...]
    python -m course.classroom verify [--out _build/verify] [notebooks ...]

``verify`` writes, for nbval, each chapter's student edition followed by the source's exercise
section (see :func:`course.classroom.student.verification_notebook`): one nbval run over it checks
the chapter's outputs, that every stub raises ``NotImplementedError`` and nothing else fails, and
that the solutions still pass.

Without notebooks, every chapter ``notebooks/[0-9]*.ipynb`` is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .exercises import Chapter
from .rules import lint


def _chapters(paths: list[Path], parser) -> list[Path]:
    if not paths:
        paths = sorted(Path("notebooks").glob("[0-9]*.ipynb"))
        if not paths:
            parser.error("no notebooks given and none in notebooks/ (run from the repository root)")
    for path in paths:
        if not path.exists():
            parser.error(f"no notebook at {path}")
    return paths


def _positive(name: str):
    """An argparse type: a finite number > 0, else the validation message naming ``name``."""
    from .execute import check_positive as check

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"The {name!r} parameter of grade must be a float in the range (0, inf). Got {text!r} instead."
            ) from None
        try:
            return check(value, name)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _sources(folder: Path | None, parser) -> list[Path]:
    """The chapter notebooks of ``--source`` (a folder, or one notebook); a clear error if there are none."""
    folder = folder if folder is not None else Path("notebooks")
    where = "--source" if folder != Path("notebooks") else "the default --source notebooks/"
    if folder.is_file() and folder.suffix == ".ipynb":
        paths = [folder]
    elif folder.is_dir():
        paths = sorted(folder.glob("[0-9]*.ipynb"))
    else:
        parser.error(f"{where}: no folder {folder} (give the folder of the source chapters, e.g. notebooks)")
    if not paths:
        parser.error(f"{where}: {folder} holds no chapter notebook (files named like 00_corpus.ipynb)")
    if not any(Chapter.read(p).exercises for p in paths):
        parser.error(f"{where}: the notebooks in {folder} have no exercises: give the source chapters")
    return paths


def table_rows(paths) -> list[str]:
    """The rows of book/teaching.md's exercise table, one per exercise, for every chapter given."""
    rows = []
    for path in paths:
        chapter = Chapter.read(path)
        for e in chapter.exercises:
            kinds = ", ".join(e.kinds)
            checks = ", ".join(f"`{c.rsplit('.', 1)[1]}`" for c in e.checks) or "none"
            rows.append(f"| {Path(path).stem[:2]} | {e.title} | `{e.label}` | {kinds} | {checks} |")
    return rows


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course.classroom", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    student = sub.add_parser("student", help="write the student edition of the chapters")
    student.add_argument("notebooks", nargs="*", type=Path)
    student.add_argument("--out", type=Path, default=Path("_build/student"))
    student.add_argument("--strict", action="store_true", help="refuse a chapter that breaks any exercise rule")
    grade = sub.add_parser("grade", help="execute submitted notebooks and write one CSV row per exercise")
    grade.add_argument("submissions", type=Path)
    grade.add_argument("--out", type=Path, default=Path("grades.csv"))
    grade.add_argument("--source", type=Path, default=None, help="folder of the source chapters (default notebooks/)")
    grade.add_argument(
        "--timeout",
        type=_positive("--timeout"),
        default=600.0,
        help="seconds a cell may run before it is interrupted (default 600)",
    )
    grade.add_argument(
        "--notebook-timeout",
        type=_positive("--notebook-timeout"),
        default=1800.0,
        help="seconds a whole notebook may run (default 1800)",
    )
    grade.add_argument(
        "--memory",
        type=_positive("--memory"),
        default=8192.0,
        help="MiB of memory (address space) for each student's kernel (default 8192)",
    )
    grade.add_argument(
        "--read-only",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="another folder students' code must not write to (repeatable)",
    )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="no namespaces: only the time and memory limits and a temporary folder",
    )
    check = sub.add_parser("lint", help="list the exercise rules each chapter breaks")
    check.add_argument("notebooks", nargs="*", type=Path)
    table = sub.add_parser("table", help="print the exercise rows of book/teaching.md")
    table.add_argument("notebooks", nargs="*", type=Path)
    verify = sub.add_parser("verify", help="write student edition + solutions notebooks for one nbval run")
    verify.add_argument("notebooks", nargs="*", type=Path)
    verify.add_argument("--out", type=Path, default=Path("_build/verify"))
    return parser


def _student(args, parser) -> int:
    from .student import write_student_edition

    paths = _chapters(args.notebooks, parser)
    status = 0
    for path in paths:
        for v in lint(Chapter.read(path)):
            print(f"warning: {v}", file=sys.stderr)
            status = 1 if args.strict else status
    if status:
        print("refusing (--strict): fix the rules above first", file=sys.stderr)
        return status
    written, errors = write_student_edition(paths, args.out)
    for path in written:
        print(f"wrote {path}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _grade(args, parser) -> int:
    from .grade import Limits, check_out
    from .grade import grade as run

    if not args.submissions.is_dir():
        parser.error(f"no folder {args.submissions}")
    try:
        check_out(args.out, args.submissions)
    except ValueError as exc:
        parser.error(str(exc))
    sources = _sources(args.source, parser)
    limits = Limits(args.timeout, args.notebook_timeout, args.memory)
    rows = run(
        args.submissions,
        sources,
        limits,
        out=args.out,
        read_only=args.read_only,
        isolate=not args.no_sandbox,
        progress=lambda m: print(m, flush=True),
        warn=lambda m: print(m, file=sys.stderr, flush=True),
    )
    counts = {s: sum(r.status == s for r in rows) for s in ("pass", "fail", "manual")}
    print(f"wrote {args.out}: {len(rows)} rows, " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def _verify(args, parser) -> int:
    import nbformat

    from .student import verification_notebook

    args.out.mkdir(parents=True, exist_ok=True)
    for path in _chapters(args.notebooks, parser):
        nbformat.write(verification_notebook(Chapter.read(path)), args.out / path.name)
        print(f"wrote {args.out / path.name}")
    return 0


def _lint(args, parser) -> int:
    found = 0
    for path in _chapters(args.notebooks, parser):
        violations = lint(Chapter.read(path))
        found += len(violations)
        print(f"{path}: {len(violations)} problem(s)")
        for v in violations:
            print(f"  {v}")
    return 1 if found else 0


def _table(args, parser) -> int:
    print("\n".join(table_rows(_chapters(args.notebooks, parser))))
    return 0


_COMMANDS = {"student": _student, "grade": _grade, "verify": _verify, "lint": _lint, "table": _table}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return _COMMANDS[args.command](args, parser)


if __name__ == "__main__":
    sys.exit(main())

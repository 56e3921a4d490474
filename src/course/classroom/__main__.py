"""Command line of the classroom edition.

Usage::

    python -m course.classroom student [--out _build/student] [--strict] [notebooks ...]
    python -m course.classroom grade SUBMISSIONS_DIR [--out grades.csv] [--source notebooks] [--timeout 600]
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


def main(argv: list[str] | None = None) -> int:
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
    grade.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    check = sub.add_parser("lint", help="list the exercise rules each chapter breaks")
    check.add_argument("notebooks", nargs="*", type=Path)
    table = sub.add_parser("table", help="print the exercise rows of book/teaching.md")
    table.add_argument("notebooks", nargs="*", type=Path)
    verify = sub.add_parser("verify", help="write student edition + solutions notebooks for one nbval run")
    verify.add_argument("notebooks", nargs="*", type=Path)
    verify.add_argument("--out", type=Path, default=Path("_build/verify"))
    args = parser.parse_args(argv)

    if args.command == "student":
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

    if args.command == "grade":
        from .grade import grade as run, write_csv

        if not args.submissions.is_dir():
            parser.error(f"no folder {args.submissions}")
        sources = _chapters(sorted((args.source or Path("notebooks")).glob("[0-9]*.ipynb")), parser)
        rows = run(args.submissions, sources, args.timeout, progress=lambda m: print(m, flush=True))
        write_csv(rows, args.out)
        counts = {s: sum(r.status == s for r in rows) for s in ("pass", "fail", "manual")}
        print(f"wrote {args.out}: {len(rows)} rows, " + ", ".join(f"{n} {s}" for s, n in counts.items()))
        return 0

    if args.command == "verify":
        import nbformat

        from .student import verification_notebook

        args.out.mkdir(parents=True, exist_ok=True)
        for path in _chapters(args.notebooks, parser):
            nbformat.write(verification_notebook(Chapter.read(path)), args.out / path.name)
            print(f"wrote {args.out / path.name}")
        return 0

    if args.command == "lint":
        found = 0
        for path in _chapters(args.notebooks, parser):
            violations = lint(Chapter.read(path))
            found += len(violations)
            print(f"{path}: {len(violations)} problem(s)")
            for v in violations:
                print(f"  {v}")
        return 1 if found else 0

    print("\n".join(table_rows(_chapters(args.notebooks, parser))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Grade submitted student notebooks: run each one fenced in, check every exercise itself, write a CSV.

A submission is any ``.ipynb`` under the submissions folder. The student is the file name's stem
for a notebook directly in the folder (``alice.ipynb``), else the first subfolder
(``alice/00_corpus.ipynb``, nbgrader's ``submitted/alice/ps1/00_corpus.ipynb``). The chapter is
recognised by its exercise labels, so a renamed file still grades.

**The grader checks, not the student.** From the *source* chapter (never the student's copy) the
grader takes each exercise's check call, the ``course.checks`` call that follows
``### END SOLUTION``. After the student's cells of the exercise it runs a cell of its own that
imports that check from ``course.checks`` (so a student's ``check_x = print`` is not the check),
calls it on the student's objects and publishes the outcome as display data of the private type
:data:`MIME`, stamped with a random number drawn for this run. Only that record grades: a cell
that prints ``PASS: ...`` proves nothing. The outcome of an exercise is

- ``pass``: its cells ran without an error and the grader's check returned;
- ``fail``: the first error of its cells or of the grader's check: the ``CheckFailed`` text,
  ``not answered`` for ``NotImplementedError``, ``timed out (...)``, the exception otherwise;
  ``not run: <why>`` when the kernel stopped before the exercise;
- ``manual``: no automatic check (a derivation or an experiment); its cells ran, the teacher reads it.

An error in a cell before the first exercise gets a row of its own, exercise ``(notebook)``, and
so does a notebook that stops early (its kernel died, was killed after a time limit) or cannot
be read.

**The fence.** Each notebook runs in a fresh kernel in a fresh temporary folder holding a copy of
it, with a time limit per cell (an interrupt; a cell that swallows it has its kernel killed
:data:`~course.classroom.execute.GRACE` seconds later), a time limit for the whole notebook, a memory limit, and, where
Linux allows it, the submissions folder, the course checkout, the Python installation and the
CSV's folder read-only (see :mod:`course.classroom.sandbox`). The CSV is rewritten through a
temporary file and a rename after every row, so a crash or a kill loses nothing graded so far.

The grader's cells and the outcome of one exercise are :mod:`course.classroom.verdicts`.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import secrets
import shutil
import site
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..base.cache import atomic_open
from .execute import MIME, Limits, execute
from .exercises import Chapter
from .sandbox import Sandbox, isolation_problem
from .verdicts import _error_message, _verdict, check_statements, grader_cell, outcome

__all__ = ["Row", "Limits", "outcome", "grade_notebook", "grade", "write_csv", "check_out", "FIELDS", "MIME"]

FIELDS = ("student", "notebook", "exercise", "status", "message")


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    exercise: str
    status: str  # pass, fail or manual
    message: str


# ----------------------------------------------------------------------------- reading and grading one notebook
class _Unreadable(Exception):
    pass


def _read(path: Path):
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _Unreadable(f"cannot read the file: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _Unreadable(f"not a notebook: invalid JSON ({exc})") from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise _Unreadable("not a notebook: the JSON has no 'nbformat' field")
    if isinstance(data["nbformat"], int) and data["nbformat"] >= 4 and not isinstance(data.get("cells"), list):
        raise _Unreadable("not a notebook: it has no list of cells")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001
        raise _Unreadable(f"not a notebook: {str(exc).strip().splitlines()[0]}") from None
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise _Unreadable("not a notebook: it has no list of cells")
    for i, cell in enumerate(cells):
        if (
            not isinstance(cell, dict)
            or cell.get("cell_type") not in ("code", "markdown", "raw")
            or not isinstance(cell.get("source"), str)
        ):
            raise _Unreadable(f"not a notebook: cell {i} has no cell_type and source")
    return nb


def grade_notebook(
    path: Path,
    student: str,
    sources: list[Chapter],
    limits: Limits = Limits(),
    sandbox: Sandbox = Sandbox(isolate=False),
) -> list[Row]:
    """Run one submission, fenced in, and return one row per exercise of its chapter (and notebook rows)."""
    path = Path(path)
    notebook_row = lambda message: Row(student, path.name, "(notebook)", "fail", message)  # noqa: E731
    try:
        nb = _read(path)
    except _Unreadable as exc:
        return [notebook_row(str(exc))]
    mine = Chapter.from_notebook(nb, path.name)
    source = _match(mine, sources)
    if source is None:
        return [notebook_row("no exercise of the course found in this notebook")]
    for cell in nb.cells:  # grade what the student's code does now, not what it printed before
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None

    nonce = secrets.token_hex(16)
    checks = {e.label: check_statements(source, e.label) for e in source.exercises}
    found = {e.label: e for e in mine.exercises}
    after: dict[int, list] = {}
    for label, statements in checks.items():
        if statements and label in found:
            e = found[label]
            after.setdefault(max(e.region, default=e.cell), []).append(grader_cell(label, statements, nonce))
    run_nb, where, graders = copy.deepcopy(nb), {}, {}
    run_nb.cells = []
    for i, cell in enumerate(nb.cells):
        where[i] = len(run_nb.cells)
        run_nb.cells.append(cell)
        for extra in after.get(i, []):
            graders[extra.metadata["course"]["grader"]] = len(run_nb.cells)
            run_nb.cells.append(extra)

    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    try:
        work = scratch / "work"
        work.mkdir()
        shutil.copy2(path, work / path.name)  # the kernel's folder: a copy of the submission, nothing else
        names = {v: f"cell {k}" for k, v in where.items()} | {
            v: f"the grader's check of {k}" for k, v in graders.items()
        }
        run = execute(run_nb, work, scratch, limits, sandbox, names.get)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows, owned = [], set()
    for exercise in source.exercises:
        e = found.get(exercise.label)
        if e is None:
            rows.append(Row(student, path.name, exercise.label, "fail", "exercise not found in the notebook"))
            continue
        owned.update(e.region)
        indices = [where[i] for i in e.region] + ([graders[e.label]] if e.label in graders else [])
        cells = [run_nb.cells[i] for i in indices]
        checked = bool(checks[exercise.label])
        verdict = _verdict(run_nb.cells[graders[e.label]], e.label, nonce) if e.label in graders else None
        ran = any(i in run.executed for i in indices) or not indices
        status, message = outcome(cells, verdict, checked, limits, [run.notes.get(i, "") for i in indices], ran)
        if run.stopped and message == "not run":
            message = f"not run: {run.stopped}"
        rows.append(Row(student, path.name, exercise.label, status, message))
    first = min((e.cell for e in mine.exercises), default=len(nb.cells))
    for i, cell in enumerate(nb.cells[:first]):
        if cell.cell_type != "code" or i in owned:
            continue
        note = run.notes.get(where[i])
        errors = [o for o in run_nb.cells[where[i]].get("outputs", []) if o.get("output_type") == "error"]
        if note or errors:
            what = note or _error_message(errors[0].get("ename", "Error"), errors[0].get("evalue", ""), limits)
            rows.append(notebook_row(f"cell {i} raised {what}" if not note else f"cell {i}: {what}"))
    if run.stopped:
        rows.append(notebook_row(f"execution stopped: {run.stopped}"))
    return rows


def _student(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else path.stem


def _match(submitted: Chapter, sources: list[Chapter]) -> Chapter | None:
    labels = {e.label for e in submitted.exercises}
    best = max(sources, key=lambda s: len(labels & {e.label for e in s.exercises}), default=None)
    return best if best is not None and labels & {e.label for e in best.exercises} else None


# ----------------------------------------------------------------------------- the batch
def write_csv(rows: Iterable[Row], out: str | Path) -> None:
    """Write the rows with a header line (student, notebook, exercise, status, message), atomically.

    The text goes to a temporary file in the same folder, renamed over ``out``: a reader sees the
    old file or the new one, never half of one.
    """
    out = Path(out)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([row.student, row.notebook, row.exercise, row.status, row.message])
    with atomic_open(out, "w", newline="", encoding="utf-8") as f:
        f.write(buffer.getvalue())


def check_out(out: str | Path, submissions: str | Path) -> Path:
    """``out`` as an absolute path if the CSV can be written there, else a ValueError saying why."""
    out, submissions = Path(out).absolute(), Path(submissions).resolve()
    if out.is_dir():
        raise ValueError(f"--out {out} is a folder: give the CSV file's name, e.g. {out / 'grades.csv'}")
    if not out.parent.is_dir():
        raise ValueError(f"--out {out}: the folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK):
        raise ValueError(f"--out {out}: the folder {out.parent} is not writable")
    if out.parent.resolve() == submissions or submissions in out.parent.resolve().parents:
        raise ValueError(
            f"--out {out} is inside the submissions folder {submissions}: "
            "write the grades where the students' code cannot"
        )
    return out


def protected_folders(
    submissions: Path, sources: Iterable[Path], out: Path | None, extra: Iterable[Path] = ()
) -> list[Path]:
    """The folders a graded kernel must not write to: the submissions, the course and Python, the grades."""
    from ..base.paths import project_root

    folders = [submissions, *(Path(p).parent for p in sources), *extra]
    if out is not None:
        folders.append(Path(out).parent)
    if project_root() is not None:
        folders.append(project_root())
    folders += [
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
        Path(site.getusersitepackages()),
        Path.home() / ".ipython",
        Path.home() / ".jupyter",
    ]
    found = []
    for folder in folders:
        folder = Path(folder).resolve()
        if folder.is_dir() and folder not in found:
            found.append(folder)
    return sorted(found, key=lambda p: len(p.parts))  # parents first: a child's bind then stays on top


def choose_sandbox(read_only: list[Path], limits: Limits, isolate: bool, warn: Callable[[str], None]) -> Sandbox:
    """The strongest sandbox this machine allows, with a warning for each thing it cannot do."""
    from ..base.paths import data_dir

    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    try:
        kept = [p for p in read_only if p != scratch and p not in scratch.parents]
        for p in read_only:
            if p not in kept:
                warn(f"warning: {p} holds the temporary folder {scratch.parent}, so students' code can write to it")
        if not isolate:
            warn(
                "warning: grading without a sandbox (asked): students' code runs with the time and memory "
                "limits in a temporary folder, but it CAN write to the submissions folder, the course checkout "
                "and anywhere this user can"
            )
            return Sandbox(memory_mb=limits.memory_mb, isolate=False)
        full = Sandbox(tuple(kept), (data_dir().resolve(),), limits.memory_mb)
        problem = isolation_problem(full, scratch)
        if not problem:
            return full
        read_only_data = Sandbox(tuple(kept), (), limits.memory_mb)
        if not isolation_problem(read_only_data, scratch):
            warn(
                f"warning: no throwaway layer over the data folder ({problem}): it is read-only for students' "
                "code, so a chapter that writes to its cache fails"
            )
            return read_only_data
        warn(
            f"warning: no sandbox ({problem}): students' code runs with the time and memory limits in a "
            "temporary folder, but it CAN write to the submissions folder, the course checkout and anywhere "
            "this user can"
        )
        return Sandbox(memory_mb=limits.memory_mb, isolate=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def submissions_of(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def grade(
    submissions: str | Path,
    source_paths,
    limits: Limits | None = None,
    *,
    out: str | Path | None = None,
    read_only: Iterable[str | Path] = (),
    isolate: bool = True,
    progress: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
    timeout: float | None = None,
) -> list[Row]:
    """Grade every notebook under ``submissions`` against the chapters at ``source_paths``.

    Parameters
    ----------
    submissions : str or Path
        The folder of submitted notebooks.
    source_paths : list of Path
        The source chapters (with their solutions): they say which checks each exercise has.
    limits : Limits, optional
        Time and memory per notebook; ``timeout`` alone sets the seconds per cell.
    out : str or Path, optional
        The CSV, rewritten atomically after every row (checked with :func:`check_out` first).
    read_only : iterable of Path
        More folders the students' code must not write to.
    isolate : bool, default=True
        Use the namespaces of :mod:`course.classroom.sandbox` where the machine allows it.
    progress, warn : callable, optional
        Called with a line of progress, with each warning.

    Returns
    -------
    list of Row
    """
    limits = limits or (Limits(timeout=timeout) if timeout is not None else Limits())
    root = Path(submissions).resolve()
    if not root.is_dir():
        raise ValueError(f"the submissions folder {submissions} does not exist")
    out = check_out(out, root) if out is not None else None
    sources = [Chapter.read(p) for p in source_paths]
    warn = warn or (lambda m: print(m, file=sys.stderr))
    fence = choose_sandbox(
        protected_folders(root, source_paths, out, [Path(p) for p in read_only]), limits, isolate, warn
    )
    rows: list[Row] = []
    if out is not None:
        write_csv(rows, out)
    for path in submissions_of(root):
        student = _student(path, root)
        if progress:
            progress(f"grading {path.relative_to(root)} ({student}) ...")
        try:
            new = grade_notebook(path, student, sources, limits, fence)
        except Exception as exc:  # noqa: BLE001 - one bad notebook never stops the batch
            new = [Row(student, path.name, "(notebook)", "fail", f"the grader failed: {type(exc).__name__}: {exc}")]
        for row in new:
            rows.append(row)
            if out is not None:
                write_csv(rows, out)
    return rows

"""Grade submitted student notebooks: execute each one, read every exercise's outcome, write a CSV.

A submission is any ``.ipynb`` under the submissions folder. The student is the file name's stem
for a notebook directly in the folder (``alice.ipynb``), else the first subfolder
(``alice/00_corpus.ipynb``, nbgrader's ``submitted/alice/ps1/00_corpus.ipynb``). The chapter is
recognised by its exercise labels, so a renamed file still grades.

Each notebook runs top to bottom in a fresh kernel (nbclient, errors allowed, a time limit per
cell), in its own folder. An exercise owns the code cells from its ``{exercise}`` directive to
the next one, and its outcome is

- ``pass``: its cells ran and printed every ``PASS`` line the solution prints;
- ``fail``: the first error of its cells, as a message: the ``CheckFailed`` text,
  ``not answered`` for ``NotImplementedError``, ``timed out`` or ``TypeError: ...`` otherwise;
  or which ``PASS`` line is missing;
- ``manual``: no automatic check (a derivation or an experiment); its cells ran, the teacher reads it.

An error in a cell outside every exercise gets a row of its own, exercise ``(notebook)``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .exercises import Chapter

__all__ = ["Row", "outcome", "grade_notebook", "grade", "write_csv", "FIELDS"]

FIELDS = ("student", "notebook", "exercise", "status", "message")


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    exercise: str
    status: str  # pass, fail or manual
    message: str


def _pass_lines(cells) -> list[str]:
    return [line.strip() for cell in cells for o in cell.get("outputs", []) if o.get("output_type") == "stream"
            for line in o.get("text", "").split("\n") if line.startswith("PASS")]


def _error_message(output, timeout: int) -> str:
    name, value = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
    if name == "NotImplementedError":
        return "not answered"
    if name == "CheckFailed":
        return value
    if name in ("KeyboardInterrupt", "CellTimeoutError"):
        return f"timed out (a cell ran longer than {timeout} s)"
    return f"{name}: {value}" if value else name


def outcome(cells, expected_pass: list[str], timeout: int = 600) -> tuple[str, str]:
    """``(status, message)`` of one exercise from its executed code cells and the PASS lines it should print.

    >>> import nbformat.v4 as v4
    >>> err = lambda name, value: v4.new_code_cell(outputs=[v4.new_output("error", ename=name, evalue=value, traceback=[])])
    >>> out = lambda text: v4.new_code_cell(outputs=[v4.new_output("stream", name="stdout", text=text)])
    >>> outcome([out("PASS: squares\\n")], ["PASS: squares"])
    ('pass', '')
    >>> outcome([err("NotImplementedError", "")], ["PASS: squares"])
    ('fail', 'not answered')
    >>> outcome([err("CheckFailed", "square(3) = 6, expected 9")], ["PASS: squares"])
    ('fail', 'square(3) = 6, expected 9')
    >>> outcome([out("done\\n")], ["PASS: squares"])
    ('fail', "no 'PASS: squares': run the check cell unchanged")
    >>> outcome([err("ZeroDivisionError", "division by zero")], [])
    ('fail', 'ZeroDivisionError: division by zero')
    >>> outcome([out("done\\n")], [])
    ('manual', 'no automatic check: read the answer')
    """
    if not any(c.get("execution_count") is not None or c.get("outputs") for c in cells) and cells:
        return "fail", "not run"
    errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        return "fail", "; ".join(dict.fromkeys(_error_message(e, timeout) for e in errors))
    printed = set(_pass_lines(cells))
    missing = [line for line in expected_pass if line not in printed]
    if missing:
        return "fail", "; ".join(f"no {line!r}: run the check cell unchanged" for line in missing)
    if expected_pass:
        return "pass", ""
    return "manual", "no automatic check: read the answer"


def _student(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else path.stem


def _match(submitted: Chapter, sources: list[Chapter]) -> Chapter | None:
    labels = {e.label for e in submitted.exercises}
    best = max(sources, key=lambda s: len(labels & {e.label for e in s.exercises}), default=None)
    return best if best is not None and labels & {e.label for e in best.exercises} else None


def _execute(nb, folder: Path, timeout: int) -> str:
    """Run ``nb`` in place; return "" or why execution stopped early (dead kernel, ...)."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - a dead kernel or a broken notebook is a grade, not a crash
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}".strip(": ")
    return ""


def grade_notebook(path: Path, student: str, sources: list[Chapter], timeout: int = 600) -> list[Row]:
    """Execute one submission and return one row per exercise of its chapter."""
    import nbformat

    path = Path(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001
        return [Row(student, path.name, "(notebook)", "fail", f"cannot read the notebook: {exc}")]
    source = _match(Chapter.from_notebook(nb, path.name), sources)
    if source is None:
        return [Row(student, path.name, "(notebook)", "fail", "no exercise of the course found in this notebook")]
    for cell in nb.cells:  # grade what the student's code does now, not what it printed before
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    stopped = _execute(nb, path.parent.resolve(), timeout)
    done = Chapter.from_notebook(nb, path.name)
    rows, owned = [], set()
    for exercise in source.exercises:
        expected = _pass_lines(source.nb.cells[i] for i in exercise.solution_cells)
        mine = next((e for e in done.exercises if e.label == exercise.label), None)
        if mine is None:
            rows.append(Row(student, path.name, exercise.label, "fail", "exercise not found in the notebook"))
            continue
        owned.update(mine.region)
        status, message = outcome([nb.cells[i] for i in mine.region], expected, timeout)
        if stopped and message == "not run":
            message = f"not run: {stopped}"
        rows.append(Row(student, path.name, exercise.label, status, message))
    first = min((e.cell for e in done.exercises), default=len(nb.cells))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and i not in owned and i < first:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                rows.append(Row(student, path.name, "(notebook)", "fail",
                                f"cell {i} raised {_error_message(errors[0], timeout)}"))
    if stopped:
        rows.append(Row(student, path.name, "(notebook)", "fail", f"execution stopped: {stopped}"))
    return rows


def grade(submissions: str | Path, source_paths, timeout: int = 600, progress=None) -> list[Row]:
    """Grade every notebook under ``submissions`` against the chapters at ``source_paths``."""
    root = Path(submissions)
    sources = [Chapter.read(p) for p in source_paths]
    rows = []
    for path in sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        student = _student(path, root)
        if progress:
            progress(f"grading {path.relative_to(root)} ({student}) ...")
        rows += grade_notebook(path, student, sources, timeout)
    return rows


def write_csv(rows: list[Row], out: str | Path) -> None:
    """Write the rows with a header line (student, notebook, exercise, status, message)."""
    with open(out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow([row.student, row.notebook, row.exercise, row.status, row.message])

"""The student edition of a chapter: solutions replaced by stubs, solution dropdowns removed.

It applies nbgrader's ``ClearSolutions`` rule to the cells tagged ``solution``: the lines from
``### BEGIN SOLUTION`` to ``### END SOLUTION`` become ``# YOUR CODE HERE`` and
``raise NotImplementedError()`` at the indentation of the BEGIN line, so a ``def f(x):`` written
above the marker keeps its signature. The markdown between ``{solution-start}`` and
``{solution-end}`` (the directives included) goes, and so do cells left empty. Stubbed cells lose
their outputs and get the tag ``raises-exception``, so nbval accepts the ``NotImplementedError``
an unanswered exercise raises; every other cell is kept as it is, outputs included.

>>> from course.classroom.exercises import Chapter, _demo_notebook
>>> nb = student_notebook(Chapter.from_notebook(_demo_notebook()))
>>> [c.cell_type for c in nb.cells], nb.cells[1].metadata["tags"]
(['markdown', 'code', 'code'], ['raises-exception'])
"""

from __future__ import annotations

import copy
from pathlib import Path

from .exercises import SOLUTION_TAG, Chapter, MarkerError, stub_source

__all__ = ["StudentEditionError", "student_notebook", "verification_notebook", "write_student_edition"]

RAISES = "raises-exception"  # nbval's tag for a cell that may raise


class StudentEditionError(ValueError):
    """A notebook whose student edition would show a solution or cannot be cut safely."""


def _blocking_problems(chapter: Chapter) -> list[str]:
    """Problems that would leak a solution or make the cut ambiguous: the edition is refused."""
    out = [str(p) for p in chapter.problems if "never closed" in p.message]
    for i, cell in enumerate(chapter.nb.cells):
        if cell.cell_type != "code":
            continue
        tagged = SOLUTION_TAG in cell.metadata.get("tags", [])
        try:
            regions = bool(stub_source(cell.source) != cell.source)
        except MarkerError as exc:
            out.append(f"{chapter.name}, cell {i}: {exc}")
            continue
        if chapter.in_solution(i) and not (tagged and regions):
            out.append(
                f"{chapter.name}, cell {i}: a code cell inside a solution dropdown must be tagged "
                f"'{SOLUTION_TAG}' and hold '### BEGIN SOLUTION' ... '### END SOLUTION', or the "
                "student edition shows the solution"
            )
    return out


def _cut_markdown(chapter: Chapter) -> dict[int, list[tuple[int, int]]]:
    """For each markdown cell, the line ranges that belong to a solution dropdown."""
    cuts: dict[int, list[tuple[int, int]]] = {}
    for block in chapter.blocks:
        start, end = block.start, block.end
        for i in range(start.cell, end.cell + 1):
            if chapter.nb.cells[i].cell_type != "markdown":
                continue
            n = len(chapter.nb.cells[i].source.split("\n"))
            lo = start.start if i == start.cell else 0
            hi = end.stop if i == end.cell else n
            cuts.setdefault(i, []).append((lo, hi))
    return cuts


def student_notebook(chapter: Chapter):
    """The student edition of ``chapter`` as a new notebook (the chapter is not changed)."""
    problems = _blocking_problems(chapter)
    if problems:
        raise StudentEditionError("cannot make a student edition:\n  " + "\n  ".join(problems))
    nb = copy.deepcopy(chapter.nb)
    cuts = _cut_markdown(chapter)
    labels = {i: e.label for e in chapter.exercises for i in e.solution_cells}
    cells = []
    for i, cell in enumerate(nb.cells):
        if i in cuts:
            lines = cell.source.split("\n")
            drop = {k for lo, hi in cuts[i] for k in range(lo, hi)}
            cell.source = "\n".join(line for k, line in enumerate(lines) if k not in drop).strip("\n")
            if not cell.source.strip():
                continue
        elif cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", []):
            cell.source = stub_source(cell.source)
            cell.outputs, cell.execution_count = [], None
            tags = [t for t in cell.metadata.get("tags", []) if t != SOLUTION_TAG]
            cell.metadata["tags"] = tags + [RAISES]
            if i in labels:
                cell.metadata["course"] = {"exercise": labels[i]}
        cells.append(cell)
    nb.cells = cells
    nb.metadata["course"] = {"edition": "student", "source": chapter.name}
    return nb


def verification_notebook(chapter: Chapter):
    """The student edition followed by the source's exercise section, to check both in one nbval run.

    Each stubbed cell expects exactly one output, the error ``NotImplementedError`` (nbval compares
    its name and message), so a stub that raises anything else, prints first or does not raise
    fails. The non-exercise cells are compared as usual; the appended source cells check that the
    solutions still print their ``PASS`` lines.
    """
    import nbformat.v4 as v4

    nb = student_notebook(chapter)
    for cell in nb.cells:
        if RAISES in cell.metadata.get("tags", []) and "course" in cell.metadata:
            cell.source = f"# student edition of {cell.metadata['course']['exercise']}\n" + cell.source
            cell.execution_count = 1
            cell.outputs = [v4.new_output("error", ename="NotImplementedError", evalue="", traceback=[])]
    if chapter.exercises:
        first = chapter.exercises[0].cell
        nb.cells += [copy.deepcopy(c) for c in chapter.nb.cells[first:]]
    for cell in nb.cells:
        cell.pop("id", None)
    nb.nbformat_minor = 4  # cell ids are optional before 4.5; copies would repeat them
    return nb


def write_student_edition(paths, out: str | Path) -> tuple[list[Path], list[str]]:
    """Write the student edition of each notebook into ``out``; return (written paths, errors)."""
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written, errors = [], []
    for path in map(Path, paths):
        try:
            nb = student_notebook(Chapter.read(path))
        except StudentEditionError as exc:
            errors.append(str(exc))
            continue
        target = out / path.name
        nbformat.write(nb, str(target))
        written.append(target)
    return written, errors

"""The exercise rules a chapter must follow so that its student edition works, checked statically.

Each rule has a short name, used in reports and in the tests' ids:

structure
    every ``{exercise}`` has a unique ``:label:`` and is followed by its own
    ``{solution-start} <label>`` (``:class: dropdown``) ... ``{solution-end}`` block.
kinds
    the exercise text starts with its kinds, ``(Derivation, coding and experiment.)``; a coding
    exercise calls a check, a derivation has worked prose in its solution, an experiment has code.
markers
    every code cell of a solution block is tagged ``solution`` and holds well-formed
    ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines; no other cell has markers.
signature
    a function the student writes keeps its ``def`` line above ``### BEGIN SOLUTION``, so the
    stub keeps its name and signature (compared with ``ast`` between source and student edition).
interface
    a name the code after ``### END SOLUTION`` reads from the solution (``k_half``) is named in
    the exercise text, so the student knows what to define.
later-use
    no later non-solution cell reads a name that only a solution defines: in the student
    edition those cells would fail with ``NameError``.
raises
    the student edition of every solution cell raises ``NotImplementedError`` when run unanswered
    (a stub at top level, or a stubbed function that the cell then calls or checks).
check
    a check from ``course.checks`` is called after ``### END SOLUTION`` (not inside the markers,
    where the student edition would lose it), and the executed source shows one ``PASS`` line
    per check call and no error.

>>> from course.classroom.exercises import Chapter, _demo_notebook
>>> [str(v) for v in lint(Chapter.from_notebook(_demo_notebook()))]
[]
"""

from __future__ import annotations

import ast
import builtins
import re
import symtable

from .exercises import (
    BEGIN,
    END,
    SOLUTION_TAG,
    Chapter,
    MarkerError,
    Violation,
    marker_regions,
    python_source,
    stub_source,
)

__all__ = ["RULES", "lint", "cell_names"]

RULES = ("structure", "kinds", "markers", "signature", "interface", "later-use", "raises", "check")
_BUILTINS = set(dir(builtins)) | {"get_ipython", "display", "In", "Out"}  # what IPython adds to every namespace


def cell_names(source: str) -> tuple[set[str], set[str]]:
    """(names bound at top level, global names read before or without being bound) of a code cell.

    >>> bound, read = cell_names("def f(x):\\n    return x + y\\nz = f(w)")
    >>> sorted(bound), sorted(read)
    (['f', 'z'], ['w', 'y'])
    """
    table = symtable.symtable(python_source(source), "<cell>", "exec")
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read: set[str] = set()

    def visit(t, top: bool) -> None:
        for s in t.get_symbols():
            if s.is_referenced() and (top or s.is_global()):
                read.add(s.get_name())
        for child in t.get_children():
            visit(child, False)

    visit(table, True)
    return bound, read - bound - _BUILTINS


def _text_names(text: str) -> set[str]:
    """Identifiers written inside backticks in an exercise text."""
    return {name for span in re.findall(r"`([^`]*)`", text) for name in re.findall(r"[A-Za-z_]\w*", span)}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _signature(node) -> str:
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    return f"{decorators}def {node.name}({ast.unparse(node.args)}){returns}"


def _is_stub(node) -> bool:
    return isinstance(node, ast.Raise) and node.exc is not None and "NotImplementedError" in ast.unparse(node.exc)


def _raises_unanswered(tree: ast.Module) -> bool:
    """Does the stubbed cell raise when run: a stub outside any def, or a stubbed def used at top level?"""
    stubbed, top_level_stub = set(), False
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(_is_stub(n) for n in ast.walk(stmt)):
                stubbed.add(stmt.name)
        elif any(_is_stub(n) for n in ast.walk(stmt)):
            top_level_stub = True
    if top_level_stub:
        return True
    used = {
        n.id
        for stmt in tree.body
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name)
    }
    return bool(stubbed & used)


class _Linter:
    def __init__(self, chapter: Chapter):
        self.ch = chapter
        self.out: list[Violation] = list(chapter.problems)
        self.exercise_of = {i: e for e in chapter.exercises for i in e.solution_cells}

    def add(self, exercise: str, cell: int | None, rule: str, message: str) -> None:
        self.out.append(Violation(self.ch.name, exercise, cell, rule, message))

    def run(self) -> list[Violation]:
        self.markers()
        self.solutions()
        self.stubs()
        return self.out

    # -- markers ----------------------------------------------------------------------------
    def markers(self) -> None:
        for i, cell in enumerate(self.ch.nb.cells):
            label = self.exercise_of[i].label if i in self.exercise_of else ""
            if cell.cell_type == "markdown":
                if BEGIN in cell.source or END in cell.source:
                    self.add(
                        label,
                        i,
                        "markers",
                        f"a markdown cell mentions '{BEGIN}' or '{END}': nbgrader would replace it; reword it",
                    )
                continue
            if cell.cell_type != "code":
                continue
            tagged = SOLUTION_TAG in cell.metadata.get("tags", [])
            try:
                regions = marker_regions(cell.source)
            except MarkerError as exc:
                self.add(label, i, "markers", str(exc))
                continue
            block = self.ch.in_solution(i)
            if block and not tagged:
                self.add(
                    block.label,
                    i,
                    "markers",
                    f"a code cell inside the solution of {block.label} must be "
                    f"tagged '{SOLUTION_TAG}', or the student edition shows it",
                )
            if tagged and not regions:
                self.add(
                    label,
                    i,
                    "markers",
                    "a cell tagged 'solution' has no '### BEGIN SOLUTION' ... "
                    "'### END SOLUTION' region: the student edition would show it whole",
                )
            if regions and not tagged:
                self.add(label, i, "markers", f"markers in a cell not tagged '{SOLUTION_TAG}'")
            if tagged and not block:
                self.add(
                    label,
                    i,
                    "markers",
                    "a cell tagged 'solution' outside any {solution-start} ... {solution-end} block",
                )
            lines = cell.source.split("\n")
            for begin, end in regions:
                for k, want in ((begin, "### " + BEGIN), (end, "### " + END)):
                    if lines[k].strip() != want:
                        self.add(
                            label, i, "markers", f"line {k + 1} reads {lines[k].strip()!r}; write exactly {want!r}"
                        )

    # -- exercises and their solutions ------------------------------------------------------
    def solutions(self) -> None:
        labelled = {b.label for b in self.ch.blocks}
        for e in self.ch.exercises:
            if e.label and e.label not in labelled:
                self.add(
                    e.label, e.cell, "structure", f"no {{solution-start}} {e.label} ... {{solution-end}} block follows"
                )
                continue
            if "coding" in e.kinds and not e.checks:
                self.add(
                    e.label,
                    e.cell,
                    "check",
                    "a coding exercise must call a check from "
                    "course.checks.<chapter> after '### END SOLUTION' (none found)",
                )
            if e.checks and "coding" not in e.kinds:
                self.add(
                    e.label,
                    e.cell,
                    "kinds",
                    f"it calls {', '.join(c.rsplit('.', 1)[1] for c in e.checks)}: add 'coding' to its kinds",
                )
            if "derivation" in e.kinds and not e.prose:
                self.add(
                    e.label, e.cell, "kinds", "a derivation needs its worked answer as prose in the solution dropdown"
                )
            if "experiment" in e.kinds and not e.solution_cells:
                self.add(e.label, e.cell, "kinds", "an experiment needs at least one solution code cell")
            for i in e.solution_cells:
                kept = self.ch.checks_called(i, student=True)
                lost = [c for c in dict.fromkeys(self.ch.checks_called(i, student=False)) if c not in kept]
                for name in lost:
                    self.add(
                        e.label,
                        i,
                        "check",
                        f"{name.rsplit('.', 1)[1]} is called inside the markers: the "
                        "student edition loses the call; call it after '### END SOLUTION'",
                    )
                if kept:
                    self._passes(e.label, i, len(kept))

    def _passes(self, label: str, i: int, calls: int) -> None:
        cell = self.ch.nb.cells[i]
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        passes = sum(line.startswith("PASS") for line in text.split("\n"))
        if cell.execution_count is None:
            self.add(label, i, "check", "the solution cell has not been executed: re-execute the notebook")
        elif errors:
            self.add(label, i, "check", f"the solution raised {errors[0].get('ename')}: {errors[0].get('evalue')}")
        elif passes < calls:
            self.add(label, i, "check", f"{calls} check call(s) but {passes} PASS line(s) in the executed output")

    # -- stub / solution consistency --------------------------------------------------------
    def stubs(self) -> None:
        cells = self.ch.nb.cells
        parsed: dict[int, tuple] = {}
        for i, cell in enumerate(cells):
            if cell.cell_type != "code":
                continue
            try:
                student = stub_source(cell.source) if i in self.exercise_of else cell.source
                src_tree, stu_tree = ast.parse(python_source(cell.source)), ast.parse(python_source(student))
                parsed[i] = (cell_names(cell.source), cell_names(student), src_tree, stu_tree)
            except (SyntaxError, MarkerError):
                continue  # reported by the markers rule, or by nbval
        stub_only: dict[str, tuple[str, int]] = {}  # name -> (exercise, cell) of a solution that alone defines it
        for i, ((src_bound, _), (stu_bound, stu_read), src_tree, stu_tree) in parsed.items():
            e = self.exercise_of.get(i)
            if e is None:
                for name in sorted(stu_read & stub_only.keys()):
                    label, j = stub_only[name]
                    self.add(
                        label,
                        i,
                        "later-use",
                        f"cell {i} (not a solution) reads `{name}`, which only the solution "
                        f"of {label} (cell {j}) defines: define it outside the markers, or use it only in solution cells",
                    )
            else:
                later = set().union(*(parsed[j][0][1] | parsed[j][1][1] for j in parsed if j > i))
                self._stub_cell(e, i, src_bound - stu_bound, stu_read, later, src_tree, stu_tree)
                for name in src_bound - stu_bound:
                    stub_only.setdefault(name, (e.label, i))
            for name in stu_bound:
                stub_only.pop(name, None)

    def _stub_cell(self, e, i, own, stu_read, later, src_tree, stu_tree) -> None:
        src_defs, stu_defs = _functions(src_tree), _functions(stu_tree)
        named = _text_names(e.text)
        for name, node in src_defs.items():
            if name in stu_defs:
                if _signature(node) != _signature(stu_defs[name]):
                    self.add(
                        e.label,
                        i,
                        "signature",
                        f"the student edition has `{_signature(stu_defs[name])}`, the solution `{_signature(node)}`",
                    )
            elif name in stu_read or name in later or name in named:
                self.add(
                    e.label,
                    i,
                    "signature",
                    f"`{_signature(node)}` is inside the markers: put the def line "
                    "above '### BEGIN SOLUTION' and indent the markers into its body, so the student edition "
                    "keeps the name and signature",
                )
        for name in sorted((own & stu_read) - set(src_defs) - named):
            self.add(
                e.label,
                i,
                "interface",
                f"the code after '### END SOLUTION' reads `{name}`, which the solution "
                "defines inside the markers, but the exercise text never names it: name it there (`" + name + "`)",
            )
        if not _raises_unanswered(stu_tree):
            self.add(
                e.label,
                i,
                "raises",
                "unanswered, the student edition of this cell would not raise "
                "NotImplementedError: call the stubbed function (or its check) in the cell",
            )


def lint(chapter: Chapter) -> list[Violation]:
    """Every rule broken by ``chapter``, exercise by exercise (an empty list when it is clean)."""
    return _Linter(chapter).run()

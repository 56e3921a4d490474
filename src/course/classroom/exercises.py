"""Read the exercises of a chapter notebook: labels, kinds, solution cells, markers and checks.

A chapter writes each exercise as a sphinx-exercise ``{exercise}`` directive with a ``:label:``
and a first line naming its kinds, ``(Derivation and coding.)``. Its solution follows between a
``{solution-start} <label>`` and a ``{solution-end}`` directive (the gated syntax, shown as a
dropdown): markdown prose, and code cells tagged ``solution`` whose code to hide sits between
nbgrader's markers ``### BEGIN SOLUTION`` and ``### END SOLUTION``. A coding exercise calls a
check from ``course.checks.<chapter>`` after ``### END SOLUTION``, so the student keeps the call.

>>> chapter = Chapter.from_notebook(_demo_notebook())
>>> [(e.label, e.kinds, e.solution_cells, e.checks) for e in chapter.exercises]
[('ex-demo-square', ('coding',), (2,), ('course.checks.demo.check_square',))]
>>> print(stub_source(chapter.nb.cells[2].source))
def square(x):
    # YOUR CODE HERE
    raise NotImplementedError()
check_square(square)
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BEGIN",
    "END",
    "STUB",
    "KINDS",
    "Violation",
    "Directive",
    "Exercise",
    "Chapter",
    "directives",
    "marker_regions",
    "stub_source",
    "MarkerError",
    "python_source",
]

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"  # nbgrader's delimiters: any line containing one is a marker
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # nbgrader's code stub for Python
KINDS = ("derivation", "coding", "experiment")
SOLUTION_TAG = "solution"

_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})\s*(?:\{(?P<name>[\w-]+)\})?\s*(?P<arg>.*?)\s*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_KINDS = re.compile(r"^\((?P<kinds>[A-Za-z ,]+)\.\)")


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (notebook, exercise, cell), which rule, and what to do."""

    notebook: str
    exercise: str  # the exercise label, or "" for the whole notebook
    cell: int | None  # index in the source notebook's cell list, or None
    rule: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            x for x in (self.notebook, self.exercise, "" if self.cell is None else f"cell {self.cell}") if x
        )
        return f"{where}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Directive:
    """A fenced MyST directive found in a markdown cell; lines ``start:stop`` hold it, fences included."""

    name: str
    argument: str
    options: dict
    body: str
    cell: int
    start: int
    stop: int


def directives(source: str, cell: int = 0) -> list[Directive]:
    """The fenced directives of a markdown cell, skipping ordinary code blocks (CommonMark fences).

    >>> d, = directives("Text\\n```{exercise} Title\\n:label: ex-a\\n\\nDo it.\\n```\\nafter")
    >>> d.name, d.argument, d.options, d.body, d.start, d.stop
    ('exercise', 'Title', {'label': 'ex-a'}, 'Do it.', 1, 6)
    """
    lines = source.split("\n")
    found, i = [], 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match["fence"]
        j = i + 1  # a fence closes on a line of the same character, at least as long, alone
        while j < len(lines) and not (set(lines[j].strip()) == {fence[0]} and len(lines[j].strip()) >= len(fence)):
            j += 1
        if match["name"]:
            inner, options = lines[i + 1 : j], {}
            while inner and (option := _OPTION.match(inner[0])):
                options[option["key"]] = option["value"]
                inner = inner[1:]
            found.append(
                Directive(
                    match["name"], match["arg"], options, "\n".join(inner).strip(), cell, i, min(j + 1, len(lines))
                )
            )
        i = j + 1
    return found


class MarkerError(ValueError):
    """Solution markers that nbgrader would reject: nested, unclosed or unopened regions."""


def marker_regions(source: str) -> list[tuple[int, int]]:
    """Line indices ``(begin, end)`` of each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region."""
    regions, begin = [], None
    for i, line in enumerate(source.split("\n")):
        if BEGIN in line:
            if begin is not None:
                raise MarkerError(f"line {i + 1}: a second '{BEGIN}' before '{END}' (regions cannot nest)")
            begin = i
        elif END in line:
            if begin is None:
                raise MarkerError(f"line {i + 1}: '{END}' without a '{BEGIN}' above it")
            regions.append((begin, i))
            begin = None
    if begin is not None:
        raise MarkerError(f"line {begin + 1}: '{BEGIN}' is never closed by '{END}'")
    return regions


def stub_source(source: str) -> str:
    """nbgrader's ClearSolutions on one code cell: each region becomes the stub, at the BEGIN line's indent."""
    lines, out, last = source.split("\n"), [], 0
    for begin, end in marker_regions(source):
        indent = re.match(r"\s*", lines[begin]).group(0)
        out += lines[last:begin] + [indent + s for s in STUB]
        last = end + 1
    return "\n".join(out + lines[last:])


def python_source(source: str) -> str:
    """A code cell as plain Python (IPython magics turned into calls), for ``ast`` and ``symtable``."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.split("\n")):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


@dataclass
class Exercise:
    """One exercise of a chapter and the cells of its solution (indices in the source notebook)."""

    label: str
    title: str
    kinds: tuple[str, ...]
    text: str
    cell: int
    solution_cells: tuple[int, ...] = ()
    prose: str = ""
    checks: tuple[str, ...] = ()
    region: tuple[int, ...] = ()  # every code cell from the directive up to the next exercise


@dataclass
class _Block:
    label: str
    start: Directive
    end: Directive | None = None


@dataclass
class Chapter:
    """A chapter notebook with its exercises, solution blocks and the structural problems found."""

    nb: object
    name: str = "notebook"
    exercises: list[Exercise] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)
    problems: list[Violation] = field(default_factory=list)
    check_names: dict[str, str] = field(default_factory=dict)  # local name -> course.checks.mod.func

    @classmethod
    def read(cls, path: str | Path) -> Chapter:
        import nbformat

        return cls.from_notebook(nbformat.read(str(path), as_version=4), Path(path).name)

    @classmethod
    def from_notebook(cls, nb, name: str = "notebook") -> Chapter:
        chapter = cls(nb, name)
        chapter._scan()
        return chapter

    # -- where things are -------------------------------------------------------------------
    def exercise(self, label: str) -> Exercise:
        return next(e for e in self.exercises if e.label == label)

    def in_solution(self, index: int) -> _Block | None:
        """The solution block that holds code cell ``index``, if any."""
        for block in self.blocks:
            end = block.end.cell if block.end else len(self.nb.cells)
            if block.start.cell < index < end:
                return block
        return None

    def _problem(self, exercise: str, cell: int | None, rule: str, message: str) -> None:
        self.problems.append(Violation(self.name, exercise, cell, rule, message))

    # -- reading ----------------------------------------------------------------------------
    def _scan(self) -> None:
        cells, open_block, current = self.nb.cells, None, None
        for i, cell in enumerate(cells):
            if cell.cell_type == "code":
                self._collect_check_imports(cell.source)
                if current is not None:
                    current.region += (i,)
                continue
            if cell.cell_type != "markdown":
                continue
            for d in directives(cell.source, i):
                if d.name == "exercise":
                    if open_block is not None:
                        self._problem(
                            open_block.label,
                            i,
                            "structure",
                            f"the {{exercise}} at cell {i} starts inside the solution of "
                            f"{open_block.label}: close it with {{solution-end}} first",
                        )
                    current = self._add_exercise(d)
                elif d.name == "solution-start":
                    label = d.argument.strip()
                    if open_block is not None:
                        self._problem(
                            label, i, "structure", f"{{solution-start}} inside the open solution of {open_block.label}"
                        )
                    if current is None or current.label != label:
                        self._problem(
                            label,
                            i,
                            "structure",
                            f"{{solution-start}} {label} does not follow the "
                            f"{{exercise}} labelled {label}"
                            + (f" (the last one is {current.label})" if current else ""),
                        )
                    if d.options.get("class") != "dropdown":
                        self._problem(label, i, "structure", "{solution-start} needs ':class: dropdown'")
                    open_block = _Block(label, d)
                    self.blocks.append(open_block)
                elif d.name == "solution-end":
                    if open_block is None:
                        self._problem(
                            current.label if current else "",
                            i,
                            "structure",
                            "{solution-end} without a {solution-start}",
                        )
                    else:
                        open_block.end, open_block = d, None
                elif d.name == "solution":
                    self._problem(
                        current.label if current else "",
                        i,
                        "structure",
                        "use the gated {solution-start}/{solution-end} pair, so the solution can hold executed code cells",
                    )
        if open_block is not None:
            self._problem(
                open_block.label,
                open_block.start.cell,
                "structure",
                "{solution-start} is never closed by {solution-end}",
            )
        self._attach_solutions()

    def _add_exercise(self, d: Directive) -> Exercise:
        label = d.options.get("label", "")
        if not label:
            self._problem("", d.cell, "structure", f"the exercise '{d.argument}' has no :label:")
        elif any(e.label == label for e in self.exercises):
            self._problem(label, d.cell, "structure", f"the label {label} is used twice")
        match = _KINDS.match(d.body)
        kinds = tuple(k.strip().lower() for k in re.split(r",| and ", match["kinds"])) if match else ()
        if not match or not kinds or any(k not in KINDS for k in kinds):
            self._problem(
                label,
                d.cell,
                "kinds",
                "the exercise text must start with its kinds, e.g. "
                "'(Derivation and coding.)', from: Derivation, Coding, Experiment",
            )
            kinds = tuple(k for k in kinds if k in KINDS)
        exercise = Exercise(label, d.argument, kinds, d.body, d.cell)
        self.exercises.append(exercise)
        return exercise

    def _attach_solutions(self) -> None:
        cells = self.nb.cells
        for block in self.blocks:
            if not any(e.label == block.label for e in self.exercises):
                continue
            exercise = self.exercise(block.label)
            stop = block.end.cell if block.end else len(cells) - 1
            prose = []
            for i in range(block.start.cell, stop + 1):
                cell = cells[i]
                if cell.cell_type == "markdown":
                    lines = cell.source.split("\n")
                    lo = block.start.stop if i == block.start.cell else 0
                    hi = block.end.start if block.end and i == block.end.cell else len(lines)
                    prose += lines[lo:hi]
                elif cell.cell_type == "code" and block.start.cell < i < stop:
                    exercise.solution_cells += (i,)
            exercise.prose = "\n".join(prose).strip()
            exercise.checks = tuple(dict.fromkeys(c for i in exercise.solution_cells for c in self.checks_called(i)))

    # -- checks -----------------------------------------------------------------------------
    def _collect_check_imports(self, source: str) -> None:
        try:
            tree = ast.parse(python_source(source))
        except SyntaxError:
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module.startswith("course.checks.") and alias.name.startswith("check_"):
                        self.check_names[local] = f"{node.module}.{alias.name}"
                    elif node.module == "course.checks":
                        self.check_names[local + "."] = f"course.checks.{alias.name}."
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("course.checks.") and alias.asname:
                        self.check_names[alias.asname + "."] = alias.name + "."

    def _check_of(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            return self.check_names.get(func.id)
        if isinstance(func, ast.Attribute) and func.attr.startswith("check_"):
            dotted = ast.unparse(func.value)
            if dotted.startswith("course.checks."):
                return f"{dotted}.{func.attr}"
            base = self.check_names.get(dotted + ".")
            return base + func.attr if base else None
        return None

    def checks_called(self, index: int, *, student: bool = True) -> list[str]:
        """Dotted names of the ``course.checks`` functions a code cell calls (outside the markers by default)."""
        source = self.nb.cells[index].source
        try:
            source = stub_source(source) if student else source
            tree = ast.parse(python_source(source))
        except (MarkerError, SyntaxError):
            return []
        return [name for node in ast.walk(tree) if isinstance(node, ast.Call) and (name := self._check_of(node.func))]


def _demo_notebook():
    import nbformat.v4 as v4

    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("```{exercise} Squares\n:label: ex-demo-square\n\n(Coding.) Write `square(x)`.\n```"),
            v4.new_markdown_cell("```{solution-start} ex-demo-square\n:class: dropdown\n```\nMultiply."),
            v4.new_code_cell(
                "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\ncheck_square(square)",
                metadata={"tags": ["solution"]},
                execution_count=2,
                outputs=[v4.new_output("stream", name="stdout", text="PASS: squares\n")],
            ),
            v4.new_markdown_cell("```{solution-end}\n```"),
            v4.new_code_cell("from course.checks.demo import check_square"),
        ]
    )

"""The grader's verdict on one exercise: the cell it adds after the exercise, and the outcome.

:func:`check_statements` takes an exercise's check calls from the *source* chapter, bound to
``course.checks`` (a student's ``check_x = print`` is not the check); :func:`grader_cell` wraps
them in a cell that publishes the result as display data of the private type
:data:`~course.classroom.execute.MIME`, stamped with a number drawn for the run; :func:`outcome`
turns an exercise's executed cells and that record into ``(status, message)``: ``pass``,
``fail`` (the first error: the ``CheckFailed`` text, ``not answered`` for
``NotImplementedError``, ...) or ``manual``. :mod:`course.classroom.grade` runs the notebooks.
"""

from __future__ import annotations

import ast

from .execute import MIME, Limits
from .exercises import Chapter, MarkerError, python_source, stub_source

__all__ = ["check_statements", "grader_cell", "outcome"]


# ----------------------------------------------------------------------------- the grader's cells
def check_statements(chapter: Chapter, label: str) -> list[str]:
    """The source's top-level statements of exercise ``label`` that call a check, bound to ``course.checks``.

    Each check call's function is replaced by the function imported from its module, so the
    statement runs the real check whatever the student's namespace holds.

    >>> from course.classroom.exercises import _demo_notebook
    >>> check_statements(Chapter.from_notebook(_demo_notebook()), "ex-demo-square")
    ["__import__('importlib').import_module('course.checks.demo').check_square(square)"]
    """
    exercise = chapter.exercise(label)
    out = []
    for index in exercise.solution_cells:
        try:
            tree = ast.parse(python_source(stub_source(chapter.nb.cells[index].source)))
        except (MarkerError, SyntaxError):
            continue
        for statement in tree.body:
            calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call) and chapter._check_of(n.func)]
            for call in calls:
                module, name = chapter._check_of(call.func).rsplit(".", 1)
                call.func = ast.parse(f"__import__('importlib').import_module({module!r}).{name}", mode="eval").body
            if calls:
                out.append(ast.unparse(ast.fix_missing_locations(statement)))
    return out


def grader_cell(label: str, statements: list[str], nonce: str):
    """A code cell that runs ``statements`` and publishes ``{nonce, exercise, status[, ename, evalue]}``."""
    import nbformat.v4 as v4

    body = "\n".join("            " + line for s in statements for line in s.split("\n"))
    source = f"""def _course_grader():
    import contextlib, io
    from IPython.display import publish_display_data
    record = {{"nonce": {nonce!r}, "exercise": {label!r}, "status": "pass"}}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
{body}
    except BaseException as error:
        record.update(status="error", ename=type(error).__name__, evalue=str(error))
    publish_display_data({{{MIME!r}: record}})
_course_grader()
del _course_grader"""
    return v4.new_code_cell(source, metadata={"course": {"grader": label}})


def _verdict(cell, label: str, nonce: str) -> dict | None:
    records = [
        o["data"][MIME]
        for o in cell.get("outputs", [])
        if o.get("output_type") == "display_data" and isinstance(o.get("data", {}).get(MIME), dict)
    ]
    mine = [r for r in records if r.get("nonce") == nonce and r.get("exercise") == label]
    return mine[0] if len(mine) == 1 else None


# ----------------------------------------------------------------------------- outcomes
def _error_message(name: str, value: str, limits: Limits) -> str:
    value = str(value).strip()
    if name == "NotImplementedError":
        return "not answered"
    if name == "CheckFailed":
        return value
    if name == "MemoryError":
        return f"MemoryError (the kernel may use {limits.memory_mb:g} MiB)"
    return f"{name}: {value}" if value else name


def outcome(cells, verdict: dict | None, checked: bool, limits: Limits = Limits(), notes=(), ran: bool = True):
    """``(status, message)`` of one exercise.

    ``cells`` are its executed code cells, ``notes`` what the run says about each (a time limit,
    a dead kernel: it replaces the cell's errors), ``verdict`` the grader's record for a
    ``checked`` exercise, ``ran`` whether any of its cells was executed.

    >>> import nbformat.v4 as v4
    >>> err = lambda name, value: v4.new_code_cell(outputs=[v4.new_output("error", ename=name, evalue=value, traceback=[])])
    >>> out = lambda text: v4.new_code_cell(outputs=[v4.new_output("stream", name="stdout", text=text)])
    >>> ok, failed = {"status": "pass"}, {"status": "error", "ename": "NameError", "evalue": "name 'square' is not defined"}
    >>> outcome([out("PASS: squares\\n")], ok, True)
    ('pass', '')
    >>> outcome([out("PASS: squares\\n")], failed, True)  # printed, but the grader's check failed
    ('fail', "NameError: name 'square' is not defined")
    >>> outcome([err("NotImplementedError", "")], failed, True)
    ('fail', 'not answered')
    >>> outcome([err("CheckFailed", "square(3) = 6, expected 9")], None, True)
    ('fail', 'square(3) = 6, expected 9')
    >>> outcome([err("ZeroDivisionError", "division by zero")], None, False)
    ('fail', 'ZeroDivisionError: division by zero')
    >>> outcome([out("done\\n")], None, False)
    ('manual', 'no automatic check: read the answer')
    >>> outcome([out("")], None, True, ran=False)
    ('fail', 'not run')
    """
    notes = list(notes) or [""] * len(cells)
    problems = []
    for cell, note in zip(cells, notes):
        if note:
            problems.append(note)
            continue
        problems += [
            _error_message(o.get("ename", "Error"), o.get("evalue", ""), limits)
            for o in cell.get("outputs", [])
            if o.get("output_type") == "error"
        ]
    if problems:
        return "fail", "; ".join(dict.fromkeys(problems))
    if not ran:
        return "fail", "not run"
    if not checked:
        return "manual", "no automatic check: read the answer"
    if verdict is None:
        return "fail", "the grader's check left no result"
    if verdict.get("status") == "pass":
        return "pass", ""
    return "fail", _error_message(str(verdict.get("ename", "Error")), str(verdict.get("evalue", "")), limits)

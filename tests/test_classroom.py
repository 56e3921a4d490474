"""The classroom edition: stubs follow nbgrader, every chapter follows the exercise rules, checks are
tested with wrong answers, the student edition runs, grading maps outcomes, the teaching page is current.

Tests over the chapters are parametrized by notebook and rule, so a failure reads
``test_chapter_follows_rule[05_cbow_skipgram-signature]`` and its message lists each exercise that
breaks the rule and what to do. ``python -m course.classroom lint`` prints the same list.
"""

from __future__ import annotations

import ast
import csv
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import nbformat
import nbformat.v4 as v4
import pytest

from course.classroom import Chapter, lint, student_notebook
from course.classroom.__main__ import main, table_rows
from course.classroom.checks_coverage import check_functions, stub_outcome, wrong_answer_tests
from course.classroom.exercises import BEGIN, END, MarkerError, directives, marker_regions, python_source, stub_source
from course.classroom.grade import grade, write_csv
from course.classroom.rules import RULES, _functions, _signature, cell_names
from course.classroom.student import RAISES, StudentEditionError, verification_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


@cache
def chapter(path: Path) -> Chapter:
    return Chapter.read(path)


@cache
def violations(path: Path):
    return lint(chapter(path))


# ----------------------------------------------------------------------------- a tiny chapter
def md(text):
    return v4.new_markdown_cell(text)


def code(text, tags=(), outputs=None, count=None):
    return v4.new_code_cell(
        text, metadata={"tags": list(tags)} if tags else {}, outputs=outputs or [], execution_count=count
    )


def stream(text):
    return v4.new_output("stream", name="stdout", text=text)


def exercise(label, text, title="An exercise"):
    return f"```{{exercise}} {title}\n:label: {label}\n\n{text}\n```"


def start(label):
    return f"```{{solution-start}} {label}\n:class: dropdown\n```"


END_DIRECTIVE = "```{solution-end}\n```"

SHARE = """def top_k_share(k, V):
    ### BEGIN SOLUTION
    return sum(1 / r for r in range(1, k + 1)) / sum(1 / r for r in range(1, V + 1))
    ### END SOLUTION


check_zipf_token_share(top_k_share)"""
PASS_SHARE = "PASS: the top-k token share under Zipf's law (s = 1) is H_k / H_V\n"


def tiny_chapter(share=SHARE):
    """A chapter with one coding exercise (a real check), one derivation with an experiment."""
    return v4.new_notebook(
        cells=[
            md("# 99. A tiny chapter"),
            code("from course.checks.corpus import check_zipf_token_share\nbase = 10", count=1),
            md("## Exercises\n\n" + exercise("ex-tiny-share", "(Coding.) Write `top_k_share(k, V)`.")),
            md(start("ex-tiny-share") + "\n\nThe share is H_k / H_V."),
            code(share, ["solution"], [stream(PASS_SHARE)], count=2),
            md(
                END_DIRECTIVE
                + "\n\n"
                + exercise("ex-tiny-double", "(Derivation and experiment.) Double `base` into `twice`.")
            ),
            md(start("ex-tiny-double") + "\n\nTwice is base + base."),
            code(f"### {BEGIN}\ntwice = 2 * base\n### {END}\nprint(twice)", ["solution"], [stream("20\n")], count=3),
            md("Prose of the solution.\n\n" + END_DIRECTIVE),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def rules_broken(nb) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for v in lint(Chapter.from_notebook(nb, "tiny.ipynb")):
        found.setdefault(v.rule, []).append(v.message)
    return found


# ----------------------------------------------------------------------------- stubs as nbgrader makes them
def test_stub_keeps_the_signature_and_the_indentation_of_the_begin_marker():
    source = 'def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\ncheck(f)'
    assert stub_source(source) == (
        'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\ncheck(f)'
    )


def test_every_region_of_a_cell_is_stubbed_and_bad_markers_are_refused():
    source = f"a = 1\n### {BEGIN}\nb = 2\n### {END}\nc = 3\n    ## {BEGIN} (any line holding it)\nd\n## {END}"
    assert marker_regions(source) == [(1, 3), (5, 7)]
    assert stub_source(source).split("\n") == [
        "a = 1",
        "# YOUR CODE HERE",
        "raise NotImplementedError()",
        "c = 3",
        "    # YOUR CODE HERE",
        "    raise NotImplementedError()",
    ]
    for bad, message in [
        (f"### {BEGIN}\n### {BEGIN}\n### {END}", "cannot nest"),
        (f"### {BEGIN}\nx = 1", "never closed"),
        (f"x = 1\n### {END}", "without a"),
    ]:
        with pytest.raises(MarkerError, match=message):
            stub_source(bad)


def test_directives_follow_commonmark_fences():
    text = (
        "````{exercise} Outer\n:label: ex-x\n\n```python\nprint(1)\n```\n````\n"
        "```python\n```{solution-start} not-a-directive\n```\n:::{solution-end}\n:::"
    )
    found = [(d.name, d.options.get("label"), d.start, d.stop) for d in directives(text)]
    assert found == [("exercise", "ex-x", 0, 7), ("solution-end", None, 10, 12)]


def test_cell_names_reads_globals_through_functions_but_not_locals_or_builtins():
    bound, read = cell_names("import numpy as np\ndef f(x):\n    y = x + z\n    return len(y)\nw = f(q)\n%time f(1)")
    assert bound == {"np", "f", "w"} and read == {"z", "q"}


# ----------------------------------------------------------------------------- the student edition
def test_student_edition_of_a_tiny_chapter():
    source = tiny_chapter()
    nb = student_notebook(Chapter.from_notebook(source, "tiny.ipynb"))
    text = [c.source for c in nb.cells]
    assert len(nb.cells) == 6  # the cells that held only solution prose are gone
    assert not any(
        "solution-start" in t or "solution-end" in t or "Prose of the solution" in t or "H_k / H_V" in t for t in text
    )
    assert "{exercise} An exercise\n:label: ex-tiny-double" in text[4]  # kept from the cell that closed a solution
    stubbed = [c for c in nb.cells if RAISES in c.metadata.get("tags", [])]
    assert [c.metadata["course"]["exercise"] for c in stubbed] == ["ex-tiny-share", "ex-tiny-double"]
    assert all(c.outputs == [] and c.execution_count is None and "solution" not in c.metadata["tags"] for c in stubbed)
    assert stubbed[0].source.startswith("def top_k_share(k, V):\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert nb.cells[1] == source.cells[1]  # other cells untouched, outputs included
    assert rules_broken(source) == {}


def test_a_solution_code_cell_without_markers_is_never_shown():
    nb = tiny_chapter()
    nb.cells[4].metadata = {}
    with pytest.raises(StudentEditionError, match="must be tagged 'solution'"):
        student_notebook(Chapter.from_notebook(nb, "tiny.ipynb"))
    assert any("must be tagged 'solution'" in m for m in rules_broken(nb)["markers"])


def _set(index, old, new):
    def change(nb):
        assert old in nb.cells[index].source
        nb.cells[index].source = nb.cells[index].source.replace(old, new)

    return change


def _no_derivation_prose(nb):
    nb.cells[6].source, nb.cells[8].source = start("ex-tiny-double"), END_DIRECTIVE


CHECK_CALL = "    ### END SOLUTION\n\n\ncheck_zipf_token_share(top_k_share)"


@pytest.mark.parametrize(
    "change, rule, message",
    [
        (
            _set(4, "def top_k_share(k, V):\n    ### BEGIN SOLUTION", "### BEGIN SOLUTION\ndef top_k_share(k, V):"),
            "signature",
            "`def top_k_share(k, V)` is inside the markers",
        ),
        (_set(5, " into `twice`", ""), "interface", "reads `twice`"),
        (
            lambda nb: nb.cells.append(code("print(twice)")),
            "later-use",
            "reads `twice`, which only the solution of ex-tiny-double",
        ),
        (_set(4, "\n\n\ncheck_zipf_token_share(top_k_share)", ""), "raises", "would not raise NotImplementedError"),
        (_set(4, CHECK_CALL, CHECK_CALL + "\n### END SOLUTION"), "markers", "without a"),
        (
            _set(4, CHECK_CALL, "\ncheck_zipf_token_share(top_k_share)\n### END SOLUTION"),
            "check",
            "is called inside the markers",
        ),
        (lambda nb: setattr(nb.cells[4], "outputs", []), "check", "1 check call(s) but 0 PASS line(s)"),
        (_set(2, "(Coding.) ", ""), "kinds", "must start with its kinds"),
        (_set(5, "(Derivation and experiment.)", "(Coding.)"), "check", "a coding exercise must call a check"),
        (_set(2, "(Coding.)", "(Experiment.)"), "kinds", "calls check_zipf_token_share: add 'coding'"),
        (_no_derivation_prose, "kinds", "a derivation needs its worked answer"),
        (_set(3, "ex-tiny-share", "ex-other"), "structure", "does not follow the {exercise} labelled ex-other"),
        (_set(4, "### BEGIN SOLUTION", "## BEGIN SOLUTION here"), "markers", "write exactly '### BEGIN SOLUTION'"),
    ],
)
def test_each_rule_catches_its_mistake(change, rule, message):
    nb = tiny_chapter()
    change(nb)
    broken = rules_broken(nb)
    assert any(message in m for m in broken.get(rule, [])), broken


# ----------------------------------------------------------------------------- every chapter
# Chapters written before the classroom rules existed, with the rules they still break. Each is a
# strict xfail: the day a chapter is fixed its test passes, fails as XPASS, and its entry must go.
PENDING: dict[str, set[str]] = {}
RULE_CASES = [
    pytest.param(
        path,
        rule,
        id=f"{path.stem}-{rule}",
        marks=[
            pytest.mark.xfail(
                strict=True,
                reason=f"{path.stem} predates the '{rule}' rule: run `python -m course.classroom lint` and fix it",
            )
        ]
        if rule in PENDING.get(path.stem, ())
        else [],
    )
    for path in NOTEBOOKS
    for rule in RULES
]


@pytest.mark.parametrize("path, rule", RULE_CASES)
def test_chapter_follows_rule(path, rule):
    """One test per chapter and rule; `python -m course.classroom lint` lists the same problems."""
    broken = [str(v) for v in violations(path) if v.rule == rule]
    assert not broken, f"{len(broken)} problem(s) in {path.name} with the '{rule}' rule:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapter_has_three_exercises_with_unique_labels(path):
    labels = [e.label for e in chapter(path).exercises]
    assert len(labels) >= 3, f"{path.name} has {len(labels)} exercise(s); the course asks for at least 3"
    all_labels = [e.label for p in NOTEBOOKS for e in chapter(p).exercises]
    assert not {x for x in labels if all_labels.count(x) > 1}, "labels must be unique across the book"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_stubs_every_solution_and_keeps_everything_else(path):
    source = chapter(path)
    nb = student_notebook(source)
    solution_cells = [c for c in source.nb.cells if "solution" in c.metadata.get("tags", [])]
    stubbed = [c for c in nb.cells if RAISES in c.metadata.get("tags", [])]
    assert len(stubbed) == len(solution_cells)
    for cell in nb.cells:
        assert BEGIN not in cell.source and END not in cell.source
        assert not re.search(r"\{solution-(start|end)\}", cell.source)
    kept = [c for c in source.nb.cells if c.cell_type == "code" and c not in solution_cells]
    assert kept == [c for c in nb.cells if c.cell_type == "code" and c not in stubbed]
    for old, new in zip(solution_cells, stubbed):  # every def of the student edition is the solution's
        mine = {name: _signature(node) for name, node in _functions(ast.parse(python_source(new.source))).items()}
        theirs = {name: _signature(node) for name, node in _functions(ast.parse(python_source(old.source))).items()}
        assert mine.items() <= theirs.items()


@cache
def _tested():
    return wrong_answer_tests(ROOT / "tests")


CHECKS = check_functions()


@pytest.mark.parametrize("name, check", CHECKS, ids=[n.removeprefix("course.checks.") for n, _ in CHECKS])
def test_check_has_a_wrong_answer_test(name, check):
    assert _tested().get(name), (
        f"{name} is never made to fail: add a test to tests/test_checks_{name.split('.')[2]}.py that gives it a "
        "wrong answer inside `with pytest.raises(CheckFailed, match=...)`"
    )


@pytest.mark.parametrize("name, check", CHECKS, ids=[n.removeprefix("course.checks.") for n, _ in CHECKS])
def test_check_lets_an_unanswered_stub_through(name, check):
    outcome = stub_outcome(check)
    if outcome is None:
        pytest.skip("its arguments are values the student computes; the student-edition run checks it")
    assert outcome == "NotImplementedError", (
        f"{name}, given functions that raise NotImplementedError (an unanswered exercise), ends with {outcome}: "
        "let NotImplementedError propagate (`except NotImplementedError: raise` before any `except Exception`), "
        "so the student and the grader read 'not answered'"
    )


def test_every_check_a_chapter_calls_exists():
    known = {name for name, _ in CHECKS}
    called = {(p.name, e.label, c) for p in NOTEBOOKS for e in chapter(p).exercises for c in e.checks}
    assert not [x for x in called if x[2] not in known]


# ----------------------------------------------------------------------------- the command line
def test_cli_student_writes_one_notebook_per_chapter(tmp_path, capsys):
    assert main(["student", "--out", str(tmp_path), *map(str, NOTEBOOKS)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in tmp_path.glob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=4))


def test_cli_lint_and_table(tmp_path, capsys):
    path = tmp_path / "99_tiny.ipynb"
    nbformat.write(tiny_chapter(), path)
    assert main(["lint", str(path)]) == 0
    assert main(["table", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "| 99 | An exercise | `ex-tiny-share` | coding | `check_zipf_token_share` |",
        "| 99 | An exercise | `ex-tiny-double` | derivation, experiment | none |",
    ]
    nb = tiny_chapter()
    nb.cells[2].source = nb.cells[2].source.replace("(Coding.) ", "")
    nbformat.write(nb, path)
    assert main(["lint", str(path)]) == 1
    assert main(["student", "--strict", "--out", str(tmp_path / "out"), str(path)]) == 1


# ----------------------------------------------------------------------------- grading
def read_csv(path):
    with open(path, newline="") as f:
        return [tuple(row.values()) for row in csv.DictReader(f)]


def test_grade_maps_every_outcome_to_a_row(tmp_path):
    """Tiny submissions, real kernels: pass, not answered, wrong answer, other error, manual, broken cell."""
    source = tmp_path / "source" / "99_tiny.ipynb"
    source.parent.mkdir()
    nbformat.write(tiny_chapter(), source)
    student = student_notebook(Chapter.from_notebook(tiny_chapter(), "99_tiny.ipynb"))
    subs = tmp_path / "submissions"
    (subs / "alice").mkdir(parents=True)
    nbformat.write(tiny_chapter(), subs / "alice" / "homework.ipynb")  # solved, renamed: found by its labels
    nbformat.write(student, subs / "bob.ipynb")  # unanswered
    wrong = student_notebook(Chapter.from_notebook(tiny_chapter(), "99_tiny.ipynb"))
    share = next(c for c in wrong.cells if c.metadata.get("course", {}).get("exercise") == "ex-tiny-share")
    share.source = share.source.replace("# YOUR CODE HERE\n    raise NotImplementedError()", "return 1 / k")
    double = next(c for c in wrong.cells if c.metadata.get("course", {}).get("exercise") == "ex-tiny-double")
    double.source = "twice = 2 * bse\nprint(twice)"
    wrong.cells[1].source += "\nraise ValueError('oops')"
    nbformat.write(wrong, subs / "carol.ipynb")
    slow = tiny_chapter()
    slow.cells[7].source = "import time\ntime.sleep(60)"
    nbformat.write(slow, subs / "dave.ipynb")
    rows = grade(subs, [source], timeout=2)
    write_csv(rows, tmp_path / "grades.csv")
    assert read_csv(tmp_path / "grades.csv") == [
        ("alice", "homework.ipynb", "ex-tiny-share", "pass", ""),
        ("alice", "homework.ipynb", "ex-tiny-double", "manual", "no automatic check: read the answer"),
        ("bob", "bob.ipynb", "ex-tiny-share", "fail", "not answered"),
        ("bob", "bob.ipynb", "ex-tiny-double", "fail", "not answered"),
        ("carol", "carol.ipynb", "ex-tiny-share", "fail", "fn(1, 2) = 1, expected H_1 / H_2 = 0.666667"),
        ("carol", "carol.ipynb", "ex-tiny-double", "fail", "NameError: name 'bse' is not defined"),
        ("carol", "carol.ipynb", "(notebook)", "fail", "cell 1 raised ValueError: oops"),
        ("dave", "dave.ipynb", "ex-tiny-share", "pass", ""),
        ("dave", "dave.ipynb", "ex-tiny-double", "fail", "timed out (a cell ran longer than 2 s)"),
    ]


# ----------------------------------------------------------------------------- the teaching page
TEACHING = ROOT / "book" / "teaching.md"


def _page_rows(prefix: str) -> list[str]:
    return [line.rstrip() for line in TEACHING.read_text().splitlines() if line.startswith(f"| {prefix} |")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_teaching_page_lists_the_exercises_of_each_chapter(path):
    want, have = table_rows([path]), _page_rows(path.stem[:2])
    exercise_rows = [row for row in have if "`ex-" in row]
    assert exercise_rows == want, (
        f"book/teaching.md is out of date for {path.name}: replace its exercise rows by the output of\n"
        f"  python -m course.classroom table {path.relative_to(ROOT)}\n" + "\n".join(want)
    )
    timing = [row for row in have if "`ex-" not in row]
    assert timing and "not written yet" not in timing[0], f"book/teaching.md needs a time estimate for {path.name}"


def test_teaching_page_quotes_a_real_check_message():
    from course.checks import CheckFailed
    from course.checks.ngram import check_addk

    with pytest.raises(CheckFailed) as info:
        check_addk(lambda counts, k: (counts + k) / (counts.sum() + k))  # forgot k|V|
    assert f"CheckFailed: {info.value}" in TEACHING.read_text()


def test_teaching_page_describes_the_commands_it_documents():
    text = TEACHING.read_text()
    for needle in (
        "python -m course.classroom student",
        "python -m course.classroom grade",
        "make student",
        "make grade SUBMISSIONS=",
        "nbgrader generate_assignment",
        "enforce_metadata=False",
    ):
        assert needle in text


# ----------------------------------------------------------------------------- run them
def nbval(path: Path, cwd: Path):
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(ROOT / "notebooks" / "sanitize.cfg"),
        str(path),
    ]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def test_verification_notebook_passes_a_good_chapter_and_fails_a_bad_one(tmp_path):
    """What the slow test relies on, shown on the tiny chapter: nbval accepts a stub that raises
    NotImplementedError, and rejects a student edition in which a later cell needs a solution."""
    good = tmp_path / "good.ipynb"
    nbformat.write(verification_notebook(Chapter.from_notebook(tiny_chapter(), "tiny.ipynb")), good)
    assert nbval(good, tmp_path).returncode == 0
    nb = tiny_chapter()
    nb.cells.append(code("print(twice + 1)", outputs=[stream("21\n")], count=4))  # not a solution cell
    bad = tmp_path / "bad.ipynb"
    nbformat.write(verification_notebook(Chapter.from_notebook(nb, "tiny.ipynb")), bad)
    run = nbval(bad, tmp_path)
    assert run.returncode != 0 and "NameError" in run.stdout


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_runs_with_only_the_exercises_failing(path, tmp_path):
    """nbval (not lax) on the student edition followed by the source's exercise section.

    Every non-exercise cell must reproduce its committed output; every stubbed cell must raise
    NotImplementedError and nothing else (nbval compares the error's name and message); the
    solutions that follow must still print their PASS lines. One run of the chapter checks all three.
    """
    target = tmp_path / path.name
    nbformat.write(verification_notebook(chapter(path)), target)
    run = nbval(target, tmp_path)
    assert run.returncode == 0, f"the student edition of {path.name} does not run as it should:\n" + run.stdout[-6000:]


@pytest.mark.slow
def test_grade_chapter_00_solved_and_unsolved(tmp_path):
    """The bar: grade a solved and an unsolved copy of chapter 00 and read the CSV."""
    source = ROOT / "notebooks" / "00_corpus.ipynb"
    subs = tmp_path / "submissions"
    subs.mkdir()
    nbformat.write(chapter(source).nb, subs / "solved.ipynb")
    nbformat.write(student_notebook(chapter(source)), subs / "unsolved.ipynb")
    out = tmp_path / "grades.csv"
    assert main(["grade", str(subs), "--out", str(out), "--source", str(source.parent)]) == 0
    labels = [e.label for e in chapter(source).exercises]
    assert read_csv(out) == (
        [("solved", "solved.ipynb", label, "pass", "") for label in labels]
        + [("unsolved", "unsolved.ipynb", label, "fail", "not answered") for label in labels]
    )

"""Grading hostile submissions: printed PASS lines, swallowed interrupts, sys.exit, writes outside
the sandbox, a kernel that kills itself, a memory blow-up, broken files. One batch, graded once
through the command line, must give each notebook its rows, hang on none, pass none without a
solution, leave nothing written outside the sandbox, and keep a valid CSV after every row.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import nbformat
import pytest
from test_classroom import tiny_chapter

from course.classroom import Chapter, student_notebook
from course.classroom.__main__ import main
from course.classroom.grade import Limits, Row, check_out, grade, protected_folders, write_csv
from course.classroom.sandbox import Sandbox, isolation_problem

PASS_LINE = "PASS: the top-k token share under Zipf's law (s = 1) is H_k / H_V"
ANSWER = "    return sum(1 / r for r in range(1, k + 1)) / sum(1 / r for r in range(1, V + 1))"
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"
SWALLOW = "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except KeyboardInterrupt:\n        pass"


def _sandboxed() -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        return isolation_problem(Sandbox((Path(scratch),)), Path(scratch))


SANDBOX_PROBLEM = _sandboxed()
needs_sandbox = pytest.mark.skipif(bool(SANDBOX_PROBLEM), reason=f"no sandbox here: {SANDBOX_PROBLEM}")


def student(edit=None):
    """The tiny chapter's student edition, ``edit(share_cell, double_cell, nb)`` applied."""
    nb = student_notebook(Chapter.from_notebook(tiny_chapter(), "99_tiny.ipynb"))
    cells = {c.metadata.get("course", {}).get("exercise"): c for c in nb.cells}
    if edit:
        edit(cells["ex-tiny-share"], cells["ex-tiny-double"], nb)
    return nb


def answered(share, double, nb):
    share.source = share.source.replace(STUB, ANSWER)
    double.source = "twice = 2 * base\nprint(twice)"


def hostile_batch(root: Path, checkout: Path) -> dict[str, object]:
    """name -> notebook (or raw text) of each hostile submission."""
    subs = root / "submissions"

    def print_pass(share, double, nb):  # no solution at all, only the line a check prints
        share.source = f"print({PASS_LINE!r})"

    def fake_check(share, double, nb):  # the check replaced by one that always prints PASS
        share.source = f"check_zipf_token_share = lambda fn: print({PASS_LINE!r})\n" + share.source

    def swallow(share, double, nb):
        answered(share, double, nb)
        share.source = SWALLOW

    def exits(share, double, nb):
        answered(share, double, nb)
        nb.cells[1].source += "\nimport sys\nsys.exit(3)"

    def writes(share, double, nb):
        answered(share, double, nb)
        nb.cells[1].source += (
            f"\nimport subprocess  # first try to undo the read-only mounts (the lock forbids it)"
            f"\nsubprocess.run(['umount', '-l', {str(checkout)!r}])"
            f"\nsubprocess.run(['mount', '-o', 'remount,bind,rw', {str(checkout)!r}])"
            f"\nopen('scratch.txt', 'w').write('mine')  # its own folder: allowed"
            f"\nimport os  # the data folder seems writable (a throwaway layer), so caches work"
            f"\nopen(os.path.join(os.environ['COURSE_DATA_DIR'], 'cache.txt'), 'w').write('x')"
            f"\nopen({str(subs / 'bob.ipynb')!r}, 'w').write('{{}}')"
        )
        double.source = f"open({str(checkout / 'hacked.txt')!r}, 'w').write('x')\n" + double.source

    def kills(share, double, nb):
        answered(share, double, nb)
        share.source = "import os\nos.kill(os.getpid(), 9)"

    def hog(share, double, nb):
        answered(share, double, nb)
        double.source = "hog = bytearray(64 * 2**30)\n" + double.source

    def missing(share, double, nb):  # the first exercise's directive and cells deleted
        nb.cells = [c for c in nb.cells if "ex-tiny-share" not in c.source and c is not share]
        answered(share, double, nb)

    return {
        "alice": student(answered),
        "bob": student(print_pass),
        "carol": student(fake_check),
        "dave": student(swallow),
        "erin": student(exits),
        "frank": student(writes),
        "grace": student(kills),
        "heidi": student(hog),
        "ivan": student(missing),
        "judy": '{"cells": [',
        "mallory": '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
    }


EXPECTED = [
    ("alice", "ex-tiny-share", "pass", ""),
    ("alice", "ex-tiny-double", "manual", "no automatic check: read the answer"),
    ("bob", "ex-tiny-share", "fail", "NameError: name 'top_k_share' is not defined"),
    ("bob", "ex-tiny-double", "fail", "not answered"),
    ("carol", "ex-tiny-share", "fail", "not answered"),
    ("carol", "ex-tiny-double", "fail", "not answered"),
    (
        "dave",
        "ex-tiny-share",
        "fail",
        "timed out (a cell ran longer than 6 s; it ignored the interrupt, so its kernel was stopped)",
    ),
    ("dave", "ex-tiny-double", "fail", "not run: the kernel was stopped in cell 3: a cell ran longer than 6 s"),
    ("dave", "(notebook)", "fail", "execution stopped: the kernel was stopped in cell 3: a cell ran longer than 6 s"),
    ("erin", "ex-tiny-share", "pass", ""),
    ("erin", "ex-tiny-double", "manual", "no automatic check: read the answer"),
    ("erin", "(notebook)", "fail", "cell 1 raised SystemExit: 3"),
    ("frank", "ex-tiny-share", "pass", ""),
    ("frank", "ex-tiny-double", "fail", "OSError: [Errno 30] Read-only file system: '{checkout}/hacked.txt'"),
    ("frank", "(notebook)", "fail", "cell 1 raised OSError: [Errno 30] Read-only file system: '{subs}/bob.ipynb'"),
    ("grace", "ex-tiny-share", "fail", "the kernel died in this cell (killed, os._exit, or a crash)"),
    ("grace", "ex-tiny-double", "fail", "not run: the kernel died in cell 3"),
    ("grace", "(notebook)", "fail", "execution stopped: the kernel died in cell 3"),
    ("heidi", "ex-tiny-share", "pass", ""),
    ("heidi", "ex-tiny-double", "fail", "MemoryError (the kernel may use 2048 MiB)"),
    ("ivan", "ex-tiny-share", "fail", "exercise not found in the notebook"),
    ("ivan", "ex-tiny-double", "manual", "no automatic check: read the answer"),
    ("judy", "(notebook)", "fail", "not a notebook: invalid JSON (Expecting value: line 1 column 12 (char 11))"),
    ("mallory", "(notebook)", "fail", "not a notebook: it has no list of cells"),
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The hostile batch graded once by the command line; the CSV is read after every row too."""
    root = tmp_path_factory.mktemp("hostile")
    source, subs, checkout = root / "source", root / "submissions", root / "checkout"
    for folder in (source, subs, checkout):
        folder.mkdir()
    nbformat.write(tiny_chapter(), source / "99_tiny.ipynb")
    for name, nb in hostile_batch(root, checkout).items():
        if isinstance(nb, str):
            (subs / f"{name}.ipynb").write_text(nb)
        else:
            nbformat.write(nb, subs / f"{name}.ipynb")
    before = {p: p.read_bytes() for p in subs.iterdir()}
    out = root / "grades" / "grades.csv"
    out.parent.mkdir()
    snapshots = []

    import course.classroom.grade as grading

    real = grading.write_csv

    def spy(rows, path):  # read the file back after every write: always a whole, valid CSV
        real(rows, path)
        with open(path, newline="") as f:
            snapshots.append(list(csv.reader(f)))

    import course.classroom.execute as running

    data = root / "data"  # the kernel's data folder: it may write there, nothing must reach the disk
    data.mkdir()
    saved = os.environ.get("COURSE_DATA_DIR")
    os.environ["COURSE_DATA_DIR"] = str(data)
    grading.write_csv, grace = spy, running.GRACE
    running.GRACE = 1.0  # the kernel that swallows interrupts is killed 1 s after its interrupt
    start = time.monotonic()
    try:
        status = main(
            [
                "grade",
                str(subs),
                "--out",
                str(out),
                "--source",
                str(source),
                "--timeout",
                "6",
                "--notebook-timeout",
                "60",
                "--memory",
                "2048",
                "--read-only",
                str(checkout),
            ]
        )
    finally:
        grading.write_csv, running.GRACE = real, grace
        if saved is None:
            os.environ.pop("COURSE_DATA_DIR")
        else:
            os.environ["COURSE_DATA_DIR"] = saved
    seconds = time.monotonic() - start
    with open(out, newline="") as f:
        rows = [tuple(r.values()) for r in csv.DictReader(f)]
    return {
        "status": status,
        "rows": rows,
        "snapshots": snapshots,
        "seconds": seconds,
        "subs": subs,
        "checkout": checkout,
        "before": before,
        "root": root,
        "out": out,
    }


@needs_sandbox
def test_every_hostile_notebook_gets_its_rows(batch):
    subs, checkout = batch["subs"], batch["checkout"]
    want = [(s, f"{s}.ipynb", e, status, m.format(subs=subs, checkout=checkout)) for s, e, status, m in EXPECTED]
    assert batch["status"] == 0
    assert batch["rows"] == want
    print(f"\nhostile batch: {len(want)} rows in {batch['seconds']:.1f} s")


@needs_sandbox
def test_no_pass_without_a_solution(batch):
    passed = {r[0] for r in batch["rows"] if r[3] == "pass"}
    assert passed == {"alice", "erin", "frank", "heidi"}  # the four that hold the solution


@needs_sandbox
def test_nothing_is_written_outside_the_sandbox(batch):
    subs, root = batch["subs"], batch["root"]
    assert {p: p.read_bytes() for p in subs.iterdir()} == batch["before"]  # bob.ipynb not overwritten
    assert list(batch["checkout"].iterdir()) == []
    assert list((root / "data").iterdir()) == []  # frank's cache.txt went to the throwaway layer
    assert sorted(p.name for p in root.rglob("*") if p.is_file() and p.parent.name in ("grades", "source")) == [
        "99_tiny.ipynb",
        "grades.csv",
    ]  # no temporary CSV left behind
    assert not list(root.rglob("scratch.txt"))  # the notebook's own folder was a throwaway copy


@needs_sandbox
def test_the_csv_is_whole_after_every_row(batch):
    snapshots = batch["snapshots"]
    assert len(snapshots) == len(EXPECTED) + 1  # the header alone, then once per row
    for n, rows in enumerate(snapshots):
        assert rows[0] == ["student", "notebook", "exercise", "status", "message"] and len(rows) == n + 1
        assert [tuple(r) for r in rows[1:]] == batch["rows"][:n]


def test_one_bad_notebook_never_stops_the_batch(tmp_path, monkeypatch):
    """A grader bug on one notebook is that notebook's row; the others are still graded."""
    import course.classroom.grade as grading

    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("a", "b"):
        (subs / f"{name}.ipynb").write_text("{}")
    real = grading.grade_notebook

    def flaky(path, *args, **kwargs):
        if path.name == "a.ipynb":
            raise RuntimeError("boom")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(grading, "grade_notebook", flaky)
    source = tmp_path / "99_tiny.ipynb"
    nbformat.write(tiny_chapter(), source)
    rows = grade(subs, [source], out=tmp_path / "g.csv", isolate=False, warn=lambda m: None)
    assert rows == [
        Row("a", "a.ipynb", "(notebook)", "fail", "the grader failed: RuntimeError: boom"),
        Row("b", "b.ipynb", "(notebook)", "fail", "not a notebook: the JSON has no 'nbformat' field"),
    ]


def test_without_a_sandbox_the_limits_hold_and_a_warning_says_writes_are_not_blocked(tmp_path, monkeypatch):
    monkeypatch.setattr("course.classroom.execute.GRACE", 1.0)
    source = tmp_path / "99_tiny.ipynb"
    nbformat.write(tiny_chapter(), source)
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(student(lambda share, double, nb: setattr(share, "source", SWALLOW)), subs / "dave.ipynb")
    warnings = []
    start = time.monotonic()
    rows = grade(
        subs, [source], Limits(timeout=1, notebook_timeout=30, memory_mb=2048), isolate=False, warn=warnings.append
    )
    assert time.monotonic() - start < 30
    assert [r.message for r in rows][0] == (
        "timed out (a cell ran longer than 1 s; it ignored the interrupt, so its kernel was stopped)"
    )
    assert any("CAN write to the submissions folder" in w for w in warnings)


def test_killing_the_grader_keeps_the_rows_so_far_and_leaves_no_kernel_behind(tmp_path, tmp_path_factory):
    """kill -9 of the grader mid-notebook: the CSV holds the finished notebook; the looping kernel is gone."""
    import signal
    import subprocess
    import sys

    source, subs = tmp_path / "99_tiny.ipynb", tmp_path / "subs"
    nbformat.write(tiny_chapter(), source)
    subs.mkdir()
    nbformat.write(student(answered), subs / "a.ipynb")
    beat = tmp_path_factory.mktemp("open") / "beat.txt"  # outside every protected folder: the kernel may write it
    loop = f"import time\nwhile True:\n    open({str(beat)!r}, 'a').write('.')\n    time.sleep(0.05)"
    nbformat.write(student(lambda share, double, nb: setattr(share, "source", loop)), subs / "b.ipynb")
    out = tmp_path / "g.csv"
    grader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "course.classroom",
            "grade",
            str(subs),
            "--out",
            str(out),
            "--source",
            str(tmp_path),
            "--timeout",
            "60",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("scratch"))},
    )
    try:
        deadline = time.monotonic() + 30
        while not (beat.exists() and beat.stat().st_size > 5) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert beat.exists(), "the second notebook never started"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    time.sleep(1.5)
    size = beat.stat().st_size
    time.sleep(1)
    assert beat.stat().st_size == size, "the kernel of the killed grader is still running"
    with open(out, newline="") as f:
        assert [tuple(r.values())[:4] for r in csv.DictReader(f)] == [
            ("a", "a.ipynb", "ex-tiny-share", "pass"),
            ("a", "a.ipynb", "ex-tiny-double", "manual"),
        ]


def test_the_notebook_time_limit_stops_many_short_cells(tmp_path):
    source = tmp_path / "99_tiny.ipynb"
    nbformat.write(tiny_chapter(), source)
    subs = tmp_path / "subs"
    subs.mkdir()

    def slow(share, double, nb):
        answered(share, double, nb)
        nb.cells[1].source += "\nimport time\ntime.sleep(3.5)"
        double.source = "time.sleep(3.5)\n" + double.source

    nbformat.write(student(slow), subs / "eve.ipynb")
    rows = grade(subs, [source], Limits(timeout=10, notebook_timeout=5), warn=lambda m: None)
    assert [(r.exercise, r.status, r.message) for r in rows] == [
        ("ex-tiny-share", "pass", ""),
        ("ex-tiny-double", "fail", "timed out (the notebook ran longer than 5 s)"),
    ]


# ----------------------------------------------------------------------------- the command line refuses bad options
@pytest.fixture
def folders(tmp_path):
    subs, source = tmp_path / "subs", tmp_path / "src"
    subs.mkdir()
    source.mkdir()
    nbformat.write(tiny_chapter(), source / "99_tiny.ipynb")
    return tmp_path, subs, source


@pytest.mark.parametrize(
    "option, value, message",
    [
        (
            "--timeout",
            "0",
            "The '--timeout' parameter of grade must be a float in the range (0, inf). Got 0.0 instead.",
        ),
        ("--timeout", "-5", "Got -5.0 instead."),
        ("--timeout", "inf", "Got inf instead."),
        ("--timeout", "soon", "Got 'soon' instead."),
        (
            "--notebook-timeout",
            "0",
            "The '--notebook-timeout' parameter of grade must be a float in the range (0, inf).",
        ),
        ("--memory", "-1", "The '--memory' parameter of grade must be a float in the range (0, inf)."),
    ],
)
def test_bad_limits_are_clear_errors(folders, capsys, option, value, message):
    tmp, subs, source = folders
    with pytest.raises(SystemExit) as info:
        main(["grade", str(subs), "--source", str(source), "--out", str(tmp / "g.csv"), option, value])
    assert info.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp / "g.csv").exists()


def test_bad_source_is_a_clear_error(folders, capsys):
    tmp, subs, source = folders
    empty = tmp / "empty"
    empty.mkdir()
    (empty / "notes.ipynb").write_text("{}")
    for folder, message in [
        (empty, "holds no chapter notebook (files named like 00_corpus.ipynb)"),
        (tmp / "nowhere", "no folder"),
    ]:
        with pytest.raises(SystemExit):
            main(["grade", str(subs), "--source", str(folder), "--out", str(tmp / "g.csv")])
        assert message in capsys.readouterr().err


def test_bad_out_is_a_clear_error_before_any_notebook_runs(folders, capsys):
    tmp, subs, source = folders
    nbformat.write(student(), subs / "bob.ipynb")
    for out, message in [
        (tmp, "is a folder: give the CSV file's name"),
        (tmp / "no" / "g.csv", "does not exist"),
        (subs / "g.csv", "is inside the submissions folder"),
        (subs / "bob" / "g.csv", "does not exist"),
    ]:
        with pytest.raises(SystemExit):
            main(["grade", str(subs), "--source", str(source), "--out", str(out)])
        err = capsys.readouterr()
        assert message in err.err and "grading" not in err.out
    with pytest.raises(ValueError, match="inside the submissions folder"):
        check_out(subs / "deeper" / "g.csv", subs) if (subs / "deeper").mkdir() is None else None


def test_the_protected_folders_include_the_checkout_and_python(tmp_path):
    import sys

    from course.base.paths import project_root

    folders = protected_folders(tmp_path / "subs", [], tmp_path / "g.csv")
    assert project_root() in folders and Path(sys.prefix).resolve() in folders and tmp_path in folders


def test_write_csv_replaces_the_file_whole(tmp_path):
    out = tmp_path / "g.csv"
    write_csv([Row("a", "a.ipynb", "ex", "pass", "")], out)
    write_csv([Row("b", "b.ipynb", "ex", "fail", 'a "quoted", message\nover two lines')], out)
    with open(out, newline="") as f:
        assert list(csv.reader(f)) == [
            ["student", "notebook", "exercise", "status", "message"],
            ["b", "b.ipynb", "ex", "fail", 'a "quoted", message\nover two lines'],
        ]
    assert os.listdir(tmp_path) == ["g.csv"]


def test_the_teaching_page_documents_the_limits_and_what_the_sandbox_does_not_stop():
    text = (Path(__file__).resolve().parents[1] / "book" / "teaching.md").read_text()
    for needle in (
        "--timeout",
        "--notebook-timeout",
        "--memory",
        "--read-only",
        "--no-sandbox",
        "unshare",
        "not a security boundary",
        "writes are **not** blocked",
    ):
        assert needle in text, needle

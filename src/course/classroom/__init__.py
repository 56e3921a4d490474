"""The classroom edition: student notebooks from the same source, checks, grading.

One source gives both editions of a chapter. ``python -m course.classroom student`` writes the
student edition of every chapter (solutions replaced by nbgrader's stub, solution dropdowns
removed); ``python -m course.classroom grade SUBMISSIONS`` executes submitted notebooks, fenced in, checks
each exercise itself and writes one CSV row per student and exercise; ``python -m course.classroom lint`` lists, exercise by
exercise, the rules a chapter breaks (see :mod:`course.classroom.rules`).

Modules: :mod:`~course.classroom.exercises` reads a chapter's exercises,
:mod:`~course.classroom.student` cuts the student edition, :mod:`~course.classroom.rules` checks
the stub conventions, :mod:`~course.classroom.checks_coverage` checks ``course.checks`` and its
tests, :mod:`~course.classroom.grade` grades submissions, running each one with
:mod:`~course.classroom.execute` (time limits that hold) inside :mod:`~course.classroom.sandbox`
(memory limit, read-only folders).
"""

from .exercises import Chapter, Exercise, Violation
from .rules import lint
from .student import student_notebook, write_student_edition

__all__ = ["Chapter", "Exercise", "Violation", "lint", "student_notebook", "write_student_edition"]

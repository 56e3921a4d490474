"""Analogy outcomes of the at-scale runs: accuracies with intervals, seeds and paired tests.

:mod:`course.evaluation.at_scale` ships one code per analogy question and run (1 right, 0 wrong,
-1 not covered at 30,000 words). Every figure of chapters 06-08's at-scale tables is computed here
from those codes, on a half of the questions (:func:`course.data.analogy_halves`: settings are
chosen on ``dev``, tables report ``test``):

* :meth:`Outcomes.score`: correct / covered with Wilson's 95 % interval, total, semantic or
  syntactic;
* :meth:`Outcomes.compare`: McNemar's exact test of two runs on the questions both cover;
* :meth:`Outcomes.variant`: one variant over its seeds (mean, spread, seed 0's interval);
* :meth:`Outcomes.by_frequency`, :meth:`Outcomes.grid`, :meth:`Outcomes.sweep`: the tables'
  figures, which :mod:`course.evaluation.tables` lays out as rows with intervals and verdicts
  (:func:`percent_interval`, :func:`verdict`).

>>> import numpy as np
>>> q = [("family", "a", "b", "c", "d"), ("gram1-adjective-to-adverb", "a", "b", "c", "e")] * 2
>>> o = Outcomes({"x": np.array([1, 0, 1, -1], dtype=np.int8)}, {"x": {"group": "main"}}, q, None, {}, {})
>>> s = o.score("x", half="all")
>>> s.correct, s.covered, round(s.low, 3), round(s.high, 3)
(2, 3, 0.208, 0.939)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..base.validation import check_choice
from .experiments import LABELS as VARIANTS  # the four variants, in table order, with their labels
from .statistics import mcnemar_exact, seed_spread, wilson_interval

__all__ = [
    "Score",
    "Outcomes",
    "HALVES",
    "KINDS",
    "VARIANTS",
    "percent_interval",
    "verdict",
]

HALVES = ("dev", "test", "all")
KINDS = ("total", "semantic", "syntactic")


class Score(NamedTuple):
    """Correct answers among covered questions, with Wilson's 95 % interval."""

    correct: int
    covered: int
    accuracy: float
    low: float
    high: float


def _score(codes: np.ndarray) -> Score:
    k, n = int((codes == 1).sum()), int((codes >= 0).sum())
    lo, hi = wilson_interval(k, n) if n else (float("nan"), float("nan"))
    return Score(k, n, k / n if n else float("nan"), lo, hi)


@dataclass
class Outcomes:
    """The shipped outcomes: ``codes[run]`` (int8 per question), the runs' metadata, the questions."""

    codes: dict
    runs: dict
    questions: list
    answer_rank: np.ndarray | None
    ranks: dict
    meta: dict

    def names(self, group: str | None = None, trainer: str | None = None, arch: str | None = None) -> list[str]:
        """The finished runs, filtered by group, trainer and variant."""
        return [
            n
            for n, m in self.runs.items()
            if (group is None or m.get("group") == group)
            and (trainer is None or m.get("trainer") == trainer)
            and (arch is None or m.get("arch") == arch)
        ]

    def mask(self, half: str = "test", kind: str = "total") -> np.ndarray:
        """Which questions belong to ``half`` and, for ``semantic`` / ``syntactic``, to that kind."""
        from ..data import analogy_halves, is_semantic

        check_choice(half, "half", "Outcomes.mask", HALVES)
        check_choice(kind, "kind", "Outcomes.mask", KINDS)
        if half == "all":
            keep = np.ones(len(self.questions), dtype=bool)
        else:
            chosen = set(analogy_halves(self.questions)[half])
            keep = np.array([q in chosen for q in self.questions])
        if kind != "total":
            semantic = np.array([is_semantic(q[0]) for q in self.questions])
            keep &= semantic if kind == "semantic" else ~semantic
        return keep

    def _codes(self, run: str) -> np.ndarray:
        if run not in self.codes:
            raise KeyError(f"No run called {run!r} in the outcomes; finished runs: {sorted(self.codes)}.")
        return self.codes[run]

    def score(self, run: str, half: str = "test", kind: str = "total", among: np.ndarray | None = None) -> Score:
        """Accuracy of ``run`` on the covered questions of ``half`` (and of ``among``, if given)."""
        keep = self.mask(half, kind) if among is None else self.mask(half, kind) & among
        return _score(self._codes(run)[keep])

    def compare(self, run_a: str, run_b: str, half: str = "test", kind: str = "total", among: np.ndarray | None = None):
        """McNemar's exact test of two runs on the questions of ``half`` (and ``among``) both cover."""
        a, b = self._codes(run_a), self._codes(run_b)
        keep = self.mask(half, kind) & (a >= 0) & (b >= 0)
        if among is not None:
            keep &= among
        return mcnemar_exact(a[keep] == 1, b[keep] == 1)

    def compare_pooled(self, pairs, half: str = "test"):
        """McNemar's exact test over several pairs of runs (one per seed), their questions end to end.

        Each pair contributes the questions of ``half`` both its runs cover; under equal accuracy
        every discordant question is a fair coin whichever pair it comes from, so the pooled test
        is exact, and three seeds' questions shrink the standard error of the difference to about
        ``1 / sqrt(3)`` of one seed's.
        """
        a, b = [], []
        for run_a, run_b in pairs:
            x, y = self._codes(run_a), self._codes(run_b)
            keep = self.mask(half) & (x >= 0) & (y >= 0)
            a.append(x[keep] == 1)
            b.append(y[keep] == 1)
        if not a:
            raise ValueError("Outcomes.compare_pooled needs at least one pair of runs. Got none.")
        return mcnemar_exact(np.concatenate(a), np.concatenate(b))

    def variant(self, trainer: str, arch: str, half: str = "test", group: str = "main") -> dict:
        """One variant over its seeds: total / semantic / syntactic, interval, spread."""
        runs = sorted(self.names(group, trainer, arch), key=lambda n: self.runs[n]["seed"])
        if not runs:
            raise KeyError(f"No {group} run of {trainer} {arch} has finished.")
        first = runs[0]
        totals = [self.score(r, half).accuracy for r in runs]
        spread = seed_spread(totals)
        s0 = self.score(first, half)
        return {
            "total": spread.mean,
            "semantic": float(np.mean([self.score(r, half, "semantic").accuracy for r in runs])),
            "syntactic": float(np.mean([self.score(r, half, "syntactic").accuracy for r in runs])),
            "ci95": [s0.low, s0.high],
            "seeds": totals,
            "seed_std": spread.std,
            "covered": s0.covered,
            "minutes": float(np.mean([self.runs[r]["seconds"] for r in runs])) / 60,
        }

    def by_frequency(self, run: str, half: str = "test", edges=(0, 1000, 5000, 30000)) -> list[tuple]:
        """``(band, Score)`` by the frequency rank of the expected answer (:data:`answer_rank`)."""
        rank = self.ranks.get(run, self.answer_rank)
        return [
            (f"{lo}-{hi}", self.score(run, half, among=(rank >= lo) & (rank < hi))) for lo, hi in zip(edges, edges[1:])
        ]

    def grid_questions(self) -> np.ndarray:
        """Which questions every grid run covers (the grid's tables compare cells on these only)."""
        runs = self.names("grid")
        if not runs:
            raise KeyError("No grid run has finished.")
        return np.logical_and.reduce([self.codes[r] >= 0 for r in runs])

    def grid(self, half: str = "test") -> dict:
        """``{(dim, fraction): Score}`` for the grid, on the questions every grid run covers."""
        runs = self.names("grid")
        common = self.grid_questions() if runs else None
        return {
            (self.runs[r]["params"]["vector_size"], self.runs[r]["fraction"]): self.score(r, half, among=common)
            for r in runs
        }

    def sweep(self, arch: str, half: str = "dev") -> list[tuple]:
        """``(cap, Score)`` for every finished sweep run of ``arch`` (cap None: no cap)."""
        runs = self.names("sweep", "ours", arch)
        return [(self.runs[r]["params"]["hs_max_steps"], self.score(r, half)) for r in runs]

    def best_cap(self, arch: str) -> int | None:
        """The sweep's cap with the best dev accuracy for ``arch`` (ties: the earlier in the sweep)."""
        rows = self.sweep(arch, "dev")
        if not rows:
            raise KeyError(f"No sweep run of {arch} has finished.")
        return max(rows, key=lambda r: r[1].accuracy)[0]


# ------------------------------------------------------------------------------ the chapters' tables


def percent_interval(s: Score) -> str:
    """``"28.0 [26.7, 29.4]"``: an accuracy and its 95 % interval in percent."""
    return f"{100 * s.accuracy:.1f} [{100 * s.low:.1f}, {100 * s.high:.1f}]"


def verdict(test, alpha: float = 0.05) -> str:
    """``"supported"`` when McNemar's test rejects equal accuracy at ``alpha``, else ``"noise"``."""
    return "supported" if test.significant(alpha) else "noise"

"""The dev-half tuning of the best variant and its tuned runs, as table rows (chapter 08).

The ``tune`` group of :mod:`course.evaluation.at_scale` changes one setting at a time from the
at-scale settings (gensim's CBOW with negative sampling) and is scored on the ``dev`` half only;
the ``tuned`` group trains ours and gensim with the candidate dev picked. These rows show both:
the candidates on dev (McNemar against the chosen one), and the tuned runs on ``test``.
"""

from __future__ import annotations

import numpy as np

from .outcomes import Outcomes, percent_interval, verdict

__all__ = ["POOLED", "tune_rows", "best_candidate", "tuned_rows"]

#: The first cell of :func:`tuned_rows`'s last row: the seeds pooled.
POOLED = "all (mean)"


def _candidates(o: Outcomes) -> dict[str, str]:
    return {name.removeprefix("tune-"): name for name in o.names("tune")}


def best_candidate(o: Outcomes) -> str:
    """The tune candidate with the best dev accuracy (ties: the earlier), e.g. ``"ep15"``."""
    runs = _candidates(o)
    if not runs:
        raise KeyError("No tune run has finished.")
    return max(runs, key=lambda c: o.score(runs[c], "dev").accuracy)


def tune_rows(o: Outcomes, candidates: dict) -> list[list]:
    """One row per finished candidate: what it changes, its dev accuracy with interval, and McNemar's
    p against the chosen candidate (on dev)."""
    runs, best = _candidates(o), best_candidate(o)
    rows = []
    for name, run in runs.items():
        changed = ", ".join(f"{k} = {v:g}" for k, v in candidates[name].items()) or "none (the at-scale settings)"
        test = o.compare(run, runs[best], "dev")
        rows.append(
            [name, changed, percent_interval(o.score(run, "dev")), "chosen" if name == best else f"{test.p_value:.3f}"]
        )
    return rows


def tuned_rows(o: Outcomes, half: str = "test") -> list[list]:
    """One row per seed of the tuned runs: ours and gensim with intervals, their difference and McNemar's
    p, then what tuning bought ours: the tuned run against the untuned one of the same seed
    (``ours-<arch>-s<seed>`` of the ``main`` group), difference and p. Blank where a run is missing.
    With two seeds or more, a last row :data:`POOLED` (``"all (mean)"``): the mean accuracies, and both contrasts
    tested over every seed's questions at once (:meth:`Outcomes.compare_pooled`)."""
    seeds = sorted({o.runs[n]["seed"] for n in o.names("tuned")})
    rows = []
    for seed in seeds:
        ours, theirs = f"ours-tuned-s{seed}", f"gensim-tuned-s{seed}"
        untuned = f"ours-{o.runs[ours]['arch']}-s{seed}" if ours in o.codes else None
        row = [seed, percent_interval(o.score(ours, half)) if ours in o.codes else "not run"]
        row.append(percent_interval(o.score(theirs, half)) if theirs in o.codes else "not run")
        row += _contrast(o, ours, theirs, half)
        row += _contrast(o, ours, untuned, half)
        rows.append(row)
    if len(seeds) > 1:  # the seeds together: mean accuracies, McNemar over every seed's questions
        rows.append(_pooled_row(o, seeds, half))
    return rows


def _pooled_row(o: Outcomes, seeds: list[int], half: str) -> list:
    ours = [f"ours-tuned-s{s}" for s in seeds]
    pairs = [[(a, f"gensim-tuned-s{s}"), (a, f"ours-{o.runs[a]['arch']}-s{s}")] for s, a in zip(seeds, ours)]
    row = [POOLED]
    for name in ("ours", "gensim"):
        runs = [f"{name}-tuned-s{s}" for s in seeds if f"{name}-tuned-s{s}" in o.codes]
        row.append(f"{100 * np.mean([o.score(r, half).accuracy for r in runs]):.1f}" if runs else "not run")
    for k in (0, 1):
        both = [p[k] for p in pairs if p[k][0] in o.codes and p[k][1] in o.codes]
        test = o.compare_pooled(both, half) if both else None
        row += ["", "", ""] if test is None else [f"{100 * test.difference:+.1f}", f"{test.p_value:.3g}", verdict(test)]
    return row


def _contrast(o: Outcomes, a: str | None, b: str | None, half: str) -> list[str]:
    if a not in o.codes or b not in o.codes:
        return ["", "", ""]
    test = o.compare(a, b, half)
    return [f"{100 * test.difference:+.1f}", f"{test.p_value:.3g}", verdict(test)]

"""Chapters 07 and 08's at-scale tables as rows: accuracies with intervals, seeds and verdicts.

Every row is computed from the shipped outcomes (:class:`course.evaluation.outcomes.Outcomes`):
:func:`architecture_rows`, :func:`contrast_rows`, :func:`sweep_rows`, :func:`grid_rows`,
:func:`grid_contrasts`, :func:`band_rows`, :func:`seed_rows`, :func:`seed_contrast_rows` and
:func:`band_seed_rows`. An interval is Wilson's 95 % (:func:`percent_interval`); a verdict is
McNemar's exact test at 5 % (:func:`verdict`).
"""

from __future__ import annotations

import numpy as np

from .outcomes import KINDS, VARIANTS, Outcomes, percent_interval, verdict
from .statistics import seed_spread

__all__ = [
    "architecture_rows",
    "contrast_rows",
    "sweep_rows",
    "grid_rows",
    "grid_contrasts",
    "band_rows",
    "seed_rows",
    "seed_contrast_rows",
    "band_seed_rows",
]


def architecture_rows(o: Outcomes, half: str = "test", seed: int = 0) -> list[list]:
    """One row per variant: ours and gensim with intervals, their difference and McNemar's p."""
    rows = []
    for arch, label in VARIANTS.items():
        ours, theirs = f"ours-{arch}-s{seed}", f"gensim-{arch}-s{seed}"
        if ours not in o.codes:
            continue
        s = o.score(ours, half)
        row = [label, percent_interval(s)]
        if theirs in o.codes:
            t, test = o.score(theirs, half), o.compare(ours, theirs, half)
            row += [percent_interval(t), f"{100 * test.difference:+.1f}", f"{test.p_value:.2f}", verdict(test)]
        else:
            row += ["not run", "", "", ""]
        row += [f"{o.runs[ours]['seconds'] / 60:.1f}"]
        rows.append(row)
    return rows


def contrast_rows(o: Outcomes, run_a: str, run_b: str, half: str = "test") -> list[list]:
    """Run A against run B on the total, semantic and syntactic questions both cover (McNemar)."""
    rows = []
    for kind in KINDS:
        test = o.compare(run_a, run_b, half, kind)
        rows.append(
            [
                kind,
                test.n,
                f"{100 * test.difference:+.1f}",
                test.only_a,
                test.only_b,
                f"{test.p_value:.3f}",
                verdict(test),
            ]
        )
    return rows


def grid_rows(o: Outcomes, half: str = "test") -> tuple[list, list]:
    """The grid as rows (one per vector size) of accuracies with intervals, and its header."""
    cells = o.grid(half)
    dims = sorted({d for d, _ in cells})
    fractions = sorted({f for _, f in cells})
    rows = [
        [f"D = {d}"] + [percent_interval(cells[d, f]) if (d, f) in cells else "not run" for f in fractions]
        for d in dims
    ]
    return rows, ["vector size"] + [f"{f:g} of the text" for f in fractions]


def sweep_rows(o: Outcomes, arch: str, half: str = "dev") -> list[list]:
    """The HS step-cap sweep of ``arch`` on ``half``: each cap's accuracy and McNemar's p against the best."""
    best = o.best_cap(arch)
    name = {o.runs[r]["params"]["hs_max_steps"]: r for r in o.names("sweep", "ours", arch)}
    rows = []
    for cap, s in o.sweep(arch, half):
        test = o.compare(name[cap], name[best], half)
        rows.append(
            [
                VARIANTS[arch],
                "none" if cap is None else cap,
                percent_interval(s),
                "best" if cap == best else f"{test.p_value:.3f}",
            ]
        )
    return rows


def grid_contrasts(o: Outcomes, half: str = "test") -> list[list]:
    """Neighbouring cells of the grid compared by McNemar: twice the text at each size, twice the size at each share."""
    cells = {(o.runs[r]["params"]["vector_size"], o.runs[r]["fraction"]): r for r in o.names("grid")}
    dims = sorted({d for d, _ in cells})
    fractions = sorted({f for _, f in cells})
    rows = []
    pairs = [
        ((d, f1), (d, f0), f"D = {d}: {f1:g} of the text against {f0:g}")
        for d in dims
        for f0, f1 in zip(fractions, fractions[1:])
    ]
    pairs += [
        ((d1, f), (d0, f), f"{f:g} of the text: D = {d1} against {d0}")
        for f in fractions
        for d0, d1 in zip(dims, dims[1:])
    ]
    for a, b, label in pairs:
        if a in cells and b in cells:
            test = o.compare(cells[a], cells[b], half)
            rows.append([label, test.n, f"{100 * test.difference:+.1f}", f"{test.p_value:.3f}", verdict(test)])
    return rows


def band_rows(o: Outcomes, run_a: str, run_b: str, half: str = "test", edges=(0, 1000, 5000, 30000)) -> list[list]:
    """Two runs by the frequency rank of the expected answer: each band's accuracies, difference and McNemar's p."""
    rank = o.ranks.get(run_a, o.answer_rank)
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        band = (rank >= lo) & (rank < hi)
        a, b = o.score(run_a, half, among=band), o.score(run_b, half, among=band)
        test = o.compare(run_a, run_b, half, among=band)
        rows.append(
            [
                f"{lo:,}-{hi:,}",
                test.n,
                percent_interval(a),
                percent_interval(b),
                f"{100 * test.difference:+.1f}",
                f"{test.p_value:.3f}",
                verdict(test),
            ]
        )
    return rows


def _seeds(o: Outcomes, trainer: str, arch: str) -> dict[int, str]:
    return {o.runs[n]["seed"]: n for n in o.names("main", trainer, arch)}


def _points(values) -> str:
    return " / ".join(f"{100 * v:.1f}" for v in values)


def seed_rows(o: Outcomes, half: str = "test") -> list[list]:
    """One row per variant: each seed's accuracy, ours and gensim, their mean and spread, and the
    seeds on which McNemar's test separates ours from gensim (seed by seed, the same questions)."""
    rows = []
    for arch, label in VARIANTS.items():
        ours, theirs = _seeds(o, "ours", arch), _seeds(o, "gensim", arch)
        if not ours:
            continue
        row = [label, len(ours)]
        for runs in (ours, theirs):
            if runs:
                spread = seed_spread([o.score(runs[s], half).accuracy for s in sorted(runs)])
                row += [
                    _points(o.score(runs[s], half).accuracy for s in sorted(runs)),
                    f"{100 * spread.mean:.1f} ± {100 * spread.std:.1f}",
                ]
            else:
                row += ["not run", ""]
        paired = [o.compare(ours[s], theirs[s], half) for s in sorted(set(ours) & set(theirs))]
        row.append(f"{sum(t.significant() for t in paired)} of {len(paired)}" if paired else "")
        rows.append(row)
    return rows


def seed_contrast_rows(o: Outcomes, arch_a: str, arch_b: str, trainer: str = "ours", half: str = "test") -> list[list]:
    """``arch_a`` against ``arch_b`` seed by seed (McNemar on the questions both cover), on the
    total, semantic and syntactic questions: each seed's difference and p, and on how many seeds
    the test supports a difference of the same sign as their mean."""
    a, b = _seeds(o, trainer, arch_a), _seeds(o, trainer, arch_b)
    seeds = sorted(set(a) & set(b))
    if not seeds:
        raise KeyError(f"No seed has finished main runs of both {arch_a} and {arch_b} ({trainer}).")
    return [_seed_row(kind, [o.compare(a[s], b[s], half, kind) for s in seeds]) for kind in KINDS]


def _seed_row(label: str, tests: list) -> list:
    mean = float(np.mean([t.difference for t in tests]))
    agree = sum(t.significant() and np.sign(t.difference) == np.sign(mean) for t in tests)
    return [
        label,
        " / ".join(f"{100 * t.difference:+.1f}" for t in tests),
        f"{100 * mean:+.1f}",
        " / ".join(f"{t.p_value:.3f}" for t in tests),
        f"{agree} of {len(tests)}",
    ]


def band_seed_rows(
    o: Outcomes, arch_a: str, arch_b: str, trainer: str = "ours", half: str = "test", edges=(0, 1000, 5000, 30000)
) -> list[list]:
    """:func:`band_rows`' comparison seed by seed: for each band of the expected answer's frequency
    rank, each seed's difference and McNemar p, and on how many seeds the test supports it."""
    a, b = _seeds(o, trainer, arch_a), _seeds(o, trainer, arch_b)
    seeds = sorted(set(a) & set(b))
    if not seeds:
        raise KeyError(f"No seed has finished main runs of both {arch_a} and {arch_b} ({trainer}).")
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        tests = []
        for s in seeds:
            rank = o.ranks.get(a[s], o.answer_rank)
            tests.append(o.compare(a[s], b[s], half, among=(rank >= lo) & (rank < hi)))
        rows.append(_seed_row(f"{lo:,}-{hi:,}", tests))
    return rows

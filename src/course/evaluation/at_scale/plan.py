"""The plan of the word2vec runs at scale: settings, seeds, groups, and the settings chosen on dev.

:func:`plan` lists every run (:class:`Run`); :func:`schedule` orders them so that what a later
run reads (the HS cap of the sweep, the tuned settings) is finished first. :func:`tuned_cap` and
:func:`tuned_settings` choose on the dev half of the questions, from the finished runs in
:func:`work_dir`; :func:`resolve` puts their choice into a run's settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ...base.validation import check_choice
from ..experiments import ARCHITECTURES
from ..outcomes import Outcomes
from .files import read_npz

__all__ = [
    "SETTINGS",
    "ALPHA",
    "SEEDS",
    "GRID_DIMS",
    "GRID_FRACTIONS",
    "GRID_EPOCHS",
    "GRID_ARCH",
    "SWEEP_CAPS",
    "SWEEP_ARCHS",
    "TUNE_ARCH",
    "TUNE_CANDIDATES",
    "RESTRICT",
    "Run",
    "params",
    "plan",
    "schedule",
    "tuned_cap",
    "tuned_settings",
    "resolve",
    "work_dir",
]

#: Settings of every at-scale run (gensim's names); ``alpha`` comes from :data:`ALPHA`.
SETTINGS: dict = {
    "vector_size": 100,
    "window": 5,
    "min_count": 5,
    "sample": 1e-3,
    "min_alpha": 1e-4,
    "epochs": 5,
    "batch_size": 256,
}
#: word2vec.c's starting learning rates (its defaults for -cbow 0 and -cbow 1).
ALPHA: dict = {"skipgram": 0.025, "cbow": 0.05}
SEEDS: tuple[int, ...] = (0, 1, 2)
GRID_DIMS: tuple[int, ...] = (50, 100, 200)
GRID_FRACTIONS: tuple[float, ...] = (0.25, 0.5, 1.0)
GRID_EPOCHS = 3
GRID_ARCH = "cbow-ns"
SWEEP_CAPS: tuple = (8, 32, 128, None)
SWEEP_ARCHS: tuple[str, ...] = ("cbow-hs", "skipgram-hs")
#: The dev-half tuning of the best variant: one setting changed at a time from :data:`SETTINGS`.
TUNE_ARCH = "cbow-ns"
TUNE_CANDIDATES: dict = {
    "base": {},
    "ep10": {"epochs": 10},
    "ep15": {"epochs": 15},
    "neg15": {"negative": 15},
    "win8": {"window": 8},
    "sample1e-4": {"sample": 1e-4},
}
#: The questions count at the paper's 30,000 most frequent words.
RESTRICT = 30000


@dataclass(frozen=True)
class Run:
    """One training run of the plan: who trains, which variant, which settings."""

    name: str
    group: str  # "main", "grid" or "sweep"
    trainer: str  # "ours" or "gensim"
    arch: str
    seed: int
    params: dict = field(default_factory=dict)  # settings replacing SETTINGS
    fraction: float = 1.0  # share of the corpus's sentences (nested random samples)


def params(arch: str, **overrides) -> dict:
    a = ARCHITECTURES[arch]
    return {**SETTINGS, **a, "alpha": ALPHA["skipgram" if a["sg"] else "cbow"], **overrides}


def plan(groups=("sweep", "main", "grid", "tune", "tuned"), seeds=SEEDS) -> list[Run]:
    """Every run of the at-scale plan, in the order :func:`run_all` trains them (seed 0 first).

    >>> len(plan()), len(plan(["main"], seeds=[0])), len(plan(["tune", "tuned"], seeds=[0]))
    (53, 8, 8)
    >>> plan(["main"], seeds=[0])[0].name
    'ours-cbow-ns-s0'
    """
    runs = []
    for group in groups:
        check_choice(group, "groups", "plan", ["main", "grid", "sweep", "tune", "tuned"])
        if group == "main":
            for seed in seeds:
                for trainer in ("ours", "gensim"):
                    for arch in ARCHITECTURES:
                        p = params(arch, seed=seed)
                        if trainer == "ours" and p["hs"]:
                            p["hs_max_steps"] = "dev"  # the cap the sweep chooses on the dev half
                        runs.append(Run(f"{trainer}-{arch}-s{seed}", "main", trainer, arch, seed, p))
        elif group == "grid":
            for frac in GRID_FRACTIONS:
                for dim in GRID_DIMS:
                    p = params(GRID_ARCH, seed=0, vector_size=dim, epochs=GRID_EPOCHS)
                    runs.append(Run(f"grid-d{dim}-f{frac:g}", "grid", "ours", GRID_ARCH, 0, p, frac))
        elif group == "tune":
            for name, overrides in TUNE_CANDIDATES.items():
                runs.append(Run(f"tune-{name}", "tune", "gensim", TUNE_ARCH, 0, params(TUNE_ARCH, seed=0, **overrides)))
        elif group == "tuned":
            for seed in seeds:
                for trainer in ("ours", "gensim"):
                    p = {**params(TUNE_ARCH, seed=seed), "tuned": "dev"}  # the tune group's dev-best settings
                    runs.append(Run(f"{trainer}-tuned-s{seed}", "tuned", trainer, TUNE_ARCH, seed, p))
        else:
            for arch in SWEEP_ARCHS:
                for cap in SWEEP_CAPS:
                    p = params(arch, seed=0, epochs=1, hs_max_steps=cap)
                    runs.append(Run(f"sweep-{arch}-cap{cap or 'none'}", "sweep", "ours", arch, 0, p))
    return runs


def schedule(seeds=SEEDS) -> list[Run]:
    """The order ``run`` trains the plan in: the sweep, seed 0 of the main runs, the grid, other seeds."""
    first, rest = [s for s in seeds if s == seeds[0]], list(seeds[1:])
    later = plan(["main"], rest) if rest else []
    return plan(["sweep"]) + plan(["main"], first) + plan(["grid"]) + later + plan(["tune"]) + plan(["tuned"], seeds)


def tuned_cap(arch: str):
    """The sweep's cap with the best accuracy on the dev half for ``arch`` (:meth:`Outcomes.best_cap`).

    Reads the finished sweep runs in :func:`work_dir`; raises if any is missing.
    """
    from ...data import load_analogies

    codes, metas = {}, {}
    for run in plan(["sweep"]):
        if run.arch != arch:
            continue
        path = work_dir() / f"{run.name}.npz"
        if not path.exists():
            raise ValueError(f"The sweep run {run.name} has not finished: the HS cap cannot be chosen yet.")
        codes[run.name] = read_npz(path, "a run")[0]["outcome"]
        metas[run.name] = {"group": "sweep", "trainer": "ours", "arch": arch, "params": run.params}
    return Outcomes(codes, metas, load_analogies(), None, {}, {}).best_cap(arch)


def tuned_settings() -> dict:
    """The settings of :data:`TUNE_CANDIDATES` with the best dev-half accuracy (ties: the earlier).

    Reads the finished tune runs in :func:`work_dir`; raises if any is missing.
    """
    from ...data import load_analogies

    questions, best = load_analogies(), None
    for run in plan(["tune"]):
        path = work_dir() / f"{run.name}.npz"
        if not path.exists():
            raise ValueError(f"The tune run {run.name} has not finished: the tuned settings cannot be chosen yet.")
        codes = read_npz(path, "a run")[0]["outcome"]
        dev = Outcomes({"x": codes}, {"x": {}}, questions, None, {}, {}).score("x", "dev").accuracy
        if best is None or dev > best[0]:
            best = (dev, TUNE_CANDIDATES[run.name.removeprefix("tune-")])
    return best[1]


def resolve(run: Run) -> Run:
    if run.params.get("tuned") == "dev":
        params = {k: v for k, v in run.params.items() if k != "tuned"}
        return Run(run.name, run.group, run.trainer, run.arch, run.seed, {**params, **tuned_settings()}, run.fraction)
    if run.params.get("hs_max_steps") != "dev":
        return run
    return Run(
        run.name,
        run.group,
        run.trainer,
        run.arch,
        run.seed,
        {**run.params, "hs_max_steps": tuned_cap(run.arch)},
        run.fraction,
    )


def work_dir() -> Path:
    """Where finished runs are kept between sessions: ``$COURSE_WORD2VEC_RUNS`` if set, else
    ``at_scale/word2vec`` in the course's data folder."""
    from ...base.paths import data_dir

    env = os.environ.get("COURSE_WORD2VEC_RUNS")
    return Path(env) if env else Path(data_dir()) / "at_scale" / "word2vec"

"""word2vec at scale (chapters 06-08): the runs behind the shipped analogy outcomes and vectors.

A chapter can train word2vec for a few minutes; the paper's findings need the whole corpus, five
epochs, D = 100 and several seeds. This module trains those runs once, by a recorded command, and
keeps of each what a table needs: one outcome per analogy question (1 right, 0 wrong, -1 not
covered at 30,000 words), from which every accuracy, interval and paired test of the chapters is
computed live (:mod:`course.evaluation.statistics`).

The plan (:func:`plan`), every run on the redistributable sources of the whole corpus:

* ``main``: the four variants (CBOW, Skip-gram x negative sampling, hierarchical softmax) with
  :data:`SETTINGS`, ours and gensim's, seeds :data:`SEEDS`;
* ``grid``: CBOW with negative sampling, vector sizes :data:`GRID_DIMS` x nested random samples
  of :data:`GRID_FRACTIONS` of the text, :data:`GRID_EPOCHS` epochs (the paper's Table 2);
* ``sweep``: hierarchical softmax's step cap :data:`SWEEP_CAPS` (``HS_MAX_STEPS``), one epoch,
  chosen on the dev half of the questions (:func:`course.data.analogy_halves`);
* ``tune``: gensim's CBOW with negative sampling, one setting changed at a time
  (:data:`TUNE_CANDIDATES`), scored on the dev half only;
* ``tuned``: ours and gensim's CBOW + NS with the dev-best candidate (:func:`tuned_settings`),
  seeds :data:`SEEDS`: the course's best variant, for the 30 % goal.

Each finished run is saved in the work folder (``$COURSE_DATA_DIR/at_scale/word2vec``), so an
interrupted ``run`` resumes; :func:`write_outcomes` gathers the finished runs into the shipped
``.npz`` (int8 outcomes plus JSON ``__meta__``, read with ``allow_pickle=False``) and
:func:`write_vectors` the 30,000 most frequent words of one run in float16.

The settings follow word2vec.c and gensim: window 5, min_count 5, subsampling 1e-3, 5 noise
words, the reference code's starting learning rates (0.025 Skip-gram, 0.05 CBOW) falling linearly
to 1e-4. gensim gets the same settings and one worker (reproducible).

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations in
   Vector Space", 2013 (mikolov2013a), Tables 2-6.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..base.cache import atomic_path
from ..base.validation import check_choice
from .experiments import ARCHITECTURES, gensim_params
from .outcomes import Outcomes

__all__ = [
    "SETTINGS",
    "ALPHA",
    "SEEDS",
    "GRID_DIMS",
    "GRID_FRACTIONS",
    "GRID_EPOCHS",
    "SWEEP_CAPS",
    "RESTRICT",
    "Run",
    "plan",
    "work_dir",
    "run_all",
    "restore",
    "write_outcomes",
    "write_vectors",
    "read_outcomes",
    "read_vectors",
    "load_outcomes",
    "load_vectors",
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
FORMAT = 1


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


def _params(arch: str, **overrides) -> dict:
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
                        p = _params(arch, seed=seed)
                        if trainer == "ours" and p["hs"]:
                            p["hs_max_steps"] = "dev"  # the cap the sweep chooses on the dev half
                        runs.append(Run(f"{trainer}-{arch}-s{seed}", "main", trainer, arch, seed, p))
        elif group == "grid":
            for frac in GRID_FRACTIONS:
                for dim in GRID_DIMS:
                    p = _params(GRID_ARCH, seed=0, vector_size=dim, epochs=GRID_EPOCHS)
                    runs.append(Run(f"grid-d{dim}-f{frac:g}", "grid", "ours", GRID_ARCH, 0, p, frac))
        elif group == "tune":
            for name, overrides in TUNE_CANDIDATES.items():
                runs.append(
                    Run(f"tune-{name}", "tune", "gensim", TUNE_ARCH, 0, _params(TUNE_ARCH, seed=0, **overrides))
                )
        elif group == "tuned":
            for seed in seeds:
                for trainer in ("ours", "gensim"):
                    p = {**_params(TUNE_ARCH, seed=seed), "tuned": "dev"}  # the tune group's dev-best settings
                    runs.append(Run(f"{trainer}-tuned-s{seed}", "tuned", trainer, TUNE_ARCH, seed, p))
        else:
            for arch in SWEEP_ARCHS:
                for cap in SWEEP_CAPS:
                    p = _params(arch, seed=0, epochs=1, hs_max_steps=cap)
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
    from ..data import load_analogies

    codes, metas = {}, {}
    for run in plan(["sweep"]):
        if run.arch != arch:
            continue
        path = work_dir() / f"{run.name}.npz"
        if not path.exists():
            raise ValueError(f"The sweep run {run.name} has not finished: the HS cap cannot be chosen yet.")
        codes[run.name] = _read_npz(path, "a run")[0]["outcome"]
        metas[run.name] = {"group": "sweep", "trainer": "ours", "arch": arch, "params": run.params}
    return Outcomes(codes, metas, load_analogies(), None, {}, {}).best_cap(arch)


def tuned_settings() -> dict:
    """The settings of :data:`TUNE_CANDIDATES` with the best dev-half accuracy (ties: the earlier).

    Reads the finished tune runs in :func:`work_dir`; raises if any is missing.
    """
    from ..data import load_analogies

    questions, best = load_analogies(), None
    for run in plan(["tune"]):
        path = work_dir() / f"{run.name}.npz"
        if not path.exists():
            raise ValueError(f"The tune run {run.name} has not finished: the tuned settings cannot be chosen yet.")
        codes = _read_npz(path, "a run")[0]["outcome"]
        dev = Outcomes({"x": codes}, {"x": {}}, questions, None, {}, {}).score("x", "dev").accuracy
        if best is None or dev > best[0]:
            best = (dev, TUNE_CANDIDATES[run.name.removeprefix("tune-")])
    return best[1]


def _resolve(run: Run) -> Run:
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
    """Where finished runs are kept between sessions (under the course's data folder)."""
    from ..base.paths import data_dir

    return Path(data_dir()) / "at_scale" / "word2vec"


def _corpus():
    from .. import data

    sources = data.redistributable_names()
    return sources, data.corpus_checksum("full", sources)


def _sample(words, ids, offsets, fraction: float, seed: int = 0):
    """The first ``fraction`` of the sentences in one fixed shuffled order (samples are nested)."""
    if fraction >= 1.0:
        return words, ids, offsets
    lengths = np.diff(offsets)
    order = np.random.default_rng(seed).permutation(len(lengths))
    take = np.sort(order[: int(round(fraction * len(lengths)))])
    starts, lens = offsets[take], lengths[take]
    new_offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    positions = np.repeat(starts - new_offsets[:-1], lens) + np.arange(new_offsets[-1])
    return words, ids[positions], new_offsets


def _train(run: Run, threads: int):
    """Train one run; return (index_to_key, vectors, counts, seconds)."""
    from .. import data

    sources, _ = _corpus()
    if run.trainer == "ours":
        from ..word2vec import Word2Vec

        words, ids, offsets = _sample(*data.load_tokens("all", "full", sources), run.fraction)
        model = Word2Vec(**run.params, workers=threads, progress=False).fit_tokens(words, ids, offsets)
        return model.index_to_key_, np.asarray(model.wv.vectors), np.asarray(model.counts_), model.train_seconds_
    from gensim.models import Word2Vec as GensimWord2Vec

    sentences = data.load_sentences("all", "full", sources)
    model = GensimWord2Vec(**gensim_params(run.params))
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    counts = np.array([model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key], dtype=np.int64)
    return list(model.wv.index_to_key), np.asarray(model.wv.vectors), counts, time.perf_counter() - start


def outcome_codes(index_to_key, vectors, questions) -> np.ndarray:
    """1 right, 0 wrong, -1 not covered: every question at :data:`RESTRICT` words (3CosAdd)."""
    from ..vectors import KeyedVectors
    from .analogy_accuracy import evaluate_analogies

    result = evaluate_analogies(KeyedVectors(index_to_key, vectors), questions, restrict_vocab=RESTRICT)
    return np.array(
        [-1 if p is None else int(p.lower() == q[4].lower()) for p, q in zip(result.predictions, questions)],
        dtype=np.int8,
    )


def _machine(threads: int) -> str:
    import torch

    return f"{os.cpu_count()}-core {platform.machine()} CPU, {threads} thread(s), torch {torch.__version__}"


def _save_npz(path: Path, arrays: dict, meta: dict) -> None:
    arrays = {**arrays, "__meta__": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)


def _read_npz(path: Path, what: str) -> tuple[dict, dict]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["__meta__"].tobytes().decode("utf-8"))
            arrays = {k: npz[k] for k in npz.files if k != "__meta__"}
    except (OSError, KeyError, ValueError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not {what} written by course.evaluation.at_scale: {error}") from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path} has format {meta.get('format')!r}; this version reads format {FORMAT}.")
    return arrays, meta


def run_all(runs: list[Run], threads: int = 1, log=print) -> list[Path]:
    """Train every run not yet finished in :func:`work_dir` (resumable); return the run files."""
    import gensim

    from ..data import load_analogies

    questions = load_analogies()
    folder = work_dir()
    _, checksum = _corpus()
    files = []
    for i, run in enumerate(runs):
        path = folder / f"{run.name}.npz"
        files.append(path)
        if path.exists():
            continue
        run = _resolve(run)
        log(f"[{i + 1}/{len(runs)}] {run.name}: training", flush=True)
        keys, vectors, counts, seconds = _train(run, threads)
        codes = outcome_codes(keys, vectors, questions)
        rank = {w.lower(): r for r, w in reversed(list(enumerate(keys)))}
        answer_rank = np.array([rank.get(q[4].lower(), -1) for q in questions], dtype=np.int32)
        meta = {
            "format": FORMAT,
            "run": run.name,
            "group": run.group,
            "trainer": run.trainer,
            "arch": run.arch,
            "seed": run.seed,
            "fraction": run.fraction,
            "params": {k: v for k, v in run.params.items() if k != "seed"},
            "seconds": round(float(seconds), 1),
            "vocab_size": len(keys),
            "train_tokens": int(counts.sum()),
            "corpus_checksum": checksum,
            "machine": _machine(1 if run.trainer == "gensim" else threads),
            "gensim": gensim.__version__ if run.trainer == "gensim" else None,
        }
        top = min(RESTRICT, len(keys))
        arrays = {"outcome": codes, "answer_rank": answer_rank}
        if run.group in ("main", "tuned") and run.trainer == "ours" and run.seed == 0:
            arrays.update(words=np.array(keys[:top]), vectors=vectors[:top].astype(np.float16), counts=counts[:top])
        _save_npz(path, arrays, meta)
        acc = (codes == 1).sum() / max(1, (codes >= 0).sum())
        log(f"    {run.name}: {seconds / 60:.1f} min, total accuracy {acc:.3f}", flush=True)
    return files


def restore(outcomes: Outcomes | None = None) -> list[str]:
    """Write a run file for every run of the shipped outcomes missing from :func:`work_dir`.

    A fresh clone then resumes the plan where the shipped file stopped instead of training every
    run again. A restored file holds what :func:`write_outcomes` reads back (the codes, the answers'
    frequency ranks, the metadata, marked ``"restored": true``) but no vectors, so
    :func:`write_vectors` still needs the original run. Returns the names of the restored runs.
    """
    outcomes = load_outcomes() if outcomes is None else outcomes
    folder = work_dir()
    restored = []
    for name, meta in outcomes.runs.items():
        path = folder / f"{name}.npz"
        if path.exists():
            continue
        rank = outcomes.ranks.get(name, outcomes.answer_rank)
        if rank is None:
            raise ValueError(f"The outcomes hold no answer ranks for {name!r}; they cannot be restored.")
        _save_npz(path, {"outcome": outcomes.codes[name], "answer_rank": rank}, {**meta, "restored": True})
        restored.append(name)
    return restored


def write_outcomes(out: str | Path, runs: list[Run] | None = None) -> dict:
    """Gather the finished runs of the plan into one shipped ``.npz``; return its metadata."""
    from ..base.cache import file_sha256
    from ..data.evalsets import evalset_path

    sources, checksum = _corpus()
    runs = plan() if runs is None else runs
    arrays, metas, answer_rank = {}, {}, None
    for run in runs:
        path = work_dir() / f"{run.name}.npz"
        if not path.exists():
            continue
        a, m = _read_npz(path, "a run")
        arrays[f"outcome:{run.name}"] = a["outcome"]
        if run.group != "grid" and answer_rank is None:
            answer_rank = a["answer_rank"]
        if run.group == "grid":
            arrays[f"answer_rank:{run.name}"] = a["answer_rank"]
        metas[run.name] = {k: v for k, v in m.items() if k != "restored"}  # a restored run is the shipped one
    if not metas:
        raise ValueError(f"No finished run in {work_dir()}: run `python -m course.evaluation.at_scale run` first.")
    if answer_rank is not None:
        arrays["answer_rank"] = answer_rank
    meta = {
        "format": FORMAT,
        "kind": "word2vec_outcomes",
        "questions_sha256": file_sha256(evalset_path("questions-words.txt")),
        "restrict_vocab": RESTRICT,
        "runs": metas,
        "planned": [r.name for r in runs],
        "train_sources": sources,
        "corpus_checksum": checksum,
        "seconds": round(sum(m["seconds"] for m in metas.values()), 1),
        "seed": 0,
        "machine": next(iter(metas.values()))["machine"],
        "hyperparameters": {
            "settings": SETTINGS,
            "alpha": ALPHA,
            "seeds": list(SEEDS),
            "grid_dims": list(GRID_DIMS),
            "grid_fractions": list(GRID_FRACTIONS),
            "grid_epochs": GRID_EPOCHS,
            "sweep_caps": [c or 0 for c in SWEEP_CAPS],
            "tune_candidates": TUNE_CANDIDATES,
        },
    }
    _save_npz(Path(out), arrays, meta)
    return meta


def write_vectors(out: str | Path, run_name: str = "ours-skipgram-ns-s0") -> dict:
    """Ship the 30,000 most frequent words of one main run of ours (float16); return the metadata."""
    sources, _ = _corpus()
    a, m = _read_npz(work_dir() / f"{run_name}.npz", "a run")
    if "vectors" not in a:
        raise ValueError(f"The run {run_name!r} kept no vectors (only seed-0 main runs of ours do).")
    meta = {**m, "kind": "word2vec_vectors", "train_sources": sources, "hyperparameters": m["params"]}
    _save_npz(Path(out), {"words": a["words"], "vectors": a["vectors"], "counts": a["counts"]}, meta)
    return meta


# ------------------------------------------------------------------------------ reading back
def read_outcomes(path: str | Path) -> Outcomes:
    """The outcomes ``.npz`` written by :func:`write_outcomes` (checked against the questions file)."""
    from ..base.cache import file_sha256
    from ..data import load_analogies
    from ..data.evalsets import evalset_path

    arrays, meta = _read_npz(Path(path), "analogy outcomes")
    if meta.get("kind") != "word2vec_outcomes":
        raise ValueError(f"{path} holds {meta.get('kind')!r}, not word2vec_outcomes.")
    if meta["questions_sha256"] != file_sha256(evalset_path("questions-words.txt")):
        raise ValueError(f"{path} was scored on another analogy question file than the course's.")
    questions = load_analogies()
    codes = {k.split(":", 1)[1]: v for k, v in arrays.items() if k.startswith("outcome:")}
    bad = [n for n, c in codes.items() if c.shape != (len(questions),)]
    if bad:
        raise ValueError(f"{path}: the runs {bad} do not have one outcome per question ({len(questions)}).")
    ranks = {k.split(":", 1)[1]: v for k, v in arrays.items() if k.startswith("answer_rank:")}
    return Outcomes(codes, meta["runs"], questions, arrays.get("answer_rank"), ranks, meta)


def read_vectors(path: str | Path):
    """``(KeyedVectors, meta)`` from :func:`write_vectors`'s file (float32, frequency order)."""
    from ..vectors import KeyedVectors

    arrays, meta = _read_npz(Path(path), "word vectors")
    return KeyedVectors(
        [str(w) for w in arrays["words"]], arrays["vectors"].astype(np.float32), counts=arrays["counts"]
    ), meta


def load_outcomes() -> Outcomes:
    """The shipped outcomes (artifact ``word2vec-outcomes``, sha256 checked)."""
    from .. import pretrained

    return pretrained.load("word2vec-outcomes")


def load_vectors():
    """The shipped at-scale Skip-gram vectors (artifact ``word2vec-vectors``, sha256 checked)."""
    from .. import pretrained

    return pretrained.load("word2vec-vectors")


def main(argv=None) -> int:
    """``python -m course.evaluation.at_scale run | restore | outcomes --out F | vectors --out F``."""
    parser = argparse.ArgumentParser(prog="python -m course.evaluation.at_scale", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="train the runs not yet finished (resumable)")
    groups = ["sweep", "main", "grid", "tune", "tuned"]
    r.add_argument("--groups", nargs="+", default=groups, choices=groups)
    r.add_argument("--list", action="store_true", help="print the runs and whether each has finished")
    r.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    r.add_argument("--threads", type=int, default=1)
    sub.add_parser("restore", help="write run files for the shipped runs this folder lacks (a fresh clone resumes)")
    o = sub.add_parser("outcomes", help="train what is missing, then write the shipped outcomes")
    o.add_argument("--out", required=True)
    o.add_argument("--threads", type=int, default=1)
    v = sub.add_parser("vectors", help="train what is missing, then write the shipped vectors")
    v.add_argument("--out", required=True)
    v.add_argument("--run", default="ours-skipgram-ns-s0")
    v.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "run":
        chosen = set(args.groups)
        if args.list:
            for r in schedule(tuple(args.seeds)):
                print(f"{r.name:28s} {'done' if (work_dir() / f'{r.name}.npz').exists() else '-'}")
            return 0
        run_all([r for r in schedule(tuple(args.seeds)) if r.group in chosen], args.threads)
    elif args.command == "restore":
        names = restore()
        print(f"restored {len(names)} run(s) into {work_dir()}: {', '.join(names) or 'none missing'}")
    elif args.command == "outcomes":
        run_all(schedule(), args.threads)
        write_outcomes(args.out)
    else:
        run_all([r for r in plan(["main", "tuned"], [0]) if r.name == args.run], args.threads)
        write_vectors(args.out, args.run)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

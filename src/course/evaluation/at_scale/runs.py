"""Training the planned runs (resumable) and writing the shipped outcomes and vectors.

:func:`run_all` trains every run of the plan not yet finished in the work folder and keeps of each
one outcome per analogy question (:func:`outcome_codes`); :func:`write_outcomes` gathers the
finished runs into the shipped file, :func:`write_vectors` one run's 30,000 most frequent words in
float16, and :func:`restore` lets a fresh clone resume from the shipped file.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

from ..experiments import gensim_params
from ..outcomes import Outcomes
from .files import FORMAT, load_outcomes, read_npz, save_npz
from .plan import (
    ALPHA,
    GRID_DIMS,
    GRID_EPOCHS,
    GRID_FRACTIONS,
    RESTRICT,
    SEEDS,
    SETTINGS,
    SWEEP_CAPS,
    TUNE_CANDIDATES,
    Run,
    plan,
    resolve,
    work_dir,
)

__all__ = ["outcome_codes", "run_all", "restore", "write_outcomes", "write_vectors"]


def _corpus():
    from ... import data

    sources = data.redistributable_names()
    return sources, data.corpus_checksum("full", sources)


def _sample(words, ids, offsets, fraction: float, seed: int = 0):
    """The first ``fraction`` of the sentences in one fixed shuffled order (samples are nested)."""
    from ...data.arrays import take_sentences

    if fraction >= 1.0:
        return words, ids, offsets
    order = np.random.default_rng(seed).permutation(len(offsets) - 1)
    return (words, *take_sentences(ids, offsets, np.sort(order[: int(round(fraction * (len(offsets) - 1)))])))


def _train(run: Run, threads: int):
    """Train one run; return (index_to_key, vectors, counts, seconds)."""
    from ... import data

    sources, _ = _corpus()
    if run.trainer == "ours":
        from ...word2vec import Word2Vec

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
    from ...vectors import KeyedVectors
    from ..analogy_accuracy import evaluate_analogies

    result = evaluate_analogies(KeyedVectors(index_to_key, vectors), questions, restrict_vocab=RESTRICT)
    return np.array(
        [-1 if p is None else int(p.lower() == q[4].lower()) for p, q in zip(result.predictions, questions)],
        dtype=np.int8,
    )


def _machine(threads: int) -> str:
    import torch

    return f"{os.cpu_count()}-core {platform.machine()} CPU, {threads} thread(s), torch {torch.__version__}"


def run_all(runs: list[Run], threads: int = 1, log=print) -> list[Path]:
    """Train every run not yet finished in :func:`work_dir` (resumable); return the run files."""
    import gensim

    from ...data import load_analogies

    questions = load_analogies()
    folder = work_dir()
    _, checksum = _corpus()
    files = []
    for i, run in enumerate(runs):
        path = folder / f"{run.name}.npz"
        files.append(path)
        if path.exists():
            continue
        run = resolve(run)
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
        save_npz(path, arrays, meta)
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
        save_npz(path, {"outcome": outcomes.codes[name], "answer_rank": rank}, {**meta, "restored": True})
        restored.append(name)
    return restored


def write_outcomes(out: str | Path, runs: list[Run] | None = None) -> dict:
    """Gather the finished runs of the plan into one shipped ``.npz``; return its metadata."""
    from ...base.cache import file_sha256
    from ...data.evalsets import evalset_path

    sources, checksum = _corpus()
    runs = plan() if runs is None else runs
    arrays, metas, answer_rank = {}, {}, None
    for run in runs:
        path = work_dir() / f"{run.name}.npz"
        if not path.exists():
            continue
        a, m = read_npz(path, "a run")
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
    save_npz(Path(out), arrays, meta)
    return meta


def write_vectors(out: str | Path, run_name: str = "ours-skipgram-ns-s0") -> dict:
    """Ship the 30,000 most frequent words of one main run of ours (float16); return the metadata."""
    sources, _ = _corpus()
    a, m = read_npz(work_dir() / f"{run_name}.npz", "a run")
    if "vectors" not in a:
        raise ValueError(f"The run {run_name!r} kept no vectors (only seed-0 main runs of ours do).")
    meta = {**m, "kind": "word2vec_vectors", "train_sources": sources, "hyperparameters": m["params"]}
    save_npz(Path(out), {"words": a["words"], "vectors": a["vectors"], "counts": a["counts"]}, meta)
    return meta

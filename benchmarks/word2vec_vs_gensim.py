"""word2vec: course.word2vec (PyTorch, minibatch SGD) side by side with gensim 4.4.0, in one run.

Trains Skip-gram with negative sampling and CBOW with negative sampling with identical settings
(vector_size 100, window 5, 5 negatives, sample 1e-3, min_count 5, 1 epoch, 2 threads, seed 1,
no loss bookkeeping) on the same sentences of the course corpus, and prints for each: words per
second of both implementations, the ratio ours / gensim, and the accuracy on the analogy
questions (course.evaluation, restrict_vocab=30000) of both. For Skip-gram it also times our
``shared_negatives=True`` variant (one set of noise words per centre word, Ji et al. 2016), which
trains each centre word's pairs as small matrix products.

Threads: gensim's worker threads train different chunks and update the shared weights without
locks (fast, not reproducible). "ours" runs the same way (``hogwild=True``) and is the row the
gate reads. "ours, reproducible" is our trainer's default mode instead: each minibatch is split
across the threads and the updates are applied in a fixed order, so any number of threads gives the
single-thread result; the waiting costs speed (on an idle 2-core machine about half of gensim's
words/s, against 0.85 hogwild).

"ratio" is ours / gensim in words per second of wall time (the gate); "end-to-end" includes
vocabulary building for both; "per CPU-s" compares words per CPU-second (all threads), which a
busy shared machine distorts much less than wall time.

Words per second count *raw* words, as gensim does: every token of the training sentences,
including words below min_count and words that subsampling drops, times the epochs, divided by
the wall time of the training loop (vocabulary building excluded for both; for ours the
one-off conversion of the strings to ids is included in an end-to-end figure too).

Run::

    .venv/bin/python benchmarks/word2vec_vs_gensim.py              # whole corpus (~11.8 M tokens)
    .venv/bin/python benchmarks/word2vec_vs_gensim.py --fraction 0.25 --repeats 2

Gates (printed as PASS/FAIL; the exit status is 1 if one fails): Skip-gram-NS ratio >= 0.5 for
"ours" (per-pair noise words as word2vec.c, lock-free threads as gensim), and every variant's accuracy within 2
points of gensim's (or better). The machine's load
average is printed before and after: other processes on a shared machine distort wall times
(``--repeats`` alternates the two implementations and keeps each one's best run).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

SETTINGS = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=1, seed=1)


def load_corpus(fraction: float) -> list[list[str]]:
    """Sentences of the whole course corpus, or every k-th one (all genres) for a fraction."""
    from course.data import load_tokens

    words, ids, offsets = load_tokens("all", "full")
    step = max(1, round(1 / fraction))
    vocabulary = np.asarray(words, dtype=object)
    starts, ends = offsets[:-1][::step], offsets[1:][::step]
    return [vocabulary[ids[a:b]].tolist() for a, b in zip(starts, ends)]


def run_gensim(sentences, sg: bool, workers: int):
    from gensim.models import Word2Vec

    model = Word2Vec(sg=int(sg), hs=0, workers=workers, **SETTINGS)
    t0 = time.perf_counter()
    model.build_vocab(sentences)
    t1, c1 = time.perf_counter(), time.process_time()
    model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    t2, c2 = time.perf_counter(), time.process_time()
    return model.wv, t2 - t1, t2 - t0, c2 - c1


def run_ours(sentences, sg: bool, workers: int, **options):
    from course.word2vec import Word2Vec

    model = Word2Vec(sg=sg, hs=False, workers=workers, progress=False, compute_loss=False, **options, **SETTINGS)
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(sentences)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    # CPU time of the whole fit (vocabulary included, a few % of it): an upper bound for training.
    return model.wv, model.train_seconds_, total, cpu


def accuracy(wv):
    from course.evaluation import evaluate_analogies

    return evaluate_analogies(wv, restrict_vocab=30000)


def variants(sg: bool) -> dict[str, dict]:
    """Our configurations to time: word2vec.c's per-pair noise words with lock-free threads as gensim,
    (Skip-gram) shared noise words, and the trainer's reproducible default mode."""
    out = {"ours": {"hogwild": True}}
    if sg:
        out["ours, shared negatives"] = {"hogwild": True, "shared_negatives": True}
    out["ours, reproducible"] = {"hogwild": False}
    return out


def print_table(rows) -> None:
    header = (
        "model",
        "implementation",
        "words/s",
        "ratio",
        "end-to-end",
        "per CPU-s",
        "acc %",
        "sem/syn %",
        "coverage %",
    )
    lines = [header]
    for label, impl, speed, ratio, e2e, cpu_ratio, acc in rows:
        lines.append(
            (
                label,
                impl,
                f"{speed:,.0f}",
                ratio,
                e2e,
                cpu_ratio,
                f"{100 * acc.accuracy:.2f}",
                f"{100 * acc.semantic:.1f}/{100 * acc.syntactic:.1f}",
                f"{100 * acc.coverage:.1f}",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for k, line in enumerate(lines):
        print("  ".join(str(c).rjust(w) if j > 1 else str(c).ljust(w) for j, (c, w) in enumerate(zip(line, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the corpus's sentences (every k-th)")
    parser.add_argument("--repeats", type=int, default=1, help="alternate runs per implementation, keep the best")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--models", default="sg,cbow", help="comma-separated subset of sg,cbow")
    args = parser.parse_args(argv)

    import gensim
    import torch

    import course

    sentences = load_corpus(args.fraction)
    raw_words = sum(map(len, sentences)) * SETTINGS["epochs"]
    print(
        f"course {course.__version__}, gensim {gensim.__version__}, torch {torch.__version__}, "
        f"{os.cpu_count()} CPUs, workers={args.workers}"
    )
    print(
        f"corpus: {len(sentences):,} sentences, {raw_words:,} raw words x {SETTINGS['epochs']} epoch(s); "
        f"settings: {SETTINGS}"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)

    rows, failures = [], []
    for name in args.models.split(","):
        sg = {"sg": True, "cbow": False}[name.strip()]
        label = "Skip-gram-NS" if sg else "CBOW-NS"
        ours = variants(sg)
        best = {}
        for r in range(args.repeats):
            for impl in ("gensim", *ours):
                if impl == "gensim":
                    wv, train_s, total_s, cpu_s = run_gensim(sentences, sg, args.workers)
                else:
                    wv, train_s, total_s, cpu_s = run_ours(sentences, sg, args.workers, **ours[impl])
                print(
                    f"  {label} {impl:24s} run {r + 1}: train {train_s:7.1f} s ({raw_words / train_s:9,.0f} words/s), "
                    f"end to end {total_s:7.1f} s, CPU {cpu_s:7.1f} s, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                if impl not in best or train_s < best[impl][1]:
                    best[impl] = (wv, train_s, total_s, cpu_s)
        g_wv, g_train, g_total, g_cpu = best["gensim"]
        g_acc = accuracy(g_wv)
        rows.append((label, "gensim 4.4.0", raw_words / g_train, "1", "1", "1", g_acc))
        for impl in ours:
            wv, train_s, total_s, cpu_s = best[impl]
            acc = accuracy(wv)
            ratio = g_train / train_s
            rows.append(
                (
                    label,
                    impl,
                    raw_words / train_s,
                    f"{ratio:.2f}",
                    f"{g_total / total_s:.2f}",
                    f"{g_cpu / cpu_s:.2f}",
                    acc,
                )
            )
            if impl == "ours" and sg and ratio < 0.5:
                failures.append(f"{label} ({impl}): words/s ratio {ratio:.2f} < 0.5")
            if acc.accuracy < g_acc.accuracy - 0.02:
                failures.append(
                    f"{label} ({impl}): accuracy {100 * acc.accuracy:.2f} % is more than 2 points "
                    f"below gensim's {100 * g_acc.accuracy:.2f} %"
                )

    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    print_table(rows)
    print()
    for f in failures:
        print(f"FAIL: {f}")
    if not failures:
        print("PASS: Skip-gram-NS words/s ratio >= 0.5 and every accuracy within 2 points of gensim's (or better)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

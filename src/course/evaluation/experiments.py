"""The experiments of chapter 08, at small scale: architectures, size x data, and gensim beside us.

Mikolov et al. (2013a) make their case for CBOW and Skip-gram with the Semantic-Syntactic Word
Relationship test set and a few tables: architectures compared on one corpus (their Tables 3, 4
and 6) and vector size against training data (Table 2). This module runs the same experiments
on the course corpus, every run through :mod:`course.base.cache`, so a chapter re-run is cheap:

* :func:`train` trains one of the four word2vec variants of :data:`ARCHITECTURES` with the
  chapter's :data:`SETTINGS` on the language-model training split (:func:`course.word2vec.train_cached`);
* :func:`train_gensim` trains gensim 4 with the same settings on the same sentences (one worker,
  the same seed: reproducible) and returns gensim's own ``KeyedVectors``;
* :func:`lm_vectors` takes the word vectors of the NNLM and RNNLM of chapters 02-03;
* :func:`restrict_to` cuts any vectors to a shared vocabulary, so models are scored on the same
  words; :func:`corpus_vocabulary` gives a trainer's vocabulary without training (for coverage);
* :mod:`course.evaluation.scaling` trains on nested random samples of the corpus for the
  dimension x data table;
* :func:`export` (and ``python -m course.evaluation.experiments export``) writes the chapter's best vectors
  in word2vec's format for gensim, fastText or any other tool;

Every vectors object here, ours or gensim's, is scored by the same functions of
:mod:`course.evaluation`.

>>> sorted(ARCHITECTURES)
['cbow-hs', 'cbow-ns', 'skipgram-hs', 'skipgram-ns']
>>> gensim_params({**SETTINGS, **ARCHITECTURES["skipgram-ns"]})["sg"]
1

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013 (mikolov2013a), section 4 and Tables 2-6.
.. [2] R. Rehurek, P. Sojka, "Software Framework for Topic Modelling with Large Corpora", 2010
   (gensim).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np

from ..base import cache
from ..base.validation import check_choice, check_int
from ..vectors import KeyedVectors

__all__ = [
    "ARCHITECTURES",
    "LABELS",
    "SETTINGS",
    "CORPUS",
    "BEST",
    "train",
    "gensim_params",
    "train_gensim",
    "lm_vectors",
    "restrict_to",
    "corpus_vocabulary",
    "export",
    "main",
]

#: The four word2vec variants of the chapter: architecture x output layer (gensim's switches).
ARCHITECTURES: dict[str, dict] = {
    "cbow-ns": {"sg": False, "hs": False, "negative": 5},
    "cbow-hs": {"sg": False, "hs": True, "negative": 0},
    "skipgram-ns": {"sg": True, "hs": False, "negative": 5},
    "skipgram-hs": {"sg": True, "hs": True, "negative": 0},
}
#: Names for tables and figures.
LABELS: dict[str, str] = {
    "cbow-ns": "CBOW + NS",
    "cbow-hs": "CBOW + HS",
    "skipgram-ns": "Skip-gram + NS",
    "skipgram-hs": "Skip-gram + HS",
}
#: Settings shared by every run of the chapter (gensim's names; gensim's defaults except
#: vector_size, the size of the chapter 02-03 language models' word vectors, and epochs).
#: batch_size is ours only (gensim updates after every example): 256 keeps our minibatch steps
#: closer to that than the default 1024 (with hierarchical softmax, CBOW is 3.2 % at 256 and
#: 3.0 % at 1024 on this text; see course.word2vec.model.HS_MAX_STEPS).
SETTINGS: dict = {
    "vector_size": 64,
    "window": 5,
    "min_count": 5,
    "sample": 1e-3,
    "alpha": 0.025,
    "min_alpha": 1e-4,
    "epochs": 3,
    "seed": 1,
    "batch_size": 256,
}
#: The text: the training split of the language-model subset (the text the NNLM and RNNLM saw).
CORPUS: dict = {"split": "train", "subset": "lm"}
#: The variant the chapter finds best on total analogy accuracy (the notebook checks this).
BEST = "skipgram-hs"

_SPECIALS = ("</s>", "<unk>")


def _arch(arch: str, owner: str) -> dict:
    check_choice(arch, "arch", owner, list(ARCHITECTURES))
    return ARCHITECTURES[arch]


# ---------------------------------------------------------------------------- our trainer
def train(arch: str, *, corpus: dict | None = None, progress: bool = False, **overrides):
    """One word2vec variant with the chapter's settings, trained once and then read from the cache.

    Parameters
    ----------
    arch : {"cbow-ns", "cbow-hs", "skipgram-ns", "skipgram-hs"}
    corpus : dict, optional
        ``split``, ``subset`` and ``sources`` for :func:`course.data.load_tokens`; default
        :data:`CORPUS`.
    progress : bool, default=False
    **overrides
        :class:`course.word2vec.Word2Vec` parameters replacing :data:`SETTINGS`.

    Returns
    -------
    wv : course.vectors.KeyedVectors
        Rows in frequency order.
    info : dict
        From :func:`course.word2vec.train_cached` (``train_seconds``, ``from_cache``, ...).

    Notes
    -----
    One worker thread: word2vec's lock-free parallel updates make multi-threaded runs differ
    from run to run, and the chapter's printed numbers must not.
    """
    from ..word2vec import train_cached

    params = {**SETTINGS, **_arch(arch, "train"), **overrides}
    return train_cached(**(CORPUS if corpus is None else corpus), workers=1, progress=progress, **params)


# ---------------------------------------------------------------------------- gensim
_GENSIM_BOOLS = ("sg", "hs", "cbow_mean")
_GENSIM_SAME = (
    "vector_size",
    "window",
    "min_count",
    "max_final_vocab",
    "negative",
    "ns_exponent",
    "sample",
    "alpha",
    "min_alpha",
    "epochs",
    "seed",
    "batch_words",
)


def gensim_params(params: dict) -> dict:
    """Our :class:`course.word2vec.Word2Vec` parameters as keyword arguments of gensim's ``Word2Vec``.

    Names are shared; gensim wants 0/1 for ``sg``, ``hs`` and ``cbow_mean``, and always gets
    ``workers=1`` (gensim is reproducible only with one worker thread). Settings gensim does not
    have raise ``ValueError``: a full softmax, the paper's subsampling rule.

    >>> gensim_params({"sg": True, "hs": False, "negative": 5, "vector_size": 50})
    {'sg': 1, 'hs': 0, 'negative': 5, 'vector_size': 50, 'workers': 1}
    """
    out = {}
    for name, value in params.items():
        if name in _GENSIM_BOOLS:
            out[name] = int(bool(value) if not isinstance(value, str) else value in ("skipgram", "sg", "skip-gram"))
        elif name in _GENSIM_SAME:
            if value is not None:
                out[name] = value
        elif name == "softmax" and value:
            raise ValueError("gensim has no full softmax output layer: use negative > 0 or hs=True.")
        elif name == "subsample_rule" and value != "word2vec.c":
            raise ValueError(f"gensim subsamples with word2vec.c's rule only. Got subsample_rule={value!r}.")
        elif name not in (
            "softmax",
            "subsample_rule",
            "batch_size",
            "hs_max_steps",
            "workers",
            "compute_loss",
            "progress",
        ):
            raise ValueError(f"gensim_params does not know the parameter {name!r}.")
    out["workers"] = 1
    return out


def _gensim_keyed_vectors(index_to_key: list[str], vectors: np.ndarray):
    from gensim.models import KeyedVectors as GensimKeyedVectors

    kv = GensimKeyedVectors(vectors.shape[1], dtype=vectors.dtype)
    kv.add_vectors(index_to_key, vectors)
    return kv


def train_gensim(arch: str, *, corpus: dict | None = None, **overrides):
    """gensim's ``Word2Vec`` with the same settings on the same sentences, trained once and cached.

    Parameters
    ----------
    arch : {"cbow-ns", "cbow-hs", "skipgram-ns", "skipgram-hs"}
    corpus : dict, optional
        As in :func:`train`.
    **overrides
        Parameters replacing :data:`SETTINGS` (our names, translated by :func:`gensim_params`).

    Returns
    -------
    wv : gensim.models.KeyedVectors
        gensim's own container (scored by :mod:`course.evaluation` like ours).
    info : dict
        ``train_seconds`` (gensim's ``train`` call, vocabulary building excluded, as in ours),
        ``gensim_version``, ``params`` and ``from_cache``.
    """
    import gensim

    from .. import data

    corpus = dict(CORPUS if corpus is None else corpus)
    params = gensim_params({**SETTINGS, **_arch(arch, "train_gensim"), **overrides})
    key = {"params": params, "corpus": corpus, "gensim": gensim.__version__}
    computed = []

    def compute():
        from gensim.models import Word2Vec as GensimWord2Vec

        sentences = data.load_sentences(**corpus)
        model = GensimWord2Vec(**params)
        model.build_vocab(sentences)
        start = time.perf_counter()
        model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
        seconds = time.perf_counter() - start
        computed.append(True)
        return {
            "index_to_key": list(model.wv.index_to_key),
            "vectors": np.asarray(model.wv.vectors),
            "train_seconds": seconds,
            "gensim_version": gensim.__version__,
            "params": params,
        }

    checksum = data.corpus_checksum(corpus.get("subset", "full"), corpus.get("sources"))
    result = cache.cached("gensim-word2vec", key, checksum, compute)
    info = {k: v for k, v in result.items() if k not in ("index_to_key", "vectors")}
    info["from_cache"] = not computed
    return _gensim_keyed_vectors(result["index_to_key"], result["vectors"]), info


# ---------------------------------------------------------------------------- language models
def lm_vectors(which: str, progress: bool = False):
    """The word vectors of the NNLM (chapter 02) or RNNLM (chapter 03), as :class:`KeyedVectors`.

    The models come from :mod:`course.lm.recipes` (trained once, then cached: when chapters 02
    and 03 ran first, nothing is trained here). The NNLM's vectors are its shared projection
    ``C``, the RNNLM's the input weights ``U``. ``</s>`` and ``<unk>`` are dropped; the rows keep
    the vocabulary's frequency order.

    Parameters
    ----------
    which : {"nnlm", "rnnlm"}
    progress : bool, default=False
        Progress bar if the model has to be trained.

    Returns
    -------
    wv : KeyedVectors
        The words of the language models' vocabulary (10,000), with their counts.
    info : dict
        ``train_tokens`` (predicted tokens processed in training), ``seconds`` and
        ``from_cache`` from the model's training history.
    """
    check_choice(which, "which", "lm_vectors", ["nnlm", "rnnlm"])
    from ..lm import recipes

    corpus = recipes.lm_corpus()
    model, history = (recipes.trained_nnlm if which == "nnlm" else recipes.trained_rnnlm)(corpus, progress=progress)
    keys = corpus.vocab.index_to_key
    vectors = model.word_vectors().numpy()
    keep = [i for i, k in enumerate(keys) if k not in _SPECIALS]
    counts = np.array([corpus.vocab.counts_[keys[i]] for i in keep], dtype=np.int64)
    info = {name: getattr(history, name, None) for name in ("train_tokens", "seconds", "from_cache")}
    return KeyedVectors([keys[i] for i in keep], vectors[keep].astype(np.float32), counts=counts), info


def restrict_to(kv, words) -> KeyedVectors:
    """The rows of ``kv`` (ours or gensim's) whose word is in ``words``, in ``kv``'s row order.

    Scoring several models on one shared vocabulary makes their analogy accuracies comparable:
    the same questions are covered and the answer is searched among the same words.

    >>> kv = KeyedVectors(["a", "b", "c"], np.eye(3))
    >>> restrict_to(kv, {"c", "a", "z"}).index_to_key
    ['a', 'c']
    """
    keep = set(words)
    rows = [i for i, w in enumerate(kv.index_to_key) if w in keep]
    return KeyedVectors([kv.index_to_key[i] for i in rows], np.asarray(kv.vectors)[rows])


def corpus_vocabulary(split: str = "train", subset: str = "full", min_count: int = 5) -> tuple[list[str], np.ndarray]:
    """The words a trainer would keep, most frequent first, with their counts (no training).

    The same words in the same order as :class:`course.word2vec.Word2Vec` (and gensim) build
    from this text: at least ``min_count`` occurrences, ties in gensim's order.

    Returns
    -------
    index_to_key : list of str
    counts : ndarray of int64, shape (V,)
    """
    from ..data import load_tokens
    from ..data.vocab import frequency_order_of_ids

    min_count = check_int(min_count, "min_count", "corpus_vocabulary", low=1)
    words, ids, _ = load_tokens(split, subset)
    order, counts = frequency_order_of_ids(ids, len(words), min_count)  # by count; ties as gensim
    return [words[i] for i in order], counts[order]


# ---------------------------------------------------------------------------- export
def export(path, *, arch: str | None = None, binary: bool = False, progress: bool = True, **overrides):
    """Write word vectors in word2vec.c's format: the shipped at-scale vectors, or a chapter run.

    With no ``arch`` (and no ``corpus`` or other override): the shipped at-scale Skip-gram with
    negative sampling (:func:`course.evaluation.at_scale.load_vectors`: the whole redistributable
    corpus, D = 100, 5 epochs, 30,000 words; sha256 checked, nothing trained). With ``arch``: that
    variant with the chapter's small settings, trained first if the cache does not hold it. Load
    the file with ``gensim.models.KeyedVectors.load_word2vec_format(path, binary=binary)``. The
    file is written atomically (:func:`course.base.cache.atomic_path`): a failure leaves no
    partial file.

    Returns
    -------
    KeyedVectors
        The vectors written.
    """
    if arch is None and not overrides:
        from .at_scale import load_vectors

        kv = load_vectors()[0]
    else:
        kv, _ = train(BEST if arch is None else arch, progress=progress, **overrides)
    with cache.atomic_path(path) as tmp:
        kv.save_word2vec_format(tmp, binary=binary)
    return kv


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course.evaluation.experiments export PATH [--arch A] [--binary]``."""
    parser = argparse.ArgumentParser(
        prog="python -m course.evaluation.experiments",
        description="Chapter 08's experiments: export the trained word vectors.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="write word vectors in word2vec format (gensim, fastText, ... read it)")
    p.add_argument("path", help="output file, e.g. vectors.txt (or vectors.bin with --binary)")
    p.add_argument(
        "--arch",
        choices=list(ARCHITECTURES),
        default=None,
        help="train this variant with the chapter's small settings (default: the shipped at-scale Skip-gram + NS)",
    )
    p.add_argument("--binary", action="store_true", help="word2vec.c's binary format instead of text")
    p.add_argument(
        "--sources",
        nargs="+",
        default=None,
        help="train on these corpus sources (all of their text) instead of the chapter's corpus",
    )
    p.add_argument("--epochs", type=int, default=None, help="override the chapter's number of epochs")
    args = parser.parse_args(argv)
    overrides = {} if args.epochs is None else {"epochs": args.epochs}
    if args.sources is not None:
        overrides["corpus"] = {"split": "all", "subset": "full", "sources": args.sources}
    kv = export(args.path, arch=args.arch, binary=args.binary, **overrides)
    label = "at-scale Skip-gram + NS" if args.arch is None and not overrides else LABELS[args.arch or BEST]
    print(
        f"wrote {len(kv)} vectors of size {kv.vector_size} ({label}) to {args.path}"
        f" ({'binary' if args.binary else 'text'} word2vec format)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

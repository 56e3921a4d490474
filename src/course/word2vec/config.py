"""Word2Vec's hyperparameters, checked once where they enter, and its vocabulary.

:class:`Word2VecConfig` holds gensim's parameter names and defaults (Mikolov et al. 2013a,
2013b; gensim 4's ``Word2Vec``); ``_validate`` checks every one of them once, when
:class:`~course.word2vec.Word2Vec` is built, so the training loop does not check them again.
:func:`build_vocab` keeps the words seen at least ``min_count`` times, most frequent first, with
gensim's tie-breaking; ``_encode`` turns sentences into word ids laid end to end.

>>> Word2VecConfig(window=2).objective
'negative'

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013.
.. [2] R. Rehurek, P. Sojka, "Software Framework for Topic Modelling with Large Corpora" (gensim),
   LREC 2010 workshop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from itertools import chain

import numpy as np

from ..base.validation import check_choice, check_float, check_int, check_sentences, check_token_values
from ..data.vocab import frequency_order
from .model import HS_MAX_STEPS
from .subsampling import SUBSAMPLING_RULES

__all__ = ["Word2VecConfig", "build_vocab"]

_OWNER = "Word2Vec"
_ARCHS = {
    False: "cbow",  # also 0 (0 == False in a dict)
    True: "skipgram",  # also 1
    "cbow": "cbow",
    "skipgram": "skipgram",
    "sg": "skipgram",
    "skip-gram": "skipgram",
}


def _check_bool(value, name: str) -> bool:
    # gensim's 0/1 switches are accepted and turned into bools.
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    raise TypeError(
        f"The {name!r} parameter of {_OWNER} must be a bool. Got {value!r} ({type(value).__name__}) instead."
    )


@dataclass(frozen=True)
class Word2VecConfig:
    """Validated hyperparameters of :class:`Word2Vec` (gensim's names and defaults)."""

    vector_size: int = 100  # D, dimension of the word vectors
    window: int = 5  # maximum distance between centre and context word
    min_count: int = 5  # words rarer than this are dropped before training
    max_final_vocab: int | None = None  # keep at most this many of the most frequent words
    sg: str = "cbow"  # architecture: "skipgram" or "cbow"
    hs: bool = False  # hierarchical softmax output layer
    negative: int = 5  # noise words per example (0 = no negative sampling)
    shared_negatives: bool = False  # Skip-gram: one set of noise words per centre word, not per pair
    softmax: bool = False  # full softmax output layer (ours; costs V dot products per example)
    ns_exponent: float = 0.75  # alpha of the noise distribution U(w)^alpha / Z
    cbow_mean: bool = True  # CBOW hidden vector: mean (True) or sum of the context vectors
    sample: float = 1e-3  # subsampling threshold t (0 = off)
    subsample_rule: str = "word2vec.c"  # "word2vec.c" (gensim) or "paper" keep probability
    alpha: float = 0.025  # initial learning rate
    min_alpha: float = 0.0001  # final learning rate (linear decay over all words of all epochs)
    epochs: int = 5  # passes over the corpus
    seed: int = 1  # seed of the initial vectors and of every random draw
    workers: int = 1  # threads
    hogwild: bool = False  # lock-free updates by threads working on different chunks (not reproducible)
    batch_words: int = 10_000  # raw words per chunk (one learning rate per chunk, as gensim's jobs)
    batch_size: int = 1024  # examples per SGD minibatch
    hs_max_steps: int | None = HS_MAX_STEPS  # HS: cap on an inner node's summed steps (None: no cap)

    @property
    def objective(self) -> str:
        """``"negative"``, ``"hierarchical"`` or ``"softmax"``."""
        return "hierarchical" if self.hs else "softmax" if self.softmax else "negative"

    def key(self) -> dict:
        """The hyperparameters that determine the vectors (cache key): all but ``workers``."""
        params = asdict(self)
        params.pop("workers")
        if not params["hogwild"]:  # the synchronous mode's result does not depend on the threads
            params.pop("hogwild")
        if not params["hs"]:  # only hierarchical softmax reads the cap
            params.pop("hs_max_steps")
        return params


def _validate(params: dict) -> Word2VecConfig:
    c = dict(params)
    c["vector_size"] = check_int(c["vector_size"], "vector_size", _OWNER, low=1)
    c["window"] = check_int(c["window"], "window", _OWNER, low=1)
    c["min_count"] = check_int(c["min_count"], "min_count", _OWNER, low=1)
    if c["max_final_vocab"] is not None:
        c["max_final_vocab"] = check_int(c["max_final_vocab"], "max_final_vocab", _OWNER, low=2)
    sg = c["sg"]
    if isinstance(sg, str):
        check_choice(
            sg,
            "sg",
            _OWNER,
            ["skipgram", "cbow"] + [k for k in _ARCHS if isinstance(k, str) and k not in ("skipgram", "cbow")],
        )
    elif not isinstance(sg, (bool, int, np.integer)) or sg not in (0, 1):
        raise TypeError(
            f"The 'sg' parameter of {_OWNER} must be a bool or one of 'skipgram', 'cbow'. Got {sg!r} instead."
        )
    c["sg"] = _ARCHS[sg if isinstance(sg, str) else bool(sg)]
    c["hs"] = _check_bool(c["hs"], "hs")
    c["softmax"] = _check_bool(c["softmax"], "softmax")
    c["cbow_mean"] = _check_bool(c["cbow_mean"], "cbow_mean")
    c["negative"] = check_int(c["negative"], "negative", _OWNER, low=0)
    c["shared_negatives"] = _check_bool(c["shared_negatives"], "shared_negatives")
    c["ns_exponent"] = check_float(c["ns_exponent"], "ns_exponent", _OWNER)  # finite
    c["sample"] = check_float(c["sample"], "sample", _OWNER, low=0.0, high=1.0, high_closed=False)
    check_choice(c["subsample_rule"], "subsample_rule", _OWNER, SUBSAMPLING_RULES)
    c["alpha"] = check_float(c["alpha"], "alpha", _OWNER, low=0.0, low_closed=False)
    c["min_alpha"] = check_float(c["min_alpha"], "min_alpha", _OWNER, low=0.0, high=c["alpha"])
    c["epochs"] = check_int(c["epochs"], "epochs", _OWNER, low=1)
    c["seed"] = check_int(c["seed"], "seed", _OWNER, low=0)
    c["workers"] = check_int(c["workers"], "workers", _OWNER, low=1)
    c["hogwild"] = _check_bool(c["hogwild"], "hogwild")
    c["batch_words"] = check_int(c["batch_words"], "batch_words", _OWNER, low=1)
    c["batch_size"] = check_int(c["batch_size"], "batch_size", _OWNER, low=1)
    if c["hs_max_steps"] is not None:
        c["hs_max_steps"] = check_int(c["hs_max_steps"], "hs_max_steps", _OWNER, low=1)
    chosen = [name for name, on in (("negative", c["negative"] > 0), ("hs", c["hs"]), ("softmax", c["softmax"])) if on]
    if not chosen:
        raise ValueError(
            f"{_OWNER} needs an output layer: set 'negative' > 0 (negative sampling), 'hs'=True "
            "(hierarchical softmax) or 'softmax'=True (full softmax). Got negative=0, hs=False, softmax=False."
        )
    if len(chosen) > 1:
        hint = "set negative=0 to use hs=True or softmax=True" if "negative" in chosen else "choose one"
        raise ValueError(
            f"{_OWNER} trains one output layer at a time; got {' and '.join(repr(n) for n in chosen)} "
            f"(negative={c['negative']}, hs={c['hs']}, softmax={c['softmax']}): {hint}."
        )
    return Word2VecConfig(**c)


def build_vocab(sentences, min_count: int = 5, max_final_vocab: int | None = None) -> tuple[list[str], np.ndarray]:
    """Words seen at least ``min_count`` times, most frequent first.

    Ties are broken as gensim 4 breaks them (``np.lexsort((-indices, -counts))``): the word seen
    first comes *last*, so that vocabularies and ``restrict_vocab`` cut-offs agree with gensim's.

    Returns
    -------
    index_to_key : list of str of length V
    counts : ndarray of int64 with shape (V,)

    Examples
    --------
    >>> build_vocab([["a", "b", "b"], ["c", "b", "a", "c"]], min_count=2)
    (['b', 'c', 'a'], array([3, 2, 2]))
    """
    sentences = check_sentences(sentences, "sentences", "build_vocab")
    min_count = check_int(min_count, "min_count", "build_vocab", low=1)
    if max_final_vocab is not None:
        max_final_vocab = check_int(max_final_vocab, "max_final_vocab", "build_vocab", low=1)
    return _build_vocab(sentences, min_count, max_final_vocab, "build_vocab")


def _build_vocab(sentences, min_count: int, max_final_vocab: int | None, owner: str) -> tuple[list[str], np.ndarray]:
    try:
        counter = Counter(chain.from_iterable(sentences))
    except TypeError:  # an unhashable token: say where
        check_sentences(sentences, "sentences", owner, tokens=True)
        raise
    check_token_values(counter, "sentences", owner, sentences)  # per distinct token: cheap
    items = list(counter.items())  # in order of first occurrence
    order = frequency_order([n for _, n in items], min_count, max_final_vocab)  # gensim's ties
    return [items[i][0] for i in order], np.array([items[i][1] for i in order], dtype=np.int64)


def _check_token_arrays(words, ids, offsets, owner: str):
    """``fit_tokens``'s corpus: words, ids in ``[0, len(words))`` and sentence offsets 0 .. len(ids)."""
    if isinstance(words, (str, bytes)) or not hasattr(words, "__len__"):
        raise TypeError(f"The 'words' parameter of {owner} must be a list of str. Got {type(words).__name__} instead.")
    words = list(words)
    check_token_values(words, "words", owner)
    ids, offsets = np.asarray(ids), np.asarray(offsets)
    for name, arr in (("ids", ids), ("offsets", offsets)):
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise TypeError(
                f"The {name!r} parameter of {owner} must be a 1-D int array. "
                f"Got shape {arr.shape} and dtype {arr.dtype} instead."
            )
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= len(words)):
        bad = int(ids.min()) if int(ids.min()) < 0 else int(ids.max())
        raise ValueError(
            f"The 'ids' parameter of {owner} must hold word ids in [0, {len(words)}) (there are "
            f"{len(words)} words). Got {bad} instead."
        )
    if offsets.size == 0 or offsets[0] != 0 or offsets[-1] != len(ids) or np.any(np.diff(offsets) < 0):
        raise ValueError(
            f"The 'offsets' parameter of {owner} must rise from 0 to len(ids) = {len(ids)} "
            f"(sentence s is ids[offsets[s]:offsets[s + 1]]). Got {offsets[:3].tolist()}...{offsets[-2:].tolist()} instead."
        )
    return words, ids.astype(np.int64, copy=False), offsets.astype(np.int64, copy=False)


def _encode(sentences, key_to_index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of all tokens laid end to end (-1 = not in the vocabulary) and sentence offsets."""
    lengths = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
    ids = np.fromiter(
        (key_to_index.get(w, -1) for w in chain.from_iterable(sentences)), dtype=np.int32, count=int(lengths.sum())
    )
    return ids, np.concatenate([[0], np.cumsum(lengths)])

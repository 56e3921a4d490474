"""What the task models read: ELMo's layers and the static vectors, computed once and cached.

A task model never changes the biLM (the paper's recipe: "freeze the weights of the biLM"), so
each sentence's layer vectors are computed once. The cache is keyed by the biLM file's sha256 and
the sentences (:func:`course.base.cache.cached`), so a changed biLM or a changed file computes
them again.

- :func:`sentence_layers`: the mean over a sentence's tokens of each layer, shape ``(N, L + 1, 2d)``.
  Mean pooling is linear, so a scalar mix of the pooled layers *is* the pooled scalar mix of the
  token vectors: a sentence classifier on these features learns the paper's equation 1 exactly.
- :func:`token_layers`: every token's layers, for the tagger (one array ``(L + 1, n, 2d)`` per sentence).
- :func:`static_sentence_vectors` / :func:`static_token_vectors`: the same from a word2vec
  :class:`~course.vectors.KeyedVectors`; a word without a vector gets zeros and is counted.
- :func:`word_layer0`: the character CNN's vector of a word on its own (ELMo's layer 0), for any string.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from ...base.cache import cached
from ...base.validation_data import check_sentences
from ..embed import embed_sentences

__all__ = [
    "sentences_digest",
    "sentence_layers",
    "token_layers",
    "static_sentence_vectors",
    "static_token_vectors",
    "word_layer0",
]


def sentences_digest(sentences: Sequence[Sequence[str]]) -> str:
    """A sha256 of the tokenized sentences (order included): part of a feature cache's key."""
    h = hashlib.sha256()
    for s in sentences:
        h.update(("\x1f".join(s) + "\x1e").encode("utf-8"))
    return h.hexdigest()


def _key(checkpoint, sentences, what: str) -> tuple[dict, str]:
    return {"what": what, "sentences": sentences_digest(sentences), "n": len(sentences)}, checkpoint.sha256[:16]


def sentence_layers(checkpoint, sentences: Sequence[Sequence[str]], *, cache: bool = True) -> np.ndarray:
    """Mean of each biLM layer over each sentence's tokens: float32 ``(N, L + 1, 2d)``.

    Parameters
    ----------
    checkpoint : course.elmo.checkpoint.Checkpoint
        The biLM (``pretrained.load("bilm")``); its sha256 keys the cache.
    sentences : sequence of list of str
        Non-empty tokenized sentences.
    cache : bool, default=True
        Keep the result in the course cache (``transfer_sentence_layers``).
    """
    sentences = check_sentences(sentences, "sentences", "sentence_layers", tokens=True)
    if any(len(s) == 0 for s in sentences):
        raise ValueError("sentence_layers: a sentence has no tokens; its mean vector is undefined.")

    def compute():
        return {"x": np.stack([v.mean(axis=1) for v in embed_sentences(checkpoint.model, sentences)])}

    if not cache:
        return compute()["x"]
    params, digest = _key(checkpoint, sentences, "mean")
    return np.asarray(cached("transfer_sentence_layers", params, digest, compute)["x"], dtype=np.float32)


def token_layers(checkpoint, sentences: Sequence[Sequence[str]], *, cache: bool = True) -> list[np.ndarray]:
    """Every token's biLM layers, one float32 array ``(L + 1, n_i, 2d)`` per sentence.

    Cached as float16 (half the disk; the tagger's accuracy does not see the difference) under
    ``transfer_token_layers``.
    """
    sentences = check_sentences(sentences, "sentences", "token_layers", tokens=True)
    lengths = np.array([len(s) for s in sentences], dtype=np.int64)

    def compute():
        vectors = embed_sentences(checkpoint.model, sentences)
        flat = np.concatenate(vectors, axis=1) if vectors else np.zeros((0, 0, 0), np.float32)
        return {"x": flat.astype(np.float16), "lengths": lengths}

    result = (
        compute() if not cache else cached("transfer_token_layers", *_key(checkpoint, sentences, "tokens"), compute)
    )
    flat = np.asarray(result["x"], dtype=np.float32)
    ends = np.cumsum(lengths)
    return [flat[:, end - n : end] for n, end in zip(lengths, ends)]


def static_token_vectors(kv, sentences: Sequence[Sequence[str]]) -> tuple[list[np.ndarray], float]:
    """Each token's word2vec vector (zeros where the word has none); and the share of tokens covered."""
    sentences = check_sentences(sentences, "sentences", "static_token_vectors", tokens=True)
    dim = kv.vectors.shape[1]
    out, known, total = [], 0, 0
    for s in sentences:
        rows = np.zeros((len(s), dim), dtype=np.float32)
        for i, w in enumerate(s):
            k = kv.key_to_index.get(w)
            if k is not None:
                rows[i] = kv.vectors[k]
                known += 1
        total += len(s)
        out.append(rows)
    return out, (known / total if total else float("nan"))


def static_sentence_vectors(kv, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, float]:
    """Mean word2vec vector of each sentence's covered tokens (zeros if none): ``(N, D)``; and the coverage."""
    tokens, coverage = static_token_vectors(kv, sentences)
    out = np.zeros((len(tokens), kv.vectors.shape[1]), dtype=np.float32)
    for i, rows in enumerate(tokens):
        hit = np.abs(rows).sum(axis=1) > 0
        if hit.any():
            out[i] = rows[hit].mean(axis=0)
    return out, coverage


def word_layer0(checkpoint, words: Sequence[str]) -> np.ndarray:
    """ELMo's layer 0 for each word on its own: the character CNN's token vector, float32 ``(N, d)``.

    Layer 0 does not depend on the sentence, so any string, seen or not, gets its vector.
    """
    words = list(words)
    if any(not isinstance(w, str) or not w for w in words):
        raise ValueError("word_layer0: every word must be a non-empty str.")
    layers = embed_sentences(checkpoint.model, [[w] for w in words])
    half = layers[0].shape[-1] // 2 if layers else 0
    return np.stack([v[0, 0, :half] for v in layers]) if layers else np.zeros((0, 0), np.float32)

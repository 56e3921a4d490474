"""Word-vector evaluation sets, read from the files in gensim's wheel and checksummed.

- :func:`load_analogies`: the word2vec analogy questions ``questions-words.txt`` (Mikolov et
  al. 2013a): 19,544 questions "a is to b as c is to d" in 14 sections; the first 5 sections
  are *semantic* (8,869 questions: capitals, currency, city-in-state, family), the 9 ``gram*``
  sections *syntactic* (10,675).
- :func:`load_wordsim353`: WordSim-353 (Finkelstein et al. 2002), 353 pairs scored 0-10.
- :func:`load_simlex999`: SimLex-999 (Hill et al. 2015), 999 pairs scored 0-10.

Words are lower-cased (the corpus tokenizer lower-cases too).

>>> is_semantic("capital-common-countries"), is_semantic("gram3-comparative")
(True, False)
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path

from ..base.cache import file_sha256

__all__ = ["EVALSETS", "evalset_path", "load_analogies", "analogy_halves", "is_semantic", "load_wordsim353",
           "load_simlex999"]

#: file name in gensim's test data -> sha256 (gensim 4.4.0)
EVALSETS = {
    "questions-words.txt": "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
    "wordsim353.tsv": "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
    "simlex999.txt": "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d",
}

SEMANTIC_SECTIONS = (
    "capital-common-countries", "capital-world", "currency", "city-in-state", "family",
)


def evalset_path(name: str) -> Path:
    """Path of an evaluation file in gensim's wheel, after checking its sha256."""
    # find gensim's files without importing gensim (which pulls in scipy: seconds)
    spec = importlib.util.find_spec("gensim")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"Evaluation set {name!r} comes with gensim: pip install gensim==4.4.0")
    path = Path(spec.origin).parent / "test" / "test_data" / name
    got = file_sha256(path)
    if got != EVALSETS[name]:
        raise ValueError(
            f"Checksum mismatch for evaluation set {name!r} ({path}): expected {EVALSETS[name]}, got {got}. "
            "Install gensim==4.4.0 (requirements.txt)."
        )
    return path


def is_semantic(section: str) -> bool:
    """Whether an analogy section is semantic (the first five) rather than syntactic (``gram*``)."""
    return not section.startswith("gram")


def load_analogies() -> list[tuple[str, str, str, str, str]]:
    """The 19,544 analogy questions as ``(section, a, b, c, d)``, lower-cased, in file order.

    ``d`` is the expected answer of ``b - a + c``.

    Examples
    --------
    >>> q = load_analogies()
    >>> len(q), q[0]
    (19544, ('capital-common-countries', 'athens', 'greece', 'baghdad', 'iraq'))
    """
    questions = []
    section = None
    with open(evalset_path("questions-words.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith(":"):
                section = line[1:].strip()
                continue
            a, b, c, d = line.lower().split()
            questions.append((section, a, b, c, d))
    return questions


def _question_hash(question: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(question).encode("utf-8")).hexdigest()


def analogy_halves(questions: Sequence[tuple[str, str, str, str, str]] | None = None) -> dict[str, list]:
    """The analogy questions split into a ``dev`` half (for tuning) and a ``test`` half (for reporting).

    Fixed and stratified: within each section, the distinct questions are ordered by the sha256
    of their text and the first half (rounded up) goes to ``dev``; a repeated question goes with
    its twin, so no question is in both halves. Each half keeps the file's order. The split
    depends only on the questions, never on a seed or a model, so every chapter and every
    artifact tunes on the same ``dev`` and reports on the same ``test``.

    Parameters
    ----------
    questions : sequence of (section, a, b, c, d), optional
        Default: :func:`load_analogies` (19,544 questions, 14 sections).

    Returns
    -------
    dict
        ``{"dev": [...], "test": [...]}``.

    Examples
    --------
    >>> halves = analogy_halves()
    >>> len(halves["dev"]), len(halves["test"])
    (9773, 9771)
    >>> set(halves["dev"]).isdisjoint(halves["test"])
    True
    """
    if questions is None:
        questions = load_analogies()
    if isinstance(questions, (str, bytes)) or not all(isinstance(q, tuple) and len(q) == 5 for q in questions):
        raise ValueError("The 'questions' parameter of analogy_halves must be a sequence of (section, a, b, c, d) "
                         "tuples, as load_analogies returns.")
    dev_questions: set[tuple] = set()
    by_section: dict[str, list[tuple]] = {}
    for q in dict.fromkeys(questions):  # distinct questions, first occurrence order
        by_section.setdefault(q[0], []).append(q)
    for section_questions in by_section.values():
        ordered = sorted(section_questions, key=_question_hash)
        dev_questions.update(ordered[: (len(ordered) + 1) // 2])
    return {"dev": [q for q in questions if q in dev_questions],
            "test": [q for q in questions if q not in dev_questions]}


def _load_pairs(name: str) -> list[tuple[str, str, float]]:
    pairs = []
    with open(evalset_path(name), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            w1, w2, score = line.rstrip("\n").split("\t")[:3]
            pairs.append((w1.lower(), w2.lower(), float(score)))
    return pairs


def load_wordsim353() -> list[tuple[str, str, float]]:
    """The 353 WordSim-353 pairs ``(w1, w2, mean human score)``.

    >>> load_wordsim353()[0]
    ('love', 'sex', 6.77)
    """
    return _load_pairs("wordsim353.tsv")


def load_simlex999() -> list[tuple[str, str, float]]:
    """The 999 SimLex-999 pairs ``(w1, w2, mean human score)``.

    >>> load_simlex999()[0]
    ('old', 'new', 1.58)
    """
    return _load_pairs("simlex999.txt")

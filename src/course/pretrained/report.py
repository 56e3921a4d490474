"""``python -m course.pretrained report --json``: every at-scale figure, computed from the shipped artifacts.

Nothing is trained: the language models are scored on the 129,034 test tokens beside a Kneser-Ney
model fitted on the same training text (:func:`course.lm.at_scale.leaderboard`), the word2vec
figures are computed from the shipped per-question outcomes on the test half of the analogy
questions (:mod:`course.evaluation.outcomes`). Accuracies are fractions, perplexities floats.
"""

from __future__ import annotations

from . import artifact, names


def lm_section() -> dict:
    """Test perplexities of Kneser-Ney, the shipped NNLM, RNNLM and LSTM, and the best mixture."""
    from ..lm.at_scale import leaderboard

    board = leaderboard()
    best, ppl = board.best_mixture()
    out = {"test_tokens": board.test_tokens, "kn_order": board.kn_order}
    out.update({name: float(board.perplexity[name]) for name in ("kn", "nnlm", "rnnlm", "lstm")})
    out["ratio_to_kn"] = {name: float(board.ratio(name)) for name in ("nnlm", "rnnlm", "lstm")}
    out["best_mixture"] = {"models": list(board.weights[best]), "weights": board.weights[best], "ppl": float(ppl)}
    return out


def word2vec_section() -> dict:
    """Every finished at-scale word2vec variant (ours and gensim) on the test half, with the planned runs."""
    from ..evaluation.at_scale import load_outcomes
    from ..evaluation.experiments import ARCHITECTURES

    o = load_outcomes()
    test = o.mask("test")
    out = {"questions_test": int(test.sum()), "restrict_vocab": o.meta["restrict_vocab"]}
    for trainer, key in (("ours", "variants"), ("gensim", "gensim")):
        out[key] = {arch: o.variant(trainer, arch) for arch in ARCHITECTURES if o.names("main", trainer, arch)}
    out["hs_max_steps_dev"] = {
        arch: o.best_cap(arch) for arch in ("cbow-hs", "skipgram-hs") if o.names("sweep", "ours", arch)
    }
    out["missing_runs"] = [n for n in o.meta["planned"] if n not in o.runs]
    return out


def report() -> dict:
    """The whole report: ``lm``, ``word2vec``, ``sizes_mb``."""
    return {
        "lm": lm_section(),
        "word2vec": word2vec_section(),
        "sizes_mb": {name: round(artifact(name).size_bytes / 2**20, 2) for name in names()},
    }

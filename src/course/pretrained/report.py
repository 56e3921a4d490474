"""``python -m course.pretrained report --json``: every at-scale figure, computed from the shipped artifacts.

Nothing is trained: the language models are scored on the 129,034 test tokens beside a Kneser-Ney
model fitted on the same training text (:func:`course.lm.at_scale.leaderboard`), the word2vec
figures are computed from the shipped per-question outcomes on the test half of the analogy
questions (:mod:`course.evaluation.outcomes`), and chapter 09's biLM is scored in both directions
on the same test tokens beside chapter 09's Kneser-Ney trigram on its vocabulary. Accuracies are
fractions, perplexities floats.
"""

from __future__ import annotations

from . import artifact, load, names


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
    tuned = o.names("tuned")
    if tuned:
        from ..evaluation.at_scale import TUNE_ARCH, TUNE_CANDIDATES

        params = o.runs[tuned[0]]["params"]
        chosen = [n for n, c in TUNE_CANDIDATES.items() if c and all(params.get(k) == v for k, v in c.items())]
        out["tuned"] = {
            "arch": TUNE_ARCH,
            "candidate": chosen[0] if chosen else "base",
            "changed": TUNE_CANDIDATES[chosen[0]] if chosen else {},
            **{t: o.variant(t, TUNE_ARCH, group="tuned") for t in ("ours", "gensim") if o.names("tuned", t)},
        }
    out["missing_runs"] = [n for n in o.meta["planned"] if n not in o.runs]
    return out


def bilm_section(max_sentences: int | None = None) -> dict:
    """Chapter 09's shipped biLM: test perplexity of each direction (exact softmax) against Kneser-Ney.

    The Kneser-Ney trigram is chapter 09's: fitted on the LM training split with the biLM's own
    vocabulary and scored on the same test sentences, so both count the same predicted tokens.
    ``max_sentences`` scores only the first test sentences (for a quick check; the report uses all).
    """
    from ..data import load_sentences
    from ..elmo import CharEncoder
    from ..elmo.batching import BiLMCorpus
    from ..elmo.train import evaluate_bilm
    from ..lm.ngram import NGramLM

    checkpoint = load("bilm")
    model, vocab, meta = checkpoint.model, checkpoint.vocab, checkpoint.meta
    test = load_sentences("test", subset="lm")[:max_sentences]
    forward, backward = evaluate_bilm(model, BiLMCorpus(test, vocab, CharEncoder(model.config.max_word_length)))
    kn = NGramLM(order=3, estimator="kn", vocab=vocab).fit(load_sentences("train", subset="lm")).perplexity(test)
    return {
        "test_tokens": forward.tokens,
        "kn_order": 3,
        "kn": float(kn),
        "forward": float(forward.perplexity),
        "backward": float(backward.perplexity),
        "ratio_to_kn": {"forward": float(forward.perplexity / kn), "backward": float(backward.perplexity / kn)},
        "parameters": sum(p.numel() for p in model.parameters()),
        "minutes": meta["seconds"] / 60,
        "steps": meta["steps"],
    }


def report() -> dict:
    """The whole report: ``lm``, ``word2vec``, ``bilm``, ``sizes_mb``."""
    return {
        "lm": lm_section(),
        "word2vec": word2vec_section(),
        "bilm": bilm_section(),
        "sizes_mb": {name: round(artifact(name).size_bytes / 2**20, 2) for name in names()},
    }

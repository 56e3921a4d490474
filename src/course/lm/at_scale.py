"""The language models at scale: trained long, once, shipped, and scored live by chapters 02, 03 and 09.

Chapters 02 and 03 train their NNLM and RNNLM live for a budget of 400,000 tokens (a quarter of an
epoch), which shows the mechanics but not the result the papers are known for: neural models beat
counting. This module holds the recipes of the three models trained to convergence on the same LM
split, vocabulary and test tokens (:func:`course.lm.recipes.lm_corpus`):

* ``nnlm``: Bengio et al. (2003), 5 previous words, 128 features, 512 tanh units;
* ``rnnlm``: Mikolov et al. (2010), 256 tanh units;
* ``lstm``: two LSTM layers of 256 units with dropout (Zaremba et al. 2014).

All three use dropout and the adaptive softmax (:mod:`course.lm.heads`) and train with the course's
one loop for several epochs, early-stopped on valid. ``python -m course.lm.at_scale train NAME --out
FILE`` makes one (resumable: it saves its progress every few minutes under ``--resume-dir``);
``python -m course.pretrained make lm-NAME`` runs that command and records the artifact. The file
is a ``.npz`` of float16 weights plus a JSON ``__meta__`` entry (hyperparameters, training
configuration, history, vocabulary fingerprint, corpus checksum, sources, time, machine), read
with ``allow_pickle=False``.

:func:`mixture_weights` and :func:`mixture_nll` interpolate models token by token, as Bengio et al.
and Mikolov et al. both report (the weights are fitted on valid by EM, the perplexity is reported
on test).

>>> sorted(RECIPES)
['lstm', 'nnlm', 'rnnlm']
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from ..base.files import atomic_path
from ..base.training import History, TrainConfig
from ..base.validation import check_choice
from .lstm import LSTMLM
from .nnlm import NNLM
from .rnnlm import RNNLM

__all__ = [
    "RECIPES",
    "MODELS",
    "Recipe",
    "build",
    "train_at_scale",
    "save_lm",
    "load_lm",
    "mixture_weights",
    "mixture_nll",
    "SHIPPED",
    "Leaderboard",
    "leaderboard",
    "history_of",
    "main",
]

MODELS = {"NNLM": NNLM, "RNNLM": RNNLM, "LSTMLM": LSTMLM}
FORMAT = 1


@dataclass(frozen=True)
class Recipe:
    """A model class, its hyperparameters and its training configuration."""

    model: str  # a key of MODELS
    hparams: dict
    config: TrainConfig


def _config(**kw) -> TrainConfig:
    base = dict(
        batch_tokens=2048,
        bptt=None,  # whole sentences: no state crosses a minibatch (a run can pause anywhere)
        lr=2e-3,
        min_lr=5e-5,
        warmup_steps=100,
        weight_decay=0.01,
        grad_clip=1.0,
        eval_interval=250,
        eval_tokens=40_000,
        patience=6,
        seed=0,
    )
    return TrainConfig(**{**base, **kw})


RECIPES: dict[str, Recipe] = {
    "nnlm": Recipe(
        "NNLM",
        {"context_size": 5, "vector_size": 128, "hidden_size": 512, "dropout": 0.3, "output": "adaptive", "seed": 0},
        _config(epochs=4),
    ),
    "rnnlm": Recipe(
        "RNNLM",
        {"hidden_size": 256, "fast": True, "dropout": 0.3, "output": "adaptive", "seed": 0},
        _config(epochs=8, grad_clip=0.5),
    ),
    "lstm": Recipe(
        "LSTMLM",
        {"hidden_size": 256, "n_layers": 2, "dropout": 0.2, "output": "adaptive", "seed": 0},
        _config(epochs=8),
    ),
}


def build(name: str, vocab_size: int, **overrides) -> torch.nn.Module:
    """The untrained model of recipe ``name`` (``overrides`` change its hyperparameters)."""
    recipe = RECIPES[check_choice(name, "name", "build", sorted(RECIPES))]
    return MODELS[recipe.model](vocab_size, **{**recipe.hparams, **overrides})


def _machine(threads: int) -> str:
    import os

    return f"{os.cpu_count()}-core {platform.machine()} CPU, {threads} torch thread(s), torch {torch.__version__}"


def save_lm(path: str | Path, model: torch.nn.Module, meta: dict) -> None:
    """Write ``model``'s weights as float16 and ``meta`` as JSON into one ``.npz`` (atomic)."""
    arrays = {f"w:{k}": v.detach().to(torch.float16).numpy() for k, v in model.state_dict().items()}
    meta = {"format": FORMAT, "model": type(model).__name__, "hparams": model.hparams, **meta}
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)


def load_lm(path: str | Path) -> tuple[torch.nn.Module, dict]:
    """Rebuild the model stored by :func:`save_lm` (float32, eval mode) and return it with its metadata.

    The file is read with ``allow_pickle=False``; a file whose metadata or weights do not fit a
    model of the course raises ``ValueError`` naming the file.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["__meta__"].tobytes().decode("utf-8"))
            weights = {k[2:]: torch.from_numpy(npz[k].astype(np.float32)) for k in npz.files if k.startswith("w:")}
        if meta.get("format") != FORMAT or meta.get("model") not in MODELS:
            raise ValueError(f"format {meta.get('format')!r}, model {meta.get('model')!r}")
        model = MODELS[meta["model"]](**meta["hparams"])
        model.load_state_dict(weights)
    except (OSError, KeyError, ValueError, RuntimeError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a language model saved by course.lm.at_scale: {error}") from None
    model.eval()
    return model, meta


def train_at_scale(name: str, out: str | Path, *, resume_dir: str | Path | None = None, progress: bool = True):
    """Train recipe ``name`` on the LM split and write it to ``out``; return ``(model, history)``."""
    from ..data import SOURCES, default_names
    from .recipes import lm_corpus
    from .train import evaluate, train, vocab_fingerprint

    corpus = lm_corpus()
    recipe = RECIPES[name]
    model = build(name, len(corpus.vocab.index_to_key))
    resume = None
    if resume_dir is not None:
        Path(resume_dir).mkdir(parents=True, exist_ok=True)
        resume = Path(resume_dir) / f"lm-{name}-{vocab_fingerprint(corpus.vocab.index_to_key)}.progress.npz"
    history = train(model, corpus.rows["train"], corpus.rows["valid"], recipe.config, progress=progress, resume=resume)
    valid = evaluate(model, corpus.rows["valid"])
    sources = [s for s in default_names() if SOURCES[s].redistributable]
    meta = {
        "recipe": name,
        "config": asdict(recipe.config),
        "history": asdict(history),
        "valid_perplexity_float32": valid.perplexity,
        "vocab": vocab_fingerprint(corpus.vocab.index_to_key),
        "corpus_checksum": corpus.checksum,
        "train_sources": sources,
        "seconds": history.seconds,
        "seed": recipe.hparams["seed"],
        "machine": _machine(torch.get_num_threads()),
    }
    save_lm(out, model, meta)
    return model, history


def history_of(meta: dict) -> History:
    """The training :class:`History` stored in an artifact's metadata."""
    return History(**{**meta["history"], "from_cache": True})


# ---------------------------------------------------------------------------- mixtures
def _check_logprobs(logprobs, owner: str) -> np.ndarray:
    lp = np.asarray(logprobs, dtype=np.float64)
    if lp.ndim != 2 or lp.shape[0] < 1 or lp.shape[1] < 1:
        raise ValueError(
            f"The 'logprobs' parameter of {owner} must be a (models, tokens) array of log-probabilities. "
            f"Got shape {lp.shape} instead."
        )
    if np.isnan(lp).any() or (lp > 1e-9).any():
        raise ValueError(f"The 'logprobs' parameter of {owner} must hold log-probabilities (<= 0, no nan).")
    return lp


def mixture_nll(logprobs, weights) -> float:
    """Mean NLL (nats) of the linear mixture ``sum_k w_k P_k(token)``, token by token.

    >>> round(mixture_nll([[np.log(0.5)], [np.log(0.1)]], [0.5, 0.5]), 4)    # -ln(0.3)
    1.204
    """
    lp = _check_logprobs(logprobs, "mixture_nll")
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (lp.shape[0],) or (w < 0).any() or not np.isclose(w.sum(), 1.0):
        raise ValueError(
            f"The 'weights' parameter of mixture_nll must be {lp.shape[0]} non-negative numbers summing to 1."
        )
    with np.errstate(divide="ignore"):
        mixed = np.logaddexp.reduce(np.log(w)[:, None] + lp, axis=0)
    return float(-mixed.mean())


def mixture_weights(logprobs, *, iterations: int = 200, tol: float = 1e-9) -> np.ndarray:
    """Mixture weights that maximise the likelihood of held-out tokens (EM; Jelinek and Mercer 1980).

    Parameters
    ----------
    logprobs : array of shape (K, N)
        ``ln P_k(token_n)`` of each model for each held-out token (the validation split).

    Returns
    -------
    ndarray of shape (K,)
        Non-negative weights summing to 1. EM never lowers the held-out likelihood.

    >>> lp = np.log([[0.9, 0.9, 0.1], [0.1, 0.1, 0.9]])
    >>> mixture_weights(lp).round(2).tolist()
    [0.71, 0.29]
    """
    lp = _check_logprobs(logprobs, "mixture_weights")
    k = lp.shape[0]
    w = np.full(k, 1.0 / k)
    previous = np.inf
    for _ in range(iterations):
        joint = np.log(np.maximum(w, 1e-300))[:, None] + lp  # (K, N)
        mixed = np.logaddexp.reduce(joint, axis=0)  # (N,)
        w = np.exp(joint - mixed).mean(axis=1)  # responsibilities, averaged
        w /= w.sum()
        nll = float(-mixed.mean())
        if previous - nll < tol:
            break
        previous = nll
    return w


# ---------------------------------------------------------------------------- the leaderboard
#: The names of the shipped language models in the registry, in the order of the chapters.
SHIPPED = {"nnlm": "lm-nnlm", "rnnlm": "lm-rnnlm", "lstm": "lm-lstm"}


@dataclass(frozen=True)
class Leaderboard:
    """Test perplexities of Kneser-Ney, the shipped models and their mixtures, on the same tokens."""

    test_tokens: int
    kn_order: int
    perplexity: dict  # name -> test perplexity: "kn", "nnlm", "rnnlm", "lstm", "kn+rnnlm", ...
    valid_perplexity: dict  # the same on the validation split
    weights: dict  # mixture name -> {model: weight}, fitted on valid
    token_nll: dict  # name -> per-token NLL on test (nats), for paired comparisons

    def best_mixture(self) -> tuple[str, float]:
        """The mixture with the lowest test perplexity (its weights were chosen on valid)."""
        name = min(self.weights, key=self.perplexity.get)
        return name, self.perplexity[name]

    def ratio(self, name: str) -> float:
        """Test perplexity of ``name`` divided by Kneser-Ney's."""
        return self.perplexity[name] / self.perplexity["kn"]


def leaderboard(models: dict | None = None, corpus=None, kn=None) -> Leaderboard:
    """Score Kneser-Ney and the shipped (or given) models on the LM split's valid and test tokens.

    Parameters
    ----------
    models : dict of name -> model, optional
        Default: every shipped language model of :data:`SHIPPED` (a missing file is an error).
    corpus : LMCorpus, optional
    kn : NGramLM, optional
        A fitted Kneser-Ney model on ``corpus.vocab`` (default :func:`course.lm.recipes.kneser_ney`,
        its order chosen on valid).

    Returns
    -------
    Leaderboard
        Mixtures: Kneser-Ney with each model, and with all of them, weights fitted on valid by
        :func:`mixture_weights`.
    """
    from .recipes import kneser_ney, lm_corpus
    from .train import token_nll

    corpus = corpus or lm_corpus()
    if models is None:
        from .. import pretrained

        models = {name: pretrained.load(a)[0] for name, a in SHIPPED.items()}
    if kn is None:
        kn, _ = kneser_ney(corpus)
    lp = {"valid": {}, "test": {}}
    for split in lp:
        lp[split]["kn"] = kn.token_logprobs(corpus.sentences[split])
        for name, model in models.items():
            lp[split][name] = -token_nll(model, corpus.rows[split]).astype(np.float64)
    mixtures = {f"kn+{name}": ["kn", name] for name in models}
    if len(models) > 1:
        mixtures["kn+" + "+".join(models)] = ["kn", *models]
    weights = {}
    for mix, parts in mixtures.items():
        w = mixture_weights(np.stack([lp["valid"][p] for p in parts]))
        weights[mix] = {p: float(x) for p, x in zip(parts, w, strict=True)}
    ppl, valid_ppl, nll = {}, {}, {}
    for name in lp["test"]:
        nll[name] = -lp["test"][name]
        ppl[name] = float(np.exp(nll[name].mean()))
        valid_ppl[name] = float(np.exp(-lp["valid"][name].mean()))
    for mix, parts in mixtures.items():
        w = [weights[mix][p] for p in parts]
        for split, out in (("test", ppl), ("valid", valid_ppl)):
            out[mix] = float(np.exp(mixture_nll(np.stack([lp[split][p] for p in parts]), w)))
        with np.errstate(divide="ignore"):
            nll[mix] = -np.logaddexp.reduce(np.log(w)[:, None] + np.stack([lp["test"][p] for p in parts]), axis=0)
    return Leaderboard(len(lp["test"]["kn"]), kn.order, ppl, valid_ppl, weights, nll)


# ---------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.lm.at_scale", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train one recipe and write it to --out")
    t.add_argument("name", choices=sorted(RECIPES))
    t.add_argument("--out", required=True)
    t.add_argument("--resume-dir", default=None, help="save progress here every few minutes; resume from it")
    t.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    _, history = train_at_scale(args.name, args.out, resume_dir=args.resume_dir)
    print(
        f"{args.name}: best valid loss {history.best_valid_loss:.4f} at update {history.best_step} of "
        f"{history.planned_steps}; {history.seconds:.0f} s of training, {time.perf_counter() - start:.0f} s in all"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Train the biLM with the course's one loop: two directions, characters in, word ids out.

The schedule, AdamW, gradient clipping, early stopping with the best weights restored, the
divergence check and the :class:`~course.base.training.History` are the shared loop's
(:func:`course.base.training.fit`, the loop of the NNLM and the RNNLM too). What differs is the
:class:`BiLMTask`: its minibatches hold the *characters* of every word (an unknown word keeps its
spelling, :class:`~course.elmo.batching.BiLMCorpus`), its loss sums two directions, the backward
one predicting the *previous* word, and it trains on whole sentences (``TrainConfig.bptt`` must be
None: a right-to-left LSTM cannot carry its state from chunk to chunk). Validation and test use
the exact softmax; training may use the sampled one (``BiLMConfig.n_samples``).

Command line (the committed checkpoint of chapter 09 was made this way; see
:mod:`course.pretrained`, artifact ``bilm``)::

    python -m course.elmo.train --out bilm.pt --seed 0

>>> import numpy as np
>>> from course.data import Vocab
>>> from course.elmo import BiLM, BiLMConfig, CharEncoder
>>> sentences = [["the", "cat", "sat"], ["the", "dog", "sat"]] * 8
>>> vocab = Vocab(specials=("</s>",)).fit(sentences)
>>> config = BiLMConfig(n_words=len(vocab), max_word_length=8, char_dim=4, filters=((1, 8), (2, 8)),
...                     projection_dim=16, dropout=0.0)
>>> model = BiLM(config)
>>> data = BiLMCorpus(sentences, vocab, CharEncoder(config.max_word_length))
>>> history = train_bilm(model, data, data, TrainConfig(epochs=20, batch_tokens=40, lr=1e-2), progress=False)
>>> fwd, bwd = evaluate_bilm(model, data)
>>> fwd.perplexity < 2.0 and bwd.perplexity < 2.0   # "the" and "sat" are certain, "cat"/"dog" 50/50
True
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from ..base.batching import group_by_length
from ..base.training import History, LMScore, TrainConfig, fit, perplexity
from .batching import BiLMCorpus
from .bilm import IGNORE, BiLM, direction_targets

__all__ = ["TrainConfig", "BiLMTask", "evaluate_bilm", "token_nll_bilm", "train_bilm", "main"]


@torch.no_grad()
def evaluate_bilm(
    model: BiLM, corpus: BiLMCorpus, *, batch_tokens: int = 4096, max_tokens: int | None = None
) -> tuple[LMScore, LMScore]:
    """Perplexity of each direction with the exact softmax.

    Parameters
    ----------
    model : BiLM
    corpus : BiLMCorpus
    batch_tokens : int, default=4096
        Padded positions per minibatch (speed only).
    max_tokens : int or None, default=None
        Use only the first sentences holding about this many predicted tokens.

    Returns
    -------
    forward, backward : LMScore
        Mean NLL per predicted token (every word and one boundary per sentence), the count and
        ``exp(nll)``.
    """
    if max_tokens is not None:
        kept, total = [], 0
        for i, row in enumerate(corpus.rows):
            if total >= max_tokens:
                break
            kept.append(i)
            total += len(row) - 1
        indices = kept
    else:
        indices = list(range(len(corpus)))
    was_training = model.training
    model.eval()
    sums = [0.0, 0.0]
    counts = [0, 0]
    for group in group_by_length([len(corpus.rows[i]) for i in indices], batch_tokens, owner="evaluate_bilm"):
        chars, targets = corpus.batch([indices[j] for j in group])
        f, b, nf, nb = model.nll(chars, targets)
        sums[0] += float(f)
        sums[1] += float(b)
        counts[0] += nf
        counts[1] += nb
    model.train(was_training)
    scores = [LMScore(s / n, n, perplexity(s / n)) for s, n in zip(sums, counts)]
    return scores[0], scores[1]


@torch.no_grad()
def token_nll_bilm(model: BiLM, corpus: BiLMCorpus, *, batch_tokens: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Each direction's negative log-likelihood of every predicted token, sentence by sentence.

    The forward direction's tokens of a sentence are ``t_1 .. t_N, </s>``, in that order (the order of
    :meth:`NGramLM.token_logprobs <course.lm.ngram.NGramLM.token_logprobs>` and of the language
    models of chapters 02-03); the backward direction's are ``<s>, t_1 .. t_N`` (each predicted from
    the words after it). Sentences come in the corpus's order, so a paired comparison that resamples
    whole sentences (:func:`course.evaluation.statistics.perplexity_ratio`) can use either.

    Returns
    -------
    forward, backward : ndarray of shape (N,), float64
        Their means are :func:`evaluate_bilm`'s ``nll`` of each direction.
    """
    was_training = model.training
    model.eval()
    rows: list[list] = [[None] * len(corpus), [None] * len(corpus)]
    for group in group_by_length([len(r) for r in corpus.rows], batch_tokens, owner="token_nll_bilm"):
        chars, targets = corpus.batch(group)
        values = model.position_nll(chars, targets)
        for direction, (nll, wanted) in enumerate(zip(values, direction_targets(targets))):
            for row, i in enumerate(group):
                rows[direction][i] = nll[row][wanted[row] != IGNORE].double().numpy()
    model.train(was_training)
    forward, backward = (np.concatenate(r) if r else np.zeros(0) for r in rows)
    return forward, backward


class BiLMTask:
    """:class:`course.base.training.Task` of the biLM: whole sentences, both directions.

    The minibatches of epoch ``e`` are the sentences grouped by length and shuffled with seed
    ``config.seed + e`` (:meth:`BiLMCorpus.batches <course.elmo.batching.BiLMCorpus.batches>`);
    the loss is the biLM's (the sum of both directions' mean NLL), and so is the validation loss.
    """

    def __init__(self, train_corpus: BiLMCorpus, valid_corpus: BiLMCorpus, config: TrainConfig):
        self.train_corpus, self.valid_corpus, self.config = train_corpus, valid_corpus, config
        self.epochs = [
            train_corpus.groups(config.batch_tokens, shuffle=True, seed=config.seed + e) for e in range(config.epochs)
        ]

    def plan(self, config: TrainConfig) -> list[list[int]]:
        rows = self.train_corpus.rows
        return [[sum(len(rows[i]) - 1 for i in group) for group in groups] for groups in self.epochs]

    def batches(self, epoch: int):
        return (self.train_corpus.batch(group) for group in self.epochs[epoch])

    def loss(self, model: BiLM, batch) -> tuple[torch.Tensor, int]:
        chars, targets = batch
        _, loss = model(chars, targets)
        return loss, int((targets[:, 1:] != IGNORE).sum())

    def validate(self, model: BiLM) -> float:
        fwd, bwd = evaluate_bilm(model, self.valid_corpus, max_tokens=self.config.eval_tokens)
        return fwd.nll + bwd.nll


def train_bilm(
    model: BiLM,
    train_corpus: BiLMCorpus,
    valid_corpus: BiLMCorpus,
    config: TrainConfig = TrainConfig(),
    *,
    progress: bool = True,
    resume: str | Path | None = None,
) -> History:
    """Train ``model`` in place; return the :class:`~course.base.training.History`.

    :func:`course.base.training.fit` on a :class:`BiLMTask`, after seeding torch (dropout) and
    the sampled softmax with ``config.seed``. ``History.train_loss`` and ``valid_loss`` hold the
    biLM loss: the *sum* of the two directions' mean NLL (the training loss is the sampled-softmax
    estimate when ``model.config.n_samples > 0``). The model ends with the weights of the best
    validation evaluation, in eval mode. ``resume`` names a progress file that :func:`fit
    <course.base.training.fit>` writes every five minutes and goes on from when the run is started
    again (the sampled softmax's negatives then come from a reseeded sampler, so a resumed run is
    not bit-identical to an uninterrupted one).
    """
    if config.bptt is not None:
        raise ValueError("train_bilm trains on whole sentences: TrainConfig.bptt must be None.")
    if len(train_corpus) == 0 or len(valid_corpus) == 0:
        raise ValueError("train_bilm needs non-empty training and validation corpora.")
    task = BiLMTask(train_corpus, valid_corpus, config)
    torch.manual_seed(config.seed)
    model.reseed(config.seed)
    return fit(model, task, config, progress=progress, resume=resume)


def _parser() -> argparse.ArgumentParser:
    """The command line of :func:`main`."""
    parser = argparse.ArgumentParser(prog="python -m course.elmo.train", description=main.__doc__)
    parser.add_argument("--out", required=True, help="checkpoint file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--batch-tokens", type=int, default=2048)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--min-lr", type=float, default=3e-4)
    parser.add_argument("--eval-interval", type=int, default=300)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--eval-tokens", type=int, default=20_000, help="validation tokens per evaluation")
    parser.add_argument("--min-count", type=int, default=1, help="softmax vocabulary: words seen this often")
    parser.add_argument("--max-size", type=int, default=10_000, help="softmax vocabulary: at most this many words")
    parser.add_argument("--max-word-length", type=int, default=16)
    parser.add_argument("--projection-dim", type=int, default=128)
    parser.add_argument("--hidden-size", type=int, default=128)
    parser.add_argument("--n-samples", type=int, default=512)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--half", action="store_true", help="store weights as float16")
    parser.add_argument(
        "--sources",
        default=None,
        help="comma-separated corpus sources to train on (default: every redistributable source "
        "of the course corpus, so the checkpoint may be committed); valid and test always "
        "use the whole LM subset, to stay comparable with chapters 01-03",
    )
    parser.add_argument(
        "--resume",
        default=None,
        help="progress file: saved every five minutes, and the run goes on from it when started again",
    )
    parser.add_argument(
        "--init", default=None, help="start from this checkpoint's weights and vocabulary (continue training)"
    )
    return parser


def _start(args, train_sentences):
    """The vocabulary, model config and earlier record to start from: ``--init``'s, or new ones."""
    from ..data import Vocab
    from .bilm import BiLMConfig

    if args.init is not None:
        from .checkpoint import load_checkpoint

        start = load_checkpoint(args.init)
        return start.vocab, start.model.config, start.meta, start.model.state_dict()
    vocab = Vocab(min_count=args.min_count, max_size=args.max_size, specials=("</s>",)).fit(train_sentences)
    config = BiLMConfig(
        n_words=len(vocab),
        max_word_length=args.max_word_length,
        projection_dim=args.projection_dim,
        hidden_size=args.hidden_size,
        n_samples=args.n_samples,
        dropout=args.dropout,
    )
    return vocab, config, None, None


def _record(args, argv, train_sources, train_config, train_data, history, valid, test, previous) -> dict:
    """The checkpoint's metadata: command, data, training and perplexities (and an earlier stage's)."""
    from dataclasses import asdict

    from ..data import corpus_checksum

    meta = {
        "command": "python -m course.elmo.train " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed,
        "corpus_checksum": corpus_checksum("lm"),
        "train_sources": list(train_sources),
        "train_corpus_checksum": corpus_checksum("lm", sources=train_sources),
        "train_config": {k: v for k, v in asdict(train_config).items()},
        "train_tokens": train_data.n_tokens,
        "seconds": history.seconds,
        "steps": len(history.step),
        "best_step": history.best_step,
        "stopped_early": history.stopped_early,
        "threads": torch.get_num_threads(),
        "history": {
            "step": history.step[::10],
            "train_loss": history.train_loss[::10],
            "eval_step": history.eval_step,
            "valid_loss": history.valid_loss,
        },
        "perplexity": {
            "valid": [valid[0].perplexity, valid[1].perplexity],
            "test": [test[0].perplexity, test[1].perplexity],
        },
    }
    if previous is not None:  # continued training: keep the earlier stage's record
        meta["previous"] = previous
        meta["command"] = previous["command"] + " && " + meta["command"]
        meta["seconds"] += previous["seconds"]
        meta["steps"] += previous["steps"]
    return meta


def main(argv: list[str] | None = None) -> None:
    """``python -m course.elmo.train``: train the chapter's biLM on the LM subset and save it."""
    from ..base.notebook import default_threads, seed_everything
    from ..data import load_sentences, redistributable_names
    from .chars import CharEncoder
    from .checkpoint import save_checkpoint

    args = _parser().parse_args(argv)
    torch.set_num_threads(args.threads or default_threads())
    seed_everything(args.seed)
    train_sources = args.sources.split(",") if args.sources else redistributable_names()
    train_sentences = load_sentences("train", subset="lm", sources=train_sources)
    valid_sentences = load_sentences("valid", subset="lm")
    test_sentences = load_sentences("test", subset="lm")
    vocab, config, previous, weights = _start(args, train_sentences)
    chars = CharEncoder(config.max_word_length)
    train_data = BiLMCorpus(train_sentences, vocab, chars)
    valid_data = BiLMCorpus(valid_sentences, vocab, chars)
    test_data = BiLMCorpus(test_sentences, vocab, chars)
    train_config = TrainConfig(
        batch_tokens=args.batch_tokens,
        epochs=args.epochs,
        max_steps=args.max_steps,
        lr=args.lr,
        min_lr=args.min_lr,
        eval_interval=args.eval_interval,
        patience=args.patience,
        eval_tokens=args.eval_tokens,
        seed=args.seed,
    )
    model = BiLM(config)
    if weights is not None:
        model.load_state_dict(weights)
    history = train_bilm(model, train_data, valid_data, train_config, resume=args.resume)
    valid = evaluate_bilm(model, valid_data)
    test = evaluate_bilm(model, test_data)
    meta = _record(args, argv, train_sources, train_config, train_data, history, valid, test, previous)
    digest = save_checkpoint(args.out, model, vocab, meta, half=args.half)
    size = Path(args.out).stat().st_size
    print(
        json.dumps(
            {
                "out": args.out,
                "sha256": digest,
                "bytes": size,
                "seconds": round(history.seconds, 1),
                "perplexity": meta["perplexity"],
                "corpus_checksum": meta["corpus_checksum"],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

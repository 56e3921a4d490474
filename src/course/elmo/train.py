"""Train the biLM: the course's training recipe, adapted to two directions and characters.

The course's shared loop (:func:`course.lm.train.train`) cannot drive the biLM as it is, for three
reasons: its minibatches are word ids of a closed vocabulary, while the biLM must read the
*characters* of every word (an unknown word keeps its spelling); its :func:`evaluate
<course.lm.train.evaluate>` scores one set of next-word logits, while the biLM has two, the
backward one predicting the *previous* word; and it carries the state left to right between
truncated-BPTT chunks, which a right-to-left LSTM cannot use. So this module keeps the recipe and
reuses its pieces: :class:`~course.lm.train.TrainConfig` (same hyperparameters; ``bptt`` must be
None: whole sentences), the warm-up + cosine schedule :func:`~course.lm.train.lr_at`, AdamW with
gradient clipping, early stopping on the validation loss with the best weights restored, a tqdm
bar with tokens/s and a :class:`~course.lm.train.History`. Validation and test use the exact
softmax; training may use the sampled one (``BiLMConfig.n_samples``).

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
import copy
import json
import math
import sys
import time
from pathlib import Path

import torch
from torch import nn

from ..lm.train import History, LMScore, TrainConfig, lr_at, make_optimizer
from .batching import BiLMCorpus
from .bilm import IGNORE, BiLM

__all__ = ["TrainConfig", "evaluate_bilm", "train_bilm", "main"]


@torch.no_grad()
def evaluate_bilm(model: BiLM, corpus: BiLMCorpus, *, batch_tokens: int = 4096,
                  max_tokens: int | None = None) -> tuple[LMScore, LMScore]:
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
    order = sorted(indices, key=lambda i: len(corpus.rows[i]))
    group: list[int] = []

    def flush():
        chars, targets = corpus.batch(group)
        f, b, nf, nb = model.nll(chars, targets)
        sums[0] += float(f)
        sums[1] += float(b)
        counts[0] += nf
        counts[1] += nb

    for i in order:
        if group and (len(group) + 1) * len(corpus.rows[i]) > batch_tokens:
            flush()
            group = []
        group.append(i)
    if group:
        flush()
    model.train(was_training)
    scores = [LMScore(s / n, n, math.exp(s / n)) for s, n in zip(sums, counts)]
    return scores[0], scores[1]


def train_bilm(model: BiLM, train_corpus: BiLMCorpus, valid_corpus: BiLMCorpus,
               config: TrainConfig = TrainConfig(), *, progress: bool = True) -> History:
    """Train ``model`` in place; return the :class:`~course.lm.train.History`.

    ``History.train_loss`` and ``valid_loss`` hold the biLM loss: the *sum* of the two
    directions' mean NLL (the training loss is the sampled-softmax estimate when
    ``model.config.n_samples > 0``). The model ends with the weights of the best validation
    evaluation, in eval mode.
    """
    from tqdm.auto import tqdm

    cfg = config
    if cfg.bptt is not None:
        raise ValueError("train_bilm trains on whole sentences: TrainConfig.bptt must be None.")
    if len(train_corpus) == 0 or len(valid_corpus) == 0:
        raise ValueError("train_bilm needs non-empty training and validation corpora.")
    torch.manual_seed(cfg.seed)
    model.reseed(cfg.seed)
    total = train_corpus.n_batches(cfg.batch_tokens) * cfg.epochs
    if cfg.max_steps is not None:
        total = min(total, cfg.max_steps)
    history = History(planned_steps=total)
    optimizer = make_optimizer(model, cfg)
    best_state = copy.deepcopy(model.state_dict())
    bad_evals = 0
    step = 0
    start = time.perf_counter()
    bar = tqdm(total=total, unit="step", disable=not progress, mininterval=1.0)

    def validate() -> bool:
        nonlocal best_state, bad_evals
        fwd, bwd = evaluate_bilm(model, valid_corpus, max_tokens=cfg.eval_tokens)
        history.eval_step.append(step)
        history.valid_loss.append(fwd.nll + bwd.nll)
        if fwd.nll + bwd.nll < history.best_valid_loss:
            history.best_valid_loss, history.best_step = fwd.nll + bwd.nll, step
            best_state = copy.deepcopy(model.state_dict())
            bad_evals = 0
        else:
            bad_evals += 1
        return cfg.patience is not None and bad_evals >= cfg.patience

    model.train()
    stop = False
    for epoch in range(cfg.epochs):
        for chars, targets in train_corpus.batches(cfg.batch_tokens, shuffle=True, seed=cfg.seed + epoch):
            if step >= total:
                break
            lr = lr_at(step, cfg, total)
            for group in optimizer.param_groups:
                group["lr"] = lr
            _, loss = model(chars, targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip or math.inf)
            optimizer.step()
            step += 1
            history.train_tokens += int((targets[:, 1:] != IGNORE).sum())
            history.step.append(step)
            history.train_loss.append(loss.item())
            history.lr.append(lr)
            history.grad_norm.append(float(norm))
            bar.update(1)
            if progress and step % 10 == 0:
                rate = history.train_tokens / (time.perf_counter() - start)
                bar.set_postfix(loss=f"{loss.item():.3f}", tok_s=f"{rate:,.0f}", refresh=False)
            if step % cfg.eval_interval == 0 and validate():
                history.stopped_early = stop = True
                break
        if stop or step >= total:
            break
    if not history.eval_step or history.eval_step[-1] != step:
        validate()
    bar.close()
    model.load_state_dict(best_state)
    model.eval()
    history.seconds = time.perf_counter() - start
    return history


def main(argv: list[str] | None = None) -> None:
    """``python -m course.elmo.train``: train the chapter's biLM on the LM subset and save it."""
    from dataclasses import asdict

    from ..data import Vocab, corpus_checksum, load_sentences, redistributable_names
    from ..base.notebook import default_threads, seed_everything
    from .bilm import BiLMConfig
    from .chars import CharEncoder
    from .checkpoint import save_checkpoint

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
    parser.add_argument("--sources", default=None,
                        help="comma-separated corpus sources to train on (default: every redistributable source "
                             "of the course corpus, so the checkpoint may be committed); valid and test always "
                             "use the whole LM subset, to stay comparable with chapters 01-03")
    parser.add_argument("--init", default=None,
                        help="start from this checkpoint's weights and vocabulary (continue training)")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads or default_threads())
    seed_everything(args.seed)
    train_sources = args.sources.split(",") if args.sources else redistributable_names()
    train_sentences = load_sentences("train", subset="lm", sources=train_sources)
    valid_sentences = load_sentences("valid", subset="lm")
    test_sentences = load_sentences("test", subset="lm")
    if args.init is not None:
        from .checkpoint import load_checkpoint

        start = load_checkpoint(args.init)
        vocab, config = start.vocab, start.model.config
        previous = start.meta
    else:
        vocab = Vocab(min_count=args.min_count, max_size=args.max_size, specials=("</s>",)).fit(train_sentences)
        config = BiLMConfig(n_words=len(vocab), max_word_length=args.max_word_length, projection_dim=args.projection_dim,
                            hidden_size=args.hidden_size, n_samples=args.n_samples, dropout=args.dropout)
        previous = None
    chars = CharEncoder(config.max_word_length)
    train_data = BiLMCorpus(train_sentences, vocab, chars)
    valid_data = BiLMCorpus(valid_sentences, vocab, chars)
    test_data = BiLMCorpus(test_sentences, vocab, chars)
    train_config = TrainConfig(batch_tokens=args.batch_tokens, epochs=args.epochs, max_steps=args.max_steps,
                               lr=args.lr, min_lr=args.min_lr, eval_interval=args.eval_interval,
                               patience=args.patience, eval_tokens=args.eval_tokens, seed=args.seed)
    model = BiLM(config)
    if args.init is not None:
        model.load_state_dict(start.model.state_dict())
    history = train_bilm(model, train_data, valid_data, train_config)
    valid = evaluate_bilm(model, valid_data)
    test = evaluate_bilm(model, test_data)
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
        "history": {"step": history.step[::10], "train_loss": history.train_loss[::10],
                    "eval_step": history.eval_step, "valid_loss": history.valid_loss},
        "perplexity": {"valid": [valid[0].perplexity, valid[1].perplexity],
                       "test": [test[0].perplexity, test[1].perplexity]},
    }
    if previous is not None:  # continued training: keep the earlier stage's record
        meta["previous"] = previous
        meta["command"] = previous["command"] + " && " + meta["command"]
        meta["seconds"] += previous["seconds"]
        meta["steps"] += previous["steps"]
    digest = save_checkpoint(args.out, model, vocab, meta, half=args.half)
    size = Path(args.out).stat().st_size
    print(json.dumps({"out": args.out, "sha256": digest, "bytes": size, "seconds": round(history.seconds, 1),
                      "perplexity": meta["perplexity"], "corpus_checksum": meta["corpus_checksum"]}, indent=1))


if __name__ == "__main__":
    main()

"""The one training and evaluation loop of every neural language model of the course.

Any model with the makemore interface ``forward(idx, targets, state=None) -> (logits, loss)``
(the NNLM, the RNNLM, later ELMo's language models) trains here. After each call the model keeps
``final_state``, the state a following chunk continues from (``None`` or absent for a model
without one), and a ``hparams`` dict of its constructor's arguments keys its checkpoints. The loop
provides:

* minibatches of sentences of similar length (:func:`course.lm.batching.group_rows`),
* truncated backpropagation through time: a minibatch is cut into chunks of ``bptt`` steps; the
  state is carried from chunk to chunk and the graph cut between them,
* Adam with a linear warm-up and a cosine learning-rate decay, gradient-norm clipping,
* early stopping on the validation split (the best weights are restored),
* perplexity ``exp(mean NLL)`` over the predicted tokens, a tqdm progress bar with tokens/s,
  a :class:`History` of losses for the curves, explicit seeds,
* checkpoints through :mod:`course.base.cache`, keyed by the hyperparameters, the vocabulary and the
  corpus checksum: the ``state_dict`` as arrays and the history as JSON in one sha256-checked
  ``.npz`` (:func:`course.base.cache.save_result`), never unpickled; a damaged one is retrained.

>>> import numpy as np
>>> from course.lm.nnlm import NNLM
>>> rows = [np.array([0, 1, 2, 0]), np.array([0, 2, 1, 0])] * 8
>>> model = NNLM(vocab_size=3, context_size=1, vector_size=2, hidden_size=4)
>>> history = train(model, rows, rows, TrainConfig(epochs=20, batch_tokens=24, eval_interval=5),
...                 progress=False)
>>> evaluate(model, rows).perplexity < 3.0      # below the uniform model's 3
True
"""

from __future__ import annotations

import copy
import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..base.validation import check_divergence, check_float, check_int, check_token_ids
from ..base.cache import cache_path, discard, load_result, save_result
from .batching import IGNORE_INDEX, chunks, group_rows, pad_rows

__all__ = ["TrainConfig", "History", "LMScore", "train", "evaluate", "lr_at", "make_optimizer", "train_cached",
           "checkpoint_path", "vocab_fingerprint", "next_token_probs", "generate", "token_nll"]


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of :func:`train` (all of them key the checkpoint)."""

    batch_tokens: int = 2048  # padded positions (about predicted tokens) per minibatch
    bptt: int | None = None  # truncated BPTT: chunk length in steps; None = whole sentences
    epochs: int = 1  # passes over the training rows ...
    max_steps: int | None = None  # ... or stop after this many updates ...
    max_tokens: int | None = None  # ... or after this many predicted tokens, whichever comes first
    lr: float = 3e-3  # peak learning rate (Adam)
    min_lr: float = 3e-4  # learning rate at the end of the cosine decay
    warmup_steps: int = 20  # linear warm-up from 0 to lr
    weight_decay: float = 0.0  # decoupled weight decay (AdamW)
    grad_clip: float | None = 1.0  # clip the global gradient norm to this; None = no clipping
    eval_interval: int = 100  # evaluate on the validation rows every this many updates
    eval_tokens: int | None = 20_000  # validation tokens used while training (None = all)
    patience: int | None = 3  # stop after this many evaluations without improvement (None = never)
    seed: int = 0  # order of the minibatches

    def __post_init__(self) -> None:
        owner = "TrainConfig"
        check_int(self.batch_tokens, "batch_tokens", owner, low=1)
        if self.bptt is not None:
            check_int(self.bptt, "bptt", owner, low=1)
        check_int(self.epochs, "epochs", owner, low=1)
        if self.max_steps is not None:
            check_int(self.max_steps, "max_steps", owner, low=1)
        if self.max_tokens is not None:
            check_int(self.max_tokens, "max_tokens", owner, low=1)
        check_float(self.lr, "lr", owner, low=0.0, low_closed=False)
        check_float(self.min_lr, "min_lr", owner, low=0.0, high=self.lr)
        check_int(self.warmup_steps, "warmup_steps", owner, low=0)
        check_float(self.weight_decay, "weight_decay", owner, low=0.0)
        if self.grad_clip is not None:
            check_float(self.grad_clip, "grad_clip", owner, low=0.0, low_closed=False)
        check_int(self.eval_interval, "eval_interval", owner, low=1)
        if self.eval_tokens is not None:
            check_int(self.eval_tokens, "eval_tokens", owner, low=1)
        if self.patience is not None:
            check_int(self.patience, "patience", owner, low=1)
        check_int(self.seed, "seed", owner)


@dataclass
class History:
    """What happened during :func:`train`: the curves and the totals."""

    step: list[int] = field(default_factory=list)  # update number of each training record
    train_loss: list[float] = field(default_factory=list)  # mean NLL (nats) of that update's chunk
    lr: list[float] = field(default_factory=list)  # learning rate used
    grad_norm: list[float] = field(default_factory=list)  # gradient norm before clipping
    eval_step: list[int] = field(default_factory=list)  # updates after which we evaluated
    valid_loss: list[float] = field(default_factory=list)  # mean NLL on the validation rows used
    best_step: int = 0  # the update whose weights were kept
    best_valid_loss: float = math.inf
    stopped_early: bool = False  # True if patience ran out before the planned updates
    planned_steps: int = 0  # updates the schedule was laid out for
    train_tokens: int = 0  # predicted tokens processed (counted with repetition over epochs)
    seconds: float = 0.0  # wall-clock training time (evaluations included)
    from_cache: bool = False  # True when loaded from a checkpoint instead of trained

    @property
    def tokens_per_second(self) -> float:
        return self.train_tokens / self.seconds if self.seconds > 0 else math.nan


class LMScore(NamedTuple):
    """Mean negative log-likelihood per predicted token, the count, and ``exp(nll)``."""

    nll: float
    tokens: int
    perplexity: float


def lr_at(step: int, config: TrainConfig, total_steps: int) -> float:
    """Learning rate of update ``step`` (0-based): linear warm-up, then cosine decay to ``min_lr``.

    >>> cfg = TrainConfig(lr=1.0, min_lr=0.0, warmup_steps=2)
    >>> [round(lr_at(s, cfg, total_steps=6), 3) for s in range(6)]
    [0.5, 1.0, 1.0, 0.854, 0.5, 0.146]
    """
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    span = max(total_steps - config.warmup_steps, 1)
    progress = min((step - config.warmup_steps) / span, 1.0)
    return config.min_lr + 0.5 * (config.lr - config.min_lr) * (1.0 + math.cos(math.pi * progress))


def _planned_steps(rows: Sequence[np.ndarray], epochs: list[list[list[int]]], cfg: TrainConfig) -> int:
    """Updates the run will make: chunks of every minibatch, cut by ``max_steps``/``max_tokens``."""
    steps, tokens = 0, 0
    for groups in epochs:
        for group in groups:
            lengths = [len(rows[i]) - 1 for i in group]
            longest = max(lengths)
            bptt = cfg.bptt or longest
            for start in range(0, longest, bptt):
                steps += 1
                tokens += sum(min(max(n - start, 0), bptt) for n in lengths)
                if (cfg.max_steps is not None and steps >= cfg.max_steps) or \
                        (cfg.max_tokens is not None and tokens >= cfg.max_tokens):
                    return steps
    return steps


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.AdamW:
    """AdamW at ``config.lr`` with weight decay on the matrices only (not on biases and gains)."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=config.lr)


def _detach(state):
    return None if state is None else state.detach()


@torch.no_grad()
def token_nll(model: nn.Module, rows: Sequence[np.ndarray], *, batch_tokens: int = 8192,
              bptt: int | None = None) -> np.ndarray:
    """Negative log-likelihood (nats) of every predicted token, in the order of ``rows``.

    Parameters
    ----------
    model : nn.Module
        A language model with the course interface.
    rows : sequence of ndarray
        Encoded sentences (:func:`course.lm.batching.encode_rows`); every word and every ``</s>``
        is predicted.
    batch_tokens : int, default=8192
        Padded positions per minibatch (speed only; the result does not depend on it).
    bptt : int or None, default=None
        Run in chunks carrying the state (same numbers; less memory).

    Returns
    -------
    ndarray of shape (count_targets(rows),)
        Row after row, the NLL of ``w1, ..., wn, </s>`` (the order of
        ``NGramLM.token_logprobs``, so the two can be compared or mixed token by token).
    """
    was_training = model.training
    model.eval()
    per_row: list[np.ndarray | None] = [None] * len(rows)
    for group in group_rows(rows, batch_tokens):
        idx, targets = pad_rows([rows[i] for i in group])
        state, pieces = None, []
        for x, y in chunks(idx, targets, bptt):
            logits, _ = model(x, None, state=state)
            state = getattr(model, "final_state", None)
            nll = F.cross_entropy(logits.transpose(1, 2), y.clamp(min=0), reduction="none")  # (B, T)
            pieces.append(nll)
        nll = torch.cat(pieces, dim=1).numpy()
        for b, i in enumerate(group):
            per_row[i] = nll[b, : len(rows[i]) - 1]
    model.train(was_training)
    return np.concatenate(per_row) if per_row else np.zeros(0)


def evaluate(model: nn.Module, rows: Sequence[np.ndarray], *, batch_tokens: int = 8192,
             bptt: int | None = None, max_tokens: int | None = None) -> LMScore:
    """Perplexity of ``model`` on encoded sentences: ``exp`` of the mean NLL per predicted token.

    Parameters
    ----------
    model, rows, batch_tokens, bptt
        As in :func:`token_nll`.
    max_tokens : int or None, default=None
        Use only the first rows holding about this many predicted tokens.

    Returns
    -------
    LMScore
        ``nll`` is the mean over every word and every ``</s>``; ``perplexity = exp(nll)``.
    """
    if max_tokens is not None:
        cum = np.cumsum([len(r) - 1 for r in rows])
        rows = rows[: int(np.searchsorted(cum, max_tokens)) + 1]
    nll = token_nll(model, rows, batch_tokens=batch_tokens, bptt=bptt)
    mean = float(nll.astype(np.float64).mean())
    try:
        perplexity = math.exp(mean)
    except OverflowError:  # mean > 709.78 nats: a diverged model
        perplexity = math.inf
    return LMScore(mean, len(nll), perplexity)


def train(model: nn.Module, train_rows: Sequence[np.ndarray], valid_rows: Sequence[np.ndarray],
          config: TrainConfig = TrainConfig(), *, progress: bool = True) -> History:
    """Train ``model`` in place on encoded sentences; return the :class:`History`.

    Parameters
    ----------
    model : nn.Module
        ``forward(idx, targets, state=None) -> (logits, loss)`` with a ``final_state`` attribute.
    train_rows, valid_rows : sequence of ndarray
        Encoded sentences (:func:`course.lm.batching.encode_rows`).
    config : TrainConfig
    progress : bool, default=True
        Show a tqdm progress bar with the loss and tokens/s.

    Returns
    -------
    History
        The model ends with the weights of the best validation evaluation.
    """
    from tqdm.auto import tqdm

    if len(train_rows) == 0 or len(valid_rows) == 0:
        raise ValueError("train needs non-empty 'train_rows' and 'valid_rows'.")
    cfg = config
    epochs = [group_rows(train_rows, cfg.batch_tokens, shuffle=True, seed=cfg.seed + e)
              for e in range(cfg.epochs)]
    total = _planned_steps(train_rows, epochs, cfg)
    history = History(planned_steps=total)
    optimizer = make_optimizer(model, cfg)
    best_state = copy.deepcopy(model.state_dict())
    bad_evals = 0
    step = 0
    start = time.perf_counter()
    bar = tqdm(total=total, unit="step", disable=not progress, mininterval=1.0)

    def validate() -> bool:
        """Evaluate, keep the best weights; return True when patience has run out."""
        nonlocal best_state, bad_evals
        score = evaluate(model, valid_rows, max_tokens=cfg.eval_tokens)
        # nan weights give a nan validation loss, which never improves: without this the run
        # would end "early stopped" on the last finite weights without saying why.
        check_finite_loss(score.perplexity, f"the validation perplexity (mean loss {score.nll:.4g} nats)")
        history.eval_step.append(step)
        history.valid_loss.append(score.nll)
        if score.nll < history.best_valid_loss:
            history.best_valid_loss, history.best_step = score.nll, step
            best_state = copy.deepcopy(model.state_dict())
            bad_evals = 0
        else:
            bad_evals += 1
        return cfg.patience is not None and bad_evals >= cfg.patience

    def check_finite_loss(value: float, what: str) -> None:
        """Stop with a message naming ``lr`` when a loss is nan or inf (the weights diverged)."""
        if not math.isfinite(value):
            bar.close()
            check_divergence(value, what, step=f"update {step} of {total}", lr_name="lr", lr=cfg.lr,
                             owner="TrainConfig", default=TrainConfig.__dataclass_fields__["lr"].default)

    model.train()
    stop = False
    for groups in epochs:
        for group in groups:
            idx, targets = pad_rows([train_rows[i] for i in group])
            state = None
            for x, y in chunks(idx, targets, cfg.bptt):
                if step >= total:
                    break
                lr = lr_at(step, cfg, total)
                for param_group in optimizer.param_groups:
                    param_group["lr"] = lr
                _, loss = model(x, y, state=state)
                state = _detach(getattr(model, "final_state", None))  # carry the state, cut the graph
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                norm = nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip or math.inf)
                optimizer.step()
                step += 1
                loss_value = loss.item()
                check_finite_loss(loss_value, "the training loss")  # free: read for the history anyway
                n_tokens = int((y != IGNORE_INDEX).sum())
                history.train_tokens += n_tokens
                history.step.append(step)
                history.train_loss.append(loss_value)
                history.lr.append(lr)
                history.grad_norm.append(float(norm))
                bar.update(1)
                if progress and step % 10 == 0:
                    rate = history.train_tokens / (time.perf_counter() - start)
                    bar.set_postfix(loss=f"{loss_value:.3f}", tok_s=f"{rate:,.0f}", refresh=False)
                if step % cfg.eval_interval == 0 and validate():
                    history.stopped_early = True
                    stop = True
                    break
            if stop or step >= total:
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


def vocab_fingerprint(index_to_key: Sequence[str]) -> str:
    """A short hash of a vocabulary's word list (part of a checkpoint's key).

    >>> vocab_fingerprint(["</s>", "<unk>", "the"])
    'e2d558c9272b'
    """
    return hashlib.sha256("\n".join(index_to_key).encode()).hexdigest()[:12]


#: Part of every checkpoint key: bump it when a change to the models or to this loop changes the
#: trained weights, so that no chapter loads weights the current code would not produce.
CHECKPOINT_VERSION = 2


def checkpoint_path(model: nn.Module, config: TrainConfig, corpus_checksum: str,
                    data_key: dict | None = None):
    """Where :func:`train_cached` stores ``model`` trained with ``config`` (a ``.npz`` file)."""
    params = {"model": type(model).__name__, "hparams": model.hparams, "train": asdict(config),
              "data": data_key or {}, "code": CHECKPOINT_VERSION}
    return cache_path(f"lm-{type(model).__name__.lower()}", params, corpus_checksum)


def train_cached(model: nn.Module, train_rows: Sequence[np.ndarray], valid_rows: Sequence[np.ndarray],
                 config: TrainConfig, *, corpus_checksum: str, data_key: dict | None = None,
                 progress: bool = True) -> History:
    """:func:`train`, or load the checkpoint trained earlier with the same key.

    The key holds the model class and ``model.hparams``, the ``config``, ``data_key`` (for
    example the vocabulary's :func:`vocab_fingerprint`), ``corpus_checksum`` and the package
    version. A checkpoint holds the ``state_dict`` as arrays and the history as JSON
    (:func:`course.base.cache.save_result`), checked against its sha256 and read with
    ``allow_pickle=False``: loading never runs code. A damaged checkpoint (truncated, changed,
    weights that do not fit the model) is reported with a :class:`course.base.cache.CacheWarning`,
    deleted and trained again.

    Returns
    -------
    History
        ``from_cache`` tells which happened; ``model`` holds the trained weights either way.
    """
    path = checkpoint_path(model, config, corpus_checksum, data_key)
    checkpoint = load_result(path, None, remedy="the model will be trained again")
    if checkpoint is not None:
        initial = copy.deepcopy(model.state_dict())
        try:
            model.load_state_dict(checkpoint["state_dict"])
            history = History(**{**checkpoint["history"], "from_cache": True})
        except (KeyError, TypeError, RuntimeError) as error:  # a file whose content does not fit the model
            model.load_state_dict(initial)  # train from the model's own initial weights, as on a cold cache
            discard(path, f"does not fit {type(model).__name__}: {type(error).__name__}: {error}",
                    "the model will be trained again")
        else:
            model.eval()
            return history
    history = train(model, train_rows, valid_rows, config, progress=progress)
    save_result(path, {"state_dict": model.state_dict(), "history": asdict(history)})
    return history


def _prefix_tensor(model: nn.Module, prefix, owner: str) -> torch.Tensor:
    """``prefix`` as a (1, T) LongTensor of ids checked against the model's vocabulary."""
    if isinstance(prefix, (str, bytes)) or not hasattr(prefix, "__len__") or \
            not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in prefix):
        raise TypeError(f"The 'prefix' parameter of {owner} must be a sequence of int token ids "
                        f"(e.g. LMCorpus.encode_context(words)). Got {prefix!r} instead.")
    if len(prefix) == 0:
        raise ValueError(f"{owner} needs a non-empty 'prefix' (start it with the </s> id).")
    ids = torch.tensor([[int(i) for i in prefix]], dtype=torch.long)
    if hasattr(model, "vocab_size"):
        check_token_ids(ids, "prefix", owner, model.vocab_size)
    return ids


@torch.no_grad()
def next_token_probs(model: nn.Module, prefix: Sequence[int]) -> torch.Tensor:
    """``P(next word | prefix)`` for one prefix of token ids (start it with ``</s>``), shape (V,)."""
    ids = _prefix_tensor(model, prefix, "next_token_probs")
    model.eval()
    logits, _ = model(ids)
    return torch.softmax(logits[0, -1], dim=-1)


@torch.no_grad()
def generate(model: nn.Module, prefix: Sequence[int], max_new_tokens: int, *, seed: int = 0,
             temperature: float = 1.0, stop_id: int | None = None) -> list[int]:
    """Sample a continuation of ``prefix`` one token at a time, carrying the model's state.

    Parameters
    ----------
    model : nn.Module
    prefix : sequence of int
        Token ids to start from (begin with the ``</s>`` id for a new sentence).
    max_new_tokens : int
    seed : int, default=0
    temperature : float, default=1.0
        Divide the logits by this before sampling (lower = more conservative).
    stop_id : int or None, default=None
        Stop after sampling this token (``</s>``).

    Returns
    -------
    list of int
        The sampled tokens (without the prefix).
    """
    check_int(max_new_tokens, "max_new_tokens", "generate", low=0)
    check_float(temperature, "temperature", "generate", low=0.0, low_closed=False)
    ids = _prefix_tensor(model, prefix, "generate")
    g = torch.Generator().manual_seed(seed)
    model.eval()
    logits, _ = model(ids)
    state = getattr(model, "final_state", None)
    out: list[int] = []
    for _ in range(max_new_tokens):
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        if not bool(torch.isfinite(probs).all()):  # logits / temperature overflowed: inf - inf = nan
            raise ValueError(f"The 'temperature' parameter of generate is too small for these logits: "
                             f"softmax(logits / temperature) is not finite. Got {temperature!r} instead; use a "
                             "larger one (near 0.01 already picks the most likely word).")
        token = int(torch.multinomial(probs, 1, generator=g))
        out.append(token)
        if token == stop_id:
            break
        logits, _ = model(torch.tensor([[token]]), state=state)
        state = getattr(model, "final_state", None)
    return out

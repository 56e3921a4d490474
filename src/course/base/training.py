"""The one training loop of every neural language model of the course (NNLM, RNNLM, biLM).

What differs between models is a small :class:`Task`: how the minibatches of an epoch are made
and fed (word-id rows cut into truncated-BPTT chunks for :mod:`course.lm.train`, character rows
with two directions for :mod:`course.elmo.train`), the loss of one minibatch and the validation
loss. Everything else is here, once:

* AdamW (Loshchilov and Hutter 2019) with weight decay on the matrices only
  (:func:`make_optimizer`), a linear warm-up and a cosine decay of the learning rate
  (:func:`lr_at`; Loshchilov and Hutter 2017),
* gradient-norm clipping (Pascanu et al. 2013), a planned number of updates cut by
  ``max_steps`` / ``max_tokens`` (:func:`planned_steps`),
* an evaluation every ``eval_interval`` updates and at the end, early stopping after
  ``patience`` evaluations without improvement, the best weights restored,
* a stop with a message naming ``lr`` when a loss is nan or inf
  (:func:`course.base.validation.check_divergence`),
* a :class:`History` of the curves and a tqdm bar with tokens/s.

The loop draws no random numbers itself: a task's minibatch order comes from its own seeded
generator, and dropout from torch's, in the order the task feeds the model.

>>> import torch
>>> class Mean:                                  # fit the mean of some numbers: loss = mean (w - x)^2
...     data = torch.tensor([1.0, 2.0, 3.0, 6.0])
...     def plan(self, config):                  # one update of 4 predictions per epoch
...         return [[4]] * config.epochs
...     def batches(self, epoch):
...         return [self.data]
...     def loss(self, model, x):
...         return ((model.w - x) ** 2).mean(), len(x)
...     def validate(self, model):
...         return float(((model.w.detach() - self.data) ** 2).mean())
>>> model = torch.nn.Module(); model.w = torch.nn.Parameter(torch.zeros(()))
>>> history = fit(model, Mean(), TrainConfig(epochs=300, lr=0.1, min_lr=0.0, eval_interval=10), progress=False)
>>> round(float(model.w.detach()), 2), history.planned_steps, history.stopped_early  # converged: patience ran out
(3.0, 300, True)
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
import torch
from torch import nn

from .validation import check_divergence, check_float, check_int

__all__ = ["TrainConfig", "History", "LMScore", "Task", "fit", "lr_at", "make_optimizer", "planned_steps", "perplexity"]


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of the training loop (all of them key a checkpoint)."""

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
    """What happened during training: the curves and the totals."""

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

    def record_step(self, step: int, loss: float, lr: float, grad_norm: float, tokens: int) -> None:
        """Append one update's record to the curves."""
        self.train_tokens += tokens
        self.step.append(step)
        self.train_loss.append(loss)
        self.lr.append(lr)
        self.grad_norm.append(grad_norm)


class LMScore(NamedTuple):
    """Mean negative log-likelihood per predicted token, the count, and ``exp(nll)``."""

    nll: float
    tokens: int
    perplexity: float


def perplexity(nll: float) -> float:
    """``exp(nll)``, ``inf`` when it overflows (a mean NLL above 709.78 nats: a diverged model).

    >>> perplexity(0.0), perplexity(1000.0)
    (1.0, inf)
    """
    try:
        return math.exp(nll)
    except OverflowError:
        return math.inf


class Task(Protocol):
    """What :func:`fit` needs to know about a model and its data.

    ``plan(config)`` lists, per epoch, the predicted tokens of each update (it lays out the
    schedule); ``batches(epoch)`` yields that epoch's minibatches in the same order;
    ``loss(model, batch)`` runs the model in training mode and returns ``(loss, n_tokens)``;
    ``validate(model)`` returns the validation loss (lower is better). A task whose next batch
    continues from state the current one leaves (truncated BPTT) sets ``mid_sequence = True``
    meanwhile, so that :func:`fit` saves its progress only between sequences.
    """

    def plan(self, config: TrainConfig) -> Sequence[Sequence[int]]: ...

    def batches(self, epoch: int) -> Iterable[Any]: ...

    def loss(self, model: nn.Module, batch: Any) -> tuple[torch.Tensor, int]: ...

    def validate(self, model: nn.Module) -> float: ...


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


def planned_steps(plan: Sequence[Sequence[int]], config: TrainConfig) -> int:
    """Updates a run makes: every planned one, cut by ``max_steps`` and ``max_tokens``.

    Parameters
    ----------
    plan : sequence of sequence of int
        Per epoch, the predicted tokens of each update.
    config : TrainConfig

    >>> planned_steps([[5, 5], [5, 5]], TrainConfig(max_tokens=12))
    3
    """
    steps, tokens = 0, 0
    for epoch in plan:
        for n_tokens in epoch:
            steps += 1
            tokens += n_tokens
            if (config.max_steps is not None and steps >= config.max_steps) or (
                config.max_tokens is not None and tokens >= config.max_tokens
            ):
                return steps
    return steps


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.AdamW:
    """AdamW at ``config.lr`` with weight decay on the matrices only (not on biases and gains)."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=config.lr,
    )


def _resume_state(path: Path, model: nn.Module, optimizer, config: TrainConfig) -> dict | None:
    """The saved progress of an interrupted :func:`fit` at ``path`` (None if absent or not this run's)."""
    from .cache import load_result

    saved = load_result(path, None, remedy="training starts from the beginning")
    if saved is None:
        return None
    if saved.get("config") != asdict(config):
        raise ValueError(
            f"The 'resume' file {path} holds a run with another TrainConfig; delete it or give a new path."
        )
    model.load_state_dict(saved["model"])
    opt = saved["optimizer"]
    optimizer.load_state_dict(
        {"state": {int(k): v for k, v in opt["state"].items()}, "param_groups": opt["param_groups"]}
    )
    torch.set_rng_state(torch.from_numpy(np.asarray(saved["rng"], dtype=np.uint8)))
    return saved


def _save_progress(path: Path, model, optimizer, config, history, best_state, bad_evals, step, epoch, batch) -> None:
    """Write what :func:`_resume_state` needs to go on from update ``step`` (atomic, sha256-checked)."""
    from .cache import save_result

    opt = optimizer.state_dict()
    save_result(
        path,
        {
            "config": asdict(config),
            "model": model.state_dict(),
            "optimizer": {"state": {str(k): v for k, v in opt["state"].items()}, "param_groups": opt["param_groups"]},
            "rng": torch.get_rng_state().numpy(),
            "history": asdict(history),
            "best_state": best_state,
            "bad_evals": bad_evals,
            "step": step,
            "epoch": epoch,
            "batch": batch,
        },
    )


def _update(model: nn.Module, optimizer, task: Task, batch: Any, lr: float, grad_clip: float | None):
    """One optimizer update at learning rate ``lr``; return (loss, tokens, gradient norm before clipping)."""
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr
    loss, n_tokens = task.loss(model, batch)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), grad_clip or math.inf)
    optimizer.step()
    return loss.item(), n_tokens, float(norm)


def fit(
    model: nn.Module,
    task: Task,
    config: TrainConfig = TrainConfig(),
    *,
    progress: bool = True,
    resume: str | Path | None = None,
    save_every: float = 300.0,
) -> History:
    """Train ``model`` in place on ``task``; return the :class:`History`.

    Parameters
    ----------
    model : nn.Module
    task : Task
        The minibatches, the loss and the validation loss of this model.
    config : TrainConfig
    progress : bool, default=True
        Show a tqdm progress bar with the loss and tokens/s.
    resume : path or None, default=None
        A file where the run saves its progress (weights, optimizer, random state, history,
        position in the schedule) every ``save_every`` seconds; a run given an existing file goes
        on from there and ends with the same weights as an uninterrupted run. Deleted at the end.
    save_every : float, default=300.0
        Seconds between two saves of the progress.

    Returns
    -------
    History
        The model ends with the weights of the best validation evaluation, in eval mode.

    Raises
    ------
    course.base.validation.TrainingDivergedError
        When the training loss or the validation perplexity is nan or inf (the message names
        ``lr``).
    """
    from .notebook import progress_bar

    cfg = config
    check_float(save_every, "save_every", "fit", low=0.0)
    total = planned_steps(task.plan(cfg), cfg)
    history = History(planned_steps=total)
    optimizer = make_optimizer(model, cfg)
    best_state = copy.deepcopy(model.state_dict())
    bad_evals = 0
    step = 0
    first_epoch, skip = 0, 0  # where a resumed run goes on: epoch, and minibatches of it done
    resume = None if resume is None else Path(resume)
    saved = _resume_state(resume, model, optimizer, cfg) if resume is not None else None
    if saved is not None:
        history = History(**saved["history"])
        best_state, bad_evals, step = saved["best_state"], saved["bad_evals"], saved["step"]
        first_epoch, skip = saved["epoch"], saved["batch"]
    start = time.perf_counter() - history.seconds
    last_save = time.perf_counter()
    bar = progress_bar(progress, total=total, initial=step, unit="step", mininterval=1.0)

    def check_finite_loss(value: float, what: str) -> None:
        """Stop with a message naming ``lr`` when a loss is nan or inf (the weights diverged)."""
        if not math.isfinite(value):
            bar.close()
            check_divergence(
                value,
                what,
                step=f"update {step} of {total}",
                lr_name="lr",
                lr=cfg.lr,
                owner="TrainConfig",
                default=TrainConfig.__dataclass_fields__["lr"].default,
            )

    def validate() -> bool:
        """Evaluate, keep the best weights; return True when patience has run out."""
        nonlocal best_state, bad_evals
        loss = task.validate(model)
        # nan weights give a nan validation loss, which never improves: without this the run
        # would end "early stopped" on the last finite weights without saying why.
        check_finite_loss(perplexity(loss), f"the validation perplexity (mean loss {loss:.4g} nats)")
        history.eval_step.append(step)
        history.valid_loss.append(loss)
        if loss < history.best_valid_loss:
            history.best_valid_loss, history.best_step = loss, step
            best_state = copy.deepcopy(model.state_dict())
            bad_evals = 0
        else:
            bad_evals += 1
        return cfg.patience is not None and bad_evals >= cfg.patience

    model.train()
    for epoch in range(first_epoch, cfg.epochs):
        if step >= total:
            break
        for position, batch in enumerate(task.batches(epoch)):
            if epoch == first_epoch and position < skip:  # done before the interruption
                continue
            if step >= total:
                break
            lr = lr_at(step, cfg, total)
            loss_value, n_tokens, norm = _update(model, optimizer, task, batch, lr, cfg.grad_clip)
            step += 1
            check_finite_loss(loss_value, "the training loss")  # free: read for the history anyway
            history.record_step(step, loss_value, lr, norm, n_tokens)
            bar.update(1)
            if progress and step % 10 == 0:
                rate = history.train_tokens / (time.perf_counter() - start)
                bar.set_postfix(loss=f"{loss_value:.3f}", tok_s=f"{rate:,.0f}", refresh=False)
            if step % cfg.eval_interval == 0 and validate():
                history.stopped_early = True
                break
            pausable = not getattr(task, "mid_sequence", False)  # no state carried into the next batch
            if resume is not None and pausable and time.perf_counter() - last_save >= save_every:
                history.seconds = time.perf_counter() - start
                _save_progress(resume, model, optimizer, cfg, history, best_state, bad_evals, step, epoch, position + 1)
                last_save = time.perf_counter()
        if history.stopped_early:
            break
    if not history.eval_step or history.eval_step[-1] != step:
        validate()
    bar.close()
    model.load_state_dict(best_state)
    model.eval()
    history.seconds = time.perf_counter() - start
    if resume is not None:
        resume.unlink(missing_ok=True)
        Path(f"{resume}.sha256").unlink(missing_ok=True)
    return history

"""Training and evaluating the next-word models (NNLM, RNNLM) with the course's one loop.

Any model with the makemore interface ``forward(idx, targets, state=None) -> (logits, loss)``
trains here. After each call the model keeps ``final_state``, the state a following chunk
continues from (``None`` or absent for a model without one), and a ``hparams`` dict of its
constructor's arguments keys its checkpoints. The schedule, the optimizer, clipping, early
stopping and the :class:`History` are the shared loop's (:func:`course.base.training.fit`);
this module adds what is particular to word-id language models (:class:`LMTask`):

* minibatches of sentences of similar length (:func:`course.lm.batching.group_rows`),
* truncated backpropagation through time: a minibatch is cut into chunks of ``bptt`` steps; the
  state is carried from chunk to chunk and the graph cut between them,
* perplexity ``exp(mean NLL)`` over the predicted tokens (:func:`evaluate`, :func:`token_nll`),
* checkpoints through :mod:`course.base.cache`, keyed by the hyperparameters, the vocabulary and the
  corpus checksum: the ``state_dict`` as arrays and the history as JSON in one sha256-checked
  ``.npz`` (:func:`course.base.cache.save_result`), never unpickled; a damaged one is retrained,
* sampling a continuation (:func:`generate`).

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
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..base.batching import IGNORE_INDEX
from ..base.cache import cache_path, discard, load_result, save_result
from ..base.training import History, LMScore, TrainConfig, fit, lr_at, make_optimizer, perplexity
from ..base.validation import check_float, check_int, check_token_ids
from .batching import chunks, group_rows, pad_rows

__all__ = [
    "TrainConfig",
    "History",
    "LMScore",
    "LMTask",
    "train",
    "evaluate",
    "lr_at",
    "make_optimizer",
    "train_cached",
    "checkpoint_path",
    "vocab_fingerprint",
    "next_token_probs",
    "generate",
    "token_nll",
]


def _plan(rows: Sequence[np.ndarray], epochs: list[list[list[int]]], bptt: int | None) -> list[list[int]]:
    """Predicted tokens of every chunk of every minibatch, per epoch (the schedule's layout)."""
    plan = []
    for groups in epochs:
        tokens = []
        for group in groups:
            lengths = [len(rows[i]) - 1 for i in group]
            longest = max(lengths)
            step = bptt or longest
            tokens.extend(sum(min(max(n - start, 0), step) for n in lengths) for start in range(0, longest, step))
        plan.append(tokens)
    return plan


def _detach(state):
    """The state with its graph cut: a tensor, or a tuple of them (an LSTM's ``(h, c)``)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


@torch.no_grad()
def token_nll(
    model: nn.Module, rows: Sequence[np.ndarray], *, batch_tokens: int = 8192, bptt: int | None = None
) -> np.ndarray:
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
            if getattr(model, "adaptive", None) is not None:  # the targets' log-probs only: cheaper
                nll = -model.adaptive.target_logprobs(model.hidden(x, state), y)
            else:
                logits, _ = model(x, None, state=state)
                nll = F.cross_entropy(logits.transpose(1, 2), y.clamp(min=0), reduction="none")  # (B, T)
            state = getattr(model, "final_state", None)
            pieces.append(nll)
        nll = torch.cat(pieces, dim=1).numpy()
        for b, i in enumerate(group):
            per_row[i] = nll[b, : len(rows[i]) - 1]
    model.train(was_training)
    return np.concatenate(per_row) if per_row else np.zeros(0)


def evaluate(
    model: nn.Module,
    rows: Sequence[np.ndarray],
    *,
    batch_tokens: int = 8192,
    bptt: int | None = None,
    max_tokens: int | None = None,
) -> LMScore:
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
    return LMScore(mean, len(nll), perplexity(mean))


class LMTask:
    """:class:`course.base.training.Task` of a next-word model: chunks of word-id rows, state carried.

    The minibatches of epoch ``e`` are :func:`~course.lm.batching.group_rows` shuffled with seed
    ``config.seed + e``, each cut into ``config.bptt``-step chunks; the state left by one chunk
    (``model.final_state``, detached: the graph is cut) starts the next one of the same minibatch.
    """

    def __init__(self, train_rows: Sequence[np.ndarray], valid_rows: Sequence[np.ndarray], config: TrainConfig):
        self.train_rows, self.valid_rows, self.config = train_rows, valid_rows, config
        self.epochs = [
            group_rows(train_rows, config.batch_tokens, shuffle=True, seed=config.seed + e)
            for e in range(config.epochs)
        ]
        self.state = None
        self.mid_sequence = False

    def plan(self, config: TrainConfig) -> list[list[int]]:
        return _plan(self.train_rows, self.epochs, config.bptt)

    def batches(self, epoch: int):
        for group in self.epochs[epoch]:
            idx, targets = pad_rows([self.train_rows[i] for i in group])
            self.state = None
            pieces = list(chunks(idx, targets, self.config.bptt))
            for i, piece in enumerate(pieces):
                self.mid_sequence = i < len(pieces) - 1  # the next chunk goes on from this one's state
                yield piece
        self.mid_sequence = False

    def loss(self, model: nn.Module, batch) -> tuple[torch.Tensor, int]:
        x, y = batch
        _, loss = model(x, y, state=self.state)
        self.state = _detach(getattr(model, "final_state", None))  # carry the state, cut the graph
        return loss, int((y != IGNORE_INDEX).sum())

    def validate(self, model: nn.Module) -> float:
        return evaluate(model, self.valid_rows, max_tokens=self.config.eval_tokens).nll


def train(
    model: nn.Module,
    train_rows: Sequence[np.ndarray],
    valid_rows: Sequence[np.ndarray],
    config: TrainConfig = TrainConfig(),
    *,
    progress: bool = True,
    resume=None,
) -> History:
    """Train ``model`` in place on encoded sentences; return the :class:`History`.

    :func:`course.base.training.fit` on an :class:`LMTask`.

    Parameters
    ----------
    model : nn.Module
        ``forward(idx, targets, state=None) -> (logits, loss)`` with a ``final_state`` attribute.
    train_rows, valid_rows : sequence of ndarray
        Encoded sentences (:func:`course.lm.batching.encode_rows`).
    config : TrainConfig
    progress : bool, default=True
        Show a tqdm progress bar with the loss and tokens/s.
    resume : path or None, default=None
        Save the progress there every few minutes and go on from it after an interruption
        (:func:`course.base.training.fit`).

    Returns
    -------
    History
        The model ends with the weights of the best validation evaluation.
    """
    if len(train_rows) == 0 or len(valid_rows) == 0:
        raise ValueError("train needs non-empty 'train_rows' and 'valid_rows'.")
    return fit(model, LMTask(train_rows, valid_rows, config), config, progress=progress, resume=resume)


def vocab_fingerprint(index_to_key: Sequence[str]) -> str:
    """A short hash of a vocabulary's word list (part of a checkpoint's key).

    >>> vocab_fingerprint(["</s>", "<unk>", "the"])
    'e2d558c9272b'
    """
    return hashlib.sha256("\n".join(index_to_key).encode()).hexdigest()[:12]


#: Part of every checkpoint key: bump it when a change to the models or to this loop changes the
#: trained weights, so that no chapter loads weights the current code would not produce.
CHECKPOINT_VERSION = 2


def checkpoint_path(model: nn.Module, config: TrainConfig, corpus_checksum: str, data_key: dict | None = None):
    """Where :func:`train_cached` stores ``model`` trained with ``config`` (a ``.npz`` file)."""
    params = {
        "model": type(model).__name__,
        "hparams": model.hparams,
        "train": asdict(config),
        "data": data_key or {},
        "code": CHECKPOINT_VERSION,
    }
    return cache_path(f"lm-{type(model).__name__.lower()}", params, corpus_checksum)


def train_cached(
    model: nn.Module,
    train_rows: Sequence[np.ndarray],
    valid_rows: Sequence[np.ndarray],
    config: TrainConfig,
    *,
    corpus_checksum: str,
    data_key: dict | None = None,
    progress: bool = True,
) -> History:
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
            discard(
                path,
                f"does not fit {type(model).__name__}: {type(error).__name__}: {error}",
                "the model will be trained again",
            )
        else:
            model.eval()
            return history
    history = train(model, train_rows, valid_rows, config, progress=progress)
    save_result(path, {"state_dict": model.state_dict(), "history": asdict(history)})
    return history


def _prefix_tensor(model: nn.Module, prefix, owner: str) -> torch.Tensor:
    """``prefix`` as a (1, T) LongTensor of ids checked against the model's vocabulary."""
    if (
        isinstance(prefix, (str, bytes))
        or not hasattr(prefix, "__len__")
        or not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in prefix)
    ):
        raise TypeError(
            f"The 'prefix' parameter of {owner} must be a sequence of int token ids "
            f"(e.g. LMCorpus.encode_context(words)). Got {prefix!r} instead."
        )
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
def generate(
    model: nn.Module,
    prefix: Sequence[int],
    max_new_tokens: int,
    *,
    seed: int = 0,
    temperature: float = 1.0,
    stop_id: int | None = None,
) -> list[int]:
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
            raise ValueError(
                f"The 'temperature' parameter of generate is too small for these logits: "
                f"softmax(logits / temperature) is not finite. Got {temperature!r} instead; use a "
                "larger one (near 0.01 already picks the most likely word)."
            )
        token = int(torch.multinomial(probs, 1, generator=g))
        out.append(token)
        if token == stop_id:
            break
        logits, _ = model(torch.tensor([[token]]), state=state)
        state = getattr(model, "final_state", None)
    return out

r"""The bidirectional language model (biLM) that ELMo's vectors come from.

Peters et al. (2018), section 3.1. A sentence :math:`t_1 \dots t_N` is wrapped in boundary tokens
:math:`t_0 = \langle S\rangle` and :math:`t_{N+1} = \langle /S\rangle`. Both directions share the
character :class:`token encoder <course.elmo.token_encoder.CharCNNEncoder>`
(:math:`x_k`, layer 0) and the softmax (:math:`\Theta_s`), and each has its own stack of
:math:`L` LSTM layers (Hochreiter and Schmidhuber 1997):

- the **forward** LM reads left to right; its top state :math:`\overrightarrow{h}_{k,L}` has seen
  :math:`t_0 \dots t_k` and predicts the **next** token :math:`t_{k+1}`;
- the **backward** LM reads right to left; :math:`\overleftarrow{h}_{k,L}` has seen
  :math:`t_k \dots t_{N+1}` and predicts the **previous** token :math:`t_{k-1}`.

Training maximises the sum of both directions' log-likelihoods:

.. math::

    \sum_{k=1}^{N+1} \log p(t_k \mid t_0 \dots t_{k-1}; \Theta_x, \overrightarrow{\Theta}_{LSTM}, \Theta_s)
    + \sum_{k=0}^{N} \log p(t_k \mid t_{k+1} \dots t_{N+1}; \Theta_x, \overleftarrow{\Theta}_{LSTM}, \Theta_s)

A residual connection adds each layer's input to its output from the second layer on. With
``hidden_size > projection_dim`` each LSTM has a cell larger than its output and projects its
state down to the model dimension :math:`d`, as ELMo does (``proj_size``, the LSTMP of
Jozefowicz et al. 2016); the chapter's small model uses plain LSTMs of size :math:`d`, which
PyTorch runs several times faster on a CPU.

>>> import torch
>>> model = BiLM(BiLMConfig(n_words=10, max_word_length=6, char_dim=4, filters=((1, 4), (2, 4)),
...                         projection_dim=8, hidden_size=12))
>>> chars = torch.randint(5, 200, (2, 5, 6)); targets = torch.randint(0, 10, (2, 5))
>>> logits, loss = model(chars, targets)
>>> tuple(logits.shape), loss.dim()  # (direction, B, T - 1, V): T - 1 predictions per direction
((2, 2, 4, 10), 0)
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..base.batching import IGNORE_INDEX
from ..base.validation import check_float, check_int, check_token_ids
from .chars import N_CHARS, PAD
from .sampled_softmax import sampled_softmax_loss
from .token_encoder import CharCNNEncoder

__all__ = ["IGNORE", "BiLMConfig", "BiLM", "flip_padded", "direction_targets"]

#: Target id of positions that are not predicted (padding): the course's one padding sentinel,
#: :data:`course.base.batching.IGNORE_INDEX` (``cross_entropy``'s default ``ignore_index``).
IGNORE = IGNORE_INDEX


@dataclass
class BiLMConfig:
    """Hyperparameters of the biLM (ELMo's values in brackets)."""

    n_words: int  # size of the softmax vocabulary, specials included (ELMo: 793,471, sampled softmax)
    n_chars: int = N_CHARS  # character vocabulary (262)
    max_word_length: int = 20  # characters per token with its markers (50)
    char_dim: int = 16  # character embedding size (16)
    filters: tuple[tuple[int, int], ...] = (
        (1, 32),
        (2, 32),
        (3, 64),
        (4, 128),
        (5, 256),
    )  # (width, count) (1..7, 2048)
    n_highway: int = 2  # highway layers after the convolutions (2)
    projection_dim: int = 128  # token and LSTM output size d (512)
    hidden_size: int = 128  # LSTM cell size; if larger than d, the state is projected down to d (4096)
    n_layers: int = 2  # LSTM layers per direction, L (2)
    dropout: float = 0.1  # dropout on LSTM inputs and on the softmax input (0.1)
    n_samples: int = 0  # sampled softmax with this many samples while training; 0 = exact (8192)
    token_norm: bool = (
        True  # layer-normalise x_k (not in ELMo; without it our small model's x_k grow huge and saturate the LSTMs)
    )

    def __post_init__(self):
        owner = "BiLMConfig"
        check_int(self.n_words, "n_words", owner, low=1)
        check_int(self.n_chars, "n_chars", owner, low=1)
        check_int(self.max_word_length, "max_word_length", owner, low=3)
        check_int(self.projection_dim, "projection_dim", owner, low=1)
        check_int(self.hidden_size, "hidden_size", owner, low=self.projection_dim)
        check_int(self.n_layers, "n_layers", owner, low=1)
        check_float(self.dropout, "dropout", owner, 0.0, 1.0, high_closed=False)
        check_int(self.n_samples, "n_samples", owner, low=0)
        self.filters = tuple((int(w), int(n)) for w, n in self.filters)

    def to_dict(self) -> dict:
        """Plain types only (what ``torch.load(weights_only=True)`` accepts)."""
        return asdict(self)


def flip_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence of a padded batch within its length; padding stays at the end.

    Parameters
    ----------
    x : Tensor of shape (B, T, *)
    lengths : LongTensor of shape (B,)

    Returns
    -------
    Tensor of shape (B, T, *)
        ``out[b, t] = x[b, lengths[b] - 1 - t]`` for ``t < lengths[b]``, else ``x[b, t]``.
        Flipping twice gives ``x`` back.

    Examples
    --------
    >>> flip_padded(torch.tensor([[1, 2, 3], [4, 5, 0]]), torch.tensor([3, 2])).tolist()
    [[3, 2, 1], [5, 4, 0]]
    """
    steps = x.shape[1]
    t = torch.arange(steps, device=x.device).unsqueeze(0)  # (1, T)
    lengths = lengths.to(x.device).unsqueeze(1)  # (B, 1)
    index = torch.where(t < lengths, lengths - 1 - t, t)  # (B, T)
    index = index.reshape(*index.shape, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)


def direction_targets(targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """What each direction predicts from each position: the next token, or the previous one.

    Parameters
    ----------
    targets : LongTensor of shape (B, T)
        Word ids of ``<S> t_1 ... t_N </S>``, :data:`IGNORE` at padding.

    Returns
    -------
    forward_targets : LongTensor of shape (B, T - 1)
        ``targets[:, k + 1]``: the forward state at position ``k`` (``k = 0 .. T-2``) predicts
        the next token.
    backward_targets : LongTensor of shape (B, T - 1)
        ``targets[:, k - 1]``: the backward state at position ``k`` (``k = 1 .. T-1``) predicts
        the previous token; :data:`IGNORE` where position ``k`` itself is padding.

    Examples
    --------
    >>> fwd, bwd = direction_targets(torch.tensor([[0, 5, 6, 1], [0, 7, 1, IGNORE]]))
    >>> fwd.tolist()  # from <S> predict 5, from 5 predict 6, from 6 predict </S>
    [[5, 6, 1], [7, 1, -100]]
    >>> bwd.tolist()  # from 5 predict <S>, from 6 predict 5, from </S> predict 6
    [[0, 5, 6], [0, 7, -100]]
    """
    forward_targets = targets[:, 1:]
    backward_targets = targets[:, :-1].masked_fill(targets[:, 1:] == IGNORE, IGNORE)
    return forward_targets, backward_targets


class BiLM(nn.Module):
    """Forward and backward LSTM language models over a shared character token encoder.

    Parameters
    ----------
    config : BiLMConfig

    Notes
    -----
    ``forward(idx, targets) -> (logits, loss)`` is the interface every language model of the
    course shares. ``idx`` holds character ids ``(B, T, W)`` of ``<S> t_1 .. t_N </S>`` (from
    :meth:`CharEncoder.encode_batch <course.elmo.chars.CharEncoder.encode_batch>`); a token whose
    characters are all padding is padding. The loss is the *sum* of the two directions' mean
    negative log-likelihoods, so ``exp`` of each term is that direction's perplexity
    (:meth:`nll` returns them separately).
    """

    def __init__(self, config: BiLMConfig):
        super().__init__()
        if not isinstance(config, BiLMConfig):
            raise TypeError(f"BiLM expects a BiLMConfig. Got {type(config).__name__} instead.")
        self.config = config
        d = config.projection_dim
        self.token_encoder = CharCNNEncoder(config.n_chars, config.char_dim, config.filters, config.n_highway, d)
        self.token_norm = nn.LayerNorm(d) if config.token_norm else nn.Identity()

        def stack() -> nn.ModuleList:
            return nn.ModuleList(
                nn.LSTM(d, config.hidden_size, proj_size=d if config.hidden_size > d else 0, batch_first=True)
                for _ in range(config.n_layers)
            )

        self.forward_lstms = stack()
        self.backward_lstms = stack()
        self.dropout = nn.Dropout(config.dropout)
        self.softmax = nn.Linear(d, config.n_words)  # Theta_s, shared by both directions
        self.generator = torch.Generator().manual_seed(0)  # samples of the sampled softmax

    def reseed(self, seed: int) -> None:
        """Restart the sampled softmax's random numbers from ``seed``."""
        self.generator.manual_seed(check_int(seed, "seed", "BiLM.reseed"))

    @staticmethod
    def lengths_of(chars: torch.Tensor) -> torch.Tensor:
        """Tokens per sentence: positions whose first character is not padding. ``(B, T, W) -> (B,)``."""
        return (chars[:, :, 0] != PAD).sum(dim=1)

    def _run(self, lstms: nn.ModuleList, x: torch.Tensor) -> list[torch.Tensor]:
        outputs = []
        h = x
        for j, lstm in enumerate(lstms):
            with warnings.catch_warnings():  # "LSTM with projections is not supported with oneDNN"
                warnings.filterwarnings("ignore", message="LSTM with projections", category=UserWarning)
                out, _ = lstm(self.dropout(h))  # (B, T, d)
            h = out + h if j > 0 else out  # residual connection from the second layer on
            outputs.append(h)
        return outputs

    def layers(self, chars: torch.Tensor, lengths: torch.Tensor | None = None):
        """All representations of a batch.

        Parameters
        ----------
        chars : LongTensor of shape (B, T, W)
        lengths : LongTensor of shape (B,), optional
            Computed from the padding if not given.

        Returns
        -------
        x : Tensor of shape (B, T, d)
            Token encoder output, layer-normalised if ``config.token_norm`` (layer 0,
            context-independent).
        forward_states : list of L Tensors of shape (B, T, d)
            ``forward_states[j][:, k]`` has seen tokens ``0 .. k``.
        backward_states : list of L Tensors of shape (B, T, d)
            ``backward_states[j][:, k]`` has seen tokens ``k .. length - 1`` (already flipped
            back to the sentence's order).
        """
        check_token_ids(chars, "chars", "BiLM", self.config.n_chars, unit="characters")
        if lengths is None:
            lengths = self.lengths_of(chars)
        x = self.token_norm(self.token_encoder(chars))  # (B, T, d): layer 0
        forward_states = self._run(self.forward_lstms, x)
        flipped = self._run(self.backward_lstms, flip_padded(x, lengths))
        backward_states = [flip_padded(h, lengths) for h in flipped]
        return x, forward_states, backward_states

    def direction_logits(self, chars: torch.Tensor, lengths: torch.Tensor | None = None):
        """Logits of both directions: ``(B, T - 1, V)`` each (forward from positions ``0..T-2``,
        backward from positions ``1..T-1``)."""
        _, fwd, bwd = self.layers(chars, lengths)
        forward_logits = self.softmax(self.dropout(fwd[-1][:, :-1]))  # (B, T-1, V)
        backward_logits = self.softmax(self.dropout(bwd[-1][:, 1:]))  # (B, T-1, V)
        return forward_logits, backward_logits

    @staticmethod
    def _lengths_from_targets(targets: torch.Tensor) -> torch.Tensor:
        return (targets != IGNORE).sum(dim=1)

    def _cross_entropies(self, forward_logits, backward_logits, targets, reduction: str):
        forward_targets, backward_targets = direction_targets(targets)
        v = self.config.n_words
        f = F.cross_entropy(
            forward_logits.reshape(-1, v), forward_targets.reshape(-1), ignore_index=IGNORE, reduction=reduction
        )
        b = F.cross_entropy(
            backward_logits.reshape(-1, v), backward_targets.reshape(-1), ignore_index=IGNORE, reduction=reduction
        )
        return f, b, int((forward_targets != IGNORE).sum()), int((backward_targets != IGNORE).sum())

    def nll(self, chars: torch.Tensor, targets: torch.Tensor):
        """Summed negative log-likelihoods and prediction counts of each direction.

        Parameters
        ----------
        chars : LongTensor of shape (B, T, W)
        targets : LongTensor of shape (B, T)
            Word ids of every position, :data:`IGNORE` at padding.

        Returns
        -------
        forward_nll, backward_nll : Tensor of shape ()
            Sums over predicted positions, in nats.
        forward_count, backward_count : int
        """
        check_token_ids(targets, "targets", "BiLM.nll", self.config.n_words, ignore_index=IGNORE)
        logits = self.direction_logits(chars, self._lengths_from_targets(targets))
        return self._cross_entropies(*logits, targets, reduction="sum")

    def position_nll(self, chars: torch.Tensor, targets: torch.Tensor):
        """Negative log-likelihood of every predicted position, each direction (exact softmax).

        ``chars`` and ``targets`` as in :meth:`nll`.

        Returns
        -------
        forward_nll, backward_nll : Tensor of shape (B, T - 1)
            In nats, aligned with :func:`direction_targets`; 0 where its target is :data:`IGNORE`.
            Their sums are :meth:`nll`'s.
        """
        check_token_ids(targets, "targets", "BiLM.position_nll", self.config.n_words, ignore_index=IGNORE)
        logits = self.direction_logits(chars, self._lengths_from_targets(targets))
        f, b, _, _ = self._cross_entropies(*logits, targets, reduction="none")
        forward_targets, backward_targets = direction_targets(targets)
        return f.view(forward_targets.shape), b.view(backward_targets.shape)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        """``(logits, loss)``.

        Returns
        -------
        logits : Tensor of shape (2, B, T - 1, V), or None
            Forward then backward logits; ``None`` while training with the sampled softmax
            (``config.n_samples > 0``), which never computes them all.
        loss : Tensor of shape (), or None
            Sum of both directions' mean NLL; ``None`` without targets.
        """
        if targets is None:
            return torch.stack(self.direction_logits(idx)), None
        check_token_ids(targets, "targets", "BiLM.forward", self.config.n_words, ignore_index=IGNORE)
        lengths = self._lengths_from_targets(targets)
        if self.training and self.config.n_samples > 0:
            _, fwd, bwd = self.layers(idx, lengths)
            forward_targets, backward_targets = direction_targets(targets)
            d, k = self.config.projection_dim, self.config.n_samples
            w, b = self.softmax.weight, self.softmax.bias
            loss = sampled_softmax_loss(
                self.dropout(fwd[-1][:, :-1]).reshape(-1, d), forward_targets.reshape(-1), w, b, k, self.generator
            )
            loss = loss + sampled_softmax_loss(
                self.dropout(bwd[-1][:, 1:]).reshape(-1, d), backward_targets.reshape(-1), w, b, k, self.generator
            )
            return None, loss
        logits = self.direction_logits(idx, lengths)
        forward_loss, backward_loss, _, _ = self._cross_entropies(*logits, targets, reduction="mean")
        return torch.stack(logits), forward_loss + backward_loss

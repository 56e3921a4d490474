"""The recurrent neural network language model of Mikolov et al. (2010), in PyTorch.

A hidden state ``h_t`` summarises the whole history, so there is no window:

    h_t = f(U x_t + W h_{t-1} + b),     y_t = softmax(V h_t + c)                    (eqs. 1-3 of the paper)

with ``x_t`` the one-hot vector of the current word (so ``U x_t`` is a column of ``U``: a lookup),
``W`` the recurrent weights and ``f`` a squashing function. The recurrence is written out as a loop
(:meth:`RNNLM.recurrence`); ``fast=True`` runs the same weights through PyTorch's fused ``nn.RNN``
instead, and a test shows the two agree. Training uses truncated backpropagation through time:
a sentence is cut into chunks, the hidden state is carried from one chunk to the next, and the
graph is cut (``state.detach()``) between them (:mod:`course.lm.train`).

>>> model = RNNLM(vocab_size=10, hidden_size=8, seed=0)
>>> logits, loss = model(torch.tensor([[0, 3, 5]]), targets=torch.tensor([[3, 5, 0]]))
>>> tuple(logits.shape), tuple(model.final_state.shape)
((1, 3, 10), (1, 8))

References
----------
T. Mikolov, M. Karafiat, L. Burget, J. Cernocky, S. Khudanpur. Recurrent neural network based
language model. Interspeech 2010.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..base.batching import IGNORE_INDEX
from ..base.validation import check_choice, check_int, check_token_ids
from .heads import AdaptiveOutput, adaptive_forward, check_dropout, check_output, extra_hparams

__all__ = ["RNNLM", "rnnlm_num_parameters", "hidden_gradient_norms"]

_NONLINEARITIES = {"tanh": torch.tanh, "sigmoid": torch.sigmoid}


def rnnlm_num_parameters(vocab_size: int, hidden_size: int) -> int:
    """Number of parameters: ``|U| + |W| + |b| + |V| + |c| = VH + HH + H + HV + V``.

    >>> rnnlm_num_parameters(vocab_size=10, hidden_size=8)
    242
    """
    V, H = vocab_size, hidden_size
    return V * H + H * H + H + H * V + V


class RNNLM(nn.Module):
    """Elman recurrent language model (Mikolov et al., 2010).

    Parameters
    ----------
    vocab_size : int
        ``V``, number of words.
    hidden_size : int, default=64
        ``H``, size of the hidden state (and of the word vectors, the columns of ``U``).
    nonlinearity : {"tanh", "sigmoid"}, default="tanh"
        ``f``. The paper uses the sigmoid; ``nn.RNN`` offers tanh, so ``fast`` needs "tanh".
    fast : bool, default=False
        Run the recurrence with PyTorch's fused ``nn.RNN`` kernel on the same weights instead of
        the Python loop (same numbers up to float rounding; see the tests). At the course's sizes
        the recurrence is under 1 % of the work and the loop is as fast; the fused kernel pays off
        on long sequences (one Python step per token is then the overhead).
    seed : int, default=0
        Seed of the initial weights.
    dropout : float, default=0.0
        Dropout on the inputs ``U x_t`` and on the states fed to the output layer, never on the
        recurrence (Zaremba et al. 2014); the at-scale model uses it.
    output : {"softmax", "adaptive"}, default="softmax"
        The paper's softmax ``V h_t + c``, or the adaptive softmax over ``h_t``
        (:class:`course.lm.heads.AdaptiveOutput`): word classes by frequency, the idea of
        Mikolov et al. (2011), as an exact distribution.
    cutoffs : tuple of int or None, default=None
        The adaptive softmax's clusters.

    Attributes
    ----------
    U : Parameter of shape (V, H)
        Input weights, stored transposed: ``U x_t`` for a one-hot ``x_t`` is the row ``U[w_t]``.
    W : Parameter of shape (H, H)
        Recurrent weights.
    b : Parameter of shape (H,)
        Hidden bias (the paper has none; ``nn.RNN`` has one).
    V : Linear (H -> V)
        Output weights ``V``; its bias is ``c``.
    final_state : Tensor of shape (B, H)
        The last hidden state of the latest :meth:`forward`; pass ``final_state.detach()`` as
        ``state`` to continue a sequence (truncated BPTT).

    Notes
    -----
    Paper vs code: the paper uses the sigmoid and no biases, trains with standard
    backpropagation and SGD (backpropagation through time came in its follow-up work) and reads
    the text as one stream; we use tanh (zero-centred, and what ``nn.RNN`` offers), add biases,
    train with the course's one loop (Adam, gradient clipping, truncated BPTT) and restart the
    state at each sentence so that the comparison with the n-gram model is fair.
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int = 64,
        nonlinearity: str = "tanh",
        fast: bool = False,
        seed: int = 0,
        dropout: float = 0.0,
        output: str = "softmax",
        cutoffs: tuple[int, ...] | None = None,
    ) -> None:
        super().__init__()
        owner = "RNNLM"
        self.vocab_size = check_int(vocab_size, "vocab_size", owner, low=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", owner, low=1)
        self.nonlinearity = check_choice(nonlinearity, "nonlinearity", owner, list(_NONLINEARITIES))
        if not isinstance(fast, bool):
            raise TypeError(f"The 'fast' parameter of {owner} must be a bool. Got {fast!r} instead.")
        if fast and nonlinearity != "tanh":
            raise ValueError(
                f"{owner}(fast=True) runs PyTorch's nn.RNN, which has no {nonlinearity!r} "
                "nonlinearity; use nonlinearity='tanh' or set fast=False."
            )
        self.fast = fast
        self.seed = check_int(seed, "seed", owner)
        self.dropout = check_dropout(dropout, owner)
        self.output, self.cutoffs = check_output(output, cutoffs, vocab_size, owner)
        V, H = vocab_size, hidden_size
        self.U = nn.Parameter(torch.empty(V, H))  # U x_t = U[w_t]
        self.W = nn.Parameter(torch.empty(H, H))  # recurrent weights
        self.b = nn.Parameter(torch.zeros(H))  # hidden bias
        # output layer V h_t + c, or the adaptive softmax over h_t
        self.V = nn.Linear(H, V) if self.output == "softmax" else None
        self.adaptive = AdaptiveOutput(H, V, self.cutoffs) if self.output == "adaptive" else None
        self.final_state: torch.Tensor | None = None
        self.reset_parameters()

    @property
    def hparams(self) -> dict:
        """The constructor's arguments that change the model (used to key checkpoints)."""
        return {
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "nonlinearity": self.nonlinearity,
            "seed": self.seed,
            **extra_hparams(self),
        }

    def reset_parameters(self) -> None:
        """Initialise from ``seed``: weights ~ U(+-1/sqrt(H)) as ``nn.RNN`` does, biases 0."""
        g = torch.Generator().manual_seed(self.seed)
        bound = 1.0 / math.sqrt(self.hidden_size)
        with torch.no_grad():
            for p in (self.U, self.W) if self.V is None else (self.U, self.W, self.V.weight):
                p.uniform_(-bound, bound, generator=g)
            self.b.zero_()
            if self.V is not None:
                self.V.bias.zero_()
            else:
                self.adaptive.reset_parameters(g)

    def num_parameters(self) -> int:
        """Number of trainable parameters (equals :func:`rnnlm_num_parameters`)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def recurrence(self, u: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Run ``h_t = f(u_t + W h_{t-1} + b)`` over time, as a Python loop.

        Parameters
        ----------
        u : Tensor of shape (B, T, H)
            The inputs ``U x_t``.
        h : Tensor of shape (B, H)
            ``h_0``, the state before the first step.

        Returns
        -------
        hs : Tensor of shape (B, T, H)
            ``h_1, ..., h_T``.
        h : Tensor of shape (B, H)
            ``h_T``.
        """
        f = _NONLINEARITIES[self.nonlinearity]
        hs = []
        for t in range(u.shape[1]):
            h = f(u[:, t] + h @ self.W.T + self.b)  # (B, H)
            hs.append(h)
        return torch.stack(hs, dim=1), h

    def recurrence_fast(self, u: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The same recurrence through PyTorch's ``nn.RNN`` on this model's weights.

        ``nn.RNN`` computes ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``; our input ``x = U x_t`` is
        already looked up, so ``W_ih = I``, ``b_ih = b``, ``W_hh = W``, ``b_hh = 0``.
        """
        H = self.hidden_size
        engine = nn.RNN(H, H, batch_first=True, device="meta")  # weights are supplied below
        weights = {
            "weight_ih_l0": torch.eye(H),
            "weight_hh_l0": self.W,
            "bias_ih_l0": self.b,
            "bias_hh_l0": torch.zeros(H),
        }
        hs, h_last = torch.func.functional_call(engine, weights, (u, h.unsqueeze(0)))
        return hs, h_last[0]

    def hidden(self, idx: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """The states ``h_1 ... h_T`` the output layer reads, shape (B, T, H); sets :attr:`final_state`."""
        B, T = idx.shape
        h0 = torch.zeros(B, self.hidden_size) if state is None else state
        u = F.embedding(idx, self.U)  # (B, T, H): U x_t, the row U[w_t] (deterministic backward)
        if self.dropout:  # at-scale model only: dropout on the inputs ...
            u = F.dropout(u, self.dropout, self.training)
        run = self.recurrence_fast if self.fast else self.recurrence
        hs, self.final_state = run(u, h0)  # (B, T, H), (B, H)
        if self.dropout:  # ... and on the states the output layer reads (not on the recurrence)
            hs = F.dropout(hs, self.dropout, self.training)
        return hs

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None, state: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits of the next word at every position, and the mean cross-entropy.

        Parameters
        ----------
        idx : LongTensor of shape (B, T)
            Input tokens.
        targets : LongTensor of shape (B, T) or None
            Next tokens; ``IGNORE_INDEX`` marks padding.
        state : Tensor of shape (B, H) or None
            ``h_0``; ``None`` starts from zeros.

        Returns
        -------
        logits : Tensor of shape (B, T, V)
        loss : Tensor of shape () or None
            Mean negative log-likelihood (nats) of the non-ignored targets.
        """
        check_token_ids(idx, "idx", "RNNLM.forward", self.vocab_size)
        if targets is not None:
            check_token_ids(targets, "targets", "RNNLM.forward", self.vocab_size, ignore_index=IGNORE_INDEX)
        hs = self.hidden(idx, state)  # (B, T, H)
        if self.adaptive is not None:
            return adaptive_forward(self, hs, targets)
        logits = self.V(hs)  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, self.vocab_size), targets.reshape(-1), ignore_index=IGNORE_INDEX)
        return logits, loss

    def cost_terms(self) -> dict[str, int]:
        """Multiply-adds per predicted word, term by term (Mikolov et al. 2013a, eq. 3).

        ``Q = H x H + H x V``: the recurrent matrix and the output layer (``U x_t`` is a lookup).

        >>> RNNLM(10_000, hidden_size=64).cost_terms()
        {'H x H': 4096, 'H x V': 640000}
        """
        H, V = self.hidden_size, self.vocab_size
        if self.adaptive is not None:
            return {"H x H": H * H, "adaptive softmax": self.adaptive.multiply_adds()}
        return {"H x H": H * H, "H x V": H * V}

    def word_vectors(self) -> torch.Tensor:
        """The learned input word representations (rows of ``U``, i.e. its columns), shape (V, H)."""
        return self.U.detach().clone()


def hidden_gradient_norms(model: RNNLM, idx: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """How much the loss at the last step depends on earlier hidden states (vanishing gradients).

    Runs the explicit recurrence on ``idx`` and returns, for each distance ``k``, the norm of
    ``dL_T / dh_{T-k}`` averaged over the batch, where ``L_T`` is the loss of the last target.

    Parameters
    ----------
    model : RNNLM
    idx, targets : LongTensor of shape (B, T)
        Sequences without padding.

    Returns
    -------
    ndarray of shape (T,)
        Entry ``k`` is the mean over the batch of ``||dL_T / dh_{T-k}||`` (``k = 0`` is the last step).
    """
    check_token_ids(idx, "idx", "hidden_gradient_norms", model.vocab_size)
    check_token_ids(targets, "targets", "hidden_gradient_norms", model.vocab_size)
    B, T = idx.shape
    f = _NONLINEARITIES[model.nonlinearity]
    h = torch.zeros(B, model.hidden_size)
    u = model.U[idx].detach()  # (B, T, H)
    hs = []
    for t in range(T):
        h = f(u[:, t] + h @ model.W.T + model.b)
        h.retain_grad()
        hs.append(h)
    loss = F.cross_entropy(model.V(h), targets[:, -1], reduction="sum")  # sum: one L_T per sequence
    loss.backward()
    norms = torch.stack([hh.grad.norm(dim=1).mean() for hh in hs])  # (T,), oldest first
    model.zero_grad(set_to_none=True)
    return norms.flip(0).detach().numpy()

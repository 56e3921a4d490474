"""An LSTM language model with dropout (Zaremba et al. 2014): the bridge from the RNNLM to ELMo.

The RNNLM's single ``tanh`` state forgets fast (chapter 03 measures its vanishing gradients). The
long short-term memory (Hochreiter and Schmidhuber 1997) adds a cell ``c_t`` that is carried by
addition, gated by input, forget and output gates computed from ``x_t`` and ``h_{t-1}``:

    i, f, o = sigmoid(W_{i,f,o} [x_t; h_{t-1}] + b_{i,f,o}),   g = tanh(W_g [x_t; h_{t-1}] + b_g)
    c_t = f * c_{t-1} + i * g,                                 h_t = o * tanh(c_t)

Zaremba et al. (2014) showed that stacked LSTMs generalise much better with dropout on the
non-recurrent connections only (the embedding, between layers, before the output), never on
``h_{t-1} -> h_t``. Chapter 09's biLM is two of these, one per direction. The model has the course's
LM interface, ``forward(idx, targets, state) -> (logits, loss)``, and trains in the one loop.

>>> model = LSTMLM(vocab_size=10, hidden_size=8, n_layers=2, seed=0)
>>> logits, loss = model(torch.tensor([[0, 3, 5]]), targets=torch.tensor([[3, 5, 0]]))
>>> tuple(logits.shape), tuple(model.final_state[0].shape)
((1, 3, 10), (2, 1, 8))

References
----------
S. Hochreiter, J. Schmidhuber. Long short-term memory. Neural Computation 9(8), 1997.
W. Zaremba, I. Sutskever, O. Vinyals. Recurrent neural network regularization. arXiv:1409.2329, 2014.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..base.batching import IGNORE_INDEX
from ..base.validation import check_int, check_token_ids
from .heads import AdaptiveOutput, adaptive_forward, check_dropout, check_output, extra_hparams

__all__ = ["LSTMLM"]


class LSTMLM(nn.Module):
    """Word embedding, ``n_layers`` stacked LSTMs, dropout between them, a softmax over the words.

    Parameters
    ----------
    vocab_size : int
    hidden_size : int, default=256
        Size of the word vectors and of every LSTM state.
    n_layers : int, default=2
    dropout : float, default=0.0
        On the embeddings, between the layers and on the last layer's output (not on the recurrence).
    output : {"softmax", "adaptive"}, default="softmax"
        A full softmax, or the adaptive softmax (:class:`course.lm.heads.AdaptiveOutput`).
    cutoffs : tuple of int or None, default=None
    seed : int, default=0

    Attributes
    ----------
    final_state : tuple (h, c) of Tensor of shape (n_layers, B, H)
        The states after the latest :meth:`forward`; pass them as ``state`` to continue.
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int = 256,
        n_layers: int = 2,
        dropout: float = 0.0,
        output: str = "softmax",
        cutoffs: tuple[int, ...] | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__()
        owner = "LSTMLM"
        self.vocab_size = check_int(vocab_size, "vocab_size", owner, low=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", owner, low=1)
        self.n_layers = check_int(n_layers, "n_layers", owner, low=1)
        self.dropout = check_dropout(dropout, owner)
        self.output, self.cutoffs = check_output(output, cutoffs, vocab_size, owner)
        self.seed = check_int(seed, "seed", owner)
        V, H = vocab_size, hidden_size
        self.embedding = nn.Parameter(torch.empty(V, H))
        self.lstm = nn.LSTM(H, H, n_layers, batch_first=True, dropout=self.dropout if n_layers > 1 else 0.0)
        self.out = nn.Linear(H, V) if self.output == "softmax" else None
        self.adaptive = AdaptiveOutput(H, V, self.cutoffs) if self.output == "adaptive" else None
        self.final_state: tuple[torch.Tensor, torch.Tensor] | None = None
        self.reset_parameters()

    @property
    def hparams(self) -> dict:
        """The constructor's arguments (used to key checkpoints and to rebuild a shipped model)."""
        return {
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "n_layers": self.n_layers,
            "seed": self.seed,
            **extra_hparams(self),
        }

    def reset_parameters(self) -> None:
        """Initialise from ``seed``: every weight ~ U(+-1/sqrt(H)) (``nn.LSTM``'s rule), biases 0,
        except the forget gate's bias, 1 (Gers et al. 2000: remember by default)."""
        g = torch.Generator().manual_seed(self.seed)
        bound = 1.0 / math.sqrt(self.hidden_size)
        H = self.hidden_size
        with torch.no_grad():
            self.embedding.uniform_(-bound, bound, generator=g)
            for name, p in self.lstm.named_parameters():
                if name.startswith("weight"):
                    p.uniform_(-bound, bound, generator=g)
                else:
                    p.zero_()
                    if name.startswith("bias_ih"):
                        p[H : 2 * H] = 1.0  # PyTorch's gate order: input, forget, cell, output
            if self.out is not None:
                self.out.weight.uniform_(-bound, bound, generator=g)
                self.out.bias.zero_()
            else:
                self.adaptive.reset_parameters(g)

    def num_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def hidden(self, idx: torch.Tensor, state=None) -> torch.Tensor:
        """The last layer's states the output layer reads, shape (B, T, H); sets :attr:`final_state`."""
        x = F.embedding(idx, self.embedding)  # (B, T, H)
        x = F.dropout(x, self.dropout, self.training) if self.dropout else x
        hs, self.final_state = self.lstm(x, state)  # (B, T, H); dropout between layers inside
        return F.dropout(hs, self.dropout, self.training) if self.dropout else hs

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None, state=None):
        """Log-probabilities (or logits) of the next word at every position, and the mean NLL.

        Parameters
        ----------
        idx : LongTensor of shape (B, T)
        targets : LongTensor of shape (B, T) or None
            Next tokens; ``IGNORE_INDEX`` marks padding.
        state : tuple (h, c) or None
            The states to start from (``final_state`` of a previous chunk); ``None``: zeros.

        Returns
        -------
        logits : Tensor of shape (B, T, V) or None
            None in a training call of an adaptive model (only the loss is needed).
        loss : Tensor of shape () or None
        """
        check_token_ids(idx, "idx", "LSTMLM.forward", self.vocab_size)
        if targets is not None:
            check_token_ids(targets, "targets", "LSTMLM.forward", self.vocab_size, ignore_index=IGNORE_INDEX)
        hs = self.hidden(idx, state)
        if self.adaptive is not None:
            return adaptive_forward(self, hs, targets)
        logits = self.out(hs)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, self.vocab_size), targets.reshape(-1), ignore_index=IGNORE_INDEX)
        return logits, loss

    def word_vectors(self) -> torch.Tensor:
        """The input word vectors, shape (V, H)."""
        return self.embedding.detach().clone()

"""The neural probabilistic language model of Bengio et al. (2003), in PyTorch.

Each of the ``N`` previous words is looked up in one shared table ``C`` (a ``V x D`` matrix whose
row ``i`` is the *distributed representation* of word ``i``); the ``N`` vectors are concatenated
into ``x``, passed through a ``tanh`` hidden layer and a softmax over the vocabulary:

    y = b + W x + U tanh(d + H x),     P(w_t = i | context) = softmax(y)_i        (eq. 1 of the paper)

``W x`` are the optional *direct* input-to-output connections (``direct=True``). The model has the
interface of every language model of the course, ``forward(idx, targets) -> (logits, loss)``
(after Karpathy's makemore), so it shares one training loop (:mod:`course.lm.train`) with the RNNLM.

>>> model = NNLM(vocab_size=10, context_size=2, vector_size=4, hidden_size=8, seed=0)
>>> idx = torch.tensor([[0, 3, 5]])                       # (B, T): </s>-like start, then two words
>>> logits, loss = model(idx, targets=torch.tensor([[3, 5, 0]]))
>>> tuple(logits.shape), loss.item() > 0
((1, 3, 10), True)
>>> model.num_parameters() == nnlm_num_parameters(10, 2, 4, 8)
True

References
----------
Y. Bengio, R. Ducharme, P. Vincent, C. Jauvin. A Neural Probabilistic Language Model.
JMLR 3:1137-1155, 2003.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..base.batching import IGNORE_INDEX
from ..base.validation import check_int, check_token_ids
from .heads import AdaptiveOutput, adaptive_forward, check_dropout, check_output, extra_hparams

__all__ = ["NNLM", "nnlm_num_parameters"]


def nnlm_num_parameters(
    vocab_size: int, context_size: int, vector_size: int, hidden_size: int, direct: bool = False
) -> int:
    """Number of free parameters of the NNLM, term by term as in Bengio et al. (2003), section 2.

    ``|C| + |H| + |d| + |U| + |b| (+ |W|) = VD + NDh + h + hV + V (+ NDV)``,
    with ``V`` words, ``N`` context words, ``D`` features per word and ``h`` hidden units.

    >>> nnlm_num_parameters(vocab_size=10, context_size=2, vector_size=4, hidden_size=8)
    202
    """
    V, N, D, h = vocab_size, context_size, vector_size, hidden_size
    return V * D + N * D * h + h + h * V + V + (N * D * V if direct else 0)


class NNLM(nn.Module):
    """Bengio et al. (2003): shared lookup table, concatenation, tanh hidden layer, softmax.

    Parameters
    ----------
    vocab_size : int
        ``V``, number of words (rows of ``C``, size of the softmax).
    context_size : int, default=3
        ``N``, number of previous words the model sees (an ``(N+1)``-gram model).
    vector_size : int, default=32
        ``D``, features per word (columns of ``C``).
    hidden_size : int, default=64
        ``h``, hidden units.
    direct : bool, default=False
        Add the paper's direct connections ``W x`` from the word features to the output.
    seed : int, default=0
        Seed of the initial weights.
    dropout : float, default=0.0
        Dropout (Srivastava et al. 2014) on the concatenated features and on the hidden units while
        training; the at-scale model uses it, the chapter's small one does not.
    output : {"softmax", "adaptive"}, default="softmax"
        The paper's softmax ``b + U tanh(.)``, or the adaptive softmax over the same hidden units
        (:class:`course.lm.heads.AdaptiveOutput`, an exact distribution that is cheaper to train).
    cutoffs : tuple of int or None, default=None
        The adaptive softmax's clusters (default :func:`course.lm.heads.default_cutoffs`).

    Attributes
    ----------
    C : Parameter of shape (V, D)
        The lookup table: row ``i`` is the feature vector of word ``i``.
    H : Linear (N*D -> h)
        Hidden weights ``H``; its bias is the paper's ``d``.
    U : Linear (h -> V)
        Hidden-to-output weights ``U``; its bias is the paper's ``b``.
    W : Linear (N*D -> V, no bias) or None
        Direct connections (only when ``direct``).
    final_state : LongTensor of shape (B, N)
        The last ``N`` tokens read by the latest :meth:`forward`; pass it as ``state`` to continue
        a sequence that was cut into chunks.

    Notes
    -----
    Paper vs code: the paper concatenates ``(C(w_{t-1}), ..., C(w_{t-N}))`` newest first; we put
    the oldest first (a fixed permutation of the columns of ``H``, so the same model class). The
    paper trains with plain SGD and weight decay; the course trains every model with the same
    loop (Adam, :mod:`course.lm.train`). At the start of a sentence the missing context is filled
    with the boundary token, as the n-gram model pads with ``<s>``.
    """

    def __init__(
        self,
        vocab_size: int,
        context_size: int = 3,
        vector_size: int = 32,
        hidden_size: int = 64,
        direct: bool = False,
        seed: int = 0,
        dropout: float = 0.0,
        output: str = "softmax",
        cutoffs: tuple[int, ...] | None = None,
    ) -> None:
        super().__init__()
        owner = "NNLM"
        self.vocab_size = check_int(vocab_size, "vocab_size", owner, low=1)
        self.context_size = check_int(context_size, "context_size", owner, low=1)
        self.vector_size = check_int(vector_size, "vector_size", owner, low=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", owner, low=1)
        if not isinstance(direct, bool):
            raise TypeError(f"The 'direct' parameter of {owner} must be a bool. Got {direct!r} instead.")
        self.direct = direct
        self.seed = check_int(seed, "seed", owner)
        self.dropout = check_dropout(dropout, owner)
        self.output, self.cutoffs = check_output(output, cutoffs, vocab_size, owner)
        if direct and self.output != "softmax":
            raise ValueError(f"{owner}(direct=True) needs output='softmax' (W x is added to the logits y).")
        V, N, D, h = vocab_size, context_size, vector_size, hidden_size
        self.C = nn.Parameter(torch.empty(V, D))  # lookup table C: word i -> C[i]
        self.H = nn.Linear(N * D, h)  # hidden layer: d + H x
        # output layer: b + U tanh(.), or the adaptive softmax over the same hidden units
        self.U = nn.Linear(h, V) if self.output == "softmax" else None
        self.adaptive = AdaptiveOutput(h, V, self.cutoffs) if self.output == "adaptive" else None
        self.W = nn.Linear(N * D, V, bias=False) if direct else None  # direct connections W x
        self.final_state: torch.Tensor | None = None
        self.reset_parameters()

    @property
    def hparams(self) -> dict:
        """The constructor's arguments (used to key checkpoints)."""
        return {
            "vocab_size": self.vocab_size,
            "context_size": self.context_size,
            "vector_size": self.vector_size,
            "hidden_size": self.hidden_size,
            "direct": self.direct,
            "seed": self.seed,
            **extra_hparams(self),
        }

    def reset_parameters(self) -> None:
        """Initialise from ``seed``: entries of C ~ N(0, 1/D), weights ~ U(+-1/sqrt(fan_in)), biases 0."""
        g = torch.Generator().manual_seed(self.seed)
        with torch.no_grad():
            self.C.normal_(0.0, 1.0 / math.sqrt(self.vector_size), generator=g)
            for layer in (self.H, self.U, self.W):
                if layer is None:
                    continue
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=g)
                if layer.bias is not None:
                    layer.bias.zero_()
            if self.adaptive is not None:
                self.adaptive.reset_parameters(g)

    def num_parameters(self) -> int:
        """Number of trainable parameters (equals :func:`nnlm_num_parameters`)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def windows(self, idx: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """The ``N`` tokens each position conditions on.

        Parameters
        ----------
        idx : LongTensor of shape (B, T)
            Input tokens; ``idx[:, t]`` is the newest word of the context of prediction ``t``.
        state : LongTensor of shape (B, N) or None
            The tokens before ``idx`` (``final_state`` of the previous chunk); ``None`` repeats
            ``idx[:, 0]`` (the sentence-boundary token) to the left.

        Returns
        -------
        LongTensor of shape (B, T, N)
            Window ``t`` is ``(w_{t-N+1}, ..., w_t)``, oldest first.
        """
        B, T = idx.shape
        N = self.context_size
        if state is None:
            state = idx[:, :1].expand(B, N)
        ctx = torch.cat([state, idx], dim=1)  # (B, N + T)
        return ctx.unfold(1, N, 1)[:, 1:]  # (B, T, N)

    def hidden(self, idx: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """The hidden units ``tanh(d + H x)`` the output layer reads, shape (B, T, h)."""
        return self.features(idx, state)[0]

    def features(self, idx: torch.Tensor, state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The hidden units ``tanh(d + H x)`` the output layer reads, and the features ``x``.

        Sets :attr:`final_state`. Returns tensors of shape (B, T, h) and (B, T, N*D).
        """
        B, T = idx.shape
        windows = self.windows(idx, state)  # (B, T, N)
        self.final_state = windows[:, -1]  # (B, N): the context a next chunk continues from
        # (B, T, N*D): the N looked-up vectors C[w], concatenated. F.embedding is C[windows] with a
        # backward pass that sums repeated words in a fixed order (indexing does not, on 2+ threads).
        x = F.embedding(windows, self.C).reshape(B, T, -1)
        if self.dropout:  # at-scale models only: dropout on the features x ...
            x = F.dropout(x, self.dropout, self.training)
        hidden = torch.tanh(self.H(x))  # (B, T, h): tanh(d + H x)
        if self.dropout:  # ... and on the hidden units
            hidden = F.dropout(hidden, self.dropout, self.training)
        return hidden, x

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
        state : LongTensor of shape (B, N) or None
            See :meth:`windows`.

        Returns
        -------
        logits : Tensor of shape (B, T, V)
            ``y`` of eq. 1 (unnormalised log-probabilities).
        loss : Tensor of shape () or None
            Mean negative log-likelihood (nats) of the non-ignored targets.
        """
        V = self.vocab_size
        check_token_ids(idx, "idx", "NNLM.forward", V)
        if state is not None:
            check_token_ids(state, "state", "NNLM.forward", V)
        if targets is not None:
            check_token_ids(targets, "targets", "NNLM.forward", V, ignore_index=IGNORE_INDEX)
        hidden, x = self.features(idx, state)
        if self.adaptive is not None:
            return adaptive_forward(self, hidden, targets)
        logits = self.U(hidden)  # (B, T, V): b + U tanh(d + H x)
        if self.W is not None:
            logits = logits + self.W(x)  # + W x
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, self.vocab_size), targets.reshape(-1), ignore_index=IGNORE_INDEX)
        return logits, loss

    def cost_terms(self) -> dict[str, int]:
        """Multiply-adds per predicted word, term by term (Mikolov et al. 2013a, eq. 2).

        ``Q = N x D + N x D x H + H x V`` (``+ N x D x V`` with direct connections): the projection
        (copying N vectors of size D), the hidden layer and the output layer.

        >>> NNLM(10_000, context_size=4, vector_size=32, hidden_size=64).cost_terms()
        {'N x D': 128, 'N x D x H': 8192, 'H x V': 640000}
        """
        N, D, h, V = self.context_size, self.vector_size, self.hidden_size, self.vocab_size
        terms = {"N x D": N * D, "N x D x H": N * D * h, "H x V": h * V}
        if self.adaptive is not None:  # every cluster's matrices (an upper bound per word)
            terms.pop("H x V")
            terms["adaptive softmax"] = self.adaptive.multiply_adds()
        if self.direct:
            terms["N x D x V"] = N * D * V
        return terms

    def word_vectors(self) -> torch.Tensor:
        """The learned word representations: a detached copy of ``C``, shape (V, D)."""
        return self.C.detach().clone()

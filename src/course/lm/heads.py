"""Output layers of the neural language models: the full softmax, or a frequency-class softmax.

Every model of the course ends in a distribution over the whole vocabulary. The full softmax
``softmax(V h + c)`` costs ``H x V`` multiply-adds per word and, on the CPU, most of a training
step. Mikolov et al. (2011) cut that cost by grouping words into classes by frequency: the model
predicts the class, then the word within it (the word2vec paper's ``H x log2(V)`` row with a
tree, eq. 3 of Mikolov et al. 2013a, is the same idea taken further). The adaptive softmax of
Grave et al. (2017) is that scheme tuned for hardware: a *head* softmax over the most frequent
words plus one entry per *tail cluster*, and each cluster a smaller softmax over rarer words from
a projection of reduced size (``H / div_value^k``):

    P(w | h) = P_head(w | h)                                    if w is a head word
    P(w | h) = P_head(cluster k | h) * P_k(w | P_k h)          if w is in tail cluster k

It is an exact, normalised distribution over all ``V`` words, so perplexities stay comparable
with every other model of the course; only its training is cheaper (most tokens are head words,
and tail clusters are computed only for the tokens that need them). PyTorch implements it as
``nn.AdaptiveLogSoftmaxWithLoss``; :class:`AdaptiveOutput` wraps it with the course's padding
sentinel and seeded initialisation. Word ids must be in frequency order (the course's vocabulary
is: specials first, then words by decreasing count).

>>> import torch
>>> head = AdaptiveOutput(in_features=16, vocab_size=50, cutoffs=(10, 30))
>>> g = head.reset_parameters(torch.Generator().manual_seed(0))
>>> h = torch.randn(4, 16)
>>> bool(torch.allclose(head.log_probs(h).exp().sum(-1), torch.ones(4), atol=1e-5))  # normalised
True

References
----------
T. Mikolov, S. Kombrink, L. Burget, J. Cernocky, S. Khudanpur. Extensions of recurrent neural
network language model. ICASSP 2011. E. Grave, A. Joulin, M. Cisse, D. Grangier, H. Jegou.
Efficient softmax approximation for GPUs. ICML 2017.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ..base.batching import IGNORE_INDEX
from ..base.validation import check_choice, check_float, check_int

__all__ = [
    "OUTPUTS",
    "AdaptiveOutput",
    "adaptive_forward",
    "check_output",
    "check_dropout",
    "default_cutoffs",
    "extra_hparams",
]

#: The output layers a model of the course can end in.
OUTPUTS = ("softmax", "adaptive")


def check_output(output: str, cutoffs, vocab_size: int, owner: str) -> tuple[str, tuple[int, ...] | None]:
    """Validate an ``output`` choice and its ``cutoffs`` once, where a model is built."""
    output = check_choice(output, "output", owner, list(OUTPUTS))
    if output == "softmax":
        if cutoffs is not None:
            raise ValueError(f"The 'cutoffs' parameter of {owner} is for output='adaptive'. Got {cutoffs!r} instead.")
        return output, None
    if cutoffs is None:
        cutoffs = default_cutoffs(vocab_size)
    if isinstance(cutoffs, (str, bytes)) or not isinstance(cutoffs, Sequence) or len(cutoffs) == 0:
        raise TypeError(
            f"The 'cutoffs' parameter of {owner} must be a non-empty sequence of int. Got {cutoffs!r} instead."
        )
    cut = tuple(check_int(c, "cutoffs", owner, low=1, high=vocab_size - 1) for c in cutoffs)
    if any(b <= a for a, b in zip(cut, cut[1:], strict=False)):
        raise ValueError(f"The 'cutoffs' parameter of {owner} must be increasing. Got {cutoffs!r} instead.")
    return output, cut


def check_dropout(dropout: float, owner: str) -> float:
    """A dropout probability in [0, 1)."""
    return check_float(dropout, "dropout", owner, low=0.0, high=1.0, high_closed=False)


def default_cutoffs(vocab_size: int) -> tuple[int, ...]:
    """Head of the 20 % most frequent words, one tail cluster up to 60 %, one for the rest.

    >>> default_cutoffs(10_002)
    (2000, 6001)
    """
    cut = (vocab_size // 5, (vocab_size * 3) // 5)
    return tuple(c for c in dict.fromkeys(cut) if 0 < c < vocab_size) or (max(vocab_size // 2, 1),)


class AdaptiveOutput(nn.Module):
    """The adaptive softmax (Grave et al. 2017) over ``vocab_size`` frequency-ordered word ids.

    Parameters
    ----------
    in_features : int
        Size ``H`` of the hidden vector it reads.
    vocab_size : int
    cutoffs : tuple of int
        Ids below ``cutoffs[0]`` form the head; ``[cutoffs[k-1], cutoffs[k])`` tail cluster ``k``.
    div_value : float, default=4.0
        Tail cluster ``k`` projects ``h`` to ``H / div_value**k`` features first.
    """

    def __init__(self, in_features: int, vocab_size: int, cutoffs: Sequence[int], div_value: float = 4.0) -> None:
        super().__init__()
        smallest = int(in_features // (div_value ** len(cutoffs)))
        if smallest < 1:
            raise ValueError(
                f"An adaptive softmax of {len(cutoffs)} tail cluster(s) over {in_features} features projects the "
                f"last cluster to {in_features} / {div_value}**{len(cutoffs)} < 1 features; use fewer 'cutoffs' "
                f"or more features."
            )
        self.vocab_size = vocab_size
        self.layer = nn.AdaptiveLogSoftmaxWithLoss(in_features, vocab_size, list(cutoffs), div_value, head_bias=True)

    def reset_parameters(self, g: torch.Generator) -> torch.Generator:
        """Weights ~ U(+-1/sqrt(fan_in)) from ``g``, biases 0 (seeded like the rest of a model)."""
        with torch.no_grad():
            for module in self.layer.modules():
                if isinstance(module, nn.Linear):
                    bound = 1.0 / math.sqrt(module.in_features)
                    module.weight.uniform_(-bound, bound, generator=g)
                    if module.bias is not None:
                        module.bias.zero_()
        return g

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:
        """``ln P(w | h)`` for every word: shape ``h.shape[:-1] + (V,)`` (rows sum to 1 after exp)."""
        flat = self.layer.log_prob(h.reshape(-1, h.shape[-1]))
        return flat.reshape(*h.shape[:-1], self.vocab_size)

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood of the targets that are not ``IGNORE_INDEX`` (padding)."""
        keep = targets.reshape(-1) != IGNORE_INDEX
        flat = h.reshape(-1, h.shape[-1])[keep]
        return self.layer(flat, targets.reshape(-1)[keep]).loss

    def target_logprobs(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """``ln P(target | h)`` at every position (shape of ``targets``), without all ``V`` log-probs.

        Positions whose target is ``IGNORE_INDEX`` get 0.
        """
        flat_t = targets.reshape(-1)
        keep = flat_t != IGNORE_INDEX
        out = torch.zeros(flat_t.shape, dtype=h.dtype)
        if bool(keep.any()):
            out[keep] = self.layer(h.reshape(-1, h.shape[-1])[keep], flat_t[keep]).output
        return out.reshape(targets.shape)

    def multiply_adds(self) -> int:
        """Multiply-adds per word of the head, plus those of a tail cluster for the words in it."""
        return sum(m.in_features * m.out_features for m in self.layer.modules() if isinstance(m, nn.Linear))


def adaptive_forward(model: nn.Module, hidden: torch.Tensor, targets: torch.Tensor | None):
    """``(logits, loss)`` of a model that ends in ``model.adaptive`` (the course's LM interface).

    The "logits" are the log-probabilities themselves (a softmax of them gives them back, so every
    consumer of logits works). A training call with targets needs only the loss, and skips
    computing all ``V`` log-probabilities: it returns ``None`` for the logits.
    """
    loss = None if targets is None else model.adaptive.loss(hidden, targets)
    logits = None if (targets is not None and model.training) else model.adaptive.log_probs(hidden)
    return logits, loss


def extra_hparams(model: nn.Module) -> dict:
    """The at-scale options of a model, for its ``hparams`` (empty for the chapters' defaults)."""
    extra = {}
    if getattr(model, "dropout", 0.0):
        extra["dropout"] = model.dropout
    if getattr(model, "output", "softmax") != "softmax":
        extra["output"] = model.output
        extra["cutoffs"] = list(model.cutoffs)
    return extra

r"""Sampled softmax: train a large-vocabulary softmax at the cost of a few thousand words.

The normaliser :math:`Z = \sum_{w=1}^{V} \exp(s_w)` of a softmax over :math:`V` words costs
:math:`V d` multiply-adds per predicted token (and twice that backwards); for the biLM it dominates
training. Jean et al. (2015) estimate it by importance sampling, and Jozefowicz et al. (2016) and
ELMo train this way (8,192 samples from a 793,471-word vocabulary). Draw :math:`K` words
:math:`w_1 \dots w_K` from a proposal :math:`Q`; then

.. math::

    \hat Z = \exp(s_t) + \sum_{k:\, w_k \ne t} \frac{\exp(s_{w_k})}{K\, Q(w_k)}, \qquad
    \mathcal{L} = \log \hat Z - s_t

is a cross-entropy over the target and the samples, the samples' logits corrected by
:math:`-\log(K Q(w))`; "accidental hits" (a sample equal to the target) are dropped. The sum is an
unbiased estimate of :math:`Z - \exp(s_t)`, so :math:`\mathcal{L}` approaches the exact loss
:math:`\log Z - s_t` as :math:`K` grows (tested). :math:`Q` is the log-uniform (Zipf-like)
distribution over ids sorted by frequency, TensorFlow's ``log_uniform_candidate_sampler``
(TensorFlow's ``sampled_softmax_loss`` also corrects the target's logit, which makes the loss a
biased estimate; leaving it out keeps :math:`\mathcal{L}` an estimate of the exact loss):

.. math::

    Q(w) = \frac{\log(w + 2) - \log(w + 1)}{\log(V + 1)}, \qquad w = 0, \dots, V - 1

All tokens of a minibatch share the samples, so the extra work is one ``(N, d) x (d, K)``
product. Evaluation always uses the exact softmax.

>>> import torch
>>> g = torch.Generator().manual_seed(0)
>>> samples = log_uniform_sample(1000, 5, g)
>>> samples.shape, bool((samples < 1000).all())
(torch.Size([5]), True)
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..base.validation import check_int

__all__ = ["log_uniform_log_prob", "log_uniform_sample", "sampled_softmax_loss"]


def log_uniform_log_prob(ids: torch.Tensor, n_words: int) -> torch.Tensor:
    """``log Q(w)`` of the log-uniform proposal; sums to one over ``w = 0 .. n_words - 1``.

    >>> round(float(log_uniform_log_prob(torch.arange(50), 50).exp().sum()), 6)
    1.0
    """
    ids = ids.to(torch.float64)
    return (torch.log((ids + 2) / (ids + 1)) / math.log(n_words + 1)).log().to(torch.float32)


def log_uniform_sample(n_words: int, n_samples: int, generator: torch.Generator) -> torch.Tensor:
    """``n_samples`` ids drawn with replacement from the log-uniform proposal (inverse CDF).

    The CDF is ``F(w) = log(w + 2) / log(V + 1)``, so ``w = floor(exp(u log(V + 1))) - 1`` with
    ``u`` uniform on ``[0, 1)``.
    """
    u = torch.rand(n_samples, generator=generator, dtype=torch.float64)
    ids = torch.floor(torch.exp(u * math.log(n_words + 1))).long() - 1
    return ids.clamp_(0, n_words - 1)


def sampled_softmax_loss(
    hidden: torch.Tensor,
    targets: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    n_samples: int,
    generator: torch.Generator,
    reduction: str = "mean",
) -> torch.Tensor:
    """Sampled-softmax cross-entropy (see the module docstring).

    Parameters
    ----------
    hidden : Tensor of shape (N, d)
        The states that predict; rows whose target is negative (padding) are skipped.
    targets : LongTensor of shape (N,)
    weight : Tensor of shape (V, d)
    bias : Tensor of shape (V,)
    n_samples : int
        :math:`K`, shared by all rows.
    generator : torch.Generator
        Source of the samples (randomness is explicit).
    reduction : {"mean", "sum"}, default="mean"

    Returns
    -------
    Tensor of shape ()
    """
    check_int(n_samples, "n_samples", "sampled_softmax_loss", low=1)
    keep = targets >= 0
    hidden, targets = hidden[keep], targets[keep]  # (N', d), (N',)
    n_words = weight.shape[0]
    samples = log_uniform_sample(n_words, n_samples, generator).to(targets.device)  # (K,)
    log_k = math.log(n_samples)
    true_logits = (hidden * weight[targets]).sum(-1) + bias[targets]  # (N',)
    sample_logits = hidden @ weight[samples].T + bias[samples]  # (N', K)
    sample_logits = sample_logits - (log_k + log_uniform_log_prob(samples, n_words))
    sample_logits = sample_logits.masked_fill(samples.unsqueeze(0) == targets.unsqueeze(1), float("-inf"))
    logits = torch.cat([true_logits.unsqueeze(1), sample_logits], dim=1)  # (N', 1 + K)
    # Only the samples are corrected: logsumexp(logits) = log Z_hat and the loss is log Z_hat - s_t.
    zeros = torch.zeros(len(targets), dtype=torch.long, device=targets.device)
    return F.cross_entropy(logits, zeros, reduction=reduction)

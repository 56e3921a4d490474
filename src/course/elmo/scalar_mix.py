r"""ScalarMix: ELMo is a learned, task-specific weighted sum of the biLM's layers.

Peters et al. (2018), equation (1): for token :math:`k` with layer representations
:math:`h_{k,0}, \dots, h_{k,L}`,

.. math::

    \mathrm{ELMo}_k = \gamma \sum_{j=0}^{L} s_j\, h_{k,j}, \qquad s = \mathrm{softmax}(w)

The :math:`L + 1` scalars :math:`w` and the scale :math:`\gamma` are the only parameters; they are
learned with the task that uses the vectors (here: the probes of :mod:`course.elmo.probing`), so
each task can pick the layers it needs. The softmax keeps the weights positive and summing to one;
:math:`\gamma` restores the scale the task wants. With ``layer_norm=True`` each layer is first
normalised to zero mean and unit variance over its features ("in some cases it helped", section
3.2 of the paper; AllenNLP normalises over the whole masked batch instead of per token).

>>> import torch
>>> mix = ScalarMix(3)
>>> layers = torch.stack([torch.zeros(2, 4), torch.ones(2, 4), 2 * torch.ones(2, 4)])  # (L+1, *, D)
>>> mix(layers)[0].tolist()  # equal weights at the start: the mean of the layers
[1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..base.validation import check_float, check_int

__all__ = ["ScalarMix"]


class ScalarMix(nn.Module):
    r"""``gamma * sum_j softmax(w)_j * h_j`` over the layers of a biLM.

    Parameters
    ----------
    n_layers : int
        Number of layers mixed (:math:`L + 1`: the token layer and the LSTM layers).
    layer_norm : bool, default=False
        Normalise each layer per token (zero mean, unit variance over features) before mixing.
    gamma : float, default=1.0
        Initial value of the scale :math:`\gamma`.
    trainable : bool, default=True
        Whether ``w`` and ``gamma`` are learned; ``False`` freezes equal weights (the average).

    Attributes
    ----------
    scalar_parameters : Parameter of shape (n_layers,)
        The :math:`w_j`, initialised to 0 (equal weights).
    gamma : Parameter of shape ()

    Shape
    -----
    - Input: ``(n_layers, *, D)`` (a stacked tensor) or a list of ``n_layers`` tensors ``(*, D)``.
    - Output: ``(*, D)``.
    """

    def __init__(self, n_layers: int, layer_norm: bool = False, gamma: float = 1.0, trainable: bool = True):
        super().__init__()
        self.n_layers = check_int(n_layers, "n_layers", "ScalarMix", low=1)
        if not isinstance(layer_norm, bool):
            raise TypeError(f"The 'layer_norm' parameter of ScalarMix must be a bool. Got {layer_norm!r} instead.")
        self.layer_norm = layer_norm
        gamma = check_float(gamma, "gamma", "ScalarMix")
        self.scalar_parameters = nn.Parameter(torch.zeros(n_layers), requires_grad=trainable)
        self.gamma = nn.Parameter(torch.tensor(gamma), requires_grad=trainable)

    def extra_repr(self) -> str:
        return f"n_layers={self.n_layers}, layer_norm={self.layer_norm}"

    @property
    def weights(self) -> torch.Tensor:
        """The normalised weights :math:`s = \\mathrm{softmax}(w)`, shape ``(n_layers,)``."""
        return torch.softmax(self.scalar_parameters, dim=0)

    def forward(self, layers: torch.Tensor | list[torch.Tensor]) -> torch.Tensor:
        """Mix the layers (equation 1 of the paper)."""
        if isinstance(layers, (list, tuple)):
            layers = torch.stack(list(layers))
        if layers.shape[0] != self.n_layers:
            raise ValueError(f"ScalarMix was built for {self.n_layers} layers but got {layers.shape[0]}.")
        if self.layer_norm:
            layers = F.layer_norm(layers, layers.shape[-1:])
        s = self.weights.to(layers.dtype).reshape(-1, *([1] * (layers.dim() - 1)))  # (L+1, 1, ..., 1)
        return self.gamma * (s * layers).sum(dim=0)  # (*, D)

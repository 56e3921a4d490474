r"""Highway layers: a learned gate between transforming a vector and carrying it through.

Srivastava et al. (2015) let a layer choose, per dimension, how much of its input to transform
and how much to pass on unchanged:

.. math::

    t = \sigma(W_T x + b_T), \qquad
    y = t \odot g(W_H x + b_H) + (1 - t) \odot x

with :math:`g` a non-linearity (ReLU in ELMo's token encoder). With :math:`t = 0` the layer is the
identity, which is why deep stacks of them train: the gradient has a path that skips the
transform. Initialising :math:`b_T` negative (Srivastava et al. suggest -1 to -3) starts every
layer close to carrying. Jozefowicz et al. (2016) and ELMo put two of them on top of the
character convolutions.

(AllenNLP writes the same layer with a *carry* gate :math:`c = 1 - t` whose bias starts at +1;
here the bias of the transform gate starts at -1: the same thing.)

>>> import torch
>>> layer = Highway(4, n_layers=1)
>>> layer(torch.zeros(3, 4)).shape
torch.Size([3, 4])
"""

from __future__ import annotations

import torch
from torch import nn

from ..base.validation import check_float, check_int

__all__ = ["Highway"]


class Highway(nn.Module):
    """A stack of highway layers of constant width.

    Parameters
    ----------
    dim : int
        Width of input and output.
    n_layers : int, default=2
        Number of highway layers (ELMo: 2).
    gate_bias : float, default=-1.0
        Initial bias :math:`b_T` of the transform gates (negative: start close to the identity).

    Shape
    -----
    - Input: ``(*, dim)``
    - Output: ``(*, dim)``
    """

    def __init__(self, dim: int, n_layers: int = 2, gate_bias: float = -1.0):
        super().__init__()
        self.dim = check_int(dim, "dim", "Highway", low=1)
        self.n_layers = check_int(n_layers, "n_layers", "Highway", low=0)
        self.gate_bias = check_float(gate_bias, "gate_bias", "Highway")
        # One linear map computes both the transform H and the gate T: output (*, 2 * dim).
        self.layers = nn.ModuleList(nn.Linear(dim, 2 * dim) for _ in range(n_layers))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Default linear initialisation, gate biases set to ``gate_bias``."""
        for layer in self.layers:
            layer.reset_parameters()
            with torch.no_grad():
                layer.bias[self.dim :].fill_(self.gate_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the layers in turn: ``y = t * relu(H x) + (1 - t) * x``."""
        for layer in self.layers:
            transform, gate = layer(x).chunk(2, dim=-1)  # (*, dim) each
            t = torch.sigmoid(gate)
            x = t * torch.relu(transform) + (1.0 - t) * x
        return x

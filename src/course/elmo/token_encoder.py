r"""The token encoder: a character CNN with highway layers and a projection (ELMo's layer 0).

Jozefowicz et al. (2016) replaced the input word-embedding table of a large LSTM language model
with a network that reads the word's characters (after Kim et al. 2016); ELMo (Peters et al. 2018)
keeps it. For a token spelled :math:`c_1 \dots c_W` (see :mod:`course.elmo.chars`):

1. character embeddings :math:`E c_i \in \mathbb{R}^{d_c}`;
2. for each filter width :math:`k` and each of its :math:`n_k` filters, a convolution over the
   character positions, then the **maximum over positions** (max-pooling) and a ReLU: a filter
   fires if its :math:`k`-character pattern occurs anywhere in the word;
3. the :math:`\sum_k n_k` pooled features go through :mod:`highway <course.elmo.highway>` layers
   (Srivastava et al. 2015);
4. a linear **projection** to the model dimension :math:`d`.

The output depends on the token's characters only, never on its neighbours: it is the
context-independent representation :math:`x_k` of ELMo's layer 0.

>>> import torch
>>> enc = CharCNNEncoder(n_chars=261, char_dim=4, filters=((1, 3), (2, 5)), n_highway=1, projection_dim=6)
>>> enc(torch.randint(1, 261, (2, 7, 10))).shape  # (B, T, W) -> (B, T, d)
torch.Size([2, 7, 6])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..base.validation import check_int
from .chars import PAD
from .highway import Highway

__all__ = ["CharCNNEncoder"]


class CharCNNEncoder(nn.Module):
    """Character embeddings, convolutions of several widths with max-pooling, highway, projection.

    Parameters
    ----------
    n_chars : int
        Size of the character vocabulary (:data:`course.elmo.chars.N_CHARS`).
    char_dim : int, default=16
        Character embedding size :math:`d_c` (ELMo: 16).
    filters : sequence of (int, int), default=((1, 32), (2, 32), (3, 64), (4, 128), (5, 256))
        ``(width, number of filters)`` pairs (ELMo: widths 1 to 7, 2,048 filters in all).
    n_highway : int, default=2
        Highway layers on the pooled features (ELMo: 2).
    projection_dim : int, default=128
        Output size :math:`d` (ELMo: 512).

    Shape
    -----
    - Input: ``(B, T, W)`` character ids, padding ``0``.
    - Output: ``(B, T, projection_dim)``. A padding token (all ``0``) gets some vector; callers
      ignore it.
    """

    def __init__(
        self,
        n_chars: int,
        char_dim: int = 16,
        filters: Sequence[tuple[int, int]] = ((1, 32), (2, 32), (3, 64), (4, 128), (5, 256)),
        n_highway: int = 2,
        projection_dim: int = 128,
    ):
        super().__init__()
        owner = "CharCNNEncoder"
        check_int(n_chars, "n_chars", owner, low=1)
        check_int(char_dim, "char_dim", owner, low=1)
        check_int(projection_dim, "projection_dim", owner, low=1)
        if len(filters) == 0:
            raise ValueError(
                f"The 'filters' parameter of {owner} must be a non-empty sequence of (width, count) pairs. Got {filters!r} instead."
            )
        for width, count in filters:
            check_int(width, "filters width", owner, low=1)
            check_int(count, "filters count", owner, low=1)
        self.filters = tuple((int(w), int(n)) for w, n in filters)
        self.n_features = sum(n for _, n in self.filters)
        self.char_embedding = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
        self.convolutions = nn.ModuleList(nn.Conv1d(char_dim, n, kernel_size=w) for w, n in self.filters)
        self.highway = Highway(self.n_features, n_layers=n_highway)
        self.projection = nn.Linear(self.n_features, projection_dim)
        self.projection_dim = projection_dim

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        """Encode every token of a batch from its characters."""
        batch, steps, width = chars.shape
        if width < max(w for w, _ in self.filters):
            raise ValueError(
                f"Tokens have {width} characters, fewer than the widest filter ({max(w for w, _ in self.filters)})."
            )
        flat = chars.reshape(batch * steps, width)  # (N, W)
        # The same word gets the same vector, so encode each distinct spelling once.
        unique, inverse = torch.unique(flat, dim=0, return_inverse=True)  # (U, W), (N,)
        e = self.char_embedding(unique).transpose(1, 2)  # (U, d_c, W): channels first for Conv1d
        pooled = [torch.relu(conv(e).amax(dim=2)) for conv in self.convolutions]  # each (U, n_k)
        h = self.highway(torch.cat(pooled, dim=1))  # (U, sum n_k)
        x = self.projection(h)  # (U, d)
        return x[inverse].reshape(batch, steps, self.projection_dim)  # (B, T, d)

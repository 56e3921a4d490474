"""What one word2vec SGD step reads and writes: a minibatch of examples and the update it makes.

:class:`Batch` is what :mod:`course.word2vec.pairs` and the trainer hand to
:class:`~course.word2vec.model.Word2VecModel`; :class:`Update` is what
:meth:`~course.word2vec.model.Word2VecModel.compute_update` returns, for the trainers that apply
updates in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["Batch", "Update"]


@dataclass
class Batch:
    """A minibatch of training examples (tensors of int64 word ids).

    Attributes
    ----------
    inputs : Tensor of shape (B,), (B, C) or (R,)
        Skip-gram: the input word of each pair (word2vec.c: the context word), shape (B,).
        CBOW, padded form: the ``C = 2 * window`` context slots of each example, shape (B, C),
        with ``input_mask``. CBOW, packed form: the real context words of all examples laid end
        to end, shape (R,), with ``input_offsets`` (what the trainer uses: no padding to skip).
    outputs : Tensor of shape (B,)
        The word to predict (word2vec.c: the centre word).
    input_mask : Tensor of bool with shape (B, C), default=None
        CBOW padded form: which context slots are real words (each row needs at least one).
    input_offsets : Tensor of shape (B + 1,), default=None
        CBOW packed form: example ``b``'s context words are ``inputs[offsets[b]:offsets[b + 1]]``.
    negatives : Tensor of shape (B, K), default=None
        Negative sampling only: the noise words. A noise word equal to the output word is
        skipped (word2vec.c: ``if (target == word) continue``).
    grouped : bool, default=False
        Skip-gram pairs grouped by output word (padded form, with ``input_mask``): row ``b``
        stands for the pairs (``inputs[b, j]``, ``outputs[b]``) of its real slots ``j``, and
        they share the row's noise words. See :meth:`Word2VecModel._grouped_backward`.
    """

    inputs: torch.Tensor
    outputs: torch.Tensor
    input_mask: torch.Tensor | None = None
    negatives: torch.Tensor | None = None
    input_offsets: torch.Tensor | None = None
    grouped: bool = False

    @property
    def is_cbow(self) -> bool:
        return (self.input_mask is not None or self.input_offsets is not None) and not self.grouped

    def packed(self) -> Batch:
        """The same batch with CBOW contexts in packed form (context ids end to end + offsets)."""
        if self.input_mask is None or self.grouped:
            return self
        counts = self.input_mask.sum(1)  # (B,)
        offsets = torch.cat([counts.new_zeros(1), torch.cumsum(counts, 0)])  # (B + 1,)
        return Batch(self.inputs[self.input_mask], self.outputs, None, self.negatives, offsets)

    def __len__(self) -> int:
        return len(self.outputs)


@dataclass
class Update:
    """What one SGD step adds to the weights: ``W[rows] += values`` for both matrices.

    Attributes
    ----------
    loss : float
        Summed loss of the batch before the step (NaN if not computed).
    out_rows : Tensor of shape (N,) or None
        Rows of ``W_out`` (None: ``out_values`` is a dense change of all of ``W_out``).
    out_values : Tensor of shape (N, D) or (V, D)
    in_rows : Tensor of shape (R,)
        Rows of ``W_in``.
    in_values : Tensor of shape (R, D)
    """

    loss: float
    out_rows: torch.Tensor | None
    out_values: torch.Tensor
    in_rows: torch.Tensor
    in_values: torch.Tensor

"""The word2vec network and one minibatch SGD step, for every architecture and output layer.

The network has two weight matrices and no hidden non-linearity:

- ``W_in`` (``syn0`` in word2vec.c), shape ``(V, D)``: the input vectors, the word vectors we
  keep. The hidden vector ``h`` of an example is one row of it (Skip-gram: the input word) or
  the mean of several rows (CBOW: the context words).
- ``W_out``: the output layer, one of

  ============================  ===================  ============================================
  objective                     shape of ``W_out``   loss of one example with target word ``o``
  ============================  ===================  ============================================
  ``"softmax"``                 ``(V, D)``           ``-log softmax(W_out h)[o]``
  ``"negative"`` (``syn1neg``)  ``(V, D)``           ``-log s(u_o.h) - sum_k log s(-u_nk.h)``
  ``"hierarchical"`` (``syn1``) ``(V - 1, D)``       ``-sum_j log s((1 - 2 c_j) v_pj.h)``
  ============================  ===================  ============================================

  with ``s`` the sigmoid, ``n_k`` the negative samples and ``(p_j, c_j)`` the inner nodes and
  bits of the Huffman path of ``o`` (:class:`~course.word2vec.huffman.HuffmanTree`).

Negative sampling and hierarchical softmax are the same computation: a few binary logistic
regressions per example on rows ``targets`` of ``W_out`` with labels ``labels`` (NS: the target
with label 1 and ``K`` noise words with label 0; HS: the path nodes with labels ``1 - code``),
so they share :meth:`Word2VecModel._binary_backward`.

**The update is hand-written, not autograd.** For a batch we gather the rows we need, compute
``dL/ds`` for every score ``s`` in closed form (``sigmoid(s) - label``, or
``softmax - onehot``), and scatter ``-lr * gradient`` back with ``index_add_``. Every gradient
in a batch is taken at the weights before the batch (word2vec.c takes each at the weights
after the previous example; with batches of a few hundred pairs out of millions the difference
is small, and the tests show the loss falling just as well). :meth:`Word2VecModel.gradients`
returns the same numbers densely; the tests compare them with the NumPy reference
(:mod:`course.word2vec.reference`) for all six combinations.

**Initialisation as word2vec.c** (``InitNet``): ``W_in ~ U(-0.5, 0.5) / D``, ``W_out = 0``.
With a zero output layer all first scores are 0, so all sigmoids start at 1/2.

**Paper vs code.** word2vec.c replaces the sigmoid by a 1000-entry table on ``[-6, 6]``
(``MAX_EXP``), clips NS scores outside it and *skips* HS nodes outside it; gensim's Cython
(``word2vec_inner.pyx``) skips both NS and HS terms whose score lies outside ``[-6, 6]``, even a
confidently wrong positive pair; we use the exact sigmoid everywhere. For CBOW, word2vec.c
(and gensim with ``cbow_mean=True``) sets ``h`` to the mean of the context rows but adds the
full ``dL/dh`` to every context row, i.e. ``n`` times the true
gradient of the mean; :meth:`Word2VecModel.sgd_step` does the same, :meth:`gradients` returns
the true gradient. word2vec.c updates after every example; our minibatch step caps the update of
the hierarchical softmax's busiest inner nodes (:data:`HS_MAX_STEPS`), which a summed step would
move too far.

>>> model = Word2VecModel(vocab_size=10, vector_size=4, objective="negative", seed=0)
>>> batch = Batch(inputs=torch.tensor([1, 2]), outputs=torch.tensor([3, 4]),
...               negatives=torch.tensor([[5, 6], [7, 8]]))
>>> round(model.sgd_step(batch, lr=0.025), 4)  # 2 pairs x 3 terms x log 2 at a zero W_out
4.1589
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..base.validation import check_choice, check_int
from .batch import Batch, Update

__all__ = ["OBJECTIVES", "HS_MAX_STEPS", "Batch", "Update", "Word2VecModel", "init_input_vectors"]

#: Hierarchical softmax: an inner node's minibatch update is at most this many examples' summed
#: steps (see :meth:`Word2VecModel.node_visits`). Measured on the LM training split (3 epochs,
#: D = 100, analogy accuracy at 30,000 words): CBOW at batch_size=1024 diverges to NaN without a
#: cap and with 128, reaches 2.5 / 2.9 / 3.0 % with 8 / 16 / 32; Skip-gram at 1024 gets 1.8 %
#: without a cap and 3.6 / 3.9 / 3.7 % with 8 / 16 / 32 (3.75 % at batch_size=256 without one).
HS_MAX_STEPS = 32

OBJECTIVES = ("negative", "hierarchical", "softmax")


def init_input_vectors(vocab_size: int, vector_size: int, seed: int | None = 0) -> np.ndarray:
    """word2vec.c's initial input vectors: uniform in ``[-0.5, 0.5) / vector_size``.

    Returns
    -------
    ndarray of float32 with shape (vocab_size, vector_size)

    Examples
    --------
    >>> W = init_input_vectors(1000, 50, seed=0)
    >>> W.shape, bool(np.abs(W).max() <= 0.5 / 50)
    ((1000, 50), True)
    """
    rng = np.random.default_rng(seed)
    return ((rng.random((vocab_size, vector_size), dtype=np.float32) - 0.5) / vector_size).astype(np.float32)


class Word2VecModel:
    """Input and output weights of word2vec, with a loss, its gradients and an SGD step.

    Parameters
    ----------
    vocab_size : int
        ``V`` (at least 2).
    vector_size : int
        ``D``.
    objective : {"negative", "hierarchical", "softmax"}, default="negative"
    tree : HuffmanTree, default=None
        Required for ``"hierarchical"``: the codes and inner-node paths of every word.
    cbow_mean : bool, default=True
        CBOW hidden vector: mean (True, gensim's default) or sum of the context rows.
    seed : int, default=0
        Seed of the input vectors' initialisation.
    dtype : torch.dtype, default=torch.float32
        float64 is used by the tests to compare with the NumPy reference.

    Attributes
    ----------
    W_in : Tensor of shape (V, D)
        Input (word) vectors, ``syn0``.
    W_out : Tensor of shape (V, D), or (V - 1, D) for hierarchical softmax
        Output vectors (``syn1neg``, ``syn1``, or the softmax weights), zeros at first.
    """

    def __init__(
        self,
        vocab_size: int,
        vector_size: int,
        objective: str = "negative",
        *,
        tree=None,
        cbow_mean: bool = True,
        seed: int | None = 0,
        dtype: torch.dtype = torch.float32,
        hs_max_steps: int | None = HS_MAX_STEPS,
    ) -> None:
        owner = type(self).__name__
        self.hs_max_steps = None if hs_max_steps is None else check_int(hs_max_steps, "hs_max_steps", owner, low=1)
        V = check_int(vocab_size, "vocab_size", owner, low=2)
        D = check_int(vector_size, "vector_size", owner, low=1)
        self.objective = check_choice(objective, "objective", owner, OBJECTIVES)
        self.cbow_mean = bool(cbow_mean)
        if self.objective == "hierarchical":
            if tree is None or len(tree.code_lengths) != V:
                raise ValueError(
                    f"The 'tree' parameter of {owner} must be a HuffmanTree over the {V} words when "
                    f"objective='hierarchical'. Got {tree!r} instead."
                )
            codes, points, mask = tree.padded()  # (V, L) each
            self.points = torch.from_numpy(np.asarray(points, dtype=np.int64))
            self.code_labels = torch.from_numpy(1.0 - np.asarray(codes, dtype=np.float64)).to(dtype)
            self.code_mask = torch.from_numpy(np.asarray(mask, dtype=np.float64)).to(dtype)
        self.W_in = torch.from_numpy(init_input_vectors(V, D, seed)).to(dtype)
        n_out = V - 1 if self.objective == "hierarchical" else V
        self.W_out = torch.zeros(n_out, D, dtype=dtype)

    @property
    def vocab_size(self) -> int:
        return self.W_in.shape[0]

    @property
    def vector_size(self) -> int:
        return self.W_in.shape[1]

    # ----------------------------------------------------------------------------- forward
    def hidden(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The hidden vector ``h`` of every example, and CBOW's context counts.

        Returns
        -------
        h : Tensor of shape (B, D)
        n_context : Tensor of shape (B, 1) or None
            CBOW: number of real context words; Skip-gram: None.
        """
        if not batch.is_cbow:  # Skip-gram: one input row per example
            return F.embedding(batch.inputs, self.W_in), None
        batch = batch.packed()
        # One fused gather-and-average (or sum) over each example's context words.
        h = F.embedding_bag(
            batch.inputs,
            self.W_in,
            batch.input_offsets,
            mode="mean" if self.cbow_mean else "sum",
            include_last_offset=True,
        )  # (B, D)
        n = torch.diff(batch.input_offsets).unsqueeze(1)  # (B, 1)
        return h, n

    def _binary_terms(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Rows of ``W_out``, labels and weights of the logistic terms, each (B, T) (NS labels: (1, T))."""
        if self.objective == "negative":
            if batch.negatives is None:
                raise ValueError("Batch.negatives is required when objective='negative'.")
            targets = torch.cat([batch.outputs.unsqueeze(1), batch.negatives], 1)  # (B, 1 + K)
            labels = torch.zeros(1, targets.shape[1], dtype=self.W_in.dtype)  # (1, 1 + K), broadcast
            labels[0, 0] = 1.0
            weights = (targets != batch.outputs.unsqueeze(1)).to(self.W_in.dtype)
            weights[:, 0] = 1.0  # the positive term; noise words equal to it are skipped
            return targets, labels, weights
        return self.points[batch.outputs], self.code_labels[batch.outputs], self.code_mask[batch.outputs]  # (B, L)

    def _binary_backward(self, h, batch, scale, compute_loss, out_weight=None):
        """Negative sampling / hierarchical softmax: loss, scale * dL/dh, scale * dL/d(output rows).

        ``out_weight`` (B, T), if given, multiplies the output rows' gradients only (see
        :meth:`compute_update`).
        """
        targets, labels, weights = self._binary_terms(batch)  # (B, T)
        U = F.embedding(targets, self.W_out)  # (B, T, D)
        scores = torch.bmm(h.unsqueeze(1), U.transpose(1, 2)).squeeze(1)  # (B, 1, D) @ (B, D, T) -> (B, T)
        coef = (torch.sigmoid(scores) - labels) * (weights * scale)  # scale * dL/dscore, (B, T)
        loss = None
        if compute_loss:  # binary cross-entropy with logits: softplus(s) - label * s
            loss = float(((F.softplus(scores) - labels * scores) * weights).sum())
        d_h = torch.bmm(coef.unsqueeze(1), U).squeeze(1)  # (B, D)
        if out_weight is not None:
            coef = coef * out_weight
        out_grad = (coef.unsqueeze(2) * h.unsqueeze(1)).reshape(-1, h.shape[1])  # (B * T, D)
        return loss, d_h, (targets.reshape(-1), out_grad)

    def _softmax_backward(self, h, batch, scale, compute_loss, out_weight=None):
        """Full softmax: loss, scale * dL/dh and the dense scale * dL/dW_out."""
        logits = h @ self.W_out.T  # (B, V)
        coef = torch.softmax(logits, dim=1)
        loss = None
        if compute_loss:
            loss = float((torch.logsumexp(logits, 1) - logits.gather(1, batch.outputs.unsqueeze(1)).squeeze(1)).sum())
        coef[torch.arange(len(batch)), batch.outputs] -= 1.0  # softmax - onehot = dL/dlogits, (B, V)
        coef *= scale
        return loss, coef @ self.W_out, (None, coef.T @ h)  # (B, D), dense (V, D)

    def _grouped_backward(self, batch: Batch, scale: float, compute_loss: bool, out_weight=None):
        """Skip-gram pairs grouped by output word: a few small matrix products per group.

        All pairs of a group predict the same output word, so they share its logistic terms:
        the Huffman path (hierarchical softmax, exactly as pair by pair) or, for negative
        sampling, one set of noise words for the whole group instead of one per pair (the
        "shared negatives" of Ji et al. 2016's pWord2Vec). The group's output rows are gathered
        and scattered once instead of once per pair, and the scores of all its pairs are one
        matrix product ``H @ U.T`` (word2vec.c makes one dot product per pair and term).
        """
        if self.objective == "softmax":
            raise ValueError("Grouped Skip-gram batches need objective='negative' or 'hierarchical'.")
        targets, labels, weights = self._binary_terms(batch)  # (B, T), shared by the group
        H = F.embedding(batch.inputs, self.W_in)  # (B, C, D), padded slots included
        U = F.embedding(targets, self.W_out)  # (B, T, D)
        scores = torch.bmm(H, U.transpose(1, 2))  # (B, C, T)
        w = batch.input_mask.to(H.dtype).unsqueeze(2) * weights.unsqueeze(1)  # (B, C, T): 0 for padding
        labels = labels.unsqueeze(1)  # (B, 1, T)
        coef = (torch.sigmoid(scores) - labels) * (w * scale)  # scale * dL/dscore, (B, C, T)
        loss = None
        if compute_loss:
            loss = float(((F.softplus(scores) - labels * scores) * w).sum())
        D = H.shape[2]
        d_H = torch.bmm(coef, U).reshape(-1, D)  # (B * C, D); zero rows for padded slots
        if out_weight is not None:
            coef = coef * out_weight.unsqueeze(1)
        d_U = torch.bmm(coef.transpose(1, 2), H).reshape(-1, D)  # (B * T, D)
        return loss, (batch.inputs.reshape(-1), d_H), (targets.reshape(-1), d_U)

    def _backward(self, batch: Batch, scale: float, compute_loss: bool, out_weight=None):
        h, n = self.hidden(batch)
        backward = self._softmax_backward if self.objective == "softmax" else self._binary_backward
        return (*backward(h, batch, scale, compute_loss, out_weight), n)

    def _rows(self, batch: Batch, scale: float, compute_loss: bool, word2vec_c: bool, out_weight=None):
        """Loss and ``scale`` times the gradient as rows: ``(loss, (in_rows, in_values), (out_rows, out_values))``."""
        batch = batch.packed()
        if batch.grouped:
            return self._grouped_backward(batch, scale, compute_loss, out_weight)
        loss, d_h, out, n = self._backward(batch, scale, compute_loss, out_weight)
        return loss, self._input_rows(batch, d_h, n, word2vec_c), out

    def _input_rows(self, batch: Batch, d_h: torch.Tensor, n, word2vec_c: bool):
        """Rows of ``W_in`` to change and by what: the true gradient, or word2vec.c's update."""
        if n is None:  # Skip-gram: dL/dW_in[input] = dL/dh
            return batch.inputs, d_h
        # CBOW: h = sum / n (mean) or sum. True gradient per context row: d_h / n or d_h.
        # word2vec.c / gensim apply d_h (mean) or d_h / n (sum) instead.
        if self.cbow_mean != word2vec_c:
            d_h = d_h / n
        batch = batch.packed()
        return batch.inputs, torch.repeat_interleave(d_h, n.squeeze(1), dim=0, output_size=len(batch.inputs))  # (R, D)

    # ----------------------------------------------------------------------------- public
    @torch.no_grad()
    def loss(self, batch: Batch) -> float:
        """Summed loss of the batch at the current weights."""
        return self._backward(batch, 1.0, compute_loss=True)[0]

    @torch.no_grad()
    def gradients(self, batch: Batch) -> tuple[float, torch.Tensor, torch.Tensor]:
        """Summed loss and its true gradients with respect to both weight matrices.

        Returns
        -------
        loss : float
        dW_in : Tensor of shape (V, D)
        dW_out : Tensor with the shape of ``W_out``
        """
        loss, (in_rows, in_grad), (out_rows, out_grad) = self._rows(batch, 1.0, True, word2vec_c=False)
        dW_out = out_grad if out_rows is None else torch.zeros_like(self.W_out).index_add_(0, out_rows, out_grad)
        dW_in = torch.zeros_like(self.W_in).index_add_(0, in_rows, in_grad)
        return loss, dW_in, dW_out

    @torch.no_grad()
    def sgd_step(self, batch: Batch, lr: float, compute_loss: bool = True) -> float:
        """One SGD step on the batch, in place: ``W -= lr * gradient`` (CBOW rows as word2vec.c).

        Parameters
        ----------
        batch : Batch
        lr : float
            Learning rate (``alpha`` at this point of the linear decay).
        compute_loss : bool, default=True
            Also return the summed loss before the step (a few percent of the step's time).

        Returns
        -------
        float
            The batch's summed loss before the step (NaN if ``compute_loss`` is False).
        """
        update = self.compute_update(batch, lr, compute_loss)
        self.apply_update(update)
        return update.loss

    @torch.no_grad()
    def compute_update(self, batch: Batch, lr: float, compute_loss: bool = True) -> Update:
        """The change an SGD step on ``batch`` would make, without making it (reads the weights only).

        Several threads may compute updates of different batches from the same weights at once;
        :meth:`apply_update` then applies them one after the other (the trainer's deterministic
        parallel mode: a minibatch split across threads).
        """
        # -lr is folded into dL/dscore (a (B, T) array), as word2vec.c's g = (label - f) * alpha,
        # so index_add_ runs without its (much slower) alpha argument.
        out_weight = None
        if self.objective == "hierarchical" and self.hs_max_steps is not None:  # at most that many summed steps
            targets = self._binary_terms(batch.packed())[0]  # (B, L)
            out_weight = (self.hs_max_steps / self.node_visits(batch)[targets]).clamp_max(1.0)  # (B, L)
        loss, (in_rows, in_update), (out_rows, out_update) = self._rows(batch, -lr, compute_loss, True, out_weight)
        return Update(math.nan if loss is None else loss, out_rows, out_update, in_rows, in_update)

    def node_visits(self, batch: Batch) -> torch.Tensor:
        """Hierarchical softmax: how many examples of ``batch`` have each inner node on their path.

        Every path starts at the root, so a summed minibatch step moves the root (and the nodes
        just below it) by ``B`` steps taken at the same stale weights. word2vec.c takes those
        steps one at a time, each at the weights the previous one left, and the sigmoid's
        saturation keeps it from overshooting; the summed step has no such brake, and CBOW with
        ``batch_size=1024`` and ``alpha=0.05`` overshoots, oscillates and reaches NaN within one
        epoch. :meth:`compute_update` therefore caps each inner node's step at
        :data:`HS_MAX_STEPS` examples' worth: the sum while fewer examples reach the node, the mean
        times ``HS_MAX_STEPS`` beyond. Deep nodes, reached by a few examples, are unaffected.

        Returns
        -------
        Tensor of shape (V - 1,)
        """
        batch = batch.packed()
        targets, _, weights = self._binary_terms(batch)  # (B, L): path nodes, 1 on the path
        if batch.grouped:  # one row = every real pair of a centre word, sharing its path
            weights = weights * batch.input_mask.sum(1, keepdim=True).to(weights.dtype)
        return torch.bincount(targets.reshape(-1), weights.reshape(-1), minlength=len(self.W_out))

    @torch.no_grad()
    def apply_update(self, update: Update) -> None:
        """Add an :class:`Update` to the weights, in place."""
        if update.out_rows is None:  # full softmax: a dense (V, D) change
            self.W_out += update.out_values
        else:
            self.W_out.index_add_(0, update.out_rows, update.out_values)
        self.W_in.index_add_(0, update.in_rows, update.in_values)

    def __repr__(self) -> str:
        return (
            f"Word2VecModel(vocab_size={self.vocab_size}, vector_size={self.vector_size}, objective={self.objective!r})"
        )

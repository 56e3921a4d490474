"""The course's own models, counted: multiply-adds per training example next to the paper's Q.

Each ``measure_*`` function builds one of the course's implementations at the given sizes,
runs one training step on a small random batch under :func:`~course.complexity.counting.count_ops`
and books what it counted per training example against the terms of
:mod:`course.complexity.formulas`:

- ``projection``: numbers looked up in the input table (``C`` of the NNLM, ``W_in`` of word2vec);
- ``hidden``: multiply-adds of the hidden layer (NNLM) or of the recurrence (RNNLM);
- ``output``: multiply-adds of the output layer's score product.

A training example is one predicted word: one position of the NNLM and RNNLM, one CBOW window,
one Skip-gram (input, output) pair (Skip-gram's Q covers ``C`` pairs; the comparison uses
``C = 1``). What the formula leaves out is booked too (``left_out``): nonlinearities, the
softmax's exponentials and the loss, gradients scattered back into the tables, and products the
code does that the paper does not (RNNLM ``fast=True``: ``nn.RNN`` multiplies the looked-up input
by an identity matrix; hierarchical softmax in batches: the paths are padded to the longest).

>>> m = measure_nnlm(V=512, N=3, D=8, H=16)
>>> m.forward, {k: m.formula.term(k).value for k in m.forward}
({'projection': 24.0, 'hidden': 384.0, 'output': 8192.0}, {'projection': 24.0, 'hidden': 384.0, 'output': 8192.0})
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ..base.validation import check_choice, check_int
from .counting import Counted, StepCount, count_ops, count_step
from .formulas import Cost, cbow_cost, nnlm_cost, rnnlm_cost, skipgram_cost

__all__ = ["MeasuredCost", "measure_nnlm", "measure_rnnlm", "measure_word2vec", "balanced_tree"]

# formula output names -> course.word2vec.model objectives
_OBJECTIVE = {"softmax": "softmax", "hs": "hierarchical", "ns": "negative"}


@dataclass(frozen=True)
class MeasuredCost:
    """Counted cost of one training example of one implementation, next to its formula.

    Parameters
    ----------
    architecture : str
    output : str
        ``"softmax"``, ``"hs"`` or ``"ns"``.
    implementation : str
        Which code was counted, e.g. ``"course.lm.rnnlm.RNNLM(fast=False)"``.
    formula : Cost
        Q at the same sizes.
    forward : dict of str to float
        Counted per example in the forward pass, keyed by the formula's term names.
    step_macs : float
        All multiply-adds of one training step (forward and backward) per example.
    forward_macs : float
        All multiply-adds of the forward pass per example.
    left_out : dict of str to float
        Work per example that Q leaves out (elements, numbers moved or multiply-adds).
    """

    architecture: str
    output: str
    implementation: str
    formula: Cost
    forward: dict[str, float]
    step_macs: float
    forward_macs: float
    left_out: dict[str, float] = field(default_factory=dict)

    def ratio(self, term: str) -> float:
        """Counted / formula for one term."""
        return self.forward[term] / self.formula.term(term).value

    @property
    def counted_q(self) -> float:
        """Sum of the counted terms: the measured Q."""
        return float(sum(self.forward.values()))

    @property
    def backward_factor(self) -> float:
        """``(forward + backward) / forward`` multiply-adds of the whole step."""
        return self.step_macs / self.forward_macs


def _per(step: StepCount, value: float) -> float:
    return float(value) / step.batch_size


def _lm_batch(V: int, batch: int, length: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return (torch.randint(0, V, (batch, length), generator=g), torch.randint(0, V, (batch, length), generator=g))


def measure_nnlm(V: int, N: int, D: int, H: int, batch: int = 4, length: int = 8, seed: int = 0) -> MeasuredCost:
    """Count one training step of :class:`course.lm.nnlm.NNLM` (softmax output).

    Parameters
    ----------
    V, N, D, H : int
        Vocabulary, context, vector and hidden sizes.
    batch, length : int, default=4, 8
        Shape ``(B, T)`` of the random batch; ``B x T`` examples.
    seed : int, default=0

    Returns
    -------
    MeasuredCost
    """
    from ..lm.nnlm import NNLM

    owner = "measure_nnlm"
    batch, length = check_int(batch, "batch", owner, low=1), check_int(length, "length", owner, low=1)
    model = NNLM(V, context_size=N, vector_size=D, hidden_size=H, seed=seed)
    idx, targets = _lm_batch(V, batch, length, seed)
    step = count_step(lambda: model(idx, targets)[1], batch * length, tables={"C": model.C})
    fwd, mods = step.forward, step.forward.by_module()
    forward = {
        "projection": _per(step, fwd.by_table("lookup").get("C", 0)),
        "hidden": _per(step, mods.get("NNLM.H", 0)),
        "output": _per(step, mods.get("NNLM.U", 0)),
    }
    left_out = {
        "pointwise (tanh, softmax, loss)": _per(step, fwd.total("pointwise")),
        "gradient scattered into C": _per(step, step.backward.total("scatter")),
    }
    return MeasuredCost(
        "NNLM",
        "softmax",
        "course.lm.nnlm.NNLM",
        nnlm_cost(N, D, H, V),
        forward,
        step.per_example("macs", "forward+backward"),
        step.per_example("macs"),
        left_out,
    )


def measure_rnnlm(V: int, H: int, fast: bool = False, batch: int = 4, length: int = 8, seed: int = 0) -> MeasuredCost:
    """Count one training step (BPTT over ``length`` steps) of :class:`course.lm.rnnlm.RNNLM`.

    Parameters
    ----------
    V, H : int
        Vocabulary and hidden sizes.
    fast : bool, default=False
        The model's ``fast`` switch: ``nn.RNN`` (whose input product by an identity matrix is
        booked under ``left_out``) or the explicit loop.
    batch, length, seed
        See :func:`measure_nnlm`.

    Returns
    -------
    MeasuredCost
        ``forward["hidden"]`` is the recurrent product ``W h`` only.
    """
    from ..lm.rnnlm import RNNLM

    owner = "measure_rnnlm"
    batch, length = check_int(batch, "batch", owner, low=1), check_int(length, "length", owner, low=1)
    model = RNNLM(V, hidden_size=H, fast=bool(fast), seed=seed)
    idx, targets = _lm_batch(V, batch, length, seed)
    step = count_step(lambda: model(idx, targets)[1], batch * length, tables={"U": model.U})
    fwd = step.forward
    output = sum(r.count for r in fwd.records if r.kind == "macs" and r.module == "RNNLM.V")
    recurrent = sum(r.count for r in fwd.records if r.kind == "macs" and r.module != "RNNLM.V" and r.op != "aten.bmm")
    identity = sum(r.count for r in fwd.records if r.kind == "macs" and r.module != "RNNLM.V" and r.op == "aten.bmm")
    forward = {"hidden": _per(step, recurrent), "output": _per(step, output)}
    left_out = {
        "input lookup U x_t": _per(step, fwd.by_table("lookup").get("U", 0)),
        "pointwise (tanh, softmax, loss)": _per(step, fwd.total("pointwise")),
    }
    if identity:
        left_out["identity input product of nn.RNN"] = _per(step, identity)
    return MeasuredCost(
        "RNNLM",
        "softmax",
        f"course.lm.rnnlm.RNNLM(fast={bool(fast)})",
        rnnlm_cost(H, V),
        forward,
        step.per_example("macs", "forward+backward"),
        step.per_example("macs"),
        left_out,
    )


def _score_product(step: Counted, hidden: Counted, at_least: int) -> int:
    """Multiply-adds of the first product in ``step`` after those ``hidden`` also does."""
    products = [r for r in step.records if r.kind == "macs" and r.count > 0]
    n_hidden = sum(1 for r in hidden.records if r.kind == "macs" and r.count > 0)
    for r in products[n_hidden:]:
        if r.count >= at_least:
            return r.count
    raise RuntimeError("no score product found in the training step: has Word2VecModel changed?")


def balanced_tree(V: int):
    """A Huffman tree over ``V`` equally frequent words: every code has length ``log2 V`` when
    ``V`` is a power of two, so the paper's ``log2 V`` holds exactly.

    >>> balanced_tree(1024).max_code_length
    10
    """
    from ..word2vec.huffman import HuffmanTree

    return HuffmanTree(np.ones(check_int(V, "V", "balanced_tree", low=2), dtype=np.int64))


def measure_word2vec(
    architecture: str,
    output: str,
    V: int,
    D: int,
    window: int = 4,
    negative: int = 5,
    tree=None,
    batch: int = 16,
    seed: int = 0,
) -> MeasuredCost:
    """Count one SGD step of :class:`course.word2vec.model.Word2VecModel`.

    Parameters
    ----------
    architecture : {"CBOW", "Skip-gram"}
    output : {"softmax", "hs", "ns"}
    V, D : int
        Vocabulary and vector sizes.
    window : int, default=4
        CBOW reads ``N = 2 x window`` context words (the paper's best: 4 before, 4 after).
    negative : int, default=5
        ``k`` for ``output="ns"``.
    tree : HuffmanTree, default=None
        For ``output="hs"``; default :func:`balanced_tree`. The targets of the batch are drawn
        from the tree's counts, so the mean code length of the batch estimates the tree's
        count-weighted mean code length.
    batch : int, default=16
        Examples in the step (Skip-gram pairs or CBOW windows).
    seed : int, default=0

    Returns
    -------
    MeasuredCost
        Formula: :func:`cbow_cost` with ``N = 2 x window`` or :func:`skipgram_cost` with
        ``C = 1`` (one pair), with ``code_length`` = the batch's mean code length for ``"hs"``.
        ``forward["output"]`` is the score product; the padded part of it is also booked under
        ``left_out["padding of the paths (wasted)"]``.

    Notes
    -----
    ``Word2VecModel`` writes its gradients by hand (no autograd) and has no forward-only entry
    point: ``sgd_step`` is the whole training step. Its forward part is :meth:`hidden` followed
    by the score product (``W_out h``, or the gathered rows times ``h`` as a ``bmm`` or an
    elementwise product), which every later product depends on; so the score product is the
    first product of at least ``B x D`` multiply-adds after those of ``hidden``
    (:func:`_score_product`). The next two are the backward ones (``dL/dh`` and the rows'
    gradients).
    """
    from ..word2vec.model import Batch, Word2VecModel

    owner = "measure_word2vec"
    architecture = check_choice(architecture, "architecture", owner, ("CBOW", "Skip-gram"))
    output = check_choice(output, "output", owner, tuple(_OBJECTIVE))
    window = check_int(window, "window", owner, low=1)
    negative = check_int(negative, "negative", owner, low=1)
    batch = check_int(batch, "batch", owner, low=1)
    if output == "hs" and tree is None:
        tree = balanced_tree(V)
    model = Word2VecModel(V, D, _OBJECTIVE[output], tree=tree, seed=seed)
    rng = np.random.default_rng(seed)
    if output == "hs":
        p = tree.counts / tree.counts.sum()
        outputs = torch.from_numpy(rng.choice(V, size=batch, p=p))
    else:
        outputs = torch.from_numpy(rng.integers(0, V, size=batch))
    negatives = torch.from_numpy(rng.integers(0, V, size=(batch, negative)))
    if architecture == "CBOW":
        N = 2 * window
        b = Batch(
            torch.from_numpy(rng.integers(0, V, size=(batch, N))),
            outputs,
            input_mask=torch.ones(batch, N, dtype=torch.bool),
            negatives=negatives,
        )
    else:
        b = Batch(torch.from_numpy(rng.integers(0, V, size=batch)), outputs, negatives=negatives)

    tables = {"W_in": model.W_in, "W_out": model.W_out}
    _, hidden = count_ops(model.hidden, b, tables=tables)
    _, step = count_ops(model.sgd_step, b, 0.025, compute_loss=False, tables=tables)
    scores = _score_product(step, hidden, batch * D)
    per = 1.0 / batch
    forward = {"projection": hidden.by_table("lookup").get("W_in", 0) * per, "output": scores * per}
    left_out = {
        "gradient scattered into W_in, W_out": step.total("scatter") * per,
        "pointwise (sigmoid / softmax)": step.total("pointwise") * per,
    }
    code_length = None
    if output == "hs":
        lengths = tree.code_lengths[outputs.numpy()]
        code_length = float(lengths.mean())
        if np.all(tree.code_lengths == np.log2(V)):  # balanced: the paper's log2 V exactly
            code_length = None
        left_out["padding of the paths (wasted)"] = D * (tree.max_code_length - float(lengths.mean()))
    if architecture == "CBOW":
        if hidden.total("macs"):
            left_out["context mask product"] = hidden.total("macs") * per
        formula = cbow_cost(2 * window, D, V, output, negative, code_length)
    else:
        formula = skipgram_cost(1, D, V, output, negative, code_length)
    forward_macs = (hidden.total("macs") + scores) * per
    return MeasuredCost(
        architecture,
        output,
        f"course.word2vec.model.Word2VecModel({_OBJECTIVE[output]!r})",
        formula,
        forward,
        step.total("macs") * per,
        forward_macs,
        left_out,
    )

"""Count the work a PyTorch computation really does: multiply-adds, lookups, scatters.

The cost model (:mod:`course.complexity.formulas`) is a claim about arithmetic; this module
measures it. :func:`count_ops` runs a function under a
:class:`~torch.utils._python_dispatch.TorchDispatchMode`, sees every ATen operator the function
(and autograd) executes, with its tensor shapes, and books it under one of four kinds:

``"macs"``
    Multiply-adds of products: ``mm``, ``addmm``, ``bmm``, ``baddbmm`` (``m k n`` per matrix
    product, as :class:`torch.utils.flop_counter.FlopCounterMode` counts them, which reports
    FLOPs ``= 2 x`` multiply-adds), plus ``mv``, ``addmv``, ``dot`` and elementwise ``mul`` of two
    tensors (a dot product written ``(u * v).sum(-1)`` does its multiplies there), which
    ``FlopCounterMode`` does not count.
``"lookup"``
    Numbers copied out of a table by ``embedding``, ``index_select``, ``gather``, ``index``,
    ``_embedding_bag``: the projection layer of the paper. They cost no arithmetic, so
    ``FlopCounterMode`` ignores them; the paper counts them (``N x D``).
``"scatter"``
    Numbers added back into a table in the backward pass (``embedding_dense_backward``,
    ``index_add``, ``index_put`` with accumulation, ``scatter_add``).
``"pointwise"``
    Elements produced by other pointwise operators and by the (log-)softmax: separate bias
    additions, nonlinearities, the softmax's exponentials, the loss. (A bias fused into
    ``addmm`` is not seen at all.) The paper leaves them out; they are O(H + V), not O(D H).

>>> import torch
>>> lin = torch.nn.Linear(3, 4)
>>> out, counted = count_ops(lin, torch.ones(2, 3))
>>> counted.total("macs"), counted.total("pointwise")     # 2 x 3 x 4 multiply-adds; no bias add
(24, 0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.module_tracker import ModuleTracker

from ..base.validation import check_int

__all__ = ["KINDS", "OpRecord", "Counted", "OpCounter", "StepCount", "count_ops", "count_step"]

#: The kinds of work that are counted, in the order tables show them.
KINDS = ("macs", "lookup", "scatter", "pointwise")

_aten = torch.ops.aten


def _numel(x) -> int:
    return int(x.numel()) if isinstance(x, torch.Tensor) else 0


def _mm(a, b) -> int:  # (m, k) @ (k, n)
    return a.shape[0] * a.shape[1] * b.shape[1]


def _bmm(a, b) -> int:  # (b, m, k) @ (b, k, n)
    return a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]


def _mul(a, b, out) -> int:
    # A product of two tensors (not a tensor and a scalar): one multiply per output element.
    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
        return 0
    if a.numel() == 1 or b.numel() == 1:
        return 0
    return _numel(out)


# op packet -> (kind, function(args, out) -> count)
_RULES: dict[Any, tuple[str, Callable[[tuple, Any], int]]] = {
    _aten.mm: ("macs", lambda a, o: _mm(a[0], a[1])),
    _aten.addmm: ("macs", lambda a, o: _mm(a[1], a[2])),
    _aten.bmm: ("macs", lambda a, o: _bmm(a[0], a[1])),
    _aten.baddbmm: ("macs", lambda a, o: _bmm(a[1], a[2])),
    _aten.mv: ("macs", lambda a, o: a[0].shape[0] * a[0].shape[1]),
    _aten.addmv: ("macs", lambda a, o: a[1].shape[0] * a[1].shape[1]),
    _aten.dot: ("macs", lambda a, o: a[0].shape[0]),
    _aten.vdot: ("macs", lambda a, o: a[0].shape[0]),
    _aten.mul: ("macs", lambda a, o: _mul(a[0], a[1], o)),
    _aten._log_softmax: ("pointwise", lambda a, o: _numel(o)),
    _aten._softmax: ("pointwise", lambda a, o: _numel(o)),
    _aten._log_softmax_backward_data: ("pointwise", lambda a, o: _numel(o)),
    _aten._softmax_backward_data: ("pointwise", lambda a, o: _numel(o)),
    _aten.embedding: ("lookup", lambda a, o: _numel(o)),
    _aten.index_select: ("lookup", lambda a, o: _numel(o)),
    _aten.gather: ("lookup", lambda a, o: _numel(o)),
    _aten.index: ("lookup", lambda a, o: _numel(o)),
    _aten.take: ("lookup", lambda a, o: _numel(o)),
    _aten._embedding_bag: ("lookup", lambda a, o: _numel(a[1]) * a[0].shape[1]),
    _aten._embedding_bag_forward_only: ("lookup", lambda a, o: _numel(a[1]) * a[0].shape[1]),
    _aten.embedding_dense_backward: ("scatter", lambda a, o: _numel(a[0])),
    _aten.embedding_backward: ("scatter", lambda a, o: _numel(a[0])),
    _aten._embedding_bag_backward: ("scatter", lambda a, o: _numel(a[1]) * a[0].shape[-1]),
    _aten._embedding_bag_dense_backward: ("scatter", lambda a, o: _numel(a[1]) * a[0].shape[-1]),
    _aten.index_add: ("scatter", lambda a, o: _numel(a[3])),
    _aten.index_add_: ("scatter", lambda a, o: _numel(a[3])),
    _aten.scatter_add: ("scatter", lambda a, o: _numel(a[3])),
    _aten.scatter_add_: ("scatter", lambda a, o: _numel(a[3])),
}


def _index_put(args, kwargs) -> int:
    accumulate = args[3] if len(args) > 3 else kwargs.get("accumulate", False)
    return _numel(args[2]) if accumulate else 0


_RULES[_aten.index_put] = ("scatter", None)  # handled by _index_put (needs kwargs)
_RULES[_aten.index_put_] = ("scatter", None)
_RULES[_aten._index_put_impl_] = ("scatter", None)


@dataclass(frozen=True)
class OpRecord:
    """One executed operator.

    Parameters
    ----------
    op : str
        ATen name, e.g. ``"aten.addmm"``.
    kind : str
        One of :data:`KINDS`.
    count : int
        Multiply-adds (``"macs"``) or numbers moved / produced (the other kinds).
    module : str
        The innermost ``nn.Module`` it ran in (``"Global"`` outside any), as
        :class:`torch.utils.module_tracker.ModuleTracker` names it, e.g. ``"NNLM.hidden"``.
    shapes : tuple of tuple of int
        Shapes of the tensor arguments.
    table : str or None
        For lookups and scatters: the name of the table read or written, when it is one of the
        ``tables`` given to :func:`count_ops` (e.g. ``"W_in"``), else None.
    """

    op: str
    kind: str
    count: int
    module: str
    shapes: tuple[tuple[int, ...], ...]
    table: str | None = None


@dataclass
class Counted:
    """The operators one computation ran, with totals by kind, operator and module."""

    records: list[OpRecord] = field(default_factory=list)

    def total(self, kind: str = "macs") -> int:
        """Sum of ``count`` over the records of ``kind``."""
        return sum(r.count for r in self.records if r.kind == kind)

    def by_op(self, kind: str = "macs") -> dict[str, int]:
        """``{op name: count}`` for one kind (ops with a zero count left out)."""
        out: dict[str, int] = defaultdict(int)
        for r in self.records:
            if r.kind == kind and r.count:
                out[r.op] += r.count
        return dict(out)

    def by_module(self, kind: str = "macs") -> dict[str, int]:
        """``{innermost module: count}`` for one kind (the layer each product belongs to)."""
        out: dict[str, int] = defaultdict(int)
        for r in self.records:
            if r.kind == kind and r.count:
                out[r.module] += r.count
        return dict(out)

    def by_table(self, kind: str = "lookup") -> dict[str | None, int]:
        """``{table name: count}`` for one kind (None: a table that was not named)."""
        out: dict[str | None, int] = defaultdict(int)
        for r in self.records:
            if r.kind == kind and r.count:
                out[r.table] += r.count
        return dict(out)

    def totals(self) -> dict[str, int]:
        """``{kind: total}`` over :data:`KINDS`."""
        return {k: self.total(k) for k in KINDS}


def _storage(t: torch.Tensor) -> int:
    return t.untyped_storage().data_ptr()


class OpCounter(TorchDispatchMode):
    def __init__(self, tracker: ModuleTracker, tables: Mapping[str, torch.Tensor] | None = None) -> None:
        super().__init__()
        self.tracker = tracker
        self.counted = Counted()
        self.tables = {_storage(t): name for name, t in (tables or {}).items()}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        packet = func._overloadpacket
        rule = _RULES.get(packet)
        if rule is not None:
            kind, fn = rule
            count = _index_put(args, kwargs) if fn is None else int(fn(args, out))
            if packet is _aten.mul and count == 0:  # scaling by a scalar: pointwise
                kind, count = "pointwise", _numel(out)
        elif torch.Tag.pointwise in func.tags:
            kind, count = "pointwise", _numel(out if isinstance(out, torch.Tensor) else None)
        else:
            return out
        module = max(self.tracker.parents, key=lambda p: (p != "Global", p.count("."), len(p)))
        shapes = tuple(tuple(a.shape) for a in args if isinstance(a, torch.Tensor))
        table = None
        if kind in ("lookup", "scatter") and args and isinstance(args[0], torch.Tensor):
            table = self.tables.get(_storage(args[0]))
        self.counted.records.append(OpRecord(str(packet), kind, count, module, shapes, table))
        return out


def count_ops(fn: Callable, *args, tables: Mapping[str, torch.Tensor] | None = None, **kwargs) -> tuple[Any, Counted]:
    """Run ``fn(*args, **kwargs)`` and count the work of every operator it executes.

    Parameters
    ----------
    fn : callable
        Any function or ``nn.Module`` built from PyTorch operators (a call of ``backward()``
        inside it is counted too).
    *args, **kwargs
        Passed to ``fn``.
    tables : mapping of str to Tensor, default=None
        Named embedding tables: lookups from and scatters into them are booked under the name
        (:meth:`Counted.by_table`), so the projection layer's lookups can be told apart from,
        say, the output rows that negative sampling gathers.

    Returns
    -------
    result : object
        What ``fn`` returned.
    counted : Counted

    Notes
    -----
    Matrix products count ``m k n`` multiply-adds, the convention of
    :class:`torch.utils.flop_counter.FlopCounterMode` (which reports ``2 m k n`` FLOPs); the
    tests check the two agree. Operators that the autograd engine runs from C++ worker threads
    are seen as well: dispatch modes apply to the backward pass.

    Examples
    --------
    >>> emb = torch.nn.Embedding(10, 4)
    >>> _, c = count_ops(emb, torch.tensor([1, 2, 3]), tables={"C": emb.weight})
    >>> c.totals(), c.by_table("lookup")
    ({'macs': 0, 'lookup': 12, 'scatter': 0, 'pointwise': 0}, {'C': 12})
    """
    tracker = ModuleTracker()
    with tracker:
        counter = OpCounter(tracker, tables)
        with counter:
            result = fn(*args, **kwargs)
    return result, counter.counted


@dataclass(frozen=True)
class StepCount:
    """Work of one training step (forward, then backward) over a batch, and per example.

    Parameters
    ----------
    forward, backward : Counted
    batch_size : int
        Training examples in the step; ``per_example`` divides by it.
    """

    forward: Counted
    backward: Counted
    batch_size: int

    def per_example(self, kind: str = "macs", phase: str = "forward") -> float:
        """Count of ``kind`` per example: ``phase`` is ``"forward"`` or ``"forward+backward"``."""
        total = self.forward.total(kind)
        if phase == "forward+backward":
            total += self.backward.total(kind)
        elif phase != "forward":
            raise ValueError(
                f"The 'phase' parameter of StepCount.per_example must be a str among "
                f"['forward', 'forward+backward']. Got {phase!r} instead."
            )
        return total / self.batch_size

    @property
    def backward_ratio(self) -> float:
        """``(forward + backward) / forward`` multiply-adds: about 3 for matrix products."""
        return (self.forward.total() + self.backward.total()) / self.forward.total()


def count_step(
    loss_fn: Callable[[], torch.Tensor], batch_size: int, tables: Mapping[str, torch.Tensor] | None = None
) -> StepCount:
    """Count one training step: ``loss = loss_fn()`` (forward), then ``loss.backward()``.

    Parameters
    ----------
    loss_fn : callable
        Returns a scalar loss tensor for a batch of ``batch_size`` training examples.
    batch_size : int
    tables : mapping of str to Tensor, default=None
        See :func:`count_ops`.

    Returns
    -------
    StepCount

    Examples
    --------
    >>> lin = torch.nn.Linear(5, 7, bias=False)
    >>> step = count_step(lambda: lin(torch.ones(2, 5)).sum(), batch_size=2)
    >>> step.per_example("macs"), step.per_example("macs", "forward+backward")
    (35.0, 70.0)

    The input needs no gradient here, so the backward pass does one product (the weight's
    gradient), not two.
    """
    batch_size = check_int(batch_size, "batch_size", "count_step", low=1)
    tracker = ModuleTracker()  # one tracker, so backward ops know their module too
    with tracker:
        fwd, bwd = OpCounter(tracker, tables), OpCounter(tracker, tables)
        with fwd:
            loss = loss_fn()
        if not (isinstance(loss, torch.Tensor) and loss.numel() == 1):
            raise ValueError(
                f"The 'loss_fn' parameter of count_step must return a scalar tensor. Got {type(loss).__name__} instead."
            )
        with bwd:
            loss.backward()
    return StepCount(fwd.counted, bwd.counted, batch_size)

"""Measured scaling: wall time per training example against the vocabulary size V.

The cost model predicts how the output layer's cost grows with ``V``: linearly for a full
softmax (``D x V``), like ``log2 V`` for hierarchical softmax and not at all for negative
sampling (``D x (k + 1)``). On log-log axes these are straight lines of slope 1, about 0.1
(``log2 V`` grows from 10 to 17 between ``V = 10^3`` and ``10^5``) and 0. This module times one
minibatch SGD step of the course's Skip-gram (:class:`course.word2vec.model.Word2VecModel`) at
several ``V``, fits the slope and compares it with the slope the cost model predicts over the
same ``V``.

Timings on a shared machine are noisy, so each point is the *minimum* over repeats (interference
only ever adds time) of a loop long enough to last a few milliseconds, after a warm-up call, on
one thread. The verdict tolerates ``0.3`` in slope: per-batch overheads (Python, operator
dispatch) flatten the cheap methods, and tables growing out of the CPU caches steepen every
method as ``V`` grows; neither comes near the gap of 1 between "linear" and "constant".

>>> round(loglog_slope([10, 100, 1000], [2.0, 20.0, 200.0]), 6)
1.0
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..base.validation import check_float, check_int
from .formulas import OUTPUTS, output_factor

__all__ = ["time_call", "loglog_slope", "zipf_counts", "ScalingResult", "time_output_layers", "SLOPE_TOLERANCE"]

#: Largest accepted difference between the measured and the predicted log-log slope.
SLOPE_TOLERANCE = 0.3


def time_call(
    fn: Callable[[], object], repeats: int = 5, warmup: int = 1, min_seconds: float = 0.005
) -> tuple[float, float]:
    """Seconds one call of ``fn`` takes, by the wall clock and by the thread's CPU clock.

    Parameters
    ----------
    fn : callable
        Called without arguments.
    repeats : int, default=5
        Timed loops; the fastest is kept (noise only adds time).
    warmup : int, default=1
        Untimed calls first (allocations, caches, lazy initialisation).
    min_seconds : float, default=0.005
        Each loop calls ``fn`` often enough to last at least this long (the count is set from
        the warm-up), so the timer's resolution does not matter.

    Returns
    -------
    wall : float
        Minimum over the loops of the wall time per call (:func:`time.perf_counter`).
    cpu : float
        Minimum over the loops of the CPU time per call of the calling thread
        (:func:`time.thread_time`). With one torch thread all the work runs in this thread,
        and time spent waiting for other processes on a busy machine is not counted.

    Examples
    --------
    >>> wall, cpu = time_call(lambda: sum(range(1000)), repeats=2)
    >>> 0 < wall < 1 and 0 <= cpu < 1
    True
    """
    repeats = check_int(repeats, "repeats", "time_call", low=1)
    warmup = check_int(warmup, "warmup", "time_call", low=0)
    min_seconds = check_float(min_seconds, "min_seconds", "time_call", low=0.0)
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    number = max(1, int(np.ceil(min_seconds / max(once, 1e-9))))
    wall = cpu = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        for _ in range(number):
            fn()
        c1, t1 = time.thread_time(), time.perf_counter()
        wall, cpu = min(wall, (t1 - t0) / number), min(cpu, (c1 - c0) / number)
    return wall, cpu


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """Least-squares slope of ``log y`` against ``log x`` (the exponent of ``y ~ x^slope``).

    Examples
    --------
    >>> round(loglog_slope([1e3, 1e4, 1e5], [5.0, 5.0, 5.0]), 6)
    0.0
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(
            f"loglog_slope needs two 1-D sequences of the same length >= 2. Got shapes {x.shape} and {y.shape} instead."
        )
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("loglog_slope needs positive x and y (they are logged).")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def zipf_counts(V: int, s: float = 1.0, total: float = 1e8) -> np.ndarray:
    """Word counts following Zipf's law, ``count(r) ~ total / r^s``, at least 1.

    A stand-in vocabulary of any size for the timing runs (the Huffman tree of hierarchical
    softmax depends on the counts).

    >>> zipf_counts(4).tolist()
    [48000000, 24000000, 16000000, 12000000]
    """
    V = check_int(V, "V", "zipf_counts", low=2)
    r = np.arange(1, V + 1, dtype=np.float64) ** -check_float(s, "s", "zipf_counts", low=0.0)
    return np.maximum(1, np.round(total * r / r.sum())).astype(np.int64)


@dataclass(frozen=True)
class ScalingResult:
    """Time per example against V for one output layer, and the verdict on its slope.

    Parameters
    ----------
    output : str
        ``"softmax"``, ``"hs"`` or ``"ns"``.
    V : ndarray of shape (P,)
    wall, cpu : ndarray of shape (P,)
        Wall time and CPU time of one training example (a Skip-gram pair): the step's time
        divided by the batch size (:func:`time_call`).
    predicted_slope : float
        Slope of the cost model's output factor (``V``, ``log2 V``, ``k + 1``) over the same V.
    tolerance : float, default=SLOPE_TOLERANCE
    """

    output: str
    V: np.ndarray
    wall: np.ndarray
    cpu: np.ndarray
    predicted_slope: float
    tolerance: float = SLOPE_TOLERANCE

    @property
    def slope(self) -> float:
        """Fitted log-log slope of the CPU time per example (the verdict's measurement)."""
        return loglog_slope(self.V, self.cpu)

    @property
    def wall_slope(self) -> float:
        """Fitted log-log slope of the wall time per example."""
        return loglog_slope(self.V, self.wall)

    @property
    def agrees(self) -> bool:
        """Whether ``|slope - predicted_slope| <= tolerance``."""
        return abs(self.slope - self.predicted_slope) <= self.tolerance

    def verdict(self) -> str:
        """One line: the predicted slope and whether the measurement agrees with it.

        Only the (rounded) prediction and the verdict appear, so the line is stable under timing
        noise; the fitted slope itself is in :attr:`slope`.
        """
        word = "agrees with" if self.agrees else "DISAGREES with"
        predicted = round(self.predicted_slope, 2) + 0.0  # no "-0.00"
        return (
            f"{self.output:>7}: the measured slope {word} the cost model's {predicted:.2f} (tolerance {self.tolerance})"
        )


def time_output_layers(
    Vs: Sequence[int],
    D: int = 100,
    batch: int = 256,
    negative: int = 5,
    outputs: Sequence[str] = OUTPUTS,
    repeats: int = 5,
    threads: int = 1,
    seed: int = 0,
) -> list[ScalingResult]:
    """Time one Skip-gram SGD step per output layer and vocabulary size.

    Parameters
    ----------
    Vs : sequence of int
        Vocabulary sizes (log-spaced, e.g. ``np.geomspace(1e3, 1e5, 5)``).
    D : int, default=100
        Vector size.
    batch : int, default=256
        Pairs per step; times are divided by it.
    negative : int, default=5
        ``k`` of negative sampling.
    outputs : sequence of str, default=("softmax", "hs", "ns")
    repeats : int, default=5
        Rounds of timing. Each round times every (V, output) point once, so a burst of load
        from other processes spreads over all points instead of spoiling one; each point keeps
        its fastest round.
    threads : int, default=1
        ``torch.set_num_threads`` during the timing (restored after): one thread is steadier on
        a shared machine, and keeps all the work in the thread whose CPU time is measured.
    seed : int, default=0
        Seed of the random batches and of the input vectors.

    Returns
    -------
    list of ScalingResult
        One per output layer, in the order of ``outputs``.

    Notes
    -----
    The hierarchical-softmax tree is built on :func:`zipf_counts` (a Zipfian vocabulary of each
    size) and the batch's output words are drawn from the same counts. The course's batched
    implementation pads every path to the tree's longest code, so its cost grows with the
    longest code, not the mean one; both grow like ``log V``.
    """
    from ..word2vec.huffman import HuffmanTree
    from ..word2vec.model import Batch, Word2VecModel

    owner = "time_output_layers"
    Vs = [check_int(v, "Vs", owner, low=2) for v in Vs]
    D, batch = check_int(D, "D", owner, low=1), check_int(batch, "batch", owner, low=1)
    repeats = check_int(repeats, "repeats", owner, low=1)
    threads = check_int(threads, "threads", owner, low=1)
    objective = {"softmax": "softmax", "hs": "hierarchical", "ns": "negative"}
    steps = {}  # (output, V) -> a training step to time
    for V in Vs:
        rng = np.random.default_rng(seed)
        counts = zipf_counts(V)
        tree = HuffmanTree(counts) if "hs" in outputs else None
        b = Batch(
            torch.from_numpy(rng.integers(0, V, size=batch)),
            torch.from_numpy(rng.choice(V, size=batch, p=counts / counts.sum())),
            negatives=torch.from_numpy(rng.integers(0, V, size=(batch, negative))),
        )
        for o in outputs:
            model = Word2VecModel(V, D, objective[o], tree=tree, seed=seed)
            steps[o, V] = lambda m=model, b=b: m.sgd_step(b, 1e-3, compute_loss=False)
    wall = {key: float("inf") for key in steps}
    cpu = dict(wall)
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for step in steps.values():  # warm up every point once
            step()
        for _ in range(repeats):
            for key, step in steps.items():
                w, c = time_call(step, repeats=1, warmup=0)
                wall[key], cpu[key] = min(wall[key], w / batch), min(cpu[key], c / batch)
    finally:
        torch.set_num_threads(old_threads)
    results = []
    for o in outputs:
        factor = [output_factor(V, o, negative) for V in Vs]
        results.append(
            ScalingResult(
                o,
                np.asarray(Vs),
                np.array([wall[o, V] for V in Vs]),
                np.array([cpu[o, V] for V in Vs]),
                loglog_slope(Vs, factor),
            )
        )
    return results

"""Run a notebook's code cells in a fenced kernel, one by one, within time limits that hold.

nbclient executes each cell with a time limit (``Limits.timeout``, or what is left of
``Limits.notebook_timeout``); past it nbclient interrupts the kernel. A cell that catches the
``KeyboardInterrupt`` and goes on would make nbclient wait forever, so each cell also has a hard
deadline :data:`GRACE` seconds later, at which the kernel's whole process tree is killed (the
sandbox's PID namespace, or its process group) and the run stops. A kernel that dies (``os._exit``,
a signal, a crash) stops the run too; :class:`Run` says which cell and why. Outputs beyond
:data:`OUTPUT_CAP` bytes per cell are dropped, so a cell that prints forever cannot exhaust the
grader's memory.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox import Sandbox

__all__ = ["Limits", "Run", "execute", "check_positive", "GRACE", "OUTPUT_CAP", "MIME"]

MIME = "application/vnd.course.grade+json"  # the grader's record of one exercise's check: never capped
GRACE = 3.0  # seconds a cell has, after the interrupt, before its kernel is killed
OUTPUT_CAP = 2**22  # bytes of output kept per cell


def check_positive(value, name: str) -> float:
    """``value`` as a float if it is finite and > 0, else the validation message naming ``name``."""
    from ..base.validation import check_float

    value = check_float(value, name, "grade", low=0.0, low_closed=False)
    if not math.isfinite(value):
        raise ValueError(
            f"The {name!r} parameter of grade must be a float in the range (0, inf). Got {value!r} instead."
        )
    return value


@dataclass(frozen=True)
class Limits:
    """What one submission may use.

    Parameters
    ----------
    timeout : float, default=600
        Seconds per cell; then the kernel is interrupted, and killed :data:`GRACE` s later.
    notebook_timeout : float, default=1800
        Seconds for the whole notebook, its cells and the grader's checks.
    memory_mb : float, default=8192
        MiB of address space for the kernel (``RLIMIT_AS``).

    >>> Limits(timeout=0)
    Traceback (most recent call last):
    ...
    ValueError: The 'timeout' parameter of grade must be a float in the range (0, inf). Got 0.0 instead.
    """

    timeout: float = 600
    notebook_timeout: float = 1800
    memory_mb: float = 8192

    def __post_init__(self):
        for name in ("timeout", "notebook_timeout", "memory_mb"):
            object.__setattr__(self, name, check_positive(getattr(self, name), name))


@dataclass
class Run:
    """What happened to the cells of one run: notes per cell index, the executed ones, why it stopped."""

    notes: dict[int, str] = field(default_factory=dict)
    executed: set[int] = field(default_factory=set)
    stopped: str = ""


def _client_class():
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """An nbclient that keeps at most OUTPUT_CAP bytes of output per cell (the grader's record always)."""

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            if MIME not in content.get("data", {}):
                size = self._sizes.get(cell_index, 0) + len(json.dumps(content, default=str))
                self._sizes[cell_index] = size
                if size > OUTPUT_CAP:
                    return None
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def _kernel_manager(sandbox: Sandbox, scratch: Path):
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return sandbox.command(super().format_kernel_cmd(extra_arguments), scratch)

    return SandboxedKernelManager(kernel_name="python3")


def _kernel_env(scratch: Path) -> dict[str, str]:
    from ..base.paths import data_dir

    env = dict(os.environ)
    for name in ("ipython", "jupyter", "tmp"):
        (scratch / name).mkdir(exist_ok=True)
    env.update(
        IPYTHONDIR=str(scratch / "ipython"),
        JUPYTER_CONFIG_DIR=str(scratch / "jupyter"),
        TMPDIR=str(scratch / "tmp"),
        PYTHONNOUSERSITE="1",
        COURSE_DATA_DIR=str(data_dir()),
    )
    return env


async def _execute_async(
    nb, work: Path, scratch: Path, limits: Limits, sandbox: Sandbox, name: Callable[[int], str] = "cell {}".format
) -> Run:
    """Run the code cells of ``nb`` in place, one by one, within the limits; ``name(i)`` names cell i."""
    from nbclient.exceptions import DeadKernelError

    run = Run()
    km = _kernel_manager(sandbox, scratch)
    client = _client_class()(
        nb,
        km=km,
        timeout=int(math.ceil(limits.timeout)),
        allow_errors=True,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(work)}},
    )
    client._sizes = {}
    read, write = os.pipe()  # the launcher's stdin: it kills the kernel when this process goes away
    log = open(scratch / "kernel.log", "wb")
    try:
        try:
            await client.async_start_new_kernel(env=_kernel_env(scratch), stdin=read, stdout=log, stderr=log)
            await client.async_start_new_kernel_client()
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is a grade
            tail = (scratch / "kernel.log").read_text(errors="replace").strip().splitlines()[-1:]
            run.stopped = (
                f"the kernel did not start ({type(exc).__name__}: {exc}"
                + (f"; {tail[0]}" if tail else "")
                + f"; it may use {limits.memory_mb:g} MiB)"
            )
            return run
        finally:
            os.close(read)
        deadline = time.monotonic() + limits.notebook_timeout
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                run.stopped = f"the notebook ran longer than {limits.notebook_timeout:g} s"
                break
            by_cell = limits.timeout <= left
            limit = limits.timeout if by_cell else left
            why = (
                f"a cell ran longer than {limits.timeout:g} s"
                if by_cell
                else f"the notebook ran longer than {limits.notebook_timeout:g} s"
            )
            client.timeout = max(1, int(math.ceil(limit)))
            run.executed.add(index)
            start = time.monotonic()
            task = asyncio.ensure_future(client.async_execute_cell(cell, index))
            done, _ = await asyncio.wait({task}, timeout=client.timeout + GRACE)
            if task not in done:  # the interrupt was swallowed: stop the whole process tree
                await km.shutdown_kernel(now=True)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                run.notes[index] = f"timed out ({why}; it ignored the interrupt, so its kernel was stopped)"
                run.stopped = f"the kernel was stopped in {name(index)}: {why}"
                break
            try:
                task.result()
            except DeadKernelError:
                run.notes[index] = "the kernel died in this cell (killed, os._exit, or a crash)"
                run.stopped = f"the kernel died in {name(index)}"
                break
            except Exception as exc:  # noqa: BLE001
                run.notes[index] = f"{type(exc).__name__}: {exc}"
                run.stopped = f"the run failed in {name(index)}: {type(exc).__name__}"
                break
            if time.monotonic() - start >= client.timeout:
                run.notes[index] = f"timed out ({why})"
    finally:
        os.close(write)
        log.close()
        try:
            await km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - already gone
            pass
        try:
            client.kc and client.kc.stop_channels()
        except Exception:  # noqa: BLE001
            pass
    return run


def execute(
    nb, work: Path, scratch: Path, limits: Limits, sandbox: Sandbox, name: Callable[[int], str] = "cell {}".format
) -> Run:
    """Run the code cells of ``nb`` in place in a fresh kernel started in ``work``, fenced by ``sandbox``.

    ``scratch`` is a private folder for the kernel's settings and log and the sandbox's layers;
    ``name(i)`` names cell ``i`` in the messages.
    """
    from jupyter_core.utils import run_sync

    return run_sync(_execute_async)(nb, work, scratch, limits, sandbox, name)

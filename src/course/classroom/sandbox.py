"""The fence around a graded kernel: a memory limit, read-only folders, one process tree to kill.

The grader starts each student's kernel through this file's launcher instead of directly::

    unshare --user --map-root-user --mount --pid --fork --kill-child --mount-proc \\
        python -I sandbox.py --read-only CHECKOUT --read-only SUBMISSIONS ... \\
        --overlay DATA UPPER WORK --memory BYTES --lock -- python -m ipykernel_launcher -f ...

``unshare`` (util-linux) puts the launcher in new user, mount and PID namespaces, which needs no
privilege on Linux. The launcher, process 1 there, bind-mounts each ``--read-only`` folder onto
itself read-only, puts a throwaway writable layer (overlayfs) over each ``--overlay`` folder, so
the chapter's data caches work and nothing reaches the disk, checks that none of the read-only
folders is writable, and starts the kernel with ``RLIMIT_AS`` (its address space) capped at
``--memory`` bytes. With ``--lock`` the kernel starts in one more user and mount namespace, where
the kernel locks those mounts: root of that namespace, the student's code can neither unmount
them nor make them writable again. The mounts exist only in the namespace: nothing changes on
the host. When the kernel exits, process 1 exits and the kernel destroys every process of the
namespace; killing ``unshare``'s process group (what ``jupyter_client`` does) kills them all.

Where ``unshare`` is missing or refused (macOS, a container without user namespaces), the
launcher runs without the namespaces: the memory limit and the process group remain, the
folders stay writable, and :func:`isolation_problem` says why.

The launcher uses only the standard library (it runs with ``python -I``, outside the course's
environment), reads the grader's pipe on its standard input and kills the kernel when the grader
goes away (when that input is a pipe), so a grader killed mid-notebook leaves no kernel looping behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Sandbox", "isolation_problem", "UNSHARE"]

UNSHARE = ("unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc")
LOCK = ("unshare", "--user", "--map-root-user", "--mount", "--")


@dataclass(frozen=True)
class Sandbox:
    """How a graded kernel is fenced in.

    Parameters
    ----------
    read_only : tuple of Path
        Folders the kernel must not write to (their subfolders included).
    overlay : tuple of Path
        Folders the kernel reads and may seem to write to: its writes go to a throwaway layer.
    memory_mb : float
        The cap on the kernel's address space (``RLIMIT_AS``), in MiB.
    isolate : bool
        Use the namespaces (read-only folders, one PID namespace); False: limits only.
    """

    read_only: tuple[Path, ...] = ()
    overlay: tuple[Path, ...] = ()
    memory_mb: float = 4096
    isolate: bool = True
    _launcher: Path = field(default=Path(__file__).resolve(), repr=False)

    def command(self, kernel: list[str], scratch: Path) -> list[str]:
        """The command that starts ``kernel`` in the sandbox; ``scratch`` holds the overlay layers."""
        cmd = [sys.executable, "-I", str(self._launcher), "--memory", str(int(self.memory_mb * 2**20))]
        if self.isolate:
            for path in self.read_only:
                cmd += ["--read-only", str(path)]
            for i, path in enumerate(self.overlay):
                upper, work = scratch / f"overlay{i}" / "upper", scratch / f"overlay{i}" / "work"
                upper.mkdir(parents=True, exist_ok=True)
                work.mkdir(parents=True, exist_ok=True)
                cmd += ["--overlay", str(path), str(upper), str(work)]
            cmd = [*UNSHARE, *cmd, "--lock"]
        return [*cmd, "--", *kernel]


def isolation_problem(sandbox: Sandbox, scratch: Path) -> str:
    """Why ``sandbox`` cannot isolate on this machine ("" when it can): one real launch of it."""
    if sys.platform != "linux":
        return f"mount and PID namespaces need Linux (this is {sys.platform})"
    try:
        run = subprocess.run(
            sandbox.command([sys.executable, "-I", "-c", "pass"], scratch),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run unshare: {exc}"
    if run.returncode:
        return (run.stderr.strip().splitlines() or [f"the launcher exited with status {run.returncode}"])[-1]
    return ""


# ----------------------------------------------------------------------------- inside the sandbox
def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"sandbox: mount {' '.join(args)} failed: {done.stderr.strip()}")


def _fence(read_only: list[str], overlays: list[list[str]]) -> None:
    for path in read_only:
        _mount("--bind", path, path)
        _mount("-o", "remount,bind,ro", path)
    for lower, upper, work in overlays:  # after the read-only binds, so a layer inside one stays on top
        _mount("-t", "overlay", "overlay", "-o", f"lowerdir={lower},upperdir={upper},workdir={work}", lower)
    writable = [path for path in read_only if os.access(path, os.W_OK)]
    if writable:
        sys.exit(f"sandbox: {writable[0]} is still writable after the read-only mount")


def _limit(memory: int) -> None:
    """In the kernel's process, before exec: the memory cap, and Ctrl-C back to its default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError) as exc:  # macOS refuses RLIMIT_AS below its current use
        os.write(2, f"sandbox: no memory limit ({exc})\n".encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="start a graded kernel in its sandbox")
    parser.add_argument("--read-only", action="append", default=[])
    parser.add_argument("--overlay", nargs=3, action="append", default=[])
    parser.add_argument("--memory", type=int, required=True)
    parser.add_argument("--lock", action="store_true")
    parser.add_argument("kernel", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    kernel = args.kernel[1:] if args.kernel[:1] == ["--"] else args.kernel
    _fence(args.read_only, args.overlay)
    env = {**os.environ, "JPY_PARENT_PID": str(os.getpid())}  # ipykernel exits when its parent changes
    child = subprocess.Popen(
        [*LOCK, *kernel] if args.lock else kernel,
        stdin=subprocess.DEVNULL,
        env=env,
        preexec_fn=lambda: _limit(args.memory),
    )
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the kernel, not for us
    signal.signal(signal.SIGTERM, lambda *_: child.kill())

    def watch_grader() -> None:  # the grader holds the other end of our stdin: EOF means it is gone
        try:
            while os.read(0, 1024):
                pass
        except OSError:
            pass
        child.kill()

    if stat.S_ISFIFO(os.fstat(0).st_mode):
        threading.Thread(target=watch_grader, daemon=True).start()
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())

"""``make pretrained`` on two cores: the artifacts in lanes that train side by side.

Made one after the other, the artifacts take the sum of their training times (about 5.6 hours on
the 2-core reference machine, most of it word2vec at scale). Every recipe trains on one or two
torch threads, so two recipes with one thread each use both cores without slowing each other (two
jobs of two threads each would: four threads on two cores). :func:`lanes` splits the artifacts
into ``jobs`` lanes and :func:`make_all` runs the lanes side by side, each command with one
thread and its output in a log file.

The word2vec artifacts stay in one lane, in registry order: they share
:func:`course.evaluation.at_scale.work_dir`, and ``word2vec-vectors`` reuses a run that
``word2vec-outcomes`` trains. The other artifacts are independent; they go, longest first, to the
lane with the least recorded training time (the longest-processing-time rule).
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..base.validation import check_int
from . import REGISTRY_PATH, RegistryError, make, read_registry

__all__ = ["lanes", "make_all"]


def _chain(name: str, kind: str) -> str:
    return "word2vec" if kind.startswith("word2vec") else name


def lanes(names: list[str], jobs: int, registry: Path = REGISTRY_PATH) -> list[list[str]]:
    """The artifacts ``names`` split into at most ``jobs`` lanes, each in registry order.

    >>> lanes(["bilm", "lm-lstm", "lm-nnlm", "lm-rnnlm", "word2vec-outcomes", "word2vec-vectors"], 2)
    [['word2vec-outcomes', 'word2vec-vectors'], ['bilm', 'lm-nnlm', 'lm-rnnlm', 'lm-lstm']]
    """
    check_int(jobs, "jobs", "lanes", low=1)
    entries = read_registry(registry)
    unknown = [n for n in names if n not in entries]
    if unknown:
        raise RegistryError(f"No artifact is called {unknown[0]!r}; the registry has {sorted(entries)}.")
    chains: dict[str, list[str]] = {}
    for name in entries:  # registry order within a chain
        if name in names:
            chains.setdefault(_chain(name, entries[name].kind), []).append(name)
    cost = {key: sum(entries[n].training_seconds for n in members) for key, members in chains.items()}
    loads = [0.0] * min(jobs, len(chains))
    assigned: list[list[str]] = [[] for _ in loads]
    for key in sorted(chains, key=lambda k: (-cost[k], k)):  # longest first; ties by name
        i = loads.index(min(loads))
        loads[i] += cost[key]
        assigned[i].append(key)
    return [[n for n in entries if n in names and _chain(n, entries[n].kind) in keys] for keys in assigned]


def make_all(names: list[str], jobs: int = 2, registry: Path = REGISTRY_PATH, *, log_dir, run=None, echo=print):
    """Make the artifacts ``names`` in :func:`lanes` side by side; return ``{name: Artifact}``.

    With ``jobs=1`` the commands run one after the other with their recorded threads and print to
    the terminal (``make --all``). With more, each command runs with ``--threads 1`` and writes its
    output to ``log_dir/NAME.log``. A lane stops at its first failure and the others finish what
    they are making; then :class:`RegistryError` names every failed artifact and its log. An
    artifact is replaced only by a command that succeeded (:func:`course.pretrained.make`).
    """
    check_int(jobs, "jobs", "make_all", low=1)
    kwargs = {} if run is None else {"run": run}
    plan = lanes(names, jobs, registry)
    made, failed = {}, []
    if jobs == 1:  # the recorded commands as they are, printing to the terminal
        for name in plan[0] if plan else []:
            echo(f"making {name}: {' '.join(read_registry(registry)[name].command)}", flush=True)
            a = made[name] = make(name, registry, **kwargs)
            echo(f"  {name}: {a.size_bytes:,} bytes, sha256 {a.sha256}", flush=True)
        return made
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    def lane(members: list[str]) -> None:
        for name in members:
            log = log_dir / f"{name}.log"
            with lock:
                echo(f"making {name} (one thread; output in {log})", flush=True)
            try:
                a = make(name, registry, threads=1, log=log, **kwargs)
            except Exception as error:  # reported below, with the log to read
                with lock:
                    failed.append((name, log, error))
                    echo(f"  {name} FAILED: {error}", flush=True)
                return
            with lock:
                made[name] = a
                echo(
                    f"  {name}: {a.size_bytes:,} bytes, {a.training_seconds / 60:.1f} min, sha256 {a.sha256}",
                    flush=True,
                )

    threads = [threading.Thread(target=lane, args=(members,)) for members in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        detail = "; ".join(f"{n} ({type(e).__name__}: {e}; see {log})" for n, log, e in failed)
        raise RegistryError(f"{len(failed)} artifact(s) could not be made: {detail}")
    return made

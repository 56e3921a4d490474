"""``python -m course.pretrained``: list, verify and remake the shipped artifacts.

Usage::

    python -m course.pretrained list              # name, size, sha256, how it was made
    python -m course.pretrained verify [NAME ...] # exit 1 if any file is missing, truncated or changed
    python -m course.pretrained make NAME [...]   # rerun the recorded command, record the new digest
    python -m course.pretrained make --all        # every artifact, one after the other
    python -m course.pretrained make --all --jobs 2  # in two lanes side by side (what `make pretrained` runs)
    python -m course.pretrained report --json     # every at-scale figure from the shipped artifacts
"""

from __future__ import annotations

import argparse
import sys

from . import RegistryError, names, read_registry, verify


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.pretrained", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the shipped artifacts")
    check = sub.add_parser("verify", help="check that every artifact file is intact")
    check.add_argument("names", nargs="*")
    remake = sub.add_parser("make", help="remake artifacts with their recorded commands")
    remake.add_argument("names", nargs="*")
    remake.add_argument("--all", action="store_true")
    remake.add_argument(
        "--jobs", type=int, default=1, help="lanes side by side, one thread per command (2 on a 2-core machine)"
    )
    rep = sub.add_parser("report", help="every at-scale figure, computed from the shipped artifacts")
    rep.add_argument("--json", action="store_true", help="one JSON object (the only format)")
    args = parser.parse_args(argv)
    if args.command == "report":
        import json

        from .report import report

        print(json.dumps(report(), indent=2))
        return 0
    known = names()
    for name in getattr(args, "names", []):
        if name not in known:
            parser.error(f"no artifact is called {name!r}; the registry has {known}")
    if args.command == "list":
        for a in read_registry().values():
            print(f"{a.name}  {a.size_bytes / 2**20:.1f} MB  sha256 {a.sha256[:16]}...  {a.kind}: {a.description}")
            print(
                f"    made by: {' '.join(a.command)}  (seed {a.seed}, {a.training_seconds / 60:.1f} min on {a.machine})"
            )
            print(
                f"    sources: {', '.join(a.sources)} (corpus checksum {a.corpus_checksum}); "
                f"package {a.package_version}"
            )
        return 0
    if args.command == "verify":
        problems = verify(args.names or None)
        for line in problems:
            print(line, file=sys.stderr)
        print(
            f"{len(args.names or known)} artifact(s) checked: {'all intact' if not problems else f'{len(problems)} problem(s)'}"
        )
        return 1 if problems else 0
    if not args.names and not args.all:
        parser.error("name the artifacts to remake, or give --all")
    from ..base.paths import data_dir
    from .parallel import make_all

    try:
        make_all(known if args.all else args.names, args.jobs, log_dir=data_dir() / "pretrained-logs")
    except RegistryError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m course.evaluation.at_scale run | restore | outcomes --out F | vectors --out F``."""

from __future__ import annotations

import argparse
import sys

from . import __doc__ as _doc
from .plan import SEEDS, plan, schedule, work_dir
from .runs import restore, run_all, write_outcomes, write_vectors


def main(argv=None) -> int:
    """``python -m course.evaluation.at_scale run | restore | outcomes --out F | vectors --out F``."""
    parser = argparse.ArgumentParser(prog="python -m course.evaluation.at_scale", description=_doc.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="train the runs not yet finished (resumable)")
    groups = ["sweep", "main", "grid", "tune", "tuned"]
    r.add_argument("--groups", nargs="+", default=groups, choices=groups)
    r.add_argument("--list", action="store_true", help="print the runs and whether each has finished")
    r.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    r.add_argument("--threads", type=int, default=1)
    sub.add_parser("restore", help="write run files for the shipped runs this folder lacks (a fresh clone resumes)")
    o = sub.add_parser("outcomes", help="train what is missing, then write the shipped outcomes")
    o.add_argument("--out", required=True)
    o.add_argument("--threads", type=int, default=1)
    v = sub.add_parser("vectors", help="train what is missing, then write the shipped vectors")
    v.add_argument("--out", required=True)
    v.add_argument("--run", default="ours-skipgram-ns-s0")
    v.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "run":
        chosen = set(args.groups)
        if args.list:
            for r in schedule(tuple(args.seeds)):
                print(f"{r.name:28s} {'done' if (work_dir() / f'{r.name}.npz').exists() else '-'}")
            return 0
        run_all([r for r in schedule(tuple(args.seeds)) if r.group in chosen], args.threads)
    elif args.command == "restore":
        names = restore()
        print(f"restored {len(names)} run(s) into {work_dir()}: {', '.join(names) or 'none missing'}")
    elif args.command == "outcomes":
        run_all(schedule(), args.threads)
        write_outcomes(args.out)
    else:
        run_all([r for r in plan(["main", "tuned"], [0]) if r.name == args.run], args.threads)
        write_vectors(args.out, args.run)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

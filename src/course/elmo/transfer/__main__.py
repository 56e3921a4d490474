"""``python -m course.elmo.transfer --json``: chapter 10's results from the cached features."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.elmo.transfer", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args(argv)
    import torch

    from .experiments import report

    torch.set_num_threads(1)
    result = report()
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

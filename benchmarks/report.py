"""Report benchmark: time and size of the HTML report on large votes.

Usage::

    python benchmarks/report.py [--rows 1000000] [--lfs 100] [--smoke]

Draws binary votes with ``weaklabel.datasets.make_votes`` (``harness.synthetic.binary_votes``:
about 30 votes per row), fits the default LabelModel, and times ``build_report`` (with gold labels
and a 200-character text per row, so every section is filled) and the write; prints seconds and
the file size. The issue's target: 1M rows x 100 LFs in under a minute and under 5 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from harness.results import parse_args, write_results
from harness.synthetic import binary_votes
from harness.timing import Stopwatch

from weaklabel.analysis import build_report
from weaklabel.models import LabelModel

SMOKE = {"rows": 5_000, "lfs": 40}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lfs", type=int, default=100)
    args = parse_args(parser, argv, SMOKE)
    votes, truth = binary_votes(args.rows, args.lfs, votes_per_row=30)
    model = LabelModel(progress=False, random_state=0).fit(votes)
    probs = model.predict_proba(votes)
    data = pd.DataFrame(
        {"text": pd.Series(["a comment of about two hundred characters " * 5] * args.rows)}
    )
    with Stopwatch() as built:
        report = build_report(votes, model, probs=probs, data=data, gold=truth, title="benchmark")
    with tempfile.TemporaryDirectory() as folder:
        with Stopwatch() as written:
            path = report.save(Path(folder) / "report.html")
        size = path.stat().st_size
    print(f"{args.rows:,} rows x {args.lfs} LFs ({votes.n_votes:,} votes)")
    print(
        f"build_report: {built.seconds:.1f} s; write: {written.seconds:.2f} s; "
        f"size: {size / 1e6:.2f} MB"
    )
    target = built.seconds + written.seconds < 60 and size < 5e6
    print(f"target (< 60 s, < 5 MB): {'met' if target else 'MISSED'}")
    results = {
        "rows": args.rows,
        "lfs": args.lfs,
        "n_votes": votes.n_votes,
        "build_s": built.seconds,
        "write_s": written.seconds,
        "size_bytes": size,
        "target_met": target,
    }
    write_results("report", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

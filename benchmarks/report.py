"""Report benchmark: time and size of the HTML report on large votes.

Usage::

    python benchmarks/report.py [--rows 1000000] [--lfs 100]

Draws binary votes with ``weaklabel.datasets.make_votes`` (about 30 votes per row), fits the
default LabelModel, and times ``build_report`` (with gold labels and a 200-character text per
row, so every section is filled) and the write; prints seconds and the file size. The issue's
target: 1M rows x 100 LFs in under a minute and under 5 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from weaklabel.analysis import build_report
from weaklabel.datasets import make_votes
from weaklabel.models import LabelModel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lfs", type=int, default=100)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    votes, truth = make_votes(
        args.rows,
        rng.uniform(0.55, 0.9, args.lfs),
        np.full(args.lfs, 30 / args.lfs),
        random_state=0,
    )
    model = LabelModel(progress=False, random_state=0).fit(votes)
    probs = model.predict_proba(votes)
    data = pd.DataFrame(
        {"text": pd.Series(["a comment of about two hundred characters " * 5] * args.rows)}
    )
    start = time.perf_counter()
    report = build_report(votes, model, probs=probs, data=data, gold=truth, title="benchmark")
    built = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        path = report.save(Path(folder) / "report.html")
        written = time.perf_counter() - start
        size = path.stat().st_size
    print(f"{args.rows:,} rows x {args.lfs} LFs ({votes.n_votes:,} votes)")
    print(f"build_report: {built:.1f} s; write: {written:.2f} s; size: {size / 1e6:.2f} MB")
    target = built + written < 60 and size < 5e6
    print(f"target (< 60 s, < 5 MB): {'met' if target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

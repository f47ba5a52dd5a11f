"""Gold-label benchmark: how much a few gold labels from the train split improve test accuracy.

Usage::

    python benchmarks/gold_labels.py [--datasets youtube,sms] [--n-gold 50] [--draws 20]
        [--smoke]

For each WRENCH dataset, the default ``LabelModel`` is fitted on the train split without gold,
then ``--draws`` times with ``--n-gold`` train rows drawn at random (seeds 0, 1, ...) given as
gold labels; each fit is scored on the train rows without gold (the data the labels were drawn
from) and on the test split, over all rows (expected accuracy under a random tie-break,
``harness.scoring``, as in ``label_models.py``). It prints, for each, the accuracy without gold,
the mean / min / max with gold, and how many draws did better, the same, or worse; the scores go
to ``benchmarks/results/gold_labels.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np
from harness.datasets import wrench
from harness.results import parse_args, write_results
from harness.scoring import expected_accuracy

from weaklabel import VoteMatrix
from weaklabel.models import LabelModel

SMOKE = {"datasets": "youtube", "draws": 2}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="youtube,sms")
    parser.add_argument("--n-gold", type=int, default=50)
    parser.add_argument("--draws", type=int, default=20)
    args = parse_args(parser, argv, SMOKE)
    header = f"{'dataset':10s} {'scored on':18s} {'no gold':>8s} {'gold mean':>10s} {'min':>6s}"
    print(header + f" {'max':>6s}  better/same/worse")
    results = {}
    for name in args.datasets.split(","):
        data = wrench(name)
        k = len(data.fit.classes)
        fit = VoteMatrix.from_dense(data.fit.votes, cardinality=k)
        test = VoteMatrix.from_dense(data.test.votes, cardinality=k)
        model = LabelModel(cardinality=k, random_state=0, progress=False).fit(fit)
        base_fit, base_test = model.predict_proba(fit), model.predict_proba(test)
        scores: dict[str, list[tuple[float, float]]] = {"train (other rows)": [], "test": []}
        for draw in range(args.draws):
            rng = np.random.default_rng(draw)
            gold = np.full(fit.n_rows, -1)
            rows = rng.choice(fit.n_rows, size=args.n_gold, replace=False)
            gold[rows] = data.fit.gold[rows]
            model = LabelModel(cardinality=k, random_state=0, progress=False).fit(fit, gold=gold)
            rest = np.setdiff1d(np.flatnonzero(data.fit.gold >= 0), rows)
            truth = data.fit.gold[rest]
            scores["train (other rows)"].append(
                (
                    expected_accuracy(base_fit[rest], truth),
                    expected_accuracy(model.predict_proba(fit[rest]), truth),
                )
            )
            scores["test"].append(
                (
                    expected_accuracy(base_test, data.test.gold),
                    expected_accuracy(model.predict_proba(test), data.test.gold),
                )
            )
        results[name] = {"n_gold": args.n_gold}
        for where, pairs in scores.items():
            base = np.array([p[0] for p in pairs])
            s = np.array([p[1] for p in pairs])
            better = int((s > base + 1e-12).sum())
            same = int((np.abs(s - base) <= 1e-12).sum())
            print(
                f"{name:10s} {where:18s} {base.mean():8.4f} {s.mean():10.4f} {s.min():6.4f} "
                f"{s.max():6.4f}  {better}/{same}/{len(s) - better - same}"
            )
            results[name][where] = {"no_gold": base.tolist(), "with_gold": s.tolist()}
    write_results("gold_labels", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Label models on random subsets of the real sets' LFs: real votes in many more configurations
than the six sets give, to see where the default falls behind on data it was not tuned on.

Usage::

    .venv/bin/python benchmarks/label_model_subsets.py [--subsets N] [--datasets a,b]
        [--markdown] [--smoke]

For each real set (youtube, sms and trec by default: keyword suites of one-sided LFs; the crowd
sets' workers work too) ``--subsets`` subsets of its LFs are drawn, each from its own seed: 4 to
16 of the LFs (at most all of them), fitted on the set's fit split and scored on its test split
like ``label_models.py`` (accuracy on all test rows, expected under a random tie-break; ECE of the
top class in 15 bins on the rows with a vote). Fewer LFs leave more rows without a vote, so the
accuracy is also split into the rows with a vote and those without, where each model's answer
comes from a different place (the LabelModel's from the silence of every LF, majority vote's is
a uniform guess).

Models: the default ``LabelModel`` (which silence it chose is counted), ``MajorityVote`` and
``DawidSkene`` (abstain as an outcome). The report gives per set the means, and how often
LabelModel is more than half a point below majority vote or below the better of the two others;
every subset's scores go to ``benchmarks/results/label_model_subsets.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from harness.datasets import REAL_DATASETS, Dataset, real_datasets
from harness.results import parse_args, write_results
from harness.scoring import calibration_error, credit, expected_accuracy
from harness.tables import print_scores, render

from weaklabel import VoteMatrix
from weaklabel.models import DawidSkene, LabelModel, MajorityVote

DEFAULT_SETS = ("youtube", "sms", "trec")
SMOKE = {"subsets": 2, "datasets": "youtube"}
MODELS = ("LabelModel", "MajorityVote", "DawidSkene")
SLACK = 0.005  # "below" means more than half a point below
FEWEST, MOST = 4, 16  # LFs in a subset


def draw_subset(n_lfs: int, seed: int) -> np.ndarray:
    """The LFs (sorted column indices) of subset ``seed`` of a set with ``n_lfs`` LFs."""
    rng = np.random.default_rng(2000 + seed)
    size = int(rng.integers(min(FEWEST, n_lfs), min(MOST, n_lfs) + 1))
    return np.sort(rng.choice(n_lfs, size, replace=False))


def run_subset(data: Dataset, seed: int) -> dict[str, Any]:
    k = len(data.fit.classes)
    columns = draw_subset(data.fit.votes.shape[1], seed)
    fit = VoteMatrix.from_dense(data.fit.votes[:, columns], cardinality=k)
    dense = data.test.votes[:, columns]
    test = VoteMatrix.from_dense(dense, cardinality=k)
    gold, covered = data.test.gold, (dense >= 0).any(axis=1)
    models = {
        "LabelModel": LabelModel(cardinality=k, random_state=seed, progress=False),
        "MajorityVote": MajorityVote(cardinality=k),
        "DawidSkene": DawidSkene(cardinality=k, random_state=seed, progress=False),
    }
    scores = {}
    with warnings.catch_warnings():  # a small subset may leave EM short of convergence
        warnings.simplefilter("ignore")
        for name, model in models.items():
            probs = model.fit(fit).predict_proba(test)
            right = credit(probs, gold)
            scores[name] = {
                "accuracy": expected_accuracy(probs, gold),
                "ece": calibration_error(probs, gold, bins=15, covered=covered),
                "voted": float(right[covered].mean()) if covered.any() else None,
                "unvoted": float(right[~covered].mean()) if (~covered).any() else None,
            }
    return {
        "dataset": data.name,
        "seed": seed,
        "lfs": [int(c) for c in columns],
        "one_sided": int(sum(len(np.unique(c[c >= 0])) == 1 for c in data.fit.votes[:, columns].T)),
        "unvoted_share": float((~covered).mean()),
        "silence": models["LabelModel"].silence_,
        # the independence test's pairs read and share rejecting (None: not run)
        "silence_test": models["LabelModel"].silence_test_,
        "scores": scores,
    }


def _mean(values: list[float | None]) -> str:
    kept = [v for v in values if v is not None]
    return f"{np.mean(kept):.3f}" if kept else "n/a"


def summary(results: list[dict[str, Any]], markdown: bool) -> str:
    rows = []
    for name in [*dict.fromkeys(r["dataset"] for r in results), "all"]:
        chosen = [r for r in results if name in ("all", r["dataset"])]
        cells = [name, str(len(chosen)), f"{np.mean([r['unvoted_share'] for r in chosen]):.2f}"]
        for model in MODELS:
            scored = [r["scores"][model] for r in chosen]
            cells.append(
                f"{_mean([s['accuracy'] for s in scored])} / {_mean([s['ece'] for s in scored])}"
            )
        for part in ("voted", "unvoted"):
            cells.append(
                " / ".join(_mean([r["scores"][m][part] for r in chosen]) for m in MODELS[:2])
            )
        ours, mv, ds = (np.array([r["scores"][m]["accuracy"] for r in chosen]) for m in MODELS)
        cells += [
            str(int((ours < mv - SLACK).sum())),
            str(int((ours < np.maximum(mv, ds) - SLACK).sum())),
            str(sum(r["silence"] == "lf" for r in chosen)),
        ]
        rows.append(cells)
    headers = ["set", "subsets", "share unvoted", *[f"{m} acc / ECE" for m in MODELS]]
    headers += ["voted rows: LM / MV", "unvoted rows: LM / MV"]
    headers += ["LabelModel < MV - 0.5", "LabelModel < best - 0.5", "per-LF silence"]
    return render(headers, rows, markdown=markdown, text_columns=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subsets", type=int, default=40, help="subsets of LFs per set")
    parser.add_argument(
        "--datasets",
        default=",".join(DEFAULT_SETS),
        help=f"comma-separated real sets, of: {', '.join(REAL_DATASETS)}",
    )
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parse_args(parser, argv, SMOKE)
    names = [n for n in args.datasets.split(",") if n]
    unknown = sorted(set(names) - set(REAL_DATASETS))
    if unknown:
        parser.error(f"unknown dataset(s) {unknown}; choose from {', '.join(REAL_DATASETS)}")
    results = []
    for data in real_datasets(names):
        for seed in range(args.subsets):
            result = run_subset(data, seed)
            results.append(result)
            print_scores(
                f"{data.name} subset {seed:3d}: {len(result['lfs'])} LFs "
                f"unvoted={result['unvoted_share']:.2f} silence={result['silence']}",
                result["scores"],
            )
    print(summary(results, args.markdown))
    write_results("label_model_subsets", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

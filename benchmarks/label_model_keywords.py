"""Label models on random keyword suites: many classes, one-sided LFs, about one vote per row.

Usage::

    .venv/bin/python benchmarks/label_model_keywords.py [--configs N] [--rows N] [--markdown]
        [--smoke]

Each configuration ``i`` (``0 .. --configs - 1``) is drawn from its own seed and passed to
:func:`weaklabel.datasets.make_keyword_votes`: 3 to 10 classes, ``2k`` to 160 keyword LFs, their
accuracies drawn from a range whose low end is 0.3-0.7 and whose width is 0.1-0.4, 0 to 3 broad
classes with 1-3 broad keywords each (firing on 30-90% of their class's rows, and as side
mentions on 0-30% of the other rows), the generator's skewed class balance or a sorted draw from
a Dirichlet of concentration 2. Without broad classes every row carries exactly one vote: no
model can tell a keyword's accuracy there, and confidences are guesses. Each model is fitted
without gold on the first 1,000 or 3,000 rows (drawn per seed) and scored on the others
(``--rows`` in all): accuracy on all rows (every row has a vote; expected accuracy under a random
tie-break, ``harness.scoring``) and ECE of the top class (15 bins).

Models: the default ``LabelModel``, ``MajorityVote`` and ``DawidSkene`` (abstain as an outcome,
which reads a keyword's silence as evidence). The report is the mean per family (one vote per
row, or broad keywords), and how often ``LabelModel`` is more than half a point below majority
vote or below the better of the two others; every configuration's scores go to
``benchmarks/results/label_model_keywords.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np
from harness.results import parse_args, write_results
from harness.scoring import scores
from harness.tables import family_table, print_scores

from weaklabel import VoteMatrix
from weaklabel.datasets import make_keyword_votes
from weaklabel.models import DawidSkene, LabelModel, MajorityVote

SMOKE = {"configs": 3, "rows": 2000}
MODELS = ("LabelModel", "MajorityVote", "DawidSkene")


def draw_config(seed: int) -> tuple[dict[str, Any], int]:
    """One random keyword suite (parameters of make_keyword_votes) and the rows to fit on."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 11))
    low = float(rng.uniform(0.3, 0.7))
    config: dict[str, Any] = {
        "cardinality": k,
        "n_lfs": int(rng.integers(max(2 * k, 12), 161)),
        "accuracy": (low, min(0.98, low + float(rng.uniform(0.1, 0.4)))),
        "broad_classes": int(rng.integers(0, min(3, k) + 1)),
        "broad_variants": int(rng.integers(1, 4)),
        "broad_recall": float(rng.uniform(0.3, 0.9)),
        "side_mentions": float(rng.uniform(0.0, 0.3)),
        "class_balance": None,
    }
    if rng.random() < 0.5:
        config["class_balance"] = np.sort(rng.dirichlet(np.full(k, 2.0)))[::-1]
    return config, int(rng.choice([1000, 3000]))


def run_config(seed: int, rows: int) -> dict[str, Any]:
    config, fit_rows = draw_config(seed)
    fit_rows = min(fit_rows, rows // 2)
    k = config["cardinality"]
    votes, truth = make_keyword_votes(rows, random_state=seed, **config)
    dense = votes.to_dense()
    fit = VoteMatrix.from_dense(dense[:fit_rows], cardinality=k)
    test = VoteMatrix.from_dense(dense[fit_rows:], cardinality=k)
    gold, covered = truth[fit_rows:], (dense[fit_rows:] >= 0).any(axis=1)
    models = {
        "LabelModel": LabelModel(cardinality=k, random_state=seed, progress=False),
        "MajorityVote": MajorityVote(cardinality=k),
        "DawidSkene": DawidSkene(cardinality=k, random_state=seed, progress=False),
    }
    probs = {name: model.fit(fit).predict_proba(test) for name, model in models.items()}
    return {
        "seed": seed,
        "family": "broad keywords" if config["broad_classes"] else "one vote per row",
        "classes": k,
        "lfs": config["n_lfs"],
        "accuracy_range": [round(a, 2) for a in config["accuracy"]],
        "broad_classes": config["broad_classes"],
        "fit_rows": fit_rows,
        "votes_per_row": float((dense >= 0).sum(axis=1).mean()),
        "scores": scores(probs, gold, covered),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=30, help="how many random suites")
    parser.add_argument("--rows", type=int, default=6000, help="rows per set (fit and test)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parse_args(parser, argv, SMOKE)
    results = []
    for seed in range(args.configs):
        result = run_config(seed, args.rows)
        results.append(result)
        print_scores(
            f"suite {seed:3d}: k={result['classes']} LFs={result['lfs']} "
            f"accuracy={result['accuracy_range']} broad classes={result['broad_classes']} "
            f"fit rows={result['fit_rows']} votes/row={result['votes_per_row']:.2f}",
            result["scores"],
        )
    print(family_table(results, MODELS, label="suites", markdown=args.markdown))
    write_results("label_model_keywords", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

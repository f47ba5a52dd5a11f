"""Label models on random synthetic vote sets: where the default falls behind, away from the
benchmark's hand-picked patterns.

Usage::

    .venv/bin/python benchmarks/label_model_sweep.py [--configs N] [--rows N] [--markdown]
        [--smoke]

Each configuration ``i`` (``0 .. --configs - 1``) is drawn from its own seed: 2 to 6 classes, 4
to 30 LFs, none, half or all of them one-sided (voting one class, like a keyword LF), accuracy
0.5-0.95, coverage 0.02-0.35, a class balance from a Dirichlet of concentration 1, 3 or 30 (each
class at least 3%), and in half of the configurations up to 5 planted copies (an LF repeating
another on 50-95% of the rows). Votes come from :func:`weaklabel.datasets.make_dependent_votes`;
each model is fitted without gold on the first half of ``--rows`` rows and scored on the other
half: accuracy on all rows (expected accuracy under a random tie-break, ``harness.scoring``) and
ECE of the top class (15 bins) on the rows with a vote. For configurations without copies the LFs
are independent given the class, and the Bayes posterior under the true parameters ("oracle")
gives the ceiling.

Models: the default ``LabelModel``, ``MajorityVote`` and ``DawidSkene`` (abstain as an outcome,
the naive Bayes model of these generators). The report is the mean per family of
configurations, and how often ``LabelModel`` is more than half a point below majority vote or
below the better of the two others; the scores of every configuration go to
``benchmarks/results/label_model_sweep.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from harness.results import parse_args, write_results
from harness.scoring import scores
from harness.tables import family_table, print_scores

from weaklabel import VoteMatrix
from weaklabel.datasets import make_dependent_votes
from weaklabel.datasets._synthetic import _firing_rates
from weaklabel.models import DawidSkene, LabelModel, MajorityVote

SMOKE = {"configs": 3, "rows": 1000}
MODELS = ("LabelModel", "MajorityVote", "DawidSkene", "oracle")


def draw_config(seed: int) -> dict[str, Any]:
    """One random configuration of LFs and classes (parameters of make_dependent_votes)."""
    rng = np.random.default_rng(1000 + seed)
    k = int(rng.choice([2, 2, 3, 4, 6]))
    m = int(rng.integers(4, 31))
    one_sided_share = float(rng.choice([0.0, 0.5, 1.0, 1.0]))
    balance = rng.dirichlet(np.full(k, rng.choice([1.0, 3.0, 30.0])))
    balance = np.maximum(balance, 0.03)
    balance /= balance.sum()
    accuracy = rng.uniform(0.5, 0.95, m)
    coverage = rng.uniform(0.02, 0.35, m)
    pole = np.where(rng.random(m) < one_sided_share, rng.choice(k, m), -1)
    for j in range(m):
        if pole[j] >= 0:  # a one-sided LF may not fire on more than every row of its class
            share = balance[pole[j]]
            most = min(share / accuracy[j], (1 - share) / max(1 - accuracy[j], 1e-9))
            coverage[j] = min(coverage[j], 0.95 * most)
        else:
            accuracy[j] = max(accuracy[j], 1.0 / k + 0.1)
    pairs = []
    for _ in range(int(rng.choice([0, 0, 2, 5]))):
        a, b = (int(x) for x in rng.choice(m, 2, replace=False))
        # a copy of the same kind: one-sided LFs of one class, or two general LFs
        if pole[a] == pole[b]:
            pairs.append((a, b))
    return {
        "cardinality": k,
        "accuracies": accuracy,
        "coverages": coverage,
        "polarities": pole,
        "class_balance": balance,
        "dependencies": pairs,
        "copy_prob": float(rng.uniform(0.5, 0.95)),
    }


def oracle(config: dict[str, Any], dense: np.ndarray) -> np.ndarray:
    """The Bayes posterior under the true parameters, for LFs independent given the class."""
    k, acc, pole = config["cardinality"], config["accuracies"], config["polarities"]
    balance = config["class_balance"]
    fire = _firing_rates(acc, np.repeat(config["coverages"][:, None], k, axis=1), pole, balance, "")
    logp = np.tile(np.log(balance), (len(dense), 1))
    for j in range(dense.shape[1]):
        vote = dense[:, j]
        silent = vote < 0
        logp[silent] += np.log(np.clip(1 - fire[j], 1e-12, 1))
        on = np.log(np.clip(fire[j], 1e-12, 1)) + np.zeros((int((~silent).sum()), k))
        if pole[j] < 0:  # a general LF: right with its accuracy, else any other class
            right = vote[~silent, None] == np.arange(k)
            on += np.log(np.where(right, acc[j], (1 - acc[j]) / (k - 1)))
        logp[~silent] += on
    probs = np.exp(logp - logp.max(axis=1, keepdims=True))
    return probs / probs.sum(axis=1, keepdims=True)


def run_config(seed: int, rows: int) -> dict[str, Any]:
    config = draw_config(seed)
    k = config["cardinality"]
    votes, truth, _ = make_dependent_votes(rows, random_state=seed, **config)
    dense = votes.to_dense()
    half = rows // 2
    fit = VoteMatrix.from_dense(dense[:half], cardinality=k)
    test = VoteMatrix.from_dense(dense[half:], cardinality=k)
    gold, covered = truth[half:], (dense[half:] >= 0).any(axis=1)
    models = {
        "LabelModel": LabelModel(cardinality=k, random_state=seed, progress=False),
        "MajorityVote": MajorityVote(cardinality=k),
        "DawidSkene": DawidSkene(cardinality=k, random_state=seed, progress=False),
    }
    probs = {name: model.fit(fit).predict_proba(test) for name, model in models.items()}
    if not config["dependencies"]:
        probs["oracle"] = oracle(config, dense[half:])
    one_sided = int((config["polarities"] >= 0).sum())
    family = (
        "no one-sided LFs"
        if one_sided == 0
        else "with copies"
        if config["dependencies"]
        else "independent, one-sided LFs"
    )
    return {
        "seed": seed,
        "family": family,
        "classes": k,
        "lfs": len(config["accuracies"]),
        "one_sided": one_sided,
        "copies": len(config["dependencies"]),
        "balance": sorted(config["class_balance"].round(2).tolist(), reverse=True),
        "votes_per_row": float((dense >= 0).sum(axis=1).mean()),
        "scores": scores(probs, gold, covered),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=43, help="how many random configurations")
    parser.add_argument("--rows", type=int, default=6000, help="rows per set (half fit, half test)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parse_args(parser, argv, SMOKE)
    results = []
    for seed in range(args.configs):
        result = run_config(seed, args.rows)
        results.append(result)
        print_scores(
            f"config {seed:3d}: k={result['classes']} LFs={result['lfs']} "
            f"one-sided={result['one_sided']} copies={result['copies']} "
            f"balance={result['balance']} votes/row={result['votes_per_row']:.2f}",
            result["scores"],
        )
    print(family_table(results, MODELS, label="configurations", markdown=args.markdown))
    write_results("label_model_sweep", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

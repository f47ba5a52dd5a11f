"""Label models on random crowdsourcing vote sets: many workers, each labeling a few items, with
and without confusions the workers share.

Usage::

    .venv/bin/python benchmarks/label_model_crowds.py [--sets N] [--jobs J] [--markdown]
        [--smoke]

Crowd sets are where a label model has the fewest votes per worker to learn from, and where real
workers make the same mistakes (a dog breed taken for its neighbor by most of them). Two kinds of
sets, ``--sets`` of each, set ``i`` drawn from its own seed so that the figures stay comparable
from one run to the next:

* **structured** (seed ``i``, :func:`structured`): 2-6 classes, 200-2,000 items, 15-400 workers,
  3-10 workers per item. The classes share a confusion: each class's errors go to the other
  classes with shares drawn from a Dirichlet of concentration 0.2, 1 or 5 (low: mostly to one
  class). Each class has a difficulty and each worker a skill, in logit (a worker is right with
  probability ``sigmoid(skill - difficulty)``); a worker's activity is heavy-tailed (Pareto), and
  its error shares are drawn around the shared ones (a Dirichlet of ``wdev * shared``, ``wdev``
  2, 10 or 100). The class balance comes from a Dirichlet of concentration 0.5, 2 or 10 (each
  class at least 2%).
* **plain** (:func:`weaklabel.datasets.make_crowd_votes`, ``random_state=i``, its settings drawn
  from seed ``10_000 + i``): 2-6 classes, 200-2,000 items, 15-500 workers, 3-8 per item, worker
  accuracies uniform in a random range, the same kind of class balance; each worker's error
  shares drawn on their own from a flat Dirichlet, with nothing shared.

Models, fitted without gold on the whole set and scored on it: the default ``LabelModel``,
``MajorityVote`` and ``DawidSkene`` (``abstain="ignore"``, the crowd model). Scores: accuracy of
the argmax against the truth, and ECE of the top class (15 bins, rows with a vote). The report,
per kind: each model's mean accuracy and ECE, and ``LabelModel`` against each other model: the
mean difference of accuracy in points, how many sets it is more than a point below and more than
a point above, and the worst difference. Sets run ``--jobs`` at a time, one process each (one
BLAS thread per process); every set's scores go to ``benchmarks/results/label_model_crowds.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from multiprocessing import Pool
from typing import Any

import numpy as np
from harness.results import parse_args, write_results
from harness.scoring import calibration_error
from harness.tables import print_scores, render

from weaklabel import VoteMatrix
from weaklabel.datasets import make_crowd_votes
from weaklabel.models import DawidSkene, LabelModel, MajorityVote

SMOKE = {"sets": 3}
KINDS = ("structured", "plain")
MODELS = ("LabelModel", "MajorityVote", "DawidSkene")
MARGIN = 1.0  # "below" / "above" mean by more than a point


def structured(rng: np.random.Generator) -> tuple[VoteMatrix, np.ndarray, int]:
    """Crowd votes with a confusion shared by the workers: votes, truth, classes."""
    k = int(rng.integers(2, 7))
    n = int(rng.integers(200, 2000))
    n_workers = int(rng.integers(15, 400))
    per = min(int(rng.integers(3, 11)), n_workers)
    balance = rng.dirichlet(np.full(k, rng.choice([0.5, 2, 10])))
    balance = np.maximum(balance, 0.02)
    balance /= balance.sum()
    concentration = rng.choice([0.2, 1.0, 5.0])  # low: each class's errors go mostly to one
    if k > 2:
        shared = np.array([rng.dirichlet(np.full(k - 1, concentration)) for _ in range(k)])
    else:
        shared = np.ones((k, 1))
    difficulty = rng.normal(0, rng.choice([0.0, 0.5, 1.0]), k)  # in logit
    skill = rng.normal(rng.uniform(-0.3, 1.5), rng.uniform(0.3, 1.2), n_workers)
    activity = rng.pareto(rng.choice([1.0, 2.0, 100.0]), n_workers) + 1
    activity /= activity.sum()
    truth = rng.choice(k, n, p=balance)
    dense = np.full((n, n_workers), -1)
    wdev = rng.choice([2.0, 10.0, 100.0])  # high: the workers' error shares near the shared ones
    others = [[c for c in range(k) if c != y] for y in range(k)]
    for i in range(n):
        workers = rng.choice(n_workers, per, replace=False, p=activity)
        y = truth[i]
        for w in workers:
            if rng.random() < 1 / (1 + np.exp(-(skill[w] - difficulty[y]))):
                dense[i, w] = y
            else:
                share = rng.dirichlet(wdev * shared[y] + 1e-3) if k > 2 else np.ones(1)
                dense[i, w] = others[y][rng.choice(k - 1, p=share)]
    dense = dense[:, (dense >= 0).any(axis=0)]
    return VoteMatrix.from_dense(dense, cardinality=k), truth, k


def plain(seed: int) -> tuple[VoteMatrix, np.ndarray, int]:
    """make_crowd_votes with random settings (drawn from seed 10_000 + seed): votes, truth, k."""
    rng = np.random.default_rng(10_000 + seed)
    k = int(rng.integers(2, 7))
    n = int(rng.integers(200, 2000))
    n_workers = int(rng.integers(15, 500))
    per = min(int(rng.integers(3, 9)), n_workers)
    low = rng.uniform(0.2, 0.6)
    high = rng.uniform(low + 0.1, 0.95)
    balance = rng.dirichlet(np.full(k, rng.choice([0.5, 2, 10])))
    balance = np.maximum(balance, 0.02)
    balance /= balance.sum()
    low = max(low, 1.0 / k + 0.02)
    high = max(high, low + 0.05)
    votes, truth = make_crowd_votes(
        n,
        n_workers,
        cardinality=k,
        labels_per_row=per,
        accuracy=(low, min(high, 0.99)),
        class_balance=balance,
        random_state=seed,
    )
    return votes, truth, k


def score_set(job: tuple[str, int]) -> dict[str, Any]:
    """Draw one set and score every model on it."""
    kind, seed = job
    if kind == "structured":
        votes, truth, k = structured(np.random.default_rng(seed))
    else:
        votes, truth, k = plain(seed)
    models = {
        "LabelModel": LabelModel(k, progress=False, random_state=0),
        "MajorityVote": MajorityVote(k),
        "DawidSkene": DawidSkene(k, abstain="ignore", random_state=0, progress=False),
    }
    covered = votes.votes_per_row() > 0
    scores = {}
    with warnings.catch_warnings():  # small sets may leave EM short of convergence
        warnings.simplefilter("ignore")
        for name, model in models.items():
            probs = model.fit(votes).predict_proba(votes)
            scores[name] = {
                "accuracy": float((probs.argmax(axis=1) == truth).mean()),
                "ece": calibration_error(probs, truth, bins=15, covered=covered),
            }
    return {
        "kind": kind,
        "seed": seed,
        "classes": k,
        "rows": votes.n_rows,
        "workers": votes.n_lfs,
        "scores": scores,
    }


def summary(results: list[dict[str, Any]], markdown: bool) -> str:
    rows = []
    for kind in KINDS:
        chosen = [r for r in results if r["kind"] == kind]
        if not chosen:
            continue
        acc = {m: 100 * np.array([r["scores"][m]["accuracy"] for r in chosen]) for m in MODELS}
        for name in MODELS:
            ece = np.mean([r["scores"][name]["ece"] for r in chosen])
            cells = [f"{kind} ({len(chosen)})", name, f"{acc[name].mean():.1f}", f"{ece:.3f}"]
            if name == "LabelModel":
                cells += ["", "", "", ""]
            else:
                diff = acc["LabelModel"] - acc[name]
                cells += [
                    f"{diff.mean():+.1f}",
                    str(int((diff < -MARGIN).sum())),
                    str(int((diff > MARGIN).sum())),
                    f"{diff.min():+.1f}",
                ]
            rows.append(cells)
    headers = ["sets", "model", "accuracy (%)", "ECE", "LabelModel - model (points)"]
    headers += ["LabelModel below by > 1", "above by > 1", "worst"]
    return render(headers, rows, markdown=markdown, text_columns=2)


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=60, help="sets of each kind (default 60)")
    parser.add_argument("--jobs", type=int, default=2, help="sets at a time (default 2)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parse_args(parser, argv, SMOKE)
    if args.sets < 1 or args.jobs < 1:
        parser.error("--sets and --jobs must be at least 1")
    jobs = [(kind, seed) for kind in KINDS for seed in range(args.sets)]
    results = []
    with Pool(args.jobs) as pool:
        for result in pool.imap(score_set, jobs, chunksize=1):
            results.append(result)
            print_scores(
                f"{result['kind']:10s} {result['seed']:3d}: k={result['classes']} "
                f"rows={result['rows']} workers={result['workers']}",
                result["scores"],
            )
    print(summary(results, args.markdown))
    print(f"\nWhole benchmark: {time.perf_counter() - started:.0f} s.")
    write_results("label_model_crowds", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

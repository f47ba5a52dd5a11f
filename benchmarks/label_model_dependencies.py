"""The dependencies LabelModel learns among LFs that vote several classes: what joining them
gains where LFs copy each other, and costs where they do not.

Usage::

    .venv/bin/python benchmarks/label_model_dependencies.py [--sets N] [--independent N]
        [--markdown] [--smoke]

Two parts, each set drawn from its own seed:

1. ``--sets`` random sets of 3-10 LFs that vote any class (2-10 classes, 300-5,000 rows, LF
   accuracies 0.55-0.97 and above 1.5 / k; a third of the sets with every LF voting on every row,
   the LFs of the others voting on 20-90% of the rows or on all of them), drawn by
   ``make_dependent_votes``: independent given the class in 2 of 5 draws, otherwise with one
   copied pair (the two weakest LFs, or any two), two copied pairs, or three copies of the weakest
   LF, each copy repeating its source with probability 0.5, 0.7 or 0.9. The default
   ``LabelModel`` (``auto_dependencies=True``) against ``auto_dependencies=False``, both scored on
   the rows they were fitted on: how many sets it joined LFs in, the mean and worst change of
   accuracy, and how many sets lost more than a point.
2. ``--independent`` random sets of 3-8 independent LFs (2-6 classes, 3,000 rows, a third with
   every LF voting on every row): how many give ``learn_dependencies`` an edge at its default
   threshold (0.1) and at the default model's (0.3), and how many LabelModel joins.

Every set's figures go to ``benchmarks/results/label_model_dependencies.json``.
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
from harness.results import parse_args, write_results
from harness.tables import render

from weaklabel.datasets import make_dependent_votes, make_votes
from weaklabel.models import LabelModel, learn_dependencies
from weaklabel.models._auto_dependencies import THRESHOLD

SMOKE = {"sets": 4, "independent": 2}
KINDS = ("independent", "pair", "two pairs", "three copies")


def draw_set(rng: np.random.Generator, seed: int) -> dict[str, Any]:
    """One set of part 1: its votes, truth and what was planted."""
    k = int(rng.choice([2, 3, 4, 6, 10]))
    m = int(rng.integers(3, 11))
    n = int(rng.choice([300, 1000, 5000]))
    accuracy = rng.uniform(max(0.55, 1.5 / k), 0.97, m)
    coverage = np.where(rng.random(m) < 0.3, 1.0, rng.uniform(0.2, 0.9, m))
    if rng.random() < 0.35:
        coverage[:] = 1.0
    kind = str(rng.choice(["independent", "independent", "pair", "two pairs", "three copies"]))
    weakest = np.argsort(accuracy)
    pairs: list[tuple[int, int]] = []
    if kind == "pair":
        if rng.random() < 0.5:
            pairs = [(int(weakest[0]), int(weakest[1]))]
        else:
            a, b = rng.choice(m, 2, replace=False)
            pairs = [(int(a), int(b))]
    elif kind == "two pairs" and m >= 4:
        a, b, c, d = rng.choice(m, 4, replace=False)
        pairs = [(int(a), int(b)), (int(c), int(d))]
    elif kind == "three copies" and m >= 4:
        pairs = [(int(weakest[0]), int(weakest[j])) for j in (1, 2, 3)]
    copy_prob = float(rng.choice([0.5, 0.7, 0.9]))
    votes, truth, _ = make_dependent_votes(
        n,
        accuracy,
        np.tile(coverage[:, None], (1, k)),
        pairs,
        copy_prob=copy_prob,
        cardinality=k,
        random_state=seed,
    )
    return {
        "votes": votes,
        "truth": truth,
        "kind": kind if pairs else "independent",
        "k": k,
        "lfs": m,
        "rows": n,
        "copy_prob": copy_prob,
        "pairs": pairs,
    }


def fit_both(votes: Any, truth: np.ndarray) -> dict[str, Any]:
    """The default LabelModel and one without learned dependencies, on the same votes."""
    scores: dict[str, Any] = {}
    for name, learn in (("learned", True), ("none", False)):
        model = LabelModel(
            votes.cardinality, auto_dependencies=learn, random_state=0, progress=False
        ).fit(votes)
        scores[name] = float((model.predict(votes) == truth).mean())
        if learn:
            scores["joined"] = [unit for unit in model.units_ if len(unit) > 1]
    return scores


def part_one(n_sets: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(12345)
    results = []
    for seed in range(n_sets):
        drawn = draw_set(rng, seed)
        scores = fit_both(drawn.pop("votes"), drawn.pop("truth"))
        results.append({"seed": seed, **drawn, **scores})
        change = scores["learned"] - scores["none"]
        print(
            f"set {seed:3d}: {drawn['kind']:12s} k={drawn['k']:2d} LFs={drawn['lfs']:2d} "
            f"rows={drawn['rows']:4d} joined={scores['joined']} change={change:+.3f}",
            flush=True,
        )
    return results


def part_two(n_sets: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)
    results = []
    for seed in range(n_sets):
        m, k = int(rng.integers(3, 9)), int(rng.integers(2, 7))
        accuracy = rng.uniform(max(0.55, 1.5 / k), 0.95, m)
        coverage = np.ones(m) if rng.random() < 0.35 else rng.uniform(0.15, 1.0, m)
        votes, truth = make_votes(3000, accuracy, coverage, cardinality=k, random_state=seed)
        strengths = [d["weight"] for _, _, d in learn_dependencies(votes).edges(data=True)]
        scores = fit_both(votes, truth)
        results.append({"seed": seed, "k": k, "lfs": m, "strengths": strengths, **scores})
    return results


def summary(one: list[dict[str, Any]], two: list[dict[str, Any]], markdown: bool) -> str:
    rows = []
    for kind in (*KINDS, "all"):
        chosen = [r for r in one if kind in ("all", r["kind"])]
        if not chosen:
            continue
        change = np.array([r["learned"] - r["none"] for r in chosen])
        rows.append(
            [
                f"{kind} ({len(chosen)})",
                str(sum(bool(r["joined"]) for r in chosen)),
                f"{100 * change.mean():+.1f}",
                f"{100 * change.min():+.1f}",
                str(int((change < -0.01).sum())),
            ]
        )
    headers = ["sets", "joined", "mean change (points)", "worst", "losing > 1 point"]
    out = render(headers, rows, markdown=markdown, text_columns=1)
    if two:
        at_default = sum(bool(r["strengths"]) for r in two)
        at_model = sum(any(s >= THRESHOLD for s in r["strengths"]) for r in two)
        out += (
            f"\n\n{len(two)} sets of independent LFs: an edge at threshold 0.1 in {at_default}, "
            f"at {THRESHOLD} in {at_model}; LabelModel joined LFs in "
            f"{sum(bool(r['joined']) for r in two)}."
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=200, help="random sets of part 1")
    parser.add_argument(
        "--independent", type=int, default=320, help="sets of independent LFs of part 2"
    )
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parse_args(parser, argv, SMOKE)
    with warnings.catch_warnings():  # small sets may leave EM short of convergence
        warnings.simplefilter("ignore")
        one, two = part_one(args.sets), part_two(args.independent)
    print(summary(one, two, args.markdown))
    write_results("label_model_dependencies", {"sets": one, "independent": two}, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Active-learning benchmark: which rows to label, and how much their gold labels help.

Usage::

    python benchmarks/active.py [--datasets youtube,sms,...] [--budget 100] [--rounds 4]
        [--splits 5] [--strategies auto,random,...] [--no-noisy] [--scale-rows 10000000]
        [--workdir DIR] [--markdown] [--smoke]

On each real set of ``../shared/data`` (WRENCH youtube, sms, trec, spouse; crowd product and dog)
the test split is cut in halves, ``--splits`` times with seeds 0, 1, ...: a *pool* whose labels an
oracle reveals on request and an *evaluation* half. The default ``LabelModel`` is fitted on the
fit split plus the pool (the crowd sets: on all their rows), then for ``--rounds`` rounds up to
``--budget`` labels (the pool's size at most) a strategy of ``weaklabel.active.query`` chooses rows
of the pool, the oracle labels them, and the model is fitted again with all the gold so far. Scores
are expected accuracy on the evaluation half (ties broken at random, ``harness.scoring``), the mean
over the splits. Baselines: no gold; random picks (the ``random`` strategy); and a model trained on
the gold rows alone (``WeightedMajorityVote`` with the LF accuracies measured on the gold rows).
The noisy oracle asks two simulated annotators, each right with probability 0.85 (else a class
drawn uniformly among the others), and takes their majority, a disagreement broken at random.

It also times ``query`` (``auto``, 100 rows) on ``--scale-rows`` x 100 synthetic votes after a
``LabelModel`` fit, in a fresh process (peak memory included). Results go to
``benchmarks/results/active.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from harness.datasets import Dataset, real_datasets
from harness.isolation import run_isolated
from harness.results import parse_args, write_results
from harness.scoring import calibration_error, expected_accuracy
from harness.synthetic import binary_votes
from harness.tables import render

from weaklabel import VoteMatrix
from weaklabel.active import STRATEGIES, query
from weaklabel.endmodel import EndModel, training_targets
from weaklabel.models import LabelModel, WeightedMajorityVote

SMOKE = {"datasets": "youtube,crowd-dog", "splits": 1, "strategies": "auto,random",
         "scale_rows": 20000}  # fmt: skip
NOISE = 0.15


class Round:
    """One split of one dataset: the fit votes, the pool's positions among them, the eval rows."""

    def __init__(self, data: Dataset, split: int) -> None:
        n_test = len(data.test.gold)
        order = np.random.default_rng(split).permutation(n_test)
        self.pool, self.eval = order[: n_test // 2], order[n_test // 2 :]
        self.k = len(data.test.classes)
        if data.fit.votes is data.test.votes:  # crowd sets: fitted on all their rows
            dense, self.pool_pos = data.test.votes, self.pool
        else:
            dense = np.vstack([data.fit.votes, data.test.votes[self.pool]])
            self.pool_pos = len(data.fit.votes) + np.arange(len(self.pool))
        self.votes = VoteMatrix.from_dense(dense, cardinality=self.k)
        self.pool_votes = self.votes[self.pool_pos]
        self.eval_votes = VoteMatrix.from_dense(data.test.votes[self.eval], cardinality=self.k)
        self.truth = data.test.gold
        self.split = split
        self.texts = None  # the WRENCH text sets: fit texts + pool texts, and the eval texts
        if data.fit.texts is not None and data.fit.votes is not data.test.votes:
            pool_texts = [data.test.texts[i] for i in self.pool]
            self.texts = list(data.fit.texts) + pool_texts
            self.pool_texts = pool_texts
            self.eval_texts = [data.test.texts[i] for i in self.eval]

    def fit(self, gold: np.ndarray | None) -> LabelModel:
        model = LabelModel(cardinality=self.k, random_state=0, progress=False)
        return model.fit(self.votes, gold=gold)

    def score(self, model: Any) -> tuple[float, float]:
        """Accuracy and calibration error on the evaluation half."""
        y = self.truth[self.eval]
        keep = y >= 0
        probs = model.predict_proba(self.eval_votes)[keep]
        return expected_accuracy(probs, y[keep]), calibration_error(probs, y[keep])

    def final(self, model: Any, gold: np.ndarray) -> tuple[float, float, np.ndarray | None]:
        """Accuracy and calibration error of the final labels on the evaluation half, and the
        end model's probabilities of the pool rows (None without texts).

        With texts, the final labels are the end model's, trained as ``weaklabel run`` trains it:
        on the label model's probabilities of the rows with a vote and the gold rows one-hot. The
        pool's unlabeled rows are left out of its training, so their probabilities are out of
        sample, as the run's cross-fitted ones are (one fit a round instead of six)."""
        if self.texts is None:
            return (*self.score(model), None)
        targets, weight = training_targets(model, self.votes, gold=gold)  # as weaklabel run
        weight[self.pool_pos] *= gold[self.pool_pos] >= 0
        end = EndModel(random_state=0, progress=False)
        end.fit(self.texts, targets, sample_weight=weight)
        y = self.truth[self.eval]
        keep = y >= 0
        probs = end.predict_proba(self.eval_texts)[keep]
        score = expected_accuracy(probs, y[keep]), calibration_error(probs, y[keep])
        return (*score, end.predict_proba(self.pool_texts))

    def gold_only(self, gold: np.ndarray) -> float:
        """A model of the gold rows alone: a text classifier on their texts (the text sets), a
        weighted vote with the LF accuracies measured on them (the others)."""
        rows = np.flatnonzero(gold >= 0)
        if self.texts is not None:
            end = EndModel(random_state=0, progress=False, min_df=1)
            end.fit([self.texts[r] for r in rows], np.eye(self.k)[gold[rows]])
            y = self.truth[self.eval]
            keep = y >= 0
            return expected_accuracy(end.predict_proba(self.eval_texts)[keep], y[keep])
        alone = WeightedMajorityVote(cardinality=self.k).fit(self.votes[rows], gold=gold[rows])
        return self.score(alone)[0]

    def ceiling(self, model: Any) -> float:
        """An optimistic bound on what labeling vote patterns can reach on the evaluation half:
        every pattern with two or more rows there given its most frequent true class (in-sample),
        a pattern of one row ``model``'s prediction."""
        y = self.truth[self.eval]
        keep = y >= 0
        _, inverse = np.unique(self.eval_votes.row_hashes()[keep], return_inverse=True)
        counts = np.zeros((inverse.max() + 1, self.k))
        np.add.at(counts, (inverse, y[keep]), 1)
        best = counts[inverse]
        alone = best.sum(axis=1) == 1
        best[alone] = model.predict_proba(self.eval_votes)[keep][alone]
        return expected_accuracy(best, y[keep])

    def oracle(self, pool_rows: np.ndarray, noisy: bool, rng: np.random.Generator) -> np.ndarray:
        truth = self.truth[self.pool[pool_rows]]
        if not noisy:
            return truth
        answers = []
        for _ in range(2):
            wrong = rng.random(len(truth)) < NOISE
            other = (truth + rng.integers(1, self.k, size=len(truth))) % self.k
            answers.append(np.where(wrong, other, truth))
        agree = answers[0] == answers[1]
        pick = np.where(rng.random(len(truth)) < 0.5, answers[0], answers[1])
        return np.where(agree, answers[0], pick)

    def run(self, strategy: str, budget: int, rounds: int, noisy: bool) -> dict[str, Any]:
        """Accuracy after each round (round 0: no gold) of the final labels and of the label
        model, and the gold-only baseline at the end."""
        rng = np.random.default_rng(1000 + self.split)
        gold = np.full(self.votes.n_rows, -1)
        labeled: list[int] = []
        budget = min(budget, len(self.pool))
        sizes = [budget // rounds + (r < budget % rounds) for r in range(rounds)]
        model = self.fit(None)
        ceiling = self.ceiling(model)
        curve, ece, lm_curve = [], [], []
        for size in [*sizes, 0]:
            accuracy, error, pool_end = self.final(model, gold)
            curve.append(accuracy)
            ece.append(error)
            lm_curve.append(self.score(model)[0])
            if not size:
                break
            chosen = query(self.pool_votes, model, size, strategy=strategy, labeled=labeled,
                           random_state=self.split, end_model_probs=pool_end,
                           texts=None if self.texts is None else self.pool_texts)  # fmt: skip
            rows = chosen["row"].to_numpy()
            labeled.extend(rows.tolist())
            gold[self.pool_pos[rows]] = self.oracle(rows, noisy, rng)
            model = self.fit(gold)
        return {
            "curve": curve,
            "ece": ece,
            "lm_curve": lm_curve,
            "gold_only": self.gold_only(gold),
            "labels": len(labeled),
            "ceiling": ceiling,
        }


def scale_worker(config: dict[str, Any]) -> dict[str, float]:
    """In a fresh process: fit LabelModel on the saved votes, then time one query."""
    import time

    votes = VoteMatrix.load(config["votes"])
    model = LabelModel(cardinality=2, random_state=0, progress=False).fit(votes)
    start = time.perf_counter()
    chosen = query(votes, model, 100, random_state=0)
    seconds = time.perf_counter() - start
    return {"query_s": seconds, "chosen": float(len(chosen))}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="youtube,sms,trec,spouse,crowd-product,crowd-dog")
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--splits", type=int, default=5)
    # end_model is what auto does on the text sets (and needs texts): not a column of its own
    parser.add_argument("--strategies", default=",".join(s for s in STRATEGIES if s != "end_model"))
    parser.add_argument("--no-noisy", action="store_true", help="skip the noisy-oracle runs")
    parser.add_argument("--scale-rows", type=int, default=10_000_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--markdown", action="store_true")
    args = parse_args(parser, argv, SMOKE)
    strategies = args.strategies.split(",")
    results: dict[str, Any] = {"datasets": {}}
    table = []
    for data in real_datasets(args.datasets.split(",")):
        print(f"[active] {data.name}", file=sys.stderr, flush=True)
        per: dict[str, Any] = {}
        splits = [Round(data, s) for s in range(args.splits)]
        for strategy in strategies:
            for noisy in (False,) if args.no_noisy or strategy != "auto" else (False, True):
                runs = [r.run(strategy, args.budget, args.rounds, noisy) for r in splits]
                key = f"{strategy} (noisy oracle)" if noisy else strategy
                per[key] = {
                    "curve": np.mean([r["curve"] for r in runs], axis=0).tolist(),
                    "lm_curve": np.mean([r["lm_curve"] for r in runs], axis=0).tolist(),
                    "ece": np.mean([r["ece"] for r in runs], axis=0).tolist(),
                    "ceiling": float(np.mean([r["ceiling"] for r in runs])),
                    "gold_only": float(np.mean([r["gold_only"] for r in runs])),
                    "labels": runs[0]["labels"],
                }
        results["datasets"][data.name] = per
        table.append(data.name)
    _print(results, strategies, args.markdown)
    if args.scale_rows > 0:  # 0 skips the scale run
        results["scale"] = _scale(args)
    write_results("active", results, smoke=args.smoke)
    return 0


def _print(results: dict[str, Any], strategies: list[str], markdown: bool) -> None:
    names = list(results["datasets"])
    keys = list(next(iter(results["datasets"].values())))
    print("final labels (the end model's on the text sets youtube, sms, trec; the label "
          "model's elsewhere):")  # fmt: skip
    gains, worst = _table(results, names, keys, "curve", markdown)
    print("\nthe label model alone:")
    _table(results, names, keys, "lm_curve", markdown)
    if "auto" not in keys:
        return
    if "random" in keys:
        auto, rand = np.mean(gains["auto"]), np.mean(gains["random"])
        low = worst["auto"]
        print(f"\ntargets (final labels): auto raises accuracy by >= 3 points on average: "
              f"{'MET' if auto >= 0.03 else 'MISSED'} ({auto:+.3f}); beats random: "
              f"{'MET' if auto > rand else 'MISSED'} ({rand:+.3f}); no set below no gold: "
              f"{'MET' if low >= -1e-9 else 'MISSED'} ({low:+.3f})")  # fmt: skip
    first = [results["datasets"][n][keys[0]] for n in names]
    ceiling = np.mean([per["ceiling"] - per["lm_curve"][0] for per in first])
    print(f"the label model's ceiling (every pattern of 2+ evaluation rows given its most "
          f"frequent true class, in-sample) is {ceiling:+.3f} above no gold "
          f"on average")  # fmt: skip
    print("\nauto after each round, final labels: accuracy (calibration error)")
    lowest = 0.0
    for name in names:
        per = results["datasets"][name]["auto"]
        lowest = min(lowest, min(per["curve"]) - per["curve"][0])
        steps = (f"{a:.3f} ({e:.3f})" for a, e in zip(per["curve"], per["ece"], strict=True))
        print(f"  {name:14s} " + " -> ".join(steps))
    print(f"  lowest accuracy of any round vs no gold: {lowest:+.3f}")


def _table(
    results: dict[str, Any], names: list[str], keys: list[str], curve: str, markdown: bool
) -> tuple[dict[str, list[float]], dict[str, float]]:
    final_labels = curve == "curve"
    header = ["dataset", "labels", "no gold", *keys, "gold only" if final_labels else "ceiling"]
    rows, gains, worst = [], {key: [] for key in keys}, dict.fromkeys(keys, 0.0)
    for name in names:
        per = results["datasets"][name]
        base = per[keys[0]][curve][0]
        row = [name, str(per[keys[0]]["labels"]), f"{base:.3f}"]
        for key in keys:
            final = per[key][curve][-1]
            gains[key].append(final - base)
            worst[key] = min(worst[key], final - base)
            row.append(f"{final:.3f} ({final - base:+.3f})")
        if final_labels:
            row.append(f"{per['auto']['gold_only']:.3f}" if "auto" in per else "")
        else:
            row.append(f"{per[keys[0]]['ceiling']:.3f}")
        rows.append(row)
    mean = ["mean gain", "", ""] + [f"{np.mean(gains[k]):+.3f}" for k in keys] + [""]
    low = ["worst vs no gold", "", ""] + [f"{worst[k]:+.3f}" for k in keys] + [""]
    print(render(header, [*rows, mean, low], markdown=markdown))
    return gains, worst


def _scale(args: argparse.Namespace) -> dict[str, Any]:
    path = args.workdir / f"active_votes_{args.scale_rows}.npz"
    if not path.exists():
        votes, _ = binary_votes(args.scale_rows, 100, 30.0)
        votes.save(path)
    result = run_isolated(
        "active:scale_worker", {"votes": str(path)}, args.workdir, best_key="query_s"
    )
    if "error" not in result:
        print(f"\nquery on {args.scale_rows:,} x 100 votes: {result['query_s']:.2f} s, "
              f"peak {result['vm_hwm_mb']:,.0f} MB (fit + query process)")  # fmt: skip
    return result


if __name__ == "__main__":
    sys.exit(main())

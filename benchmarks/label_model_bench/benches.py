"""What the label-model benchmark scores on, and what it records of each model on each set.

Datasets: the six real sets of ``harness.datasets``; two synthetic sets with known truth
(``harness.synthetic``), drawn with fixed seeds, fitted on one half and scored on the other, for
which the Bayes posterior under the true parameters ("oracle") gives a ceiling; and the synthetic
sets of the failure patterns of issue 12 (``label_model_bench.patterns``).

Each model is scored on accuracy (and F1) over all test rows, and on calibration over the test
rows with at least one vote: the expected calibration error of the top class in ``ECE_BINS``
bins, and the reliability table behind it, pooled over the seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from harness.datasets import REAL_DATASETS, Dataset, Split, real_datasets
from harness.scoring import (
    calibration_bins,
    ece_of_bins,
    expected_accuracy,
    positive_f1,
    reliability,
)
from harness.synthetic import two_sided_85_15, unipolar

from label_model_bench.patterns import PATTERNS, split_votes

__all__ = [
    "ECE_BINS",
    "PEERS",
    "REFERENCE",
    "SYNTHETIC_ROWS",
    "Bench",
    "InvalidProbabilities",
    "Result",
    "load_benches",
    "oracle_result",
]

REFERENCE = "LabelModel"  # the default model: targets and time ratios refer to it
SYNTHETIC_ROWS = 10_000  # rows in each half (fit, test) of a synthetic set
ECE_BINS = 15  # equal-width bins of the top-class probability
PEERS = (  # (label, peers_runner method)
    ("snorkel LabelModel", "snorkel-label-model"),
    ("snorkel MajorityLabelVoter", "snorkel-majority"),
    ("FlyingSquid", "flyingsquid"),
    ("crowd-kit DawidSkene", "crowdkit-dawid-skene"),
    ("Hyper Label Model", "hyperlm"),
)


@dataclass(frozen=True)
class Bench:
    """A dataset to score on; for synthetic sets the oracle posterior of its test rows, and the
    test rows to look at apart (``focus``, e.g. the rows where only a random LF voted)."""

    data: Dataset
    real: bool = True
    oracle: np.ndarray | None = None
    focus: np.ndarray | None = None  # boolean mask over the test rows
    focus_label: str = ""

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def k(self) -> int:
        return len(self.data.fit.classes)


def halves(name: str, dense: np.ndarray, truth: np.ndarray, posterior: np.ndarray) -> Bench:
    """Fit on the first half of the rows, test on the second; keep the test rows' oracle."""
    half = len(truth) // 2
    classes = tuple(f"class_{c}" for c in range(posterior.shape[1]))
    fit = Split(dense[:half], truth[:half], classes)
    test = Split(dense[half:], truth[half:], classes)
    return Bench(Dataset(name, fit, test, None), real=False, oracle=posterior[half:])


def load_benches(names: Sequence[str] | None, synthetic_rows: int = SYNTHETIC_ROWS) -> list[Bench]:
    """The real sets then the synthetic ones, restricted to ``names`` (in that order)."""
    synthetic = {
        "synthetic-85/15": two_sided_85_15,
        "synthetic-unipolar": unipolar,
    }
    known = [*REAL_DATASETS, *synthetic, *PATTERNS]
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise SystemExit(f"Unknown dataset(s) {unknown}. Known: {', '.join(known)}.")
    wanted = set(known if names is None else names)
    benches = [Bench(d) for d in real_datasets(wanted)]
    for name, draw in synthetic.items():
        if name in wanted:
            benches.append(halves(name, *draw(2 * synthetic_rows)))
    for name, pattern in PATTERNS.items():
        if name in wanted:
            split = split_votes(name, pattern, synthetic_rows)
            bench = Bench(split.data, real=False, focus=split.focus, focus_label=split.focus_label)
            benches.append(bench)
    return benches


class InvalidProbabilities(ValueError):
    """A model returned probabilities of the wrong shape, or NaN / infinite ones."""


def checked(probs: Any, split: Split, k: int) -> np.ndarray:
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape != (len(split.gold), k) or not np.isfinite(probs).all():
        raise InvalidProbabilities(f"probabilities of shape {probs.shape} or not finite")
    return probs


@dataclass
class Result:
    """One model on one dataset, over the seeds: scores and times, or why there are none."""

    model: str
    kind: str  # "ours", "peer" or "oracle"
    accuracy: list[float] = field(default_factory=list)
    voted_accuracy: list[float] = field(default_factory=list)  # on test rows with a vote
    f1: list[float] = field(default_factory=list)
    ece: list[float] = field(default_factory=list)  # on test rows with a vote
    # bins of the top-class probability: bounds, mean confidence, accuracy, rows (seeds pooled)
    reliability: list[dict[str, Any]] = field(default_factory=list)
    focus_confidence: list[float] = field(default_factory=list)  # mean top-class probability
    focus_accuracy: list[float] = field(default_factory=list)
    fit_seconds: list[float] = field(default_factory=list)
    total_seconds: list[float] = field(default_factory=list)  # fit + predict
    hard_labels: bool = False  # one-hot answers only: calibration not scored
    error: str | None = None  # "error (ValueError)", "n/a (binary only)", ...

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.accuracy)

    def add(self, probs: np.ndarray, bench: Bench, fit: float, total: float) -> None:
        test = bench.data.test
        probs = checked(probs, test, bench.k)
        self.accuracy.append(expected_accuracy(probs, test.gold))
        voted = (test.votes >= 0).any(axis=1)
        self.voted_accuracy.append(expected_accuracy(probs[voted], test.gold[voted]))
        if bench.data.positive is not None:
            self.f1.append(positive_f1(probs, test.gold, bench.data.positive))
        if not self.hard_labels:
            sums = calibration_bins(probs, test.gold, bins=ECE_BINS, covered=voted)
            self.ece.append(ece_of_bins(sums))
            self.reliability = pooled(self.reliability, reliability(sums))
        if bench.focus is not None and bench.focus.any():
            self.focus_confidence.append(float(probs[bench.focus].max(axis=1).mean()))
            focus_gold = test.gold[bench.focus]
            self.focus_accuracy.append(expected_accuracy(probs[bench.focus], focus_gold))
        self.fit_seconds.append(fit)
        self.total_seconds.append(total)

    def mean_accuracy(self) -> float:
        return float(np.mean(self.accuracy))

    def mean_ece(self) -> float | None:
        """Mean ECE over the seeds; None for hard labels."""
        return float(np.mean(self.ece)) if self.ece else None


def pooled(table: list[dict[str, Any]], more: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two reliability tables (same bins) as one: rows added, means weighted by rows."""
    if not table:
        return more
    out = []
    for a, b in zip(table, more, strict=True):
        rows = a["rows"] + b["rows"]
        merged = {**a, "rows": rows}
        for key in ("confidence", "accuracy"):
            total = sum(t[key] * t["rows"] for t in (a, b) if t["rows"])
            merged[key] = total / rows if rows else None
        out.append(merged)
    return out


def oracle_result(bench: Bench) -> Result:
    result = Result("oracle (true parameters)", "oracle")
    if bench.oracle is not None:
        result.add(bench.oracle, bench, float("nan"), float("nan"))
    return result

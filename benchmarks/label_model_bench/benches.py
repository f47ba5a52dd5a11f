"""What the label-model benchmark scores on, and what it records of each model on each set.

Datasets: the six real sets of ``harness.datasets`` and two synthetic sets with known truth
(``harness.synthetic``), drawn with fixed seeds, fitted on one half and scored on the other; for
them the Bayes posterior under the true parameters ("oracle") gives a ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from harness.datasets import REAL_DATASETS, Dataset, Split, real_datasets
from harness.scoring import expected_accuracy, positive_f1
from harness.synthetic import two_sided_85_15, unipolar

__all__ = [
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
PEERS = (  # (label, peers_runner method)
    ("snorkel LabelModel", "snorkel-label-model"),
    ("snorkel MajorityLabelVoter", "snorkel-majority"),
    ("FlyingSquid", "flyingsquid"),
    ("crowd-kit DawidSkene", "crowdkit-dawid-skene"),
)


@dataclass(frozen=True)
class Bench:
    """A dataset to score on, and for synthetic sets the oracle posterior of its test rows."""

    data: Dataset
    real: bool = True
    oracle: np.ndarray | None = None

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
    known = [*REAL_DATASETS, *synthetic]
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise SystemExit(f"Unknown dataset(s) {unknown}. Known: {', '.join(known)}.")
    wanted = set(known if names is None else names)
    benches = [Bench(d) for d in real_datasets(wanted)]
    for name, draw in synthetic.items():
        if name in wanted:
            benches.append(halves(name, *draw(2 * synthetic_rows)))
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
    fit_seconds: list[float] = field(default_factory=list)
    total_seconds: list[float] = field(default_factory=list)  # fit + predict
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
        self.fit_seconds.append(fit)
        self.total_seconds.append(total)

    def mean_accuracy(self) -> float:
        return float(np.mean(self.accuracy))


def oracle_result(bench: Bench) -> Result:
    result = Result("oracle (true parameters)", "oracle")
    if bench.oracle is not None:
        result.add(bench.oracle, bench, float("nan"), float("nan"))
    return result

"""How label models are scored: expected accuracy under a random tie-break, positive-class F1,
calibration (expected calibration error and the reliability table behind it).

The classes within ``TIE_TOL`` of a row's highest probability are tied. Accuracy credits a row
``1 / n_tied`` when its gold class is among them (the expected accuracy of breaking ties at
random), so a uniform answer (a row without votes under a uniform prior) scores ``1 / k``. F1
takes the lowest tied class index as the prediction (ties go to the negative class 0).
Calibration compares each row's top-class probability (its confidence) with that same credit, in
equal-width bins of the confidence: a model that says 0.5 / 0.5 on a row and breaks the tie at
random is right half the time, whatever the class order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = [
    "TIE_TOL",
    "calibration_bins",
    "calibration_error",
    "credit",
    "ece_of_bins",
    "expected_accuracy",
    "positive_f1",
    "reliability",
    "scores",
    "tied",
]

TIE_TOL = 1e-9


def tied(probs: np.ndarray) -> np.ndarray:
    """Boolean n x k: the classes within TIE_TOL of each row's highest probability."""
    return probs >= probs.max(axis=1, keepdims=True) - TIE_TOL


def credit(probs: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Each row's expected correctness under a random tie-break: 1/|tied| if gold is tied."""
    top = tied(probs)
    return top[np.arange(len(gold)), gold] / top.sum(axis=1)


def expected_accuracy(probs: np.ndarray, gold: np.ndarray) -> float:
    """Accuracy when ties are broken at random: 1/|tied| for a row whose gold class is tied."""
    return float(np.mean(credit(probs, gold)))


def positive_f1(probs: np.ndarray, gold: np.ndarray, positive: int) -> float:
    """F1 of class ``positive``; the prediction is the lowest tied class index."""
    predicted = tied(probs).argmax(axis=1) == positive
    actual = gold == positive
    true_pos = int((predicted & actual).sum())
    wrong = int((predicted != actual).sum())
    return 2 * true_pos / (2 * true_pos + wrong) if true_pos else 0.0


def calibration_bins(
    probs: np.ndarray, gold: np.ndarray, *, bins: int = 10, covered: np.ndarray | None = None
) -> np.ndarray:
    """``(bins, 3)``: per equal-width bin of the top-class probability, the sums of that
    probability and of the rows' credit (:func:`credit`), and the number of rows.

    ``covered`` (a boolean mask) keeps only those rows, e.g. the rows with at least one vote.
    Sums, not means, so that the bins of several runs or datasets add up.
    """
    if covered is not None:
        probs, gold = probs[covered], gold[covered]
    confidence = probs.max(axis=1)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    sums = np.zeros((bins, 3))
    sums[:, 0] = np.bincount(which, weights=confidence, minlength=bins)
    sums[:, 1] = np.bincount(which, weights=credit(probs, gold), minlength=bins)
    sums[:, 2] = np.bincount(which, minlength=bins)
    return sums


def ece_of_bins(sums: np.ndarray) -> float:
    """Expected calibration error of :func:`calibration_bins` sums: the rows' mean gap between
    confidence and credit, bin by bin (NaN without rows)."""
    rows = sums[:, 2].sum()
    return float(np.abs(sums[:, 0] - sums[:, 1]).sum() / rows) if rows else float("nan")


def calibration_error(
    probs: np.ndarray, gold: np.ndarray, *, bins: int = 10, covered: np.ndarray | None = None
) -> float:
    """Expected calibration error: the rows' mean gap between the top class's probability and
    whether it is right (credit under a random tie-break), in ``bins`` equal-width bins of that
    probability; over the ``covered`` rows only when given."""
    return ece_of_bins(calibration_bins(probs, gold, bins=bins, covered=covered))


def scores(
    probs: Mapping[str, np.ndarray], gold: np.ndarray, covered: np.ndarray
) -> dict[str, dict[str, float]]:
    """Each model's accuracy on all rows (``expected_accuracy``) and ECE of the top class in 15
    bins on the ``covered`` rows, as the label-model sweeps report them."""
    return {
        name: {
            "accuracy": expected_accuracy(p, gold),
            "ece": calibration_error(p, gold, bins=15, covered=covered),
        }
        for name, p in probs.items()
    }


def reliability(sums: np.ndarray) -> list[dict[str, float | int | None]]:
    """The reliability table of :func:`calibration_bins` sums: each bin's bounds, mean
    confidence, accuracy (mean credit) and rows (means are None in an empty bin)."""
    bins = len(sums)
    table = []
    for b, (confidence, right, rows) in enumerate(sums.tolist()):
        table.append(
            {
                "lower": b / bins,
                "upper": (b + 1) / bins,
                "confidence": confidence / rows if rows else None,
                "accuracy": right / rows if rows else None,
                "rows": int(rows),
            }
        )
    return table

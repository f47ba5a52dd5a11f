"""How label models are scored: expected accuracy under a random tie-break, positive-class F1.

The classes within ``TIE_TOL`` of a row's highest probability are tied. Accuracy credits a row
``1 / n_tied`` when its gold class is among them (the expected accuracy of breaking ties at
random), so a uniform answer (a row without votes under a uniform prior) scores ``1 / k``. F1
takes the lowest tied class index as the prediction (ties go to the negative class 0).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TIE_TOL", "expected_accuracy", "positive_f1", "tied"]

TIE_TOL = 1e-9


def tied(probs: np.ndarray) -> np.ndarray:
    """Boolean n x k: the classes within TIE_TOL of each row's highest probability."""
    return probs >= probs.max(axis=1, keepdims=True) - TIE_TOL


def expected_accuracy(probs: np.ndarray, gold: np.ndarray) -> float:
    """Accuracy when ties are broken at random: 1/|tied| for a row whose gold class is tied."""
    top = tied(probs)
    hit = top[np.arange(len(gold)), gold]
    return float(np.mean(hit / top.sum(axis=1)))


def positive_f1(probs: np.ndarray, gold: np.ndarray, positive: int) -> float:
    """F1 of class ``positive``; the prediction is the lowest tied class index."""
    predicted = tied(probs).argmax(axis=1) == positive
    actual = gold == positive
    true_pos = int((predicted & actual).sum())
    wrong = int((predicted != actual).sum())
    return 2 * true_pos / (2 * true_pos + wrong) if true_pos else 0.0


def calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the rows' mean gap between the top class's probability and
    whether it is right, in ``bins`` equal-width bins of that probability."""
    confidence = probs.max(axis=1)
    right = probs.argmax(axis=1) == gold
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    gap = 0.0
    for b in np.unique(which):
        sel = which == b
        gap += sel.sum() * abs(confidence[sel].mean() - right[sel].mean())
    return float(gap / len(gold))

"""Scores against gold: accuracy over the rows that have gold, intervals of proportions."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._votes.gold import UNKNOWN

__all__ = ["accuracy", "wilson_interval"]


def accuracy(pred: np.ndarray, gold: np.ndarray) -> float:
    """Fraction of the rows with a gold label (``gold != -1``) where ``pred`` equals it.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel._analysis.metrics import accuracy
    >>> accuracy(np.array([0, 1, 1]), np.array([0, 0, -1]))
    0.5
    """
    known = gold != UNKNOWN
    if not known.any():
        return float("nan")
    return float((pred[known] == gold[known]).mean())


def wilson_interval(
    successes: Any, trials: Any, *, z: float = 1.959964
) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a proportion (95% by default); NaN where ``trials`` is 0.

    Examples
    --------
    >>> from weaklabel.analysis import wilson_interval
    >>> low, high = wilson_interval([8], [10])
    >>> round(float(low[0]), 3), round(float(high[0]), 3)
    (0.49, 0.943)
    """
    s = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    empty = n == 0
    return np.where(empty, np.nan, centre - half), np.where(empty, np.nan, centre + half)

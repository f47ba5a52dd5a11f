"""Scores of predicted labels against gold labels, over the rows that have gold."""

from __future__ import annotations

import numpy as np

from weaklabel._gold import UNKNOWN

__all__ = ["accuracy", "f1_score"]


def accuracy(pred: np.ndarray, gold: np.ndarray) -> float:
    """Fraction of the rows with a gold label (``gold != -1``) where ``pred`` equals it.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel._metrics import accuracy
    >>> accuracy(np.array([0, 1, 1]), np.array([0, 0, -1]))
    0.5
    """
    known = gold != UNKNOWN
    if not known.any():
        return float("nan")
    return float((pred[known] == gold[known]).mean())


def f1_score(pred: np.ndarray, gold: np.ndarray, *, positive: int = 1) -> float:
    """F1 of class ``positive`` over the rows with a gold label (0 when it is never predicted)."""
    known = gold != UNKNOWN
    p, g = pred[known] == positive, gold[known] == positive
    tp = float((p & g).sum())
    denominator = float(p.sum() + g.sum())
    return 2 * tp / denominator if denominator else 0.0

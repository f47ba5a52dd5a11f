"""How much each row counts in training: by how much its probabilities say.

A row without votes gets the label model's class prior; a row whose LFs conflict gets nearly
uniform probabilities. Such rows carry little about *their* text, yet with full weight they would
pull every n-gram toward the prior. ``weighting="entropy"`` (the default) weighs row ``i`` by
``1 - H(P[i]) / log(k)``: 1 for a one-hot row (a gold label, or LFs in full agreement), 0 for a
uniform one, and a skewed prior somewhere between. ``"confidence"`` weighs by how far the top
probability is above ``1/k`` (``(max P[i] - 1/k) / (1 - 1/k)``), ``"none"`` weighs every row 1.
The row's ``sample_weight`` multiplies it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WEIGHTINGS", "row_weights"]

#: The accepted values of ``EndModel(weighting=...)``.
WEIGHTINGS = ("entropy", "confidence", "none")


def row_weights(probs: np.ndarray, weighting: str) -> np.ndarray:
    """The weight of each row of ``probs`` under ``weighting`` (one of :data:`WEIGHTINGS`).

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.endmodel._weights import row_weights
    >>> probs = np.array([[1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
    >>> row_weights(probs, "entropy").round(3).tolist()
    [1.0, 0.0, 0.531]
    >>> row_weights(probs, "confidence").round(3).tolist()
    [1.0, 0.0, 0.8]
    """
    k = probs.shape[1]
    if weighting == "none":
        return np.ones(len(probs))
    if weighting == "confidence":
        return np.clip((probs.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    logs = np.log(np.where(probs > 0, probs, 1.0))
    entropy = -(probs * logs).sum(axis=1)
    return np.clip(1.0 - entropy / np.log(k), 0.0, 1.0)

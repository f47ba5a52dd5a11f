"""Class probabilities given by a caller: what they must be, checked in one place.

Every function that takes an n x k array of class probabilities (the end model's targets,
``combine``, ``query(end_model_probs=...)``, the calibration functions) checks it with
:func:`check_probs`: numbers, two-dimensional, the expected rows and classes, finite and
non-negative, each row summing to 1 within :data:`PROB_TOL`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel.exceptions import DataError

__all__ = ["PROB_TOL", "check_probs"]

#: How far from 1 a row of probabilities may sum (rounding, float32 storage).
PROB_TOL = 1e-4


def check_probs(
    values: Any,
    *,
    owner: str,
    name: str = "probs",
    n_rows: int | None = None,
    n_classes: int | None = None,
    rows_are: str = "row",
) -> np.ndarray:
    """``values`` as an n x k float64 array of class probabilities, or a :class:`DataError`.

    ``owner`` and ``name`` name the function and its argument in the message; ``n_rows`` and
    ``n_classes``, when given, are the shape expected; ``rows_are`` says what a row stands for
    (``"text"``, ``"row of the votes"``).

    Examples
    --------
    >>> from weaklabel._core.probs import check_probs
    >>> check_probs([[0.25, 0.75]], owner="f").tolist()
    [[0.25, 0.75]]
    >>> check_probs([[0.5, 0.6]], owner="f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: Each row of the 'probs' argument of f must sum to 1; row 0 ...
    """
    if hasattr(values, "to_numpy"):  # pandas DataFrame
        values = values.to_numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"The '{name}' argument of {owner} must be an n x k array of class probabilities; "
            f"got values that are not numbers ({type(values).__name__}). Pass a model's "
            "predict_proba(...)."
        ) from None
    if array.ndim == 1:
        raise DataError(
            f"The '{name}' argument of {owner} must be 2-D (n rows x k classes); got "
            f"{len(array)} numbers in 1-D. For one probability of class 1 per row (binary), "
            "pass np.column_stack([1 - p, p])."
        )
    if array.ndim != 2 or array.shape[1] < 2:
        raise DataError(
            f"The '{name}' argument of {owner} must be an n x k array (k >= 2 classes), one row "
            f"per {rows_are}; got shape {array.shape}. Pass a model's predict_proba(...)."
        )
    if n_rows is not None and array.shape[0] != n_rows:
        raise DataError(
            f"The '{name}' argument of {owner} has {array.shape[0]:,} rows but {n_rows:,} are "
            f"needed: one row of probabilities per {rows_are}, in the same order."
        )
    if n_classes is not None and array.shape[1] != n_classes:
        raise DataError(
            f"The '{name}' argument of {owner} has {array.shape[1]} columns but there are "
            f"{n_classes} classes: one column per class, in the class order."
        )
    bad = ~np.isfinite(array).all(axis=1) | (array < 0).any(axis=1)
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(
            f"The '{name}' argument of {owner} must hold finite probabilities >= 0; row {row} "
            f"is {array[row].tolist()}. Fill missing rows with the class prior (as the label "
            "model does for rows without votes) or drop them."
        )
    sums = array.sum(axis=1)
    off = np.abs(sums - 1.0) > PROB_TOL
    if off.any():
        row = int(np.argmax(off))
        raise DataError(
            f"Each row of the '{name}' argument of {owner} must sum to 1; row {row} sums to "
            f"{sums[row]:.6g} ({array[row].tolist()}). Pass probabilities (predict_proba), not "
            "scores or counts; normalize with probs / probs.sum(axis=1, keepdims=True)."
        )
    return array

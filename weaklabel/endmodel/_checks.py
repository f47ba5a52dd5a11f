"""The checks the end model makes of its inputs: texts, probabilities, row weights.

Every message names the argument, what was wrong (and where: the first bad row) and how to fix it.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from weaklabel._core.probs import check_probs as check_probs_of
from weaklabel.exceptions import DataError

__all__ = ["check_probs", "check_sample_weight", "check_texts"]

#: How far a row of probabilities may sum from 1 (float32 probabilities are accepted).


def check_texts(texts: Any, *, owner: str) -> list[str]:
    """``texts`` as a list of strings: a sequence, pandas Series or 1-d array of ``str``.

    Examples
    --------
    >>> from weaklabel.endmodel._checks import check_texts
    >>> check_texts(("a", "b"), owner="EndModel.fit")
    ['a', 'b']
    >>> check_texts(["a", None], owner="EndModel.fit")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: The 'texts' argument of EndModel.fit must hold strings; row 1 \
is None. ...
    """
    if isinstance(texts, str | bytes):
        raise DataError(
            f"The 'texts' argument of {owner} must be a sequence of strings, one per row; got a "
            f"single {type(texts).__name__}. Wrap it in a list: [text]."
        )
    if hasattr(texts, "to_numpy"):  # pandas Series / Index
        texts = texts.to_numpy(dtype=object)
    if isinstance(texts, np.ndarray) and texts.ndim != 1:
        raise DataError(
            f"The 'texts' argument of {owner} must be one-dimensional (one text per row); got an "
            f"array of shape {texts.shape}. Pass a column of texts."
        )
    if not isinstance(texts, Sequence | np.ndarray):
        raise DataError(
            f"The 'texts' argument of {owner} must be a list, tuple, pandas Series or array of "
            f"strings; got {type(texts).__name__}. Pass list(texts)."
        )
    values = list(texts.tolist() if isinstance(texts, np.ndarray) else texts)
    if not values:
        raise DataError(
            f"The 'texts' argument of {owner} is empty; pass at least one text per row to label."
        )
    for row, value in enumerate(values):
        if not isinstance(value, str):
            shown = "None" if value is None else f"{value!r} ({type(value).__name__})"
            raise DataError(
                f"The 'texts' argument of {owner} must hold strings; row {row} is {shown}. Fill "
                "missing texts with '' (e.g. series.fillna('')) or drop those rows."
            )
    return values


def check_probs(probs: Any, n_rows: int, *, owner: str, name: str = "probs") -> np.ndarray:
    """``probs`` as an n x k float array: finite, non-negative, each row summing to 1
    (:func:`weaklabel._core.probs.check_probs`), rows normalized.

    Rows are the label model's probabilities; a gold label is a one-hot row.
    """
    array = check_probs_of(
        probs, owner=owner, name=name, n_rows=n_rows, rows_are="text (as in 'texts')"
    )
    sums = array.sum(axis=1)
    exact = (sums == 1.0)[:, None]  # such rows are returned as given, to the last bit
    return np.where(exact, array, array / sums[:, None])


def check_sample_weight(sample_weight: Any, n_rows: int, *, owner: str) -> np.ndarray:
    """``sample_weight`` (None for ones) as n finite weights >= 0, not all zero."""
    if sample_weight is None:
        return np.ones(n_rows)
    if isinstance(sample_weight, numbers.Number):
        raise DataError(
            f"The 'sample_weight' argument of {owner} must hold one weight per row; got the "
            f"single number {sample_weight!r}. Pass an array of {n_rows:,} weights, or None."
        )
    if hasattr(sample_weight, "to_numpy"):
        sample_weight = sample_weight.to_numpy()
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"The 'sample_weight' argument of {owner} must hold numbers; got "
            f"{type(sample_weight).__name__}."
        ) from None
    if weights.shape != (n_rows,):
        raise DataError(
            f"The 'sample_weight' argument of {owner} must hold one weight per text ({n_rows:,}); "
            f"got shape {weights.shape}."
        )
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(
            f"The 'sample_weight' argument of {owner} must hold finite weights >= 0; row {row} is "
            f"{float(weights[row])!r}. Use 0 to leave a row out."
        )
    if not (weights > 0).any():
        raise DataError(
            f"The 'sample_weight' argument of {owner} is 0 for every row, so there is nothing "
            "to learn from; give the rows to learn from a weight > 0."
        )
    return weights

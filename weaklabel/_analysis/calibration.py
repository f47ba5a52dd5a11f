"""Calibration against gold: expected calibration error and the reliability table behind it.

A label's *confidence* is its row's top class probability; the labels are *calibrated* when,
among the rows labeled with confidence about ``p``, a share ``p`` are right. Rows are put in
``n_bins`` equal-width bins of confidence on [0, 1] (each bin ``[low, high)``, the last one
``[low, 1]``); in each bin the *gap* is the mean confidence minus the accuracy (positive:
overconfident). The expected calibration error (ECE) is the mean of ``|gap|`` over the bins,
weighted by their share of the rows:

    ECE = sum over bins b of (rows in b / rows) * |confidence(b) - accuracy(b)|

Only rows whose gold label is known (``gold != -1``) count, and of those only the rows in the
``rows`` mask when one is given (the report uses the rows with at least one vote). A row's label
is the class ``model.predict`` gives (:func:`weaklabel.models._ties.predicted_labels`), as for
accuracy everywhere in the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.params import check_int
from weaklabel._core.probs import check_probs
from weaklabel._votes.gold import UNKNOWN
from weaklabel.exceptions import DataError, ParameterError
from weaklabel.models._ties import predicted_labels

__all__ = ["bin_edges", "bin_of", "expected_calibration_error", "reliability_table"]

_COLUMNS = ("bin_low", "bin_high", "n_rows", "confidence", "accuracy", "gap")


def expected_calibration_error(
    probs: Any, gold: Any, *, n_bins: int = 15, rows: Any = None, model: Any = None
) -> float:
    """Top-class expected calibration error of ``probs`` against ``gold``.

    Parameters
    ----------
    probs : array-like of shape (n, k)
        Class probabilities, each row summing to 1.
    gold : array-like of shape (n,)
        Class indices ``0..k-1``, ``-1`` where the gold label is unknown (those rows are left out).
    n_bins : int
        Equal-width confidence bins on [0, 1].
    rows : array-like of n bools, optional
        Only the rows where it is True count (e.g. ``votes.votes_per_row() > 0``).
    model : fitted label model, optional
        Breaks ties between classes as its ``predict`` does; without it, the lowest tied class.

    Returns
    -------
    float
        In [0, 1]; 0 when every bin's accuracy equals its mean confidence. NaN when no row has
        both a known gold label and a True in ``rows``.

    See Also
    --------
    reliability_table : the bins this sums over.

    Examples
    --------
    Always 90% sure and right 3 times in 4: overconfident by 0.15.

    >>> from weaklabel.analysis import expected_calibration_error
    >>> probs = [[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.1, 0.9]]
    >>> round(expected_calibration_error(probs, [0, 0, 1, 0]), 6)
    0.15
    >>> expected_calibration_error(probs, [-1, -1, -1, -1])  # no gold: nothing to measure
    nan
    """
    bins = _bins(probs, gold, n_bins, rows, model, owner="expected_calibration_error")
    total = int(bins.counts.sum())
    if total == 0:
        return float("nan")
    gaps = np.abs(bins.confidence_sums - bins.correct) / np.maximum(bins.counts, 1)
    return float((bins.counts * gaps).sum() / total)


def reliability_table(
    probs: Any, gold: Any, *, n_bins: int = 15, rows: Any = None, model: Any = None
) -> pd.DataFrame:
    """One row per non-empty confidence bin: its rows, mean confidence, accuracy and gap.

    Parameters are those of :func:`expected_calibration_error`.

    Returns
    -------
    pandas.DataFrame
        Columns ``bin_low``, ``bin_high`` (the bin's edges), ``n_rows`` (scored rows in it),
        ``confidence`` (their mean top probability), ``accuracy`` (share whose label equals
        gold) and ``gap`` (``confidence - accuracy``: positive when overconfident), in order
        of confidence. Empty (with these columns) when no row is scored.

    Examples
    --------
    >>> from weaklabel.analysis import reliability_table
    >>> probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]
    >>> reliability_table(probs, [0, 1, 1, 0], n_bins=5)
       bin_low  bin_high  n_rows  confidence  accuracy   gap
    0      0.6       0.8       2        0.65       1.0 -0.35
    1      0.8       1.0       2        0.85       0.5  0.35

    The empty bins are left out; a confidence on an edge (0.8) falls in the bin above it.
    """
    bins = _bins(probs, gold, n_bins, rows, model, owner="reliability_table")
    full = bins.counts > 0
    counts = bins.counts[full]
    confidence = bins.confidence_sums[full] / counts
    accuracy = bins.correct[full] / counts
    return pd.DataFrame(
        {
            "bin_low": bins.edges[:-1][full],
            "bin_high": bins.edges[1:][full],
            "n_rows": counts.astype(np.int64),
            "confidence": confidence,
            "accuracy": accuracy,
            "gap": confidence - accuracy,
        },
        columns=list(_COLUMNS),
    )


# -- the one place that bins ------------------------------------------------------------------


@dataclass(frozen=True)
class _Bins:
    """Per-bin sums over the scored rows (arrays of length ``n_bins``)."""

    edges: np.ndarray
    counts: np.ndarray
    confidence_sums: np.ndarray
    correct: np.ndarray


def _bins(probs: Any, gold: Any, n_bins: Any, rows: Any, model: Any, *, owner: str) -> _Bins:
    n_bins = check_int("n_bins", n_bins, owner=owner, minimum=1)
    p = check_probs(probs, owner=owner)
    truth = _check_gold(gold, p.shape, owner)
    scored = truth != UNKNOWN
    if rows is not None:
        scored &= _check_rows(rows, p.shape[0], owner)
    edges = bin_edges(n_bins)
    if not scored.any():
        empty = np.zeros(n_bins)
        return _Bins(edges, empty.astype(np.int64), empty, empty)
    p = p[scored]
    confidence = p.max(axis=1)
    correct = (predicted_labels(p, model) == truth[scored]).astype(np.float64)
    index = bin_of(confidence, n_bins)
    return _Bins(
        edges,
        np.bincount(index, minlength=n_bins),
        np.bincount(index, weights=confidence, minlength=n_bins),
        np.bincount(index, weights=correct, minlength=n_bins),
    )


def bin_edges(n_bins: int) -> np.ndarray:
    """The ``n_bins + 1`` edges of equal-width confidence bins on [0, 1]."""
    # i / n_bins is correctly rounded: a confidence written as 0.8 lands in the bin from 0.8
    return np.arange(n_bins + 1, dtype=np.float64) / n_bins


def bin_of(confidence: np.ndarray, n_bins: int) -> np.ndarray:
    """The bin of each confidence: ``[low, high)``, the last bin ``[low, 1]``."""
    edges = bin_edges(n_bins)
    return np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, n_bins - 1)


def _check_gold(gold: Any, shape: tuple[int, ...], owner: str) -> np.ndarray:
    n, k = shape
    values = np.asarray(gold)
    if values.ndim != 1 or len(values) != n:
        raise DataError(
            f"{owner}: gold must hold one label per row of probs ({n}); got shape "
            f"{values.shape}. Use -1 for the rows without a gold label."
        )
    rule = f"class indices 0..{k - 1}, or -1 where unknown"
    if values.dtype.kind not in "iu" and n:
        raise DataError(
            f"{owner}: gold must be {rule}; got {values.dtype} values ({_sample(values)}). "
            "Convert other forms first: e.g. series.fillna(-1).astype(int); label_summary's "
            "gold= also takes class names and None."
        )
    bad = (values < UNKNOWN) | (values >= k) if n else np.zeros(0, dtype=bool)
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(
            f"{owner}: gold must be {rule}; row {row} holds {values[row]}. Use -1 for a row "
            "without a gold label."
        )
    return values.astype(np.int64)


def _check_rows(rows: Any, n: int, owner: str) -> np.ndarray:
    mask = np.asarray(rows)
    if mask.dtype != np.bool_ or mask.shape != (n,):
        raise ParameterError(
            f"The 'rows' parameter of {owner} must be a mask of {n} bools, one per row of probs. "
            f"Got {mask.dtype} values of shape {mask.shape} instead. E.g. "
            "rows=votes.votes_per_row() > 0 keeps the rows with a vote."
        )
    return mask


def _sample(values: np.ndarray) -> str:
    shown = values[:5].tolist()
    return f"{shown}{' ...' if len(values) > 5 else ''}"

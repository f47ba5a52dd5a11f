"""How well each LF's stated confidences hold: against gold, and against the label model.

An LF that votes ``(class, confidence)`` claims that, among its votes stated at about ``p``, a
share ``p`` are right. Its votes are put in equal-width bins of stated confidence (the bins of
:mod:`~weaklabel._analysis.calibration`); in each bin two measures of how often they are right:

- against gold: the share of its votes on gold rows that match the gold label;
- against the model: the mean probability the label model gives the voted class, i.e. how often
  the model, having weighed every LF, believes the vote is right. It needs no gold, so it covers
  every vote; it is only as good as the model, and the vote itself is part of the evidence.

The *confidence ECE* of an LF is the mean of ``|mean stated confidence - accuracy|`` over its
bins, weighted by their votes (0: it says exactly how often it is right). LFs that state no
confidence vote at 1.0, so the measure still says how far from always right they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel._analysis.calibration import bin_edges, bin_of
from weaklabel._core.params import check_int
from weaklabel._core.probs import check_probs
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["confidence_ece", "lf_reliability"]

_COLUMNS = (
    "lf",
    "bin_low",
    "bin_high",
    "n_votes",
    "confidence",
    "n_gold",
    "accuracy",
    "model_accuracy",
)


def lf_reliability(
    votes: VoteMatrix, *, gold: Any = None, probs: Any = None, n_bins: int = 10
) -> pd.DataFrame:
    """Per LF and bin of stated confidence: its votes, how sure they said they were, and how
    often they were right against gold and against the label model.

    Parameters
    ----------
    votes : VoteMatrix
        Votes with confidences (``votes.has_confidences``); without, every vote states 1.0.
    gold : array-like or mapping, optional
        Gold labels for some or all rows (the forms :func:`weaklabel.lf_summary` takes).
    probs : array-like of shape (n_rows, k), optional
        The label model's probabilities on ``votes`` (``model.predict_proba(votes)``).
    n_bins : int
        Equal-width bins of stated confidence on [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per LF and non-empty bin, LFs in column order: ``lf``, ``bin_low``,
        ``bin_high``, ``n_votes``, ``confidence`` (their mean stated confidence), ``n_gold``
        (those on gold rows), ``accuracy`` (share of those right; NaN without) and
        ``model_accuracy`` (mean model probability of the voted class; NaN without ``probs``).

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.analysis import lf_reliability
    >>> votes = VoteMatrix.from_dense([[1], [1], [0], [0]], cardinality=2,
    ...                               confidences=[[0.9], [0.9], [0.6], [0.6]])
    >>> lf_reliability(votes, gold=[1, 0, 0, 0], n_bins=5)[["bin_low", "confidence", "accuracy"]]
       bin_low  confidence  accuracy
    0      0.6         0.6       1.0
    1      0.8         0.9       0.5
    """
    n_bins = check_int("n_bins", n_bins, owner="lf_reliability", minimum=1)
    if not isinstance(votes, VoteMatrix):
        raise DataError(
            f"lf_reliability expects a VoteMatrix (from apply_lfs); got {type(votes).__name__}."
        )
    m = votes.n_lfs
    lfs, labels, sure = np.asarray(votes.lfs, dtype=np.int64), votes.labels(), votes.confidences()
    cell = lfs * n_bins + bin_of(sure, n_bins)
    size = m * n_bins

    def per_cell(weights: Any = None, mask: Any = None) -> np.ndarray:
        keep = slice(None) if mask is None else mask
        w = None if weights is None else weights[keep]
        return np.bincount(cell[keep], weights=w, minlength=size).astype(np.float64)

    n_votes = per_cell()
    stated = per_cell(sure)
    n_gold = np.zeros(size)
    right = np.full(size, np.nan)
    if gold is not None:
        truth = as_gold(gold, votes)[votes.rows()]
        known = truth != UNKNOWN
        n_gold = per_cell(mask=known)
        hits = per_cell((labels == truth).astype(np.float64), known)
        right = np.where(n_gold > 0, hits / np.maximum(n_gold, 1), np.nan)
    believed = np.full(size, np.nan)
    if probs is not None:
        p = _model_probs(probs, votes)
        believed = per_cell(p[votes.rows(), labels]) / np.maximum(n_votes, 1)
    full = np.flatnonzero(n_votes)
    edges = bin_edges(n_bins)
    frame = pd.DataFrame(
        {
            "lf": np.asarray(votes.lf_names, dtype=object)[full // n_bins],
            "bin_low": edges[:-1][full % n_bins],
            "bin_high": edges[1:][full % n_bins],
            "n_votes": n_votes[full].astype(np.int64),
            "confidence": stated[full] / n_votes[full],
            "n_gold": n_gold[full].astype(np.int64),
            "accuracy": right[full],
            "model_accuracy": believed[full],
        },
        columns=list(_COLUMNS),
    )
    return frame


def confidence_ece(
    lfs: np.ndarray, sure: np.ndarray, right: np.ndarray, n_lfs: int, *, n_bins: int = 15
) -> np.ndarray:
    """Per LF, the confidence ECE of its votes: ``lfs`` (LF of each vote), ``sure`` (stated
    confidence) and ``right`` (1/0 against gold, or the model's probability of the voted
    class). NaN for an LF without votes."""
    cell = lfs * n_bins + bin_of(sure, n_bins)
    gap = np.bincount(cell, weights=sure - right, minlength=n_lfs * n_bins)
    total = np.bincount(lfs, minlength=n_lfs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.abs(gap.reshape(n_lfs, n_bins)).sum(axis=1) / total, np.nan)


def _model_probs(probs: Any, votes: VoteMatrix) -> np.ndarray:
    p = check_probs(probs, owner="lf_reliability")
    if p.shape != (votes.n_rows, votes.cardinality):
        raise DataError(
            f"lf_reliability: probs must hold one row of {votes.cardinality} class "
            f"probabilities per row of votes ({votes.n_rows}); got shape {p.shape}. Pass "
            "model.predict_proba(votes) of the model fitted on these votes."
        )
    return p

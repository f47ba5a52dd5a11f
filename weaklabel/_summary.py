"""Per-LF statistics: polarity, coverage, overlaps, conflicts, failures and, with gold, accuracy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel._gold import UNKNOWN, as_gold
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["lf_summary"]


def lf_summary(votes: VoteMatrix, *, gold: Any = None) -> pd.DataFrame:
    """One row per labeling function with what it did on ``votes``.

    Everything is computed from the sparse votes; no dense rows x LFs array is built.

    Parameters
    ----------
    votes : VoteMatrix
    gold : array-like or mapping, optional
        Gold labels for some or all rows (see :func:`weaklabel.apply_lfs` for the accepted forms:
        an array with ``-1``/None for unknown, or a row id -> label mapping).

    Returns
    -------
    pandas.DataFrame
        Indexed by LF name, with columns

        - ``polarity``: sorted list of the class indices the LF voted for;
        - ``coverage``: fraction of rows where it voted;
        - ``overlaps``: fraction of rows where it and at least one other LF voted;
        - ``conflicts``: fraction of rows where it and another LF voted for different classes;
        - ``n_votes``: number of rows where it voted;
        - ``failures``: rows where it raised and was counted as abstaining;

        and with ``gold``, over the rows that have a gold label:

        - ``correct`` / ``incorrect``: its votes that match / miss the gold label;
        - ``empirical_accuracy``: ``correct / (correct + incorrect)``, the accuracy on the rows
          where it voted (NaN when it voted on no gold row).

    Examples
    --------
    >>> from weaklabel import VoteMatrix, lf_summary
    >>> votes = VoteMatrix.from_dense([[0, 0], [1, 0], [-1, 1], [-1, -1]], cardinality=2)
    >>> lf_summary(votes, gold=[0, 1, 1, -1])[["coverage", "conflicts", "empirical_accuracy"]]
          coverage  conflicts  empirical_accuracy
    lf
    lf_0      0.50       0.25                 1.0
    lf_1      0.75       0.25                 0.666667
    """
    if not isinstance(votes, VoteMatrix):
        raise DataError(
            f"lf_summary expects a VoteMatrix (from apply_lfs or VoteMatrix.from_dense); got "
            f"{type(votes).__name__}."
        )
    n, m, k = votes.n_rows, votes.n_lfs, votes.cardinality
    rows, lfs, labels = votes.rows(), np.asarray(votes.lfs, dtype=np.int64), votes.labels()
    per_row = votes.votes_per_row()[rows]
    same_class = votes.class_counts()[rows, labels]
    n_votes = votes.votes_per_lf()
    pairs = np.unique(lfs * k + labels)
    polarity: list[list[int]] = [[] for _ in range(m)]
    for pair in pairs.tolist():
        polarity[pair // k].append(pair % k)

    def per_lf(mask: np.ndarray) -> np.ndarray:
        return np.bincount(lfs[mask], minlength=m)

    frame = pd.DataFrame(
        {
            "polarity": polarity,
            "coverage": n_votes / n if n else np.zeros(m),
            "overlaps": per_lf(per_row > 1) / n if n else np.zeros(m),
            "conflicts": per_lf(per_row > same_class) / n if n else np.zeros(m),
            "n_votes": n_votes,
            "failures": np.asarray(votes.lf_failures, dtype=np.int64),
        },
        index=pd.Index(votes.lf_names, name="lf"),
    )
    if gold is not None:
        truth = as_gold(gold, votes)[rows]
        known = truth != UNKNOWN
        correct = per_lf(known & (labels == truth))
        incorrect = per_lf(known & (labels != truth))
        total = correct + incorrect
        frame["correct"] = correct
        frame["incorrect"] = incorrect
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["empirical_accuracy"] = np.where(
                total > 0, correct / np.maximum(total, 1), np.nan
            )
    return frame

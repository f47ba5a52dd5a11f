"""Synthetic votes with known truth, for tests, benchmarks and teaching."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._params import check_int, parameter_error
from weaklabel._random import RandomState, check_random_state
from weaklabel._votes import VoteMatrix

__all__ = ["make_votes"]


def make_votes(
    n_rows: int,
    accuracies: Any,
    coverages: Any,
    *,
    cardinality: int = 2,
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw votes from LFs that are independent given the true class.

    Each row gets a true class from ``class_balance``; LF ``j`` votes on it with probability
    ``coverages[j]`` (or ``coverages[j, y]`` for a class-dependent rate) and, when it votes, is
    right with probability ``accuracies[j]`` and otherwise picks one of the other classes at random.

    Parameters
    ----------
    n_rows : int
    accuracies : array-like of shape (m,)
        Each LF's probability of voting the true class when it votes.
    coverages : array-like of shape (m,) or (m, k)
        Each LF's probability of voting (per true class, for the 2-d form).
    cardinality : int
    class_balance : array-like of shape (k,), optional
        Uniform by default.
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
    truth : ndarray of shape (n_rows,)
        The true class of each row.

    Examples
    --------
    >>> from weaklabel.datasets import make_votes
    >>> votes, truth = make_votes(1000, [0.9, 0.8], [0.5, 0.5], random_state=0)
    >>> votes.shape, truth.shape
    ((1000, 2), (1000,))
    """
    owner = "make_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    acc = np.asarray(accuracies, dtype=np.float64)
    m = acc.shape[0] if acc.ndim == 1 else 0
    if acc.ndim != 1 or m == 0 or ((acc < 0) | (acc > 1)).any():
        raise parameter_error("accuracies", owner, "a 1-d array of probabilities", accuracies)
    cov = np.asarray(coverages, dtype=np.float64)
    if cov.ndim == 1:
        cov = np.repeat(cov[:, None], k, axis=1)
    if cov.shape != (m, k) or ((cov < 0) | (cov > 1)).any():
        raise parameter_error(
            "coverages", owner, f"probabilities of shape ({m},) or ({m}, {k})", coverages
        )
    balance = np.full(k, 1.0 / k) if class_balance is None else np.asarray(class_balance, float)
    if balance.shape != (k,) or (balance < 0).any() or not np.isclose(balance.sum(), 1.0):
        raise parameter_error(
            "class_balance", owner, f"{k} probabilities summing to 1", class_balance
        )
    rng = check_random_state(random_state, owner=owner)
    truth = rng.choice(k, size=n_rows, p=balance)
    rows_parts, lfs_parts, labels_parts = [], [], []
    for j in range(m):
        fires = np.flatnonzero(rng.random(n_rows) < cov[j, truth])
        y = truth[fires]
        right = rng.random(len(fires)) < acc[j]
        wrong = (y + rng.integers(1, k, size=len(fires))) % k
        rows_parts.append(fires)
        lfs_parts.append(np.full(len(fires), j))
        labels_parts.append(np.where(right, y, wrong))
    votes = VoteMatrix(
        np.concatenate(rows_parts),
        np.concatenate(lfs_parts),
        np.concatenate(labels_parts),
        n_rows=n_rows,
        cardinality=k,
        n_lfs=m,
    )
    return votes, truth

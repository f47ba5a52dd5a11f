"""Synthetic crowdsourcing votes: workers who each label a few items and may answer any class."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import check_int, parameter_error
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.datasets._checks import check_balance, check_range

__all__ = ["make_crowd_votes"]

#: rows drawn at once, so that the rows x workers random keys stay near 32 MB
_CHUNK_CELLS = 1 << 22


def make_crowd_votes(
    n_rows: int,
    n_workers: int,
    *,
    cardinality: int = 3,
    labels_per_row: int = 3,
    accuracy: Any = (0.4, 0.9),
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw crowd workers' answers: each item labeled by a few workers, each worker's confusions.

    It mimics a crowdsourcing task (image or relevance judgments): the workers play the LFs, each
    answers every class, and each labels only a few of the items. Every row (item) is labeled by
    ``labels_per_row`` distinct workers drawn uniformly, so a worker labels about
    ``n_rows * labels_per_row / n_workers`` items. Worker ``w`` has a confusion matrix: on an item
    of class ``y`` it answers ``y`` with its accuracy ``a_w`` (drawn from ``accuracy``), and
    otherwise one of the other classes, with shares drawn for each worker and each true class
    from a flat Dirichlet (some workers mix up two classes more than the others).

    Parameters
    ----------
    n_rows : int
        Number of items.
    n_workers : int
        Number of workers (LFs), at least ``labels_per_row``.
    cardinality : int
    labels_per_row : int
        Workers per item.
    accuracy : (float, float)
        Range of the workers' accuracies, drawn uniformly.
    class_balance : array-like of shape (cardinality,), optional
        Uniform by default; crowd tasks are often skewed (e.g. ``[0.92, 0.05, 0.03]``).
    random_state : int or numpy Generator, optional

    Returns
    -------
    votes : VoteMatrix
        Workers named ``lf_0, lf_1, ...``; each row holds ``labels_per_row`` votes.
    truth : ndarray of shape (n_rows,)

    Examples
    --------
    >>> from weaklabel.datasets import make_crowd_votes
    >>> votes, truth = make_crowd_votes(300, 461, cardinality=5, labels_per_row=5, random_state=0)
    >>> votes.shape, sorted(set(votes.votes_per_row().tolist()))
    ((300, 461), [5])
    """
    owner = "make_crowd_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    per_row = check_int("labels_per_row", labels_per_row, owner=owner, minimum=1)
    workers = check_int("n_workers", n_workers, owner=owner, minimum=1)
    if workers < per_row:
        raise parameter_error(
            "n_workers",
            owner,
            f"at least labels_per_row ({per_row}), since each item gets distinct workers",
            n_workers,
        )
    lo, hi = check_range("accuracy", accuracy, owner)
    balance = check_balance(class_balance, k, owner, default=np.full(k, 1.0 / k))
    rng = check_random_state(random_state, owner=owner)

    acc = rng.uniform(lo, hi, workers)
    # confusion[w, y, c]: chance that worker w answers c on an item of class y
    errors = rng.dirichlet(np.ones(k - 1), size=(workers, k))
    confusion = np.zeros((workers, k, k))
    for y in range(k):
        others = [c for c in range(k) if c != y]
        confusion[:, y, others] = (1.0 - acc)[:, None] * errors[:, y]
        confusion[:, y, y] = acc
    cumulative = np.cumsum(confusion, axis=2)
    truth = rng.choice(k, size=n_rows, p=balance)

    chunk = max(1, _CHUNK_CELLS // workers)
    picked = []
    for start in range(0, n_rows, chunk):
        keys = rng.random((min(chunk, n_rows - start), workers))
        picked.append(np.sort(np.argpartition(keys, per_row - 1, axis=1)[:, :per_row], axis=1))
    who = np.concatenate(picked).ravel()
    rows = np.repeat(np.arange(n_rows), per_row)
    draw = rng.random(len(rows))
    answer = (cumulative[who, truth[rows]] < draw[:, None]).sum(axis=1)
    labels = np.minimum(answer, k - 1)
    votes = VoteMatrix(rows, who, labels, n_rows=n_rows, cardinality=k, n_lfs=workers)
    return votes, truth

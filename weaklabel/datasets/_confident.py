"""Synthetic votes of LFs that state a confidence: some honest about it, some overconfident."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import check_float, check_int
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.datasets._checks import check_balance

__all__ = ["make_confidence_votes"]


def make_confidence_votes(
    n_rows: int,
    *,
    n_calibrated: int = 4,
    n_overconfident: int = 3,
    coverage: float = 0.5,
    cardinality: int = 2,
    class_balance: Any = None,
    random_state: RandomState = None,
) -> tuple[VoteMatrix, np.ndarray]:
    """Draw votes of LFs that say how sure they are, as classifiers and prompted LLMs do.

    Every LF votes on a share ``coverage`` of the rows, independently given the class. Each of its
    votes has its own chance ``s`` of being right, drawn uniformly from 0.5 to 1 (a wrong vote
    names another class at random). A *calibrated* LF states ``s`` as its confidence; an
    *overconfident* one states ``1 - (1 - s) / 5``, between 0.9 and 1, in the same order: its
    confidence ranks its votes well but claims far more than it earns. A model that takes stated
    confidences at face value trusts the overconfident LFs too much; one that ignores them
    weighs every vote of an LF alike. The calibrated LFs come first (``lf_0, ...``).

    Returns
    -------
    votes : VoteMatrix
        With confidences.
    truth : ndarray of shape (n_rows,)

    Examples
    --------
    >>> from weaklabel.datasets import make_confidence_votes
    >>> votes, truth = make_confidence_votes(2000, random_state=0)
    >>> votes.has_confidences, votes.n_lfs
    (True, 7)
    """
    owner = "make_confidence_votes"
    n_rows = check_int("n_rows", n_rows, owner=owner, minimum=1)
    calibrated = check_int("n_calibrated", n_calibrated, owner=owner, minimum=0)
    boastful = check_int("n_overconfident", n_overconfident, owner=owner, minimum=0)
    m = calibrated + boastful
    m = check_int("n_calibrated + n_overconfident", m, owner=owner, minimum=1)
    cov = check_float("coverage", coverage, owner=owner, minimum=0.0, maximum=1.0)
    k = check_int("cardinality", cardinality, owner=owner, minimum=2)
    balance = check_balance(class_balance, k, owner, default=np.full(k, 1.0 / k))
    rng = check_random_state(random_state, owner=owner)
    truth = rng.choice(k, size=n_rows, p=balance)
    fires = rng.random((n_rows, m)) < cov
    rows, lfs = np.nonzero(fires)
    skill = rng.uniform(0.5, 1.0, size=len(rows))
    right = rng.random(len(rows)) < skill
    other = (truth[rows] + rng.integers(1, k, size=len(rows))) % k
    labels = np.where(right, truth[rows], other)
    stated = np.where(lfs < calibrated, skill, 1.0 - (1.0 - skill) / 5.0)
    votes = VoteMatrix(rows, lfs, labels, n_rows=n_rows, cardinality=k, n_lfs=m, confidences=stated)
    return votes, truth

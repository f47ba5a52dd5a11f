"""Majority vote: each row's probabilities are the shares of the votes it received."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from weaklabel._gold import UNKNOWN
from weaklabel._votes import VoteMatrix
from weaklabel.models._base import BaseLabelModel

__all__ = ["MajorityVote"]


class MajorityVote(BaseLabelModel):
    """Majority vote over the non-abstain votes of each row.

    ``predict_proba`` gives each class its share of the row's votes (a soft majority vote), so a
    2-2 split is ``[0.5, 0.5]``; ``predict`` takes the most voted class and breaks ties by
    ``tie_break``. A row with no vote gets ``class_balance_``.

    ``class_balance_`` is the given ``class_balance``, else the class frequencies of the gold
    labels when ``fit`` gets some, else the average vote shares over the rows that have votes;
    one pseudo-count per class keeps every class possible.

    Parameters
    ----------
    cardinality : int
        Number of classes.
    tie_break : {"prior", "lowest", "random"}
        How ``predict`` breaks ties (see :mod:`weaklabel.models`): by default toward the class with
        the larger ``class_balance_``.
    random_state : int, optional
        Seed for ``tie_break="random"``.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import MajorityVote
    >>> votes = VoteMatrix.from_dense([[1, 1, 0], [0, 1, -1], [-1, -1, -1]], cardinality=2)
    >>> mv = MajorityVote(cardinality=2).fit(votes)
    >>> mv.predict_proba(votes).round(3).tolist()
    [[0.333, 0.667], [0.5, 0.5], [0.458, 0.542]]
    >>> mv.predict(votes).tolist()
    [1, 1, 1]
    """

    cli_name: ClassVar[str] = "majority-vote"

    def _fit(self, votes: VoteMatrix, gold: np.ndarray | None, balance: np.ndarray | None) -> None:
        k = self.cardinality
        if balance is None:
            known = gold[gold != UNKNOWN] if gold is not None else np.empty(0, dtype=np.int64)
            if known.size:
                counts = np.bincount(known, minlength=k).astype(np.float64)
            else:
                counts = self._shares(votes, covered_only=True).sum(axis=0)
            balance = (counts + 1.0) / (counts.sum() + k)
        self.class_balance_ = balance

    def _shares(self, votes: VoteMatrix, *, covered_only: bool = False) -> np.ndarray:
        counts = np.zeros((votes.n_rows, self.cardinality))
        observed = votes.class_counts()
        counts[:, : observed.shape[1]] = observed[:, : self.cardinality]
        totals = counts.sum(axis=1, keepdims=True)
        if covered_only:
            covered = totals[:, 0] > 0
            return counts[covered] / totals[covered]
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        shares = self._shares(votes)
        empty = votes.votes_per_row() == 0
        shares[empty] = self.class_balance_
        return shares

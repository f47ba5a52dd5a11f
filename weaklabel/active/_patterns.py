"""The vote patterns of a vote matrix: rows with the same votes, which a label model cannot part.

Active learning scores patterns, not rows: every row of a pattern gets the same probabilities
from the model, and a gold label on one of them is evidence about all of them
(:mod:`weaklabel.models._gold`). One sparse pass groups the rows by the votes as the model reads
them (``BaseLabelModel.pattern_hashes``: an LF that states confidences votes one of its levels);
the model predicts once per distinct pattern (or once per row, when nearly every row is distinct:
then that is cheaper than copying the rows out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from weaklabel._votes.matrix import VoteMatrix

__all__ = ["Patterns", "group_patterns"]


@dataclass(frozen=True)
class Patterns:
    """The distinct vote patterns of some votes.

    Attributes
    ----------
    hashes : ndarray of uint64, shape (p,)
        Sorted pattern hashes.
    of_row : ndarray of int, shape (n,)
        The pattern of each row.
    first_row : ndarray of int, shape (p,)
        A row of each pattern (its first).
    n_rows : ndarray of int, shape (p,)
        Rows of each pattern.
    n_free : ndarray of int, shape (p,)
        Rows of each pattern that are not labeled yet.
    probs : ndarray of float, shape (p, k)
        The model's probabilities for each pattern (gold included).
    n_votes : ndarray of int, shape (p,)
        Votes on each pattern's rows (0: the pattern of rows no LF voted on).
    votes : VoteMatrix
        The votes (read with the model's number of classes).
    """

    hashes: np.ndarray
    of_row: np.ndarray
    first_row: np.ndarray
    n_rows: np.ndarray
    n_free: np.ndarray
    probs: np.ndarray
    n_votes: np.ndarray
    votes: VoteMatrix

    def __len__(self) -> int:
        return len(self.hashes)

    def per_pattern(self, per_row: Any) -> np.ndarray:
        """A function of the votes (``votes -> one value per row``) at each pattern's row."""
        if len(self) * 2 > self.votes.n_rows:  # nearly all distinct: once per row, no copy
            return np.asarray(per_row(self.votes))[self.first_row]
        return np.asarray(per_row(self.votes[self.first_row]))


def group_patterns(votes: VoteMatrix, model: Any, labeled: np.ndarray) -> Patterns:
    """Group the rows of ``votes`` by pattern and predict once per pattern with ``model``."""
    hashes, first, of_row, counts = np.unique(
        model.pattern_hashes(votes), return_index=True, return_inverse=True, return_counts=True
    )
    n_free = counts - np.bincount(of_row[labeled], minlength=len(hashes))
    partial = Patterns(
        hashes=hashes,
        of_row=of_row.astype(np.int64),
        first_row=first.astype(np.int64),
        n_rows=counts.astype(np.int64),
        n_free=n_free.astype(np.int64),
        probs=np.zeros((0, 0)),
        n_votes=votes.votes_per_row()[first],
        votes=votes,
    )
    return Patterns(**{**partial.__dict__, "probs": partial.per_pattern(model.predict_proba)})

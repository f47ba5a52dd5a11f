"""The rows a label model fits on: distinct vote rows with their counts, sampled when too many.

Rows with the same votes are fitted once, with a weight. In memory :func:`distinct_rows` finds
them; on a Dask cluster :func:`dask_fit_sample` finds them per partition and merges the results
through :meth:`~weaklabel.DaskVoteMatrix.map_reduce`, keeping at most ``max_rows`` of them: those
whose seeded hash is smallest (a bottom-k sample, which merges exactly across partitions). Only
that sample is gathered.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from weaklabel._core.digest import mix64
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix

__all__ = ["dask_fit_sample", "distinct_rows", "fit_rows"]


def distinct_rows(votes: VoteMatrix, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The candidate rows with distinct votes: (first row of each, how many candidates share it)."""
    hashes = votes.row_hashes()[candidates]
    _, first, counts = np.unique(hashes, return_index=True, return_counts=True)
    return candidates[first].astype(np.int64), counts.astype(np.float64)


def fit_rows(
    votes: VoteMatrix,
    gold: np.ndarray | None,
    *,
    cardinality: int,
    gold_weight: float,
    max_rows: int | None,
    random_state: RandomState,
    owner: str,
) -> tuple[VoteMatrix, np.ndarray, tuple[np.ndarray, np.ndarray], float]:
    """Rows EM runs on (distinct voted rows, then gold rows), their weights, the clamp, and the
    number of unlabeled rows without votes (left out).

    When more than ``max_rows`` distinct voted rows remain, a seeded sample of that many stands
    for all of them. Each gold row weighs at least one row, together ``gold_weight`` times the
    unlabeled rows; the clamp (row positions, one-hot rows) fixes their posteriors to the gold.
    """
    labeled = np.zeros(votes.n_rows, dtype=bool) if gold is None else gold != UNKNOWN
    voted = votes.votes_per_row() > 0
    free = np.flatnonzero(voted & ~labeled)
    first, counts = distinct_rows(votes, free)
    if max_rows is not None and len(first) > max_rows:
        rng = check_random_state(random_state, owner=owner)
        pick = np.sort(rng.choice(len(first), size=max_rows, replace=False))
        scale = counts.sum() / counts[pick].sum()
        first, counts = first[pick], counts[pick] * scale
    gold_rows = np.flatnonzero(labeled)
    rows = np.concatenate([first, gold_rows])
    per_gold = max(1.0, gold_weight * counts.sum() / max(len(gold_rows), 1))
    weights = np.concatenate([counts, np.full(len(gold_rows), per_gold)])
    clamp_rows = np.arange(len(first), len(rows))
    clamp_q = np.zeros((len(gold_rows), cardinality))
    if gold is not None:
        clamp_q[np.arange(len(gold_rows)), gold[gold_rows]] = 1.0
    unvoted = float((~voted & ~labeled).sum())
    return votes[rows], weights, (clamp_rows, clamp_q), unvoted


def dask_fit_sample(
    votes: DaskVoteMatrix, max_rows: int | None, *, random_state: RandomState, owner: str
) -> tuple[VoteMatrix, np.ndarray]:
    """The distinct voted rows of Dask votes with their counts, as :class:`LabelModel` fits on them.

    Rows come sorted by :meth:`VoteMatrix.row_hashes`, each with the number of rows sharing its
    votes. When more than ``max_rows`` distinct rows exist, a uniform sample of ``max_rows`` of
    them is kept and the counts are scaled up to the number of voted rows.
    """
    salt = np.uint64(
        check_random_state(random_state, owner=owner).integers(
            np.iinfo(np.int64).max, dtype=np.int64
        )
    )
    sample: _Sample = votes.map_reduce(
        _partition_sample,
        functools.partial(_merge_samples, size=max_rows, salt=salt),
        max_rows,
        salt,
    )
    counts = sample.counts
    if sample.truncated:
        counts = counts * (sample.n_voted / counts.sum())
    return sample.votes, counts


@dataclass(frozen=True)
class _Sample:
    """Distinct voted rows (sorted by hash) with their counts; at most ``size`` of them."""

    hashes: np.ndarray
    counts: np.ndarray
    votes: VoteMatrix
    n_voted: int
    truncated: bool


def _partition_sample(votes: VoteMatrix, size: int | None, salt: np.uint64) -> _Sample:
    voted = np.flatnonzero(votes.votes_per_row() > 0)
    hashes, first, counts = np.unique(
        votes.row_hashes()[voted], return_index=True, return_counts=True
    )
    rows = votes[voted[first].astype(np.int64)]
    return _bottom(hashes, counts.astype(np.float64), rows, len(voted), False, size, salt)


def _merge_samples(*samples: _Sample, size: int | None, salt: np.uint64) -> _Sample:
    hashes = np.concatenate([s.hashes for s in samples])
    unique, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([s.counts for s in samples]))
    kept = [s.votes for s in samples if s.votes.n_rows] or [samples[0].votes]
    votes = VoteMatrix.concat(kept)[first]
    n_voted = sum(s.n_voted for s in samples)
    truncated = any(s.truncated for s in samples)
    return _bottom(unique, counts, votes, n_voted, truncated, size, salt)


def _bottom(
    hashes: np.ndarray,
    counts: np.ndarray,
    votes: VoteMatrix,
    n_voted: int,
    truncated: bool,
    size: int | None,
    salt: np.uint64,
) -> _Sample:
    """Keep the ``size`` rows whose salted hash is smallest, in hash order."""
    if size is not None and len(hashes) > size:
        keep = np.sort(np.argpartition(mix64(hashes, salt), size - 1)[:size])
        hashes, counts, votes, truncated = hashes[keep], counts[keep], votes[keep], True
    return _Sample(hashes, counts, votes, n_voted, truncated)

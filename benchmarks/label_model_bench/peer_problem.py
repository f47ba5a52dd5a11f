"""The peers' side of the label-model benchmarks: the votes ``peers_runner.py`` reads, and
their conversions to each peer's input format.

Runs under the peers' Python: standard library, numpy and pandas only, never weaklabel. The file
format is described in ``peers_runner.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CsrVotes",
    "Problem",
    "concatenated",
    "load_problem",
    "to_dense",
    "to_flyingsquid",
    "to_long_frame",
]


@dataclass(frozen=True)
class CsrVotes:
    """Votes of n rows by m LFs in CSR form; abstains are not stored.

    Arrays keep the integer dtypes they were stored with (e.g. int32 indices, int8 labels), so
    that loading the input adds little to the peak memory measured for the peer.
    """

    indptr: np.ndarray  # n + 1 offsets into indices/labels
    indices: np.ndarray  # LF of each vote
    labels: np.ndarray  # class of each vote, 0..k-1
    n: int
    m: int

    @property
    def rows(self) -> np.ndarray:
        """Row index of each stored vote (int64)."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))

    def same_as(self, other: CsrVotes) -> bool:
        return (
            (self.n, self.m) == (other.n, other.m)
            and np.array_equal(self.indptr, other.indptr)
            and np.array_equal(self.indices, other.indices)
            and np.array_equal(self.labels, other.labels)
        )


@dataclass(frozen=True)
class Problem:
    """The votes to fit on, the votes to predict, and the number of classes."""

    fit: CsrVotes
    test: CsrVotes  # the same object as fit when same_rows
    k: int
    same_rows: bool  # fit and test are the very same rows (e.g. crowdsourcing sets)


def _read_int_array(archive: Any, key: str) -> np.ndarray:
    array = np.asarray(archive[key])
    if array.dtype.kind not in "iu":
        raise ValueError(f"{key} must hold integers, got dtype {array.dtype}")
    return array


def _read_csr(archive: Any, prefix: str, k: int) -> CsrVotes:
    indptr = _read_int_array(archive, f"{prefix}_indptr").astype(np.int64, copy=False)
    indices = _read_int_array(archive, f"{prefix}_indices")
    labels = _read_int_array(archive, f"{prefix}_labels")
    shape = _read_int_array(archive, f"{prefix}_shape").reshape(-1)
    if shape.size != 2:
        raise ValueError(f"{prefix}_shape must hold [n, m], got {shape.tolist()}")
    n, m = int(shape[0]), int(shape[1])
    nnz = indices.size
    if (
        indices.ndim != 1
        or labels.shape != indices.shape
        or indptr.shape != (n + 1,)
        or indptr[0] != 0
        or indptr[-1] != nnz
    ):
        raise ValueError(f"{prefix}: inconsistent CSR arrays (indptr/indices/labels/shape)")
    if np.any(np.diff(indptr) < 0):
        raise ValueError(f"{prefix}_indptr is not non-decreasing")
    if nnz and (indices.min() < 0 or indices.max() >= m):
        raise ValueError(f"{prefix}_indices out of range [0, {m})")
    if nnz and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"{prefix}_labels out of range [0, {k}) (abstains must not be stored)")
    votes = CsrVotes(indptr, indices, labels, n, m)
    if _has_repeated_votes(votes):
        raise ValueError(f"{prefix}: an LF votes more than once on the same row")
    return votes


def _has_repeated_votes(votes: CsrVotes) -> bool:
    """True if some (row, LF) pair is stored twice. Linear when indices are sorted per row."""
    nnz = votes.indices.size
    if nnz < 2:
        return False
    increasing = votes.indices[1:] > votes.indices[:-1]
    row_starts = votes.indptr[1:-1]
    increasing[row_starts[(row_starts > 0) & (row_starts < nnz)] - 1] = True  # across rows
    if increasing.all():
        return False
    keys = votes.rows * votes.m + votes.indices
    keys.sort()
    return bool(np.any(keys[1:] == keys[:-1]))


def load_problem(path: str) -> Problem:
    with np.load(path, allow_pickle=False) as archive:
        k = int(_read_int_array(archive, "cardinality").reshape(-1)[0])
        if k < 2:
            raise ValueError(f"cardinality must be at least 2, got {k}")
        fit = _read_csr(archive, "fit", k)
        test = _read_csr(archive, "test", k)
    if fit.m != test.m:
        raise ValueError(f"fit has {fit.m} LFs but test has {test.m}")
    if fit.same_as(test):
        return Problem(fit, fit, k, same_rows=True)
    return Problem(fit, test, k, same_rows=False)


def concatenated(first: CsrVotes, second: CsrVotes) -> CsrVotes:
    """The rows of ``first`` then those of ``second`` (the same LFs)."""
    indptr = np.concatenate([first.indptr, second.indptr[1:] + first.indptr[-1]])
    return CsrVotes(
        indptr,
        np.concatenate([first.indices, second.indices]),
        np.concatenate([first.labels, second.labels]),
        first.n + second.n,
        first.m,
    )


def to_dense(votes: CsrVotes) -> np.ndarray:
    """Snorkel's label matrix: n x m int64 (the dtype its LF appliers produce), -1 = abstain."""
    dense = np.full((votes.n, votes.m), -1, dtype=np.int64)
    dense[votes.rows, votes.indices] = votes.labels
    return dense


def to_flyingsquid(votes: CsrVotes) -> np.ndarray:
    """FlyingSquid's binary label matrix: n x m int64, class 0 -> -1, class 1 -> +1, abstain 0.

    int64 rather than a narrow type: FlyingSquid sums products of these entries with
    ``np.einsum``, which accumulates in the input dtype.
    """
    dense = np.zeros((votes.n, votes.m), dtype=np.int64)
    dense[votes.rows, votes.indices] = 2 * votes.labels.astype(np.int64) - 1
    return dense


def to_long_frame(votes: CsrVotes, task_offset: int = 0) -> pd.DataFrame:
    """crowd-kit's input: one row per vote with columns task, worker (LF index), label."""
    return pd.DataFrame(
        {
            "task": votes.rows + task_offset,
            "worker": votes.indices.astype(np.int64),
            "label": votes.labels.astype(np.int64),
        }
    )

"""Building the CSR storage of a :class:`~weaklabel.VoteMatrix` from what users and files hold.

Every route in (coordinates, a dense array, a long table, saved CSR arrays) ends in
:func:`csr_from_parts`, which checks the arrays as strictly as data read from disk deserves: a
vote matrix that exists is well formed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._votes.checks import as_int_array, check_count, check_range
from weaklabel._votes.confidence import check_confidences
from weaklabel._votes.encoding import ABSTAIN, check_labels, encode, valid_votes
from weaklabel.exceptions import DataError

__all__ = [
    "coordinates_from_dense",
    "coordinates_from_long",
    "csr_from_coordinates",
    "csr_from_parts",
    "dense_confidences",
]


#: votes checked at a time (keeps the temporaries of a check near 20 MB)
_BLOCK = 1 << 22


def csr_from_coordinates(
    rows: Any,
    lfs: Any,
    labels: Any,
    *,
    n_rows: int,
    cardinality: int,
    lf_names: tuple[str, ...],
    confidences: Any = None,
) -> tuple[sp.csr_matrix, np.ndarray | None]:
    """The CSR storage of votes given as (row, LF, label) triples; abstains are dropped.

    Returns it with the ``confidences`` of the kept votes in CSR order (None when not given).
    """
    n_rows = check_count("n_rows", n_rows)
    rows_a, lfs_a, labels_a = (
        as_int_array(n, v) for n, v in (("rows", rows), ("lfs", lfs), ("labels", labels))
    )
    if not (len(rows_a) == len(lfs_a) == len(labels_a)):
        raise DataError(
            f"VoteMatrix: rows, lfs and labels must have the same length; got {len(rows_a)}, "
            f"{len(lfs_a)} and {len(labels_a)}."
        )
    check_range("rows", rows_a, 0, n_rows, "row positions")
    check_range("lfs", lfs_a, 0, len(lf_names), "LF positions")
    keep = labels_a != ABSTAIN
    rows_a, lfs_a, labels_a = rows_a[keep], lfs_a[keep], labels_a[keep]
    check_labels(labels_a, cardinality, where=lambda i: f"vote {i}")
    conf = None
    if confidences is not None:
        given = np.asarray(confidences)
        if given.shape != keep.shape:
            raise DataError(
                f"VoteMatrix: confidences must have one value per vote ({len(keep)}); got shape "
                f"{given.shape}."
            )
        conf = check_confidences(
            given[keep],
            n_votes=int(keep.sum()),
            source="VoteMatrix",
            where=lambda i: f"the vote of LF {lf_names[lfs_a[i]]!r} on row {int(rows_a[i])}",
        )
    order = np.lexsort((lfs_a, rows_a))
    rows_a, lfs_a, labels_a = rows_a[order], lfs_a[order], labels_a[order]
    same = (np.diff(rows_a) == 0) & (np.diff(lfs_a) == 0)
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise DataError(
            f"VoteMatrix: LF {lf_names[lfs_a[i]]!r} has two votes on row {int(rows_a[i])}; "
            "each LF casts at most one vote per row."
        )
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows_a, minlength=n_rows), out=indptr[1:])
    csr = csr_from_parts(
        indptr, lfs_a, labels_a, cardinality=cardinality, n_lfs=len(lf_names), trusted=True
    )
    return csr, None if conf is None else conf[order]


def csr_from_parts(
    indptr: Any,
    lf_index: Any,
    labels: Any,
    *,
    cardinality: int,
    n_lfs: int,
    trusted: bool = False,
    source: str = "VoteMatrix",
) -> sp.csr_matrix:
    """The CSR storage from a row pointer, the LF of each vote and its class index.

    Unless ``trusted`` (arrays this package just built), everything is checked: integer arrays of
    matching lengths, a row pointer from 0 that never decreases, LF positions in range and
    increasing within each row (one vote per LF and row), class indices in range.
    """
    indptr_a, lfs_a, labels_a = (np.asarray(a) for a in (indptr, lf_index, labels))
    if not trusted:
        _check_parts(indptr_a, lfs_a, labels_a, cardinality, n_lfs, source)
    else:
        check_labels(labels_a, cardinality, where=lambda i: f"vote {i}")
    return sp.csr_matrix(
        (
            encode(labels_a, cardinality),
            lfs_a.astype(np.int32, copy=False),
            indptr_a.astype(np.int64, copy=False),
        ),
        shape=(len(indptr_a) - 1, n_lfs),
    )


def _check_parts(
    indptr: np.ndarray, lfs: np.ndarray, labels: np.ndarray, k: int, m: int, source: str
) -> None:
    for name, array in (("indptr", indptr), ("lfs", lfs), ("labels", labels)):
        if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
            raise DataError(
                f"{source}: corrupt vote matrix: {name} must be a 1-d integer array; it has shape "
                f"{array.shape} and dtype {array.dtype}."
            )
    if len(indptr) < 1 or indptr[0] != 0 or (np.diff(indptr) < 0).any():
        raise DataError(
            f"{source}: corrupt vote matrix: the row pointer must start at 0 and never decrease."
        )
    if int(indptr[-1]) != len(lfs) or len(lfs) != len(labels):
        raise DataError(
            f"{source}: corrupt vote matrix: the row pointer ends at {int(indptr[-1])} but there "
            f"are {len(lfs)} LF positions and {len(labels)} labels."
        )
    if lfs.size and (lfs.min() < 0 or lfs.max() >= m):
        bad = int(np.flatnonzero((lfs < 0) | (lfs >= m))[0])
        raise DataError(
            f"{source}: corrupt vote matrix: vote {bad} names LF position {int(lfs[bad])}, but "
            f"there are {m} LFs."
        )
    disorder = _first_out_of_order(indptr, lfs)
    if disorder is not None:
        raise DataError(
            f"{source}: corrupt vote matrix: vote {disorder} repeats or reorders the LFs of its "
            "row; each LF votes at most once per row, in LF order."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        bad = int(np.flatnonzero((labels < 0) | (labels >= k))[0])
        raise DataError(
            f"{source}: corrupt vote matrix: vote {bad} is {int(labels[bad])}, but with "
            f"cardinality {k} a stored vote must be {valid_votes(k)} other than -1."
        )


def _first_out_of_order(indptr: np.ndarray, lfs: np.ndarray) -> int | None:
    """The first vote whose LF does not come after the previous vote's LF in the same row.

    Checked in blocks of votes, so that the temporaries stay small for a billion votes.
    """
    starts = indptr[:-1]
    for a in range(1, len(lfs), _BLOCK):
        b = min(a + _BLOCK, len(lfs))
        block = lfs[a - 1 : b]
        if block.dtype != np.int32:  # positions checked to be in 0..m-1 < 2**31: int32 is exact
            block = block.astype(np.int32)
        step = np.diff(block)  # lfs[i] - lfs[i - 1], i in a..b-1
        bad = step <= 0
        if not bad.any():
            continue
        first_row = np.searchsorted(starts, a, side="left")
        last_row = np.searchsorted(starts, b, side="left")
        opens_row = starts[first_row:last_row]  # votes in a..b-1 that open a row
        bad[opens_row[opens_row < b] - a] = False
        if bad.any():
            return a + int(np.flatnonzero(bad)[0])
    return None


def coordinates_from_dense(
    array: Any, cardinality: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (row, LF, label) triples of the votes in a dense rows x LFs array (-1: abstain)."""
    dense = np.asarray(array)
    if dense.ndim != 2:
        raise DataError(
            f"VoteMatrix.from_dense: expected a 2-d rows x LFs array; got {dense.ndim} "
            f"dimension(s) with shape {dense.shape}."
        )
    if dense.size and not np.issubdtype(dense.dtype, np.integer):
        as_int = dense.astype(np.int64) if np.issubdtype(dense.dtype, np.floating) else None
        if as_int is None or not np.array_equal(as_int, dense):
            bad = np.argwhere(as_int != dense)[0] if as_int is not None else (0, 0)
            raise DataError(
                f"VoteMatrix.from_dense: votes must be integers (class index or -1); the value "
                f"at [{bad[0]}, {bad[1]}] is {dense[tuple(bad)]!r} (dtype {dense.dtype})."
            )
        dense = as_int
    bad_mask = (dense < ABSTAIN) | (dense >= cardinality)
    if bad_mask.any():
        i, j = np.argwhere(bad_mask)[0]
        raise DataError(
            f"VoteMatrix: the vote at [{i}, {j}] is {int(dense[i, j])}, but with cardinality "
            f"{cardinality} a vote must be {valid_votes(cardinality)}."
        )
    rows, lfs = np.nonzero(dense != ABSTAIN)
    return rows, lfs, dense[rows, lfs]


def coordinates_from_long(
    frame: pd.DataFrame, lf_names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (row, LF, label) triples of a long table with columns ``row``, ``lf``, ``label``."""
    missing = [c for c in ("row", "lf", "label") if c not in frame.columns]
    if missing:
        raise DataError(
            f"VoteMatrix.from_long: the frame lacks column(s) {missing}; it has "
            f"{list(frame.columns)}. Expected columns: row, lf, label."
        )
    position = {name: j for j, name in enumerate(lf_names)}
    unknown = sorted(set(frame["lf"]) - set(position), key=str)
    if unknown:
        raise DataError(
            f"VoteMatrix.from_long: unknown LF name(s) {unknown[:5]}; known: {list(lf_names)}."
        )
    lfs = frame["lf"].map(position).to_numpy(dtype=np.int64)
    return frame["row"].to_numpy(), lfs, frame["label"].to_numpy()


def dense_confidences(array: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A dense rows x LFs array of confidences, checked to match the votes' ``shape``."""
    dense = np.asarray(array)
    if dense.shape != shape or (dense.size and dense.dtype.kind not in "fiu"):
        raise DataError(
            f"VoteMatrix.from_dense: confidences must be a numeric array of the votes' shape "
            f"{shape}; got {dense.dtype} of shape {dense.shape}."
        )
    return dense

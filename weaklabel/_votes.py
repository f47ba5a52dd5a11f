"""The vote matrix: which labeling function voted for which class on which row.

This module is the one place that knows how votes are stored. A :class:`VoteMatrix` wraps a
``scipy.sparse`` CSR matrix of rows x LFs that holds only the non-abstain votes; every other module
reads votes through its methods (:meth:`VoteMatrix.labels`, :meth:`VoteMatrix.one_hot`,
:meth:`VoteMatrix.class_counts`, ...) and never sees the storage encoding.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._votes_checks import (
    as_int_array,
    check_cardinality,
    check_class_names,
    check_count,
    check_labels,
    check_range,
    check_row_ids,
    resolve_lf_names,
)
from weaklabel.exceptions import DataError

__all__ = ["ABSTAIN", "VoteMatrix"]

#: The value a labeling function returns when it does not vote; ``-1`` in dense vote arrays.
ABSTAIN: Final = -1

# Storage encoding (private to this module): the CSR matrix stores ``class index + 1`` so that the
# implicit zero of a sparse matrix means "abstain".
_SHIFT: Final = 1


def _label_dtype(cardinality: int) -> np.dtype[Any]:
    return (
        np.dtype(np.int8) if cardinality + _SHIFT <= np.iinfo(np.int8).max else np.dtype(np.int16)
    )


class VoteMatrix:
    """Sparse rows x labeling functions matrix of votes, with its metadata.

    Build one with :func:`weaklabel.apply_lfs`, :meth:`from_dense`, :meth:`from_long` or
    :meth:`load`. Only non-abstain votes are stored, so memory grows with the number of votes, not
    with rows x LFs.

    Parameters
    ----------
    rows, lfs, labels : array-like of int
        Coordinates of the non-abstain votes: row position, LF position and class index.
    n_rows : int
        Number of rows (examples), including rows where every LF abstained.
    cardinality : int
        Number of classes ``k``; labels are class indices ``0 .. k-1``.
    lf_names : sequence of str, optional
        Unique LF names; ``lf_0, lf_1, ...`` by default. Its length sets the number of LFs.
    n_lfs : int, optional
        Number of LFs when ``lf_names`` is not given.
    class_names : sequence of str, optional
        Names of the ``k`` classes, when known.
    row_ids : array-like, optional
        One identifier per row; row positions ``0 .. n-1`` by default.
    lf_failures : array-like of int, optional
        How many rows each LF failed on (see ``apply_lfs(..., on_error="abstain")``).

    Examples
    --------
    >>> from weaklabel import ABSTAIN, VoteMatrix
    >>> votes = VoteMatrix.from_dense([[0, ABSTAIN], [1, 1], [ABSTAIN, ABSTAIN]], cardinality=2)
    >>> votes
    VoteMatrix(n_rows=3, n_lfs=2, cardinality=2, n_votes=3)
    >>> votes.to_dense().tolist()
    [[0, -1], [1, 1], [-1, -1]]
    >>> votes.class_counts().tolist()
    [[1, 0], [0, 2], [0, 0]]
    """

    __slots__ = ("_cardinality", "_class_names", "_csr", "_lf_failures", "_lf_names", "_row_ids")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        rows: Any,
        lfs: Any,
        labels: Any,
        *,
        n_rows: int,
        cardinality: int,
        lf_names: Sequence[str] | None = None,
        n_lfs: int | None = None,
        class_names: Sequence[str] | None = None,
        row_ids: Any = None,
        lf_failures: Any = None,
    ) -> None:
        cardinality = check_cardinality(cardinality)
        names = resolve_lf_names(lf_names, n_lfs)
        n_rows = check_count("n_rows", n_rows)
        rows_a = as_int_array("rows", rows)
        lfs_a = as_int_array("lfs", lfs)
        labels_a = as_int_array("labels", labels)
        if not (len(rows_a) == len(lfs_a) == len(labels_a)):
            raise DataError(
                f"VoteMatrix: rows, lfs and labels must have the same length; got {len(rows_a)}, "
                f"{len(lfs_a)} and {len(labels_a)}."
            )
        check_range("rows", rows_a, 0, n_rows, "row positions")
        check_range("lfs", lfs_a, 0, len(names), "LF positions")
        keep = labels_a != ABSTAIN
        rows_a, lfs_a, labels_a = rows_a[keep], lfs_a[keep], labels_a[keep]
        check_labels(labels_a, cardinality, where=lambda i: f"vote {i}")
        order = np.lexsort((lfs_a, rows_a))
        rows_a, lfs_a, labels_a = rows_a[order], lfs_a[order], labels_a[order]
        same = (np.diff(rows_a) == 0) & (np.diff(lfs_a) == 0)
        if same.any():
            i = int(np.flatnonzero(same)[0])
            raise DataError(
                f"VoteMatrix: LF {names[lfs_a[i]]!r} has two votes on row {int(rows_a[i])}; "
                "each LF casts at most one vote per row."
            )
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows_a, minlength=n_rows), out=indptr[1:])
        csr = sp.csr_matrix(
            ((labels_a + _SHIFT).astype(_label_dtype(cardinality)), lfs_a.astype(np.int32), indptr),
            shape=(n_rows, len(names)),
        )
        self._set(csr, cardinality, names, class_names, row_ids, lf_failures)

    # -- construction -------------------------------------------------------------------------

    def _set(
        self,
        csr: sp.csr_matrix,
        cardinality: int,
        lf_names: tuple[str, ...],
        class_names: Sequence[str] | None,
        row_ids: Any,
        lf_failures: Any,
    ) -> None:
        n_rows, n_lfs = csr.shape
        self._csr = csr
        self._cardinality = cardinality
        self._lf_names = lf_names
        self._class_names = check_class_names(class_names, cardinality)
        self._row_ids = check_row_ids(row_ids, n_rows)
        failures = np.zeros(n_lfs, dtype=np.int64) if lf_failures is None else lf_failures
        failures = np.array(failures, dtype=np.int64)
        if failures.shape != (n_lfs,) or (failures < 0).any():
            raise DataError(
                f"VoteMatrix: lf_failures must hold one non-negative count per LF ({n_lfs}); got "
                f"shape {failures.shape}."
            )
        failures.flags.writeable = False
        self._lf_failures = failures

    @classmethod
    def _from_csr_parts(
        cls,
        indptr: np.ndarray,
        lf_index: np.ndarray,
        labels: np.ndarray,
        *,
        cardinality: int,
        lf_names: Sequence[str],
        class_names: Sequence[str] | None = None,
        row_ids: Any = None,
        lf_failures: Any = None,
    ) -> VoteMatrix:
        """Build from CSR arrays with LF-sorted rows and no abstains (trusted input)."""
        names = resolve_lf_names(lf_names, None)
        cardinality = check_cardinality(cardinality)
        labels = np.asarray(labels)
        check_labels(labels, cardinality, where=lambda i: f"vote {i}")
        data = labels.astype(_label_dtype(cardinality))
        data += _SHIFT
        csr = sp.csr_matrix(
            (data, np.asarray(lf_index, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(names)),
        )
        self = cls.__new__(cls)
        self._set(csr, cardinality, names, class_names, row_ids, lf_failures)
        return self

    @classmethod
    def from_dense(
        cls,
        array: Any,
        *,
        cardinality: int,
        lf_names: Sequence[str] | None = None,
        class_names: Sequence[str] | None = None,
        row_ids: Any = None,
    ) -> VoteMatrix:
        """Build from a dense rows x LFs array of class indices where ``-1`` means abstain.

        Examples
        --------
        >>> from weaklabel import VoteMatrix
        >>> VoteMatrix.from_dense([[2, -1]], cardinality=2)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        weaklabel.exceptions.DataError: VoteMatrix: the vote at [0, 0] is 2, but ...
        """
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
        cardinality = check_cardinality(cardinality)
        bad_mask = (dense < ABSTAIN) | (dense >= cardinality)
        if bad_mask.any():
            i, j = np.argwhere(bad_mask)[0]
            raise DataError(
                f"VoteMatrix: the vote at [{i}, {j}] is {int(dense[i, j])}, but with cardinality "
                f"{cardinality} a vote must be a class index 0..{cardinality - 1} or -1 (ABSTAIN)."
            )
        rows, lfs = np.nonzero(dense != ABSTAIN)
        return cls(
            rows,
            lfs,
            dense[rows, lfs],
            n_rows=dense.shape[0],
            cardinality=cardinality,
            lf_names=lf_names,
            n_lfs=dense.shape[1],
            class_names=class_names,
            row_ids=row_ids,
        )

    @classmethod
    def from_long(
        cls,
        frame: pd.DataFrame,
        *,
        n_rows: int,
        cardinality: int,
        lf_names: Sequence[str],
        class_names: Sequence[str] | None = None,
        row_ids: Any = None,
    ) -> VoteMatrix:
        """Build from a long table with columns ``row`` (position), ``lf`` (name) and ``label``.

        This is the inverse of :meth:`to_long`.
        """
        missing = [c for c in ("row", "lf", "label") if c not in frame.columns]
        if missing:
            raise DataError(
                f"VoteMatrix.from_long: the frame lacks column(s) {missing}; it has "
                f"{list(frame.columns)}. Expected columns: row, lf, label."
            )
        names = resolve_lf_names(lf_names, None)
        position = {name: j for j, name in enumerate(names)}
        unknown = sorted(set(frame["lf"]) - set(position), key=str)
        if unknown:
            raise DataError(
                f"VoteMatrix.from_long: unknown LF name(s) {unknown[:5]}; known: {list(names)}."
            )
        lfs = frame["lf"].map(position).to_numpy(dtype=np.int64)
        return cls(
            frame["row"].to_numpy(),
            lfs,
            frame["label"].to_numpy(),
            n_rows=n_rows,
            cardinality=cardinality,
            lf_names=names,
            class_names=class_names,
            row_ids=row_ids,
        )

    @classmethod
    def concat(cls, parts: Sequence[VoteMatrix]) -> VoteMatrix:
        """Stack vote matrices over the same LFs row-wise, in order."""
        if not parts:
            raise DataError("VoteMatrix.concat: nothing to concatenate; pass at least one matrix.")
        first = parts[0]
        for part in parts[1:]:
            if part.lf_names != first.lf_names or part.cardinality != first.cardinality:
                raise DataError(
                    "VoteMatrix.concat: all parts must have the same LFs and cardinality; got "
                    f"{first.lf_names}/{first.cardinality} and {part.lf_names}/{part.cardinality}."
                )
        csr = sp.vstack([p._csr for p in parts], format="csr")
        out = cls.__new__(cls)
        out._set(
            csr,
            first.cardinality,
            first.lf_names,
            first.class_names,
            np.concatenate([p.row_ids for p in parts]),
            np.sum([p.lf_failures for p in parts], axis=0),
        )
        return out

    # -- metadata -------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_rows, n_lfs)``."""
        n_rows, n_lfs = self._csr.shape
        return int(n_rows), int(n_lfs)

    @property
    def n_rows(self) -> int:
        """Number of rows (examples)."""
        return self.shape[0]

    @property
    def n_lfs(self) -> int:
        """Number of labeling functions (columns)."""
        return self.shape[1]

    @property
    def n_votes(self) -> int:
        """Number of non-abstain votes."""
        return int(self._csr.nnz)

    @property
    def cardinality(self) -> int:
        """Number of classes."""
        return self._cardinality

    @property
    def lf_names(self) -> tuple[str, ...]:
        """Names of the LFs, in column order."""
        return self._lf_names

    @property
    def class_names(self) -> tuple[str, ...] | None:
        """Names of the classes, or None when only their number is known."""
        return self._class_names

    @property
    def row_ids(self) -> np.ndarray:
        """One identifier per row (read-only)."""
        return self._row_ids

    @property
    def lf_failures(self) -> np.ndarray:
        """How many rows each LF raised on and was counted as abstaining (read-only)."""
        return self._lf_failures

    def lf_index(self, name: str) -> int:
        """Column position of the LF called ``name``."""
        try:
            return self._lf_names.index(name)
        except ValueError:
            from weaklabel._params import closest

            guess = closest(name, self._lf_names)
            hint = f" Did you mean {guess!r}?" if guess else ""
            raise DataError(
                f"No labeling function named {name!r}. Known: {', '.join(self._lf_names)}.{hint}"
            ) from None

    # -- the votes --------------------------------------------------------------------------------

    @property
    def indptr(self) -> np.ndarray:
        """CSR row pointer: the votes of row ``i`` are at positions ``indptr[i]:indptr[i+1]``."""
        return _readonly(self._csr.indptr)

    @property
    def lfs(self) -> np.ndarray:
        """LF position of each stored vote, in CSR order (rows, then LFs)."""
        return _readonly(self._csr.indices)

    def labels(self) -> np.ndarray:
        """Class index of each stored vote, in CSR order (a new array)."""
        return self._csr.data.astype(np.int64) - _SHIFT

    def rows(self) -> np.ndarray:
        """Row position of each stored vote, in CSR order (a new array)."""
        return np.repeat(np.arange(self.n_rows, dtype=np.int64), np.diff(self._csr.indptr))

    def votes_per_row(self) -> np.ndarray:
        """Number of non-abstain votes on each row."""
        return np.diff(self._csr.indptr).astype(np.int64)

    def votes_per_lf(self) -> np.ndarray:
        """Number of non-abstain votes each LF cast."""
        return np.bincount(self._csr.indices, minlength=self.n_lfs).astype(np.int64)

    def class_counts(self) -> np.ndarray:
        """Dense rows x classes array: how many LFs voted for each class on each row."""
        k = self._cardinality
        flat = self.rows() * k + self.labels()
        return np.bincount(flat, minlength=self.n_rows * k).reshape(self.n_rows, k)

    def one_hot(self, *, dtype: Any = np.float64) -> sp.csr_matrix:
        """Sparse rows x (LFs * classes) indicator; column ``j*k + c`` is 1 where LF j voted c."""
        k = self._cardinality
        columns = self._csr.indices.astype(np.int64) * k + self.labels()
        return sp.csr_matrix(
            (np.ones(len(columns), dtype=dtype), columns, self._csr.indptr.copy()),
            shape=(self.n_rows, self.n_lfs * k),
        )

    def to_dense(self) -> np.ndarray:
        """Dense rows x LFs int64 array, ``-1`` (ABSTAIN) where an LF did not vote."""
        dense = np.full(self.shape, ABSTAIN, dtype=np.int64)
        dense[self.rows(), self._csr.indices] = self.labels()
        return dense

    def to_long(self) -> pd.DataFrame:
        """Long table of the votes: columns ``row`` (position), ``lf`` (name) and ``label``."""
        names = np.asarray(self._lf_names, dtype=object)
        return pd.DataFrame(
            {"row": self.rows(), "lf": names[self._csr.indices], "label": self.labels()}
        )

    # -- selection ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.n_rows

    def __getitem__(self, rows: Any) -> VoteMatrix:
        """The rows selected by a slice, an integer array or a boolean mask, as a new VoteMatrix."""
        if isinstance(rows, numbers.Integral):
            rows = slice(int(rows), int(rows) + 1) if rows != -1 else slice(-1, None)
        if isinstance(rows, slice) and rows.step in (None, 1):
            start, stop, _ = rows.indices(self.n_rows)
            csr, ids = self._csr[start:stop], self._row_ids[start:stop]
        else:
            index = np.arange(self.n_rows)[rows]
            csr, ids = self._csr[index], self._row_ids[index]
        out = type(self).__new__(type(self))
        out._set(csr, self._cardinality, self._lf_names, self._class_names, ids, self._lf_failures)
        return out

    def chunks(self, size: int) -> Iterator[tuple[int, VoteMatrix]]:
        """``(first row, VoteMatrix of the next size rows)`` pairs covering every row in order."""
        for start in range(0, self.n_rows, size):
            yield start, self[start : start + size]

    def polarity(self) -> np.ndarray:
        """``(n_lfs, cardinality)`` bool: which classes each LF voted for at least once."""
        width = self._cardinality + _SHIFT
        seen = np.zeros(self.n_lfs * width, dtype=bool)
        step = 1 << 22
        data, indices = self._csr.data, self._csr.indices
        wide = self.n_lfs * width >= np.iinfo(np.int32).max
        for a in range(0, len(data), step):
            lfs = indices[a : a + step]
            seen[(lfs.astype(np.int64) if wide else lfs) * width + data[a : a + step]] = True
        return seen.reshape(self.n_lfs, width)[:, _SHIFT:]

    def row_hashes(self) -> np.ndarray:
        """A 64-bit hash of each row's votes: rows with the same votes get the same hash.

        Different rows collide with probability about ``n**2 / 2**64``; rows without votes hash
        to 0.
        """
        width = self._cardinality + _SHIFT
        salt = (
            np.random.default_rng(0)
            .integers(1, np.iinfo(np.int64).max, size=self.n_lfs * width, dtype=np.int64)
            .view(np.uint64)
        )
        hashes = np.zeros(self.n_rows, dtype=np.uint64)
        indptr, data, indices = self._csr.indptr, self._csr.data, self._csr.indices
        rows_per_step = max(1, (1 << 22) // max(1, self.n_votes // max(self.n_rows, 1) + 1))
        for start in range(0, self.n_rows, rows_per_step):
            stop = min(start + rows_per_step, self.n_rows)
            a, b = indptr[start], indptr[stop]
            if a == b:
                continue
            codes = indices[a:b] * np.int64(width) + data[a:b]
            local = indptr[start : stop + 1] - a
            nonempty = np.flatnonzero(np.diff(local) > 0)
            with np.errstate(over="ignore"):
                mixed = salt[codes] * np.uint64(0x9E3779B97F4A7C15)
                hashes[start + nonempty] = np.add.reduceat(mixed, local[nonempty])
        return hashes

    def max_label(self) -> int:
        """The largest class index voted, or -1 when there is no vote."""
        return int(self._csr.data.max()) - _SHIFT if self._csr.nnz else ABSTAIN

    def select_lfs(self, lfs: Iterable[str | int]) -> VoteMatrix:
        """The columns of the given LFs (names or positions), in the given order."""
        positions = [self.lf_index(x) if isinstance(x, str) else int(x) for x in lfs]
        out = type(self).__new__(type(self))
        out._set(
            self._csr[:, positions].tocsr(),
            self._cardinality,
            tuple(self._lf_names[j] for j in positions),
            self._class_names,
            self._row_ids,
            self._lf_failures[positions],
        )
        out._csr.sort_indices()
        return out

    # -- comparison and display -----------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VoteMatrix):
            return NotImplemented
        a, b = self._csr, other._csr
        return bool(
            a.shape == b.shape
            and self._cardinality == other._cardinality
            and self._lf_names == other._lf_names
            and self._class_names == other._class_names
            and np.array_equal(self._row_ids, other._row_ids)
            and np.array_equal(self._lf_failures, other._lf_failures)
            and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices)
            and np.array_equal(a.data, b.data)
        )

    def __repr__(self) -> str:
        return (
            f"VoteMatrix(n_rows={self.n_rows}, n_lfs={self.n_lfs}, "
            f"cardinality={self._cardinality}, n_votes={self.n_votes})"
        )

    # -- persistence ----------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write to ``path`` atomically: one ``.npz`` of arrays and a JSON header, no pickle."""
        from weaklabel._votes_io import save_votes

        save_votes(self, path)

    @classmethod
    def load(cls, path: str | Path) -> VoteMatrix:
        """Read a vote matrix written by :meth:`save`."""
        from weaklabel._votes_io import load_votes

        return load_votes(path)


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view

"""The vote matrix: which labeling function voted for which class on which row.

A :class:`VoteMatrix` wraps a ``scipy.sparse`` CSR matrix of rows x LFs that holds only the
non-abstain votes, encoded as :mod:`weaklabel._votes.encoding` says; every other module reads votes
through its methods (:meth:`VoteMatrix.labels`, :meth:`VoteMatrix.one_hot`,
:meth:`VoteMatrix.class_counts`, ...) and never sees the storage encoding.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._core.params import closest
from weaklabel._votes.checks import check_lf_failures, check_row_ids
from weaklabel._votes.construct import (
    coordinates_from_dense,
    coordinates_from_long,
    csr_from_coordinates,
    csr_from_parts,
)
from weaklabel._votes.encoding import check_cardinality, label_dtype
from weaklabel._votes.io import read_vote_arrays, write_vote_arrays
from weaklabel._votes.names import check_class_names, resolve_lf_names
from weaklabel._votes.views import VoteViews
from weaklabel.exceptions import DataError

__all__ = ["VoteMatrix"]


class VoteMatrix(VoteViews):
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
        csr = csr_from_coordinates(
            rows, lfs, labels, n_rows=n_rows, cardinality=cardinality, lf_names=names
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
        self._lf_failures = check_lf_failures(lf_failures, n_lfs)

    @classmethod
    def from_csr_parts(
        cls,
        indptr: Any,
        lfs: Any,
        labels: Any,
        *,
        cardinality: int,
        lf_names: Sequence[str],
        class_names: Sequence[str] | None = None,
        row_ids: Any = None,
        lf_failures: Any = None,
        trusted: bool = False,
        source: str = "VoteMatrix",
    ) -> VoteMatrix:
        """Build from CSR arrays: the row pointer, the LF of each vote and its class index.

        The inverse of :attr:`indptr`, :attr:`lfs` and :meth:`labels`. Every array is checked
        (``source`` names them in errors); ``trusted=True`` skips all but the class range, for
        arrays this package has just built.
        """
        names = resolve_lf_names(lf_names, None)
        cardinality = check_cardinality(cardinality)
        csr = csr_from_parts(
            indptr,
            lfs,
            labels,
            cardinality=cardinality,
            n_lfs=len(names),
            trusted=trusted,
            source=source,
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
        cardinality = check_cardinality(cardinality)
        rows, lfs, labels = coordinates_from_dense(array, cardinality)
        return cls(
            rows,
            lfs,
            labels,
            n_rows=np.shape(array)[0],
            cardinality=cardinality,
            lf_names=lf_names,
            n_lfs=np.shape(array)[1],
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
        names = resolve_lf_names(lf_names, None)
        rows, lfs, labels = coordinates_from_long(frame, names)
        return cls(
            rows,
            lfs,
            labels,
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
            guess = closest(name, self._lf_names)
            hint = f" Did you mean {guess!r}?" if guess else ""
            raise DataError(
                f"No labeling function named {name!r}. Known: {', '.join(self._lf_names)}.{hint}"
            ) from None

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

    def with_cardinality(self, cardinality: int) -> VoteMatrix:
        """The same votes read with ``cardinality`` classes (more, or as many as are voted).

        Class names are kept only when their number still matches.
        """
        cardinality = check_cardinality(cardinality)
        if cardinality == self._cardinality:
            return self
        if self.max_label() >= cardinality:
            raise DataError(
                f"VoteMatrix.with_cardinality: the votes hold class index {self.max_label()}, so "
                f"they need at least {self.max_label() + 1} classes; got {cardinality}."
            )
        out = type(self).__new__(type(self))
        csr = self._csr
        if label_dtype(cardinality) != csr.dtype:
            csr = csr.astype(label_dtype(cardinality))
        out._set(csr, cardinality, self._lf_names, None, self._row_ids, self._lf_failures)
        return out

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
        header = {
            "shape": list(self.shape),
            "cardinality": self._cardinality,
            "lf_names": list(self._lf_names),
            "class_names": None if self._class_names is None else list(self._class_names),
        }
        arrays = {
            "indptr": self.indptr,
            "lfs": self.lfs,
            "labels": self.labels(),
            "row_ids": self._row_ids,
            "lf_failures": self._lf_failures,
        }
        write_vote_arrays(path, header, arrays)

    @classmethod
    def load(cls, path: str | Path) -> VoteMatrix:
        """Read a vote matrix written by :meth:`save`, checking every array it holds."""
        header, arrays = read_vote_arrays(path)
        return cls.from_csr_parts(
            arrays["indptr"],
            arrays["lfs"],
            arrays["labels"],
            cardinality=header["cardinality"],
            lf_names=header["lf_names"],
            class_names=header["class_names"],
            row_ids=arrays["row_ids"],
            lf_failures=arrays["lf_failures"],
            source=str(path),
        )

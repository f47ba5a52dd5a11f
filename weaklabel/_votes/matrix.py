"""The vote matrix: which labeling function voted for which class on which row.

A :class:`VoteMatrix` wraps a ``scipy.sparse`` CSR matrix of rows x LFs that holds only the
non-abstain votes, encoded as :mod:`weaklabel._votes.encoding` says; every other module reads votes
through its methods (:meth:`VoteMatrix.labels`, :meth:`VoteMatrix.one_hot`,
:meth:`VoteMatrix.class_counts`, ...) and never sees the storage encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._core.params import closest
from weaklabel._votes.checks import check_lf_failures, check_row_ids
from weaklabel._votes.confidence import check_confidences, confidence_csr
from weaklabel._votes.construct import (
    coordinates_from_dense,
    coordinates_from_long,
    csr_from_coordinates,
    csr_from_parts,
    dense_confidences,
)
from weaklabel._votes.encoding import check_cardinality
from weaklabel._votes.io import read_vote_arrays, save_votes
from weaklabel._votes.names import check_class_names, resolve_lf_names
from weaklabel._votes.select import VoteSelection
from weaklabel._votes.views import VoteViews
from weaklabel.exceptions import DataError

__all__ = ["VoteMatrix"]


class VoteMatrix(VoteSelection, VoteViews):
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
    confidences : array-like of float, optional
        How sure each vote's LF said it was, in (0, 1], aligned with ``rows``; without them every
        vote has confidence 1.0 (see :meth:`confidences`).

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

    __slots__ = (
        "_cardinality",
        "_class_names",
        "_conf",
        "_csr",
        "_lf_failures",
        "_lf_names",
        "_row_ids",
    )
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
        confidences: Any = None,
    ) -> None:
        cardinality = check_cardinality(cardinality)
        names = resolve_lf_names(lf_names, n_lfs)
        csr, conf = csr_from_coordinates(
            rows,
            lfs,
            labels,
            n_rows=n_rows,
            cardinality=cardinality,
            lf_names=names,
            confidences=confidences,
        )
        self._set(csr, cardinality, names, class_names, row_ids, lf_failures)
        self._conf = confidence_csr(csr, conf)

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
        self._conf: sp.csr_matrix | None = None

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
        confidences: Any = None,
        trusted: bool = False,
        source: str = "VoteMatrix",
    ) -> VoteMatrix:
        """Build from CSR arrays: the row pointer, the LF of each vote and its class index.

        The inverse of :attr:`indptr`, :attr:`lfs`, :meth:`labels` (and :meth:`confidences`,
        optional). Every array is checked (``source`` names them in errors); ``trusted=True``
        skips all but the class and confidence ranges, for arrays this package has just built.
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
        if confidences is not None:
            conf = check_confidences(confidences, n_votes=csr.nnz, source=source)
            self._conf = confidence_csr(csr, conf)
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
        confidences: Any = None,
    ) -> VoteMatrix:
        """Build from a dense rows x LFs array of class indices where ``-1`` means abstain.

        ``confidences``, optional, is a float array of the same shape, read where there is a vote.

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
        conf = None if confidences is None else dense_confidences(confidences, np.shape(array))
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
            confidences=None if conf is None else conf[rows, lfs],
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

        An optional ``confidence`` column gives each vote's confidence. This is the inverse of
        :meth:`to_long`.
        """
        names = resolve_lf_names(lf_names, None)
        rows, lfs, labels = coordinates_from_long(frame, names)
        conf = frame["confidence"].to_numpy() if "confidence" in frame.columns else None
        return cls(
            rows,
            lfs,
            labels,
            n_rows=n_rows,
            cardinality=cardinality,
            lf_names=names,
            class_names=class_names,
            row_ids=row_ids,
            confidences=conf,
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
        if any(p._conf is not None for p in parts):
            out._conf = confidence_csr(csr, np.concatenate([p.confidences() for p in parts]))
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
            and np.array_equal(self.confidences(), other.confidences())
        )

    def __repr__(self) -> str:
        return (
            f"VoteMatrix(n_rows={self.n_rows}, n_lfs={self.n_lfs}, "
            f"cardinality={self._cardinality}, n_votes={self.n_votes})"
        )

    # -- persistence ----------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write to ``path`` atomically: one ``.npz`` of arrays and a JSON header, no pickle."""
        save_votes(self, path)

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
            confidences=arrays.get("confidences"),
            source=str(path),
        )

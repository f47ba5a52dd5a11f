"""Selecting from a vote matrix: rows, chunks of rows, LFs, and a wider class range.

:class:`VoteSelection` is mixed into :class:`~weaklabel.VoteMatrix`; every selection applies
alike to the votes and to their confidences (:mod:`weaklabel._votes.confidence`), which share one
CSR structure.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from weaklabel._votes.encoding import check_cardinality, label_dtype
from weaklabel.exceptions import DataError

if TYPE_CHECKING:
    from weaklabel._votes.matrix import VoteMatrix

__all__ = ["VoteSelection"]


class VoteSelection:
    """Row, chunk, LF and class-range selection (mixed into :class:`~weaklabel.VoteMatrix`)."""

    __slots__ = ()
    _csr: sp.csr_matrix
    _conf: sp.csr_matrix | None
    _cardinality: int
    _class_names: tuple[str, ...] | None
    _lf_names: tuple[str, ...]
    _row_ids: np.ndarray
    _lf_failures: np.ndarray

    if TYPE_CHECKING:

        @property
        def n_rows(self) -> int: ...

        def _set(self, *parts: Any) -> None: ...

        def lf_index(self, name: str) -> int: ...

        def max_label(self) -> int: ...

    def __len__(self) -> int:
        return self.n_rows

    def __getitem__(self, rows: Any) -> VoteMatrix:
        """The rows selected by a slice, an integer array or a boolean mask, as a new VoteMatrix."""
        if isinstance(rows, numbers.Integral):
            rows = slice(int(rows), int(rows) + 1) if rows != -1 else slice(-1, None)
        if isinstance(rows, slice) and rows.step in (None, 1):
            start, stop, _ = rows.indices(self.n_rows)
            index: Any = slice(start, stop)
        else:
            index = np.arange(self.n_rows)[rows]
        csr, ids = self._csr[index], self._row_ids[index]
        out: Any = type(self).__new__(type(self))
        out._set(csr, self._cardinality, self._lf_names, self._class_names, ids, self._lf_failures)
        out._conf = None if self._conf is None else self._conf[index]
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
            return self  # type: ignore[return-value]
        if self.max_label() >= cardinality:
            raise DataError(
                f"VoteMatrix.with_cardinality: the votes hold class index {self.max_label()}, so "
                f"they need at least {self.max_label() + 1} classes; got {cardinality}."
            )
        out: Any = type(self).__new__(type(self))
        csr = self._csr
        if label_dtype(cardinality) != csr.dtype:
            csr = csr.astype(label_dtype(cardinality))
        out._set(csr, cardinality, self._lf_names, None, self._row_ids, self._lf_failures)
        out._conf = self._conf
        return out

    def select_lfs(self, lfs: Iterable[str | int]) -> VoteMatrix:
        """The columns of the given LFs (names or positions), in the given order."""
        positions = [self.lf_index(x) if isinstance(x, str) else int(x) for x in lfs]
        out: Any = type(self).__new__(type(self))
        out._set(
            self._csr[:, positions].tocsr(),
            self._cardinality,
            tuple(self._lf_names[j] for j in positions),
            self._class_names,
            self._row_ids,
            self._lf_failures[positions],
        )
        if self._conf is not None:
            conf = self._conf[:, positions].tocsr()
            conf.sort_indices()
            out._conf = conf
        out._csr.sort_indices()
        return out

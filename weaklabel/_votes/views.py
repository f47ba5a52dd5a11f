"""What can be read off the votes: per-row and per-LF counts, one-hot and dense forms, hashes.

:class:`VoteViews` is the read side of :class:`~weaklabel.VoteMatrix`; it computes everything from
the CSR storage, decoding stored votes with :mod:`weaklabel._votes.encoding`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._core.digest import fixed_salts
from weaklabel._votes.confidence import FULL_CONFIDENCE
from weaklabel._votes.encoding import ABSTAIN, SHIFT, decode

__all__ = ["VoteViews"]


class VoteViews:
    """The read-only views of a vote matrix (mixed into :class:`~weaklabel.VoteMatrix`)."""

    __slots__ = ()
    _csr: sp.csr_matrix
    _conf: sp.csr_matrix | None
    _cardinality: int
    _lf_names: tuple[str, ...]

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
    def indptr(self) -> np.ndarray:
        """CSR row pointer: the votes of row ``i`` are at positions ``indptr[i]:indptr[i+1]``."""
        return _readonly(self._csr.indptr)

    @property
    def lfs(self) -> np.ndarray:
        """LF position of each stored vote, in CSR order (rows, then LFs)."""
        return _readonly(self._csr.indices)

    def labels(self) -> np.ndarray:
        """Class index of each stored vote, in CSR order (a new array)."""
        return decode(self._csr.data)

    @property
    def has_confidences(self) -> bool:
        """Whether any LF stated how sure it was of its votes (see :meth:`confidences`)."""
        return self._conf is not None

    def confidences(self) -> np.ndarray:
        """Confidence of each stored vote in CSR order, in (0, 1]; 1.0 where none was stated."""
        if self._conf is None:
            return np.full(self.n_votes, FULL_CONFIDENCE)
        return self._conf.data.astype(np.float64)

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

    def voted(self) -> sp.csr_matrix:
        """Sparse rows x LFs indicator: 1.0 where the LF voted (any class)."""
        return sp.csr_matrix(
            (np.ones(self.n_votes), self._csr.indices.copy(), self._csr.indptr.copy()),
            shape=(self.n_rows, self.n_lfs),
        )

    def to_dense(self) -> np.ndarray:
        """Dense rows x LFs int64 array, ``-1`` (ABSTAIN) where an LF did not vote."""
        dense = np.full(self.shape, ABSTAIN, dtype=np.int64)
        dense[self.rows(), self._csr.indices] = self.labels()
        return dense

    def to_long(self) -> pd.DataFrame:
        """Long table of the votes: columns ``row`` (position), ``lf`` (name), ``label`` and,
        when LFs stated them, ``confidence``."""
        names = np.asarray(self._lf_names, dtype=object)
        table = {"row": self.rows(), "lf": names[self._csr.indices], "label": self.labels()}
        if self._conf is not None:
            table["confidence"] = self.confidences()
        return pd.DataFrame(table)

    def polarity(self) -> np.ndarray:
        """``(n_lfs, cardinality)`` bool: which classes each LF voted for at least once."""
        width = self._cardinality + SHIFT
        counts = np.zeros(self.n_lfs * width, dtype=np.int64)
        step = 1 << 22
        data, indices = self._csr.data, self._csr.indices
        wide = self.n_lfs * width >= np.iinfo(np.int32).max
        code_type = np.dtype(np.int64 if wide else np.int32)
        for a in range(0, len(data), step):  # a count per (LF, vote) code
            codes: np.ndarray = indices[a : a + step].astype(code_type)
            codes *= width
            codes += data[a : a + step]
            counts += np.bincount(codes, minlength=len(counts))
        return (counts > 0).reshape(self.n_lfs, width)[:, SHIFT:]

    def row_hashes(self) -> np.ndarray:
        """A 64-bit hash of each row's votes: rows with the same votes get the same hash.

        Different rows collide with probability about ``n**2 / 2**64``; rows without votes hash
        to 0.
        """
        width = self._cardinality + SHIFT
        with np.errstate(over="ignore"):  # each (LF, vote) code's term, mixed once
            salt = fixed_salts(self.n_lfs * width) * np.uint64(0x9E3779B97F4A7C15)
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
                hashes[start + nonempty] = np.add.reduceat(salt[codes], local[nonempty])
        return hashes

    def max_label(self) -> int:
        """The largest class index voted, or -1 when there is no vote."""
        return int(self._csr.data.max()) - SHIFT if self._csr.nnz else ABSTAIN


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view

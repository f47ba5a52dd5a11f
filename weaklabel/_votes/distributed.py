"""Votes on a Dask cluster: one :class:`~weaklabel.VoteMatrix` per partition, kept on the workers.

:class:`DaskVoteMatrix` is made by ``apply_lfs(lfs, dask_dataframe, ...)``. It holds the delayed
per-partition vote matrices and the statistics every model reads (rows, votes, which class each
LF voted, failures). Models reach the partitions through its public seam only:
:meth:`~DaskVoteMatrix.map_reduce` (a tree reduction of per-partition results) and
:meth:`~DaskVoteMatrix.map_to_frame` / :meth:`~DaskVoteMatrix.map_to_series` (per-partition
predictions as a Dask collection). Dask is imported only when a Dask collection is used.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.optional import import_optional
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel.exceptions import DataError

__all__ = ["DaskVoteMatrix"]

#: partial results merged per step of a tree reduction
_SPLIT_EVERY = 8


class DaskVoteMatrix:
    """The votes of a Dask DataFrame: one :class:`~weaklabel.VoteMatrix` per partition.

    Made by :func:`weaklabel.apply_lfs` from a Dask DataFrame, which builds every partition's
    votes on the workers (as ``persist`` does) and keeps them there; only the vote statistics
    below come back. :class:`~weaklabel.models.LabelModel`, :class:`~weaklabel.models.MajorityVote`
    and :class:`~weaklabel.models.WeightedMajorityVote` fit on it (``LabelModel`` gathers only its
    sample of at most ``max_fit_rows`` distinct voted rows), and every fitted model predicts on
    it: ``predict_proba`` returns a Dask DataFrame with one column per class, indexed by row id.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from weaklabel import apply_lfs, keyword_lf
    >>> frame = pd.DataFrame({"text": ["win cash", "hi mum", "cash now", "see you"]})
    >>> lfs = [keyword_lf("cash", ["cash"], 1), keyword_lf("mum", ["mum"], 0)]
    >>> votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=2), classes=["ham", "spam"])
    >>> votes
    DaskVoteMatrix(n_rows=4, n_lfs=2, cardinality=2, n_votes=3, npartitions=2)
    >>> votes.polarity().tolist()
    [[False, True], [True, False]]
    >>> votes.to_local().to_dense().tolist()
    [[1, -1], [-1, 0], [1, -1], [-1, -1]]

    A model fitted on it predicts a Dask DataFrame, one column per class, computed per partition:

    >>> from weaklabel.models import MajorityVote
    >>> probs = MajorityVote(cardinality=2).fit(votes).predict_proba(votes)
    >>> probs.npartitions, list(probs.columns)
    (2, ['ham', 'spam'])
    >>> probs.compute()  # the last row has no vote: it gets the class balance
       ham  spam
    0  0.0   1.0
    1  1.0   0.0
    2  0.0   1.0
    3  0.4   0.6
    """

    __slots__ = (
        "_cardinality",
        "_class_names",
        "_divisions",
        "_index_name",
        "_lf_names",
        "_parts",
        "_stats",
    )
    __hash__ = None  # type: ignore[assignment]
    _parts: tuple[Any, ...]
    _lf_names: tuple[str, ...]
    _cardinality: int
    _class_names: tuple[str, ...] | None
    _index_name: Any
    _divisions: tuple[Any, ...] | None
    _stats: _Stats

    def __init__(self) -> None:
        raise TypeError(
            "DaskVoteMatrix is made by weaklabel.apply_lfs(lfs, dask_dataframe, classes=...)."
        )

    @classmethod
    def from_delayed(
        cls,
        parts: Sequence[Any],
        *,
        lf_names: tuple[str, ...],
        cardinality: int,
        class_names: tuple[str, ...] | None,
        index_name: Any,
        divisions: tuple[Any, ...] | None,
    ) -> DaskVoteMatrix:
        """Wrap delayed per-partition VoteMatrix objects and compute their statistics.

        ``parts`` are ``dask.delayed`` VoteMatrix objects (persisted, so they stay on the
        workers); ``index_name`` names the row ids; ``divisions`` are kept for predictions.
        """
        self = cls.__new__(cls)
        self._parts = tuple(parts)
        self._lf_names = lf_names
        self._cardinality = cardinality
        self._class_names = class_names
        self._index_name = index_name
        self._divisions = divisions
        stats: _Stats = self.map_reduce(_partition_stats, _merge_stats)
        if stats.n_rows == 0:
            raise DataError("data has no rows; there is nothing to label.")
        self._stats = stats
        return self

    # -- metadata (no computation) ----------------------------------------------------------------

    @property
    def n_rows(self) -> int:
        """Number of rows, over all partitions."""
        return self._stats.n_rows

    @property
    def n_lfs(self) -> int:
        """Number of labeling functions (columns)."""
        return len(self._lf_names)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_rows, n_lfs)``."""
        return self.n_rows, self.n_lfs

    @property
    def n_votes(self) -> int:
        """Number of non-abstain votes."""
        return self._stats.n_votes

    @property
    def npartitions(self) -> int:
        """Number of partitions, as in the Dask DataFrame the votes came from."""
        return len(self._parts)

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
    def lf_failures(self) -> np.ndarray:
        """How many rows each LF raised on and was counted as abstaining (read-only)."""
        view = self._stats.lf_failures.view()
        view.flags.writeable = False
        return view

    def polarity(self) -> np.ndarray:
        """``(n_lfs, cardinality)`` bool: which classes each LF voted for at least once."""
        return self._stats.polarity.copy()

    def max_label(self) -> int:
        """The largest class index voted, or -1 when there is no vote."""
        return self._stats.max_label

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        return (
            f"DaskVoteMatrix(n_rows={self.n_rows}, n_lfs={self.n_lfs}, "
            f"cardinality={self._cardinality}, n_votes={self.n_votes}, "
            f"npartitions={self.npartitions})"
        )

    # -- collections ------------------------------------------------------------------------------

    def to_delayed(self) -> list[Any]:
        """One ``dask.delayed`` :class:`~weaklabel.VoteMatrix` per partition, in order."""
        return list(self._parts)

    def select_lfs(self, lfs: Iterable[str | int]) -> DaskVoteMatrix:
        """The columns of the given LFs (names or positions), in the given order."""
        import dask

        empty = VoteMatrix([], [], [], n_rows=0, cardinality=2, lf_names=self._lf_names)
        names = empty.select_lfs(lfs).lf_names  # checks the names, as for a VoteMatrix
        select = dask.delayed(VoteMatrix.select_lfs)
        (parts,) = dask.persist([select(part, names) for part in self._parts])
        return DaskVoteMatrix.from_delayed(
            parts,
            lf_names=names,
            cardinality=self._cardinality,
            class_names=self._class_names,
            index_name=self._index_name,
            divisions=self._divisions,
        )

    def map_votes(
        self, func: Callable[..., VoteMatrix], *args: Any, lf_names: tuple[str, ...]
    ) -> DaskVoteMatrix:
        """The votes ``func(part, *args)`` of each partition, whose LFs are ``lf_names``.

        Lazy: the partitions are not kept, ``func`` runs again each time they are read.
        """
        import dask

        mapped = dask.delayed(func)
        return DaskVoteMatrix.from_delayed(
            [mapped(part, *args) for part in self._parts],
            lf_names=lf_names,
            cardinality=self._cardinality,
            class_names=self._class_names,
            index_name=self._index_name,
            divisions=self._divisions,
        )

    def to_local(self) -> VoteMatrix:
        """Gather every partition into one in-memory :class:`~weaklabel.VoteMatrix`, rows in order.

        Only for votes that fit in this process's memory.
        """
        import dask

        parts = [p for p in dask.compute(*self._parts) if p.n_rows]
        return VoteMatrix.concat(parts)

    # -- the seam models use ------------------------------------------------------------------

    def map_reduce(self, func: Callable[..., Any], combine: Callable[..., Any], *args: Any) -> Any:
        """``combine(*[func(part, *args) for part in partitions])``, as a tree reduction.

        ``func`` runs on each partition's :class:`~weaklabel.VoteMatrix` on the workers;
        ``combine`` merges any number of its results (it must be associative), in groups of 8, and
        only the root comes back. ``args`` are sent with every task: keep them small.
        """
        import dask

        mapped = dask.delayed(func)
        merged = dask.delayed(combine)
        level = [mapped(part, *args) for part in self._parts]
        while len(level) > 1:
            level = [
                merged(*level[i : i + _SPLIT_EVERY]) for i in range(0, len(level), _SPLIT_EVERY)
            ]
        return level[0].compute()

    def map_to_frame(self, func: Callable[..., Any], *args: Any) -> Any:
        """A Dask DataFrame of ``func(part, *args)`` (n x k floats) per partition, one column per
        class (named after the classes, else ``"0"``, ``"1"``, ...), indexed by row id.

        Each of ``args`` (a fitted model, say) is sent to the workers once, not once per task.
        """
        columns = list(class_names_or_default(self._class_names, self._cardinality))
        index = self._empty_index()
        meta = pd.DataFrame(np.zeros((0, len(columns))), index=index, columns=columns)
        return self._collection(func, args, meta)

    def map_to_series(self, func: Callable[..., Any], *args: Any, name: str = "label") -> Any:
        """A Dask Series (int64, named ``name``) of ``func(part, *args)`` per partition, indexed
        by row id; as :meth:`map_to_frame` otherwise."""
        meta = pd.Series(np.zeros(0, dtype=np.int64), index=self._empty_index(), name=name)
        return self._collection(func, args, meta)

    def _empty_index(self) -> pd.Index:
        one_id: Any = np.zeros(1, dtype=self._stats.id_dtype)  # the ids' pandas dtype, empty
        return pd.Index(one_id, name=self._index_name)[:0]

    def _collection(self, func: Callable[..., Any], args: tuple[Any, ...], meta: Any) -> Any:
        dd = import_optional("dask.dataframe", extra="dask", purpose="Predicting on Dask votes")
        import dask

        token = uuid.uuid4().hex
        shared = [dask.delayed(a, name=f"weaklabel-arg-{i}-{token}") for i, a in enumerate(args)]
        task = dask.delayed(_to_pandas)
        parts = [task(func, part, shared, meta) for part in self._parts]
        return dd.from_delayed(parts, meta=meta, divisions=self._divisions)


def _to_pandas(func: Callable[..., Any], votes: VoteMatrix, args: list[Any], meta: Any) -> Any:
    values = func(votes, *args)
    index = pd.Index(votes.row_ids, name=meta.index.name)
    if index.dtype != meta.index.dtype:
        index = index.astype(meta.index.dtype)
    if isinstance(meta, pd.Series):
        return pd.Series(np.asarray(values, dtype=np.int64), index=index, name=meta.name)
    return pd.DataFrame(values, index=index, columns=meta.columns)


# -- reductions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stats:
    """What the models read of all the votes."""

    n_rows: int
    n_votes: int
    polarity: np.ndarray
    max_label: int
    lf_failures: np.ndarray
    id_dtype: np.dtype[Any]


def _partition_stats(votes: VoteMatrix) -> _Stats:
    return _Stats(
        votes.n_rows,
        votes.n_votes,
        votes.polarity(),
        votes.max_label(),
        np.asarray(votes.lf_failures),
        votes.row_ids.dtype if votes.n_rows else np.dtype(np.int64),
    )


def _merge_stats(*stats: _Stats) -> _Stats:
    dtypes = [s.id_dtype for s in stats if s.n_rows]
    try:
        id_dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.int64)
    except TypeError:
        id_dtype = np.dtype(object)
    return _Stats(
        sum(s.n_rows for s in stats),
        sum(s.n_votes for s in stats),
        np.logical_or.reduce([s.polarity for s in stats]),
        max(s.max_label for s in stats),
        np.sum([s.lf_failures for s in stats], axis=0),
        id_dtype,
    )

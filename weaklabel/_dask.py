"""Votes on a Dask cluster: labeling functions applied per partition, models fitted from reductions.

``apply_lfs(lfs, dask_dataframe, ...)`` returns a :class:`DaskVoteMatrix`: one
:class:`~weaklabel.VoteMatrix` per partition, built and kept on the workers. What a label model
needs from all the rows comes back as small reductions: the vote statistics (rows, votes, which
class each LF voted, failures) and, for :class:`~weaklabel.models.LabelModel`, the sample of
distinct voted rows EM runs on (at most ``max_fit_rows`` rows). Predictions are computed per
partition and come back as a Dask DataFrame. Dask is imported only when a Dask collection is used.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._chunks import ChunkApplier, check_columns
from weaklabel._lf import LabelingFunction
from weaklabel._random import RandomState, check_random_state
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError, MissingDependencyError, ParameterError

__all__ = ["DaskVoteMatrix", "apply_lfs_dask", "import_dask", "is_dask_collection"]

#: partial results merged per step of a tree reduction
_SPLIT_EVERY = 8


def import_dask(what: str) -> ModuleType:
    """``dask.dataframe``, or a :class:`MissingDependencyError` naming the extra to install.

    Examples
    --------
    >>> from weaklabel._dask import import_dask
    >>> import_dask("apply_lfs on a Dask DataFrame").__name__
    'dask.dataframe'
    """
    try:
        import dask.dataframe as dd
    except ImportError as exc:
        raise MissingDependencyError(
            f"{what} needs Dask, which is not installed ({exc}). Install it with: "
            "pip install 'weaklabel[dask]'"
        ) from exc
    return dd


def is_dask_collection(obj: object) -> bool:
    """Whether ``obj`` is a Dask collection, judged by its type's module (Dask is not imported)."""
    module = type(obj).__module__ or ""
    return module.partition(".")[0] in ("dask", "dask_expr")


# -- applying the LFs ----------------------------------------------------------------------------


def apply_lfs_dask(
    lfs: list[LabelingFunction],
    data: Any,
    *,
    cardinality: int | None,
    class_names: tuple[str, ...] | None,
    id_column: str | None,
    on_error: str,
    chunk_size: int,
    n_jobs: int,
    checkpoint_dir: object,
) -> DaskVoteMatrix:
    """:func:`weaklabel.apply_lfs` on a Dask DataFrame (see there); the LFs and classes checked."""
    dd = import_dask("apply_lfs on a Dask DataFrame")
    import dask

    if n_jobs != 1:
        raise ParameterError(
            f"The 'n_jobs' parameter of apply_lfs must be 1 for a Dask DataFrame. Got {n_jobs} "
            "instead; the Dask scheduler runs the partitions in parallel, so size the cluster."
        )
    if checkpoint_dir is not None:
        raise ParameterError(
            "The 'checkpoint_dir' parameter of apply_lfs does not apply to a Dask DataFrame: its "
            "votes stay on the workers. Leave it out (to keep votes that fit in memory: "
            "votes.to_local().save(path))."
        )

    if not isinstance(data, dd.DataFrame):
        raise DataError(
            f"apply_lfs takes a Dask DataFrame; got a Dask {type(data).__name__}. Convert it "
            "first (a Series: .to_frame(); a Bag of dicts: .to_dataframe())."
        )
    if cardinality is None:
        raise ParameterError(
            "apply_lfs on a Dask DataFrame needs the 'cardinality' or 'classes' parameter: the "
            "number of classes cannot be inferred before every partition has voted. Pass e.g. "
            "classes=['ham', 'spam'] or cardinality=2."
        )
    columns = [str(c) for c in data.columns]
    if id_column is not None and id_column not in columns:
        raise DataError(
            f"id column {id_column!r} is not in the data; columns: {', '.join(columns)}."
        )
    if id_column is None and not data.known_divisions:
        raise ParameterError(
            "apply_lfs on a Dask DataFrame takes the row ids from the index only when its "
            "divisions are known: otherwise partitions may repeat index values (read_csv and "
            "read_parquet number each partition's rows from 0). Pass id_column='...' naming a "
            "unique id column, or set a unique sorted index with ddf.set_index(...)."
        )
    applier = ChunkApplier(lfs, cardinality, class_names, on_error)
    shared = dask.delayed(applier, name=f"weaklabel-lfs-{uuid.uuid4().hex}")
    build = dask.delayed(_apply_partition)
    parts = [
        build(part, shared, i, id_column, chunk_size) for i, part in enumerate(data.to_delayed())
    ]
    (persisted,) = dask.persist(parts)
    keep_divisions = id_column is None and data.index.dtype != object
    return DaskVoteMatrix._build(
        persisted,
        lf_names=tuple(lf.name for lf in lfs),
        cardinality=cardinality,
        class_names=class_names,
        index_name=id_column if id_column is not None else data.index.name,
        divisions=tuple(data.divisions) if keep_divisions else None,
    )


def _apply_partition(
    frame: pd.DataFrame, applier: ChunkApplier, partition: int, id_column: str | None, size: int
) -> VoteMatrix:
    """The votes of one partition, chunk by chunk as :func:`weaklabel.apply_lfs` makes them."""
    from weaklabel._apply import _assemble, _row_ids

    try:
        row_ids = _row_ids(frame, id_column)
        check_columns(frame)
    except DataError as exc:
        raise DataError(f"partition {partition}: {exc}") from None
    n = len(frame)
    if n == 0:
        return VoteMatrix(
            [],
            [],
            [],
            n_rows=0,
            cardinality=applier.cardinality or 2,
            lf_names=[lf.name for lf in applier.lfs],
            class_names=applier.class_names,
        )
    results = [
        applier.apply(frame.iloc[a : a + size], row_ids[a : a + size].tolist())
        for a in range(0, n, size)
    ]
    return _assemble(results, applier.lfs, applier.cardinality, applier.class_names, row_ids, n)


# -- the distributed vote matrix -----------------------------------------------------------------


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
    def _build(
        cls,
        parts: Sequence[Any],
        *,
        lf_names: tuple[str, ...],
        cardinality: int,
        class_names: tuple[str, ...] | None,
        index_name: Any,
        divisions: tuple[Any, ...] | None,
    ) -> DaskVoteMatrix:
        """Wrap delayed per-partition VoteMatrix objects and compute their statistics."""
        self = cls.__new__(cls)
        self._parts = tuple(parts)
        self._lf_names = lf_names
        self._cardinality = cardinality
        self._class_names = class_names
        self._index_name = index_name
        self._divisions = divisions
        stats: _Stats = _tree_reduce(self._parts, _partition_stats, _merge_stats)
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
        return DaskVoteMatrix._build(
            parts,
            lf_names=names,
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

    # -- what the models use --------------------------------------------------------------------

    def _sum(self, func: Callable[..., np.ndarray], *args: Any) -> np.ndarray:
        """``sum(func(part, *args) for part in partitions)``, as a tree reduction."""
        return np.asarray(_tree_reduce(self._parts, func, _add, args=args))

    def _fit_sample(
        self, max_rows: int | None, *, random_state: RandomState, owner: str
    ) -> tuple[VoteMatrix, np.ndarray]:
        """The distinct voted rows with their counts, as :class:`LabelModel` fits on them.

        Rows come sorted by :meth:`VoteMatrix.row_hashes`, each with the number of rows sharing
        its votes. When more than ``max_rows`` distinct rows exist, a uniform sample of
        ``max_rows`` of them is kept (the ones whose seeded hash is smallest: a bottom-k sample,
        which merges exactly across partitions) and the counts are scaled up to the number of
        voted rows. Only this sample is gathered.
        """
        salt = check_random_state(random_state, owner=owner).integers(
            np.iinfo(np.int64).max, dtype=np.int64
        )
        sample: _Sample = _tree_reduce(
            self._parts,
            _partition_sample,
            functools.partial(_merge_samples, size=max_rows, salt=np.uint64(salt)),
            args=(max_rows, np.uint64(salt)),
        )
        counts = sample.counts
        if sample.truncated:
            counts = counts * (sample.n_voted / counts.sum())
        return sample.votes, counts

    def _frame(self, func: Callable[..., Any], model: Any, columns: list[str] | None) -> Any:
        """A Dask DataFrame (``columns``) or Series (None) of ``func(model, part)`` per partition.

        The index holds the row ids, named like the id column (or the index) they came from.
        """
        dd = import_dask("Predicting on Dask votes")
        import dask

        one_id: Any = np.zeros(1, dtype=self._stats.id_dtype)  # the ids' pandas dtype, empty
        index = pd.Index(one_id, name=self._index_name)[:0]
        if columns is None:
            meta: Any = pd.Series(np.zeros(0, dtype=np.int64), index=index, name="label")
        else:
            meta = pd.DataFrame(np.zeros((0, len(columns))), index=index, columns=columns)
        shared = dask.delayed(model, name=f"weaklabel-model-{uuid.uuid4().hex}")
        task = dask.delayed(_to_pandas)
        parts = [task(func, shared, part, meta) for part in self._parts]
        return dd.from_delayed(parts, meta=meta, divisions=self._divisions)


def _to_pandas(func: Callable[..., Any], model: Any, votes: VoteMatrix, meta: Any) -> Any:
    values = func(model, votes)
    index = pd.Index(votes.row_ids, name=meta.index.name)
    if index.dtype != meta.index.dtype:
        index = index.astype(meta.index.dtype)
    if isinstance(meta, pd.Series):
        return pd.Series(np.asarray(values, dtype=np.int64), index=index, name=meta.name)
    return pd.DataFrame(values, index=index, columns=meta.columns)


# -- reductions ----------------------------------------------------------------------------------


def _tree_reduce(
    parts: Sequence[Any],
    func: Callable[..., Any],
    combine: Callable[..., Any],
    *,
    args: tuple[Any, ...] = (),
) -> Any:
    """Merge the ``func(part, *args)`` results with ``combine`` in a tree; return the root."""
    import dask

    mapped = dask.delayed(func)
    merged = dask.delayed(combine)
    level = [mapped(part, *args) for part in parts]
    while len(level) > 1:
        level = [merged(*level[i : i + _SPLIT_EVERY]) for i in range(0, len(level), _SPLIT_EVERY)]
    return level[0].compute()


def _add(*values: np.ndarray) -> np.ndarray:
    return np.sum(values, axis=0)


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
        keep = np.sort(np.argpartition(_mix(hashes, salt), size - 1)[:size])
        hashes, counts, votes, truncated = hashes[keep], counts[keep], votes[keep], True
    return _Sample(hashes, counts, votes, n_voted, truncated)


def _mix(hashes: np.ndarray, salt: np.uint64) -> np.ndarray:
    """A seeded bijection of 64-bit values (the splitmix64 finaliser of ``hash ^ salt``)."""
    z = hashes.astype(np.uint64) ^ salt
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))

"""Applying labeling functions to a dataset, chunk by chunk, into a sparse :class:`VoteMatrix`.

Chunks run in this process or in ``n_jobs`` worker processes (forked, so LFs defined anywhere work
and nothing is pickled but the votes); with ``checkpoint_dir`` every finished chunk is stored, so a
killed run started again resumes where it stopped.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaklabel._chunks import ChunkApplier, ChunkVotes, check_columns
from weaklabel._dask import DaskVoteMatrix, apply_lfs_dask, is_dask_collection
from weaklabel._lf import LabelingFunction
from weaklabel._params import check_choice, check_int
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError, ParameterError

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["apply_lfs", "check_lfs", "resolve_classes"]

_ON_ERROR = ("raise", "abstain")


@overload
def apply_lfs(
    lfs: Sequence[LabelingFunction],
    data: dd.DataFrame,
    *,
    cardinality: int | None = None,
    classes: Sequence[str] | None = None,
    id_column: str | None = None,
    on_error: str = "raise",
    n_jobs: int = 1,
    checkpoint_dir: str | Path | None = None,
    progress: bool = True,
    chunk_size: int = 16384,
) -> DaskVoteMatrix: ...


@overload
def apply_lfs(
    lfs: Sequence[LabelingFunction],
    data: Any,
    *,
    cardinality: int | None = None,
    classes: Sequence[str] | None = None,
    id_column: str | None = None,
    on_error: str = "raise",
    n_jobs: int = 1,
    checkpoint_dir: str | Path | None = None,
    progress: bool = True,
    chunk_size: int = 16384,
) -> VoteMatrix: ...


def apply_lfs(
    lfs: Sequence[LabelingFunction],
    data: Any,
    *,
    cardinality: int | None = None,
    classes: Sequence[str] | None = None,
    id_column: str | None = None,
    on_error: str = "raise",
    n_jobs: int = 1,
    checkpoint_dir: str | Path | None = None,
    progress: bool = True,
    chunk_size: int = 16384,
) -> VoteMatrix | DaskVoteMatrix:
    """Run every labeling function on every row and collect the votes.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        The LFs, with unique names; they become the columns of the vote matrix, in order. Row LFs
        and vectorized LFs (``@labeling_function(vectorized=True)``, :func:`keyword_lf`, ...) mix
        freely.
    data : pandas.DataFrame, sequence of mappings or dask.dataframe.DataFrame
        One example per row; row LFs read its columns as attributes (``x.text``). A Dask
        DataFrame (``pip install 'weaklabel[dask]'``) is labeled partition by partition on the
        workers and gives a :class:`~weaklabel.DaskVoteMatrix` (see ``docs/dask.md``).
    cardinality : int, optional
        Number of classes. When neither ``cardinality`` nor ``classes`` is given it is inferred as
        the largest vote + 1 (at least 2); give it so that out-of-range votes are caught. Dask
        input needs one of the two.
    classes : sequence of str, optional
        Class names, in class-index order; sets the cardinality.
    id_column : str, optional
        Column holding a unique id per row; by default the DataFrame's index (row positions for a
        sequence of mappings). A Dask DataFrame's index serves only when its divisions are known;
        ids are checked for uniqueness within each partition.
    on_error : {"raise", "abstain"}
        What to do when an LF raises: stop with a :class:`LabelingFunctionError` naming the LF and
        the row, or count the failure (``VoteMatrix.lf_failures``) and treat it as an abstain. A
        vectorized LF that raises fails for its whole chunk.
    n_jobs : int
        Worker processes (-1: one per CPU). Results are identical to ``n_jobs=1``, rows in order.
        Dask input: leave it at 1, the Dask scheduler runs the partitions.
    checkpoint_dir : str or Path, optional
        Store every finished chunk here; a run started again with the same LFs and data resumes
        from the stored chunks. A checkpoint made with other LFs or other data is refused. Not
        for Dask input.
    progress : bool
        Show a progress bar (rows/s); Dask input shows its progress on the Dask dashboard.
    chunk_size : int
        Rows per chunk (within each partition for Dask input).

    Returns
    -------
    VoteMatrix
        Or, for a Dask DataFrame, a :class:`~weaklabel.DaskVoteMatrix` whose partitions stay on
        the workers.

    Examples
    --------
    >>> from weaklabel import ABSTAIN, apply_lfs, keyword_lf, labeling_function
    >>> @labeling_function
    ... def short(x):
    ...     return 0 if len(x.text) < 10 else ABSTAIN
    >>> link = keyword_lf("link", ["http"], 1, whole_words=False)
    >>> votes = apply_lfs([short, link], [{"text": "ok"}, {"text": "http://spam.example"}],
    ...                   classes=["ham", "spam"], progress=False)
    >>> votes.to_dense().tolist()
    [[0, -1], [-1, 1]]
    """
    lfs = check_lfs(lfs, owner="apply_lfs")
    on_error = check_choice("on_error", on_error, _ON_ERROR, owner="apply_lfs")
    chunk_size = check_int("chunk_size", chunk_size, owner="apply_lfs", minimum=1)
    n_jobs = _check_jobs(n_jobs)
    k, class_names = resolve_classes(cardinality, classes, owner="apply_lfs")
    if is_dask_collection(data):
        return apply_lfs_dask(
            lfs,
            data,
            cardinality=k,
            class_names=class_names,
            id_column=id_column,
            on_error=on_error,
            chunk_size=chunk_size,
            n_jobs=n_jobs,
            checkpoint_dir=checkpoint_dir,
        )
    frame = _as_frame(data)
    row_ids = _row_ids(frame, id_column)
    check_columns(frame)
    applier = ChunkApplier(lfs, k, class_names, on_error)
    bounds = [(a, min(a + chunk_size, len(frame))) for a in range(0, len(frame), chunk_size)]
    store = None
    if checkpoint_dir is not None:
        from weaklabel._checkpoint import Checkpoint, lf_fingerprint

        manifest = {
            "lfs": [lf_fingerprint(lf) for lf in lfs],
            "n_rows": len(frame),
            "columns": [str(c) for c in frame.columns],
            "chunk_size": chunk_size,
            "cardinality": k,
            "classes": None if class_names is None else list(class_names),
            "id_column": id_column,
            "on_error": on_error,
        }
        store = Checkpoint(checkpoint_dir, manifest)
    results = _run(applier, frame, row_ids, bounds, n_jobs, store, progress)
    return _assemble(results, lfs, k, class_names, row_ids, len(frame))


def _run(
    applier: ChunkApplier,
    frame: pd.DataFrame,
    row_ids: np.ndarray,
    bounds: list[tuple[int, int]],
    n_jobs: int,
    store: Any,
    progress: bool,
) -> list[ChunkVotes]:
    results: list[ChunkVotes | None] = [None] * len(bounds)
    with tqdm(
        total=len(frame), desc="Applying LFs", unit="rows", disable=not progress, leave=False
    ) as bar:
        todo = []
        for i, (a, b) in enumerate(bounds):
            stored = store.load(i, frame.iloc[a:b]) if store is not None else None
            if stored is None:
                todo.append(i)
            else:
                results[i] = stored
                bar.update(b - a)

        def finished(i: int, votes: ChunkVotes) -> None:
            a, b = bounds[i]
            if store is not None:
                store.save(i, frame.iloc[a:b], votes)
            results[i] = votes
            bar.update(b - a)

        if n_jobs == 1 or len(todo) <= 1:
            for i in todo:
                a, b = bounds[i]
                finished(i, applier.apply(frame.iloc[a:b], row_ids[a:b].tolist()))
        else:
            _run_parallel(applier, frame, row_ids, bounds, todo, n_jobs, finished)
    return [r for r in results if r is not None]


# The job the worker processes run: set in the parent just before they fork.
_JOB: tuple[ChunkApplier, pd.DataFrame, np.ndarray, list[tuple[int, int]]] | None = None


def _work(i: int) -> tuple[int, ChunkVotes]:
    assert _JOB is not None
    applier, frame, row_ids, bounds = _JOB
    a, b = bounds[i]
    return i, applier.apply(frame.iloc[a:b], row_ids[a:b].tolist())


def _run_parallel(
    applier: ChunkApplier,
    frame: pd.DataFrame,
    row_ids: np.ndarray,
    bounds: list[tuple[int, int]],
    todo: list[int],
    n_jobs: int,
    finished: Any,
) -> None:
    global _JOB
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:  # pragma: no cover - Windows / macOS without fork
        raise ParameterError(
            "The 'n_jobs' parameter of apply_lfs needs the 'fork' start method, which this "
            f"platform lacks (it has {methods}). Use n_jobs=1."
        )
    _JOB = (applier, frame, row_ids, bounds)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
            futures = [pool.submit(_work, i) for i in todo]
            for future in as_completed(futures):
                i, votes = future.result()
                finished(i, votes)
    finally:
        _JOB = None


def _assemble(
    results: list[ChunkVotes],
    lfs: list[LabelingFunction],
    k: int | None,
    class_names: tuple[str, ...] | None,
    row_ids: np.ndarray,
    n_rows: int,
) -> VoteMatrix:
    counts = np.concatenate([r.counts for r in results]) if results else np.zeros(0, np.int64)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    labels = np.concatenate([r.labels for r in results]).astype(np.int64)
    if k is None:
        k = max(2, int(labels.max()) + 1 if labels.size else 2)
    return VoteMatrix._from_csr_parts(
        indptr,
        np.concatenate([r.lfs for r in results]),
        labels,
        cardinality=k,
        lf_names=[lf.name for lf in lfs],
        class_names=class_names,
        row_ids=row_ids,
        lf_failures=np.sum([r.failures for r in results], axis=0),
    )


def _check_jobs(n_jobs: object) -> int:
    if n_jobs == -1:
        return max(1, os.cpu_count() or 1)
    return check_int("n_jobs", n_jobs, owner="apply_lfs", minimum=1)


def check_lfs(lfs: Any, *, owner: str) -> list[LabelingFunction]:
    """Check ``lfs`` is a non-empty sequence of LabelingFunctions with unique names."""
    if isinstance(lfs, LabelingFunction):
        lfs = [lfs]
    if not isinstance(lfs, Iterable) or isinstance(lfs, str | bytes | Mapping):
        raise ParameterError(
            f"The 'lfs' parameter of {owner} must be a list of labeling functions. "
            f"Got {type(lfs).__name__} instead."
        )
    lfs = list(lfs)
    if not lfs:
        raise ParameterError(
            f"The 'lfs' parameter of {owner} must hold at least one labeling function. Got an "
            "empty list; decorate your functions with @labeling_function and pass them in."
        )
    for lf in lfs:
        if not isinstance(lf, LabelingFunction):
            name = getattr(lf, "__name__", repr(lf))
            raise ParameterError(
                f"The 'lfs' parameter of {owner} must hold LabelingFunction objects. Got {name} "
                f"({type(lf).__name__}); decorate it with @labeling_function."
            )
    seen: dict[str, int] = {}
    for lf in lfs:
        seen[lf.name] = seen.get(lf.name, 0) + 1
    duplicated = [n for n, c in seen.items() if c > 1]
    if duplicated:
        raise ParameterError(
            f"Labeling function names must be unique; {', '.join(map(repr, duplicated))} "
            "appear(s) more than once. Rename one with @labeling_function(name=...)."
        )
    return lfs


def resolve_classes(
    cardinality: int | None, classes: Sequence[str] | None, *, owner: str
) -> tuple[int | None, tuple[str, ...] | None]:
    """The number of classes and their names from ``cardinality`` and/or ``classes``."""
    names: tuple[str, ...] | None = None
    if classes is not None:
        if isinstance(classes, str):
            raise ParameterError(
                f"The 'classes' parameter of {owner} must be a list of class names. Got the "
                f"string {classes!r}; use {classes.split(',')!r}."
            )
        names = tuple(str(c) for c in classes)
        if len(names) < 2 or len(set(names)) != len(names):
            raise ParameterError(
                f"The 'classes' parameter of {owner} must hold at least two distinct names. "
                f"Got {list(names)} instead."
            )
    if cardinality is not None:
        cardinality = check_int("cardinality", cardinality, owner=owner, minimum=2)
        if names is not None and len(names) != cardinality:
            raise ParameterError(
                f"The 'cardinality' parameter of {owner} ({cardinality}) disagrees with the "
                f"{len(names)} names in 'classes'; pass only one of them."
            )
    elif names is not None:
        cardinality = len(names)
    return cardinality, names


def _as_frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
        for i, record in enumerate(data):
            if not isinstance(record, Mapping):
                raise DataError(
                    f"data[{i}] is a {type(record).__name__}; each record must be a mapping "
                    "(dict) of field names to values."
                )
        frame = pd.DataFrame.from_records(list(data)) if len(data) else pd.DataFrame()
    else:
        raise DataError(
            f"data must be a pandas DataFrame or a sequence of dicts; got {type(data).__name__}. "
            "Read files with weaklabel.read_data()."
        )
    if len(frame) == 0:
        raise DataError("data has no rows; there is nothing to label.")
    return frame


def _row_ids(frame: pd.DataFrame, id_column: str | None) -> np.ndarray:
    if id_column is None:
        ids = frame.index.to_numpy()
        what = "the DataFrame index"
    else:
        if id_column not in frame.columns:
            raise DataError(
                f"id column {id_column!r} is not in the data; columns: "
                f"{', '.join(map(str, frame.columns))}."
            )
        ids = frame[id_column].to_numpy()
        what = f"id column {id_column!r}"
    if ids.dtype == object or ids.dtype.kind in "OSU" or str(ids.dtype).startswith("str"):
        ids = np.asarray(["" if x is None else str(x) for x in ids])
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise DataError(
            f"{what} must hold unique row ids; {ids.tolist()[i]!r} repeats (row {i}). Pick a "
            "unique id column, or reset the index."
        )
    return ids

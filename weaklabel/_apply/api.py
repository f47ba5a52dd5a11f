"""Applying labeling functions to a dataset, chunk by chunk, into a sparse :class:`VoteMatrix`.

Chunks run in this process or in ``n_jobs`` worker processes (forked, so LFs defined anywhere work
and nothing is pickled but the votes); with ``checkpoint_dir`` every finished chunk is stored, so a
killed run started again resumes where it stopped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from weaklabel._apply.chunks import ChunkApplier, assemble
from weaklabel._apply.frames import as_frame, row_ids_of, with_text_column
from weaklabel._apply.parallel import run_chunks
from weaklabel._core.columns import column_names
from weaklabel._core.optional import is_dask_collection
from weaklabel._core.params import check_choice, check_int
from weaklabel._lfs.lf import LabelingFunction, check_lfs
from weaklabel._version import __version__
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import resolve_classes

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["apply_lfs"]

_ON_ERROR = ("raise", "abstain")


@overload
def apply_lfs(
    lfs: Sequence[LabelingFunction],
    data: dd.DataFrame,
    *,
    cardinality: int | None = None,
    classes: Sequence[str] | None = None,
    id_column: str | None = None,
    text_column: str | None = None,
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
    text_column: str | None = None,
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
    text_column: str | None = None,
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
    text_column : str, optional
        A column the LFs read as ``x.text`` (``frame["text"]`` in vectorized LFs and the
        builders' default ``column="text"``), for data whose text column has another name.
    on_error : {"raise", "abstain"}
        What to do when an LF raises: stop with a :class:`LabelingFunctionError` naming the LF and
        the row, or count the failure (``VoteMatrix.lf_failures``) and treat it as an abstain. A
        vectorized LF that raises fails for its whole chunk.
    n_jobs : int
        Worker processes (-1: one per CPU). Results are identical to ``n_jobs=1``, rows in order.
        Dask input: leave it at 1, the Dask scheduler runs the partitions.
    checkpoint_dir : str or Path, optional
        Store every finished chunk here; a run started again with the same LFs and data resumes
        from the stored chunks. A checkpoint made with other LFs (their code, the globals,
        helpers, closures and defaults they reach, their resources and preprocessors, any edit to
        their file) or other data is refused, and so is a resume when an LF reaches a value that
        cannot be fingerprinted (an open file, a lock); see ``docs/applying.md``. Not for Dask
        input.
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
        from weaklabel._apply.dask import apply_lfs_dask

        return apply_lfs_dask(
            lfs,
            with_text_column(data, text_column),
            cardinality=k,
            class_names=class_names,
            id_column=id_column,
            on_error=on_error,
            chunk_size=chunk_size,
            n_jobs=n_jobs,
            checkpoint_dir=checkpoint_dir,
        )
    frame = with_text_column(as_frame(data), text_column)
    row_ids = row_ids_of(frame, id_column)
    column_names(frame.columns)
    applier = ChunkApplier(lfs, k, class_names, on_error)
    bounds = [(a, min(a + chunk_size, len(frame))) for a in range(0, len(frame), chunk_size)]
    store = None
    if checkpoint_dir is not None:
        from weaklabel._apply.checkpoint import Checkpoint
        from weaklabel._apply.fingerprint import fingerprint_lfs

        fingerprints, unfingerprintable = fingerprint_lfs(lfs)  # once per call, not per chunk
        manifest = {
            "weaklabel": __version__,
            "lfs": fingerprints,
            "unfingerprintable": unfingerprintable,
            "n_rows": len(frame),
            "columns": [str(c) for c in frame.columns],
            "chunk_size": chunk_size,
            "cardinality": k,
            "classes": None if class_names is None else list(class_names),
            "id_column": id_column,
            "on_error": on_error,
        }
        store = Checkpoint(checkpoint_dir, manifest)
    results = run_chunks(applier, frame, row_ids, bounds, n_jobs, store, progress)
    return assemble(results, lfs, k, class_names, row_ids, len(frame))


def _check_jobs(n_jobs: object) -> int:
    if n_jobs == -1:
        return max(1, os.cpu_count() or 1)
    return check_int("n_jobs", n_jobs, owner="apply_lfs", minimum=1)

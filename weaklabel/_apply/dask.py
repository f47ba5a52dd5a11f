"""``apply_lfs`` on a Dask DataFrame: the LFs run per partition on the workers.

Each partition's votes are built chunk by chunk exactly as in memory and kept on the workers as a
:class:`~weaklabel.DaskVoteMatrix`; only their statistics come back.
"""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd

from weaklabel._apply.chunks import ChunkApplier, assemble
from weaklabel._apply.frames import row_ids_of
from weaklabel._core.columns import column_names, require_column
from weaklabel._core.optional import import_optional
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["apply_lfs_dask"]


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
    dd = import_optional("dask.dataframe", extra="dask", purpose="apply_lfs on a Dask DataFrame")
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
    if id_column is not None:
        require_column(id_column, columns, role="id")
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
    return DaskVoteMatrix.from_delayed(
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
    try:
        row_ids = row_ids_of(frame, id_column)
        column_names(frame.columns)
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
    return assemble(results, applier.lfs, applier.cardinality, applier.class_names, row_ids, n)

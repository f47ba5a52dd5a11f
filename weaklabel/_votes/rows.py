"""Rows of the user's data matched to the rows of a vote matrix: by id, or by position."""

from __future__ import annotations

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["align_rows"]


def align_rows(
    frame: pd.DataFrame,
    votes: VoteMatrix,
    *,
    id_column: str | None = None,
    source: str = "the data",
) -> pd.DataFrame:
    """The rows of ``frame`` in the order of ``votes``' rows.

    With ``id_column``, each vote row is matched to the data row with the same id (the ids the
    votes were built with, ``votes.row_ids``); every vote row must find one, and data rows the
    votes do not have are left out. Without it, rows are matched by position and the two must
    have as many rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel._votes.rows import align_rows
    >>> votes = VoteMatrix.from_dense([[0], [1]], cardinality=2, row_ids=["b", "a"])
    >>> data = pd.DataFrame({"id": ["a", "b"], "text": ["first", "second"]})
    >>> align_rows(data, votes, id_column="id")["text"].tolist()
    ['second', 'first']
    """
    if id_column is None:
        if len(frame) != votes.n_rows:
            raise DataError(
                f"{source} has {len(frame):,} rows but the votes have {votes.n_rows:,}; pass the "
                "data the votes were made from, or name its id column (--id-column) to match "
                "rows by id."
            )
        return frame.reset_index(drop=True)
    require_column(id_column, frame.columns, role="id", source=source)
    ids = frame[id_column]
    if votes.row_ids.dtype.kind in "US":
        keys = pd.Index(["" if pd.isna(x) else str(x) for x in ids.tolist()])
    else:
        keys = pd.Index(ids.tolist())
    repeated = keys[keys.duplicated()]
    if len(repeated):
        raise DataError(
            f"The id column {id_column!r} of {source} repeats the id {repeated[0]!r}; ids must be "
            "unique to match rows to votes."
        )
    position = keys.get_indexer(pd.Index(votes.row_ids.tolist()))
    missing = np.flatnonzero(position < 0)
    if len(missing):
        shown = ", ".join(repr(x) for x in votes.row_ids[missing[:5]].tolist())
        raise DataError(
            f"{len(missing):,} row(s) of the votes have no row in {source} with that "
            f"{id_column!r} ({shown}{' ...' if len(missing) > 5 else ''}); pass the data the votes "
            "were made from."
        )
    return frame.iloc[position].reset_index(drop=True)

"""The data ``apply_lfs`` labels, as a DataFrame, and the id of each of its rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["as_frame", "row_ids_of", "with_text_column"]


def as_frame(data: Any) -> pd.DataFrame:
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


def row_ids_of(frame: pd.DataFrame, id_column: str | None) -> np.ndarray:
    if id_column is None:
        ids = frame.index.to_numpy()
        what = "the DataFrame index"
    else:
        require_column(id_column, frame.columns, role="id")
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


def with_text_column(data: Any, text_column: str | None) -> Any:
    """``data`` with ``text_column`` also shown to the LFs as ``text`` (pandas or Dask).

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel._apply.frames import with_text_column
    >>> list(with_text_column(pd.DataFrame({"body": ["hi"]}), "body").columns)
    ['body', 'text']
    """
    if text_column is None or text_column == "text":
        if text_column is not None:
            require_column(text_column, data.columns, role="text")
        return data
    require_column(text_column, data.columns, role="text")
    if "text" in [str(c) for c in data.columns]:
        raise ParameterError(
            f"The 'text_column' parameter of apply_lfs is {text_column!r}, but the data already "
            "has a 'text' column, which the LFs read as x.text. Leave text_column out, or rename "
            "one of the two columns."
        )
    return data.assign(text=data[text_column])

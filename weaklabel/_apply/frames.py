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
    """The id of each row: the values of ``id_column``, or the index; unique and never missing.

    A missing id (None, NaN, ``pd.NA``, an empty or blank string) is refused with the id column
    and the row position; so is a repeated id. Integer ids held in a nullable column (``Int64``,
    as ``read_data`` gives for an integer column with empty cells) come back as int64, strings
    as a str array.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel._apply.frames import row_ids_of
    >>> row_ids_of(pd.DataFrame({"id": pd.array([7, 8], dtype="Int64")}), "id").tolist()
    [7, 8]
    >>> row_ids_of(pd.DataFrame({"id": [7.0, None]}), "id")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: id column 'id' has no id at row 1 (nan); every row needs
    one. Fill in the missing ids, drop those rows, or leave the id column out to number the rows.
    """
    if id_column is None:
        column = frame.index.to_series(index=pd.RangeIndex(len(frame)))
        what, way_out = "the DataFrame index", "reset the index (data.reset_index(drop=True))"
    else:
        require_column(id_column, frame.columns, role="id")
        column = frame[id_column]
        what, way_out = f"id column {id_column!r}", "leave the id column out to number the rows"
    _refuse_missing(column, what, way_out)
    ids = _plain(column)
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise DataError(
            f"{what} must hold unique row ids; {ids.tolist()[i]!r} repeats (row {i}). Pick a "
            "unique id column, or reset the index."
        )
    return ids


def _refuse_missing(column: pd.Series, what: str, way_out: str) -> None:
    missing = np.array(column.isna(), dtype=bool)  # a copy: isna() may be read-only
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        try:
            blank = column.str.strip().eq("")  # other values in an object column: False
        except AttributeError:  # an object column without strings
            blank = None
        if blank is not None:
            missing |= blank.to_numpy(dtype=bool, na_value=False)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        value = column.iloc[i]
        value = value.item() if isinstance(value, np.generic) else value
        shown = "an empty string" if isinstance(value, str) and not value else repr(value)
        raise DataError(
            f"{what} has no id at row {i} ({shown}); every row needs one. Fill in the missing "
            f"ids, drop those rows, or {way_out}."
        )


def _plain(column: pd.Series) -> np.ndarray:
    """The ids as a plain numpy array: numbers as numbers, anything else as str."""
    dtype = column.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not pd.api.types.is_string_dtype(
        dtype
    ):
        numpy_dtype = getattr(dtype, "numpy_dtype", None)  # Int64, Float64, boolean
        ids = column.to_numpy(dtype=numpy_dtype) if numpy_dtype is not None else column.to_numpy()
    else:
        ids = column.to_numpy()
    if ids.dtype == object or ids.dtype.kind in "OSU" or str(ids.dtype).startswith("str"):
        ids = np.asarray([str(x) for x in ids])
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

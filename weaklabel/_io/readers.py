"""Reading datasets from files: CSV, JSON Lines and Parquet, with errors that name file and line.

Missing values are read the same way every time (see :func:`read_data`): an empty CSV text cell
is ``""``, a JSON ``null`` is ``None``, and an integer column with gaps stays integer (``Int64``).
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.params import check_choice, parameter_error
from weaklabel._io.quotes import check_quotes
from weaklabel.exceptions import DataError

__all__ = ["FORMATS", "data_format", "read_data"]

FORMATS = ("csv", "jsonl", "parquet")
_SUFFIXES = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def read_data(
    path: str | Path, *, format: str | None = None, encoding: str = "utf-8"
) -> pd.DataFrame:
    """Read a dataset into a DataFrame, one example per row.

    Parameters
    ----------
    path : str or Path
    format : {"csv", "jsonl", "parquet"}, optional
        Taken from the file suffix when not given (``.csv``, ``.jsonl``/``.ndjson``,
        ``.parquet``/``.pq``).
    encoding : str
        Text encoding of CSV and JSON Lines files (``"utf-8"``, ``"latin-1"``, ...).

    Returns
    -------
    pandas.DataFrame
        Missing values, by format:

        - CSV: only an empty cell is missing (a comment that reads "NA" stays text). In a text
          column an empty cell reads as ``""``, so a labeling function always gets a string; a
          column with no value at all is text too. In a numeric column it stays missing: an
          integer column with empty cells becomes pandas' nullable ``Int64`` (ids stay ``1, 2``,
          not ``1.0, 2.0``), a float column holds NaN, a true/false column is nullable
          ``boolean``.
        - JSON Lines: ``null`` (or a missing key) stays ``None`` in a text or mixed column; an
          integer column with nulls is ``Int64``, a float column holds NaN.
        - Parquet: as stored; an integer column with nulls is ``Int64``.

    Raises
    ------
    ParameterError
        ``format`` or ``encoding`` is unknown.
    DataError
        The file is missing, empty or malformed (a row with too many fields, a quote that is not
        closed properly, invalid JSON, bytes that are not valid in ``encoding``); the message
        names the file and the line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from weaklabel import read_data
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "comments.csv"
    >>> _ = path.write_text('id,text,likes\\n1,"great, song",3\\n2,,\\n')
    >>> frame = read_data(path)
    >>> frame["text"].tolist(), frame["likes"].tolist()
    (['great, song', ''], [3, <NA>])
    """
    path = Path(path)
    format = data_format(path, format)
    _check_encoding(encoding)
    if not path.is_file():
        raise DataError(f"{path}: no such file.")
    try:
        if format == "csv":
            frame = _read_csv(path, encoding)
        elif format == "jsonl":
            frame = _read_jsonl(path, encoding)
        else:
            frame = _read_parquet(path)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not valid {encoding} text (byte {exc.start}); pass the file's encoding "
            "(CLI: --encoding latin-1, for example)."
        ) from exc
    if len(frame) == 0:
        raise DataError(f"{path}: the file holds no rows; there is nothing to label.")
    return frame


def data_format(path: str | Path, format: str | None = None) -> str:
    """``format``, checked, or the format the suffix of ``path`` names (see :func:`read_data`)."""
    if format is None:
        format = _SUFFIXES.get(Path(path).suffix.lower())
        if format is None:
            raise DataError(
                f"{path}: cannot tell the format from the suffix {Path(path).suffix!r}; name the "
                f"file *.csv, *.jsonl or *.parquet, or pass format= (one of {', '.join(FORMATS)})."
            )
    return check_choice("format", format, FORMATS, owner="read_data")


def _check_encoding(encoding: object) -> None:
    try:
        info = codecs.lookup(encoding)  # type: ignore[arg-type]
        text = getattr(info, "_is_text_encoding", True)  # False for rot13, base64, ...
    except (LookupError, TypeError):
        text = False
    if not text:
        raise parameter_error(
            "encoding",
            "read_data",
            "a text encoding Python knows",
            encoding,
            "Try 'utf-8' (the default) or 'latin-1' (reads any bytes); the CLI option is "
            "--encoding.",
        )


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    check_quotes(path, encoding)
    try:
        frame = pd.read_csv(
            path, encoding=encoding, keep_default_na=False, na_values=[""], on_bad_lines="error"
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; a CSV needs a header line and rows.") from None
    except pd.errors.ParserError as exc:
        text = str(exc)
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
        if found:
            expected, line, saw = found.groups()
            raise DataError(
                f"{path}, line {line}: malformed CSV row: expected {expected} fields, saw {saw}. "
                'Quote fields that contain commas ("a, b") or fix the line.'
            ) from exc
        found = re.search(r"(?:row|line) (\d+)", text)
        where = f", line {found.group(1)}" if found else ""
        raise DataError(f"{path}{where}: malformed CSV: {text}") from exc
    return _csv_missing_values(frame, path, encoding)


def _csv_missing_values(frame: pd.DataFrame, path: Path, encoding: str) -> pd.DataFrame:
    """Empty text cells as "", integer columns with empty cells as Int64 (see read_data)."""
    whole: list[str] = []  # float columns whose values are all whole numbers
    for name in frame.columns:
        column = frame[name]
        if not column.hasnans:
            continue
        kind = pd.api.types.infer_dtype(column, skipna=True)
        if column.isna().all():  # no value at all: nothing says it is a number
            frame[name] = pd.Series([""] * len(frame), index=frame.index)
        elif kind == "boolean":
            frame[name] = column.astype("boolean")
        elif column.dtype.kind == "f":
            values = column.to_numpy()
            present = values[~np.isnan(values)]
            if np.array_equal(present, np.round(present)):
                whole.append(name)
        else:  # text
            frame[name] = column.fillna("")
    if whole:
        _integer_columns(frame, whole, path, encoding)
    return frame


def _integer_columns(frame: pd.DataFrame, names: list[str], path: Path, encoding: str) -> None:
    """Columns of whole numbers with gaps whose cells are written as integers become Int64.

    "1" and "1.0" both read as 1.0: only the text tells an integer column from a float one, so
    when such a column exists the file is read a second time, with these columns as text.
    """
    text = pd.read_csv(  # all columns: with an implicit index column, positions shift
        path,
        encoding=encoding,
        dtype=dict.fromkeys(names, str),
        keep_default_na=False,
        na_values=[""],
    )
    for name in names:
        cells = text[name]
        if cells.dropna().str.fullmatch(r"\s*[+-]?\d+\s*").all():
            values = [None if pd.isna(v) else int(v) for v in cells.tolist()]
            try:
                frame[name] = pd.array(values, dtype="Int64")
            except (OverflowError, TypeError, ValueError):  # beyond int64: keep the floats
                continue


def _read_jsonl(path: Path, encoding: str) -> pd.DataFrame:
    records = []
    with path.open(encoding=encoding) as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(
                    f"{path}, line {line_no}: not valid JSON ({exc.msg} at column {exc.colno}); "
                    "JSON Lines files hold one JSON object per line."
                ) from exc
            if not isinstance(record, dict):
                raise DataError(
                    f"{path}, line {line_no}: expected a JSON object per line, found "
                    f"{type(record).__name__}."
                )
            records.append(record)
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame.from_records(records)
    for name in frame.columns:
        if frame[name].hasnans:  # a null or a missing key: keep None where pandas put NaN
            frame[name] = _with_nulls([record.get(name) for record in records], frame[name])
    return frame


def _with_nulls(values: list[Any], column: pd.Series) -> Any:
    """A JSON column with nulls: Int64 / boolean when the rest is, floats as read, else None."""
    present = [v for v in values if v is not None]
    if present and all(type(v) is int for v in present):
        try:
            return pd.array(values, dtype="Int64")
        except (OverflowError, TypeError, ValueError):  # beyond int64
            return pd.Series(values, index=column.index, dtype=object)
    if present and all(type(v) is bool for v in present):
        return pd.array(values, dtype="boolean")
    if all(type(v) in (int, float) for v in present) and column.dtype.kind == "f":
        return column  # numbers: missing is NaN
    return pd.Series(values, index=column.index, dtype=object)


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        frame = pd.read_parquet(path)
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises its own exception types
        raise DataError(f"{path}: not a readable Parquet file: {exc}") from exc
    # pyarrow turns an integer column with nulls into floats; read those back as Int64
    integers = [
        field.name
        for field in schema
        if pa.types.is_integer(field.type)
        and field.name in frame.columns
        and frame[field.name].dtype.kind == "f"
    ]
    if integers:
        table = pq.read_table(path, columns=integers)
        for name in integers:
            try:
                frame[name] = pd.array(table.column(name).to_pylist(), dtype="Int64")
            except (OverflowError, TypeError, ValueError):  # beyond int64: keep the floats
                continue
    return frame

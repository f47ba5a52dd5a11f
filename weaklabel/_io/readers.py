"""Reading datasets from files: CSV, JSON Lines and Parquet, with errors that name file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from weaklabel._core.params import check_choice
from weaklabel.exceptions import DataError

__all__ = ["FORMATS", "read_data"]

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
        Text encoding of CSV and JSON Lines files.

    Returns
    -------
    pandas.DataFrame
        In CSV files only empty cells are missing values: a comment that reads "NA" stays text.

    Raises
    ------
    DataError
        The file is missing, empty or malformed; the message names the file and the line.
    """
    path = Path(path)
    if format is None:
        format = _SUFFIXES.get(path.suffix.lower())
        if format is None:
            raise DataError(
                f"{path}: cannot tell the format from the suffix {path.suffix!r}; name the file "
                f"*.csv, *.jsonl or *.parquet, or pass format= (one of {', '.join(FORMATS)})."
            )
    format = check_choice("format", format, FORMATS, owner="read_data")
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


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
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
    return pd.DataFrame.from_records(records)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own exception types
        raise DataError(f"{path}: not a readable Parquet file: {exc}") from exc

"""The data a run labeled, found again from its ``run.json``: checked unchanged, read in chunks.

An export reads the original data only when it needs columns that ``labels.jsonl`` lacks (a chat
template's placeholders, or the text when ``labels.jsonl`` has none). The file must be the one
the run read: same size and BLAKE2b digest as ``run.json`` records, else the export stops. Its
rows are read in chunks, only the columns needed, every cell as text (as written in a CSV), and
matched to the rows of ``labels.jsonl`` by id in file order (``labels.jsonl`` keeps the data's
order): memory stays at one chunk whatever the size of the file.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from weaklabel._io.readers import data_format
from weaklabel._io.runinfo import file_fingerprint
from weaklabel.datasets import load_sms_spam, load_youtube_spam
from weaklabel.exceptions import DataError

__all__ = ["RunData", "id_key", "join_rows"]

_BUNDLED: dict[str, Callable[[], pd.DataFrame]] = {
    "youtube-spam": load_youtube_spam,
    "sms-spam": load_sms_spam,
}
_CHUNK = 50_000


def id_key(value: Any) -> str:
    """A row id as text, so that ``7``, ``7.0`` and ``"7"`` match (ids of CSV cells are text)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return str(value)


def _cell(value: Any) -> str:
    """A cell as template text: missing values are empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


@dataclass(frozen=True)
class RunData:
    """Where a run's rows came from (``run.json``'s ``data``)."""

    path: Path | None
    bundled: str | None
    format: str | None
    encoding: str
    size: int | None
    digest: str | None
    id_column: str | None
    text_column: str | None
    gold_column: str | None

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> RunData:
        data = info["data"]
        return cls(
            path=None if data["path"] is None else Path(data["path"]),
            bundled=data["bundled"],
            format=data["format"],
            encoding=data["encoding"] or "utf-8",
            size=data["size"],
            digest=data["digest"],
            id_column=data["id_column"],
            text_column=data["text_column"],
            gold_column=data["gold_column"],
        )

    def describe(self) -> str:
        if self.path is not None:
            return str(self.path)
        if self.bundled is not None:
            return f"the bundled dataset {self.bundled!r}"
        return "a DataFrame given in Python"

    def _available(self, why: str) -> None:
        if self.path is None and self.bundled is None:
            raise DataError(
                f"{why} needs the run's data, but the run labeled a DataFrame given in Python "
                "(run.json names no file). Write the data to a file and run `weaklabel run "
                "--data FILE` on it, then export."
            )
        if self.bundled is not None and self.bundled not in _BUNDLED:
            raise DataError(
                f"run.json names the bundled dataset {self.bundled!r}, which this weaklabel does "
                f"not have (it has {', '.join(_BUNDLED)}); upgrade weaklabel or run again."
            )

    def columns(self, why: str) -> list[str]:
        """The data's column names (read from the header, not the rows)."""
        self._available(why)
        if self.bundled is not None:
            return [str(c) for c in _BUNDLED[self.bundled]().columns]
        path = self._existing()
        kind = data_format(path, self.format)
        try:
            if kind == "csv":
                return [str(c) for c in pd.read_csv(path, nrows=0, encoding=self.encoding).columns]
            if kind == "parquet":
                import pyarrow.parquet as pq

                return list(pq.read_schema(path).names)
            with path.open(encoding=self.encoding) as handle:
                for line in handle:
                    if line.strip():
                        record = json.loads(line)
                        return [str(c) for c in record] if isinstance(record, dict) else []
        except (ValueError, OSError) as exc:
            raise DataError(f"{path}: cannot read its columns ({exc}).") from None
        return []

    def check_unchanged(self) -> None:
        """Refuse a data file whose size or digest differ from what the run recorded."""
        if self.path is None:
            return
        path = self._existing()
        size = path.stat().st_size
        now = {"size": size} if size != self.size else file_fingerprint(path)
        for what in ("size", "digest"):
            if now[what] != getattr(self, what):
                raise DataError(
                    f"{path} changed since the run ({what} {getattr(self, what)!r} then, "
                    f"{now[what]!r} now): its rows may no longer match labels.jsonl. Run "
                    "`weaklabel run` again on it, then export."
                )

    def _existing(self) -> Path:
        assert self.path is not None
        if not self.path.is_file():
            raise DataError(
                f"The run's data {self.path} is gone (run.json names it); put it back, or run "
                "`weaklabel run` again on the data you have."
            )
        return self.path

    def rows(self, columns: list[str]) -> Iterator[tuple[str, dict[str, str]]]:
        """``(id key, {column: cell text})`` for each row, in file order, in chunks."""
        wanted = list(dict.fromkeys([*columns, *([self.id_column] if self.id_column else [])]))
        ids = self.id_column
        position = 0
        for chunk in self._chunks(wanted):
            n = len(next(iter(chunk.values()))) if chunk else 0
            keys = [id_key(v) for v in chunk[ids]] if ids else [str(position + i) for i in range(n)]
            cells = [[_cell(v) for v in chunk[c]] for c in columns]
            for i in range(n):
                yield keys[i], {c: cells[j][i] for j, c in enumerate(columns)}
            position += n

    def _chunks(self, columns: list[str]) -> Iterator[dict[str, list[Any]]]:
        if self.bundled is not None:
            frame = _BUNDLED[self.bundled]()
            yield {c: frame[c].tolist() for c in columns}
            return
        path = self._existing()
        kind = data_format(path, self.format)
        if kind == "csv":
            reader = pd.read_csv(
                path,
                encoding=self.encoding,
                dtype=str,
                keep_default_na=False,
                usecols=columns,
                chunksize=_CHUNK,
            )
            with reader:
                for frame in reader:
                    yield {c: frame[c].tolist() for c in columns}
        elif kind == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=_CHUNK, columns=columns):
                yield {c: batch.column(c).to_pylist() for c in columns}
        else:
            yield from _jsonl_chunks(path, self.encoding, columns)


def _jsonl_chunks(path: Path, encoding: str, columns: list[str]) -> Iterator[dict[str, list[Any]]]:
    chunk: dict[str, list[Any]] = {c: [] for c in columns}
    with path.open(encoding=encoding) as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            for c in columns:
                chunk[c].append(record.get(c))
            if len(chunk[columns[0]]) >= _CHUNK:
                yield chunk
                chunk = {c: [] for c in columns}
    if chunk[columns[0]]:
        yield chunk


def join_rows(
    records: Iterable[tuple[int, dict[str, Any]]],
    data_rows: Iterator[tuple[str, dict[str, str]]],
    *,
    labels_path: Path,
    data: RunData,
) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
    """Each row of ``labels.jsonl`` with the cells of its data row, matched by id in file order
    (a data row no label names is passed over)."""
    by = f"by its id column {data.id_column!r}" if data.id_column else "by row number"
    with contextlib.closing(iter(records)) as rows:  # type: ignore[type-var]
        for line_no, record in rows:
            want = id_key(record["id"])
            for got, values in data_rows:
                if got == want:
                    yield line_no, record, values
                    break
            else:
                raise DataError(
                    f"{labels_path}, line {line_no}: the id {record['id']!r} has no row in "
                    f"{data.describe()} (rows are matched {by}, in the data's order); export the "
                    "data the run labeled, or run `weaklabel run` again."
                )

"""Writing the kept rows, split by split, in each format: one file per split, row chunk by chunk.

- ``jsonl``: ``<split>.jsonl``, one object per row: ``id``, ``text``, ``label``, ``probs``
  (class name -> probability), ``confidence``, ``source``;
- ``chat``: ``<split>.jsonl``, one ``{"messages": [...]}`` per row (:mod:`._chat`);
- ``csv`` and ``parquet``: ``<split>.csv`` / ``<split>.parquet`` with the columns ``id``,
  ``text``, ``label``, ``confidence``, ``source`` and ``prob_<class>`` for each class;
- ``hf``: a Hugging Face ``datasets`` folder (:mod:`._hf`).

A writer gets chunks of ``(record, values)`` pairs (a ``labels.jsonl`` row and its data cells)
for one split at a time, and says on :meth:`~Writer.close` which files it wrote.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from weaklabel.export._chat import ChatFormat

__all__ = ["FORMATS", "ChatWriter", "CsvWriter", "JsonlWriter", "ParquetWriter", "Row", "Writer"]

#: The formats an export writes.
FORMATS = ("jsonl", "chat", "csv", "parquet", "hf")
#: A row to write: its ``labels.jsonl`` record and its data cells (for chat placeholders).
Row = tuple[dict[str, Any], dict[str, str]]


class Writer:
    """Writes the rows of each split into ``folder``; :meth:`close` returns the files, by split."""

    def __init__(self, folder: Path, splits: Sequence[str], classes: Sequence[str]) -> None:
        self.folder = folder
        self.splits = list(splits)
        self.classes = list(classes)

    def write(self, split: str, rows: list[Row]) -> None:
        raise NotImplementedError

    def close(self) -> dict[str, list[str]]:
        raise NotImplementedError

    def abort(self) -> None:
        """Release open files after a failure (the staging folder is removed by the caller)."""


class _TextWriter(Writer):
    """A text file per split, opened lazily and closed together."""

    suffix = ".jsonl"

    def __init__(self, folder: Path, splits: Sequence[str], classes: Sequence[str]) -> None:
        super().__init__(folder, splits, classes)
        self.handles: dict[str, IO[str]] = {}
        for split in self.splits:
            handle = (folder / f"{split}{self.suffix}").open("w", encoding="utf-8", newline="")
            self.handles[split] = handle
            self.start(handle)

    def start(self, handle: IO[str]) -> None:
        """Write what comes before the rows (a header)."""

    def close(self) -> dict[str, list[str]]:
        for handle in self.handles.values():
            handle.close()
        return {split: [f"{split}{self.suffix}"] for split in self.splits}

    def abort(self) -> None:
        for handle in self.handles.values():
            handle.close()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


class JsonlWriter(_TextWriter):
    def write(self, split: str, rows: list[Row]) -> None:
        self.handles[split].writelines(
            _dumps(
                {
                    "id": r["id"],
                    "text": r.get("text"),
                    "label": r["label"],
                    "probs": r["probs"],
                    "confidence": r["confidence"],
                    "source": r["source"],
                }
            )
            + "\n"
            for r, _ in rows
        )


class ChatWriter(_TextWriter):
    def __init__(
        self, folder: Path, splits: Sequence[str], classes: Sequence[str], chat: ChatFormat
    ) -> None:
        self.chat = chat
        super().__init__(folder, splits, classes)

    def write(self, split: str, rows: list[Row]) -> None:
        self.handles[split].writelines(
            _dumps(self.chat.messages(record, values)) + "\n" for record, values in rows
        )


def table_columns(classes: Sequence[str]) -> list[str]:
    """The columns of the ``csv`` and ``parquet`` formats."""
    return ["id", "text", "label", "confidence", "source", *(f"prob_{c}" for c in classes)]


class CsvWriter(_TextWriter):
    suffix = ".csv"

    def start(self, handle: IO[str]) -> None:
        csv.writer(handle).writerow(table_columns(self.classes))

    def write(self, split: str, rows: list[Row]) -> None:
        names = self.classes
        csv.writer(self.handles[split]).writerows(
            [
                r["id"],
                r.get("text"),
                r["label"],
                repr(float(r["confidence"])),
                r["source"],
                *(repr(float(r["probs"][c])) for c in names),
            ]
            for r, _ in rows
        )


class ParquetWriter(Writer):
    def __init__(
        self, folder: Path, splits: Sequence[str], classes: Sequence[str], *, int_ids: bool
    ) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().__init__(folder, splits, classes)
        self.pa = pa
        fields = [
            ("id", pa.int64() if int_ids else pa.string()),
            ("text", pa.string()),
            ("label", pa.string()),
            ("confidence", pa.float64()),
            ("source", pa.string()),
            *((f"prob_{c}", pa.float64()) for c in classes),
        ]
        self.schema = pa.schema(fields)
        self.int_ids = int_ids
        self.writers = {
            split: pq.ParquetWriter(folder / f"{split}.parquet", self.schema) for split in splits
        }

    def write(self, split: str, rows: list[Row]) -> None:
        records = [r for r, _ in rows]
        columns: dict[str, list[Any]] = {
            "id": [r["id"] if self.int_ids else str(r["id"]) for r in records],
            "text": [r.get("text") for r in records],
            "label": [r["label"] for r in records],
            "confidence": [r["confidence"] for r in records],
            "source": [r["source"] for r in records],
        }
        for c in self.classes:
            columns[f"prob_{c}"] = [r["probs"][c] for r in records]
        self.writers[split].write_table(self.pa.table(columns, schema=self.schema))

    def close(self) -> dict[str, list[str]]:
        for writer in self.writers.values():
            writer.close()
        return {split: [f"{split}.parquet"] for split in self.splits}

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.close()

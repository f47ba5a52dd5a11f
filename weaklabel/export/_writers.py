"""Writing the kept rows, split by split, in each format: one file per split, row chunk by chunk.

- ``jsonl``: ``<split>.jsonl``, one object per row: ``id``, ``text``, ``label``, ``probs``
  (class name -> probability), ``confidence``, ``source``;
- ``chat``: ``<split>.jsonl``, one ``{"messages": [...]}`` per row (:mod:`._chat`);
- ``csv`` and ``parquet``: ``<split>.csv`` / ``<split>.parquet`` with the columns ``id``,
  ``text``, ``label``, ``confidence``, ``source`` and ``prob_<class>`` for each class;
- ``hf``: a Hugging Face ``datasets`` folder (:mod:`._hf`).

With ``votes=True`` every row also has ``votes``, the LF votes on it (:mod:`._votes`): a list of
``{"lf", "label", "confidence"}`` objects in ``jsonl`` and ``hf``, a
``list<struct<lf, label, confidence>>`` column in ``parquet``, compact JSON in one ``csv`` cell;
it comes last. ``chat`` never has it.

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
#: A row to write: its ``labels.jsonl`` record (with ``votes`` when they are exported) and its
#: data cells (for chat placeholders).
Row = tuple[dict[str, Any], dict[str, str]]


class Writer:
    """Writes the rows of each split into ``folder``; :meth:`close` returns the files, by split.

    With ``votes``, each record holds ``votes`` (its LF votes), which the writer adds to the row.
    """

    def __init__(
        self, folder: Path, splits: Sequence[str], classes: Sequence[str], *, votes: bool = False
    ) -> None:
        self.folder = folder
        self.splits = list(splits)
        self.classes = list(classes)
        self.votes = votes

    def write(self, split: str, rows: list[Row]) -> None:
        raise NotImplementedError

    def close(self) -> dict[str, list[str]]:
        raise NotImplementedError

    def abort(self) -> None:
        """Release open files after a failure (the staging folder is removed by the caller)."""


class _TextWriter(Writer):
    """A text file per split, opened lazily and closed together."""

    suffix = ".jsonl"

    def __init__(
        self, folder: Path, splits: Sequence[str], classes: Sequence[str], *, votes: bool = False
    ) -> None:
        super().__init__(folder, splits, classes, votes=votes)
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


def _dumps(value: Any, *, compact: bool = False) -> str:
    separators = (",", ":") if compact else None
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=separators)


class JsonlWriter(_TextWriter):
    def write(self, split: str, rows: list[Row]) -> None:
        self.handles[split].writelines(_dumps(self._object(r)) + "\n" for r, _ in rows)

    def _object(self, r: dict[str, Any]) -> dict[str, Any]:
        row = {
            "id": r["id"],
            "text": r.get("text"),
            "label": r["label"],
            "probs": r["probs"],
            "confidence": r["confidence"],
            "source": r["source"],
        }
        if self.votes:
            row["votes"] = r["votes"]
        return row


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


def table_columns(classes: Sequence[str], *, votes: bool = False) -> list[str]:
    """The columns of the ``csv`` and ``parquet`` formats."""
    probs = [f"prob_{c}" for c in classes]
    return ["id", "text", "label", "confidence", "source", *probs, *(["votes"] * votes)]


class CsvWriter(_TextWriter):
    suffix = ".csv"

    def start(self, handle: IO[str]) -> None:
        csv.writer(handle).writerow(table_columns(self.classes, votes=self.votes))

    def write(self, split: str, rows: list[Row]) -> None:
        names, votes = self.classes, self.votes
        csv.writer(self.handles[split]).writerows(
            [
                r["id"],
                r.get("text"),
                r["label"],
                repr(float(r["confidence"])),
                r["source"],
                *(repr(float(r["probs"][c])) for c in names),
                *([_dumps(r["votes"], compact=True)] if votes else []),
            ]
            for r, _ in rows
        )


class ParquetWriter(Writer):
    def __init__(
        self,
        folder: Path,
        splits: Sequence[str],
        classes: Sequence[str],
        *,
        int_ids: bool,
        votes: bool = False,
    ) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().__init__(folder, splits, classes, votes=votes)
        self.pa = pa
        fields = [
            ("id", pa.int64() if int_ids else pa.string()),
            ("text", pa.string()),
            ("label", pa.string()),
            ("confidence", pa.float64()),
            ("source", pa.string()),
            *((f"prob_{c}", pa.float64()) for c in classes),
        ]
        if votes:
            vote = pa.struct(
                [("lf", pa.string()), ("label", pa.string()), ("confidence", pa.float64())]
            )
            fields.append(("votes", pa.list_(vote)))
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
        if self.votes:
            columns["votes"] = [r["votes"] for r in records]
        self.writers[split].write_table(self.pa.table(columns, schema=self.schema))

    def close(self) -> dict[str, list[str]]:
        for writer in self.writers.values():
            writer.close()
        return {split: [f"{split}.parquet"] for split in self.splits}

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.close()

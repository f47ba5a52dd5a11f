"""The ``hf`` format: a Hugging Face ``datasets`` folder, as ``DatasetDict.save_to_disk`` writes it.

Features: ``id`` (``int64`` or ``string``), ``text`` (``string``), ``label`` (a ``ClassLabel``
with the run's class names, so ``label`` holds class indices), ``probs`` (a sequence of
``float32``, one per class, in class order), ``confidence`` (``float32``), ``source``
(``string``) and, with ``votes=True``, ``votes`` (a list of ``{"lf": string, "label": string,
"confidence": float32}``, which ``load_from_disk`` gives back as a list of dicts); one split per
``--split`` part (``train`` alone without one). Rows are streamed into one Arrow file per split
in a scratch folder (chunk by chunk, with the features in its schema), which ``datasets``
memory-maps and saves; the scratch folder is then removed. Needs the ``hf`` extra
(``pip install 'weaklabel[hf]'``).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from weaklabel._core.optional import import_optional
from weaklabel.export._writers import Row, Writer

__all__ = ["HfWriter", "require_datasets"]

_SCRATCH = ".hf-scratch"


def require_datasets() -> Any:
    """The ``datasets`` module, or a MissingDependencyError naming the ``hf`` extra."""
    return import_optional("datasets", extra="hf", purpose="weaklabel export --format hf")


class HfWriter(Writer):
    def __init__(
        self,
        folder: Path,
        splits: Sequence[str],
        classes: Sequence[str],
        *,
        int_ids: bool,
        progress: bool,
        votes: bool = False,
    ) -> None:
        import pyarrow as pa

        super().__init__(folder, splits, classes, votes=votes)
        datasets = require_datasets()
        self.datasets = datasets
        self.pa = pa
        self.progress = progress
        features = {
            "id": datasets.Value("int64" if int_ids else "string"),
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=list(classes)),
            "probs": datasets.Sequence(datasets.Value("float32")),
            "confidence": datasets.Value("float32"),
            "source": datasets.Value("string"),
        }
        if votes:  # a list of one dict: a list of structs (Sequence of a dict is a dict of lists)
            vote = {"lf": "string", "label": "string", "confidence": "float32"}
            features["votes"] = [{k: datasets.Value(v) for k, v in vote.items()}]
        self.features = datasets.Features(features)
        self.schema = self.features.arrow_schema
        self.int_ids = int_ids
        self.index = {c: i for i, c in enumerate(classes)}
        self.scratch = folder / _SCRATCH
        self.scratch.mkdir()
        self.sinks: dict[str, Any] = {}
        self.streams: dict[str, Any] = {}
        for split in splits:
            sink = pa.OSFile(str(self.scratch / f"{split}.arrow"), "wb")
            self.sinks[split] = sink
            self.streams[split] = pa.ipc.new_stream(sink, self.schema)

    def write(self, split: str, rows: list[Row]) -> None:
        records = [r for r, _ in rows]
        names = self.classes
        columns = {
            "id": [r["id"] if self.int_ids else str(r["id"]) for r in records],
            "text": [r.get("text") for r in records],
            "label": [self.index[r["label"]] for r in records],
            "probs": [[r["probs"][c] for c in names] for r in records],
            "confidence": [r["confidence"] for r in records],
            "source": [r["source"] for r in records],
        }
        if self.votes:
            columns["votes"] = [r["votes"] for r in records]
        table = self.pa.table(columns, schema=self.schema)
        self.streams[split].write_table(table)

    def _close_streams(self) -> None:
        for split in self.splits:
            self.streams[split].close()
            self.sinks[split].close()
        self.streams.clear()

    def close(self) -> dict[str, list[str]]:
        self._close_streams()
        datasets = self.datasets
        quiet = not self.progress and not datasets.are_progress_bars_disabled()
        if quiet:
            datasets.disable_progress_bars()
        try:
            parts = {
                split: datasets.Dataset.from_file(str(self.scratch / f"{split}.arrow"))
                for split in self.splits
            }
            datasets.DatasetDict(parts).save_to_disk(str(self.folder))
            del parts
        finally:
            if quiet:
                datasets.enable_progress_bars()
        shutil.rmtree(self.scratch)
        return {
            split: sorted(
                f"{split}/{p.name}" for p in (self.folder / split).iterdir() if p.suffix == ".arrow"
            )
            for split in self.splits
        }

    def abort(self) -> None:
        if self.streams:
            self._close_streams()

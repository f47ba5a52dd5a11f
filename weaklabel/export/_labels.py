"""A run's ``labels.jsonl``, read back line by line and checked: the rows an export starts from.

Each line is one JSON object as :func:`weaklabel._io.labels.write_labels_jsonl` writes it: ``id``,
``label`` (a class of ``run.json``), ``probs`` (class name -> probability), ``confidence``,
``source`` (``lf``, ``end-model`` or ``gold``), ``text`` (when the data had a text column),
``label_model_probs`` and ``end_model_probs``. A line that is not such an object is refused with
the file and the line number; the file is never held in memory.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from weaklabel._io.labels import LABEL_SOURCES
from weaklabel.exceptions import DataError

__all__ = ["LABELS_FILE", "SOURCES", "first_record", "read_labels"]

#: The file name, in a run's output folder.
LABELS_FILE = "labels.jsonl"
#: Where a row's final label comes from, in the order the dataset card lists them.
SOURCES = LABEL_SOURCES
_PROGRESS_EVERY = 1 << 14  # lines between two updates of the progress bar


def read_labels(
    path: Path, classes: Sequence[str], *, progress: bool = False, desc: str = ""
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, record)`` for every non-blank line of ``path``, each checked."""
    names = list(classes)
    known = frozenset(names)
    size = path.stat().st_size
    with (
        path.open("rb") as handle,
        tqdm(
            total=size, unit="B", unit_scale=True, desc=desc, disable=not progress, leave=False
        ) as bar,
    ):
        pending = 0
        for line_no, line in enumerate(handle, start=1):
            pending += len(line)
            if line_no % _PROGRESS_EVERY == 0:
                bar.update(pending)
                pending = 0
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"{path}, line {line_no}: not valid UTF-8 (byte {exc.start}); labels.jsonl "
                    "is written by `weaklabel run`: run it again."
                ) from None
            except json.JSONDecodeError as exc:
                raise DataError(
                    f"{path}, line {line_no}: not valid JSON ({exc.msg} at column {exc.colno}); "
                    "labels.jsonl holds one JSON object per line as `weaklabel run` writes it: "
                    "run it again, or mend the line."
                ) from None
            problem = _problem(record, names, known)
            if problem is not None:
                raise DataError(
                    f"{path}, line {line_no}: {problem}. labels.jsonl holds one object per row "
                    "as `weaklabel run` writes it: run it again, or mend the line."
                )
            yield line_no, record
        bar.update(pending)


def first_record(path: Path, classes: Sequence[str]) -> dict[str, Any]:
    """The first row of ``path`` (checked); a missing or empty file is refused."""
    if not path.is_file():
        raise DataError(
            f"{path}: no such file; pass the output folder of `weaklabel run` (it holds "
            f"{LABELS_FILE} and run.json)."
        )
    for _, record in read_labels(path, classes):
        return record
    raise DataError(f"{path}: the file holds no rows; there is nothing to export.")


def _problem(record: Any, names: list[str], known: frozenset[str]) -> str | None:
    """What is wrong with one parsed line, or None."""
    if not isinstance(record, dict):
        return f"expected a JSON object, found {type(record).__name__}"
    row_id = record.get("id")
    if row_id is None or isinstance(row_id, bool) or not isinstance(row_id, (str, int, float)):
        return f"'id' must be a string or a number; got {row_id!r}"
    label = record.get("label")
    if label not in known:
        return f"'label' is {label!r}, not one of the run's classes ({', '.join(names)})"
    probs = record.get("probs")
    if not isinstance(probs, dict) or probs.keys() != known:
        shown = sorted(probs) if isinstance(probs, dict) else probs
        return f"'probs' must map each class ({', '.join(names)}) to a probability; got {shown!r}"
    if not all(_number(p) for p in probs.values()):
        return f"'probs' holds a value that is not a finite number: {probs!r}"
    if not _number(record.get("confidence")):
        return f"'confidence' must be a finite number; got {record.get('confidence')!r}"
    if record.get("source") not in SOURCES:
        return f"'source' is {record.get('source')!r}, not one of {', '.join(SOURCES)}"
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        return f"'text' must be a string or null; got {type(text).__name__}"
    end = record.get("end_model_probs")
    if end is not None and not isinstance(end, dict):
        return f"'end_model_probs' must be an object or null; got {type(end).__name__}"
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

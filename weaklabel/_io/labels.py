"""Writing probabilistic labels to files."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._io.atomic import atomic_write
from weaklabel.exceptions import DataError

__all__ = ["LABEL_SOURCES", "read_end_model_probs", "write_labels_jsonl"]

#: Where a row's final label comes from, as ``labels.jsonl`` says it: the label model, the end
#: model, both (their product, ``weaklabel.endmodel.combine(policy="product")``), or people.
LABEL_SOURCES = ("lf", "end-model", "both", "gold")


def write_labels_jsonl(
    path: str | Path,
    probs: np.ndarray,
    labels: np.ndarray,
    *,
    row_ids: Sequence[Any] | np.ndarray,
    class_names: Sequence[str],
    texts: Sequence[Any] | None = None,
    sources: Sequence[str] | None = None,
    label_model_probs: np.ndarray | None = None,
    end_model_probs: np.ndarray | None = None,
) -> None:
    """Write one JSON object per row: ``id``, ``label``, ``probs``, ``confidence``, ``source``,
    ``label_model_probs``, ``end_model_probs`` (and ``text``).

    ``label`` is the class name of ``labels[i]``, ``probs`` maps each class name to its
    probability, ``confidence`` is the probability of the chosen label: the row's *final* label.
    ``source`` says where it comes from (:data:`LABEL_SOURCES`: ``"lf"``: the label model;
    ``"end-model"``: the end model; ``"both"``: the product of the two; ``"gold"``: people's
    labels), ``"lf"`` for every row unless ``sources`` gives one per row.
    ``label_model_probs`` and ``end_model_probs`` keep both models' probabilities (by class name):
    the label model's default to ``probs``; the end model's are null when none was trained. The
    file is written atomically.

    Examples
    --------
    >>> import json, tempfile, pathlib, numpy as np
    >>> from weaklabel._io.labels import write_labels_jsonl
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels.jsonl"
    >>> write_labels_jsonl(path, np.array([[0.25, 0.75]]), np.array([1]), row_ids=["a"],
    ...                    class_names=["ham", "spam"], texts=["Subscribe!"])
    >>> record = json.loads(path.read_text())
    >>> record["label"], record["probs"], record["confidence"], record["source"], record["text"]
    ('spam', {'ham': 0.25, 'spam': 0.75}, 0.75, 'lf', 'Subscribe!')
    >>> record["label_model_probs"], record["end_model_probs"]
    ({'ham': 0.25, 'spam': 0.75}, None)
    """
    probs = np.asarray(probs, dtype=np.float64)
    n = probs.shape[0]
    if probs.ndim != 2 or probs.shape[1] != len(class_names):
        raise DataError(
            f"write_labels_jsonl: probs must be n x {len(class_names)} (one column per class); "
            f"got shape {probs.shape}."
        )
    if (
        len(labels) != n
        or len(row_ids) != n
        or (texts is not None and len(texts) != n)
        or (sources is not None and len(sources) != n)
        or any(
            other is not None and np.shape(other) != probs.shape
            for other in (label_model_probs, end_model_probs)
        )
    ):
        raise DataError(
            "write_labels_jsonl: probs, labels, row_ids, texts, sources and both models' "
            "probabilities must have one row each (and the probabilities one column per class)."
        )
    if sources is not None:
        unknown = sorted({str(s) for s in sources} - set(LABEL_SOURCES))
        if unknown:
            raise DataError(
                f"write_labels_jsonl: unknown source {unknown[0]!r}; a row's source is one of "
                f"{', '.join(LABEL_SOURCES)}."
            )
    names = list(class_names)
    ids = np.asarray(row_ids).tolist()
    text_values = None if texts is None else list(texts)
    lm = probs if label_model_probs is None else np.asarray(label_model_probs, dtype=np.float64)
    em = None if end_model_probs is None else np.asarray(end_model_probs, dtype=np.float64)
    with atomic_write(path) as handle:
        for i, (row, label) in enumerate(
            zip(probs.tolist(), np.asarray(labels).tolist(), strict=True)
        ):
            record: dict[str, Any] = {
                "id": _row_id(ids[i], i),
                "label": names[label],
                "probs": dict(zip(names, row, strict=True)),
                "confidence": row[label],
                "source": "lf" if sources is None else str(sources[i]),
                "label_model_probs": dict(zip(names, lm[i].tolist(), strict=True)),
                "end_model_probs": None
                if em is None
                else dict(zip(names, em[i].tolist(), strict=True)),
            }
            if text_values is not None:
                record["text"] = _text(text_values[i])
            try:
                line = json.dumps(record, ensure_ascii=False, allow_nan=False, default=str)
            except ValueError:  # allow_nan=False: JSON has no NaN or infinity
                raise DataError(
                    f"write_labels_jsonl: the probabilities of row {i} (id {record['id']!r}) are "
                    f"not finite: {row}; labels.jsonl must be valid JSON. Check the model."
                ) from None
            handle.write(line + "\n")


def _row_id(value: Any, i: int) -> Any:
    """A row id as a JSON value: Python scalars, whole floats as ints; a missing id refused."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DataError(
                f"write_labels_jsonl: row {i} has no valid id ({value!r}); labels.jsonl must be "
                "valid JSON. Give every row an id (apply_lfs refuses missing ids)."
            )
        if value.is_integer():
            return int(value)
    if value is None or value is pd.NA:
        raise DataError(f"write_labels_jsonl: row {i} has no id ({value!r}); give every row one.")
    return value


def _text(value: Any) -> Any:
    """A text cell as a JSON value: None for a missing one, Python scalars."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def read_end_model_probs(
    path: str | Path, *, row_ids: Sequence[Any] | np.ndarray, class_names: Sequence[str]
) -> np.ndarray | None:
    """The end model's probabilities from a ``labels.jsonl`` that :func:`write_labels_jsonl`
    wrote for the rows ``row_ids`` (in that order), or None when it holds none (no end model).

    Each line must be the row of the same position (its ``id``), with ``end_model_probs`` an
    object of every class name, or null on every line; anything else is an error naming the file
    and the line.
    """
    path = Path(path)
    ids = [_row_id(v, i) for i, v in enumerate(np.asarray(row_ids).tolist())]
    names = list(class_names)
    rows: list[list[float] | None] = []  # None: the line has no end_model_probs
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                problem = _end_model_row(line, ids, names, rows)
                if problem:
                    raise DataError(
                        f"{path}, line {number}: {problem}. Pass the labels.jsonl of the run "
                        "whose votes.npz you gave."
                    )
    if len(rows) != len(ids):
        raise DataError(
            f"{path} has {len(rows):,} rows but the votes have {len(ids):,}. Pass the "
            "labels.jsonl of the run whose votes.npz you gave."
        )
    missing = sum(row is None for row in rows)
    if 0 < missing < len(rows):
        raise DataError(
            f"{path}: {missing:,} rows have no end_model_probs and {len(rows) - missing:,} do; "
            "a run writes them on every row or on none."
        )
    return None if missing else np.array(rows, dtype=np.float64)


def _end_model_row(line: str, ids: list[Any], names: list[str], rows: list[Any]) -> str:
    """Append the line's end-model probabilities (or None) to ``rows``; else say what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg}, column {exc.colno})"
    position = len(rows)
    if position >= len(ids):
        return "more rows than the votes have"
    if not isinstance(record, dict):
        return "not an object"
    if record.get("id") != ids[position]:
        return f"the row id is {record.get('id')!r}; the votes' row {position} is {ids[position]!r}"
    probs = record.get("end_model_probs")
    if probs is not None:
        if (
            not isinstance(probs, dict)
            or sorted(probs) != sorted(names)
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in probs.values()
            )
        ):
            return f"end_model_probs must map each of {', '.join(names)} to a probability"
        probs = [float(probs[name]) for name in names]
    rows.append(probs)
    return ""

"""Reading annotation files: long or wide tables (CSV, JSON Lines) and Label Studio exports.

The format comes from the suffix: ``.json`` is a Label Studio JSON export (see
:mod:`weaklabel.annotations._studio`); ``.csv``, ``.jsonl`` and ``.ndjson`` are tables, read by
:func:`weaklabel.read_data` (so a malformed file names its line). A table is

- **long**, one annotation per row, with the columns ``item``, ``annotator``, ``label`` and
  optionally ``created_at``, when it has an ``annotator`` or a ``label`` column;
- **wide** otherwise: one row per item, an item column (``item``, else ``id``) and one column per
  annotator, whose cells are class names; an empty cell means the annotator did not label it.

``layout="long"`` or ``layout="wide"`` overrides the guess, and ``item=`` names the item column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel._core.params import check_choice
from weaklabel._io.readers import read_data
from weaklabel.annotations._build import build_codes
from weaklabel.annotations._codes import Codes
from weaklabel.annotations._studio import read_label_studio
from weaklabel.exceptions import DataError

__all__ = ["LAYOUTS", "codes_from_long", "codes_from_wide", "read_codes"]

LAYOUTS = ("auto", "long", "wide")
_TABLES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def read_codes(
    path: str | Path,
    *,
    classes: Sequence[str] | None,
    layout: str,
    item: str | None,
    from_name: str | None,
) -> Codes:
    """The annotations in ``path`` (see the module docstring)."""
    path = Path(path)
    layout = check_choice("layout", layout, LAYOUTS, owner="Annotations.read")
    suffix = path.suffix.lower()
    if suffix not in (*_TABLES, ".json"):
        raise DataError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; annotations are "
            "read from a Label Studio JSON export (*.json) or a table (*.csv, *.jsonl)."
        )
    if not path.is_file():
        raise DataError(f"{path}: no such file.")
    if suffix == ".json":
        return read_label_studio(path, classes=classes, from_name=from_name)
    frame = read_data(path, format=_TABLES[suffix])
    where = _csv_lines if suffix == ".csv" else _json_lines(path)
    if layout == "auto":
        layout = "long" if {"annotator", "label"} & {str(c) for c in frame.columns} else "wide"
    if layout == "long":
        return codes_from_long(
            frame,
            item=item or "item",
            annotator="annotator",
            label="label",
            created_at="created_at",
            classes=classes,
            where=where,
            source=str(path),
        )
    if item is None:
        item = "id" if "item" not in frame.columns and "id" in frame.columns else "item"
    return codes_from_wide(frame, item=item, classes=classes, where=where, source=str(path))


def _csv_lines(i: int) -> str:
    return f"line {i + 2}"  # the header is line 1


def _json_lines(path: Path) -> Callable[[int], str]:
    with path.open(encoding="utf-8") as handle:
        lines = [n for n, line in enumerate(handle, start=1) if line.strip()]
    return lambda i: f"line {lines[i]}"


def codes_from_long(
    frame: pd.DataFrame,
    *,
    item: str,
    annotator: str,
    label: str,
    created_at: str,
    classes: Sequence[str] | None,
    where: Callable[[int], str],
    source: str,
) -> Codes:
    """Annotations of a long table: one row per annotation."""
    columns = [str(c) for c in frame.columns]
    for column, role in ((item, "item"), (annotator, "annotator"), (label, "label")):
        require_column(column, columns, role=role, source=source)
    return build_codes(
        frame[item],
        frame[annotator],
        frame[label],
        frame[created_at] if created_at in columns else None,
        classes=classes,
        where=where,
        source=source,
    )


def codes_from_wide(
    frame: pd.DataFrame,
    *,
    item: str,
    classes: Sequence[str] | None,
    where: Callable[[int], str],
    source: str,
) -> Codes:
    """Annotations of a wide table: one row per item, one column per annotator."""
    columns = [str(c) for c in frame.columns]
    require_column(
        item,
        columns,
        role="item",
        source=source,
        hint="A wide table has an item column and one column per annotator; name the item "
        "column with item=, or give a long table (columns item, annotator, label).",
    )
    people = [c for c in frame.columns if str(c) != item]
    if not people:
        raise DataError(
            f"{source}: a wide table needs one column per annotator besides {item!r}; it has none."
        )
    cells = frame[people].to_numpy(dtype=object)
    labeled = ~pd.isna(cells)
    labeled &= ~np.array([[isinstance(v, str) and not v.strip() for v in row] for row in cells])
    rows, cols = np.nonzero(labeled)  # row-major: the file's order
    if not len(rows):
        raise DataError(f"{source}: no annotator labeled any item (every label cell is empty).")
    names = np.array([str(p) for p in people], dtype=object)
    return build_codes(
        frame[item].iloc[rows].reset_index(drop=True),
        names[cols],
        cells[rows, cols],
        classes=classes,
        where=lambda i: f"{where(int(rows[i]))}, column {names[cols[i]]!r}",
        source=source,
    )

"""``run.json``: what a ``weaklabel run`` labeled, with what, and how well, read back validated.

A run's output folder holds ``labels.jsonl`` (one label per row) and ``run.json``, which says where
those rows came from, so that later steps (``weaklabel export``, the dataset card) can find the
data again and describe how the labels were made:

- ``data``: the file (absolute path, format, encoding, size and BLAKE2b-128 digest, so that a file
  changed since the run is noticed) or the bundled dataset it was (both None for a DataFrame
  given in Python), its columns (``text``, ``id``,
  ``gold``; None when not given) and its number of rows;
- ``lfs``: where the LFs came from and their names; ``classes``: the class names;
- ``label_model``: its name and class balance; ``end_model``: what the end model reported (None
  when none was trained); ``annotations``: the file of people's labels and their agreement (None
  without); ``scores``: accuracy against ``--gold-column`` per model (None without);
- ``coverage``: the share of rows with at least one vote; ``random_state``; ``created``;
  ``weaklabel_version``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from weaklabel._core.digest import new_digest
from weaklabel._core.formats import check_version
from weaklabel._io.atomic import atomic_write
from weaklabel._version import __version__
from weaklabel.exceptions import DataError

__all__ = ["RUN_INFO", "RUN_INFO_FORMAT", "file_fingerprint", "read_run_info", "write_run_info"]

#: The file name, in a run's output folder.
RUN_INFO = "run.json"
#: The format tag of the file.
RUN_INFO_FORMAT = "weaklabel-run-info"
_VERSION = 1
_KEYS: dict[str, type | tuple[type, ...]] = {
    "format": str,
    "version": int,
    "weaklabel_version": str,
    "created": str,
    "data": dict,
    "lfs": dict,
    "classes": list,
    "label_model": dict,
    "end_model": (dict, type(None)),
    "annotations": (dict, type(None)),
    "scores": (dict, type(None)),
    "coverage": (int, float),
    "random_state": (int, type(None)),
}
_DATA_KEYS = ("path", "bundled", "format", "encoding", "size", "digest", "text_column",
              "id_column", "gold_column", "n_rows")  # fmt: skip
_BLOCK = 1 << 20


def file_fingerprint(path: str | Path) -> dict[str, Any]:
    """The absolute path, size and BLAKE2b-128 digest of a data file."""
    path = Path(path).resolve()
    hasher = new_digest()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            hasher.update(block)
    return {"path": str(path), "size": path.stat().st_size, "digest": hasher.hexdigest()}


def write_run_info(path: str | Path, info: Mapping[str, Any]) -> None:
    """Write ``info`` (the keys of the module docstring but ``format``, ``version``,
    ``weaklabel_version`` and ``created``, which are added) to ``path``, atomically."""
    record = {
        "format": RUN_INFO_FORMAT,
        "version": _VERSION,
        "weaklabel_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **info,
    }
    _check(record, str(path))
    with atomic_write(path) as handle:
        handle.write(json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False) + "\n")


def read_run_info(folder: str | Path) -> dict[str, Any]:
    """The validated ``run.json`` of a run's output folder."""
    path = Path(folder) / RUN_INFO
    if not path.is_file():
        raise DataError(
            f"{folder}: no {RUN_INFO}: not the output folder of `weaklabel run` (or one written "
            "by a version before run.json existed); run it again into this folder."
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({exc}); run `weaklabel run` again.") from None
    _check(record, str(path))
    return record


def _check(record: Any, source: str) -> None:
    if not isinstance(record, dict) or record.get("format") != RUN_INFO_FORMAT:
        raise DataError(f"{source}: not a weaklabel run.json (no {RUN_INFO_FORMAT!r} format tag).")
    check_version(
        record.get("version"),
        current=_VERSION,
        what="run.json",
        source=source,
        redo="run `weaklabel run` again",
    )
    problems = [
        f"{key!r} missing" if key not in record else f"{key!r} is {type(record[key]).__name__}"
        for key, kind in _KEYS.items()
        if key not in record or not isinstance(record[key], kind)
    ]
    data = record.get("data")
    if isinstance(data, dict):
        problems += [f"'data.{key}' missing" for key in _DATA_KEYS if key not in data]
        if data.get("path") is not None and data.get("bundled") is not None:
            problems.append("'data' has both a 'path' and a 'bundled' dataset")
    classes = record.get("classes")
    if isinstance(classes, list) and not all(isinstance(c, str) and c for c in classes):
        problems.append("'classes' must be non-empty strings")
    if problems:
        raise DataError(
            f"{source}: invalid run.json: {'; '.join(problems)}. Run `weaklabel run` again."
        )

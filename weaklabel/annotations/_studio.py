"""Reading a Label Studio JSON export ("Export -> JSON"): the list of tasks with their annotations.

Each task holds ``id``, ``data`` and ``annotations``; each annotation holds ``completed_by`` (a
user id, or an object with ``id`` and ``email``), ``was_cancelled``, ``created_at`` and
``result``, a list of regions; a classification is a region of ``"type": "choices"`` whose
``value`` is ``{"choices": ["spam"]}``. The rules:

- the item is ``data["row_id"]`` (weaklabel's tasks put the row id there), else the task ``id``;
- the annotator is the user's email when the export has it, else ``user-<id>``;
- cancelled (skipped) annotations are left out: the annotator gave no label;
- an annotation without a choices result (submitted empty) is left out, and an
  :class:`~weaklabel.exceptions.AnnotationWarning` counts them;
- a choices result with several choices (multi-label), or choices results of several
  ``<Choices>`` tags without ``from_name`` to pick one, is an error naming the task;
- predictions (the model's pre-annotations) are not annotations and are ignored.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from weaklabel.annotations._build import build_codes
from weaklabel.annotations._codes import Codes
from weaklabel.exceptions import AnnotationWarning, DataError

__all__ = ["read_label_studio"]


def read_label_studio(path: Path, *, classes: Sequence[str] | None, from_name: str | None) -> Codes:
    """The annotations of a Label Studio JSON export (see the module docstring)."""
    tasks = _load(path)
    items: list[Any] = []
    annotators: list[str] = []
    labels: list[str] = []
    times: list[Any] = []
    where: list[str] = []
    cancelled = 0
    empty: list[Any] = []
    for t, task in enumerate(tasks):
        task_id = _task_id(task, t, path)
        data = task.get("data")
        item = data.get("row_id") if isinstance(data, dict) else None
        item = task_id if item is None else item
        for annotation in _annotations(task, task_id, path):
            if annotation.get("was_cancelled"):
                cancelled += 1
                continue
            choice = _choice(annotation.get("result"), task_id, from_name, path)
            if choice is None:
                empty.append(task_id)
                continue
            items.append(item)
            annotators.append(_annotator(annotation.get("completed_by"), task_id, path))
            labels.append(choice)
            times.append(annotation.get("created_at"))
            where.append(f"task {task_id!r}")
    if empty:
        shown = ", ".join(map(repr, empty[:5])) + (" ..." if len(empty) > 5 else "")
        warnings.warn(
            f"{path}: left out {len(empty):,} annotation(s) with no choice (submitted empty), in "
            f"task(s) {shown}.",
            AnnotationWarning,
            stacklevel=4,
        )
    if not items:
        raise DataError(
            f"{path}: the export holds {len(tasks):,} task(s) but no annotation with a choice "
            f"({cancelled:,} cancelled, {len(empty):,} empty); label some tasks in Label Studio "
            "and export again."
        )
    return build_codes(
        items,
        annotators,
        labels,
        times if any(x is not None for x in times) else None,
        classes=classes,
        where=where.__getitem__,
        source=str(path),
        noun="choice",
    )


def _load(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise DataError(f"{path}: the file is empty; export the project from Label Studio again.")
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError as exc:
        why = exc.msg
        if not text.rstrip().endswith("]"):
            why += "; the file ends in the middle of the export (truncated?)"
        raise DataError(
            f"{path}, line {exc.lineno}, column {exc.colno} (character {exc.pos}): not valid "
            f"JSON ({why}). Export the project from Label Studio again."
        ) from exc
    if not isinstance(tasks, list):
        raise DataError(
            f"{path}: a Label Studio JSON export is a list of tasks; this file holds a "
            f"{type(tasks).__name__}."
        )
    if not tasks:
        raise DataError(f"{path}: the export holds no tasks; there are no annotations to read.")
    return tasks


def _task_id(task: Any, t: int, path: Path) -> Any:
    if not isinstance(task, dict) or "id" not in task:
        raise DataError(
            f"{path}: task {t} (counting from 0) is not a Label Studio task (an object with "
            "'id', 'data' and 'annotations'); export with Label Studio's JSON format."
        )
    return task["id"]


def _annotations(task: dict[str, Any], task_id: Any, path: Path) -> list[dict[str, Any]]:
    annotations = task.get("annotations")
    if annotations is None and "completions" in task:  # exports of Label Studio before 1.0
        annotations = task["completions"]
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        raise DataError(
            f"{path}: task {task_id!r} has no 'annotations' list; is this a JSON export (not "
            "JSON-MIN or CSV)? Export with Label Studio's JSON format."
        )
    return annotations


def _annotator(user: Any, task_id: Any, path: Path) -> str:
    if isinstance(user, dict):
        email = user.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip()
        user = user.get("id")
    if isinstance(user, bool) or not isinstance(user, int | str) or str(user) == "":
        raise DataError(
            f"{path}: task {task_id!r} has an annotation whose 'completed_by' is {user!r}; "
            "expected a user id or an object with 'id' (and 'email')."
        )
    return f"user-{user}"


def _choice(result: Any, task_id: Any, from_name: str | None, path: Path) -> str | None:
    if not isinstance(result, list):
        raise DataError(f"{path}: task {task_id!r} has an annotation without a 'result' list.")
    found = [
        r
        for r in result
        if isinstance(r, dict)
        and r.get("type") == "choices"
        and (from_name is None or r.get("from_name") == from_name)
    ]
    if not found:
        return None
    tags = sorted({str(r.get("from_name")) for r in found})
    if len(tags) > 1:
        raise DataError(
            f"{path}: task {task_id!r} has choices of several <Choices> tags ({', '.join(tags)}); "
            "pass from_name= to read one of them."
        )
    choices = [c for r in found for c in (r.get("value") or {}).get("choices") or []]
    if not choices:
        return None
    if len(choices) != 1 or not isinstance(choices[0], str):
        raise DataError(
            f"{path}: task {task_id!r} has an annotation with the choices {choices!r}; weaklabel "
            'reads one class per annotation (single-choice <Choices>, not choice="multiple").'
        )
    return choices[0]

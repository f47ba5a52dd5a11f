"""Label Studio tasks: the rows people should label, as Label Studio's JSON import format.

Each task is ``{"data": {<variable>: text, "row_id": id, <extra columns>}, "predictions": [...]}``:
the text sits under the config's variable (``$text``), the row id under ``row_id`` (it comes
back in the export, so that every annotation finds its row), and, when the model's
probabilities are given, one prediction: the model's class as a ``choices`` result, its
``score`` and ``model_version``.

The prediction ``score`` is what Label Studio sorts by (Data Manager: sort by prediction score;
project setting "Uncertainty sampling": the lowest score is served first). With a selection
(rows chosen by :func:`weaklabel.active.query`, best first) the score is the task's place in
the selection scaled to [0, 1), so the lowest score is the row to label first; otherwise it is
the model's confidence, so the least sure rows come first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel._core.params import check_choice, parameter_error
from weaklabel._io.atomic import atomic_write
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError
from weaklabel.labelstudio._config import ROW_ID, check_name
from weaklabel.labelstudio._rows import (
    check_probs,
    json_value,
    prepare_rows,
    resolve_class_names,
)
from weaklabel.models._ties import predicted_labels

__all__ = ["SCORES", "tasks", "write_tasks"]

#: What a prediction's ``score`` holds: see :func:`tasks`.
SCORES = ("auto", "confidence", "order")


def tasks(
    data: pd.DataFrame,
    votes: VoteMatrix | None = None,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    columns: Sequence[str] = (),
    variable: str = "text",
    control: str = "label",
    predictions: Any = None,
    classes: Sequence[str] | None = None,
    model: Any = None,
    selection: pd.DataFrame | None = None,
    score: str = "auto",
    model_version: str = "weaklabel",
) -> list[dict[str, Any]]:
    """Label Studio tasks for the rows of ``data``, ready for its JSON import.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows: the text column and any extra columns asked for.
    votes : VoteMatrix, optional
        The votes made from ``data``: their row ids become the tasks' ``row_id`` (``data`` is
        matched to them by ``id_column``, or by position), their class names the choices.
        Without votes, the ids are ``data[id_column]``, or the row positions.
    text_column : str
        The column holding the text to label.
    id_column : str, optional
        The column of ``data`` holding the row ids.
    columns : sequence of str
        Extra columns to copy into each task's ``data`` (shown only if the config uses them).
    variable : str
        The config's text variable: the text goes to ``data[variable]`` (``$text``).
    control : str
        The name of the config's ``<Choices>``: the predictions' ``from_name``.
    predictions : array-like, optional
        The model's probabilities (rows x classes, ``model.predict_proba(votes)``): each task gets
        one prediction, the model's class. Leave it out when annotators must label blind.
    classes : sequence of str, optional
        Class names in class-index order; by default the votes', else ``"0", "1", ...``. They
        must be the config's choices (:func:`labeling_config`).
    model : label model, optional
        The model that gave ``predictions``: its tie policy picks the class of a tied row (else
        the lowest tied class index).
    selection : pandas.DataFrame, optional
        The rows to write, best first, in a column ``row`` (positions), as
        :func:`weaklabel.active.query` returns them; an ``id`` column, when present, must match
        the row ids. By default every row, in order.
    score : {"auto", "confidence", "order"}
        The predictions' score: ``"confidence"``, the model's probability of its class;
        ``"order"``, the task's place in the selection divided by the number of tasks (0 for the
        first). ``"auto"``: ``"order"`` with a selection, else ``"confidence"``. Either way
        Label Studio's ascending sort by prediction score serves the rows to label first.
    model_version : str
        The predictions' ``model_version`` (set the project's model version to it for
        "Uncertainty sampling").

    Returns
    -------
    list of dict
        One task per row, in order; write them with :func:`write_tasks`.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.labelstudio import tasks
    >>> data = pd.DataFrame({"id": ["a", "b"], "text": ["win $$$ now", "nice song"]})
    >>> out = tasks(data, id_column="id", predictions=[[0.2, 0.8], [0.9, 0.1]],
    ...             classes=["ham", "spam"])
    >>> out[0]["data"]
    {'text': 'win $$$ now', 'row_id': 'a'}
    >>> prediction = out[0]["predictions"][0]
    >>> prediction["score"], prediction["result"][0]["value"]
    (0.8, {'choices': ['spam']})
    >>> tasks(data, id_column="id")[1]  # blind: no predictions
    {'data': {'text': 'nice song', 'row_id': 'b'}}
    """
    owner = "tasks"
    check_name("variable", variable, owner=owner)
    check_name("control", control, owner=owner)
    check_choice("score", score, SCORES, owner=owner)
    if not isinstance(model_version, str) or not model_version.strip():
        raise parameter_error("model_version", owner, "a non-empty string", model_version)
    if isinstance(columns, str):
        raise parameter_error(
            "columns", owner, "a list of column names", columns, f"Use [{columns!r}]."
        )
    extra = [str(c) for c in columns]
    for name in extra:
        if name in (variable, ROW_ID):
            raise parameter_error(
                "columns",
                owner,
                f"columns other than the text variable ({variable!r}) and {ROW_ID!r}",
                extra,
                "Those keys of a task's data are weaklabel's.",
            )
    rows = prepare_rows(data, votes, id_column=id_column, owner=owner)
    require_column(text_column, rows.frame.columns, role="text")
    for name in extra:
        require_column(name, rows.frame.columns, role="extra")
    chosen = _selected_rows(selection, rows.ids, owner=owner)
    ids = [json_value(x) for x in rows.ids[chosen].tolist()]
    _check_unique_ids(ids)
    texts = rows.frame[text_column].iloc[chosen].tolist()
    fields = {name: rows.frame[name].iloc[chosen].tolist() for name in extra}
    out: list[dict[str, Any]] = []
    for i, (text, row_id) in enumerate(zip(texts, ids, strict=True)):
        value = json_value(text)
        entry = {variable: value if value is None else str(value), ROW_ID: row_id}
        entry.update({name: json_value(fields[name][i]) for name in extra})
        out.append({"data": entry})
    if predictions is None:
        if classes is not None:  # unused without predictions, but checked all the same
            resolve_class_names(classes, votes, None, owner=owner)
        if score != "auto":
            raise parameter_error(
                "score",
                owner,
                "'auto' when there are no predictions",
                score,
                "Pass predictions=model.predict_proba(votes) to score the tasks.",
            )
        return out
    probs = check_probs(predictions, len(rows), owner=owner, name="predictions")
    names = resolve_class_names(classes, votes, probs.shape[1], owner=owner)
    labels = predicted_labels(probs[chosen], model)
    if score == "order" or (score == "auto" and selection is not None):
        scores = np.arange(len(chosen)) / max(len(chosen), 1)
    else:
        scores = probs[chosen][np.arange(len(chosen)), labels]
    for task, label, value in zip(out, labels.tolist(), scores.tolist(), strict=True):
        result = {
            "from_name": control,
            "to_name": variable,
            "type": "choices",
            "value": {"choices": [names[label]]},
        }
        task["predictions"] = [
            {"model_version": model_version, "score": float(value), "result": [result]}
        ]
    return out


def write_tasks(path: str | Path, tasks: list[dict[str, Any]]) -> Path:
    """Write ``tasks`` as a Label Studio JSON import file, atomically; return the path.

    Raises
    ------
    DataError
        A task holds a value JSON cannot (a NaN, an object), or the file cannot be written.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from weaklabel.labelstudio import write_tasks
    >>> path = write_tasks(pathlib.Path(tempfile.mkdtemp()) / "tasks.json",
    ...                    [{"data": {"text": "hi", "row_id": 0}}])
    >>> json.loads(path.read_text())
    [{'data': {'text': 'hi', 'row_id': 0}}]
    """
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise parameter_error(
            "tasks", "write_tasks", "a list of task dicts (from tasks())", type(tasks).__name__
        )
    try:
        text = json.dumps(tasks, ensure_ascii=False, allow_nan=False, indent=1)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"Cannot write the tasks to {path}: {exc}. Build them with "
            "weaklabel.labelstudio.tasks, which turns values into JSON."
        ) from None
    with atomic_write(path) as handle:
        handle.write(text + "\n")
    return Path(path)


def _selected_rows(selection: Any, ids: np.ndarray, *, owner: str) -> np.ndarray:
    """The row positions to write, in order: the selection's ``row`` column, or every row."""
    n = len(ids)
    if selection is None:
        return np.arange(n, dtype=np.int64)
    if not isinstance(selection, pd.DataFrame):
        raise parameter_error(
            "selection",
            owner,
            "a DataFrame with a 'row' column (as weaklabel.active.query returns) or None",
            type(selection).__name__,
        )
    require_column("row", selection.columns, role="row", source="the selection")
    raw = selection["row"]
    if not pd.api.types.is_integer_dtype(raw.dtype):
        raise DataError(
            f"The selection's 'row' column must hold row positions (integers); it has dtype "
            f"{raw.dtype}. Pass the frame weaklabel.active.query returns."
        )
    chosen = raw.to_numpy(dtype=np.int64)
    bad = np.flatnonzero((chosen < 0) | (chosen >= n))
    if len(bad):
        i = int(bad[0])
        raise DataError(
            f"The selection's row {int(chosen[i])} (its entry {i}) is not a row position of the "
            f"data, which has {n:,} rows; choose rows from these votes."
        )
    seen = pd.Index(chosen)
    if seen.has_duplicates:
        raise DataError(
            f"The selection holds row {int(seen[seen.duplicated()][0])} twice; each row makes "
            "one task."
        )
    if "id" in selection.columns:
        given = [json_value(x) for x in selection["id"].tolist()]
        actual = [json_value(x) for x in ids[chosen].tolist()]
        for i, (a, b) in enumerate(zip(given, actual, strict=True)):
            if str(a) != str(b):
                raise DataError(
                    f"The selection's row {int(chosen[i])} has id {a!r}, but that row of the "
                    f"data has id {b!r}: the selection was made on other votes. Choose the rows "
                    "again from these votes."
                )
    return chosen


def _check_unique_ids(ids: list[Any]) -> None:
    index = pd.Index([str(x) for x in ids])
    if index.has_duplicates:
        raise DataError(
            f"The row id {index[index.duplicated()][0]!r} belongs to more than one task: an "
            "annotation could not be matched to its row. Give each row its own id (id_column)."
        )

"""The rows a Label Studio file is made of: the data matched to the votes, their ids and classes.

:func:`tasks` and :func:`guidelines` both start here, so that they agree on which row is which
(the row id goes into every task as ``data["row_id"]``, and comes back in the export), on the
class names (the config's choices) and on what a value looks like in JSON.
"""

from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel._core.params import parameter_error
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import default_class_names, resolve_classes
from weaklabel._votes.rows import align_rows
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["Rows", "check_probs", "json_value", "prepare_rows", "resolve_class_names"]


@dataclass(frozen=True)
class Rows:
    """The user's data, one row per vote row (or per data row without votes), and their ids."""

    frame: pd.DataFrame
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.frame)


def prepare_rows(data: Any, votes: VoteMatrix | None, *, id_column: str | None, owner: str) -> Rows:
    """``data`` in the order of ``votes``' rows, with one id per row.

    With ``votes``, the ids are ``votes.row_ids`` and ``data`` is matched to the vote rows by
    ``id_column`` (or by position; see :func:`weaklabel._votes.rows.align_rows`). Without votes,
    the ids are the values of ``id_column``, or the row positions ``0 .. n-1`` (the ids a
    :class:`~weaklabel.VoteMatrix` built without ids has).
    """
    if not isinstance(data, pd.DataFrame):
        raise parameter_error("data", owner, "a pandas DataFrame", type(data).__name__)
    if votes is not None and not isinstance(votes, VoteMatrix):
        raise parameter_error("votes", owner, "a VoteMatrix or None", type(votes).__name__)
    if votes is not None:
        frame = align_rows(data, votes, id_column=id_column)
        ids = np.asarray(votes.row_ids)
    elif id_column is not None:
        require_column(id_column, data.columns, role="id")
        frame = data.reset_index(drop=True)
        ids = frame[id_column].to_numpy()
    else:
        frame = data.reset_index(drop=True)
        ids = np.arange(len(frame), dtype=np.int64)
    return Rows(frame=frame, ids=ids)


def resolve_class_names(
    classes: Sequence[str] | None,
    votes: VoteMatrix | None,
    cardinality: int | None,
    *,
    owner: str,
) -> tuple[str, ...]:
    """The class names, in class-index order: ``classes``, else the votes', else ``"0", "1"...``.

    ``cardinality`` (the width of the probabilities, or the votes' cardinality) must agree.
    """
    known = None if votes is None else votes.class_names
    if votes is not None:
        if cardinality is not None and cardinality != votes.cardinality:
            raise ParameterError(
                f"{owner}: the probabilities have {cardinality} columns but the votes have "
                f"{votes.cardinality} classes; pass the probabilities the model gave for these "
                "votes."
            )
        cardinality = votes.cardinality
    if classes is not None:
        k, names = resolve_classes(None, classes, owner=owner)
        assert names is not None
        assert k is not None
        if known is not None and names != known:
            raise ParameterError(
                f"The 'classes' parameter of {owner} ({list(names)}) disagrees with the class "
                f"names of the votes ({list(known)}); pass the votes' names or leave 'classes' "
                "out."
            )
        if cardinality is not None and k != cardinality:
            raise ParameterError(
                f"The 'classes' parameter of {owner} must name {cardinality} classes, one per "
                f"column of the probabilities. Got {list(names)} instead."
            )
        return names
    if known is not None:
        return known
    if cardinality is None:
        raise ParameterError(
            f"{owner} needs the class names: pass classes=[...] (for example the LF file's "
            "CLASSES), or votes that know them."
        )
    return default_class_names(cardinality)


def check_probs(probs: Any, n_rows: int, *, owner: str, name: str) -> np.ndarray:
    """``probs`` as a float array of shape ``(n_rows, k)``, ``k >= 2``, finite and in [0, 1]."""
    try:
        array = np.asarray(probs, dtype=np.float64)
    except (TypeError, ValueError):
        raise parameter_error(
            name, owner, "an array of class probabilities (rows x classes)", type(probs).__name__
        ) from None
    if array.ndim != 2 or array.shape[0] != n_rows or array.shape[1] < 2:
        raise parameter_error(
            name,
            owner,
            f"an array of class probabilities with one row per data row ({n_rows:,}) and one "
            "column per class",
            f"an array of shape {array.shape}",
            "Pass model.predict_proba(votes).",
        )
    bad = ~np.isfinite(array) | (array < 0) | (array > 1 + 1e-9)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        value = float(array[row, col])
        raise DataError(
            f"{owner}: {name}[{row}, {col}] = {value!r} is not a probability (a finite number "
            "in [0, 1]); pass model.predict_proba(votes)."
        )
    return array


def json_value(value: Any) -> Any:
    """``value`` as JSON can hold it: numpy scalars as Python ones, missing values as None.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from weaklabel.labelstudio._rows import json_value
    >>> [json_value(v) for v in (np.int64(3), np.float64("nan"), pd.NA, "a", pd.Timestamp(0))]
    [3, None, None, 'a', '1970-01-01T00:00:00']
    """
    if isinstance(value, np.datetime64 | np.timedelta64):
        value = pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value if math.isfinite(value) else str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return json_value(float(value))
    if isinstance(value, datetime.date | datetime.time | pd.Timedelta):  # Timestamps are dates
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)

"""Gold labels: the one place that turns the forms users give them in into a class-index array.

Gold may cover only some rows. It is accepted as

- an array-like with one entry per row: a class index, a class name (when the votes know their
  class names), or ``-1`` / ``None`` / NaN / ``""`` for "unknown";
- a mapping from row id to label, for the rows that have one.

Everything downstream sees an int64 array with ``-1`` where the label is unknown.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["UNKNOWN", "as_gold"]

#: The value of a row whose gold label is unknown.
UNKNOWN = -1


def as_gold(gold: Any, votes: VoteMatrix, *, owner: str = "gold") -> np.ndarray:
    """``gold`` as an int64 array with one class index per row of ``votes``, ``-1`` if unknown.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel._votes.gold import as_gold
    >>> votes = VoteMatrix.from_dense([[0], [1], [-1]], cardinality=2, class_names=["ham", "spam"])
    >>> as_gold(["spam", None, 0], votes).tolist()
    [1, -1, 0]
    >>> as_gold({2: "ham"}, votes).tolist()
    [-1, -1, 0]
    """
    n = votes.n_rows
    if isinstance(gold, Mapping):
        position = {_key(rid): i for i, rid in enumerate(votes.row_ids.tolist())}
        out = np.full(n, UNKNOWN, dtype=np.int64)
        for rid, label in gold.items():
            i = position.get(_key(rid))
            if i is None:
                sample = ", ".join(repr(x) for x in votes.row_ids[:5].tolist())
                raise DataError(
                    f"{owner}: row id {rid!r} is not a row of the votes (ids look like {sample}). "
                    "Key gold labels by the row ids the votes were built with."
                )
            out[i] = _one(label, votes, owner, f"row id {rid!r}")
        return out
    values = gold.to_numpy() if isinstance(gold, pd.Series) else np.asarray(gold, dtype=object)
    if values.ndim != 1 or len(values) != n:
        raise DataError(
            f"{owner}: expected one gold label per row ({n}); got shape {np.shape(values)}. Use -1 "
            "(or None) for rows without a gold label, or pass a mapping of row id to label."
        )
    if np.issubdtype(values.dtype, np.integer):
        out = values.astype(np.int64)
        bad = (out < UNKNOWN) | (out >= votes.cardinality)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            _one(int(out[i]), votes, owner, f"row {i}")
        return out
    return np.array(
        [_one(v, votes, owner, f"row {i}") for i, v in enumerate(values.tolist())], dtype=np.int64
    )


def _key(row_id: Any) -> Any:
    return row_id.item() if isinstance(row_id, np.generic) else row_id


def _one(label: Any, votes: VoteMatrix, owner: str, where: str) -> int:
    k, names = votes.cardinality, votes.class_names
    if label is None or label == "" or (isinstance(label, float) and np.isnan(label)):
        return UNKNOWN
    index: int | None = None
    if isinstance(label, str):
        if names is not None and label in names:
            return names.index(label)
        if label.lstrip("-").isdigit():
            index = int(label)
    elif (
        isinstance(label, numbers.Real)
        and not isinstance(label, bool)
        and float(label).is_integer()
    ):
        index = int(float(label))
    if index is not None and UNKNOWN <= index < k:
        return index
    known = f"class names {list(names)} or " if names else ""
    raise DataError(
        f"{owner}: the gold label at {where} is {label!r}, which is not a class; use "
        f"{known}class indices 0..{k - 1}, or -1 / None for unknown."
    )

"""Gold labels: the one place that turns the forms users give them in into a class-index array.

Gold may cover only some rows. It is accepted as

- an array-like with one entry per row: a class index (an int, a whole float such as ``1.0``, or
  a string of digits such as ``"1"``), a class name (when the votes know their class names), or
  ``-1`` / ``None`` / NaN / ``pd.NA`` / ``""`` for "unknown";
- a mapping from row id to label, for the rows that have one.

Spaces around a string are ignored (``" spam "`` is ``"spam"``, ``" 1 "`` is 1): a CSV written as
``ham, spam`` gives them. Anything else is refused with the row and the value: ``"--1"``,
``1.5``, ``True`` (a bool is not a class index), a name the votes do not know.

Everything downstream sees an int64 array with ``-1`` where the label is unknown.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["UNKNOWN", "as_gold"]

#: The value of a row whose gold label is unknown.
UNKNOWN = -1

_INTEGER = re.compile(r"-?[0-9]+")


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
    if isinstance(label, np.generic):
        label = label.item()
    if label is None or label is pd.NA or (isinstance(label, float) and np.isnan(label)):
        return UNKNOWN
    index: int | None = None
    problem = ""
    if isinstance(label, str):
        text = label.strip()  # "ham, spam" in a CSV gives " spam": surrounding spaces are noise
        if not text:
            return UNKNOWN
        if names is not None and (label in names or text in names):
            return names.index(label if label in names else text)
        if _INTEGER.fullmatch(text):
            index = int(text)
    elif isinstance(label, bool):
        problem = " (a bool; use 0 / 1 or the class names)"
    elif isinstance(label, numbers.Integral):
        index = int(label)
    elif isinstance(label, numbers.Real):
        if float(label).is_integer():
            index = int(float(label))
        else:
            problem = " (not a whole number)"
    if index is not None and UNKNOWN <= index < k:
        return index
    known = f"a class name {list(names)}, " if names else ""
    raise DataError(
        f"{owner}: the gold label at {where} is {label!r}, which is not a class{problem}. Valid "
        f"forms: {known}a class index 0..{k - 1} (an int, a whole float such as 1.0, or a string "
        "of digits such as '1'), or -1 / None / NaN / '' for unknown; spaces around a string are "
        "ignored."
    )

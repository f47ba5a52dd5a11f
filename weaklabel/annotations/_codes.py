"""The coded long table behind :class:`~weaklabel.annotations.Annotations`, and its counts.

One annotation is a row of four int64 arrays of equal length: the item's position in ``items``,
the annotator's in ``annotators``, the class index in ``classes`` (and, when known, the time).
After reading, an (item, annotator) pair occurs once. Every statistic starts from two views of
these arrays, both computed without a Python loop per annotation: the items x classes count
matrix (:func:`class_counts`) and the pairs of annotations that share an item (:func:`pairs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._core.params import parameter_error
from weaklabel.exceptions import DataError

if TYPE_CHECKING:
    from weaklabel.annotations._table import Annotations

__all__ = ["Codes", "class_counts", "item_key", "item_keys", "paired_codes", "pairs", "shown"]

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


@dataclass(frozen=True, eq=False)
class Codes:
    """Coded annotations: ``items[item[i]]`` labeled ``classes[label[i]]`` by
    ``annotators[annotator[i]]`` (at ``created_at[i]`` when known)."""

    items: pd.Index
    annotators: tuple[str, ...]
    classes: tuple[str, ...]
    item: np.ndarray
    annotator: np.ndarray
    label: np.ndarray
    created_at: np.ndarray | None = None

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def k(self) -> int:
        return len(self.classes)

    def per_item(self) -> np.ndarray:
        """How many annotators labeled each item."""
        return np.bincount(self.item, minlength=self.n_items)


def class_counts(codes: Codes) -> sp.csr_matrix:
    """The items x classes matrix of counts: how many annotators gave item ``u`` class ``c``."""
    ones = np.ones(len(codes.item), dtype=np.int64)
    counts = sp.csr_matrix(
        (ones, (codes.item, codes.label)), shape=(codes.n_items, codes.k), dtype=np.int64
    )
    counts.sum_duplicates()
    return counts


def pairs(codes: Codes) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` of every unordered pair of annotations of one item.

    The annotations are sorted by item once; pairs at distance ``d`` in that order share an item
    when their items are equal, so the loop runs over ``d`` (up to the most annotators of one
    item), never over annotations.
    """
    order = np.argsort(codes.item, kind="stable")
    sorted_items = codes.item[order]
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    d = 1
    while d < len(order):
        same = np.flatnonzero(sorted_items[d:] == sorted_items[:-d])
        if not len(same):
            break
        first.append(order[same])
        second.append(order[same + d])
        d += 1
    if not first:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(first), np.concatenate(second)


def shown(value: Any) -> str:
    """``repr`` of an id for messages: ``7``, not ``np.int64(7)``."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def item_key(value: Any) -> Any:
    """An item id in the form items are matched by: an int for ``7``, ``7.0`` or ``"7"``,
    else the text (``"007"`` stays text: a leading zero is part of an id)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if _INTEGER.fullmatch(text) else text


def item_keys(values: Iterable[Any]) -> pd.Index:
    """:func:`item_key` of each value, as an index (vectorised for integer arrays)."""
    array = np.asarray(values) if not isinstance(values, pd.Index) else values.to_numpy()
    if array.dtype.kind in "iu":
        return pd.Index(array.astype(np.int64))
    return pd.Index([item_key(v) for v in array.tolist()], dtype=object)


def paired_codes(ann: Annotations, owner: str) -> Codes:
    """The codes of ``ann``, refusing annotations where no two annotators labeled one item."""
    codes = getattr(ann, "_codes", None)
    if not isinstance(codes, Codes):
        raise parameter_error("ann", owner, "an Annotations table", type(ann).__name__)
    if len(codes.annotators) < 2:
        raise DataError(
            f"{owner}: agreement needs at least two annotators; these annotations have one "
            f"({codes.annotators[0]!r}). Have a second person label some of the same items."
        )
    if not (codes.per_item() >= 2).any():
        raise DataError(
            f"{owner}: no item was labeled by two annotators, so there is no agreement to "
            "measure; have some items labeled twice."
        )
    return codes

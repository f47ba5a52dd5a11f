"""Checks of the parts a :class:`~weaklabel.VoteMatrix` is built from (names, ids, labels)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from weaklabel.exceptions import DataError, ParameterError

__all__ = [
    "as_int_array",
    "check_cardinality",
    "check_class_names",
    "check_count",
    "check_labels",
    "check_range",
    "check_row_ids",
    "resolve_lf_names",
]

#: Largest number of classes the vote storage holds (int16 class index + 1).
MAX_CARDINALITY = int(np.iinfo(np.int16).max) - 1


def check_cardinality(cardinality: object) -> int:
    if not isinstance(cardinality, numbers.Integral) or isinstance(cardinality, bool):
        raise ParameterError(
            f"The 'cardinality' parameter must be an int >= 2 (the number of classes). "
            f"Got {cardinality!r} instead."
        )
    if not 2 <= int(cardinality) <= MAX_CARDINALITY:
        raise ParameterError(
            f"The 'cardinality' parameter must be an int >= 2 (the number of classes). "
            f"Got {cardinality!r} instead."
        )
    return int(cardinality)


def check_count(name: str, value: object) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or int(value) < 0:
        raise ParameterError(f"The {name!r} parameter must be an int >= 0. Got {value!r} instead.")
    return int(value)


def resolve_lf_names(lf_names: Sequence[str] | None, n_lfs: int | None) -> tuple[str, ...]:
    if lf_names is None:
        if n_lfs is None:
            raise ParameterError("VoteMatrix needs either 'lf_names' or 'n_lfs'.")
        return tuple(f"lf_{j}" for j in range(check_count("n_lfs", n_lfs)))
    names = tuple(lf_names)
    not_str = [n for n in names if not isinstance(n, str) or not n]
    if not_str:
        raise ParameterError(
            f"The 'lf_names' parameter must hold non-empty strings. Got {not_str[0]!r} instead."
        )
    if n_lfs is not None and len(names) != n_lfs:
        raise ParameterError(
            f"The 'lf_names' parameter must hold one name per LF ({n_lfs}). Got {len(names)} names."
        )
    seen: set[str] = set()
    duplicates = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
    if duplicates:
        raise ParameterError(
            f"LF names must be unique; {', '.join(map(repr, duplicates))} appear(s) more than "
            "once. "
            "Give each labeling function its own name."
        )
    return names


def check_class_names(
    class_names: Sequence[str] | None, cardinality: int
) -> tuple[str, ...] | None:
    if class_names is None:
        return None
    names = tuple(str(c) for c in class_names)
    if len(names) != cardinality or len(set(names)) != len(names):
        raise ParameterError(
            f"The 'class_names' parameter must hold {cardinality} distinct names, one per class. "
            f"Got {list(names)} instead."
        )
    return names


def check_row_ids(row_ids: Any, n_rows: int) -> np.ndarray:
    if row_ids is None:
        ids = np.arange(n_rows, dtype=np.int64)
    else:
        ids = np.asarray(row_ids)
        if ids.dtype == object:
            ids = np.asarray([str(x) for x in ids]) if len(ids) else ids.astype(str)
        if ids.shape != (n_rows,):
            raise DataError(
                f"VoteMatrix: row_ids must hold one id per row ({n_rows}); got shape {ids.shape}."
            )
        ids = ids.copy()
    ids.flags.writeable = False
    return ids


def as_int_array(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise DataError(f"VoteMatrix: {name} must be 1-d; got shape {array.shape}.")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise DataError(f"VoteMatrix: {name} must hold integers; got dtype {array.dtype}.")
    return array.astype(np.int64)


def check_range(name: str, values: np.ndarray, low: int, high: int, what: str) -> None:
    bad = (values < low) | (values >= high)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"VoteMatrix: {name}[{i}] = {int(values[i])} is out of range; {what} run "
            f"{low}..{high - 1}."
        )


def check_labels(labels: np.ndarray, cardinality: int, *, where: Any) -> None:
    if not labels.size or (labels.min() >= 0 and labels.max() < cardinality):
        return  # the common case, without a full-size temporary
    bad = (labels < 0) | (labels >= cardinality)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"VoteMatrix: {where(i)} is {int(labels[i])}, but with cardinality {cardinality} a "
            f"vote must be a class index 0..{cardinality - 1} or -1 (ABSTAIN)."
        )

"""Checks of the parts a :class:`~weaklabel.VoteMatrix` is built from (coordinates, ids)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from weaklabel.exceptions import DataError, ParameterError

__all__ = [
    "as_int_array",
    "check_count",
    "check_lf_failures",
    "check_range",
    "check_row_ids",
]


def check_count(name: str, value: object) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or int(value) < 0:
        raise ParameterError(f"The {name!r} parameter must be an int >= 0. Got {value!r} instead.")
    return int(value)


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


def check_lf_failures(lf_failures: Any, n_lfs: int) -> np.ndarray:
    """One non-negative integer count per LF (zeros when None), read-only."""
    if lf_failures is None:
        failures = np.zeros(n_lfs, dtype=np.int64)
    else:
        given = np.asarray(lf_failures)
        if given.shape != (n_lfs,) or (given.size and given.dtype.kind not in "iu"):
            raise DataError(
                f"VoteMatrix: lf_failures must hold one non-negative integer count per LF "
                f"({n_lfs}); got shape {given.shape} and dtype {given.dtype}."
            )
        failures = given.astype(np.int64)
        if (failures < 0).any():
            raise DataError("VoteMatrix: lf_failures must hold non-negative counts.")
    failures.flags.writeable = False
    return failures

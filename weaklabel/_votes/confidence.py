"""Confidences: how sure an LF says it is of each of its votes, stored beside the votes.

An LF may vote ``(class, confidence)`` with a confidence in ``(0, 1]``; a classifier's top-class
probability or an LLM's token probability is one. A :class:`~weaklabel.VoteMatrix` keeps them in a
float32 CSR matrix with exactly the structure of its votes (so every row or LF selection applies
to both alike), or not at all when no LF stated one: then every vote counts as confidence 1.0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from weaklabel.exceptions import DataError

__all__ = ["FULL_CONFIDENCE", "check_confidences", "confidence_csr", "describe_bad_confidence"]

#: the confidence of a vote whose LF stated none
FULL_CONFIDENCE = 1.0


def describe_bad_confidence(value: Any) -> str | None:
    """Why ``value`` is not a confidence (a real number in (0, 1]), or None when it is one."""
    if isinstance(value, bool | np.bool_):
        return "a confidence is a number in (0, 1], not True/False"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "a confidence is a number in (0, 1]"
    if np.isnan(number):
        return "a confidence cannot be NaN; abstain when the LF cannot say"
    if not 0.0 < number <= 1.0:
        return "a confidence must lie in (0, 1]; abstain rather than vote with confidence 0"
    return None


def check_confidences(
    values: Any, *, n_votes: int, source: str, where: Callable[[int], str] | None = None
) -> np.ndarray:
    """``values`` as a float32 array of ``n_votes`` confidences in (0, 1], or a DataError.

    ``where(i)`` names vote ``i`` in the error (default: "vote i").
    """
    array = np.asarray(values)
    if array.shape != (n_votes,):
        raise DataError(
            f"{source}: expected one confidence per vote ({n_votes}); got an array of shape "
            f"{array.shape}."
        )
    if array.size and array.dtype.kind not in "fiu":
        raise DataError(
            f"{source}: confidences must be numbers in (0, 1]; got dtype {array.dtype}."
        )
    numbers = array.astype(np.float64, copy=False)
    bad = ~((numbers > 0.0) & (numbers <= 1.0))  # NaN fails both comparisons
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        why = describe_bad_confidence(numbers[i])
        place = where(i) if where is not None else f"vote {i}"
        raise DataError(f"{source}: the confidence of {place} is {float(numbers[i])!r}; {why}.")
    return numbers.astype(np.float32)


def confidence_csr(votes: sp.csr_matrix, values: np.ndarray | None) -> sp.csr_matrix | None:
    """The confidences as a CSR matrix with the structure of ``votes`` (None stays None)."""
    if values is None:
        return None
    return sp.csr_matrix(
        (values, votes.indices.copy(), votes.indptr.copy()), shape=votes.shape, dtype=np.float32
    )

"""How votes are encoded: abstain, the class range and the storage shift, in one place.

A vote is a class index ``0 .. k-1``, or :data:`ABSTAIN` (``-1``) when the labeling function does
not vote. In storage (the CSR matrix of a :class:`~weaklabel.VoteMatrix`, joint vote patterns of
a label model) a vote is ``class index + SHIFT``, so that 0 means "abstain" and sparse storage
holds the votes only. Every module that needs either form asks this one.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from weaklabel.exceptions import DataError, ParameterError

__all__ = [
    "ABSTAIN",
    "MAX_CARDINALITY",
    "SHIFT",
    "check_cardinality",
    "check_labels",
    "decode",
    "encode",
    "label_dtype",
    "valid_votes",
]

#: The value a labeling function returns when it does not vote; ``-1`` in dense vote arrays.
ABSTAIN: Final = -1

#: Stored votes are ``class index + SHIFT``: the implicit zero of sparse storage is "abstain".
SHIFT: Final = 1

#: Largest number of classes: stored votes are int16, ``class index + SHIFT <= 32767``.
MAX_CARDINALITY: Final = int(np.iinfo(np.int16).max) - SHIFT


def label_dtype(cardinality: int) -> np.dtype[Any]:
    """The smallest integer type that holds the stored votes of ``cardinality`` classes."""
    fits_int8 = cardinality - 1 + SHIFT <= np.iinfo(np.int8).max
    return np.dtype(np.int8) if fits_int8 else np.dtype(np.int16)


def encode(labels: np.ndarray, cardinality: int) -> np.ndarray:
    """Class indices (no abstains) as stored votes."""
    stored = np.asarray(labels).astype(label_dtype(cardinality))
    stored += SHIFT
    return stored


def decode(stored: np.ndarray) -> np.ndarray:
    """Stored votes back to class indices (int64)."""
    return np.asarray(stored).astype(np.int64) - SHIFT


def valid_votes(cardinality: int) -> str:
    """What a vote may be, in words, for error messages."""
    return f"a class index 0..{cardinality - 1} or -1 (ABSTAIN)"


def check_cardinality(cardinality: object, *, owner: str = "VoteMatrix") -> int:
    """``cardinality`` as an int in ``2 .. MAX_CARDINALITY``.

    Examples
    --------
    >>> from weaklabel._votes.encoding import check_cardinality
    >>> check_cardinality(1)
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'cardinality' parameter of VoteMatrix must be an int
    in 2..32766 (the number of classes). Got 1 instead.
    """
    if (
        not isinstance(cardinality, numbers.Integral)
        or isinstance(cardinality, bool)
        or not 2 <= int(cardinality) <= MAX_CARDINALITY
    ):
        raise ParameterError(
            f"The 'cardinality' parameter of {owner} must be an int in 2..{MAX_CARDINALITY} (the "
            f"number of classes). Got {cardinality!r} instead."
        )
    return int(cardinality)


def check_labels(labels: np.ndarray, cardinality: int, *, where: Callable[[int], str]) -> None:
    """Refuse a label outside ``0 .. cardinality-1``; ``where(i)`` names the culprit."""
    if not labels.size or (labels.min() >= 0 and labels.max() < cardinality):
        return  # the common case, without a full-size temporary
    bad = (labels < 0) | (labels >= cardinality)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"VoteMatrix: {where(i)} is {int(labels[i])}, but with cardinality {cardinality} a "
            f"vote must be {valid_votes(cardinality)}."
        )

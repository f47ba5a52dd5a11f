"""What an LF returned, read as votes (and confidences), or refused with the LF and row named.

A row LF returns a class index, ``ABSTAIN``, or a ``(class, confidence)`` pair; a vectorized LF
returns one vote per row, or a ``(votes, confidences)`` pair of arrays. Confidences lie in
(0, 1] (:mod:`weaklabel._votes.confidence`); an abstain's confidence is ignored.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from weaklabel._lfs.lf import LabelingFunction
from weaklabel._votes.confidence import FULL_CONFIDENCE, describe_bad_confidence
from weaklabel._votes.encoding import ABSTAIN, MAX_CARDINALITY
from weaklabel.exceptions import LabelingFunctionError

__all__ = ["FAILED", "LFOutputs"]

#: internal marker of a row where the LF raised (counted as a failure, then abstains)
FAILED = -(2**31)
#: largest class index a vote may have when the number of classes is not given
_MAX_CLASS = MAX_CARDINALITY - 1


class LFOutputs:
    """Reads LF outputs for a run with ``cardinality`` classes (any class index when None)."""

    def __init__(self, cardinality: int | None, class_names: tuple[str, ...] | None) -> None:
        self.cardinality = cardinality
        self.class_names = class_names

    def row_votes(
        self, lf: LabelingFunction, raw: list[Any], row_ids: list[Any]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The votes of a row LF's outputs ``raw``, and their confidences when it gave any."""
        confidences = None
        if set(map(type, raw)) - {int}:  # a C-speed check of the common case
            pairs = [isinstance(v, tuple | list) for v in raw]
            if any(pairs):
                confidences = np.full(len(raw), FULL_CONFIDENCE, dtype=np.float32)
                for i in np.flatnonzero(pairs):
                    raw[i], confidences[i] = self._pair(lf, raw[i], row_ids[i])
            raw = [self._coerce(lf, v, row_ids[i]) for i, v in enumerate(raw)]
        votes = np.array(raw, dtype=np.int64)
        self._check_range(lf, votes, raw, row_ids)
        return votes, confidences

    def vector_votes(
        self, lf: LabelingFunction, out: Any, n: int, row_ids: list[Any]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The votes of a vectorized LF's output ``out`` for ``n`` rows, and its confidences."""
        confidences = None
        if isinstance(out, tuple) and len(out) == 2 and all(np.ndim(a) == 1 for a in out):
            out, confidences = out
        votes = self._vector(lf, out, n, row_ids)
        self._check_range(lf, votes, votes, row_ids)
        if confidences is not None:
            confidences = self._vector_confidences(lf, confidences, votes, row_ids)
        return votes, confidences

    # -- one output -----------------------------------------------------------------------------

    def _pair(self, lf: LabelingFunction, value: Any, row_id: Any) -> tuple[Any, float]:
        if len(value) != 2:
            raise LabelingFunctionError(
                f"Labeling function {lf.name!r} returned {value!r} on row {row_id!r}; a vote with "
                "a confidence is a pair (class, confidence), e.g. (1, 0.8).",
                lf_name=lf.name,
                row_id=row_id,
            )
        label, confidence = value
        if label == ABSTAIN and not isinstance(label, bool):
            return ABSTAIN, FULL_CONFIDENCE
        why = describe_bad_confidence(confidence)
        if why is not None:
            self._bad_confidence(lf, value, row_id, why)
        return label, float(confidence)

    def _vector(self, lf: LabelingFunction, out: Any, n: int, row_ids: list[Any]) -> np.ndarray:
        array = np.asarray(out)
        if array.shape != (n,):
            raise LabelingFunctionError(
                f"Vectorized labeling function {lf.name!r} returned an array of shape "
                f"{array.shape} for a chunk of {n} rows (rows {_span(row_ids)}); return one vote "
                "per row, e.g. np.where(mask, LABEL, ABSTAIN), or a pair (votes, confidences).",
                lf_name=lf.name,
            )
        if array.dtype.kind in "iu":
            return array.astype(np.int64)
        if array.dtype.kind == "f":
            integral = np.isfinite(array) & (array == np.round(array))
            if integral.all():
                return array.astype(np.int64)
            i = int(np.flatnonzero(~integral)[0])
            self.invalid(lf, array[i].item(), row_ids[i])
        for i, value in enumerate(array.tolist()):
            self._coerce(lf, value, row_ids[i])
        return np.array(array.tolist(), dtype=np.int64)

    def _vector_confidences(
        self, lf: LabelingFunction, confidences: Any, votes: np.ndarray, row_ids: list[Any]
    ) -> np.ndarray:
        array = np.asarray(confidences)
        if array.shape != votes.shape or (array.size and array.dtype.kind not in "fiu"):
            raise LabelingFunctionError(
                f"Vectorized labeling function {lf.name!r} returned confidences of dtype "
                f"{array.dtype} and shape {array.shape} for a chunk of {len(votes)} rows (rows "
                f"{_span(row_ids)}); return one number in (0, 1] per row beside the votes.",
                lf_name=lf.name,
            )
        values = array.astype(np.float64)
        voted = votes != ABSTAIN
        bad = voted & ~((values > 0.0) & (values <= 1.0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            why = describe_bad_confidence(values[i]) or ""
            self._bad_confidence(lf, (int(votes[i]), values[i].item()), row_ids[i], why)
        return np.where(voted, values, FULL_CONFIDENCE).astype(np.float32)

    def _check_range(
        self, lf: LabelingFunction, votes: np.ndarray, raw: Any, row_ids: list[Any]
    ) -> None:
        high = self.cardinality if self.cardinality is not None else _MAX_CLASS + 1
        bad = ((votes < ABSTAIN) & (votes != FAILED)) | (votes >= high)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = raw[i]
            self.invalid(lf, value.item() if isinstance(value, np.generic) else value, row_ids[i])

    def _coerce(self, lf: LabelingFunction, value: Any, row_id: Any) -> int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
            return int(value)
        self.invalid(lf, value, row_id)
        raise AssertionError("unreachable")

    # -- errors ---------------------------------------------------------------------------------

    def _bad_confidence(self, lf: LabelingFunction, value: Any, row_id: Any, why: str) -> None:
        raise LabelingFunctionError(
            f"Labeling function {lf.name!r} returned {value!r} on row {row_id!r}, but {why}. "
            "Return (class, confidence) with a confidence in (0, 1], or ABSTAIN.",
            lf_name=lf.name,
            row_id=row_id,
        )

    def invalid(self, lf: LabelingFunction, value: Any, row_id: Any) -> None:
        """Raise: ``value``, returned by ``lf`` on ``row_id``, is no vote."""
        k, names = self.cardinality, self.class_names
        valid = (
            f"a class index 0..{k - 1} or ABSTAIN (-1)"
            if k is not None
            else "a class index (>= 0) or ABSTAIN (-1)"
        )
        if names:
            valid += " (" + ", ".join(f"{n}={i}" for i, n in enumerate(names)) + ")"
        if value is None:
            why = "did a branch forget to return ABSTAIN?"
        elif isinstance(value, str):
            why = (
                f"return the class index {names.index(value)} for {value!r}."
                if names and value in names
                else "LFs return class indices, not class names."
            )
        elif isinstance(value, bool | np.bool_):
            why = "return a class index, not True/False."
        elif isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
            why = (
                "votes are int class indices, not scores or floats; to say how sure the LF "
                "is, return (class, confidence)."
            )
        elif k is not None and isinstance(value, numbers.Integral):
            why = f"there are {k} classes."
        else:
            why = "votes are int class indices."
        raise LabelingFunctionError(
            f"Labeling function {lf.name!r} returned {value!r} ({type(value).__name__}) on row "
            f"{row_id!r}, but an LF must return {valid}, or (class, confidence); {why}",
            lf_name=lf.name,
            row_id=row_id,
        )


def _span(row_ids: list[Any]) -> str:
    return f"{row_ids[0]!r}..{row_ids[-1]!r}" if row_ids else "none"

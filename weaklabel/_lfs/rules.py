"""The rules behind the vectorized builders: small picklable classes run on a chunk of rows.

Each rule reads one column with Arrow compute (RE2 regular expressions in C++) and returns one
vote per row; :class:`Screen` runs several keyword and regex rules on one column together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from weaklabel._core.columns import missing_column
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.words import WORD_COUNTS
from weaklabel._votes.encoding import ABSTAIN
from weaklabel.exceptions import DataError

__all__ = ["LengthRule", "MatchRule", "Screen", "ThresholdRule", "string_column"]


@dataclass(frozen=True)
class MatchRule:
    column: str
    patterns: tuple[str, ...]
    ignore_case: bool
    label: int

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        return _votes(self._hits(string_column(frame, self.column, "text")), self.label)

    def on_rows(self, frame: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        """The votes on ``frame``, given that it can only fire on ``rows`` (see :class:`Screen`)."""
        votes = np.full(len(frame), ABSTAIN, dtype=np.int64)
        if len(rows):
            strings = string_column(frame, self.column, "text").take(pa.array(rows))
            votes[rows] = _votes(self._hits(strings), self.label)
        return votes

    @property
    def screen(self) -> str:
        """A pattern that matches wherever this rule fires (its first pattern, flags inline)."""
        return f"(?i:{self.patterns[0]})" if self.ignore_case else f"(?:{self.patterns[0]})"

    def _hits(self, strings: pa.Array) -> Any:
        hit = None
        for pattern in self.patterns:
            found = pc.match_substring_regex(strings, pattern, ignore_case=self.ignore_case)
            hit = found if hit is None else pc.and_(hit, found)
        return hit


class Screen:
    """Keyword and regex LFs on one column, screened together: one RE2 pass over a chunk with
    the union of their patterns finds the rows where any of them can fire, and each LF then runs
    on those rows only. The union matches wherever a member does, so the votes are unchanged;
    each pass over a chunk costs about as much as one LF, so with ``n`` members and a share ``f``
    of rows passing, ``1 + n f`` passes replace ``n``.
    """

    #: at most this many LFs, and this many characters of patterns, per screen
    MAX_MEMBERS = 8
    MAX_CHARS = 4000

    def __init__(self, column: str, rules: dict[int, MatchRule]) -> None:
        self.column = column
        self.rules = rules  # LF index -> its rule
        self.pattern = "|".join(rule.screen for rule in rules.values())

    @classmethod
    def plan(cls, lfs: Sequence[LabelingFunction]) -> list[Screen]:
        """Screens for the keyword and regex LFs among ``lfs`` (keyed by index into it)."""
        by_column: dict[str, dict[int, MatchRule]] = {}
        for j, lf in enumerate(lfs):
            if isinstance(lf.func, MatchRule) and not lf.pre and not lf.resources:
                by_column.setdefault(lf.func.column, {})[j] = lf.func
        screens = []
        for column, rules in by_column.items():
            group: dict[int, MatchRule] = {}
            for j, rule in [*rules.items(), (-1, None)]:
                size = sum(len(r.screen) + 1 for r in group.values())
                full = len(group) == cls.MAX_MEMBERS or (
                    rule is not None and size + len(rule.screen) > cls.MAX_CHARS
                )
                if rule is None or full:
                    if len(group) >= 2:
                        screens.append(cls(column, group))
                    group = {}
                if rule is not None:
                    group[j] = rule
        return screens

    def rows(self, frame: pd.DataFrame) -> np.ndarray | None:
        """The rows where a member can fire; None if the screen cannot run (the LFs then run
        on every row, and report any problem with the column themselves)."""
        try:
            hit = pc.match_substring_regex(string_column(frame, self.column, "text"), self.pattern)
        except (DataError, pa.ArrowException):
            return None
        if hit.null_count:
            hit = pc.fill_null(hit, False)
        return np.flatnonzero(hit.to_numpy(zero_copy_only=False))


@dataclass(frozen=True)
class LengthRule:
    column: str
    unit: str
    low: float
    high: float
    label: int

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        strings = string_column(frame, self.column, "text")
        if self.unit == "chars":
            size = np.asarray(pc.utf8_length(strings).to_numpy(zero_copy_only=False))
        else:
            size = WORD_COUNTS.get(strings)
        inside = (size >= self.low) & (size <= self.high)
        if strings.null_count:
            inside &= np.asarray(strings.is_valid().to_numpy(zero_copy_only=False))
        return np.where(inside, self.label, ABSTAIN).astype(np.int64)


@dataclass(frozen=True)
class ThresholdRule:
    column: str
    low: float
    high: float
    label: int

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        if self.column not in frame.columns:
            _missing(frame, self.column)
        try:
            values = pd.to_numeric(frame[self.column], errors="raise").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        except (ValueError, TypeError) as exc:
            raise DataError(
                f"column {self.column!r} must hold numbers for a threshold LF: {exc}"
            ) from None
        with np.errstate(invalid="ignore"):
            inside = (values >= self.low) & (values <= self.high)
        return np.where(inside, self.label, ABSTAIN).astype(np.int64)


def string_column(frame: pd.DataFrame, column: str, what: str) -> pa.Array:
    if column not in frame.columns:
        _missing(frame, column)
    array = pa.array(frame[column], from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    if pa.types.is_null(array.type):
        return pa.array([None] * len(frame), type=pa.string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        raise DataError(
            f"column {column!r} must hold {what} for this LF; it holds {array.type}. Convert it "
            f"with frame[{column!r}].astype(str), or pick the {what} column."
        )
    return array


#: the ASCII bytes that ``str.isspace`` calls whitespace
def _missing(frame: pd.DataFrame, column: str) -> None:
    raise DataError(missing_column(column, frame.columns, hint="Fix the LF's column= argument."))


def _votes(mask: Any, label: int) -> np.ndarray:
    """``label`` where ``mask`` is true, ABSTAIN where it is false or null."""
    if mask.null_count:
        mask = pc.fill_null(mask, False)
    return np.where(mask.to_numpy(zero_copy_only=False), label, ABSTAIN)

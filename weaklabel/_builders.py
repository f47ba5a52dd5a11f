"""Builders of vectorized labeling functions: keywords, regular expressions, lengths, thresholds.

Each builder returns a :class:`LabelingFunction` with ``vectorized=True`` whose work on a chunk of
rows is a few Arrow compute kernels (RE2 regular expressions in C++), with no Python code per row.
Rows where the column is missing (null) abstain.
"""

from __future__ import annotations

import numbers
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from weaklabel._lf import LabelingFunction
from weaklabel._params import check_choice, parameter_error
from weaklabel._votes import ABSTAIN
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["keyword_lf", "length_lf", "regex_lf", "threshold_lf"]

_MODES = ("any", "all")
_UNITS = ("words", "chars")


def keyword_lf(
    name: str,
    keywords: str | Sequence[str],
    label: int,
    *,
    column: str = "text",
    mode: str = "any",
    case_sensitive: bool = False,
    whole_words: bool = True,
) -> LabelingFunction:
    """An LF that votes ``label`` when ``column`` contains any (or all) of ``keywords``.

    Parameters
    ----------
    name : str
    keywords : str or sequence of str
        Words or phrases, matched literally.
    label : int
        The class index to vote.
    column : str
        The text column.
    mode : {"any", "all"}
        Vote when any keyword occurs, or only when all do.
    case_sensitive : bool
        Match case exactly (by default "Free" matches "free").
    whole_words : bool
        Match only whole words ("sub" does not match "subway").

    Examples
    --------
    >>> from weaklabel import keyword_lf
    >>> lf = keyword_lf("promo", ["free", "win money"], 1)
    >>> lf({"text": "Win money now"}), lf({"text": "freedom"})
    (1, -1)
    """
    words = [keywords] if isinstance(keywords, str) else list(keywords)
    owner = f"keyword_lf({name!r})"
    if not words or not all(isinstance(w, str) and w for w in words):
        raise parameter_error("keywords", owner, "a non-empty list of non-empty strings", keywords)
    check_choice("mode", mode, _MODES, owner=owner)
    edge = r"\b" if whole_words else ""
    patterns = [f"{edge}{re.escape(w)}{edge}" for w in words]
    if mode == "any":
        patterns = ["|".join(f"(?:{p})" for p in patterns)]
    rule = _Match(column, tuple(patterns), not case_sensitive, _check_label(label, owner))
    joined = ", ".join(repr(w) for w in words)
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes {label} when {column} contains {mode} of {joined}",
    )


def regex_lf(
    name: str, pattern: str, label: int, *, column: str = "text", case_sensitive: bool = False
) -> LabelingFunction:
    """An LF that votes ``label`` when ``pattern`` (RE2 syntax) matches somewhere in ``column``.

    RE2 is the syntax of Python's ``re`` minus backreferences and look-around; a pattern RE2 cannot
    compile is refused when the LF is built.

    Examples
    --------
    >>> from weaklabel import regex_lf
    >>> lf = regex_lf("link", r"https?://|www\\.", 1)
    >>> lf({"text": "see www.example.com"}), lf({"text": "no link"})
    (1, -1)
    """
    owner = f"regex_lf({name!r})"
    if not isinstance(pattern, str) or not pattern:
        raise parameter_error("pattern", owner, "a non-empty regular expression", pattern)
    try:
        pc.match_substring_regex(pa.array(["probe"]), pattern, ignore_case=not case_sensitive)
    except pa.ArrowInvalid as exc:
        raise ParameterError(
            f"The 'pattern' parameter of {owner} must be an RE2 regular expression (no "
            f"backreferences or look-around). Got {pattern!r}: {exc}"
        ) from None
    rule = _Match(column, (pattern,), not case_sensitive, _check_label(label, owner))
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes {label} when {column} matches {pattern!r}",
    )


def length_lf(
    name: str,
    label: int,
    *,
    column: str = "text",
    unit: str = "words",
    min: int | None = None,
    max: int | None = None,
) -> LabelingFunction:
    """An LF that votes ``label`` when ``column`` has between ``min`` and ``max`` words (or chars).

    Examples
    --------
    >>> from weaklabel import length_lf
    >>> lf = length_lf("short", 0, max=3)
    >>> lf({"text": "so  good"}), lf({"text": "this one is long enough"})
    (0, -1)
    """
    owner = f"length_lf({name!r})"
    check_choice("unit", unit, _UNITS, owner=owner)
    low, high = _check_bounds(min, max, owner)
    rule = _Length(column, unit, low, high, _check_label(label, owner))
    bounds = _describe_bounds(low, high)
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes {label} when {column} has {bounds} {unit}",
    )


def threshold_lf(
    name: str,
    label: int,
    *,
    column: str,
    min: float | None = None,
    max: float | None = None,
) -> LabelingFunction:
    """An LF that votes ``label`` when the number in ``column`` lies between ``min`` and ``max``.

    Examples
    --------
    >>> from weaklabel import threshold_lf
    >>> lf = threshold_lf("many_links", 1, column="n_links", min=2)
    >>> lf({"n_links": 3}), lf({"n_links": 0})
    (1, -1)
    """
    owner = f"threshold_lf({name!r})"
    low, high = _check_bounds(min, max, owner)
    rule = _Threshold(column, low, high, _check_label(label, owner))
    bounds = _describe_bounds(low, high)
    return LabelingFunction(
        rule, name=name, vectorized=True, description=f"votes {label} when {column} is {bounds}"
    )


# -- the rules (small classes, so that LFs pickle for worker processes) --------------------------


@dataclass(frozen=True)
class _Match:
    column: str
    patterns: tuple[str, ...]
    ignore_case: bool
    label: int

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        return _votes(self._hits(_strings(frame, self.column, "text")), self.label)

    def on_rows(self, frame: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        """The votes on ``frame``, given that it can only fire on ``rows`` (see :class:`Screen`)."""
        votes = np.full(len(frame), ABSTAIN, dtype=np.int64)
        if len(rows):
            strings = _strings(frame, self.column, "text").take(pa.array(rows))
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

    def __init__(self, column: str, rules: dict[int, _Match]) -> None:
        self.column = column
        self.rules = rules  # LF index -> its rule
        self.pattern = "|".join(rule.screen for rule in rules.values())

    @classmethod
    def plan(cls, lfs: Sequence[LabelingFunction]) -> list[Screen]:
        """Screens for the keyword and regex LFs among ``lfs`` (keyed by index into it)."""
        by_column: dict[str, dict[int, _Match]] = {}
        for j, lf in enumerate(lfs):
            if isinstance(lf.func, _Match) and not lf.pre and not lf.resources:
                by_column.setdefault(lf.func.column, {})[j] = lf.func
        screens = []
        for column, rules in by_column.items():
            group: dict[int, _Match] = {}
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
            hit = pc.match_substring_regex(_strings(frame, self.column, "text"), self.pattern)
        except (DataError, pa.ArrowException):
            return None
        if hit.null_count:
            hit = pc.fill_null(hit, False)
        return np.flatnonzero(hit.to_numpy(zero_copy_only=False))


@dataclass(frozen=True)
class _Length:
    column: str
    unit: str
    low: float
    high: float
    label: int

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        strings = _strings(frame, self.column, "text")
        if self.unit == "chars":
            size = np.asarray(pc.utf8_length(strings).to_numpy(zero_copy_only=False))
        else:
            size = _WORD_COUNTS.get(strings)
        inside = (size >= self.low) & (size <= self.high)
        if strings.null_count:
            inside &= np.asarray(strings.is_valid().to_numpy(zero_copy_only=False))
        return np.where(inside, self.label, ABSTAIN).astype(np.int64)


@dataclass(frozen=True)
class _Threshold:
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


def _strings(frame: pd.DataFrame, column: str, what: str) -> pa.Array:
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
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True


def _word_counts(strings: pa.Array) -> np.ndarray:
    """``len(s.split())`` of every string, from the UTF-8 bytes (null rows count 0).

    A word starts at a non-space byte that follows a space or begins the string; spaces are what
    ``str.isspace`` says, including the multi-byte ones (U+0085, U+00A0, U+1680, U+2000-U+200A,
    U+2028, U+2029, U+202F, U+205F, U+3000), which RE2's ``\\s`` misses.
    """
    n = len(strings)
    _, offsets_buffer, data_buffer = strings.buffers()
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    raw = np.frombuffer(offsets_buffer, dtype=width)[strings.offset : strings.offset + n + 1]
    if data_buffer is None or raw[-1] == raw[0]:
        return np.zeros(n, dtype=np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8)[int(raw[0]) : int(raw[-1])]
    offsets: np.ndarray = raw.astype(np.int64) - int(raw[0])
    space = _ASCII_SPACE[data]
    lead = np.flatnonzero(data >= 0xC2)
    if len(lead):
        last = len(data) - 1
        b0, b1, b2 = data[lead], data[np.minimum(lead + 1, last)], data[np.minimum(lead + 2, last)]
        two = (b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0))
        e2_80 = (b0 == 0xE2) & (b1 == 0x80)
        three = (
            ((b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80))
            | (e2_80 & (((b2 >= 0x80) & (b2 <= 0x8A)) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF)))
            | ((b0 == 0xE2) & (b1 == 0x81) & (b2 == 0x9F))
            | ((b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80))
        )
        for width_, which in ((2, two), (3, three)):
            for k in range(width_):
                space[lead[which] + k] = True
    start = ~space
    start[1:] &= space[:-1]
    firsts = offsets[:-1][offsets[:-1] < offsets[1:]]
    start[firsts] = ~space[firsts]
    return np.diff(np.searchsorted(np.flatnonzero(start), offsets))


class _LastWordCounts(threading.local):
    """The word counts of the last array seen, per thread: length LFs on one chunk count once.

    It holds the array itself, so the buffers it is keyed by stay alive and their addresses cannot
    be reused by another array while the entry exists.
    """

    def __init__(self) -> None:
        self.array: pa.Array | None = None
        self.counts = np.zeros(0, dtype=np.int64)

    def get(self, strings: pa.Array) -> np.ndarray:
        if self.array is None or not _same_array(self.array, strings):
            self.counts = _word_counts(strings)
            self.array = strings
        return self.counts


def _same_array(a: pa.Array, b: pa.Array) -> bool:
    if a is b:
        return True
    if a.type != b.type or len(a) != len(b) or a.offset != b.offset:
        return False
    return [x.address if x else 0 for x in a.buffers()] == [
        x.address if x else 0 for x in b.buffers()
    ]


_WORD_COUNTS = _LastWordCounts()


def _missing(frame: pd.DataFrame, column: str) -> None:
    raise DataError(
        f"the LF reads the column {column!r}, which the data lacks; columns: "
        f"{', '.join(map(str, frame.columns))}."
    )


def _votes(mask: Any, label: int) -> np.ndarray:
    """``label`` where ``mask`` is true, ABSTAIN where it is false or null."""
    if mask.null_count:
        mask = pc.fill_null(mask, False)
    return np.where(mask.to_numpy(zero_copy_only=False), label, ABSTAIN)


def _check_label(label: object, owner: str) -> int:
    if not isinstance(label, numbers.Integral) or isinstance(label, bool) or int(label) < 0:
        raise parameter_error(
            "label",
            owner,
            "a class index (an int >= 0)",
            label,
            "Use the class's index, not its name.",
        )
    return int(label)


def _check_bounds(low: object, high: object, owner: str) -> tuple[float, float]:
    if low is None and high is None:
        raise ParameterError(f"{owner} needs 'min', 'max' or both.")
    values = []
    for name, value, default in (("min", low, -np.inf), ("max", high, np.inf)):
        if value is None:
            values.append(default)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            values.append(float(value))
        else:
            raise parameter_error(name, owner, "a number or None", value)
    if values[0] > values[1]:
        raise parameter_error("min", owner, f"at most max ({high})", low)
    return values[0], values[1]


def _describe_bounds(low: float, high: float) -> str:
    if np.isinf(low):
        return f"at most {high:g}"
    if np.isinf(high):
        return f"at least {low:g}"
    return f"{low:g} to {high:g}"

"""Builders of vectorized labeling functions: keywords, regular expressions, lengths, thresholds.

Each builder returns a :class:`LabelingFunction` with ``vectorized=True`` whose work on a chunk of
rows is a few Arrow compute kernels (RE2 regular expressions in C++), with no Python code per row.
Rows where the column is missing (null) abstain.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from weaklabel._core.params import check_choice, parameter_error
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.rules import LengthRule, MatchRule, ThresholdRule
from weaklabel.exceptions import ParameterError

__all__ = ["check_label", "keyword_lf", "length_lf", "regex_lf", "threshold_lf"]

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
    rule = MatchRule(column, tuple(patterns), not case_sensitive, check_label(label, owner))
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
    rule = MatchRule(column, (pattern,), not case_sensitive, check_label(label, owner))
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
    rule = LengthRule(column, unit, low, high, check_label(label, owner))
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
    rule = ThresholdRule(column, low, high, check_label(label, owner))
    bounds = _describe_bounds(low, high)
    return LabelingFunction(
        rule, name=name, vectorized=True, description=f"votes {label} when {column} is {bounds}"
    )


def check_label(label: object, owner: str) -> int:
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

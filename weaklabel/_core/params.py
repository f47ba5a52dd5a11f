"""Checking arguments: parameter constraints, declared once, and the one template for their errors.

"The 'tol' parameter of DawidSkene must be a float > 0. Got -1 instead."

Estimators declare ``_parameter_constraints`` (name -> list of accepted forms, as scikit-learn
does) and :func:`validate_params` checks them all; functions check single arguments with
:func:`check_int`, :func:`check_float` and :func:`check_choice`, which use the same constraints.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weaklabel.exceptions import ParameterError

__all__ = [
    "Interval",
    "Options",
    "check_choice",
    "check_float",
    "check_int",
    "closest",
    "parameter_error",
    "validate_params",
]

#: A bound of an :class:`Interval`: a number, or (text, function of the other parameters).
Bound = float | tuple[str, Callable[[Mapping[str, Any]], float]] | None


def parameter_error(
    name: str, owner: str, rule: str, value: object, hint: str = ""
) -> ParameterError:
    """Build the error for parameter ``name`` of ``owner`` that breaks ``rule``."""
    message = f"The {name!r} parameter of {owner} must be {rule}. Got {value!r} instead."
    if hint:
        message += f" {hint}"
    return ParameterError(message)


def closest(value: str, options: Iterable[str]) -> str | None:
    """The option that ``value`` most likely misspells, or None."""
    matches = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True)
class Interval:
    """A number (``int`` or ``float``) between two bounds; either bound may be absent.

    A bound may depend on the other parameters, as ``(text, function of the parameters)``:
    ``("1/cardinality", lambda p: 1 / p["cardinality"])``.

    Examples
    --------
    >>> from weaklabel._core.params import Interval
    >>> Interval(float, 0, None, closed="neither").describe({})
    'a float > 0'
    >>> Interval(int, 1, None).accepts(0, {})
    False
    """

    kind: type
    low: Bound = None
    high: Bound = None
    closed: str = "both"  # "both", "left", "right" or "neither"

    def accepts(self, value: object, params: Mapping[str, Any]) -> bool:
        if isinstance(value, bool) or not isinstance(
            value, numbers.Integral if self.kind is int else numbers.Real
        ):
            return False
        x = float(value)
        if not math.isfinite(x):
            return False
        low, high = _bound(self.low, params), _bound(self.high, params)
        if low is not None and (x < low or (x == low and self.closed in ("right", "neither"))):
            return False
        return not (
            high is not None and (x > high or (x == high and self.closed in ("left", "neither")))
        )

    def describe(self, params: Mapping[str, Any]) -> str:
        name = "an int" if self.kind is int else "a float"
        parts = []
        if self.low is not None:
            parts.append(
                f"{'>' if self.closed in ('right', 'neither') else '>='} {_text(self.low)}"
            )
        if self.high is not None:
            parts.append(
                f"{'<' if self.closed in ('left', 'neither') else '<='} {_text(self.high)}"
            )
        return name + (" " + " and ".join(parts) if parts else "")


@dataclass(frozen=True)
class Options:
    """One of a closed set of strings."""

    values: tuple[str, ...]

    def accepts(self, value: object, params: Mapping[str, Any]) -> bool:
        return isinstance(value, str) and value in self.values

    def describe(self, params: Mapping[str, Any]) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class Boolean:
    """``True`` or ``False``."""

    def accepts(self, value: object, params: Mapping[str, Any]) -> bool:
        return isinstance(value, bool)

    def describe(self, params: Mapping[str, Any]) -> str:
        return "a bool"


@dataclass(frozen=True)
class Check:
    """Any value ``test`` accepts, described by ``text`` (for forms the others do not cover)."""

    text: str
    test: Callable[[object], bool]

    def accepts(self, value: object, params: Mapping[str, Any]) -> bool:
        return self.test(value)

    def describe(self, params: Mapping[str, Any]) -> str:
        return self.text


Constraint = Interval | Options | Boolean | Check | None


def validate_params(
    params: Mapping[str, Any], constraints: Mapping[str, Sequence[Constraint]], *, owner: str
) -> None:
    """Check every parameter named in ``constraints`` against its accepted forms.

    A parameter passes when any form accepts it; ``None`` in the list accepts ``None``. The error
    lists every form, and guesses the option a misspelt string meant.

    Examples
    --------
    >>> from weaklabel._core.params import Interval, Options, validate_params
    >>> rules = {"tol": [Interval(float, 0, None, closed="neither")], "init": [Options(("a", "b"))]}
    >>> validate_params({"tol": 1e-3, "init": "a"}, rules, owner="Model")
    >>> validate_params({"tol": -1, "init": "a"}, rules, owner="Model")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'tol' parameter of Model must be a float > 0. Got -1
    instead.
    """
    for name, forms in constraints.items():
        value = params[name]
        if any((value is None) if form is None else form.accepts(value, params) for form in forms):
            continue
        rules = [("None" if form is None else form.describe(params)) for form in forms]
        options = [v for form in forms if isinstance(form, Options) for v in form.values]
        guess = closest(str(value), options) if options and isinstance(value, str) else None
        hint = f"Did you mean {guess!r}?" if guess else ""
        raise parameter_error(name, owner, " or ".join(rules), value, hint)


def check_choice(name: str, value: object, options: Sequence[str], *, owner: str) -> str:
    """Return ``value`` if it is one of ``options``, else raise a ParameterError listing them."""
    validate_params({name: value}, {name: [Options(tuple(options))]}, owner=owner)
    return str(value)


def check_int(name: str, value: object, *, owner: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int, checking it is an integer ``>= minimum``."""
    validate_params({name: value}, {name: [Interval(int, minimum, None)]}, owner=owner)
    return int(value)  # type: ignore[call-overload]


def check_float(
    name: str,
    value: object,
    *,
    owner: str,
    minimum: float | None = None,
    exclusive_minimum: bool = False,
    maximum: float | None = None,
) -> float:
    """Return ``value`` as a finite float within the given bounds."""
    closed = "right" if exclusive_minimum else "both"
    validate_params(
        {name: value}, {name: [Interval(float, minimum, maximum, closed=closed)]}, owner=owner
    )
    return float(value)  # type: ignore[arg-type]


def _bound(bound: Bound, params: Mapping[str, Any]) -> float | None:
    if bound is None or isinstance(bound, int | float):
        return bound
    return bound[1](params)


def _text(bound: Bound) -> str:
    return bound[0] if isinstance(bound, tuple) else f"{bound:g}"

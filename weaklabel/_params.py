"""Checking arguments: the one template for parameter errors.

"The 'tol' parameter of DawidSkene must be a float > 0. Got -1 instead."
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence

from weaklabel.exceptions import ParameterError

__all__ = ["check_choice", "check_float", "check_int", "closest", "parameter_error"]


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
    import difflib

    matches = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def check_choice(name: str, value: object, options: Sequence[str], *, owner: str) -> str:
    """Return ``value`` if it is one of ``options``, else raise a ParameterError listing them."""
    if isinstance(value, str) and value in options:
        return value
    listed = ", ".join(repr(o) for o in options)
    guess = closest(str(value), options)
    hint = f"Did you mean {guess!r}?" if guess else ""
    raise parameter_error(name, owner, f"one of {listed}", value, hint)


def check_int(name: str, value: object, *, owner: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int, checking it is an integer ``>= minimum``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        rule = "an int" if minimum is None else f"an int >= {minimum}"
        raise parameter_error(name, owner, rule, value)
    if minimum is not None and int(value) < minimum:
        raise parameter_error(name, owner, f"an int >= {minimum}", value)
    return int(value)


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
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if exclusive_minimum else '>='} {minimum}")
    if maximum is not None:
        parts.append(f"<= {maximum}")
    rule = "a float" + (" " + " and ".join(parts) if parts else "")
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise parameter_error(name, owner, rule, value)
    result = float(value)
    too_low = minimum is not None and (result <= minimum if exclusive_minimum else result < minimum)
    too_high = maximum is not None and result > maximum
    if not math.isfinite(result) or too_low or too_high:
        raise parameter_error(name, owner, rule, value)
    return result

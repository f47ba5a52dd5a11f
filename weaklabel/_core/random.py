"""Turning a ``random_state`` argument into a generator: the one place randomness starts."""

from __future__ import annotations

import numbers

import numpy as np

from weaklabel._core.params import Check, Constraint
from weaklabel.exceptions import ParameterError

__all__ = ["RANDOM_STATE", "RandomState", "check_random_state"]

RandomState = int | np.random.Generator | None


def _is_seed(value: object) -> bool:
    if isinstance(value, np.random.Generator):
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= 0


#: The accepted forms of a ``random_state`` parameter, for ``_parameter_constraints``.
RANDOM_STATE: list[Constraint] = [Check("a non-negative int, a numpy Generator", _is_seed), None]


def check_random_state(
    random_state: RandomState, *, owner: str = "random_state"
) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``random_state``.

    ``None`` gives a fixed seed (0) so that results never depend on global state; an int seeds a new
    generator; a generator is returned as is.

    Examples
    --------
    >>> from weaklabel._core.random import check_random_state
    >>> a = check_random_state(3).integers(100)
    >>> b = check_random_state(3).integers(100)
    >>> bool(a == b)
    True
    """
    if random_state is None:
        return np.random.default_rng(0)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if int(random_state) < 0:
            raise ParameterError(
                f"The 'random_state' parameter of {owner} must be a non-negative int, a "
                f"numpy Generator or None. Got {random_state!r} instead."
            )
        return np.random.default_rng(int(random_state))
    raise ParameterError(
        f"The 'random_state' parameter of {owner} must be a non-negative int, a numpy "
        f"Generator or None. Got {random_state!r} ({type(random_state).__name__}) instead."
    )

"""Turning a ``random_state`` argument into a generator: the one place randomness starts."""

from __future__ import annotations

import numbers

import numpy as np

from weaklabel.exceptions import ParameterError

__all__ = ["RandomState", "check_random_state"]

RandomState = int | np.random.Generator | None


def check_random_state(
    random_state: RandomState, *, owner: str = "random_state"
) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``random_state``.

    ``None`` gives a fixed seed (0) so that results never depend on global state; an int seeds a new
    generator; a generator is returned as is.

    Examples
    --------
    >>> from weaklabel._random import check_random_state
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

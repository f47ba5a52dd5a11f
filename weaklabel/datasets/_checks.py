"""Argument checks shared by the synthetic vote generators: class balances and accuracy ranges."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import parameter_error

__all__ = ["check_balance", "check_range", "one_sided_limit", "zipf_balance"]


def zipf_balance(k: int, exponent: float) -> np.ndarray:
    """Class ``c`` gets a share proportional to ``1 / (c + 1) ** exponent``: a few large classes
    and a tail of small ones.

    Examples
    --------
    >>> from weaklabel.datasets._checks import zipf_balance
    >>> zipf_balance(3, 1.0).round(3).tolist()
    [0.545, 0.273, 0.182]
    """
    shares = 1.0 / np.arange(1, k + 1, dtype=np.float64) ** exponent
    return shares / shares.sum()


def check_balance(class_balance: Any, k: int, owner: str, *, default: np.ndarray) -> np.ndarray:
    """``class_balance`` as ``k`` probabilities summing to 1 (``default`` when None)."""
    if class_balance is None:
        return default
    try:
        balance = np.asarray(class_balance, dtype=np.float64)
    except (TypeError, ValueError):
        balance = np.zeros(0)
    if (
        balance.shape != (k,)
        or not np.isfinite(balance).all()
        or (balance < 0).any()
        or not np.isclose(balance.sum(), 1.0)
    ):
        raise parameter_error(
            "class_balance", owner, f"{k} probabilities summing to 1 (one per class)", class_balance
        )
    return balance


def check_range(
    name: str, value: Any, owner: str, *, low: float = 0.0, high: float = 1.0
) -> tuple[float, float]:
    """``value`` as a ``(lo, hi)`` pair with ``low <= lo <= hi <= high``.

    Examples
    --------
    >>> from weaklabel.datasets._checks import check_range
    >>> check_range("accuracy", (0.6, 0.9), "f")
    (0.6, 0.9)
    >>> check_range("accuracy", (0.9, 0.6), "f")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'accuracy' parameter of f must be a pair (lo, hi) with
    0 <= lo <= hi <= 1. Got (0.9, 0.6) instead.
    """
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        lo, hi = np.nan, np.nan
    if not (low <= lo <= hi <= high):
        raise parameter_error(
            name, owner, f"a pair (lo, hi) with {low:g} <= lo <= hi <= {high:g}", value
        )
    return lo, hi


def one_sided_limit(balance: np.ndarray, poles: np.ndarray, lo: float, hi: float) -> float:
    """The largest share of rows every one-sided LF may fire on, for accuracies in ``[lo, hi]``.

    A one-sided LF of accuracy ``a`` voting class ``c`` (share ``p_c``) that fires on a share
    ``cov`` of the rows fires on ``cov * a / p_c`` of its class's rows and on
    ``cov * (1 - a) / (1 - p_c)`` of the others; both must stay at most 1.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.datasets._checks import one_sided_limit
    >>> one_sided_limit(np.array([0.5, 0.5]), np.array([0, 1]), 0.6, 0.8)
    0.625
    """
    share = balance[poles]
    limit = np.minimum(share / max(hi, 1e-12), (1 - share) / max(1 - lo, 1e-12))
    return float(limit.min())

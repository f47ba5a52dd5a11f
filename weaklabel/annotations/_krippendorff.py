"""Krippendorff's alpha for nominal labels, missing labels allowed, with a bootstrap interval.

From the coincidence matrix (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011):
an item ``u`` labeled by ``m[u] >= 2`` annotators adds ``n[u,c] n[u,k] / (m[u] - 1)`` to
``o[c,k]`` for ``c != k`` and ``n[u,c] (n[u,c] - 1) / (m[u] - 1)`` to ``o[c,c]``; items with one
label are not pairable and count for nothing. With ``n_c = sum_k o[c,k] = sum_u n[u,c]`` and
``n = sum_c n_c``, the nominal alpha is

    alpha = ((n - 1) sum_c o[c,c] - sum_c n_c (n_c - 1)) / (n (n - 1) - sum_c n_c (n_c - 1))

so only the per-item counts are needed. The interval resamples the pairable items with
replacement (a nonparametric bootstrap over items) and takes the percentiles of alpha.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from weaklabel._core.params import Interval, check_int, validate_params
from weaklabel._core.random import RandomState, check_random_state
from weaklabel.annotations._codes import class_counts, paired_codes
from weaklabel.exceptions import DataError

if TYPE_CHECKING:
    from weaklabel.annotations._table import Annotations

__all__ = [
    "AlphaInterval",
    "alpha_from_counts",
    "krippendorff_alpha",
    "krippendorff_alpha_interval",
]


def alpha_from_counts(counts: Any, m: np.ndarray) -> float:
    """Nominal alpha from items x classes counts and labels per item (NaN if undefined)."""
    a, n, n_c = _sums(counts, m, None)
    return float(_alpha(a, n, n_c))


def _pairable(counts: Any, m: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    """Counts, labels per item and ``sum_c n[u,c](n[u,c]-1)/(m[u]-1)`` of the pairable items."""
    keep = m >= 2
    counts = counts[keep]
    m = np.asarray(m, dtype=np.float64)[keep]
    if sp.issparse(counts):
        csr = sp.csr_matrix(counts)  # type: ignore[call-overload]
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        data = csr.data.astype(np.float64)
        within = np.bincount(rows, weights=data * (data - 1), minlength=csr.shape[0])
    else:
        dense = np.asarray(counts, dtype=np.float64)
        within = (dense * (dense - 1)).sum(axis=1)
    return counts, m, within / (m - 1)


def _sums(counts: Any, m: np.ndarray, weights: np.ndarray | None) -> tuple[Any, Any, Any]:
    counts, m, per_item = _pairable(counts, m)
    if weights is None:
        return per_item.sum(), m.sum(), np.asarray(counts.sum(axis=0), np.float64).ravel()
    # weights: draws x items (how often each item was drawn)
    n_c = np.asarray((counts.T @ weights.T).T, dtype=np.float64)
    return weights @ per_item, weights @ m, n_c


def _alpha(a: Any, n: Any, n_c: np.ndarray) -> Any:
    same = (n_c * (n_c - 1)).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = ((n - 1) * a - same) / (n * (n - 1) - same)
    denominator = n * (n - 1) - same
    return np.where(np.abs(denominator) > 1e-9, alpha, np.nan)


def _patterns(counts: sp.csr_matrix, m: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    """The distinct count rows, their sizes and how many items have each.

    Alpha depends on the items only through their count rows, so drawing items with replacement
    is drawing rows with probabilities ``freq / n_items``: one multinomial draw per resample,
    over a few patterns (21 for 5 annotators and 3 classes) instead of every item.
    """
    if counts.shape[0] * counts.shape[1] > 20_000_000:  # too wide to compare rows densely
        return counts, m, np.ones(len(m), dtype=np.int64)
    unique, freq = np.unique(counts.toarray(), axis=0, return_counts=True)
    return unique, unique.sum(axis=1), freq


def _counts(ann: Annotations, owner: str) -> tuple[sp.csr_matrix, np.ndarray]:
    codes = paired_codes(ann, owner)
    return class_counts(codes), codes.per_item()


def _undefined(owner: str) -> DataError:
    return DataError(
        f"{owner}: every label on the items with two or more labels is the same class, so there "
        "is no variation to agree on and alpha is undefined (0/0)."
    )


def krippendorff_alpha(ann: Annotations) -> float:
    """Krippendorff's alpha for nominal labels; missing labels allowed.

    Items with a single label are not pairable and leave alpha unchanged.

    Examples
    --------
    Krippendorff's (2011) nominal example: 4 coders, 12 units, missing values.

    >>> import numpy as np, pandas as pd
    >>> from weaklabel.annotations import Annotations, krippendorff_alpha
    >>> table = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...          [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...          [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...          [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> rows = [(u, f"coder{c}", v) for c, line in enumerate(table)
    ...         for u, v in enumerate(line) if v is not None]
    >>> ann = Annotations.from_frame(pd.DataFrame(rows, columns=["item", "annotator", "label"]))
    >>> round(krippendorff_alpha(ann), 3)
    0.743
    """
    counts, m = _counts(ann, "krippendorff_alpha")
    alpha = alpha_from_counts(counts, m)
    if np.isnan(alpha):
        raise _undefined("krippendorff_alpha")
    return alpha


@dataclass(frozen=True)
class AlphaInterval:
    """Krippendorff's alpha with a bootstrap confidence interval ``[low, high]``."""

    alpha: float
    low: float
    high: float
    level: float
    n_boot: int


def krippendorff_alpha_interval(
    ann: Annotations,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: RandomState = None,
) -> AlphaInterval:
    """Krippendorff's alpha and a percentile bootstrap interval over items.

    ``n_boot`` resamples of the pairable items (with replacement), seeded by ``random_state``;
    ``low`` and ``high`` are the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of their
    alphas (resamples where alpha is undefined are left out of the quantiles). Items with the
    same counts per class are interchangeable, so each resample is one multinomial draw over
    the distinct count rows, which is the same distribution as drawing the items.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, krippendorff_alpha_interval
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    ...     "annotator": ["a", "b"] * 5,
    ...     "label": ["x", "x", "y", "y", "x", "y", "y", "y", "x", "x"]}))
    >>> result = krippendorff_alpha_interval(ann, n_boot=200, random_state=0)
    >>> round(result.alpha, 3), result.low <= result.alpha <= result.high
    (0.64, True)
    """
    owner = "krippendorff_alpha_interval"
    n_boot = check_int("n_boot", n_boot, owner=owner, minimum=1)
    validate_params(
        {"level": level}, {"level": [Interval(float, 0, 1, closed="neither")]}, owner=owner
    )
    level = float(level)
    rng = check_random_state(random_state, owner=owner)
    counts, m = _counts(ann, owner)
    alpha = alpha_from_counts(counts, m)
    if np.isnan(alpha):
        raise _undefined(owner)
    keep = m >= 2
    patterns, sizes, freq = _patterns(counts[keep], m[keep])
    units = int(freq.sum())
    shares = freq / units
    batch = max(1, min(n_boot, 4_000_000 // len(freq)))
    draws: list[np.ndarray] = []
    for start in range(0, n_boot, batch):
        b = min(batch, n_boot - start)
        weights = rng.multinomial(units, shares, size=b).astype(np.float64)
        a, n, n_c = _sums(patterns, sizes, weights)
        draws.append(_alpha(a, n, n_c))
    values = np.concatenate(draws)
    values = values[~np.isnan(values)]
    if not len(values):
        raise _undefined(owner)
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return AlphaInterval(
        alpha=alpha, low=float(low), high=float(high), level=float(level), n_boot=n_boot
    )

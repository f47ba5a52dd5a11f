"""Agreement between annotators: percent agreement, Cohen's and Fleiss' kappa, per class.

Textbook definitions, computed from the items x classes counts ``n[u, c]`` (how many annotators
gave item ``u`` class ``c``; ``m[u]`` annotators labeled it) and from the pairs of annotations of
one item, never by a Python loop over annotations:

- percent agreement: over the items with at least two labels, the share of pairs of annotators
  who agree, ``sum_c n[u,c] (n[u,c] - 1) / (m[u] (m[u] - 1))``, averaged with equal weight per
  item (Fleiss' ``P-bar``);
- Cohen's kappa of annotators ``a`` and ``b`` on the items both labeled:
  ``(p_o - p_e) / (1 - p_e)``, with ``p_e`` from each annotator's own class frequencies;
- Fleiss' kappa: every item rated by the same number ``m >= 2`` of annotators;
  ``(P-bar - P_e) / (1 - P_e)`` with ``P_e = sum_c p_c^2`` over the pooled class shares;
- per class: the specific agreement ``sum_u n[u,c] (n[u,c] - 1) / sum_u n[u,c] (m[u] - 1)``
  (of the pairs in which one annotator says ``c``, the share where the other does too) and
  Krippendorff's alpha of ``c`` against the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaklabel._core.params import closest, parameter_error
from weaklabel.annotations._codes import Codes, class_counts, paired_codes, pairs
from weaklabel.annotations._krippendorff import alpha_from_counts
from weaklabel.exceptions import DataError

if TYPE_CHECKING:
    from weaklabel.annotations._table import Annotations

__all__ = [
    "class_agreement",
    "cohen_kappa",
    "cohen_kappa_matrix",
    "fleiss_kappa",
    "percent_agreement",
]


def percent_agreement(ann: Annotations) -> float:
    """The share of agreeing annotator pairs per item, averaged over items with >= 2 labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, percent_agreement
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 1, 2, 2, 3],
    ...     "annotator": ["a", "b", "c", "a", "b", "a"],
    ...     "label": ["x", "x", "y", "y", "y", "x"]}))
    >>> percent_agreement(ann)  # item 1: 1 of 3 pairs agree; item 2: 1 of 1; item 3 alone
    0.6666666666666666
    """
    codes = paired_codes(ann, "percent_agreement")
    counts = class_counts(codes)
    m = codes.per_item()
    rated = m >= 2
    agreeing = _row_sum(counts, lambda n: n * (n - 1))
    return float(np.mean(agreeing[rated] / (m[rated] * (m[rated] - 1))))


def _row_sum(counts: sp.csr_matrix, f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``sum_c f(n[u, c])`` per item, over the stored (non-zero) counts (``f(0)`` must be 0)."""
    values = f(counts.data.astype(np.float64))
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    return np.bincount(rows, weights=values, minlength=counts.shape[0])


def _annotator(codes: Codes, name: object, which: str) -> int:
    text = str(name)
    if text not in codes.annotators:
        guess = closest(text, codes.annotators)
        shown = ", ".join(map(repr, codes.annotators[:10]))
        more = " ..." if len(codes.annotators) > 10 else ""
        hint = f" Did you mean {guess!r}?" if guess else ""
        raise parameter_error(
            which, "cohen_kappa", f"an annotator ({shown}{more})", name, hint.strip()
        )
    return codes.annotators.index(text)


def cohen_kappa(ann: Annotations, a: str, b: str) -> float:
    """Cohen's kappa of annotators ``a`` and ``b`` on the items both labeled.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, cohen_kappa
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 2, 2, 3, 3, 4, 4],
    ...     "annotator": ["a", "b"] * 4,
    ...     "label": ["x", "x", "x", "y", "y", "y", "y", "y"]}))
    >>> cohen_kappa(ann, "a", "b")  # p_o = 0.75, p_e = 0.5
    0.5
    """
    codes = paired_codes(ann, "cohen_kappa")
    i, j = _annotator(codes, a, "a"), _annotator(codes, b, "b")
    if i == j:
        raise parameter_error("b", "cohen_kappa", "an annotator other than 'a'", b)
    k = codes.k
    mine = codes.annotator == i
    theirs = codes.annotator == j
    _, x, y = np.intersect1d(
        codes.item[mine], codes.item[theirs], assume_unique=True, return_indices=True
    )
    if not len(x):
        raise DataError(
            f"cohen_kappa: annotators {a!r} and {b!r} labeled no item in common; kappa is "
            "measured on the items both labeled."
        )
    table = np.bincount(codes.label[mine][x] * k + codes.label[theirs][y], minlength=k * k).reshape(
        k, k
    )
    kappa = _kappa(table.sum(), np.trace(table), table.sum(axis=1), table.sum(axis=0))
    if np.isnan(kappa):
        raise DataError(
            f"cohen_kappa: annotators {a!r} and {b!r} gave one and the same class to all "
            f"{len(x)} items they share, so chance agreement is 1 and kappa is undefined "
            "(0/0)."
        )
    return float(kappa)


def _kappa(n: np.ndarray, agree: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Cohen's kappa from the number of items, the agreements and the two marginals (last axis:
    the classes), elementwise over leading axes; NaN where chance agreement is 1."""
    n = np.asarray(n, dtype=np.float64)
    observed = agree / n
    expected = (np.asarray(rows, np.float64) * cols).sum(axis=-1) / (n * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (observed - expected) / (1.0 - expected)
    return np.where(np.isclose(expected, 1.0, rtol=0, atol=1e-12), np.nan, out)


def cohen_kappa_matrix(ann: Annotations) -> pd.DataFrame:
    """Cohen's kappa of every pair of annotators: a symmetric DataFrame indexed by annotator.

    The diagonal is 1; a pair that shares no item, or whose kappa is undefined (both gave one
    class to every shared item), is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, cohen_kappa_matrix
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 2, 2, 3, 3, 4],
    ...     "annotator": ["a", "b", "a", "b", "a", "b", "c"],
    ...     "label": ["x", "x", "y", "y", "x", "y", "x"]}))
    >>> cohen_kappa_matrix(ann).round(2).values.tolist()  # c shares no item with a or b
    [[1.0, 0.4, nan], [0.4, 1.0, nan], [nan, nan, 1.0]]
    """
    codes = paired_codes(ann, "cohen_kappa_matrix")
    m, k = len(codes.annotators), codes.k
    i, j = pairs(codes)
    a, b = codes.annotator[i], codes.annotator[j]
    la, lb = codes.label[i], codes.label[j]
    swap = a > b
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    la, lb = np.where(swap, lb, la), np.where(swap, la, lb)
    pair_ids, pair = np.unique(a * m + b, return_inverse=True)
    p = len(pair_ids)
    n = np.bincount(pair, minlength=p)
    agree = np.bincount(pair, weights=(la == lb), minlength=p)
    rows = np.bincount(pair * k + la, minlength=p * k).reshape(p, k)
    cols = np.bincount(pair * k + lb, minlength=p * k).reshape(p, k)
    kappa = _kappa(n, agree, rows, cols)
    out = np.full((m, m), np.nan)
    out[pair_ids // m, pair_ids % m] = kappa
    out[pair_ids % m, pair_ids // m] = kappa
    np.fill_diagonal(out, 1.0)
    names = pd.Index(codes.annotators, name="annotator")
    return pd.DataFrame(out, index=names, columns=names)


def fleiss_kappa(ann: Annotations) -> float:
    """Fleiss' kappa, for annotations where every item was rated by the same number of
    annotators (not necessarily the same people).

    Raises
    ------
    DataError
        Items were rated by different numbers of annotators: use
        :func:`krippendorff_alpha`, which allows missing labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, fleiss_kappa
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 2, 2, 3, 3],
    ...     "annotator": ["a", "b", "c", "d", "a", "d"],  # two raters per item, not the same two
    ...     "label": ["x", "x", "y", "y", "x", "y"]}))
    >>> round(fleiss_kappa(ann), 4)
    0.3333
    """
    codes = paired_codes(ann, "fleiss_kappa")
    m = codes.per_item()
    if m.min() != m.max():
        sizes, how_many = np.unique(m, return_counts=True)
        spread = ", ".join(f"{c:,} with {s}" for s, c in zip(sizes[:6], how_many[:6], strict=True))
        raise DataError(
            "fleiss_kappa: Fleiss' kappa needs every item rated by the same number of "
            f"annotators, but items were rated by {m.min()} to {m.max()} ({spread}). Use "
            "krippendorff_alpha, which allows missing labels, or keep the items with as many "
            "annotators each."
        )
    r = float(m[0])
    counts = class_counts(codes)
    agreeing = _row_sum(counts, lambda n: n * (n - 1))
    observed = float(np.mean(agreeing / (r * (r - 1))))
    shares = np.asarray(counts.sum(axis=0)).ravel() / (r * codes.n_items)
    expected = float((shares**2).sum())
    if np.isclose(expected, 1.0, rtol=0, atol=1e-12):
        raise DataError(
            "fleiss_kappa: every label is the same class, so chance agreement is 1 and kappa "
            "is undefined (0/0)."
        )
    return (observed - expected) / (1.0 - expected)


def class_agreement(ann: Annotations) -> pd.DataFrame:
    """Agreement on each class: one row per class with ``class``, ``n_labels`` (labels of that
    class on items with >= 2 labels), ``specific_agreement`` and ``alpha`` (Krippendorff's alpha
    of the class against all others; NaN where undefined).

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, class_agreement
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 2, 2, 3, 3],
    ...     "annotator": ["a", "b"] * 3,
    ...     "label": ["x", "x", "y", "z", "z", "z"]}))
    >>> class_agreement(ann)[["class", "n_labels", "specific_agreement"]].values.tolist()
    [['x', 2, 1.0], ['y', 1, 0.0], ['z', 3, 0.6666666666666666]]
    """
    codes = paired_codes(ann, "class_agreement")
    counts = class_counts(codes)
    m = codes.per_item()
    rated = m >= 2
    dense_rows = counts[rated]
    m_rated = m[rated].astype(np.float64)
    out = []
    for c, name in enumerate(codes.classes):
        n_c = np.asarray(dense_rows[:, c].toarray()).ravel().astype(np.float64)
        pairs_with_c = float((n_c * (m_rated - 1)).sum())
        specific = float((n_c * (n_c - 1)).sum()) / pairs_with_c if pairs_with_c else np.nan
        binary = np.column_stack([n_c, m_rated - n_c])
        out.append(
            {
                "class": name,
                "n_labels": int(n_c.sum()),
                "specific_agreement": specific,
                "alpha": alpha_from_counts(binary, m_rated),
            }
        )
    return pd.DataFrame(out, columns=["class", "n_labels", "specific_agreement", "alpha"])

"""Each row's final label, from the label model and the end model: the policy, in one place.

:func:`combine` takes both models' probabilities and which rows an LF voted on, and returns the
final probabilities with the source of each row. The policies measured by
``benchmarks/endmodel.py`` (see docs/endmodel.md for the figures):

- ``"end-model"`` (the default): the end model's cross-fitted probabilities on every row. It was
  the most accurate on average over the five benchmark sets, by about 1.5 points, because the end
  model, which reads the text, also corrects the label model on rows the LFs did cover (8 and 9
  points on WRENCH youtube and sms); it lost about 1 point on trec, where many LFs cover 95% of
  the rows and the text adds little.
- ``"lf-first"``: the label model on rows with a vote, the end model on the others.
- ``"product"``: on rows with a vote, the normalized product of the two models' probabilities
  (both read as independent evidence); the end model on the others.

``sources`` says where each row's probabilities came from: ``"lf"`` (the label model),
``"end-model"``, or ``"both"`` (the product).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.params import check_choice
from weaklabel._io.labels import LABEL_SOURCES
from weaklabel.endmodel._checks import check_probs
from weaklabel.exceptions import DataError

__all__ = ["DEFAULT_POLICY", "POLICIES", "SOURCES", "combine"]

#: The policies of :func:`combine`; the first is the default.
POLICIES = ("end-model", "lf-first", "product")
DEFAULT_POLICY = POLICIES[0]
#: The values of ``sources`` (the first three of ``labels.jsonl``'s sources; people's labels,
#: ``"gold"``, are set after combining).
SOURCES = tuple(s for s in LABEL_SOURCES if s != "gold")


def combine(
    label_model_probs: Any,
    end_model_probs: Any,
    covered: Any,
    *,
    policy: str = DEFAULT_POLICY,
) -> tuple[np.ndarray, np.ndarray]:
    """The final probabilities of each row and where they came from.

    Parameters
    ----------
    label_model_probs : array-like, n x k
        The label model's probabilities (``predict_proba(votes)``).
    end_model_probs : array-like, n x k
        The end model's, cross-fitted for the rows it was trained on
        (:meth:`EndModel.cross_fit_predict_proba`).
    covered : array-like of bool, n
        Whether at least one LF voted on the row (``votes.votes_per_row() > 0``).
    policy : {"end-model", "lf-first", "product"}, default "end-model"
        See the module's docstring.

    Returns
    -------
    probs : numpy.ndarray
        n x k, rows summing to 1; the final label is ``probs.argmax(axis=1)``, its confidence
        ``probs.max(axis=1)``.
    sources : numpy.ndarray of str
        ``"lf"``, ``"end-model"`` or ``"both"`` per row.

    Examples
    --------
    >>> from weaklabel.endmodel import combine
    >>> lm = [[0.9, 0.1], [0.5, 0.5]]
    >>> end = [[0.6, 0.4], [0.2, 0.8]]
    >>> probs, sources = combine(lm, end, [True, False], policy="lf-first")
    >>> probs.tolist(), sources.tolist()
    ([[0.9, 0.1], [0.2, 0.8]], ['lf', 'end-model'])
    >>> combine(lm, end, [True, False])[1].tolist()  # the default: the end model everywhere
    ['end-model', 'end-model']
    """
    check_choice("policy", policy, POLICIES, owner="combine")
    end = check_probs(end_model_probs, len(np.asarray(end_model_probs)), owner="combine",
                      name="end_model_probs")  # fmt: skip
    label = check_probs(label_model_probs, len(end), owner="combine", name="label_model_probs")
    if label.shape != end.shape:
        raise DataError(
            f"The 'label_model_probs' ({label.shape}) and 'end_model_probs' ({end.shape}) "
            "arguments of combine must have the same shape: one row per row, one column per "
            "class, in the same order."
        )
    mask = _covered(covered, len(end))
    sources = np.full(len(end), "end-model", dtype=object)
    if policy == "end-model":
        return end.copy(), sources
    if policy == "lf-first":
        probs = np.where(mask[:, None], label, end)
        sources[mask] = "lf"
        return probs, sources
    product = label * end
    total = product.sum(axis=1, keepdims=True)
    product = np.divide(product, total, out=end.copy(), where=total > 0)  # disjoint: end model
    probs = np.where(mask[:, None], product, end)
    sources[mask & (total[:, 0] > 0)] = "both"
    sources[mask & (total[:, 0] <= 0)] = "end-model"
    return probs, sources


def _covered(covered: Any, n_rows: int) -> np.ndarray:
    mask = np.asarray(covered)
    if mask.shape != (n_rows,) or mask.dtype != np.bool_:
        raise DataError(
            f"The 'covered' argument of combine must be {n_rows:,} booleans, one per row (True "
            f"where an LF voted: votes.votes_per_row() > 0); got dtype {mask.dtype}, shape "
            f"{mask.shape}."
        )
    return mask

"""The tie policy: how ``predict`` turns probabilities into one class when several share the top.

The one place that decides ties, for every model:

- ``"prior"`` (default): among the tied classes, the one with the larger learned class balance
  (``class_balance_``); if that ties too, the lowest class index.
- ``"lowest"``: the lowest tied class index.
- ``"random"``: a tied class chosen uniformly at random from the model's ``random_state``.

Probabilities within ``1e-9`` (relative) of the row's maximum count as tied.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaklabel._core.random import check_random_state

__all__ = ["TIE_POLICIES", "break_ties", "describe", "predicted_labels"]

TIE_POLICIES = ("prior", "lowest", "random")
_RTOL = 1e-9


def break_ties(
    probs: np.ndarray, *, policy: str, prior: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One class index per row of ``probs`` (n x k), ties broken by ``policy``.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.models._ties import break_ties
    >>> probs = np.array([[0.5, 0.5], [0.2, 0.8]])
    >>> rng = np.random.default_rng(0)
    >>> break_ties(probs, policy="prior", prior=np.array([0.3, 0.7]), rng=rng).tolist()
    [1, 1]
    >>> break_ties(probs, policy="lowest", prior=np.array([0.3, 0.7]), rng=rng).tolist()
    [0, 1]
    """
    top = probs.max(axis=1, keepdims=True)
    tied = probs >= top - _RTOL * np.maximum(top, 1e-300)
    if policy == "lowest":
        return tied.argmax(axis=1).astype(np.int64)
    if policy == "prior":
        # the lowest index among the tied classes with the largest prior
        score = np.where(tied, prior[None, :], -np.inf)
        return score.argmax(axis=1).astype(np.int64)
    if policy == "random":
        noise = rng.random(probs.shape)
        return np.where(tied, noise, -1.0).argmax(axis=1).astype(np.int64)
    raise ValueError(f"unknown tie policy {policy!r}")


def describe(policy: str) -> str:
    """A one-line statement of the policy, for reports and the CLI."""
    return {
        "prior": "ties go to the tied class with the larger estimated class balance",
        "lowest": "ties go to the lowest tied class index",
        "random": "ties go to a tied class drawn at random (seeded by random_state)",
    }[policy]


def predicted_labels(probs: np.ndarray, model: Any = None) -> np.ndarray:
    """The class of each row of ``probs``, as ``model.predict`` gives it from these probabilities.

    Ties follow the model's ``tie_break`` and ``class_balance_``; without a model, the lowest
    tied class index. Analysis and the report call this, never ``argmax``, so that what they
    report agrees with ``predict``.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.models._ties import predicted_labels
    >>> predicted_labels(np.array([[0.5, 0.5], [0.9, 0.1]])).tolist()
    [0, 0]
    """
    probs = np.asarray(probs, dtype=np.float64)
    if model is None:
        prior = np.ones(probs.shape[1])
        return break_ties(probs, policy="lowest", prior=prior, rng=check_random_state(None))
    return break_ties(
        probs,
        policy=model.tie_break,
        prior=np.asarray(model.class_balance_),
        rng=check_random_state(model.random_state),
    )

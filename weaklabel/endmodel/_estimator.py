"""A custom scikit-learn classifier as the end model: fitted on our features, with soft targets.

``EndModel(estimator=...)`` takes any scikit-learn classifier (or a Pipeline ending in one) that
has ``predict_proba`` and whose ``fit`` accepts ``sample_weight``. It receives the end model's
features (the sparse TF-IDF matrix of :mod:`weaklabel.endmodel._features`, learned on the rows it
is fitted on), not the texts, and the soft targets as rows repeated once per class with weight
``w_i * P[i, c]`` (:func:`weaklabel.endmodel._soft.repeat_rows`), which is the soft
cross-entropy for any classifier whose loss is the log-loss. It is cloned (``sklearn.base.clone``)
for every fit, so the object passed in stays unfitted; it is never pickled, and a model holding
one is not saved (:meth:`EndModel.save` refuses and says to refit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from weaklabel._core.params import parameter_error
from weaklabel.endmodel._features import sklearn
from weaklabel.endmodel._soft import repeat_rows

__all__ = ["fit_estimator", "is_classifier", "predict_estimator"]


def is_classifier(value: object) -> bool:
    """Whether ``value`` looks like a scikit-learn classifier (``fit``, ``predict_proba`` and
    ``get_params``); an instance, not a class."""
    return not isinstance(value, type) and all(
        callable(getattr(value, name, None)) for name in ("fit", "predict_proba", "get_params")
    )


def fit_estimator(
    estimator: Any, features: sp.csr_matrix, targets: np.ndarray, weights: np.ndarray
) -> Any:
    """A clone of ``estimator`` fitted on the soft targets (rows repeated per class)."""
    base = sklearn("base")
    validation = sklearn("utils.validation")
    fitted = base.clone(estimator)
    last_name, last = ("", fitted)
    if hasattr(fitted, "steps"):  # a Pipeline: the weights go to its final step
        last_name, last = fitted.steps[-1]
    if not validation.has_fit_parameter(last, "sample_weight"):
        raise parameter_error(
            "estimator",
            "EndModel",
            "a classifier whose fit accepts sample_weight (the soft labels are passed as weights)",
            estimator,
            "Use e.g. LogisticRegression, SGDClassifier, ComplementNB or LinearSVC wrapped in "
            "CalibratedClassifierCV, or leave estimator=None.",
        )
    rows, labels, pair_weights = repeat_rows(targets, weights)
    key = f"{last_name}__sample_weight" if last_name else "sample_weight"
    fitted.fit(features[rows], labels, **{key: pair_weights})
    return fitted


def predict_estimator(estimator: Any, features: sp.csr_matrix, n_classes: int) -> np.ndarray:
    """The estimator's probabilities with one column per class, 0 for a class it never saw."""
    found = np.asarray(estimator.predict_proba(features), dtype=np.float64)
    classes = np.asarray(estimator.classes_, dtype=np.int64)
    probs = np.zeros((features.shape[0], n_classes))
    probs[:, classes] = found
    total = probs.sum(axis=1, keepdims=True)
    return np.divide(probs, total, out=np.full_like(probs, 1.0 / n_classes), where=total > 0)

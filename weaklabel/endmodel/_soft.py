"""Training on soft targets: multinomial logistic regression on probabilities, not labels.

The label model gives each row a probability per class, ``P[i]``; the end model minimizes the
soft cross-entropy

    C * sum_i w_i * sum_c -P[i, c] * log softmax(X[i] @ coef.T + intercept)[c]  +  |coef|^2 / 2

(``w_i`` the row's weight; the intercept is not penalized; scikit-learn's convention for ``C``).
It is exactly the loss of an ordinary classifier trained on every row repeated once per class,
with label ``c`` and sample weight ``w_i * P[i, c]`` (:func:`repeat_rows`, the way a custom
estimator and the streaming SGD learn), but without the k-fold copies: the gradient is
``X.T @ (w * (softmax - P))``, computed on the rows as they are, and L-BFGS minimizes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy import optimize
from scipy.special import logsumexp, softmax

__all__ = ["fit_soft_logistic", "ovr_proba", "repeat_rows", "soft_cross_entropy", "softmax_proba"]


def fit_soft_logistic(
    features: sp.csr_matrix,
    targets: np.ndarray,
    weights: np.ndarray,
    *,
    C: float,
    max_iter: int,
    tol: float = 1e-6,
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Minimize the soft cross-entropy above; ``(coef k x d, intercept k, iterations, converged)``.

    The objective is divided by ``C * sum(weights)`` for the solver (same minimum), so ``tol``
    (L-BFGS's gradient tolerance) means the same for any data size.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from weaklabel.endmodel._soft import fit_soft_logistic, softmax_proba
    >>> X = sp.csr_matrix(np.eye(2))
    >>> coef, b, _, ok = fit_soft_logistic(X, np.array([[0.8, 0.2], [0.3, 0.7]]), np.ones(2),
    ...                                    C=1e6, max_iter=500)
    >>> softmax_proba(X, coef, b).round(2).tolist()  # almost unpenalized: the targets come back
    [[0.8, 0.2], [0.3, 0.7]]
    """
    d = features.shape[1]
    k = targets.shape[1]
    weighted = targets * weights[:, None]
    transposed = features.T  # a CSC view, no copy
    scale = 1.0 / (C * float(weights.sum()))

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta[: d * k].reshape(d, k)
        logits = features @ coef + theta[d * k :]
        norm = logsumexp(logits, axis=1)
        loss = float(weights @ norm - (weighted * logits).sum())
        residual = np.exp(logits - norm[:, None]) * weights[:, None] - weighted
        grad = np.concatenate([(C * (transposed @ residual) + coef).ravel(), C * residual.sum(0)])
        return scale * (C * loss + 0.5 * float((coef * coef).sum())), scale * grad

    result = optimize.minimize(
        objective,
        np.zeros(d * k + k),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": tol, "ftol": 1e-12},
    )
    coef = np.ascontiguousarray(result.x[: d * k].reshape(d, k).T)
    intercept = result.x[d * k :].copy()
    intercept -= intercept.mean()  # softmax ignores a shift; keep the saved numbers canonical
    return coef, intercept, int(result.nit), bool(result.success)


def softmax_proba(features: sp.csr_matrix, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Class probabilities of a multinomial linear model; rows sum to 1."""
    logits = np.asarray(features @ coef.T) + intercept
    probs: np.ndarray = softmax(logits, axis=1)
    return probs


def ovr_proba(features: sp.csr_matrix, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Class probabilities of one-vs-rest logistic models (SGD on k > 2 classes), normalized as
    scikit-learn normalizes them: each class's sigmoid over their sum."""
    logits = np.asarray(features @ coef.T) + intercept
    probs = 0.5 * (1.0 + np.tanh(0.5 * logits))  # the sigmoid, without overflow warnings
    total = probs.sum(axis=1, keepdims=True)
    k = probs.shape[1]
    return np.divide(probs, total, out=np.full_like(probs, 1.0 / k), where=total > 0)


def repeat_rows(targets: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """Rows repeated once per class: ``(row index, class, weight w_i * P[i, c])`` for every pair
    of positive weight, row by row. An ordinary classifier fitted on them with these sample
    weights minimizes the soft cross-entropy of :func:`fit_soft_logistic`.

    Examples
    --------
    >>> import numpy as np
    >>> from weaklabel.endmodel._soft import repeat_rows
    >>> rows, labels, w = repeat_rows(np.array([[0.25, 0.75], [1.0, 0.0]]), np.array([2.0, 1.0]))
    >>> rows.tolist(), labels.tolist(), w.tolist()
    ([0, 0, 1], [0, 1, 0], [0.5, 1.5, 1.0])
    """
    pair_weights = targets * weights[:, None]
    rows, labels = np.nonzero(pair_weights > 0)
    return rows, labels, pair_weights[rows, labels]


def soft_cross_entropy(targets: np.ndarray, probs: np.ndarray, weights: np.ndarray) -> float:
    """The weighted mean over rows of ``-sum_c P[i, c] * log probs[i, c]`` (natural log)."""
    logs = np.log(np.clip(probs, 1e-15, 1.0))
    per_row: Any = -(targets * logs).sum(axis=1)
    return float(np.average(per_row, weights=weights))

"""Cross-fitting: each row's probabilities from a model fitted on the other folds.

The rows are dealt to folds by :mod:`weaklabel.endmodel._folds` (copies of a text together);
for each fold a model is fitted on the other folds' rows (features learned there too, so no
vocabulary or idf comes from the fold being predicted) and predicts the fold's rows.

The out-of-fold probabilities also set the model's confidence. A penalized linear model fitted
on soft labels comes out less sure than its labels (on the demo the temperature below is 0.56,
and the calibration error against gold 0.017 with it, 0.083 without), so one temperature ``T``
is fitted to them: ``p ∝ q ** (1 / T)``,
the ``T`` whose out-of-fold probabilities have the least soft cross-entropy against the targets
(temperature scaling, Guo et al. 2017, against the label model's probabilities instead of gold).
It never changes which class is on top.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from tqdm.auto import tqdm

from weaklabel.endmodel._folds import assign_folds, text_groups
from weaklabel.endmodel._learn import learn
from weaklabel.endmodel._soft import soft_cross_entropy
from weaklabel.endmodel._weights import row_weights

__all__ = [
    "MAX_TEMPERATURE",
    "MIN_TEMPERATURE",
    "cross_fit",
    "cv_figures",
    "fit_temperature",
    "temper",
]

#: The range of the end model's temperature (below 1 sharpens, above 1 softens).
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0
_FLOOR = 1e-12


def cross_fit(
    settings: Any,
    texts: list[str],
    targets: np.ndarray,
    weights: np.ndarray,
    *,
    rng: np.random.Generator,
) -> np.ndarray:
    """n x k out-of-fold probabilities, ``settings.n_folds`` folds drawn with ``rng``."""
    folds = assign_folds(text_groups(texts), settings.n_folds, rng, owner="EndModel")
    out = np.empty_like(targets)
    steps = tqdm(
        range(settings.n_folds),
        desc="Cross-fitting EndModel",
        disable=not settings.progress,
        leave=False,
    )
    for fold in steps:
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        seed = int(rng.integers(2**31 - 1))
        rows = [texts[i] for i in train]
        fitted = learn(settings, rows, targets[train], weights[train], seed=seed, progress=False)
        out[test] = fitted.predict_proba([texts[i] for i in test], settings.chunk_size)
    return out


def cv_figures(
    targets: np.ndarray, out_of_fold: np.ndarray, weights: np.ndarray, weighting: str
) -> tuple[float, float] | None:
    """``(log loss, agreement)`` of the out-of-fold probabilities against the targets, over the
    rows weighted as in training (None when no row counts)."""
    counted = weights * row_weights(targets, weighting)
    if not counted.sum() > 0:
        return None
    same = out_of_fold.argmax(axis=1) == targets.argmax(axis=1)
    loss = soft_cross_entropy(targets, out_of_fold, counted)
    return loss, float(np.average(same, weights=counted))


def fit_temperature(
    targets: np.ndarray, out_of_fold: np.ndarray, weights: np.ndarray, weighting: str
) -> float:
    """The temperature whose tempered out-of-fold probabilities have the least soft
    cross-entropy against ``targets``, over the rows weighted as in training (1 if none counts)."""
    counted = weights * row_weights(targets, weighting)
    if not counted.sum() > 0:
        return 1.0

    def loss(log_t: float) -> float:
        return soft_cross_entropy(targets, temper(out_of_fold, float(np.exp(log_t))), counted)

    bounds = (float(np.log(MIN_TEMPERATURE)), float(np.log(MAX_TEMPERATURE)))
    result = minimize_scalar(loss, bounds=bounds, method="bounded", options={"xatol": 1e-3})
    return float(np.exp(result.x))


def temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    """``probs ** (1 / temperature)``, each row renormalized (the identity at 1)."""
    if temperature == 1.0:
        return probs
    logits = np.log(np.maximum(probs, _FLOOR)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)

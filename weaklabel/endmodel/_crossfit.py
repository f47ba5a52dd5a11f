"""Cross-fitting: each row's probabilities from a model fitted on the other folds.

The rows are dealt to folds by :mod:`weaklabel.endmodel._folds` (copies of a text together);
for each fold a model is fitted on the other folds' rows (features learned there too, so no
vocabulary or idf comes from the fold being predicted) and predicts the fold's rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tqdm.auto import tqdm

from weaklabel.endmodel._folds import assign_folds, text_groups
from weaklabel.endmodel._learn import learn
from weaklabel.endmodel._soft import soft_cross_entropy
from weaklabel.endmodel._weights import row_weights

__all__ = ["cross_fit", "cv_figures"]


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

"""How much the gold rows weigh against the unlabeled rows in a fit: chosen by cross-validation.

Each gold row is one observed row of the likelihood (weight 1): that is the model's likelihood,
valid whichever rows were chosen for labeling as long as the choice depended on the votes. When
the model is misspecified, though, the many unlabeled rows can pull its parameters away from what
the labels show; weighing the gold rows more (their total weight a multiple of the unlabeled
rows') then gives better labels. :func:`choose_gold_weight` picks the weight by K-fold
cross-validation on the gold rows (the held-out labels' log-likelihood), keeping the smallest
weight within one standard error of the best, so that weight 1 per row stays unless the labels
show clearly that more helps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from weaklabel._votes.gold import UNKNOWN

__all__ = ["GOLD_WEIGHTS", "MIN_GOLD_FOR_CV", "choose_gold_weight"]

#: Candidate weights: the gold rows' total weight relative to the unlabeled rows' (0: each gold
#: row weighs one row).
GOLD_WEIGHTS = (0.0, 0.3, 1.0, 3.0, 10.0)
#: Below this many gold rows, cross-validation is too noisy: each gold row weighs one row.
MIN_GOLD_FOR_CV = 30
_FOLDS = 5
_FLOOR = 1e-6


def choose_gold_weight(
    gold: np.ndarray,
    held_out_proba: Callable[[float, np.ndarray, np.ndarray], np.ndarray],
    rng: np.random.Generator,
) -> float:
    """The weight from :data:`GOLD_WEIGHTS` that best predicts held-out gold labels.

    ``held_out_proba(weight, gold_without_fold, fold_rows)`` fits with the gold labels outside
    the fold and returns the probabilities of the fold's rows.
    """
    rows = np.flatnonzero(gold != UNKNOWN)
    if len(rows) < MIN_GOLD_FOR_CV:
        return GOLD_WEIGHTS[0]
    folds = np.array_split(rng.permutation(rows), _FOLDS)
    log_lik = np.zeros((len(GOLD_WEIGHTS), len(rows)))
    position = np.empty(gold.shape[0], dtype=np.int64)
    position[rows] = np.arange(len(rows))
    for w, weight in enumerate(GOLD_WEIGHTS):
        for fold in folds:
            kept = gold.copy()
            kept[fold] = UNKNOWN
            probs = held_out_proba(weight, kept, fold)
            hit = probs[np.arange(len(fold)), gold[fold]]
            log_lik[w, position[fold]] = np.log(np.maximum(hit, _FLOOR))
    best = int(np.argmax(log_lik.sum(axis=1)))
    for w in range(best + 1):  # the smallest weight within one standard error of the best
        loss = log_lik[best] - log_lik[w]
        if loss.sum() <= loss.std(ddof=1) * np.sqrt(len(loss)):
            return GOLD_WEIGHTS[w]
    return GOLD_WEIGHTS[best]

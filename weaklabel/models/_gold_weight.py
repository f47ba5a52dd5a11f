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

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from weaklabel._core.random import check_random_state
from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import ConvergenceWarning

if TYPE_CHECKING:
    from weaklabel.models._label_model import LabelModel

__all__ = ["GOLD_WEIGHTS", "MIN_GOLD_FOR_CV", "auto_gold_weight", "choose_gold_weight"]

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


def auto_gold_weight(
    model: LabelModel, votes: VoteMatrix, gold: np.ndarray | None, balance: Any, dependencies: Any
) -> float:
    """``model.gold_weight``, or for "auto" the one cross-validation on the gold rows chooses,
    refitting ``model``'s class with the same parameters, ``balance`` and ``dependencies``."""
    if model.gold_weight != "auto":
        return float(model.gold_weight)
    if gold is None:
        return GOLD_WEIGHTS[0]

    def held_out_proba(weight: float, kept: np.ndarray, fold: np.ndarray) -> np.ndarray:
        params = {**model.get_params(), "gold_weight": weight, "progress": False}
        with warnings.catch_warnings():  # the fit kept warns for itself; these are internal
            warnings.simplefilter("ignore", ConvergenceWarning)
            refit = type(model)(**params).fit(
                votes, gold=kept, class_balance=balance, dependencies=dependencies
            )
        return refit.prior_proba(votes[fold])

    rng = check_random_state(model.random_state, owner=type(model).__name__)
    return choose_gold_weight(gold, held_out_proba, rng)

"""How far :class:`~weaklabel.models.LabelModel` tempers its posterior, learned from the votes.

A generative label model multiplies its LFs' likelihood ratios as if the LFs erred
independently. They rarely do: LFs written by one person share blind spots, crowd workers stumble
on the same hard items, and an LF seen mostly alone has a ratio that nothing checks. The product
then claims near-certainty on rows that are right four times out of five.

The posterior is tempered, ``p(y | votes) ∝ exp(logit_y / T)``, with the ``T >= 1`` that best
predicts each unit's own outcome from the rest of the row (a pseudo-likelihood of the votes; no
gold). For a unit that fired, its pattern's probability is ``sum_y p_T(y | the other units)
P(pattern | y)``; for a one-sided unit that stayed silent, ``sum_y p_T(y | the row) P(silent |
y)``. An overconfident posterior puts almost no mass on the class that a disagreeing LF points
to, and pays for every such vote. A general unit's ``P(pattern | y)`` leaves the row itself out
of the unit's counts, so a crowd worker with few answers is not judged by rates its own answer
made. Dividing every logit (class prior included) by one ``T`` never changes which class is on
top: labels stay as they are and only the confidence moves.

It cannot see errors the LFs share: where most LFs agree on the wrong class, the held-out LF
agrees too. So ``T`` is a floor on the correction, not a full calibration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

if TYPE_CHECKING:
    from weaklabel.models._em import EM


__all__ = ["MAX_TEMPERATURE", "check_temperature", "vote_temperature"]

#: Largest temperature learned: past it every posterior is close to its class prior anyway.
MAX_TEMPERATURE = 20.0
#: Most rows (distinct vote patterns, drawn by their counts) the temperature is fitted on.
MAX_ROWS = 5_000
_TINY = 1e-300


def vote_temperature(
    em: EM,
    logits: np.ndarray,
    posteriors: np.ndarray,
    pattern_weights: np.ndarray,
    *,
    rng: np.random.Generator,
) -> float:
    """The temperature in ``[1, MAX_TEMPERATURE]`` that best predicts each unit from the others.

    ``em`` holds the fitted rows (its pattern indicator, row weights, units and the smoothing
    prior of the general units' patterns); ``logits`` (rows x k, class prior included) and
    ``posteriors`` are the fitted model's on those rows, ``pattern_weights`` its log-probability
    of each pattern given each class.
    """
    indicator, weights, unit_of_pattern = em.indicator, em.weights, em.unit
    pole = em.units.pole
    # general units' pattern counts, to leave each row out of its own unit's rates
    counts = np.asarray(indicator.T @ (weights[:, None] * posteriors))
    unit_counts = np.zeros((len(pole), counts.shape[1]))
    np.add.at(unit_counts, unit_of_pattern, counts)
    rows = np.flatnonzero(weights > 0)
    row_weight = weights[rows]
    if len(rows) > MAX_ROWS:
        share = row_weight / row_weight.sum()
        rows = np.sort(rng.choice(rows, size=MAX_ROWS, replace=False, p=share))
        row_weight = np.ones(len(rows))
    indicator, logits, posteriors = indicator[rows], logits[rows], posteriors[rows]
    # fired units, on rows where another unit fired too (else nothing is left to predict from)
    fired = indicator.tocoo()
    several = np.diff(indicator.indptr)[fired.row] >= 2
    event_row, event_pattern = fired.row[several], fired.col[several]
    held_out = logits[event_row] - pattern_weights[event_pattern]
    emission = pattern_weights[event_pattern]
    general = pole[unit_of_pattern[event_pattern]] < 0
    p, own = event_pattern[general], posteriors[event_row[general]]
    rate = em.held_out_rates(p, own, counts, unit_counts)
    emission[general] = np.log(np.maximum(rate, _TINY))
    event_weight = row_weight[event_row]
    # one-sided units that stayed silent: P(silent | y) = 1 - P(fires | y)
    one = np.flatnonzero(pole >= 0)
    p_silent = np.clip(1.0 - em.fire_rates(pattern_weights)[one], _TINY, 1.0)  # (n_one, k)
    membership = sp.csr_matrix(
        (np.ones(len(unit_of_pattern)), (np.arange(len(unit_of_pattern)), unit_of_pattern)),
        shape=(len(unit_of_pattern), len(pole)),
    )
    silent = (indicator @ membership)[:, one].toarray() == 0  # (rows, n_one)

    def loss(log_t: float) -> float:
        t = float(np.exp(log_t))
        total = 0.0
        if len(event_row):
            log_q = _log_softmax(held_out / t, axis=1)
            top = (log_q + emission).max(axis=1)
            per_event = top + np.log(np.exp(log_q + emission - top[:, None]).sum(axis=1))
            total += float(event_weight @ per_event)
        if len(one):
            q = np.exp(_log_softmax(logits / t, axis=1))
            per_unit = np.log(np.maximum(q @ p_silent.T, _TINY))
            total += float(row_weight @ np.where(silent, per_unit, 0.0).sum(axis=1))
        return -total

    bounds = (0.0, float(np.log(MAX_TEMPERATURE)))
    result = minimize_scalar(loss, bounds=bounds, method="bounded", options={"xatol": 1e-2})
    return float(np.exp(result.x))


def check_temperature(value: object) -> float:
    """A saved ``temperature_``; ValueError unless it is a number in ``[1, MAX_TEMPERATURE]``."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not 1.0 <= value <= MAX_TEMPERATURE:  # type: ignore[operator]
        raise ValueError(
            f"temperature_ must be a number from 1 to {MAX_TEMPERATURE:g}, not {value!r}"
        )
    return float(value)  # type: ignore[arg-type]


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

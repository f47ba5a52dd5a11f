"""How far :class:`~weaklabel.models.LabelModel` tempers its posterior, learned from the votes.

A generative label model multiplies its LFs' likelihood ratios as if the LFs erred
independently. They rarely do: LFs written by one person share blind spots, crowd workers stumble
on the same hard items, and an LF seen mostly alone has a ratio that nothing checks. The product
then claims near-certainty on rows that are right four times out of five.

The posterior is tempered, ``p(y | votes) ∝ exp(logit_y / T)``, with the ``T >= 1`` that best
predicts each fired unit's vote from the rest of its row (a pseudo-likelihood of the votes; no
gold): on a row where two or more units fired, each one's pattern has the probability ``sum_y
p_T(y | the other units) P(pattern | y)``. An overconfident posterior puts almost no mass on the
class that a disagreeing LF points to, and pays for every such vote. A general unit's
``P(pattern | y)`` leaves the row itself out of the unit's counts, so a crowd worker with few
answers is not judged by rates its own answer made. Dividing every logit (class prior included)
by one ``T`` never changes which class is on top: labels stay as they are and only the
confidence moves.

Only votes are predicted, not silences. Whether a one-sided LF stays silent is mostly a matter
of its coverage, and a posterior that already points to the right class predicts it better the
sharper it is: on their own, silences chose ``T`` ~ 1 on the four real sets of one-sided LFs
(youtube, sms, trec, spouse), and with them in they outnumbered the votes (one event per silent LF
per row) and held ``T`` down where the votes disagree often (spouse: 1.96 with them, 2.64 at the
best point without).

The temperature taken is the least one the votes do not reject: the lower end of the 95%
interval of ``T`` under this pseudo-likelihood (every ``T`` whose loss is within :data:`SLACK`
of the best). A few rows with two votes leave a flat pseudo-likelihood whose best point can lie
anywhere up to :data:`MAX_TEMPERATURE` (19.9 from the 175 such rows of a spouse-like set, its
calibration error 0.155 -> 0.222); the lower end tempers only as far as the votes demand (9.2,
0.118), and where many rows carry two votes it is close to the best point (crowd-dog: 3.0; spouse
2.25, its calibration error 0.278 -> 0.258). With fewer than :data:`MIN_ROWS` rows where two
units fired, ``T`` stays 1.

It cannot see errors the LFs share: where most LFs agree on the wrong class, the held-out LF
agrees too; nor the errors of an LF that votes alone. So ``T`` is a floor on the correction, not
a full calibration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import minimize_scalar

if TYPE_CHECKING:
    from weaklabel.models._em import EM


__all__ = ["MAX_TEMPERATURE", "MIN_ROWS", "check_temperature", "vote_temperature"]

#: Largest temperature learned: past it every posterior is close to its class prior anyway.
MAX_TEMPERATURE = 20.0
#: Fewest rows with two or more fired units (weighted by their counts) a temperature is learned
#: from; with fewer it stays 1.
MIN_ROWS = 20
#: How much worse (in log pseudo-likelihood) than the best temperature the one chosen may
#: predict the votes: half the 95% quantile of chi-square with one degree of freedom.
SLACK = 1.92
#: Most rows (distinct vote patterns, drawn by their counts) the temperature is fitted on, and
#: most fired units over those rows (fewer rows where rows carry many votes).
MAX_ROWS = 5_000
MAX_EVENTS = 50_000
_TINY = 1e-300


def vote_temperature(
    em: EM,
    logits: np.ndarray,
    posteriors: np.ndarray,
    pattern_weights: np.ndarray,
    *,
    rng: np.random.Generator,
) -> float:
    """The temperature in ``[1, MAX_TEMPERATURE]`` that best predicts each fired unit from the
    others (1 with fewer than :data:`MIN_ROWS` rows where two units fired).

    ``em`` holds the fitted rows (its pattern indicator, row weights, units and the smoothing
    prior of the general units' patterns); ``logits`` (rows x k, class prior included) and
    ``posteriors`` are the fitted model's on those rows, ``pattern_weights`` its log-probability
    of each pattern given each class.
    """
    indicator, weights, unit_of_pattern = em.indicator, em.weights, em.unit
    several = np.diff(indicator.indptr) >= 2  # rows with something left to predict from
    if float(weights[several].sum()) < MIN_ROWS:
        return 1.0
    pole = em.units.pole
    # general units' pattern counts, to leave each row out of its own unit's rates
    counts = np.asarray(indicator.T @ (weights[:, None] * posteriors))
    unit_counts = np.zeros((len(pole), counts.shape[1]))
    np.add.at(unit_counts, unit_of_pattern, counts)
    rows = np.flatnonzero(several & (weights > 0))
    row_weight = weights[rows]
    per_row = np.diff(indicator.indptr)[rows]
    budget = max(1, min(MAX_ROWS, int(MAX_EVENTS * len(rows) / per_row.sum())))
    if len(rows) > budget:
        share = row_weight / row_weight.sum()
        rows = np.sort(rng.choice(rows, size=budget, replace=False, p=share))
        row_weight = np.ones(len(rows))
    indicator, logits, posteriors = indicator[rows], logits[rows], posteriors[rows]
    fired = indicator.tocoo()
    event_row, event_pattern = fired.row, fired.col
    held_out = logits[event_row] - pattern_weights[event_pattern]
    emission = pattern_weights[event_pattern]
    general = pole[unit_of_pattern[event_pattern]] < 0
    p, own = event_pattern[general], posteriors[event_row[general]]
    rate = em.held_out_rates(p, own, counts, unit_counts)
    emission[general] = np.log(np.maximum(rate, _TINY))
    event_weight = row_weight[event_row]

    def loss(log_t: float) -> float:
        log_q = _log_softmax(held_out / float(np.exp(log_t)), axis=1)
        top = (log_q + emission).max(axis=1)
        per_event = top + np.log(np.exp(log_q + emission - top[:, None]).sum(axis=1))
        return -float(event_weight @ per_event)

    bounds = (0.0, float(np.log(MAX_TEMPERATURE)))
    result = minimize_scalar(loss, bounds=bounds, method="bounded", options={"xatol": 1e-2})
    best, least = float(result.x), float(result.fun)
    if loss(0.0) - least <= SLACK:
        return 1.0  # the votes do not reject the untempered posterior
    lo, hi = 0.0, best  # the least temperature the votes do not reject, by bisection
    while hi - lo > 1e-3:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if loss(mid) - least > SLACK else (lo, mid)
    return float(np.exp(hi))


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

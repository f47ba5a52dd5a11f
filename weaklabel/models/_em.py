"""The EM of :class:`~weaklabel.models.LabelModel`: its M-step, and SQUAREM acceleration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from tqdm.auto import tqdm

from weaklabel.models._offpole import applies, off_pole_factor
from weaklabel.models._pooled import PooledPrior, pooled_prior
from weaklabel.models._units import Units, prior_confusion

if TYPE_CHECKING:
    from weaklabel.models._label_model import LabelModel

__all__ = ["EM", "FLOOR", "MAX_STALLED", "accelerated_fixed_point"]

#: smallest probability a rate may take before its log
FLOOR = 1e-9
#: Cycles without a new smallest EM change after which SQUAREM gives way to as many plain EM
#: steps.
MAX_STALLED = 20


class EM:
    """The M-step of :class:`LabelModel`: pattern log-weights, and the class silence they imply."""

    def __init__(
        self,
        model: LabelModel,
        units: Units,
        unit_of_pattern: np.ndarray,
        shares: np.ndarray,
        indicator: sp.csr_matrix,
        weights: np.ndarray,
        *,
        unlabeled: int | None = None,
    ) -> None:
        k = units.cardinality
        self.k, self.units, self.unit = k, units, unit_of_pattern
        self.indicator, self.weights = indicator, weights
        self.s, self.a0 = model.prior_strength, model.prior_accuracy
        self.pole = units.pole[unit_of_pattern]  # per pattern, -1 for general units
        total = float(weights.sum())
        fired = np.asarray(indicator.T @ weights).ravel()
        unit_fired = np.bincount(unit_of_pattern, weights=fired, minlength=units.n_units)
        coverage = unit_fired / max(total, FLOOR)
        rho1 = np.minimum(self.a0 * k * coverage, 1 - 1e-6)
        rho0 = np.minimum((1 - self.a0) * k * coverage / (k - 1), rho1)
        self.rho1, self.rho0 = rho1, rho0
        self.n_patterns_of_unit = np.bincount(unit_of_pattern, minlength=units.n_units)
        score = shares @ prior_confusion(k, self.a0).T  # [pattern, y]
        norm = np.zeros((units.n_units, k))
        np.add.at(norm, unit_of_pattern, score)
        # A lone LF votes one of k classes, so its prior already spreads over all k votes; a
        # joint unit's spreads over the patterns it was seen to produce. (Normalising a lone LF
        # over the classes it happened to vote made a worker certain of them.)
        single = np.array([len(members) == 1 for members in units.members])[unit_of_pattern]
        joint_prior = score / np.maximum(norm[unit_of_pattern], FLOOR)
        self.general_prior = np.where(single[:, None], score, joint_prior)
        one_sided_rows = indicator[:, self.pole < 0].getnnz(axis=1) == 0
        self.weak_weight = float(weights[one_sided_rows].sum())
        # lone general LFs (crowd workers): their confusion's prior is learned (_pooled)
        self.lone = single & (self.pole < 0)
        self.same = shares >= 1.0  # [pattern, y]: the pattern is one vote for y
        self.pooled: PooledPrior | None = None
        self.difficulty = False  # the crowd prior's class offsets (_difficulty)
        # the one-sided LFs' off-pole class factor (_offpole)
        self.class_spread = applies(units.pole, unit_fired, k)
        # the rows without gold, which come first
        self.unlabeled = len(weights) if unlabeled is None else unlabeled
        self.right = np.zeros((units.n_units, k))

    def m_step(self, wq: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k, s, unit, pole = self.k, self.s, self.unit, self.pole
        counts = np.asarray(self.indicator.T @ wq)  # [pattern, y]
        per_unit = np.zeros((self.units.n_units, k))
        np.add.at(per_unit, unit, counts)
        weights = np.empty_like(counts)
        # one-sided units: r = P(fires | pole), e = P(fires | other) <= r
        one = pole >= 0
        if one.any():
            u, c = unit[one], pole[one]
            fired_pole = per_unit[u, c]
            fired_other = per_unit[u].sum(axis=1) - fired_pole
            other_total = totals.sum() - totals[c]
            r = (fired_pole + s * self.rho1[u]) / (totals[c] + s)
            e = (fired_other + s * self.rho0[u]) / (other_total + s)
            e = np.minimum(e, r)
            n_pat = self.n_patterns_of_unit[u]
            theta_pole = (counts[one, c] + 0.5) / (fired_pole + 0.5 * n_pat)
            # Off its pole a unit fires rarely, so its patterns' shares there lean on the pole's
            # shares; and, as e <= r for the unit, no pattern is likelier off the pole than on it
            # (a joint unit's rare pattern is never evidence against the unit's class).
            theta_other = (counts[one].sum(axis=1) - counts[one, c] + 0.5 * n_pat * theta_pole) / (
                fired_other + 0.5 * n_pat
            )
            log_pole = np.log(np.maximum(r * theta_pole, FLOOR))
            spread = self.off_pole_spread(wq, per_unit, e, u, c, totals)  # [pattern, y]
            log_other = np.log(np.maximum((e * theta_other)[:, None] * spread, FLOOR))
            block = np.minimum(log_other, log_pole[:, None])
            block[np.arange(len(c)), c] = log_pole
            weights[one] = block
        # general units: Dawid-Skene confusion over the unit's patterns
        gen = ~one
        if gen.any():
            lone = np.flatnonzero(self.lone)
            answers = np.zeros((self.units.n_units, k, k))  # [unit, y, vote]
            answers[unit[lone], :, self.same[lone].argmax(axis=1)] = counts[lone]
            self.right = np.diagonal(answers, axis1=1, axis2=2).copy()
            self.pooled = pooled_prior(answers, strength=s, difficulty=self.difficulty)
            if self.pooled is not None:  # the lone LFs' rates from the learned prior
                u = unit[lone]
                rate = self.pooled.rates(
                    counts[lone], per_unit[u], self.right[u], u, self.same[lone]
                )
                weights[lone] = np.log(np.maximum(rate, FLOOR))
                gen = gen & ~self.lone
            denom = per_unit[unit[gen]] + s
            weights[gen] = np.log(
                np.maximum((counts[gen] + s * self.general_prior[gen]) / denom, FLOOR)
            )
        return weights, self.silence(weights)

    def off_pole_spread(
        self,
        wq: np.ndarray,
        per_unit: np.ndarray,
        e: np.ndarray,
        u: np.ndarray,
        c: np.ndarray,
        totals: np.ndarray,
    ) -> np.ndarray:
        """``[pattern, y]``: the class factor of the one-sided patterns' off-pole rates
        (:mod:`weaklabel.models._offpole`; all 1 when ``self.class_spread`` is off). ``e`` is
        each pattern's unit's off-pole rate, ``u`` its unit and ``c`` its pole.

        It is read off the rows without gold (the first ``self.unlabeled``): the gold rows may
        weigh many rows each (``gold_weight``), and a few dozen of them then set the classes'
        factors alone (trec, 50 random labels: worse than no gold in 6 draws of 20 with them in,
        5 without them, 3 without the factor)."""
        if not self.class_spread:
            return np.ones((len(u), self.k))
        if self.unlabeled < len(wq):
            free = wq[: self.unlabeled]
            counts = np.asarray(self.indicator[: self.unlabeled].T @ free)
            per_unit = np.zeros_like(per_unit)
            np.add.at(per_unit, self.unit, counts)
            totals = free.sum(axis=0)
        units, first = np.unique(u, return_index=True)
        poles = c[first]
        fired = per_unit[units].copy()
        expected = e[first, None] * totals[None, :]
        fired[np.arange(len(units)), poles] = expected[np.arange(len(units)), poles] = 0.0
        factor = off_pole_factor(fired, expected, poles)
        return factor[np.searchsorted(units, u)]

    def held_out_rates(
        self, p: np.ndarray, own: np.ndarray, counts: np.ndarray, unit_counts: np.ndarray
    ) -> np.ndarray:
        """``[event, y]``: P(general pattern ``p`` | y) with one row, of posterior ``own``, left
        out of the counts (``counts`` per pattern, ``unit_counts`` per unit, from the last
        M-step's posteriors)."""
        u = self.unit[p]
        prior = self.general_prior[p]
        den = unit_counts[u] - own + self.s
        rate = np.divide(counts[p] - own + self.s * prior, den, out=prior.copy(), where=den > 0)
        if self.pooled is not None:
            lone = self.lone[p]
            pl, ul, ol = p[lone], u[lone], own[lone]
            same = self.same[pl]
            rate[lone] = self.pooled.rates(
                counts[pl] - ol, unit_counts[ul] - ol, self.right[ul] - ol * same, ul, same
            )
        return rate

    def silence(self, weights: np.ndarray) -> np.ndarray:
        """``[c, y]``: log P(no one-sided LF of class c fires | y), from the LFs' own rates.

        The class's LFs are taken to fall silent independently given ``y``, so the group's silence
        is the product of each unit's ``1 - P(fires | y)`` (a unit fires with the summed
        probability of its patterns). A free rate per class and ``y``, fitted on the voted rows,
        used to run to zero: the rows voted only by other classes' LFs went to those classes,
        which then made a class's own silence near-impossible evidence against it.
        """
        one = np.flatnonzero(self.units.pole >= 0)
        silence = np.zeros((self.k, self.k))
        quiet = 1.0 - self.fire_rates(weights)[one]
        np.add.at(silence, self.units.pole[one], np.log(np.clip(quiet, FLOOR, 1.0)))
        return silence

    def fire_rates(self, weights: np.ndarray) -> np.ndarray:
        """``[unit, y]``: P(the unit fires | y), the summed probability of its patterns."""
        fire = np.zeros((self.units.n_units, self.k))
        np.add.at(fire, self.unit, np.exp(weights))
        return fire


def accelerated_fixed_point(
    step: Any, q: np.ndarray, *, max_iter: int, tol: float, progress: bool
) -> tuple[np.ndarray, int, bool]:
    """Iterate the EM map ``q -> step(q)`` to a fixed point, accelerated by SQUAREM.

    Each cycle takes two EM steps, extrapolates along them (Varadhan & Roland 2008, scheme S3),
    projects back onto the simplex and takes one more EM step from there. Returns the posteriors,
    the number of EM steps taken and whether the largest change fell below ``tol``.

    The extrapolation need not improve every cycle, but it can also cycle for good (seen on a
    tiny set of four vote patterns, where plain EM converges in 14 steps). When no EM step's
    change has been the smallest yet for :data:`MAX_STALLED` cycles in a row, the next
    :data:`MAX_STALLED` steps are plain EM steps (which converge there), then the extrapolation
    starts again (leaving it off for good kept slow fits from converging).
    """
    n_steps, stalled, best, plain = 0, 0, np.inf, 0
    with tqdm(total=max_iter, desc="Fitting LabelModel", disable=not progress, leave=False) as bar:
        while n_steps < max_iter:
            q1 = step(q)
            n_steps += 1
            bar.update(1)
            residual = float(np.abs(q1 - q).max(initial=0.0))
            if residual < tol:
                return q1, n_steps, True
            stalled, best = (0, residual) if residual < best else (stalled + 1, best)
            if stalled >= MAX_STALLED:
                stalled, best, plain = 0, np.inf, MAX_STALLED
            if n_steps + 2 > max_iter or plain > 0:
                plain -= 1
                q = q1
                continue
            q2 = step(q1)
            r, v = q1 - q, q2 - 2 * q1 + q
            norm_v = float(np.sqrt((v * v).sum()))
            alpha = -float(np.sqrt((r * r).sum())) / norm_v if norm_v > 0 else -1.0
            alpha = min(alpha, -1.0)
            jump = np.clip(q - 2 * alpha * r + alpha * alpha * v, 0.0, None)
            total = jump.sum(axis=1, keepdims=True)
            jump = np.where(total > 0, jump / np.maximum(total, FLOOR), q2)
            new = step(jump)
            n_steps += 2
            bar.update(2)
            change = float(np.abs(new - q).max(initial=0.0))
            q = new
            if change < tol:
                return q, n_steps, True
    return q, n_steps, False

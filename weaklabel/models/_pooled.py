"""How far a crowd worker's confusion matrix is shrunk toward the crowd's: a prior learned from
the votes (empirical Bayes).

A worker (or any LF that votes several classes, a *general* unit of
:class:`~weaklabel.models.LabelModel`) seen on 30 items cannot have its 2 x 2 or 5 x 5 confusion
matrix estimated well: EM then trusts the workers who happened to agree with the majority, and a
worker with three answers gets rates that its own answers wrote. A fixed smoothing prior (an
accuracy of ``prior_accuracy``, ``prior_strength`` pseudo-answers per class) is right for none
of the crowds: too weak where workers barely differ, too strong where they differ a lot.

With at least :data:`MIN_UNITS` lone general units (an LF split into confidence levels counts
once per level; LFs joined by a dependency keep the fixed prior) the prior is learned from them
instead, in three parts, each shrunk by the spread the data show and no further:

- a worker's overall accuracy ``a_w`` (its share of answers on the class EM puts the item in)
  is drawn around the crowd's accuracy ``ā`` with a Beta prior of ``alpha`` pseudo-answers, where
  ``alpha`` is read off how much more the workers' accuracies spread than their answer counts
  alone would make them (method of moments of a beta-binomial);
- its accuracy on items of class ``y`` is drawn around ``a_w`` with ``beta`` pseudo-answers, read
  off the same way from how the per-class accuracies spread around each worker's own; where the
  whole crowd finds some classes harder (a likelihood-ratio test in the fit,
  :mod:`weaklabel.models._difficulty`), around ``a_w`` shifted in logit by the crowd's offset
  for ``y`` (its accuracy on ``y`` against its overall accuracy, one pseudo-answer at the
  latter);
- where it errs on items of class ``y``, which wrong class it answers is drawn around the
  crowd's wrong answers on class ``y`` (with three or more classes): a Dirichlet prior of
  ``gamma`` pseudo-answers, read off how much more the workers' shares of wrong answers spread
  than their error counts alone would make them (method of moments of a Dirichlet-multinomial).
  Classes that everyone mixes up (two dog breeds, neighbouring grades of a scale) are then read
  as such for a worker with few errors; where workers err each their own way, ``gamma`` stays
  low and each keeps its own shares.

No strength goes below the fixed prior's (``k * prior_strength``, then ``prior_strength``
for both others), so the learned prior only ever shrinks more. Where workers barely differ, or
have too few answers to tell apart, it shrinks each one to the crowd (weighted voting becomes
majority voting with the class prior); where they differ clearly, the fixed prior's freedom is
kept. The strengths are re-estimated at every EM step from the current posteriors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

__all__ = ["MIN_UNITS", "PooledPrior", "pooled_prior"]

#: Fewest general units the crowd's prior is learned from; with fewer the spread of their
#: accuracies cannot be told from noise, and the fixed prior is kept.
MIN_UNITS = 10
#: Largest strength learned (pseudo-answers): the workers are then all the crowd's.
MAX_STRENGTH = 1e4
_TINY = 1e-12


@dataclass(frozen=True)
class PooledPrior:
    """The learned prior of the general units' confusion matrices.

    ``mean`` (n_units x k) is the prior accuracy of each unit on each class (each worker's own
    overall accuracy, shrunk toward the crowd's), ``strength`` its weight in pseudo-answers per
    class; ``errors`` (k x k, zero diagonal, rows summing to 1) the prior share of each wrong
    answer ``c`` among a unit's errors on class ``y``, ``off_strength`` its weight.
    """

    mean: np.ndarray
    strength: float
    errors: np.ndarray
    off_strength: float

    def rates(
        self,
        counts: np.ndarray,
        total: np.ndarray,
        right: np.ndarray,
        unit: np.ndarray,
        same: np.ndarray,
    ) -> np.ndarray:
        """``[pattern, y]``: P(the unit votes the pattern's class | y) for single-vote patterns.

        ``counts[p, y]`` is the pattern's posterior count on class ``y``; ``total[p, y]`` and
        ``right[p, y]`` the unit's count on class ``y`` and, of it, the votes for ``y``; ``same[p,
        y]`` whether the pattern votes ``y``. (The temperature passes counts with one row left
        out.)
        """
        prior = self.mean[unit]
        accuracy = _ratio(right + self.strength * prior, total + self.strength, prior)
        wrong = self.errors.T[same.argmax(axis=1)]  # [pattern, y]: the prior share of its vote
        share = _ratio(counts + self.off_strength * wrong, total - right + self.off_strength, wrong)
        return np.where(same, accuracy, (1.0 - accuracy) * share)


def pooled_prior(
    answers: np.ndarray, *, strength: float, difficulty: bool = False
) -> PooledPrior | None:
    """The crowd's prior from each general unit's answer counts, or None below MIN_UNITS.

    ``answers[u, y, c]``: unit ``u``'s posterior count of votes ``c`` on items of class ``y``.
    ``strength`` is the fixed prior's per class; ``difficulty`` shifts each class's prior
    accuracy by the crowd's offset for it. With two classes there is one wrong answer.
    """
    k = answers.shape[1]
    right = np.diagonal(answers, axis1=1, axis2=2)
    total = answers.sum(axis=2)
    n = total.sum(axis=1)
    units = n > 0
    if units.sum() < MIN_UNITS:
        return None
    n_u, agree = n[units], right[units].sum(axis=1)
    crowd = float(agree.sum() / n_u.sum())
    lo, hi = 1.0 / k + 1e-3, 1.0 - 1e-3
    crowd = min(max(crowd, lo), hi)
    accuracy = agree / n_u
    alpha = _strength(
        spread=float(np.average((accuracy - crowd) ** 2, weights=n_u)),
        noise=crowd * (1.0 - crowd) * len(n_u) / float(n_u.sum()),
        variance=crowd * (1.0 - crowd),
        least=k * strength,
    )
    own = (agree + alpha * crowd) / (n_u + alpha)  # each unit's overall accuracy, shrunk
    centre = np.repeat(own[:, None], k, axis=1)  # [unit, y]: the prior's per-class accuracy
    if difficulty:
        by_class = (right[units].sum(axis=0) + crowd) / (total[units].sum(axis=0) + 1.0)
        offset = logit(np.clip(by_class, lo, hi)) - logit(crowd)
        centre = expit(logit(np.clip(centre, lo, hi)) + offset)
    seen = total[units] > 0
    per_class = np.where(seen, right[units] / np.maximum(total[units], _TINY), 0.0)
    weight = total[units][seen]
    residual = (per_class - centre)[seen]
    beta = _strength(
        spread=float(np.average(residual**2, weights=weight)),
        noise=crowd * (1.0 - crowd) * int(seen.sum()) / float(weight.sum()),
        variance=crowd * (1.0 - crowd),
        least=strength,
    )
    mean = np.full(total.shape, crowd)
    mean[units] = np.clip(centre, lo, hi)
    errors, gamma = (1.0 - np.eye(k)) / (k - 1), strength
    if k > 2:
        errors, gamma = _error_prior(answers[units], strength=strength)
    return PooledPrior(mean=mean, strength=beta, errors=errors, off_strength=gamma)


def _error_prior(answers: np.ndarray, *, strength: float) -> tuple[np.ndarray, float]:
    """The crowd's shares of wrong answers per class (``[y, c]``) and their Dirichlet strength.

    ``answers[u, y, c]``: unit ``u``'s count of answers ``c`` on items of class ``y``; only the
    wrong ones (``c != y``) count. The shares take one pseudo-answer spread evenly (a class no
    one erred on gets the even split).
    A unit with ``n`` errors on class ``y`` has shares around the crowd's ``m`` with variance
    ``V (rho + (1 - rho) / n)`` per unit and class, ``V = 1 - sum(m**2)`` and ``rho = 1 / (1 +
    gamma)``: summed, the weighted squared deviations give ``rho``.
    """
    k = answers.shape[1]
    off = 1.0 - np.eye(k)
    wrong = answers * off
    crowd = wrong.sum(axis=0)
    crowd = (crowd + off / (k - 1)) / (crowd.sum(axis=1, keepdims=True) + 1.0)
    n = wrong.sum(axis=2)  # [u, y]
    seen = n > 0
    shares = wrong / np.maximum(n, _TINY)[:, :, None]
    deviation = (((shares - crowd) ** 2) * off).sum(axis=2)
    variance = np.broadcast_to(1.0 - (crowd**2 * off).sum(axis=1), n.shape)
    spread = float((n * deviation)[seen].sum())
    noise = float(variance[seen].sum())  # what the spread would be with rho = 0
    signal = float((n * variance)[seen].sum())  # ... and with rho = 1
    if spread <= noise:
        return crowd, MAX_STRENGTH
    rho = (spread - noise) / max(signal - noise, _TINY)
    return crowd, float(np.clip(1.0 / rho - 1.0, strength, MAX_STRENGTH))


def _ratio(num: np.ndarray, den: np.ndarray, empty: np.ndarray | float) -> np.ndarray:
    """``num / den``, and ``empty`` where ``den`` is 0 (no counts and no prior)."""
    fallback = np.broadcast_to(empty, np.broadcast(num, den).shape)
    return np.divide(num, den, out=np.array(fallback, dtype=np.float64), where=den > 0)


def _strength(*, spread: float, noise: float, variance: float, least: float) -> float:
    """Pseudo-answers of the Beta prior whose variance is the spread beyond sampling noise."""
    excess = max(spread - noise, _TINY)
    return float(np.clip(variance / excess - 1.0, least, MAX_STRENGTH))

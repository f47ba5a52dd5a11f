"""Gold labels as evidence about each vote pattern: the model is the prior, the labels the data.

A label model gives every row with the same votes (the same *vote pattern*) the same
probabilities ``q``. Gold labels on rows of a pattern are direct evidence about the class
distribution ``theta`` of that pattern's rows, and stay unbiased whichever rows were chosen for
labeling, as long as the choice depended on the votes only (active learning does): the labels are
missing at random given the pattern. The model is then a prior, which the labels update::

    theta_p ~ Dirichlet(strength * q_p)

``strength`` (the model's opinion, in gold labels) is estimated by maximum a posteriori from the
patterns with several labels (how far their rows spread around ``q``), around
:data:`PRIOR_STRENGTH`. The predictions are the posterior means ``(strength * q + counts) /
(strength + n)``: a pattern follows its labels as far as they outweigh the model. Patterns
without gold keep the model's own ``q``.

Why no global "the model is wrong about this pattern" component: its rate would be estimated
from the labeled patterns, and active learning labels the patterns where the model is least
sure, so the rate would be too high for every other pattern; and it lets one label flip a large
pattern. Both showed in the active-learning benchmark as accuracy *below* no gold after the first
round (docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

__all__ = ["PRIOR_STRENGTH", "PatternGold", "posterior_mean"]

#: Centre of the prior on the strength: the weight of the model's opinion, in gold labels.
PRIOR_STRENGTH = 5.0
_STRENGTHS = np.exp(np.linspace(np.log(0.1), np.log(1000.0), 61))
_FLOOR = 1e-9


@dataclass(frozen=True)
class PatternGold:
    """Gold label counts per vote pattern and the prior they update (see the module docstring).

    Attributes
    ----------
    patterns : ndarray of uint64, shape (p,)
        Sorted hashes (``BaseLabelModel.pattern_hashes``) of the labeled patterns.
    counts : ndarray of float, shape (p, k)
        Gold labels of each pattern, per class.
    strength : float
        The prior's weight, in labels (0 without gold).
    """

    patterns: np.ndarray
    counts: np.ndarray
    strength: float

    @classmethod
    def empty(cls, cardinality: int) -> PatternGold:
        """No gold: every prediction is the model's own."""
        return cls(np.zeros(0, dtype=np.uint64), np.zeros((0, cardinality)), 0.0)

    @classmethod
    def fit(cls, hashes: np.ndarray, labels: np.ndarray, prior: np.ndarray) -> PatternGold:
        """From the gold rows' pattern hashes, labels, and the model's probabilities there.

        Examples
        --------
        >>> import numpy as np
        >>> from weaklabel.models._gold import PatternGold
        >>> q = np.array([[0.9, 0.1]] * 6)  # the model leans to class 0 on pattern 7 ...
        >>> hashes = np.array([7, 7, 7, 7, 7, 8], dtype=np.uint64)
        >>> gold = PatternGold.fit(hashes, np.array([1, 1, 1, 1, 0, 0]), q)
        >>> probs = np.array([[0.9, 0.1], [0.9, 0.1]])
        >>> gold.apply(np.array([7, 9], dtype=np.uint64), probs)[:, 1] > 0.5  # ... labels say 1
        array([ True, False])
        """
        k = prior.shape[1]
        patterns, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        counts = np.zeros((len(patterns), k))
        np.add.at(counts, (inverse, labels), 1.0)
        return cls(patterns, counts, _map(_normalise(prior[first]), counts))

    def apply(self, hashes: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """The posterior means for rows of the given patterns and model probabilities."""
        if not len(self.patterns):
            return probs
        position = np.minimum(np.searchsorted(self.patterns, hashes), len(self.patterns) - 1)
        hit = self.patterns[position] == hashes
        out = np.array(probs, dtype=np.float64, copy=True)
        counts = self.counts[position[hit]]
        out[hit] = posterior_mean(_normalise(out[hit]), counts, self.strength)
        return out


def posterior_mean(q: np.ndarray, counts: np.ndarray, strength: float) -> np.ndarray:
    """Each row's posterior mean under the prior ``Dirichlet(strength * q)``, given its counts."""
    n = counts.sum(axis=1, keepdims=True)
    return (strength * q + counts) / (strength + n)


def _log_dm(alpha: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Log Dirichlet-multinomial likelihood of each row's counts (without the multinomial
    coefficient, which is the same for every prior)."""
    alpha = np.maximum(alpha, _FLOOR)
    total = alpha.sum(axis=-1)
    n = counts.sum(axis=-1)
    return (
        gammaln(total)
        - gammaln(total + n)
        + (gammaln(alpha + counts) - gammaln(alpha)).sum(axis=-1)
    )


def _map(q: np.ndarray, counts: np.ndarray) -> float:
    """The posterior mode of the strength on a grid (log-normal prior around PRIOR_STRENGTH)."""
    log_lik = _log_dm(_STRENGTHS[:, None, None] * q[None], counts[None]).sum(axis=1)
    log_prior = -0.5 * (np.log(_STRENGTHS) - np.log(PRIOR_STRENGTH)) ** 2
    return float(_STRENGTHS[int(np.argmax(log_lik + log_prior))])


def _normalise(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _FLOOR, None)
    return p / p.sum(axis=1, keepdims=True)

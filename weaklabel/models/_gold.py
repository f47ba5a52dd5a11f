"""Gold labels as evidence about each vote pattern: the model is the prior, the labels the data.

A label model gives every row with the same votes (the same *vote pattern*) the same
probabilities ``q``. Gold labels on rows of a pattern are direct evidence about the class
distribution ``theta`` of that pattern's rows, and stay unbiased whichever rows were chosen for
labeling, as long as the choice depended on the votes only (active learning does): the labels are
missing at random given the pattern. The model is then a prior, which the labels update::

    theta_p ~ (1 - eps) * Dirichlet(strength * q_p) + eps * Dirichlet(strength * pi)

where ``pi`` is the class balance: with probability ``eps`` the model is simply wrong about a
pattern (an LF it over-trusts), and what the pattern's rows are is then only known from the class
balance and the labels. ``eps`` (*contamination*) and ``strength`` are estimated together by
maximum a posteriori from all the gold labels: single labels per pattern measure how often the
model is wrong (``eps``), several labels of one pattern how far its rows spread around ``q``
(``strength``). The predictions are the posterior means; a pattern without gold gets
``(1 - eps) q + eps pi``, the model's probabilities calibrated against what people saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp

__all__ = ["PRIOR_CONTAMINATION", "PRIOR_STRENGTH", "PatternGold"]

#: Centre of the prior on the strength: the weight of the model's opinion, in gold labels.
PRIOR_STRENGTH = 5.0
#: Mean of the prior on the contamination: how often a pattern's model is wrong, before gold.
PRIOR_CONTAMINATION = 0.1
_STRENGTHS = np.exp(np.linspace(np.log(0.1), np.log(1000.0), 61))
_CONTAMINATIONS = np.array([0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5])
_FLOOR = 1e-9


@dataclass(frozen=True)
class PatternGold:
    """Gold label counts per vote pattern and the prior they update (see the module docstring).

    Attributes
    ----------
    patterns : ndarray of uint64, shape (p,)
        Sorted hashes (:meth:`~weaklabel.VoteMatrix.row_hashes`) of the labeled patterns.
    counts : ndarray of float, shape (p, k)
        Gold labels of each pattern, per class.
    strength : float
        The prior's weight, in labels (0 without gold).
    contamination : float
        How often the model is wrong about a pattern (0 without gold).
    """

    patterns: np.ndarray
    counts: np.ndarray
    strength: float
    contamination: float

    @classmethod
    def empty(cls, cardinality: int) -> PatternGold:
        """No gold: every prediction is the model's own."""
        return cls(np.zeros(0, dtype=np.uint64), np.zeros((0, cardinality)), 0.0, 0.0)

    @classmethod
    def fit(
        cls, hashes: np.ndarray, labels: np.ndarray, prior: np.ndarray, balance: np.ndarray
    ) -> PatternGold:
        """From the gold rows' pattern hashes, labels, the model's probabilities there, and the
        class balance.

        Examples
        --------
        >>> import numpy as np
        >>> from weaklabel.models._gold import PatternGold
        >>> q = np.array([[0.99, 0.01]] * 6)  # the model is sure of class 0 on pattern 7 ...
        >>> hashes = np.array([7, 7, 7, 7, 7, 8], dtype=np.uint64)
        >>> gold = PatternGold.fit(hashes, np.array([1, 1, 1, 1, 0, 0]), q, np.array([0.5, 0.5]))
        >>> gold.contamination > 0  # ... four of five labels say 1: it is wrong there
        True
        >>> probs = np.array([[0.99, 0.01], [0.99, 0.01]])
        >>> gold.apply(np.array([7, 9], dtype=np.uint64), probs, np.array([0.5, 0.5]))[:, 1] > 0.5
        array([ True, False])
        """
        k = prior.shape[1]
        patterns, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        counts = np.zeros((len(patterns), k))
        np.add.at(counts, (inverse, labels), 1.0)
        q = _normalise(prior[first])
        strength, contamination = _map(q, counts, _normalise(balance[None, :])[0])
        return cls(patterns, counts, strength, contamination)

    def apply(self, hashes: np.ndarray, probs: np.ndarray, balance: np.ndarray) -> np.ndarray:
        """The posterior means for rows of the given patterns and model probabilities."""
        if not len(self.patterns) and self.contamination == 0.0:
            return probs
        counts = np.zeros_like(probs)
        if len(self.patterns):
            position = np.minimum(np.searchsorted(self.patterns, hashes), len(self.patterns) - 1)
            hit = self.patterns[position] == hashes
            counts[hit] = self.counts[position[hit]]
        return posterior_mean(_normalise(probs), counts, balance, self.strength, self.contamination)


def posterior_mean(
    q: np.ndarray, counts: np.ndarray, balance: np.ndarray, strength: float, contamination: float
) -> np.ndarray:
    """Each row's posterior mean under the two-part Dirichlet prior, given its gold counts."""
    weights = component_weights(q, counts, balance, strength, contamination)
    n = counts.sum(axis=1, keepdims=True)
    trusted = (strength * q + counts) / (strength + n)
    other = (strength * balance[None, :] + counts) / (strength + n)
    return weights[:, :1] * trusted + weights[:, 1:] * other


def component_weights(
    q: np.ndarray, counts: np.ndarray, balance: np.ndarray, strength: float, contamination: float
) -> np.ndarray:
    """``(n, 2)``: the posterior weight of "the model is right" and "the model is wrong"."""
    if contamination <= 0.0:
        return np.column_stack([np.ones(len(q)), np.zeros(len(q))])
    right = np.log1p(-contamination) + _log_dm(strength * q, counts)
    wrong = np.log(contamination) + _log_dm(strength * np.broadcast_to(balance, q.shape), counts)
    both = np.column_stack([right, wrong])
    return np.exp(both - logsumexp(both, axis=1, keepdims=True))


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


def _map(q: np.ndarray, counts: np.ndarray, balance: np.ndarray) -> tuple[float, float]:
    """The posterior mode of (strength, contamination) on a grid."""
    tau = _STRENGTHS[:, None, None]
    right = _log_dm(tau * q[None], counts[None])  # (strengths, patterns)
    wrong = _log_dm(tau * balance[None, None, :], counts[None])
    eps = _CONTAMINATIONS[:, None, None]
    with np.errstate(divide="ignore"):
        mixed = np.logaddexp(np.log1p(-eps) + right[None], np.log(eps) + wrong[None])
    log_lik = mixed.sum(axis=2)  # (contaminations, strengths)
    log_prior_tau = -0.5 * (np.log(_STRENGTHS) - np.log(PRIOR_STRENGTH)) ** 2
    # Beta(1, 9): mean 0.1, mode 0; a small floor keeps eps = 0 possible
    log_prior_eps = 8 * np.log1p(-_CONTAMINATIONS)
    score = log_lik + log_prior_tau[None, :] + log_prior_eps[:, None]
    e, t = np.unravel_index(int(np.argmax(score)), score.shape)
    return float(_STRENGTHS[t]), float(_CONTAMINATIONS[e])


def _normalise(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _FLOOR, None)
    return p / p.sum(axis=1, keepdims=True)

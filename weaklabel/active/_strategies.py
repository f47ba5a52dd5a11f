"""How each strategy scores the vote patterns: higher is more worth a person's label.

Every strategy but ``random`` scores patterns (all rows of a pattern look alike to the model):

- ``least_confidence``: ``1 - max p``; ``margin``: ``1 - (p1 - p2)``; ``entropy``: ``-sum p log p``,
  on the model's probabilities (gold labels included);
- ``lf_disagreement``: the share of the vote weight cast against the leading class, each LF's vote
  weighing the log-odds of its learned accuracy (LFs the model trusts, disagreeing);
- ``uncovered``: rows no LF voted on, where new LFs are needed (1 for them, 0 for the others);
- ``end_model``: the margin of the *end model's* probabilities (``query(end_model_probs=...)``),
  scored row by row, since the end model reads the text and tells apart the rows of one pattern:
  the rows whose final label (``weaklabel run``'s, the end model's by default) is least sure;
- ``expected_gain`` (LF-aware): the expected number of rows labeled correctly that one more gold
  label of the pattern adds, under the model's posterior of the pattern's classes
  (:mod:`weaklabel.models._gold`): the model's probabilities as a Dirichlet prior that the
  pattern's labels update. It weighs a pattern by how many unlabeled rows share it, so it goes
  both where the model is unsure and where one LF decides many rows on the model's word alone
  (an LF the model may over-trust). Picks are greedy: after a pick the pattern counts the
  expected label, so a second label of one pattern is worth less than the first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from weaklabel._votes.matrix import VoteMatrix
from weaklabel.active._patterns import Patterns
from weaklabel.models._gold import PRIOR_STRENGTH, posterior_mean

__all__ = ["PATTERN_SCORES", "GoldPrior", "lf_disagreement", "margin_score"]

_TINY = 1e-12
_BLOCK = 1 << 18


def _least_confidence(patterns: Patterns) -> np.ndarray:
    return 1.0 - patterns.probs.max(axis=1)


def margin_score(probs: np.ndarray) -> np.ndarray:
    """``1 - (p1 - p2)`` per row of ``probs``: 1 for a tie between the two leading classes."""
    top = np.sort(probs, axis=1)
    return 1.0 - (top[:, -1] - top[:, -2])


def _margin(patterns: Patterns) -> np.ndarray:
    return margin_score(patterns.probs)


def _entropy(patterns: Patterns) -> np.ndarray:
    p = np.clip(patterns.probs, _TINY, 1.0)
    return -(p * np.log(p)).sum(axis=1)


def _uncovered(patterns: Patterns) -> np.ndarray:
    return (patterns.n_votes == 0).astype(np.float64)


#: strategies that score each pattern on its probabilities and votes alone
PATTERN_SCORES = {
    "least_confidence": _least_confidence,
    "margin": _margin,
    "entropy": _entropy,
    "uncovered": _uncovered,
}


def lf_disagreement(representatives: VoteMatrix, model: Any) -> np.ndarray:
    """Per row: the share of the vote weight cast against the row's leading class."""
    k = representatives.cardinality
    accuracies = getattr(model, "lf_accuracies_", None)
    if accuracies is None:
        weight = np.ones(representatives.n_lfs)
    else:
        a = np.clip(np.asarray(accuracies, dtype=np.float64), 1.0 / k + 1e-6, 1 - 1e-6)
        weight = np.log(a * (k - 1) / (1 - a))  # > 0: better than chance
    one_hot = representatives.one_hot()
    per_class = sp.csr_matrix(
        (np.repeat(weight, k), (np.arange(len(weight) * k), np.tile(np.arange(k), len(weight)))),
        shape=(len(weight) * k, k),
    )
    mass = np.asarray((one_hot @ per_class).todense())
    total = mass.sum(axis=1)
    return np.where(total > 0, (total - mass.max(axis=1)) / np.maximum(total, _TINY), 0.0)


class GoldPrior:
    """The model's Dirichlet prior of each pattern (:mod:`weaklabel.models._gold`), and
    the gold counts so far: what one more label of a pattern is worth."""

    def __init__(self, patterns: Patterns, model: Any) -> None:
        k = patterns.probs.shape[1]
        self.q = np.clip(patterns.per_pattern(model.prior_proba), _TINY, None)
        self.q /= self.q.sum(axis=1, keepdims=True)
        self.counts = np.zeros((len(patterns), k))
        gold = getattr(model, "gold_patterns_", np.zeros(0, dtype=np.uint64))
        if len(gold):
            at = np.minimum(np.searchsorted(gold, patterns.hashes), len(gold) - 1)
            hit = gold[at] == patterns.hashes
            self.counts[hit] = np.asarray(model.gold_counts_)[at[hit]]
            self.strength = float(model.gold_strength_)
        else:
            self.strength = PRIOR_STRENGTH
        self.n_free = patterns.n_free.copy()

    def mean(self, rows: Any = slice(None), counts: np.ndarray | None = None) -> np.ndarray:
        return posterior_mean(
            self.q[rows], self.counts[rows] if counts is None else counts, self.strength
        )

    def gains(self) -> np.ndarray:
        """:meth:`gains_of` every pattern, in blocks (the temporaries stay small)."""
        size = len(self.q)
        return np.concatenate(
            [self.gains_of(np.arange(a, min(a + _BLOCK, size))) for a in range(0, size, _BLOCK)]
            or [np.zeros(0)]
        )

    def gains_of(self, rows: Any) -> np.ndarray:
        """Rows of each pattern labeled right, in expectation, after one more label of it."""
        now = self.mean(rows)
        expected = np.zeros(len(now))
        for c in range(now.shape[1]):
            counts = self.counts[rows].copy()
            counts[:, c] += 1.0
            expected += now[:, c] * self.mean(rows, counts).max(axis=1)
        return self.n_free[rows] * np.maximum(expected - now.max(axis=1), 0.0)

    def expect_label(self, pattern: int) -> None:
        """Count the expected label of one more pick of ``pattern``."""
        self.counts[pattern] += self.mean([pattern])[0]

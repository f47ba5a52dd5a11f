"""What models with per-LF emission rates derive from them: propensity, confusion, accuracy."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from weaklabel._votes.matrix import VoteMatrix
from weaklabel.models._confidence import fold

__all__ = ["EmissionsMixin", "marginal_emissions"]

_FLOOR = 1e-12


class EmissionsMixin:
    """For models whose learned state holds ``emissions_[j, y, c] = P(LF j votes c | y)``."""

    emissions_: np.ndarray
    class_balance_: np.ndarray
    confidence_cuts_: list[list[float]]
    _splits_confidences: ClassVar[bool] = True

    if TYPE_CHECKING:

        def _check_fitted(self) -> None:  # provided by BaseLabelModel
            ...

    def _lf_emissions(self) -> np.ndarray:
        """``emissions_`` per LF: an LF split into confidence levels gets their sum."""
        return fold(self.emissions_, self.confidence_cuts_)

    @property
    def propensities_(self) -> np.ndarray:
        """``(m, k)``: probability that LF ``j`` votes at all when the class is ``y``."""
        self._check_fitted()
        return self._lf_emissions().sum(axis=2)

    @property
    def confusions_(self) -> np.ndarray:
        """``(m, k, k)``: probability of each vote given the class, on the rows the LF voted on."""
        prop = self.propensities_
        return self._lf_emissions() / np.maximum(prop, _FLOOR)[:, :, None]

    @property
    def lf_accuracies_(self) -> np.ndarray:
        """``(m,)``: probability that LF ``j``'s vote is the true class, when it votes."""
        prior = self.class_balance_[None, :]
        correct = (np.diagonal(self._lf_emissions(), axis1=1, axis2=2) * prior).sum(axis=1)
        return correct / np.maximum((self.propensities_ * prior).sum(axis=1), _FLOOR)


def marginal_emissions(votes: VoteMatrix, wq: np.ndarray, totals: np.ndarray, k: int) -> np.ndarray:
    """``[j, y, c]``: expected share of class-``y`` rows on which LF ``j`` voted ``c``."""
    m = votes.n_lfs
    counts = np.asarray(votes.one_hot().T @ wq).reshape(m, k, k).transpose(0, 2, 1)
    return counts / np.maximum(totals, _FLOOR)[None, :, None]

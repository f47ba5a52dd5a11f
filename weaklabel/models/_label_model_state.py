"""What a fitted :class:`~weaklabel.models.LabelModel` saves, the checks it passes on load, and
how it predicts from it."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.special import softmax

from weaklabel._votes.matrix import VoteMatrix
from weaklabel.models._base import BaseLabelModel
from weaklabel.models._emissions import marginal_emissions
from weaklabel.models._nesting import drop_nested
from weaklabel.models._persistence import as_class_balance, check_finite, check_shapes
from weaklabel.models._silence import SILENCE_MODES
from weaklabel.models._temperature import check_temperature
from weaklabel.models._units import Patterns, Units, check_units, column_table, unseen_columns

__all__ = ["LabelModelState"]


class LabelModelState(BaseLabelModel):
    """The learned state of :class:`~weaklabel.models.LabelModel`: to and from JSON, validated.

    ``silence_`` and ``nested_`` are saved beside the numeric state; a file from before they
    existed (2026-12-03) was fitted with the class-level silence and without nested pairs, and
    loads so.
    """

    silence_: str
    silence_test_: tuple[int, float] | None  # diagnostics of the fit, not saved
    difficulty_test_: tuple[float, float] | None
    _state: ClassVar[tuple[str, ...]] = (
        "class_balance_",
        "emissions_",
        "units_",
        "unit_poles_",
        "vocabulary_",
        "pattern_weights_",
        "silence_weights_",
        "temperature_",
        "unvoted_proba_",
    )

    nested_: np.ndarray
    units_: list[list[int]]
    unit_poles_: np.ndarray
    vocabulary_: np.ndarray
    pattern_weights_: np.ndarray
    prior_accuracy: float  # parameters of LabelModel
    label_noise: float

    def _state_to_json(self) -> dict[str, Any]:
        nested = self.nested_.tolist()
        return {**super()._state_to_json(), "silence_": self.silence_, "nested_": nested}

    def _state_from_json(self, state: dict[str, Any]) -> None:
        self.silence_ = state.get("silence_", "class")
        self.nested_ = np.asarray(state.get("nested_", []), dtype=np.int64).reshape(-1, 2)
        self.silence_test_ = self.difficulty_test_ = None  # diagnostics of the fit, not saved
        self.class_balance_ = np.asarray(state["class_balance_"], dtype=np.float64)
        self.emissions_ = np.asarray(state["emissions_"], dtype=np.float64)
        self.units_ = [list(map(int, m)) for m in state["units_"]]
        self.unit_poles_ = np.asarray(state["unit_poles_"], dtype=np.int64)
        self.vocabulary_ = np.asarray(state["vocabulary_"], dtype=np.int64)
        self.pattern_weights_ = np.asarray(state["pattern_weights_"], dtype=np.float64)
        self.silence_weights_ = np.asarray(state["silence_weights_"], dtype=np.float64)
        self.temperature_ = state["temperature_"]
        self.unvoted_proba_ = np.asarray(state["unvoted_proba_"], dtype=np.float64)

    def _check_state(self, n_lfs: int) -> None:
        k = self.cardinality
        check_finite(self, ("emissions_", "pattern_weights_", "silence_weights_"))
        if self.silence_ not in SILENCE_MODES:
            modes = " or ".join(map(repr, SILENCE_MODES))
            raise ValueError(f"silence_ must be {modes}, not {self.silence_!r}")
        self.temperature_ = check_temperature(self.temperature_)
        nested = self.nested_
        if ((nested < 0) | (nested >= n_lfs)).any() or (nested[:, 0] == nested[:, 1]).any():
            raise ValueError(f"nested_ must hold pairs of different LF positions 0..{n_lfs - 1}")
        if as_class_balance(self.unvoted_proba_, k) is None:
            raise ValueError(f"unvoted_proba_ must hold {k} positive probabilities summing to 1")
        check_units(self.units_, self.unit_poles_, self.vocabulary_, n_lfs=n_lfs, cardinality=k)
        check_shapes(
            self,
            {
                "emissions_": (n_lfs, k, k),
                "pattern_weights_": (len(self.vocabulary_), k),
                "silence_weights_": (k, k),
            },
        )

    def _set_structure(self, patterns: Patterns, units: Units, sample: VoteMatrix, wq: Any) -> None:
        """The fit's units, vote patterns and emissions (EM's posteriors ``wq``, weighted)."""
        self.vocabulary_ = patterns.vocabulary
        self.units_ = [list(m) for m in units.members]
        self.unit_poles_ = units.pole
        self.emissions_ = marginal_emissions(sample, wq, wq.sum(axis=0), self.cardinality)
        self.temperature_ = 1.0
        self.n_fit_rows_ = sample.n_rows

    def _units(self) -> Units:
        return Units(
            tuple(tuple(m) for m in self.units_), np.asarray(self.unit_poles_), self.cardinality
        )

    def _column_table(self, units: Units, n_lfs: int) -> np.ndarray:
        """Each one-hot vote column's ``(weights | class group)`` row, cached: every column's
        with singleton units (:func:`column_table`), the unseen lone votes' otherwise."""
        cached = self.__dict__.get("_table_cache")
        if cached is None or cached[0] is not self.pattern_weights_:
            vocabulary, prior = np.asarray(self.vocabulary_), self.prior_accuracy
            table = (
                column_table(units, vocabulary, self.pattern_weights_, n_lfs, prior_accuracy=prior)
                if units.singletons
                else unseen_columns(units, vocabulary, n_lfs, prior_accuracy=prior)
            )
            cached = self.__dict__["_table_cache"] = (self.pattern_weights_, table)
        return cached[1]

    # -- predict ----------------------------------------------------------------------------------

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        return self._with_noise(softmax(self._logits(votes) / self.temperature_, axis=1))

    def _logits(self, votes: VoteMatrix) -> np.ndarray:
        """``[row, y]``: log P(the row's votes, y) up to a constant per row, untempered."""
        k = self.cardinality
        votes = drop_nested(votes, self.nested_)
        units = self._units()
        # one product of the one-hot votes with [vote weights | vote -> class-group map]
        product = votes.one_hot() @ self._column_table(units, votes.n_lfs)
        logits, fired = product[:, :k], product[:, k:] > 0
        if not units.singletons:  # joint patterns; the table holds the unseen lone votes only
            patterns = units.patterns(votes, vocabulary=np.asarray(self.vocabulary_))
            logits = logits + patterns.indicator @ self.pattern_weights_
            fired |= ~patterns.group_silent
        silent = (~fired | (self.silence_ == "lf")).astype(np.float64)  # lf: every class's
        return logits + silent @ self.silence_weights_ + np.log(self.class_balance_)

    def _with_noise(self, proba: np.ndarray) -> np.ndarray:
        """``proba`` (rows with votes) mixed with a uniform guess at weight ``label_noise``."""
        return (1.0 - self.label_noise) * proba + self.label_noise / self.cardinality

    def _unvoted_proba(self) -> np.ndarray:
        return self.unvoted_proba_

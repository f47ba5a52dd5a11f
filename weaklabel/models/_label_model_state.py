"""What a fitted :class:`~weaklabel.models.LabelModel` saves, and the checks it passes on load."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from weaklabel.models._base import BaseLabelModel
from weaklabel.models._persistence import as_class_balance, check_finite, check_shapes
from weaklabel.models._silence import SILENCE_MODES
from weaklabel.models._temperature import check_temperature
from weaklabel.models._units import check_units

__all__ = ["LabelModelState"]


class LabelModelState(BaseLabelModel):
    """The learned state of :class:`~weaklabel.models.LabelModel`: to and from JSON, validated.

    ``silence_`` is saved beside the numeric state; a file from before it existed (2026-12-03)
    was fitted with the class-level silence and loads as ``"class"``.
    """

    silence_: str
    silence_test_: tuple[int, float] | None  # a diagnostic of the fit, not saved
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

    def _state_to_json(self) -> dict[str, Any]:
        return {**super()._state_to_json(), "silence_": self.silence_}

    def _state_from_json(self, state: dict[str, Any]) -> None:
        self.silence_ = state.get("silence_", "class")
        self.silence_test_ = None  # a diagnostic of the fit, not saved
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

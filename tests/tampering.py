"""Tampered copies of a saved model file, shared by the model and command-line tests.

Each case maps a name to ``(change, message)``: ``change`` turns the JSON text of a good model
file into a bad one, and ``message`` is a fragment the DataError must hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from weaklabel.models import BaseLabelModel


def _edit(change: Callable[[dict[str, Any], type[BaseLabelModel]], None]) -> Callable[..., str]:
    def apply(text: str, cls: type[BaseLabelModel]) -> str:
        data = json.loads(text)
        change(data, cls)
        return json.dumps(data)

    return apply


def _state(name: str, value: Any) -> Callable[..., str]:
    def change(data: dict[str, Any], cls: type[BaseLabelModel]) -> None:
        data["state"][name] = value

    return _edit(change)


def _balance_token(token: str) -> Callable[..., str]:
    """Write a non-finite class balance with the literal token Python's json reads (NaN, ...)."""

    def apply(text: str, cls: type[BaseLabelModel]) -> str:
        data = json.loads(text)
        data["state"]["class_balance_"] = "PLACEHOLDER"
        k = data["params"]["cardinality"]
        values = ", ".join([token] + ["0.5"] * (k - 1))
        return json.dumps(data).replace('"PLACEHOLDER"', f"[{values}]")

    return apply


def _param(name: str, value: Any) -> Callable[..., str]:
    def change(data: dict[str, Any], cls: type[BaseLabelModel]) -> None:
        data["params"][name] = value

    return _edit(change)


def _foreign_param(data: dict[str, Any], cls: type[BaseLabelModel]) -> None:
    """Add a setting another model has and this one lacks."""
    own = set(cls._param_names())
    others = (c for c in BaseLabelModel.registry.values() if c is not cls)
    data["params"][next(p for c in others for p in c._param_names() if p not in own)] = 1


def _shorter_array(data: dict[str, Any], cls: type[BaseLabelModel]) -> None:
    """Drop the last entry of the first learned array after the class balance."""
    name = next(n for n in cls._state if n not in ("class_balance_", "units_"))
    data["state"][name] = data["state"][name][:-1]


def _drop_state(data: dict[str, Any], cls: type[BaseLabelModel]) -> None:
    del data["state"]


def _drop_last_state(data: dict[str, Any], cls: type[BaseLabelModel]) -> None:
    del data["state"][cls._state[-1]]


#: name -> (change of the file's text, fragment of the message); every model class
MODEL_CASES: dict[str, tuple[Callable[..., str], str]] = {
    "balance-negative": (
        _state("class_balance_", [-0.5, 0.75, 0.75]),
        "class_balance_ must hold 3 positive probabilities summing to 1",
    ),
    "balance-nan": (_balance_token("NaN"), "positive probabilities summing to 1; got [nan"),
    "balance-inf": (_balance_token("Infinity"), "positive probabilities summing to 1; got [inf"),
    "balance-not-summing-to-1": (_state("class_balance_", [0.2, 0.2, 0.2]), "summing to 1"),
    "balance-wrong-length": (_state("class_balance_", [0.5, 0.5]), "hold 3 positive"),
    "balance-strings": (_state("class_balance_", ["0.2", "0.3", "0.5"]), "must hold numbers"),
    "unknown-param": (_param("colour", "blue"), "unknown setting(s) ['colour']"),
    "foreign-param": (_edit(_foreign_param), "unknown setting(s)"),
    "invalid-param-value": (_param("tie_break", "coin"), "The 'tie_break' parameter of"),
    "cardinality-of-other-size": (_param("cardinality", 4), "hold 4 positive probabilities"),
    "array-wrong-shape": (_edit(_shorter_array), "has shape"),
    "missing-state": (_edit(_drop_state), "has no learned state"),
    "incomplete-state": (
        _edit(_drop_last_state),
        "missing (a file saved by an older weaklabel, or edited); fit and save the model again",
    ),
    "model-type-a-list": (
        _edit(lambda d, c: d.__setitem__("model", [c.__name__])),
        "unknown model type",
    ),
    "version-bool": (_edit(lambda d, c: d.__setitem__("version", True)), "format version True"),
    "not-json": (lambda text, cls: text[: len(text) // 2], "invalid JSON"),
    "empty": (lambda text, cls: "", "the model file is empty"),
    "binary": (lambda text, cls: "\x00\x01garbage", "invalid JSON"),
}

#: cases for one model class only: (class name, change, message)
MODEL_CLASS_CASES: dict[str, tuple[str, Callable[..., str], str]] = {
    "units-not-covering-the-lfs": (
        "LabelModel",
        _state("units_", [[0], [1]]),
        "units_ must hold every LF position",
    ),
    "units-float": ("LabelModel", _state("units_", [[0.4], [1], [2]]), "units_ must hold integers"),
    "vocabulary-float": (
        "LabelModel",
        _edit(
            lambda d, c: d["state"].__setitem__(
                "vocabulary_", [0.5] * len(d["state"]["vocabulary_"])
            )
        ),
        "vocabulary_ must hold integers",
    ),
    "temperature-below-one": (
        "LabelModel",
        _state("temperature_", 0.5),
        "temperature_ must be a number from 1 to 20",
    ),
    "temperature-text": (
        "LabelModel",
        _state("temperature_", "hot"),
        "temperature_ must hold numbers; it holds 'hot'",
    ),
    "majority-weight-zero": ("MajorityVote", _state("lf_weights_", [0.0, 1.0, 1.0]), "must be > 0"),
}


def write_tampered(good: Path, out: Path, change: Callable[..., str], cls: Any) -> Path:
    """Write ``change`` applied to the text of the model file ``good`` to ``out``."""
    out.write_text(change(good.read_text(), cls), encoding="utf-8")
    return out

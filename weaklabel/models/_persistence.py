"""Saving and loading label models as JSON (never pickle), and validating what is loaded.

A model file holds ``{"format", "version", "model", "params", "lf_names", "class_names",
"state"}``. Loading checks everything: the header, the model type, every parameter against the
model's constraints (unknown or foreign ones are refused by name), and the learned arrays (finite,
the right shapes, a class balance of positive probabilities summing to 1), so a tampered or
truncated file raises a :class:`~weaklabel.DataError` naming it instead of giving NaN
probabilities later.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from weaklabel._core.formats import check_version
from weaklabel._io.atomic import atomic_write
from weaklabel.exceptions import DataError, ParameterError
from weaklabel.models._confidence import check_cuts

if TYPE_CHECKING:
    from weaklabel.models._base import BaseLabelModel

__all__ = [
    "GOLD_STATE",
    "MODEL_FORMAT",
    "as_class_balance",
    "check_finite",
    "check_positive",
    "check_shapes",
    "from_dict",
    "load_model_file",
    "save_model_file",
    "to_dict",
]

MODEL_FORMAT = "weaklabel.model"
_MODEL_VERSION = 3
#: What every model learns from gold labels (see weaklabel/models/_gold.py); files of version 1
#: have none, which means no gold. Files of version 2 keyed the gold of an LF split into
#: confidence levels by its votes alone, levels merged; they load unless they hold both.
_LEVELLED_GOLD = 3
GOLD_STATE = ("gold_patterns_", "gold_counts_", "gold_strength_")


def to_dict(model: BaseLabelModel) -> dict[str, Any]:
    """The JSON-ready description of a fitted model (transient settings left out)."""
    params = {
        name: value
        for name, value in model.get_params().items()
        if name not in model._transient_params
    }
    if not (params.get("random_state") is None or isinstance(params["random_state"], int)):
        params["random_state"] = None  # a Generator is not saved; the loaded model has none
    return {
        "format": MODEL_FORMAT,
        "version": _MODEL_VERSION,
        "model": type(model).__name__,
        "params": params,
        "lf_names": list(model.lf_names_),
        "class_names": None if model.class_names_ is None else list(model.class_names_),
        "state": model._state_to_json(),
        "confidence_cuts": model.confidence_cuts_,
        "gold": {
            "patterns": [f"{int(h):016x}" for h in model.gold_patterns_],
            "counts": np.asarray(model.gold_counts_).tolist(),
            "strength": float(model.gold_strength_),
        },
    }


def from_dict(cls: type[BaseLabelModel], data: Any, *, source: str = "model") -> BaseLabelModel:
    """Rebuild and validate a model from :func:`to_dict` output."""
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise DataError(f"{source}: not a weaklabel model file (no '{MODEL_FORMAT}' header).")
    version = check_version(
        data.get("version"),
        current=_MODEL_VERSION,
        what="model file",
        source=source,
        redo="fit and save the model again",
    )
    by_class = {c.__name__: c for c in cls.registry.values()}
    kind = data.get("model")
    target = by_class.get(kind) if isinstance(kind, str) else None
    if target is None:
        raise DataError(
            f"{source}: unknown model type {data.get('model')!r}; known: {sorted(by_class)}."
        )
    if cls.cli_name and not issubclass(target, cls):  # loading through a model class
        raise DataError(
            f"{source}: holds a {target.__name__}, not a {cls.__name__}; load it with "
            f"{target.__name__}.load() or weaklabel.models.load_model()."
        )
    model = target(**_params(target, data.get("params"), source))
    try:
        model._validate_params()
    except ParameterError as exc:
        raise DataError(f"{source}: invalid model settings: {exc}") from None
    model.lf_names_ = _names(data.get("lf_names"), source, "lf_names")
    names = data.get("class_names")
    model.class_names_ = None if names is None else _names(names, source, "class_names")
    if model.class_names_ is not None and len(model.class_names_) != model.cardinality:
        raise DataError(
            f"{source}: {len(model.class_names_)} class names for cardinality {model.cardinality}."
        )
    state = data.get("state")
    if not isinstance(state, dict):
        raise DataError(f"{source}: the model file has no learned state; fit and save it again.")
    missing = [name for name in target._state if name not in state]
    if missing:
        raise DataError(
            f"{source}: the model's learned state is incomplete: {missing} missing (a file saved "
            "by an older weaklabel, or edited); fit and save the model again."
        )
    try:
        cuts = data.get("confidence_cuts", [[] for _ in model.lf_names_])  # none before 2026-12
        model.confidence_cuts_ = check_cuts(cuts, len(model.lf_names_))
        model._state_from_json(state)
        _check_numbers(model, state)
        model._check_state(sum(len(c) + 1 for c in model.confidence_cuts_))
        check_finite(model, ())
        _gold_from_json(model, data.get("gold"))
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise DataError(
            f"{source}: the model's learned state is invalid: {exc}. The file was changed or "
            "damaged after it was saved; fit and save the model again."
        ) from None
    if version < _LEVELLED_GOLD and any(model.confidence_cuts_) and len(model.gold_patterns_):
        raise DataError(
            f"{source}: saved by an older weaklabel, which matched its gold labels to rows "
            "without their LFs' confidence levels; fit and save the model again."
        )
    return model


def save_model_file(model: BaseLabelModel, path: str | Path) -> None:
    """Write ``model`` to ``path`` as JSON, atomically."""
    text = json.dumps(model.to_dict(), indent=1, allow_nan=False)
    with atomic_write(path) as handle:
        handle.write(text + "\n")


def load_model_file(cls: type[BaseLabelModel], path: str | Path) -> Any:
    """Read and validate a model file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: no such model file; write one with `weaklabel fit`.") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder; pass the model file (model.json).") from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not a weaklabel model file (not UTF-8 text: byte {exc.start}); pass the "
            "model.json written by `weaklabel fit` or model.save()."
        ) from None
    if not text.strip():
        raise DataError(
            f"{path}: the model file is empty (truncated?); write it again with `weaklabel fit` "
            "or model.save()."
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not a weaklabel model file (invalid JSON: {exc}); a truncated file is "
            "written again with `weaklabel fit` or model.save()."
        ) from None
    return from_dict(cls, data, source=str(path))


def as_class_balance(values: Any, k: int) -> np.ndarray | None:
    """``values`` as a class balance (k positive probabilities summing to 1), or None."""
    try:
        balance = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if (
        balance.shape != (k,)
        or not np.all(np.isfinite(balance))
        or (balance <= 0).any()
        or not np.isclose(balance.sum(), 1.0)
    ):
        return None
    return balance


def check_finite(model: BaseLabelModel, names: Sequence[str]) -> None:
    """Refuse learned arrays with NaN or infinite values; check the class balance."""
    for name in names:
        value = np.asarray(getattr(model, name), dtype=np.float64)
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} holds NaN or infinite values")
    if as_class_balance(model.class_balance_, model.cardinality) is None:
        raise ValueError(
            f"class_balance_ must hold {model.cardinality} positive probabilities summing to 1; "
            f"got {np.asarray(model.class_balance_).tolist()}"
        )


def check_positive(model: BaseLabelModel, names: Sequence[str]) -> None:
    """Refuse learned arrays with a value <= 0 (weights that must count for their class)."""
    for name in names:
        value = np.asarray(getattr(model, name), dtype=np.float64)
        if (value <= 0).any():
            raise ValueError(f"{name} must be > 0; it holds {float(value[value <= 0][0])!r}")


def check_shapes(model: BaseLabelModel, expected: dict[str, tuple[int, ...]]) -> None:
    """Refuse learned arrays whose shapes differ from ``expected`` (name -> shape)."""
    for name, shape in expected.items():
        actual = np.shape(getattr(model, name))
        if actual != tuple(shape):
            raise ValueError(f"{name} has shape {actual}; expected {tuple(shape)}")


def _check_numbers(model: BaseLabelModel, state: dict[str, Any]) -> None:
    """Refuse learned values that are not JSON numbers, or not integers where integers belong.

    ``np.asarray(..., dtype=float)`` would read the string "0.5" and ``int()`` truncates 1.7 to 1:
    a tampered file must not load that way.
    """
    for name in type(model)._state:
        found = _leaf_types(state[name])
        loaded = getattr(model, name)
        integral = (
            loaded.dtype.kind in "iu"
            if isinstance(loaded, np.ndarray)
            else _leaf_types(loaded) <= {int}  # lists of ints, such as units_
        )
        allowed = {int} if integral else {int, float}
        if not found <= allowed:
            bad = next(v for v in _leaves(state[name]) if type(v) not in allowed)
            what = "integers" if integral else "numbers"
            raise ValueError(f"{name} must hold {what}; it holds {bad!r}")


def _leaf_types(value: Any) -> set[type]:
    """The types of the scalars in a nested list (fast for rectangular ones)."""
    if isinstance(value, np.ndarray):
        return {int} if value.dtype.kind in "iu" else set(map(type, value.ravel().tolist()))
    if not isinstance(value, list):
        return {type(value)}
    try:
        flat = np.array(value, dtype=object).ravel().tolist()
    except ValueError:  # ragged
        flat = value
    types = set(map(type, flat))
    if list in types:
        types.discard(list)
        for item in flat:
            if isinstance(item, list):
                types |= _leaf_types(item)
    return types


def _leaves(value: Any) -> Any:
    """The scalars of a nested list, depth first."""
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _params(target: type[BaseLabelModel], params: Any, source: str) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise DataError(f"{source}: the model's settings ('params') must be a JSON object.")
    known = target._param_names()
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise DataError(
            f"{source}: unknown setting(s) {unknown} for {target.__name__}; its settings are "
            f"{', '.join(known)}. Was the file written by another model or version?"
        )
    return dict(params)


def _names(values: Any, source: str, what: str) -> tuple[str, ...]:
    if (
        not isinstance(values, list)
        or not all(isinstance(v, str) and v for v in values)
        or len(set(values)) != len(values)
    ):
        raise DataError(f"{source}: '{what}' must be a list of distinct non-empty strings.")
    return tuple(values)


def _gold_from_json(model: BaseLabelModel, gold: Any) -> None:
    """Restore what a model learned from gold labels; a file without it learned none."""
    k = model.cardinality
    if gold is None:
        model.gold_patterns_ = np.zeros(0, dtype=np.uint64)
        model.gold_counts_ = np.zeros((0, k))
        model.gold_strength_ = 0.0
        return
    if not isinstance(gold, dict) or set(gold) != {"patterns", "counts", "strength"}:
        raise ValueError("'gold' must hold exactly 'patterns', 'counts' and 'strength'")
    keys = gold["patterns"]
    if not isinstance(keys, list) or not all(
        isinstance(key, str) and len(key) == 16 and all(c in "0123456789abcdef" for c in key)
        for key in keys
    ):
        raise ValueError("gold 'patterns' must be a list of 16-digit hex keys")
    patterns = np.array([int(key, 16) for key in keys], dtype=np.uint64)
    counts = (
        np.asarray(gold["counts"], dtype=np.float64).reshape(-1, k) if keys else np.zeros((0, k))
    )
    strength = gold["strength"]
    if (
        counts.shape != (len(patterns), k)
        or not np.all(np.isfinite(counts))
        or (counts < 0).any()
        or (np.diff(patterns.astype(np.float64)) <= 0).any()
        or isinstance(strength, bool)
        or not isinstance(strength, int | float)
        or not (strength >= 0 and np.isfinite(strength))
    ):
        raise ValueError(
            "gold: patterns must be sorted and distinct, counts one non-negative row per pattern "
            "and class, strength a non-negative number"
        )
    model.gold_patterns_ = patterns
    model.gold_counts_ = counts
    model.gold_strength_ = float(strength)

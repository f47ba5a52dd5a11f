"""From raw columns (item, annotator, label[, created_at]) to checked, coded annotations.

The rules, in one place:

- every annotation needs an item, an annotator and a label: a missing one is an error naming it;
- labels are class names; with ``classes`` given, a label that is not one of them is an error
  naming where it is and listing the classes; without it the classes are the labels seen,
  sorted (numerically when every label is a whole number);
- an item labeled more than once by one annotator keeps the latest label: by ``created_at`` when
  the annotations have times (an annotation without a time counts as older than any with one),
  else the last in file order; an :class:`~weaklabel.exceptions.AnnotationWarning` says how many
  were replaced.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._votes.names import resolve_classes
from weaklabel.annotations._codes import Codes, shown
from weaklabel.exceptions import AnnotationWarning, DataError

__all__ = ["build_codes", "label_text", "sorted_classes"]


def label_text(value: Any) -> str:
    """A label as a class name: ``1``, ``1.0`` and ``"1"`` are ``"1"``; spaces are trimmed."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def sorted_classes(labels: Sequence[str]) -> tuple[str, ...]:
    """Class names sorted: numerically when every one is a whole number, else as text."""
    unique = sorted(set(labels))
    try:
        return tuple(sorted(unique, key=int))
    except ValueError:
        return tuple(unique)


def _missing(values: Any) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    missing = series.isna().to_numpy(dtype=bool, copy=True)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "mixed", "mixed-integer"):  # some values are text
        text = series.astype(object)
        blank = text.str.strip().eq("").fillna(False)  # non-strings give NaN: not blank
        missing |= blank.to_numpy(dtype=bool)
    return missing


def _check_present(
    values: Any, what: str, where: Callable[[int], str], source: str, hint: str
) -> None:
    missing = _missing(values)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise DataError(
            f"{source}: {where(i)} has no {what} ({int(missing.sum()):,} annotation(s) lack one). "
            f"{hint}"
        )


def build_codes(
    items: Any,
    annotators: Any,
    labels: Any,
    created_at: Any = None,
    *,
    classes: Sequence[str] | None,
    where: Callable[[int], str],
    source: str,
    noun: str = "label",
) -> Codes:
    """Check and code the raw columns (one entry per annotation); see the module docstring.

    ``where(i)`` names annotation ``i`` in errors ("line 5", "task 12"); ``noun`` is what a
    label is called in the source ("choice" in a Label Studio export).
    """
    n = len(items)
    if n == 0:
        raise DataError(f"{source}: holds no annotations.")
    fix = "Every annotation needs an item, an annotator and a label."
    _check_present(items, "item", where, source, fix)
    _check_present(annotators, "annotator", where, source, fix)
    _check_present(labels, noun, where, source, fix)
    item_codes, item_values = pd.factorize(pd.Series(items, dtype=_item_dtype(items)), sort=False)
    annotator_codes, annotator_values = _text_codes(annotators)
    label_codes, label_values = pd.factorize(pd.Series(labels, dtype=object), sort=False)
    names = [label_text(v) for v in label_values.tolist()]
    class_tuple = _classes(names, label_codes, classes, where, source, noun)
    index = {name: c for c, name in enumerate(class_tuple)}
    to_class = np.array([index[name] for name in names], dtype=np.int64)
    times = None if created_at is None else _times(created_at, where, source)
    codes = Codes(
        items=pd.Index(item_values),
        annotators=annotator_values,
        classes=class_tuple,
        item=item_codes.astype(np.int64),
        annotator=annotator_codes,
        label=to_class[label_codes],
        created_at=times,
    )
    return keep_latest(codes, source)


def _item_dtype(items: Any) -> Any:
    dtype = getattr(items, "dtype", None)
    if dtype is not None and pd.api.types.is_integer_dtype(dtype):
        return np.int64  # missing items were refused above
    return object


def _text_codes(values: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes of the values as text (``1`` and ``"1"`` are one annotator), sorted by text."""
    raw_codes, raw = pd.factorize(pd.Series(values, dtype=object), sort=False)
    texts = [label_text(v) for v in raw.tolist()]
    names = sorted(set(texts))
    position = {name: a for a, name in enumerate(names)}
    to_code = np.array([position[t] for t in texts], dtype=np.int64)
    return to_code[raw_codes], tuple(names)


def _classes(
    names: list[str],
    label_codes: np.ndarray,
    classes: Sequence[str] | None,
    where: Callable[[int], str],
    source: str,
    noun: str,
) -> tuple[str, ...]:
    if classes is None:
        found = sorted_classes(names)
        if len(found) < 2:
            raise DataError(
                f"{source}: every annotation has the {noun} {found[0]!r}, so the classes are "
                "unknown; pass classes=[...] with the names of all the classes."
            )
        return found
    _, given = resolve_classes(None, classes, owner="Annotations")
    assert given is not None
    known = set(given)
    for u, name in enumerate(names):
        if name not in known:
            i = int(np.flatnonzero(label_codes == u)[0])
            raise DataError(
                f"{source}: {where(i)}: the {noun} {name!r} is not a class name; the classes are "
                f"{', '.join(map(repr, given))}. Fix the {noun} or pass the classes it belongs to."
            )
    return given


def _times(values: Any, where: Callable[[int], str], source: str) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    present = ~_missing(series)
    out = np.full(len(series), np.iinfo(np.int64).min, dtype=np.int64)  # no time: the oldest
    if present.any():
        try:
            parsed = pd.to_datetime(series[present], utc=True, format="ISO8601")
        except (ValueError, TypeError):
            for i in np.flatnonzero(present):
                try:
                    pd.to_datetime(series.iloc[i], utc=True, format="ISO8601")
                except (ValueError, TypeError):
                    raise DataError(
                        f"{source}: {where(int(i))}: the created_at {shown(series.iloc[i])} is not "
                        "an ISO 8601 time (such as 2024-05-01T12:30:00Z)."
                    ) from None
            raise
        naive = parsed.dt.tz_localize(None).astype("datetime64[ns]")  # UTC, as nanoseconds
        out[present] = naive.to_numpy().view(np.int64)
    return out


def keep_latest(codes: Codes, source: str) -> Codes:
    """Keep one label per (item, annotator): the latest (see the module docstring)."""
    key = codes.item * max(len(codes.annotators), 1) + codes.annotator
    position = np.arange(len(key))
    if codes.created_at is None:
        order = position
    else:
        order = np.lexsort((position, codes.created_at))
    # the last of each key in `order` is the latest
    reversed_order = order[::-1]
    _, first = np.unique(key[reversed_order], return_index=True)
    keep = np.sort(reversed_order[first])
    replaced = len(key) - len(keep)
    if not replaced:
        return codes
    dropped = np.setdiff1d(position, keep, assume_unique=True)
    i = int(dropped[0])
    rule = "the latest by created_at" if codes.created_at is not None else "the last in the file"
    warnings.warn(
        f"{source}: {replaced:,} annotation(s) label an item that the same annotator labeled "
        f"again (e.g. item {shown(codes.items[codes.item[i]])} by "
        f"{codes.annotators[codes.annotator[i]]!r}); kept {rule} for each.",
        AnnotationWarning,
        stacklevel=3,
    )
    return Codes(
        items=codes.items,
        annotators=codes.annotators,
        classes=codes.classes,
        item=codes.item[keep],
        annotator=codes.annotator[keep],
        label=codes.label[keep],
        created_at=None if codes.created_at is None else codes.created_at[keep],
    )

"""Adjudication: the items that need a person to settle them, and the labels that settle them.

An item needs adjudication when one annotator labeled it (nothing to check the label against)
or when its consensus confidence is below a threshold. An adjudication table (CSV or JSON Lines:
``item``, ``label`` and optionally ``adjudicator``; or a DataFrame with those columns) gives
the final label of some items: it overrides their consensus, with confidence 1. The rules:

- an adjudicated item must be an annotated item (adjudication settles annotations; a label for
  an item nobody annotated belongs in the annotations);
- an item adjudicated twice in one table is an error naming both lines; a later table (a second
  ``with_adjudication``) overrides an earlier one item by item;
- a label must be a class name of the annotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel._io.readers import read_data
from weaklabel.annotations._build import label_text
from weaklabel.annotations._codes import Codes, item_keys, shown
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["Adjudication", "adjudication_frame", "merge_adjudication", "read_adjudication"]


@dataclass(frozen=True, eq=False)
class Adjudication:
    """Item codes, class codes and adjudicators ("" when not given) of adjudicated items."""

    item: np.ndarray
    label: np.ndarray
    adjudicator: np.ndarray


def read_adjudication(source: str | Path | pd.DataFrame, codes: Codes) -> Adjudication:
    """The adjudication in ``source`` (a CSV / JSON Lines file or a DataFrame), checked against
    the annotations' items and classes."""
    if isinstance(source, pd.DataFrame):
        frame, name = source.reset_index(drop=True), "the adjudication frame"

        def where(i: int) -> str:
            return f"row {i}"

    elif isinstance(source, str | Path):
        frame, name = read_data(source), str(source)
        json_lines = Path(source).suffix.lower() in (".jsonl", ".ndjson")

        def where(i: int) -> str:
            return f"record {i + 1}" if json_lines else f"line {i + 2}"

    else:
        raise ParameterError(
            "The 'adjudication' parameter of Annotations.with_adjudication must be a path to a "
            f"CSV or JSON Lines file or a DataFrame. Got {type(source).__name__} instead."
        )
    columns = [str(c) for c in frame.columns]
    for column in ("item", "label"):
        require_column(column, columns, role=column, source=name)
    if frame.empty:
        raise DataError(f"{name}: holds no adjudicated item.")
    labels = frame["label"].tolist()
    index = {c: i for i, c in enumerate(codes.classes)}
    label = np.empty(len(frame), dtype=np.int64)
    for i, value in enumerate(labels):
        text = "" if pd.isna(value) else label_text(value)
        if text not in index:
            raise DataError(
                f"{name}: {where(i)}: the label {value!r} is not a class name; the classes are "
                f"{', '.join(map(repr, codes.classes))}."
            )
        label[i] = index[text]
    keys = item_keys(frame["item"])
    repeated = np.flatnonzero(keys.duplicated())
    if len(repeated):
        i = int(repeated[0])
        first = int(np.flatnonzero(keys == keys[i])[0])
        raise DataError(
            f"{name}: the item {shown(frame['item'].iloc[i])} is adjudicated twice "
            f"({where(first)} and {where(i)}); keep one label per item."
        )
    position = item_keys(codes.items).get_indexer(keys)
    unknown = np.flatnonzero(position < 0)
    if len(unknown):
        listed = ", ".join(repr(x) for x in frame["item"].iloc[unknown[:5]].tolist())
        raise DataError(
            f"{name}: {len(unknown):,} adjudicated item(s) are not among the annotated items "
            f"({listed}{' ...' if len(unknown) > 5 else ''}); adjudication settles annotated "
            "items, add a label for a new item to the annotations instead."
        )
    if "adjudicator" in columns:
        by = np.array(["" if pd.isna(x) else str(x) for x in frame["adjudicator"]], dtype=object)
    else:
        by = np.full(len(frame), "", dtype=object)
    return Adjudication(item=position.astype(np.int64), label=label, adjudicator=by)


def merge_adjudication(old: Adjudication | None, new: Adjudication) -> Adjudication:
    """``new`` over ``old``, item by item."""
    if old is None:
        return new
    keep = ~np.isin(old.item, new.item)
    return Adjudication(
        item=np.concatenate([old.item[keep], new.item]),
        label=np.concatenate([old.label[keep], new.label]),
        adjudicator=np.concatenate([old.adjudicator[keep], new.adjudicator]),
    )


def adjudication_frame(adjudication: Adjudication | None, codes: Codes) -> pd.DataFrame:
    """``item``, ``label``, ``adjudicator`` of the adjudicated items (empty when none)."""
    if adjudication is None:
        return pd.DataFrame({"item": [], "label": [], "adjudicator": []}, dtype=object)
    return pd.DataFrame(
        {
            "item": codes.items[adjudication.item],
            "label": np.array(codes.classes, dtype=object)[adjudication.label],
            "adjudicator": adjudication.adjudicator,
        }
    )

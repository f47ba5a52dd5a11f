"""Annotations as gold labels for a label model: one class index per vote row, -1 where unknown.

Items are matched to the votes' row ids (``votes.row_ids``) by value, with whole numbers and
their text matched alike (item ``"7"`` is row id ``7``; ``"007"`` stays text). Classes are
matched by name when the votes know their class names, else the annotations' class names must
be the class indices ``"0"``, ``"1"``, .... The rules:

- an annotated item that is no row of the votes is an error listing a few, unless
  ``unknown_items="ignore"`` (annotations of rows left out of this run, for example);
- with ``gold=`` (labels the caller already has, in any form ``model.fit`` takes), rows the
  annotations do not cover keep that gold; where both have a label and they differ, an
  adjudicated label is an error (two authorities disagree: fix one), and a consensus label gives
  way to the given gold with an :class:`~weaklabel.exceptions.AnnotationWarning` counting them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from weaklabel._core.params import check_choice
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.annotations._codes import Codes, item_keys, shown
from weaklabel.exceptions import AnnotationWarning, DataError, ParameterError

__all__ = ["UNKNOWN_ITEMS", "gold_array"]

UNKNOWN_ITEMS = ("raise", "ignore")


def gold_array(
    codes: Codes,
    label: np.ndarray,
    adjudicated: np.ndarray,
    votes: VoteMatrix,
    *,
    gold: Any,
    unknown_items: str,
) -> np.ndarray:
    """``label`` (a class code per item) on the rows of ``votes`` (see the module docstring)."""
    owner = "Annotations.to_gold"
    if not isinstance(votes, VoteMatrix):
        raise ParameterError(
            f"The 'votes' parameter of {owner} must be a VoteMatrix. Got "
            f"{type(votes).__name__} instead."
        )
    unknown_items = check_choice("unknown_items", unknown_items, UNKNOWN_ITEMS, owner=owner)
    to_votes = _class_map(codes, votes)
    position = item_keys(votes.row_ids).get_indexer(item_keys(codes.items))
    missing = np.flatnonzero(position < 0)
    if len(missing) and unknown_items == "raise":
        listed = ", ".join(repr(x) for x in codes.items[missing[:5]].tolist())
        sample = ", ".join(repr(x) for x in votes.row_ids[:3].tolist())
        raise DataError(
            f"{owner}: {len(missing):,} of the {codes.n_items:,} annotated items are no row of "
            f"the votes ({listed}{' ...' if len(missing) > 5 else ''}; row ids look like "
            f"{sample}). Annotate rows of these votes (items are their row ids), or pass "
            "unknown_items='ignore' to leave those items out."
        )
    found = position >= 0
    out = np.full(votes.n_rows, UNKNOWN, dtype=np.int64)
    out[position[found]] = to_votes[label[found]]
    if gold is None:
        return out
    given = as_gold(gold, votes, owner=owner)
    rows = position[found]
    clash = (given[rows] != UNKNOWN) & (given[rows] != out[rows])
    hard = clash & adjudicated[found]
    if hard.any():
        i = int(np.flatnonzero(hard)[0])
        names = votes.class_names or tuple(str(c) for c in range(votes.cardinality))
        raise DataError(
            f"{owner}: the item {shown(codes.items[np.flatnonzero(found)[i]])} is adjudicated as "
            f"{names[out[rows[i]]]!r} but the gold says {names[given[rows[i]]]!r} "
            f"({int(hard.sum()):,} such item(s)); correct the gold or the adjudication."
        )
    if clash.any():
        warnings.warn(
            f"{owner}: on {int(clash.sum()):,} item(s) the annotators' consensus differs from the "
            "given gold; the gold was kept there.",
            AnnotationWarning,
            stacklevel=3,
        )
    return np.where(given != UNKNOWN, given, out)


def _class_map(codes: Codes, votes: VoteMatrix) -> np.ndarray:
    names = votes.class_names
    if names is not None:
        unknown = [c for c in codes.classes if c not in names]
        if unknown:
            raise DataError(
                f"Annotations.to_gold: the annotations' class(es) {unknown} are not classes of "
                f"the votes ({', '.join(map(repr, names))}); read the annotations with "
                "classes= set to the votes' class names."
            )
        return np.array([names.index(c) for c in codes.classes], dtype=np.int64)
    digits = [c for c in codes.classes if c.isdigit() and int(c) < votes.cardinality]
    if len(digits) != len(codes.classes):
        raise DataError(
            "Annotations.to_gold: the votes have no class names, so annotation labels must be "
            f"class indices 0..{votes.cardinality - 1}; they are {list(codes.classes)}. Build "
            "the votes with class_names=."
        )
    return np.array([int(c) for c in codes.classes], dtype=np.int64)

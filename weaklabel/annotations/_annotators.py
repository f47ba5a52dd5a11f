"""Each annotator against the consensus and against gold: accuracy and confusion.

``gold`` is a pandas Series indexed by item (or a mapping of item to label) whose values are
class names; ``None`` / NaN / ``""`` mean unknown. Items are matched as everywhere else
(``7`` and ``"7"`` alike); gold for items nobody annotated is simply not used. The consensus
includes the annotator's own label, so agreement with it is optimistic for annotators of items
with few labels; gold is the unbiased check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from weaklabel._core.params import closest, parameter_error
from weaklabel.annotations._build import label_text
from weaklabel.annotations._codes import Codes, item_keys, shown
from weaklabel.annotations._consensus import consensus_frame
from weaklabel.exceptions import DataError

if TYPE_CHECKING:
    from weaklabel.annotations._table import Annotations

__all__ = ["annotator_confusion", "annotator_summary"]


def _codes(ann: Annotations, owner: str) -> Codes:
    codes = getattr(ann, "_codes", None)
    if not isinstance(codes, Codes):
        raise parameter_error("ann", owner, "an Annotations table", type(ann).__name__)
    return codes


def _consensus(ann: Annotations, codes: Codes, method: str, owner: str) -> np.ndarray:
    adjudicated = ann._adjudication
    override = None if adjudicated is None else (adjudicated.item, adjudicated.label)
    table = consensus_frame(codes, override, method, owner=owner)
    index = {name: c for c, name in enumerate(codes.classes)}
    return np.array([index[x] for x in table["label"].tolist()], dtype=np.int64)


def _gold(gold: Any, codes: Codes, owner: str) -> np.ndarray:
    """A class code per item, -1 where the gold is unknown."""
    if isinstance(gold, pd.Series):
        keys, values = gold.index, gold.tolist()
    elif isinstance(gold, Mapping):
        keys, values = pd.Index(list(gold.keys()), dtype=object), list(gold.values())
    else:
        raise parameter_error(
            "gold",
            owner,
            "a pandas Series indexed by item, or a mapping of item to label",
            type(gold).__name__,
        )
    index = {name: c for c, name in enumerate(codes.classes)}
    labels = np.full(len(values), -1, dtype=np.int64)
    for i, value in enumerate(values):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        text = label_text(value)
        if text == "":
            continue
        if text not in index:
            raise DataError(
                f"{owner}: the gold label of item {shown(keys[i])} is {value!r}, which is not a "
                f"class name; the classes are {', '.join(map(repr, codes.classes))}."
            )
        labels[i] = index[text]
    position = item_keys(keys).get_indexer(item_keys(codes.items))
    out = np.full(codes.n_items, -1, dtype=np.int64)
    found = position >= 0
    out[found] = labels[position[found]]
    return out


def annotator_summary(
    ann: Annotations, *, gold: Any = None, method: str = "dawid-skene"
) -> pd.DataFrame:
    """One row per annotator: how much they labeled and how often they agree.

    Columns: ``annotator``, ``n_labels``, ``n_shared`` (labels on items someone else labeled
    too), ``consensus_agreement`` (share of their labels equal to the consensus, by
    ``method``), ``n_gold`` (their labels on items with gold) and ``gold_accuracy`` (NaN without
    gold).

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, annotator_summary
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 1, 2, 2, 2],
    ...     "annotator": ["a", "b", "c"] * 2,
    ...     "label": ["x", "x", "y", "y", "y", "y"]}))
    >>> summary = annotator_summary(ann, gold={1: "x", 2: "x"}, method="majority")
    >>> summary[["annotator", "consensus_agreement", "gold_accuracy"]].values.tolist()
    [['a', 1.0, 0.5], ['b', 1.0, 0.5], ['c', 0.5, 0.0]]
    """
    owner = "annotator_summary"
    codes = _codes(ann, owner)
    m = len(codes.annotators)
    consensus = _consensus(ann, codes, method, owner)
    shared = codes.per_item()[codes.item] >= 2
    agree = codes.label == consensus[codes.item]
    n = np.bincount(codes.annotator, minlength=m)
    frame = pd.DataFrame(
        {
            "annotator": list(codes.annotators),
            "n_labels": n,
            "n_shared": np.bincount(codes.annotator, weights=shared, minlength=m).astype(np.int64),
            "consensus_agreement": np.bincount(codes.annotator, weights=agree, minlength=m) / n,
        }
    )
    if gold is None:
        frame["n_gold"] = 0
        frame["gold_accuracy"] = np.nan
        return frame
    truth = _gold(gold, codes, owner)[codes.item]
    known = truth >= 0
    n_gold = np.bincount(codes.annotator[known], minlength=m)
    right = np.bincount(
        codes.annotator[known], weights=codes.label[known] == truth[known], minlength=m
    )
    frame["n_gold"] = n_gold
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["gold_accuracy"] = np.where(n_gold > 0, right / np.maximum(n_gold, 1), np.nan)
    return frame


def annotator_confusion(
    ann: Annotations, annotator: str, *, gold: Any = None, method: str = "dawid-skene"
) -> pd.DataFrame:
    """The confusion counts of one annotator: rows are the reference class (the gold when given,
    on the items with gold; else the consensus), columns the annotator's label.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations, annotator_confusion
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 1, 2, 2, 2],
    ...     "annotator": ["a", "b", "c"] * 2,
    ...     "label": ["x", "x", "y", "y", "y", "y"]}))
    >>> annotator_confusion(ann, "c", method="majority").values.tolist()
    [[0, 1], [0, 1]]
    """
    owner = "annotator_confusion"
    codes = _codes(ann, owner)
    if str(annotator) not in codes.annotators:
        guess = closest(str(annotator), codes.annotators)
        raise parameter_error(
            "annotator",
            owner,
            f"one of the {len(codes.annotators)} annotators",
            annotator,
            f"Did you mean {guess!r}?" if guess else "",
        )
    j = codes.annotators.index(str(annotator))
    mine = codes.annotator == j
    if gold is None:
        reference = _consensus(ann, codes, method, owner)
    else:
        reference = _gold(gold, codes, owner)
    truth = reference[codes.item[mine]]
    known = truth >= 0
    k = codes.k
    table = np.bincount(truth[known] * k + codes.label[mine][known], minlength=k * k)
    names = list(codes.classes)
    return pd.DataFrame(
        table.reshape(k, k),
        index=pd.Index(names, name="reference"),
        columns=pd.Index(names, name=str(annotator)),
    )

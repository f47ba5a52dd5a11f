"""Annotations.to_gold: the consensus aligned with the rows of a vote matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel import VoteMatrix
from weaklabel.annotations import Annotations
from weaklabel.exceptions import AnnotationWarning, DataError, ParameterError
from weaklabel.models import LabelModel


def votes_with(row_ids, class_names=("ham", "spam")):
    dense = np.zeros((len(row_ids), 2), dtype=np.int64)
    return VoteMatrix.from_dense(
        dense,
        cardinality=2,
        class_names=list(class_names) if class_names else None,
        row_ids=row_ids,
    )


def annotations(items, labels, annotators=None):
    annotators = annotators or ["ana"] * len(items)
    frame = pd.DataFrame({"item": items, "annotator": annotators, "label": labels})
    return Annotations.from_frame(frame, classes=["ham", "spam"])


def test_gold_is_aligned_with_the_vote_rows(fixtures):
    ann = Annotations.read(fixtures / "annotations" / "long.csv")
    votes = votes_with([104, 100, 101, 103, 102, 105])
    gold = ann.to_gold(votes, method="majority")
    assert gold.dtype == np.int64
    # 102 is a 1-1 tie: majority vote breaks it toward the more frequent class (spam)
    assert gold.tolist() == [1, -1, 1, 0, 1, -1]
    LabelModel(cardinality=2, progress=False).fit(votes, gold=gold)  # ready for fit


def test_text_and_integer_ids_match():
    assert annotations(["7", "9"], ["spam", "ham"]).to_gold(votes_with([9, 7, 8])).tolist() == [
        0,
        1,
        -1,
    ]
    assert annotations([7, 9], ["spam", "ham"]).to_gold(votes_with(["9", "7"])).tolist() == [0, 1]
    # a leading zero is part of an id
    with pytest.raises(DataError, match=r"1 of the 1 annotated items are no row of the votes"):
        annotations(["007"], ["ham"]).to_gold(votes_with([7]))


def test_classes_are_matched_by_name():
    ann = annotations([1, 2], ["spam", "ham"])
    assert ann.to_gold(votes_with([1, 2], ("spam", "ham"))).tolist() == [0, 1]
    with pytest.raises(DataError, match=r"class\(es\) \['ham'\] are not classes of the votes"):
        ann.to_gold(votes_with([1, 2], ("spam", "eggs")))
    with pytest.raises(DataError, match="the votes have no class names"):
        ann.to_gold(votes_with([1, 2], None))
    digits = Annotations.from_frame(
        pd.DataFrame({"item": [1, 2], "annotator": ["a", "a"], "label": [1, 0]})
    )
    assert digits.to_gold(votes_with([1, 2], None)).tolist() == [1, 0]


def test_unknown_items_are_an_error_unless_ignored():
    ann = annotations([1, 50, 51, 52, 53, 54, 55], ["ham"] * 7)
    votes = votes_with([1, 2, 3])
    with pytest.raises(
        DataError, match=r"6 of the 7 annotated items are no row.*\(50, 51, 52, 53, 54 \.\.\.;"
    ):
        ann.to_gold(votes)
    assert ann.to_gold(votes, unknown_items="ignore").tolist() == [0, -1, -1]
    with pytest.raises(ParameterError, match="'unknown_items' parameter"):
        ann.to_gold(votes, unknown_items="drop")
    with pytest.raises(ParameterError, match="must be a VoteMatrix"):
        ann.to_gold(np.zeros((3, 2)))  # type: ignore[arg-type]


def test_given_gold_fills_rows_and_wins_over_a_differing_consensus():
    ann = annotations([1, 2], ["spam", "spam"])
    votes = votes_with([1, 2, 3])
    assert ann.to_gold(votes, gold=[-1, -1, 0]).tolist() == [1, 1, 0]
    with pytest.warns(AnnotationWarning, match=r"on 1 item\(s\).*differs from the given gold"):
        merged = ann.to_gold(votes, gold={2: "ham"})
    assert merged.tolist() == [1, 0, -1]


def test_gold_that_contradicts_an_adjudication_is_an_error():
    ann = annotations([1, 2], ["spam", "spam"]).with_adjudication(
        pd.DataFrame({"item": [2], "label": ["spam"]})
    )
    votes = votes_with([1, 2])
    with pytest.raises(DataError, match=r"item 2 is adjudicated as 'spam' but the gold says 'ham'"):
        ann.to_gold(votes, gold={2: "ham"})
    assert ann.to_gold(votes, gold={2: "spam"}).tolist() == [1, 1]

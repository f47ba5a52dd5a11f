"""Each annotator against the consensus and against gold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel.annotations import Annotations, annotator_confusion, annotator_summary
from weaklabel.exceptions import DataError, ParameterError


@pytest.fixture
def ann() -> Annotations:
    return Annotations.from_frame(
        pd.DataFrame(
            {
                "item": [1, 1, 1, 2, 2, 2, 3],
                "annotator": ["a", "b", "c", "a", "b", "c", "c"],
                "label": ["x", "x", "y", "y", "y", "y", "x"],
            }
        )
    )


def test_summary_against_consensus(ann):
    summary = annotator_summary(ann, method="majority")
    assert list(summary.columns) == [
        "annotator",
        "n_labels",
        "n_shared",
        "consensus_agreement",
        "n_gold",
        "gold_accuracy",
    ]
    assert summary["n_labels"].tolist() == [2, 2, 3]
    assert summary["n_shared"].tolist() == [2, 2, 2]
    assert summary["consensus_agreement"].tolist() == pytest.approx([1.0, 1.0, 2 / 3])
    assert summary["gold_accuracy"].isna().all()


def test_summary_against_gold_uses_only_items_with_gold(ann):
    gold = pd.Series(["y", None, "x", "x"], index=[1, 2, "3", 99])  # 99: not annotated, unused
    summary = annotator_summary(ann, gold=gold, method="majority").set_index("annotator")
    assert summary["n_gold"].tolist() == [1, 1, 2]
    assert summary["gold_accuracy"].tolist() == pytest.approx([0.0, 0.0, 1.0])
    with pytest.raises(DataError, match=r"gold label of item 1 is 'z', which is not a class"):
        annotator_summary(ann, gold={1: "z"})
    with pytest.raises(ParameterError, match="'gold' parameter of annotator_summary"):
        annotator_summary(ann, gold=[1, 2])


def test_confusion_against_consensus_and_gold(ann):
    confusion = annotator_confusion(ann, "c", method="majority")
    assert confusion.index.name == "reference" and confusion.columns.name == "c"
    assert confusion.values.tolist() == [[1, 1], [0, 1]]
    against_gold = annotator_confusion(ann, "c", gold={1: "x", 3: "y"})
    assert against_gold.values.tolist() == [[0, 1], [1, 0]]
    assert int(np.asarray(against_gold).sum()) == 2
    with pytest.raises(ParameterError, match="Did you mean 'c'"):
        annotator_confusion(ann, "cc")

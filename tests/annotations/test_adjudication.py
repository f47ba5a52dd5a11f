"""Items for adjudication, and adjudication tables that override the consensus."""

from __future__ import annotations

import pandas as pd
import pytest

from weaklabel.annotations import Annotations, krippendorff_alpha
from weaklabel.exceptions import DataError, ParameterError


@pytest.fixture
def ann(fixtures) -> Annotations:
    # 101 spam/spam, 102 ham/spam (a tie), 103 ham/ham, 104 spam (one annotator)
    return Annotations.read(fixtures / "annotations" / "long.csv")


def test_single_annotator_and_uncertain_items_are_listed(ann):
    listed = ann.for_adjudication(method="majority")
    assert listed["item"].tolist() == [102, 104]  # least confident first
    assert listed["reason"].tolist() == ["low confidence", "one annotator"]
    assert "adjudicated" not in listed.columns
    # a lower threshold still lists the item nobody else checked
    assert ann.for_adjudication(threshold=0.0)["item"].tolist() == [104]
    with pytest.raises(ParameterError, match="'threshold' parameter"):
        ann.for_adjudication(threshold=2)


def test_an_adjudication_file_overrides_the_consensus(ann, fixtures):
    settled = ann.with_adjudication(fixtures / "annotations" / "adjudication.csv")
    table = settled.consensus_table(method="majority").set_index("item")
    assert table.loc[102, "label"] == "spam" and table.loc[104, "label"] == "ham"
    assert table.loc[104, "confidence"] == 1.0
    assert table["adjudicated"].tolist() == [False, True, False, True]
    assert settled.consensus().loc[104] == "ham"
    assert settled.for_adjudication().empty
    assert settled.adjudication.values.tolist() == [[102, "spam", "dee"], [104, "ham", "dee"]]
    # the annotations, and so the agreement, are unchanged; the original is untouched
    assert settled.to_frame().equals(ann.to_frame())
    assert krippendorff_alpha(settled) == krippendorff_alpha(ann)
    assert ann.adjudication.empty


def test_a_later_adjudication_overrides_an_earlier_item_by_item(ann):
    first = ann.with_adjudication(pd.DataFrame({"item": [102, 104], "label": ["ham", "ham"]}))
    second = first.with_adjudication(pd.DataFrame({"item": ["104"], "label": ["spam"]}))
    assert second.consensus(method="majority").loc[[102, 104]].tolist() == ["ham", "spam"]


def test_bad_adjudications(ann, tmp_path):
    with pytest.raises(DataError, match=r"row 1: the label 'eggs' is not a class name"):
        ann.with_adjudication(pd.DataFrame({"item": [102, 104], "label": ["ham", "eggs"]}))
    path = tmp_path / "adj.csv"
    path.write_text("item,label\n102,ham\n104,spam\n102,spam\n")
    with pytest.raises(
        DataError, match=r"adj\.csv: the item 102 is adjudicated twice \(line 2 and"
    ):
        ann.with_adjudication(path)
    with pytest.raises(
        DataError, match=r"1 adjudicated item\(s\) are not among the annotated.*999"
    ):
        ann.with_adjudication(pd.DataFrame({"item": [999], "label": ["ham"]}))
    with pytest.raises(DataError, match="The label column 'label' is not in the adjudication"):
        ann.with_adjudication(pd.DataFrame({"item": [102], "class": ["ham"]}))
    with pytest.raises(ParameterError, match="path to a CSV or JSON Lines file or a DataFrame"):
        ann.with_adjudication({102: "ham"})  # type: ignore[arg-type]

"""Annotations.read for tables: long CSV / JSON Lines, wide CSV, and bad files."""

from __future__ import annotations

import pytest

from weaklabel.annotations import Annotations
from weaklabel.exceptions import DataError, ParameterError


def test_long_csv(fixtures):
    ann = Annotations.read(fixtures / "annotations" / "long.csv")
    frame = ann.to_frame()
    assert list(frame.columns) == ["item", "annotator", "label", "created_at"]
    assert frame["item"].tolist() == [101, 101, 102, 102, 103, 103, 104]
    assert ann.annotators == ("ana", "bo") and ann.classes == ("ham", "spam")


def test_long_json_lines(fixtures):
    ann = Annotations.read(fixtures / "annotations" / "long.jsonl")
    assert list(ann.items) == ["r1", "r2", "r3"]
    assert len(ann) == 5


def test_wide_csv_is_told_from_long_by_its_columns(fixtures):
    ann = Annotations.read(fixtures / "annotations" / "wide.csv")
    assert ann.annotators == ("ana", "bo", "cy")
    assert list(ann.items) == [1, 2, 3]
    assert len(ann) == 7  # two empty cells are "not labeled"


def test_layout_and_item_can_be_named(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text("row,label,other\n1,x,y\n2,y,y\n")  # 'label' is an annotator here
    ann = Annotations.read(path, layout="wide", item="row")
    assert ann.annotators == ("label", "other")
    with pytest.raises(ParameterError, match="'layout' parameter"):
        Annotations.read(path, layout="tall")


def test_unknown_class_names_the_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("item,annotator,label\n1,a,spam\n2,a,ham\n3,a,spma\n")
    with pytest.raises(DataError, match=r"a\.csv: line 4: the label 'spma' is not a class name"):
        Annotations.read(path, classes=["ham", "spam"])


def test_unknown_class_in_json_lines_names_the_line(fixtures):
    with pytest.raises(DataError, match=r"long\.jsonl: line 4: the label 'ham' is not a class"):
        Annotations.read(fixtures / "annotations" / "long.jsonl", classes=["spam", "eggs"])


def test_unknown_class_in_a_wide_table_names_line_and_column(fixtures):
    with pytest.raises(DataError, match=r"line 3, column 'ana': the label 'ham' is not"):
        Annotations.read(fixtures / "annotations" / "wide.csv", classes=["spam", "eggs"])


def test_csv_missing_a_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("item,label,who\n1,x,a\n")
    with pytest.raises(DataError, match=r"The annotator column 'annotator' is not in .*a\.csv"):
        Annotations.read(path)
    wide = tmp_path / "w.csv"
    wide.write_text("row,ana,bo\n1,x,y\n")
    with pytest.raises(DataError, match=r"The item column 'item' is not in .*item="):
        Annotations.read(wide)


def test_missing_label_names_the_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("item,annotator,label\n1,a,x\n2,a,\n")
    with pytest.raises(DataError, match=r"a\.csv: line 3 has no label"):
        Annotations.read(path)


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "a.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"a\.csv: the file is empty"):
        Annotations.read(empty)
    header = tmp_path / "h.csv"
    header.write_text("item,annotator,label\n")
    with pytest.raises(DataError, match=r"h\.csv: the file holds no rows"):
        Annotations.read(header)
    with pytest.raises(DataError, match="no such file"):
        Annotations.read(tmp_path / "gone.csv")
    with pytest.raises(DataError, match=r"cannot tell the format from the suffix '\.txt'"):
        Annotations.read(tmp_path / "a.txt")


def test_a_wide_table_with_no_label_at_all(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("item,ana,bo\n1,,\n")
    with pytest.raises(DataError, match="no annotator labeled any item"):
        Annotations.read(path)


def test_malformed_csv_names_the_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("item,annotator,label\n1,a,x\n2,a,y,z\n")
    with pytest.raises(DataError, match=r"a\.csv, line 3: malformed CSV row"):
        Annotations.read(path)

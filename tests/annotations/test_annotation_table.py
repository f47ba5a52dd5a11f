"""Annotations.from_frame / from_wide: classes, repeats, missing values, immutability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel.annotations import Annotations
from weaklabel.exceptions import AnnotationWarning, DataError, ParameterError


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_round_trip_through_to_frame():
    df = frame(item=[3, 1, 3], annotator=["bo", "ana", "ana"], label=["spam", "ham", "spam"])
    ann = Annotations.from_frame(df)
    assert ann.to_frame().to_dict("list") == df.to_dict("list")
    assert list(ann.items) == [3, 1]  # first appearance
    assert ann.annotators == ("ana", "bo")  # sorted
    assert ann.classes == ("ham", "spam")
    assert (len(ann), ann.n_items, ann.n_annotators) == (3, 2, 2)


def test_classes_default_to_the_sorted_labels_numerically_when_numbers():
    ann = Annotations.from_frame(frame(item=[1, 2, 3], annotator=["a"] * 3, label=[10, 2, 1]))
    assert ann.classes == ("1", "2", "10")
    assert ann.to_frame()["label"].tolist() == ["10", "2", "1"]


def test_given_classes_set_the_order_and_refuse_unknown_labels():
    df = frame(item=[1, 2], annotator=["a", "a"], label=["spam", "ham"])
    assert Annotations.from_frame(df, classes=["spam", "ham", "eggs"]).classes == (
        "spam",
        "ham",
        "eggs",
    )
    with pytest.raises(DataError, match=r"row 1: the label 'ham' is not a class name.*'spam', 'x'"):
        Annotations.from_frame(df, classes=["spam", "x"])
    with pytest.raises(ParameterError, match="at least two distinct"):
        Annotations.from_frame(df, classes=["spam"])


def test_a_single_class_needs_the_classes_named():
    df = frame(item=[1, 2], annotator=["a", "b"], label=["spam", "spam"])
    with pytest.raises(DataError, match=r"every annotation has the label 'spam'.*classes="):
        Annotations.from_frame(df)
    assert Annotations.from_frame(df, classes=["ham", "spam"]).classes == ("ham", "spam")


def test_an_item_labeled_twice_keeps_the_last_in_file_order_and_says_so():
    df = frame(item=[1, 1, 2, 1], annotator=["a", "b", "a", "a"], label=["x", "y", "y", "y"])
    with pytest.warns(AnnotationWarning, match=r"1 annotation\(s\).*item 1 by 'a'.*last in the"):
        ann = Annotations.from_frame(df)
    out = ann.to_frame()
    assert out.values.tolist() == [[1, "b", "y"], [2, "a", "y"], [1, "a", "y"]]


def test_an_item_labeled_twice_keeps_the_latest_by_created_at():
    df = frame(
        item=[1, 1, 1],
        annotator=["a", "a", "a"],
        label=["x", "y", "z"],
        created_at=["2024-01-03T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00+00:00"],
    )
    with pytest.warns(AnnotationWarning, match=r"2 annotation\(s\).*latest by created_at"):
        ann = Annotations.from_frame(df)
    assert ann.to_frame()["label"].tolist() == ["x"]


def test_missing_values_are_errors_naming_the_row():
    with pytest.raises(DataError, match=r"row 1 has no label"):
        Annotations.from_frame(frame(item=[1, 2], annotator=["a", "a"], label=["x", None]))
    with pytest.raises(DataError, match=r"row 0 has no annotator"):
        Annotations.from_frame(frame(item=[1, 2], annotator=[" ", "a"], label=["x", "y"]))
    with pytest.raises(DataError, match=r"row 1 has no item"):
        Annotations.from_frame(frame(item=[1, np.nan], annotator=["a", "a"], label=["x", "y"]))


def test_bad_times_are_errors_naming_the_row():
    df = frame(
        item=[1, 2], annotator=["a", "a"], label=["x", "y"], created_at=["2024-01-01", "soon"]
    )
    with pytest.raises(DataError, match=r"row 1: the created_at 'soon' is not an ISO 8601 time"):
        Annotations.from_frame(df)


def test_missing_column_is_the_one_missing_column_error():
    df = frame(item=[1], worker=["a"], label=["x"])
    with pytest.raises(DataError, match=r"The annotator column 'annotator' is not in .*worker"):
        Annotations.from_frame(df)
    ann = Annotations.from_frame(
        frame(item=[1, 2], worker=["a", "a"], label=["x", "y"]), annotator="worker"
    )
    assert ann.annotators == ("a",)


def test_empty_frame_and_wrong_type_are_refused():
    with pytest.raises(DataError, match="holds no annotations"):
        Annotations.from_frame(frame(item=[], annotator=[], label=[]))
    with pytest.raises(ParameterError, match="must be a pandas DataFrame"):
        Annotations.from_frame([("1", "a", "x")])  # type: ignore[arg-type]


def test_wide_frames_skip_empty_cells():
    wide = frame(item=["a", "b", "c"], ana=["x", "", None], bo=["y", "x", None])
    ann = Annotations.from_wide(wide)
    assert ann.to_frame().values.tolist() == [["a", "ana", "x"], ["a", "bo", "y"], ["b", "bo", "x"]]
    # an item nobody labeled is no annotated item: nothing to say about it
    assert list(ann.items) == ["a", "b"]


def test_annotations_are_immutable():
    ann = Annotations.from_frame(frame(item=[1, 2], annotator=["a", "a"], label=["x", "y"]))
    with pytest.raises(AttributeError):
        ann.classes = ("p", "q")  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        ann._codes.label[0] = 1
    with pytest.raises(ParameterError, match="from_frame"):
        Annotations("not codes")  # type: ignore[arg-type]

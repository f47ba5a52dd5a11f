from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel import DataError, VoteMatrix
from weaklabel._votes.gold import as_gold


@pytest.fixture
def votes():
    return VoteMatrix.from_dense(
        [[0], [1], [-1]], cardinality=2, class_names=["ham", "spam"], row_ids=["a", "b", "c"]
    )


def test_forms_of_unknown(votes):
    assert as_gold([None, np.nan, ""], votes).tolist() == [-1, -1, -1]
    assert as_gold(pd.Series(["spam", "ham", None]), votes).tolist() == [1, 0, -1]
    assert as_gold(np.array([1, -1, 0]), votes).tolist() == [1, -1, 0]
    assert as_gold([1.0, 0.0, -1.0], votes).tolist() == [1, 0, -1]
    assert as_gold(["1", "0", "-1"], votes).tolist() == [1, 0, -1]


def test_mapping_by_row_id(votes):
    assert as_gold({"c": "spam", "a": 0}, votes).tolist() == [0, -1, 1]


def test_unknown_row_id_is_named(votes):
    with pytest.raises(DataError, match="row id 'zz' is not a row"):
        as_gold({"zz": 1}, votes)


def test_unknown_class_is_named_with_valid_options(votes):
    with pytest.raises(DataError, match=r"row 1 is 'eggs'.*\['ham', 'spam'\]"):
        as_gold(["ham", "eggs", None], votes)
    with pytest.raises(DataError, match="row 0 is 5"):
        as_gold([5, 0, 0], votes)


def test_length_must_match(votes):
    with pytest.raises(DataError, match="one gold label per row"):
        as_gold([0, 1], votes)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("--1", "is '--1', which is not a class. Valid forms"),
        ("+1", "is '+1', which is not a class"),
        (1.5, "is 1.5, which is not a class (not a whole number)"),
        (True, "is True, which is not a class (a bool; use 0 / 1"),
        (np.True_, "is True, which is not a class (a bool"),
        ("1.0", "is '1.0', which is not a class"),
    ],
)
def test_malformed_gold_names_row_value_and_valid_forms(votes, value, reason):
    """'--1' used to pass str.isdigit after lstrip('-') and crash in int()."""
    with pytest.raises(DataError) as caught:
        as_gold([0, value, None], votes)
    message = str(caught.value)
    assert f"row 1 {reason}" in message
    assert "class name ['ham', 'spam'], a class index 0..1" in message
    assert "-1 / None / NaN / '' for unknown" in message


def test_spaces_around_gold_strings_are_ignored(votes):
    assert as_gold(["  1 ", " spam ", "   "], votes).tolist() == [1, 1, -1]


def test_nullable_gold_columns(votes):
    """read_data gives Int64 for an integer gold column with empty cells: pd.NA is unknown."""
    assert as_gold(pd.Series([1, None, 0], dtype="Int64"), votes).tolist() == [1, -1, 0]
    assert as_gold([pd.NA, np.int32(1), np.float64(0.0)], votes).tolist() == [-1, 1, 0]
    assert as_gold({"b": pd.NA, "c": " ham"}, votes).tolist() == [-1, -1, 0]

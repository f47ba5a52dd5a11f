from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    ABSTAIN,
    DataError,
    LabelingFunctionError,
    ParameterError,
    apply_lfs,
    labeling_function,
    preprocessor,
)


def test_votes_match_calling_each_lf(comments, spam_lfs):
    votes = apply_lfs(spam_lfs, comments, progress=False)
    expected = np.array(
        [[lf({"text": t}) for lf in spam_lfs] for t in comments["text"]], dtype=np.int64
    )
    assert np.array_equal(votes.to_dense(), expected)
    assert votes.lf_names == ("has_link", "subscribe", "praise")
    assert votes.row_ids.tolist() == ["r0", "r1", "r2", "r3", "r4"]


def test_chunking_does_not_change_the_result(comments, spam_lfs):
    whole = apply_lfs(spam_lfs, comments, progress=False)
    for size in (1, 2, 3):
        assert apply_lfs(spam_lfs, comments, progress=False, chunk_size=size) == whole


def test_records_input_and_id_column(spam_lfs):
    records = [{"id": "a", "text": "love it"}, {"id": "b", "text": "subscribe http://x"}]
    votes = apply_lfs(spam_lfs, records, id_column="id", classes=["ham", "spam"], progress=False)
    assert votes.row_ids.tolist() == ["a", "b"]
    assert votes.class_names == ("ham", "spam")
    assert votes.to_dense().tolist() == [[-1, -1, 0], [1, 1, -1]]


def test_cardinality_is_inferred_when_not_given(comments):
    @labeling_function
    def three(x):
        return 2

    assert apply_lfs([three], comments, progress=False).cardinality == 3


def test_numpy_integer_votes_are_accepted(comments):
    @labeling_function
    def np_vote(x):
        return np.int64(1)

    assert apply_lfs([np_vote], comments, cardinality=2, progress=False).n_votes == 5


def test_preprocessor_runs_once_per_row_for_several_lfs(comments):
    calls = []

    @preprocessor
    def lower(x):
        calls.append(1)
        return {"lower": x.text.lower()}

    @labeling_function(pre=[lower])
    def a(x):
        return 1 if "check" in x.lower else ABSTAIN

    @labeling_function(pre=[lower])
    def b(x):
        return 0 if "love" in x.lower else ABSTAIN

    votes = apply_lfs([a, b], comments, progress=False)
    assert len(calls) == len(comments)
    assert votes.to_dense()[:2].tolist() == [[1, -1], [-1, 0]]


# -- bad input -------------------------------------------------------------------------------


def test_an_lf_that_raises_names_the_lf_and_row(comments):
    @labeling_function
    def divide(x):
        return 1 // (len(x.text) - 14)  # "love this song" has 14 characters

    with pytest.raises(
        LabelingFunctionError, match=r"'divide' failed on row 'r1'.*ZeroDivisionError"
    ) as info:
        apply_lfs([divide], comments, cardinality=2, progress=False)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert info.value.lf_name == "divide" and info.value.row_id == "r1"
    assert "on_error='abstain'" in str(info.value)


def test_on_error_abstain_counts_failures(comments):
    @labeling_function
    def fragile(x):
        if "song" in x.text:
            raise RuntimeError("boom")
        return 1

    votes = apply_lfs([fragile], comments, cardinality=2, on_error="abstain", progress=False)
    assert votes.lf_failures.tolist() == [1]
    assert votes.to_dense()[:, 0].tolist() == [1, -1, 1, 1, 1]


def test_failing_preprocessor_counts_for_each_lf_using_it(comments):
    @preprocessor
    def picky(x):
        if "song" in x.text:
            raise ValueError("no songs")
        return {"n": len(x.text)}

    @labeling_function(pre=[picky])
    def long_text(x):
        return 1 if x.n > 10 else ABSTAIN

    with pytest.raises(LabelingFunctionError, match="preprocessor 'picky' raised ValueError"):
        apply_lfs([long_text], comments, cardinality=2, progress=False)
    votes = apply_lfs([long_text], comments, cardinality=2, on_error="abstain", progress=False)
    assert votes.lf_failures.tolist() == [1]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("spam", r"returned 'spam' \(str\).*return the class index 1 for 'spam'"),
        (7, r"returned 7 \(int\).*0\.\.1 or ABSTAIN.*there are 2 classes"),
        (1.5, r"returned 1\.5 \(float\).*not scores or floats"),
        (None, r"returned None \(NoneType\).*forget to return ABSTAIN"),
        (True, r"returned True \(bool\).*not True/False"),
        (-3, r"returned -3 \(int\)"),
    ],
)
def test_invalid_votes_are_refused_with_lf_and_row(comments, value, message):
    @labeling_function
    def bad(x):
        return value if x.author == "c" else ABSTAIN

    with pytest.raises(LabelingFunctionError, match=message) as info:
        apply_lfs([bad], comments, classes=["ham", "spam"], progress=False)
    assert "'bad'" in str(info.value) and "row 'r2'" in str(info.value)


def test_invalid_votes_are_refused_even_with_on_error_abstain(comments):
    @labeling_function
    def bad(x):
        return "spam"

    with pytest.raises(LabelingFunctionError, match="returned 'spam'"):
        apply_lfs([bad], comments, cardinality=2, on_error="abstain", progress=False)


def test_missing_field_names_field_and_available_ones(comments):
    @labeling_function
    def reads_body(x):
        return 1 if "x" in x.body else ABSTAIN

    with pytest.raises(
        LabelingFunctionError,
        match=r"'reads_body' reads a field the data lacks: The field 'body' is not in the data "
        r"\(row .*\); its fields "
        r"are: text, author",
    ):
        apply_lfs([reads_body], comments, on_error="abstain", progress=False)


def test_an_attribute_error_inside_the_lf_is_a_failure_not_a_missing_field(comments):
    @labeling_function
    def buggy(x):
        return x.text.nonexistent_method()

    with pytest.raises(LabelingFunctionError, match=r"failed on row 'r0'.*AttributeError"):
        apply_lfs([buggy], comments, progress=False)


def test_duplicate_lf_names_are_refused(comments):
    @labeling_function(name="same")
    def a(x):
        return 1

    @labeling_function(name="same")
    def b(x):
        return 0

    with pytest.raises(ParameterError, match="'same' appear"):
        apply_lfs([a, b], comments, progress=False)


def test_no_lfs_is_refused(comments):
    with pytest.raises(ParameterError, match="at least one labeling function"):
        apply_lfs([], comments, progress=False)


def test_undecorated_function_is_refused(comments):
    def plain(x):
        return 1

    with pytest.raises(ParameterError, match=r"plain.*decorate it with @labeling_function"):
        apply_lfs([plain], comments, progress=False)


@pytest.mark.parametrize("data", [pd.DataFrame({"text": []}), []], ids=["frame", "list"])
def test_empty_dataset_is_refused(spam_lfs, data):
    with pytest.raises(DataError, match="no rows"):
        apply_lfs(spam_lfs, data, progress=False)


def test_unknown_id_column_lists_columns(comments, spam_lfs):
    with pytest.raises(
        DataError, match="id column 'uid' is not in the data; its columns are: text, author"
    ):
        apply_lfs(spam_lfs, comments, id_column="uid", progress=False)


def test_duplicate_ids_are_refused(spam_lfs):
    frame = pd.DataFrame({"text": ["a", "b"], "id": ["x", "x"]})
    with pytest.raises(DataError, match="unique row ids; 'x' repeats"):
        apply_lfs(spam_lfs, frame, id_column="id", progress=False)


def test_on_error_must_be_a_known_choice(comments, spam_lfs):
    with pytest.raises(
        ParameterError, match=r"'on_error'.*'raise', 'abstain'.*Did you mean 'abstain'"
    ):
        apply_lfs(spam_lfs, comments, on_error="abstian", progress=False)


def test_classes_and_cardinality_must_agree(comments, spam_lfs):
    with pytest.raises(ParameterError, match="disagrees"):
        apply_lfs(spam_lfs, comments, cardinality=3, classes=["a", "b"], progress=False)


def test_records_must_be_mappings(spam_lfs):
    with pytest.raises(DataError, match=r"data\[1\] is a str"):
        apply_lfs(spam_lfs, [{"text": "a"}, "b"], progress=False)


def test_progress_bar_writes_to_stderr_and_can_be_silenced(comments, spam_lfs, capsys):
    apply_lfs(spam_lfs, comments, progress=False)
    assert capsys.readouterr().err == ""
    apply_lfs(spam_lfs, comments, progress=True)
    assert "Applying LFs" in capsys.readouterr().err

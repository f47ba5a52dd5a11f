"""Expected calibration error and the reliability table, against hand-computed examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from strategies import scored_probabilities

from weaklabel import DataError, ParameterError, VoteMatrix
from weaklabel.analysis import expected_calibration_error, label_summary, reliability_table
from weaklabel.models import MajorityVote

# Two classes, 5 bins ([0, .2), [.2, .4), ..., [.8, 1]):
#   [.6, .8): confidences .7 and .6, both right -> confidence .65, accuracy 1,  gap -.35
#   [.8, 1]:  confidences .9 (right), .8 (wrong) -> confidence .85, accuracy .5, gap  .35
#   ECE = 2/4 * .35 + 2/4 * .35 = .35
TWO = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
TWO_GOLD = np.array([0, 1, 1, 0])

# Three classes, 4 bins ([0, .25), [.25, .5), [.5, .75), [.75, 1]):
#   [.25, .5): .4 (predicts 0, gold 2: wrong)                  -> .4,  accuracy 0,  gap  .4
#   [.5, .75): .5 (right), .6 (predicts 2, gold 1: wrong)      -> .55, accuracy .5, gap  .05
#   [.75, 1]:  .8 (right), .9 (right)                           -> .85, accuracy 1,  gap -.15
#   ECE = 1/5 * .4 + 2/5 * .05 + 2/5 * .15 = .16
THREE = np.array(
    [
        [0.5, 0.3, 0.2],
        [0.2, 0.2, 0.6],
        [0.1, 0.8, 0.1],
        [0.4, 0.35, 0.25],
        [0.05, 0.05, 0.9],
    ]
)
THREE_GOLD = np.array([0, 1, 1, 2, 2])


def test_two_classes_worked_example():
    assert expected_calibration_error(TWO, TWO_GOLD, n_bins=5) == pytest.approx(0.35)
    table = reliability_table(TWO, TWO_GOLD, n_bins=5)
    assert list(table.columns) == ["bin_low", "bin_high", "n_rows", "confidence", "accuracy", "gap"]
    assert table["bin_low"].tolist() == pytest.approx([0.6, 0.8])
    assert table["bin_high"].tolist() == pytest.approx([0.8, 1.0])
    assert table["n_rows"].tolist() == [2, 2]
    assert table["confidence"].tolist() == pytest.approx([0.65, 0.85])
    assert table["accuracy"].tolist() == pytest.approx([1.0, 0.5])
    assert table["gap"].tolist() == pytest.approx([-0.35, 0.35])


def test_three_classes_worked_example():
    assert expected_calibration_error(THREE, THREE_GOLD, n_bins=4) == pytest.approx(0.16)
    table = reliability_table(THREE, THREE_GOLD, n_bins=4)
    assert table["bin_low"].tolist() == pytest.approx([0.25, 0.5, 0.75])
    assert table["n_rows"].tolist() == [1, 2, 2]
    assert table["confidence"].tolist() == pytest.approx([0.4, 0.55, 0.85])
    assert table["accuracy"].tolist() == pytest.approx([0.0, 0.5, 1.0])


def test_result_types():
    ece = expected_calibration_error(TWO, TWO_GOLD)
    assert type(ece) is float
    assert reliability_table(TWO, TWO_GOLD)["n_rows"].dtype == np.int64


def test_perfect_calibration_scores_zero():
    # in each bin, the share of right labels equals the confidence
    probs = np.array([[0.7, 0.3]] * 10 + [[0.25, 0.75]] * 4 + [[0.0, 1.0]] * 3)
    gold = np.array([0] * 7 + [1] * 3 + [1] * 3 + [0] + [1] * 3)
    assert expected_calibration_error(probs, gold) == pytest.approx(0.0, abs=1e-12)
    assert reliability_table(probs, gold)["gap"].abs().max() == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n_bins", [1, 2, 15, 100])
def test_constant_overconfidence_is_confidence_minus_accuracy(n_bins):
    # always 90% sure, right 6 times in 10
    probs = np.array([[0.9, 0.05, 0.05]] * 10)
    gold = np.array([0] * 6 + [1, 2, 1, 2])
    assert expected_calibration_error(probs, gold, n_bins=n_bins) == pytest.approx(0.3)
    (row,) = reliability_table(probs, gold, n_bins=n_bins).itertuples(index=False)
    assert (row.n_rows, row.confidence, row.accuracy) == (10, pytest.approx(0.9), 0.6)
    assert row.gap == pytest.approx(0.3)


def test_unknown_gold_is_ignored():
    probs = np.vstack([TWO, [[0.99, 0.01], [0.5, 0.5], [0.0, 1.0]]])
    gold = np.array([*TWO_GOLD, -1, -1, -1])
    assert expected_calibration_error(probs, gold, n_bins=5) == pytest.approx(0.35)
    pd.testing.assert_frame_equal(
        reliability_table(probs, gold, n_bins=5), reliability_table(TWO, TWO_GOLD, n_bins=5)
    )


def test_rows_mask_keeps_only_its_rows():
    mask = np.array([True, False, True, True, False])
    assert expected_calibration_error(THREE, THREE_GOLD, n_bins=4, rows=mask) == pytest.approx(
        expected_calibration_error(THREE[mask], THREE_GOLD[mask], n_bins=4)
    )
    # rows .4 (wrong, [.25, .5)), .5 (right, [.5, .75)), .8 (right, [.75, 1]): (.4 + .5 + .2) / 3
    assert expected_calibration_error(THREE, THREE_GOLD, n_bins=4, rows=mask) == pytest.approx(
        1.1 / 3
    )
    assert reliability_table(THREE, THREE_GOLD, n_bins=4, rows=mask)["n_rows"].tolist() == [1, 1, 1]


def test_no_scored_row_gives_nan_and_an_empty_table():
    assert np.isnan(expected_calibration_error(TWO, [-1, -1, -1, -1]))
    assert np.isnan(expected_calibration_error(TWO, TWO_GOLD, rows=np.zeros(4, dtype=bool)))
    table = reliability_table(TWO, [-1] * 4)
    assert table.empty and list(table.columns) == [
        "bin_low",
        "bin_high",
        "n_rows",
        "confidence",
        "accuracy",
        "gap",
    ]


def test_edges_go_to_the_bin_above_and_the_last_bin_is_closed():
    probs = np.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])
    table = reliability_table(probs, [0, 0, 1], n_bins=2)
    assert table["bin_low"].tolist() == [0.5] and table["n_rows"].tolist() == [3]
    table = reliability_table(probs, [0, 0, 1], n_bins=15)
    assert table["bin_high"].tolist() == [8 / 15, 1.0]
    assert table["n_rows"].tolist() == [1, 2]


@pytest.fixture
def tied():
    """Every row is a 0.5 / 0.5 tie; the model's class balance favours class 1."""
    votes = VoteMatrix.from_dense([[0, 1]] * 4, cardinality=2)
    model = MajorityVote(cardinality=2).fit(votes, class_balance=[0.3, 0.7])
    return votes, model


def test_ties_follow_the_models_predict(tied):
    votes, model = tied
    probs = model.predict_proba(votes)
    gold = np.array([1, 1, 1, 0])
    assert model.predict(votes).tolist() == [1, 1, 1, 1]
    with_model = reliability_table(probs, gold, model=model)
    assert with_model["accuracy"].tolist() == [0.75]  # ties go to class 1, as predict says
    assert expected_calibration_error(probs, gold, model=model) == pytest.approx(0.25)
    without = reliability_table(probs, gold)
    assert without["accuracy"].tolist() == [0.25]  # ties go to the lowest class
    summary = label_summary(votes, probs, gold=gold, model=model)
    assert summary.accuracy == with_model["accuracy"].iloc[0]


@given(scored_probabilities())
def test_ece_is_the_weighted_gap_of_the_table(case):
    probs, gold = case
    ece = expected_calibration_error(probs, gold, n_bins=7)
    table = reliability_table(probs, gold, n_bins=7)
    known = gold != -1
    if not known.any():
        assert np.isnan(ece) and table.empty
        return
    assert 0.0 <= ece <= 1.0
    assert table["n_rows"].sum() == known.sum()
    weighted = (table["n_rows"] * table["gap"].abs()).sum() / known.sum()
    assert ece == pytest.approx(weighted)
    # one bin: the gap between mean confidence and accuracy over all scored rows
    summary = label_summary(
        VoteMatrix.from_dense(np.full((len(gold), 1), -1), cardinality=probs.shape[1]),
        probs,
        gold=gold,
    )
    mean_confidence = probs[known].max(axis=1).mean()
    assert expected_calibration_error(probs, gold, n_bins=1) == pytest.approx(
        abs(mean_confidence - summary.accuracy)
    )


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [expected_calibration_error, reliability_table])
def test_gold_must_match_the_rows(function):
    with pytest.raises(DataError, match=r"gold must hold one label per row of probs \(4\)"):
        function(TWO, [0, 1, 1])


@pytest.mark.parametrize(
    ("probs", "match"),
    [
        ([0.9, 0.1, 0.3, 0.6], r"'probs' .* must be 2-D .*np\.column_stack\(\[1 - p, p\]\)"),
        (np.ones((4, 2, 1)) / 2, r"'probs' .* n x k array .*shape \(4, 2, 1\)"),
        (
            [[0.9, 0.2], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]],
            r"'probs' .* must sum to 1; row 0 .*normalize",
        ),
        ([[0.9, 0.1], [1.2, -0.2], [0.3, 0.7], [0.6, 0.4]], r"finite probabilities >= 0; row 1"),
        ([[0.9, 0.1], [0.8, 0.2], [np.nan, 0.7], [0.6, 0.4]], r"finite .*; row 2"),
        ([["a", "b"]] * 4, r"'probs' .* not numbers"),
    ],
)
def test_bad_probabilities_are_refused(probs, match):
    with pytest.raises(DataError, match=match):
        expected_calibration_error(probs, TWO_GOLD)


@pytest.mark.parametrize("n_bins", [0, -3, 1.5, True, "15"])
def test_n_bins_must_be_a_positive_int(n_bins):
    with pytest.raises(
        ParameterError,
        match=r"'n_bins' parameter of expected_calibration_error must be an int >= 1",
    ):
        expected_calibration_error(TWO, TWO_GOLD, n_bins=n_bins)


@pytest.mark.parametrize(
    ("gold", "match"),
    [
        ([0, 1, 2, 0], r"class indices 0\.\.1, or -1 where unknown; row 2 holds 2"),
        ([0, -2, 1, 0], r"row 1 holds -2"),
        ([0.0, 1.0, np.nan, 0.0], r"got float64 values .*fillna\(-1\)\.astype\(int\)"),
        (["ham", "spam", "spam", "ham"], r"got <U4 values"),
    ],
)
def test_gold_must_be_class_indices(gold, match):
    with pytest.raises(DataError, match=match):
        reliability_table(TWO, gold)


@pytest.mark.parametrize("rows", [[True, False], [1, 0, 1, 1], np.ones((4, 1), dtype=bool)])
def test_rows_must_be_a_mask_of_the_rows(rows):
    with pytest.raises(
        ParameterError, match=r"'rows' parameter of reliability_table must be a mask of 4 bools"
    ):
        reliability_table(TWO, TWO_GOLD, rows=rows)

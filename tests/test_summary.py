from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from strategies import vote_matrices

from weaklabel import DataError, VoteMatrix, lf_summary


def _reference(dense: np.ndarray) -> dict[str, list[float]]:
    """Straightforward dense computation of the same statistics, for comparison."""
    m = dense.shape[1]
    voted = dense != -1
    out: dict[str, list[float]] = {"coverage": [], "overlaps": [], "conflicts": []}
    for j in range(m):
        others = np.delete(dense, j, axis=1)
        other_voted = (others != -1).any(axis=1)
        disagree = ((others != -1) & (others != dense[:, [j]])).any(axis=1)
        out["coverage"].append(voted[:, j].mean())
        out["overlaps"].append((voted[:, j] & other_voted).mean())
        out["conflicts"].append((voted[:, j] & disagree).mean())
    return out


@given(vote_matrices())
def test_statistics_match_a_dense_reference(votes):
    summary = lf_summary(votes)
    reference = _reference(votes.to_dense())
    for column, values in reference.items():
        assert np.allclose(summary[column].to_numpy(), values), column


def test_columns_polarity_and_gold(small_votes):
    summary = lf_summary(small_votes, gold=[1, 0, 0, 1, -1, 1])
    assert list(summary.columns) == [
        "polarity",
        "coverage",
        "overlaps",
        "conflicts",
        "n_votes",
        "failures",
        "correct",
        "incorrect",
        "empirical_accuracy",
        "accuracy_low",
        "accuracy_high",
    ]
    assert summary.index.name == "lf"
    assert summary.loc["a", "polarity"] == [0, 1]
    # LF a votes 1,0,1,_,0,1 ; gold 1,0,0,1,?,1 -> rows 0,1,2,5 known: right, right, wrong, right
    assert summary.loc["a", "correct"] == 3
    assert summary.loc["a", "incorrect"] == 1
    assert summary.loc["a", "empirical_accuracy"] == pytest.approx(0.75)


def test_accuracy_is_nan_for_an_lf_without_gold_rows():
    votes = VoteMatrix.from_dense([[1, -1], [-1, 0]], cardinality=2)
    summary = lf_summary(votes, gold=[-1, 0])
    assert np.isnan(summary.loc["lf_0", "empirical_accuracy"])
    assert summary.loc["lf_1", "empirical_accuracy"] == 1.0


def test_gold_may_be_a_mapping_of_row_ids():
    votes = VoteMatrix.from_dense([[1], [0]], cardinality=2, row_ids=["a", "b"])
    summary = lf_summary(votes, gold={"b": 1})
    assert (summary.loc["lf_0", "correct"], summary.loc["lf_0", "incorrect"]) == (0, 1)


def test_failures_column_comes_from_apply():
    votes = VoteMatrix([0], [0], [1], n_rows=2, cardinality=2, n_lfs=1, lf_failures=[1])
    assert lf_summary(votes).loc["lf_0", "failures"] == 1


def test_refuses_a_dense_array():
    with pytest.raises(DataError, match="expects a VoteMatrix"):
        lf_summary(np.zeros((2, 2)))

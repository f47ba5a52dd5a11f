"""Nested one-sided LFs: a narrow LF of one class whose votes all fall inside a broad LF's."""

from __future__ import annotations

import json

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel._analysis.advice import lf_advice
from weaklabel.analysis import lf_summary
from weaklabel.exceptions import DataError
from weaklabel.models import LabelModel
from weaklabel.models._nesting import drop_nested, nested_pairs
from weaklabel.models._units import lf_poles


def exception_votes(n_rows, seed):
    """Six classes as in a question-type suite: a broad "what ..." LF of class 0 that fires on
    every row of the rare class 3 (and on half of the others), a second class-0 LF, and an
    exception LF of class 3 (right on every vote) that fires on half of class 3's rows, always
    inside both class-0 LFs; three LFs for each other class."""
    rng = np.random.default_rng(seed)
    k = 6
    truth = rng.choice(k, size=n_rows, p=[0.27, 0.19, 0.13, 0.02, 0.16, 0.23])
    columns = []

    def lf(c, rates):
        fires = rng.random(n_rows) < np.asarray(rates)[truth]
        columns.append(np.where(fires, c, -1))
        return fires

    broad = lf(0, [0.9, 0.5, 0.5, 1.0, 0.5, 0.5])
    lf(0, [0.2, 0.05, 0.05, 0.0, 0.05, 0.05])
    exception = (truth == 3) & (rng.random(n_rows) < 0.5) & broad
    columns.append(np.where(exception, 3, -1))
    columns[1][exception] = 0  # the second class-0 LF fires there too
    lf(3, [0.0, 0.0, 0.0, 0.3, 0.0, 0.0])
    for c in (1, 2, 4, 5):
        for _ in range(3):
            lf(c, [0.3 if d == c else 0.03 for d in range(k)])
    return VoteMatrix.from_dense(np.column_stack(columns), cardinality=k), truth, exception


def fit(votes, **params):
    return LabelModel(votes.cardinality, progress=False, random_state=0, **params).fit(votes)


def pairs_of(dense, k=3):
    votes = VoteMatrix.from_dense(dense, cardinality=k)
    weights = np.ones(votes.n_rows)
    return nested_pairs(votes, weights, 0.0, lf_poles(votes, k)).tolist()


def nested_suite(n_rows=1000, seed=0):
    """LF 0: class 0 on 60% of the rows; LFs 1-4 vote on rows LF 0 votes on (LF 3 on one
    other row too); LF 5 votes class 2 elsewhere."""
    rng = np.random.default_rng(seed)
    dense = np.full((n_rows, 6), -1)
    broad = np.flatnonzero(rng.random(n_rows) < 0.6)
    dense[broad, 0] = 0
    inside = rng.permutation(broad)
    dense[inside[:40], 1] = 1  # another class, 40 votes inside: nested
    dense[inside[40:80], 2] = 0  # the same class: left alone
    outside = np.setdiff1d(np.arange(n_rows), broad)
    dense[np.r_[inside[80:119], outside[:1]], 3] = 2  # one vote outside: not nested
    dense[inside[119:122], 4] = 2  # three votes inside: could be chance
    dense[outside[1:200], 5] = 2
    return dense


def test_a_narrow_lf_of_another_class_inside_a_broad_one_is_found():
    assert pairs_of(nested_suite()) == [[1, 0]]


def test_pairs_are_read_from_weighted_rows_and_the_rows_without_votes():
    dense = nested_suite()
    votes = VoteMatrix.from_dense(dense, cardinality=3)
    poles = lf_poles(votes, 3)
    voted = votes.votes_per_row() > 0
    sample, weights = votes[np.flatnonzero(voted)], np.ones(int(voted.sum()))
    unvoted = float((~voted).sum())
    assert nested_pairs(sample, weights, unvoted, poles).tolist() == [[1, 0]]
    # the broad LF's coverage counts every row: with a thousand times more rows without votes
    # it is rare, and a narrow LF with three votes inside it is no longer chance
    many = nested_pairs(sample, weights, unvoted + 1e6, poles).tolist()
    assert [4, 0] in many and [1, 0] in many


def test_the_broad_lfs_vote_is_dropped_where_the_narrow_one_votes():
    dense = nested_suite()
    confidences = np.where(dense >= 0, 0.9, np.nan)
    votes = VoteMatrix.from_dense(dense, cardinality=3, confidences=confidences)
    dropped = drop_nested(votes, np.array([[1, 0]]))
    expected = dense.copy()
    expected[dense[:, 1] >= 0, 0] = -1
    assert np.array_equal(dropped.to_dense(), expected)
    assert dropped.n_votes == votes.n_votes - 40
    assert np.allclose(dropped.confidences(), 0.9)
    assert dropped.lf_names == votes.lf_names
    assert drop_nested(votes, np.zeros((0, 2))) is votes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_exception_inside_a_broad_lf_of_another_class_is_read_as_right(seed):
    votes, _, exception = exception_votes(5000, seed)
    model, blind = fit(votes), fit(votes, drop_nested=False, silence="lf")
    assert [2, 0] in model.nested_.tolist() and [2, 1] in model.nested_.tolist()
    assert blind.nested_.shape == (0, 2)
    # independence given the class reads the broad LFs' votes as the truth there
    assert (blind.predict(votes)[exception] == 3).mean() < 0.5
    assert blind.lf_accuracies_[2] < 0.5
    assert (model.predict(votes)[exception] == 3).mean() > 0.95
    assert model.lf_accuracies_[2] > 0.95
    # with the nested votes kept, the independence test sees them (the pairs too rare to test
    # one by one fire together more often than independence says) and keeps the class-level silence
    kept = fit(votes, drop_nested=False)
    assert kept.silence_ == "class"
    assert (kept.predict(votes)[exception] == 3).mean() > 0.95


def test_without_nested_pairs_the_model_is_unchanged():
    votes, _, _ = exception_votes(3000, 0)
    dense = votes.to_dense()
    dense[:, 2] = -1  # no exception LF; the second class-3 LF may still nest: drop it too
    dense[:, 3] = -1
    plain = VoteMatrix.from_dense(dense, cardinality=6)
    model, blind = fit(plain), fit(plain, drop_nested=False)
    assert model.nested_.shape == (0, 2)
    assert np.array_equal(model.predict_proba(plain), blind.predict_proba(plain))


def test_the_pairs_are_saved_checked_and_absent_from_older_files(reloaded):
    votes, _, _ = exception_votes(3000, 0)
    model = fit(votes)
    loaded, path = reloaded(model, votes)
    assert np.array_equal(loaded.nested_, model.nested_)
    document = json.loads(path.read_text())
    for bad in ([[2, 99]], [[2, 2]], [[1, 2, 3]], "all"):
        document["state"]["nested_"] = bad
        path.write_text(json.dumps(document))
        with pytest.raises(DataError, match=r"nested_|learned state is invalid"):
            LabelModel.load(path)
    del document["state"]["nested_"]  # a file from before nested pairs
    path.write_text(json.dumps(document))
    assert LabelModel.load(path).nested_.shape == (0, 2)


def test_things_to_check_name_the_lf_whose_votes_are_set_aside():
    votes, _, _ = exception_votes(5000, 0)
    model = fit(votes)
    names = [str(c) for c in range(6)]
    advice = lf_advice(lf_summary(votes, model=model), model, names)
    aside = [line for line in advice if "aside" in line]
    assert any("'lf_0' aside" in line and "'lf_2'" in line for line in aside)
    assert all("drop_nested=False" in line for line in aside)
    blind = fit(votes, drop_nested=False)
    assert not [
        line for line in lf_advice(lf_summary(votes, model=blind), blind, names) if "aside" in line
    ]

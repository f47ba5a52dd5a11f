"""training_targets: what the end model learns from (weaklabel run, the benchmarks)."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import DataError
from weaklabel.datasets import make_votes
from weaklabel.endmodel import training_targets
from weaklabel.models import LabelModel


@pytest.fixture(scope="module")
def fitted():
    votes, truth = make_votes(400, [0.85, 0.8, 0.75, 0.7, 0.65, 0.6], [0.3] * 6, random_state=0)
    gold = np.full(votes.n_rows, -1)
    gold[:40] = truth[:40]
    plain = LabelModel(progress=False, random_state=0).fit(votes)
    with_gold = LabelModel(progress=False, random_state=0).fit(votes, gold=gold)
    return votes, gold, plain, with_gold


def _raw(model, votes, gold=None):
    """The same model fitted without its label noise (the fit does not depend on it)."""
    return LabelModel(**{**model.get_params(), "label_noise": 0.0}).fit(votes, gold=gold)


def test_without_gold_the_targets_are_the_label_model_s_and_uncovered_rows_weigh_nothing(fitted):
    votes, _, plain, _ = fitted
    targets, weight = training_targets(plain, votes)
    # the label model's probabilities before its label noise: the end model sets its own confidence
    np.testing.assert_array_equal(targets, _raw(plain, votes).predict_proba(votes))
    assert not np.allclose(targets, plain.predict_proba(votes))
    assert plain.label_noise == 0.05  # the caller's model is left as it was
    np.testing.assert_array_equal(weight, (votes.votes_per_row() > 0).astype(float))
    assert (weight == 0).any()  # make_votes leaves some rows without votes


def test_with_gold_labeled_rows_are_one_hot_and_the_rest_skip_the_pattern_update(fitted):
    votes, gold, _, model = fitted
    targets, weight = training_targets(model, votes, gold=gold)
    known = gold >= 0
    np.testing.assert_array_equal(targets[known], np.eye(2)[gold[known]])
    raw = _raw(model, votes, gold)
    np.testing.assert_array_equal(targets[~known], raw.prior_proba(votes)[~known])
    assert not np.allclose(model.prior_proba(votes), model.predict_proba(votes))
    assert (weight[known] == 1).all()


def test_bad_gold_is_refused(fitted):
    votes, _, plain, _ = fitted
    with pytest.raises(DataError, match=r"one class index \(0\.\.1\) or -1 per row .* \(400\)"):
        training_targets(plain, votes, gold=[0, 1])
    with pytest.raises(DataError, match=r"Annotations\.to_gold"):
        training_targets(plain, votes, gold=np.full(400, 2))

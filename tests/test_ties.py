"""Everything that reports labels breaks ties as the model's ``predict`` does (never argmax)."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel.analysis import build_report, conflict_examples, label_summary
from weaklabel.models import LabelModel, MajorityVote
from weaklabel.models._ties import predicted_labels


@pytest.fixture
def tied():
    """Every row is a 2-2 tie; the class balance favours class 1."""
    votes = VoteMatrix.from_dense([[0, 0, 1, 1]] * 6 + [[1, 1, 0, 0]] * 4, cardinality=2)
    model = MajorityVote(cardinality=2).fit(votes, class_balance=[0.3, 0.7])
    return votes, model


def test_predict_gives_the_class_with_the_larger_balance(tied):
    votes, model = tied
    assert np.allclose(model.predict_proba(votes), 0.5)
    assert model.predict(votes).tolist() == [1] * 10


def test_label_summary_reports_the_predicted_balance(tied):
    votes, model = tied
    summary = label_summary(votes, model.predict_proba(votes), model=model)
    assert summary.predicted_balance.tolist() == [0.0, 1.0]


def test_label_summary_accuracy_uses_the_predicted_labels(tied):
    votes, model = tied
    summary = label_summary(votes, model.predict_proba(votes), gold=[1] * 10, model=model)
    assert summary.accuracy == 1.0


def test_conflict_examples_label_is_the_predicted_one(tied):
    votes, model = tied
    examples = conflict_examples(votes, model.predict_proba(votes), model=model, per_lf=20)
    assert len(examples) and set(examples["label"]) == {1}
    # the LFs that voted 1 never disagree with the labels
    assert set(examples["vote"]) == {0}


def test_the_report_shows_the_predicted_balance(tied):
    votes, model = tied
    html = build_report(votes, model, dependencies=None).html
    # balance table: one row per class, the predicted share first
    assert '<tr><td>0</td><td class="num">0.000</td>' in html
    assert '<tr><td>1</td><td class="num">1.000</td>' in html


@pytest.mark.parametrize("policy", ["prior", "lowest", "random"])
def test_predicted_labels_agree_with_predict_for_every_policy(policy):
    rng = np.random.default_rng(0)
    dense = rng.choice([-1, 0, 1, 2], size=(300, 4))
    votes = VoteMatrix.from_dense(dense, cardinality=3)
    model = LabelModel(3, tie_break=policy, random_state=3, progress=False).fit(votes)
    mv = MajorityVote(3, tie_break=policy, random_state=3).fit(votes)
    for fitted in (model, mv):
        probs = fitted.predict_proba(votes)
        assert predicted_labels(probs, fitted).tolist() == fitted.predict(votes).tolist()

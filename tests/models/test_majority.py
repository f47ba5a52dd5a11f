from __future__ import annotations

import numpy as np

from weaklabel import VoteMatrix
from weaklabel.models import MajorityVote


def test_probabilities_are_vote_shares():
    votes = VoteMatrix.from_dense([[0, 0, 1], [2, -1, -1]], cardinality=3)
    probs = MajorityVote(cardinality=3).fit(votes).predict_proba(votes)
    assert np.allclose(probs, [[2 / 3, 1 / 3, 0], [0, 0, 1]])


def test_tie_policies():
    votes = VoteMatrix.from_dense([[0, 1], [1, 1], [1, -1]], cardinality=2)
    prior = MajorityVote(tie_break="prior").fit(votes)
    assert prior.class_balance_[1] > prior.class_balance_[0]
    assert prior.predict(votes).tolist() == [1, 1, 1]
    assert MajorityVote(tie_break="lowest").fit(votes).predict(votes).tolist() == [0, 1, 1]
    draws = {
        MajorityVote(tie_break="random", random_state=s).fit(votes).predict(votes)[0]
        for s in range(20)
    }
    assert draws == {0, 1}


def test_class_balance_from_gold_when_given():
    votes = VoteMatrix.from_dense([[1], [1], [-1], [-1]], cardinality=2)
    model = MajorityVote().fit(votes, gold=[0, 0, 0, -1])
    assert model.class_balance_[0] > 0.7

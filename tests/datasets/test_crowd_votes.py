"""make_crowd_votes: workers with confusion matrices, each labeling a few items."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import ParameterError
from weaklabel.datasets import make_crowd_votes


def test_crowd_votes_give_each_item_distinct_workers():
    votes, _ = make_crowd_votes(300, 461, cardinality=5, labels_per_row=5, random_state=0)
    assert votes.shape == (300, 461) and votes.cardinality == 5
    assert (votes.votes_per_row() == 5).all()  # distinct workers: one vote each
    per_worker = (votes.to_dense() >= 0).sum(axis=0)
    assert abs(per_worker.mean() - 300 * 5 / 461) < 1e-9
    assert per_worker.max() < 15  # many workers, each on a few items


def test_crowd_workers_vote_every_class_with_their_accuracy():
    votes, truth = make_crowd_votes(
        20_000, 20, cardinality=3, labels_per_row=4, accuracy=(0.5, 0.7), random_state=1
    )
    dense = votes.to_dense()
    for w in range(20):
        voted = dense[:, w] >= 0
        assert set(np.unique(dense[voted, w]).tolist()) == {0, 1, 2}  # two-sided
        assert 0.45 < (dense[voted, w] == truth[voted]).mean() < 0.75


def test_crowd_votes_follow_the_class_balance():
    balance = [0.92, 0.05, 0.03]
    _, truth = make_crowd_votes(20_000, 50, class_balance=balance, random_state=2)
    assert np.allclose(np.bincount(truth, minlength=3) / len(truth), balance, atol=0.01)


def test_crowd_votes_are_reproducible():
    a = make_crowd_votes(200, 30, random_state=3)
    b = make_crowd_votes(200, 30, random_state=3)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_workers": 2}, "n_workers"),  # fewer than labels_per_row
        ({"labels_per_row": 0}, "labels_per_row"),
        ({"accuracy": (0.5, 1.5)}, "accuracy"),
        ({"class_balance": [1.0]}, "class_balance"),
        ({"cardinality": 1}, "cardinality"),
    ],
)
def test_crowd_votes_check_their_arguments(kwargs, name):
    options = {"n_workers": 10, **kwargs}
    n_workers = options.pop("n_workers")
    with pytest.raises(ParameterError, match=f"'{name}' parameter of make_crowd_votes"):
        make_crowd_votes(100, n_workers, **options)

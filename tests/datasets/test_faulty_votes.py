"""make_redundant_votes and make_random_lf_votes: suites with a faulty LF."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import ParameterError
from weaklabel.datasets import make_random_lf_votes, make_redundant_votes

# -- make_redundant_votes -------------------------------------------------------------------------


def test_redundant_votes_copy_the_weakest_lf():
    votes, truth = make_redundant_votes(20_000, copy_prob=0.9, random_state=0)
    dense = votes.to_dense()
    assert votes.shape == (20_000, 9)
    accuracy = [(dense[dense[:, j] >= 0, j] == truth[dense[:, j] >= 0]).mean() for j in range(6)]
    assert np.argmin(accuracy) == 0
    assert abs((dense >= 0).mean(axis=0) - 0.5).max() < 0.02
    for copy in (6, 7, 8):
        same = (dense[:, copy] == dense[:, 0]).mean()
        assert same > 0.9  # repeats LF 0 on 90% of the rows, and agrees by chance on some others
    assert (dense[:, 1] == dense[:, 2]).mean() < 0.5  # the originals are independent


def test_redundant_votes_without_copies_and_exact_copies():
    votes, _ = make_redundant_votes(1000, n_copies=0, random_state=1)
    assert votes.n_lfs == 6
    votes, _ = make_redundant_votes(1000, n_copies=2, copy_prob=1.0, random_state=1)
    dense = votes.to_dense()
    assert (dense[:, 6] == dense[:, 0]).all() and (dense[:, 7] == dense[:, 0]).all()


def test_redundant_votes_are_reproducible():
    a = make_redundant_votes(300, random_state=5)
    b = make_redundant_votes(300, random_state=5)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_lfs": 1}, "n_lfs"),
        ({"n_copies": -1}, "n_copies"),
        ({"copy_prob": 1.5}, "copy_prob"),
        ({"coverage": -0.5}, "coverage"),
        ({"accuracy": (0.9, 0.1)}, "accuracy"),
        ({"class_balance": [0.2, 0.2]}, "class_balance"),
    ],
)
def test_redundant_votes_check_their_arguments(kwargs, name):
    with pytest.raises(ParameterError, match=f"'{name}' parameter of make_redundant_votes"):
        make_redundant_votes(100, **kwargs)


# -- make_random_lf_votes -------------------------------------------------------------------------


def test_the_random_lf_fires_alike_on_every_class():
    votes, truth = make_random_lf_votes(
        60_000, cardinality=3, n_good=6, class_balance=[0.5, 0.3, 0.2], random_state=0
    )
    dense = votes.to_dense()
    assert votes.shape == (60_000, 7)
    noise = dense[:, 6] >= 0
    assert set(np.unique(dense[noise, 6]).tolist()) == {2}  # the last class by default
    for c in range(3):
        assert abs(noise[truth == c].mean() - 0.2) < 0.015
    for j in range(6):  # the good LFs are one-sided and better than the base rate
        fired = dense[:, j] >= 0
        assert set(np.unique(dense[fired, j]).tolist()) == {j % 3}
        assert abs(fired.mean() - 0.2) < 0.01
        assert (truth[fired] == j % 3).mean() > 0.65


def test_random_lf_votes_take_the_random_class_and_are_reproducible():
    votes, _ = make_random_lf_votes(2000, random_class=0, random_state=1)
    dense = votes.to_dense()
    assert set(np.unique(dense[dense[:, 6] >= 0, 6]).tolist()) == {0}
    again, _ = make_random_lf_votes(2000, random_class=0, random_state=1)
    assert votes == again


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_good": 1}, "n_good"),
        ({"random_class": 2}, "random_class"),
        ({"coverage": 0.9}, "coverage"),  # a good LF would fire on more than every row
        ({"random_coverage": 2.0}, "random_coverage"),
        ({"accuracy": (0.5,)}, "accuracy"),
    ],
)
def test_random_lf_votes_check_their_arguments(kwargs, name):
    with pytest.raises(ParameterError, match=f"'{name}' parameter of make_random_lf_votes"):
        make_random_lf_votes(100, **kwargs)

"""make_keyword_votes and make_one_sided_votes: the keyword-like, one-sided vote generators."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import ParameterError
from weaklabel.datasets import make_keyword_votes, make_one_sided_votes


def lf_classes(votes):
    """The set of classes each LF voted."""
    dense = votes.to_dense()
    return [set(np.unique(dense[dense[:, j] >= 0, j]).tolist()) for j in range(votes.n_lfs)]


# -- make_keyword_votes ---------------------------------------------------------------------------


def test_keyword_votes_cover_every_row_with_one_sided_lfs():
    votes, truth = make_keyword_votes(5000, random_state=0)
    assert votes.shape == (5000, 160) and truth.shape == (5000,)
    assert votes.cardinality == 9 and set(truth.tolist()) <= set(range(9))
    assert votes.votes_per_row().min() >= 1
    classes = lf_classes(votes)
    assert all(len(c) <= 1 for c in classes)  # one-sided
    # 2 x 3 broad variants first (class 0's, then class 1's); specific keyword i votes i % 9
    expected = [0, 0, 0, 1, 1, 1, *(i % 9 for i in range(154))]
    assert all(c <= {pole} for c, pole in zip(classes, expected, strict=True))


def test_keyword_votes_per_row_follow_the_broad_keywords():
    votes, truth = make_keyword_votes(20_000, broad_recall=1.0, side_mentions=0.0, random_state=1)
    per_row = votes.votes_per_row()
    broad = truth < 2
    assert (per_row[broad] == 3).all()  # every broad variant fires on its class
    assert (per_row[~broad] == 1).all()  # one specific keyword elsewhere
    defaults, _ = make_keyword_votes(20_000, random_state=1)
    assert 1.7 < defaults.votes_per_row().mean() < 2.2  # about two votes per row
    flat, _ = make_keyword_votes(2000, broad_classes=0, random_state=0)
    assert (flat.votes_per_row() == 1).all()


def test_keyword_votes_follow_the_class_balance_and_spread_coverage():
    balance = np.array([0.4, 0.3, 0.2, 0.1])
    votes, truth = make_keyword_votes(
        40_000, cardinality=4, n_lfs=40, class_balance=balance, random_state=2
    )
    assert np.allclose(np.bincount(truth, minlength=4) / len(truth), balance, atol=0.01)
    counts = np.sort((votes.to_dense() >= 0).sum(axis=0)[6:])  # the specific keywords
    assert counts[-1] > 10 * counts[len(counts) // 2]  # a few frequent words, a long tail


def test_keyword_votes_specific_keywords_are_mostly_right():
    votes, truth = make_keyword_votes(
        40_000,
        broad_classes=0,
        accuracy=(0.7, 0.9),
        class_balance=np.full(9, 1 / 9),
        random_state=3,
    )
    dense = votes.to_dense()
    rows, lfs = np.nonzero(dense >= 0)
    right = (dense[rows, lfs] == truth[rows]).mean()
    assert 0.65 < right < 0.92


def test_keyword_votes_are_reproducible():
    a = make_keyword_votes(500, random_state=7)
    b = make_keyword_votes(500, random_state=7)
    c = make_keyword_votes(500, random_state=8)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    assert not (a[0] == c[0] and np.array_equal(a[1], c[1]))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_lfs": 10}, "n_lfs"),
        ({"broad_classes": 10}, "broad_classes"),
        ({"accuracy": (0.9, 0.5)}, "accuracy"),
        ({"accuracy": 0.7}, "accuracy"),
        ({"broad_recall": 1.5}, "broad_recall"),
        ({"side_mentions": -0.1}, "side_mentions"),
        ({"class_balance": [0.5, 0.5]}, "class_balance"),
        ({"cardinality": 1}, "cardinality"),
    ],
)
def test_keyword_votes_check_their_arguments(kwargs, name):
    with pytest.raises(ParameterError, match=f"'{name}' parameter of make_keyword_votes"):
        make_keyword_votes(100, **kwargs)


# -- make_one_sided_votes -------------------------------------------------------------------------


def test_one_sided_votes_match_the_requested_rates():
    votes, truth = make_one_sided_votes(40_000, accuracy=(0.6, 0.85), random_state=0)
    assert votes.shape == (40_000, 10)
    assert abs(votes.votes_per_row().mean() - 1.7) < 0.05
    assert abs((truth == 0).mean() - 0.6) < 0.01
    dense = votes.to_dense()
    for j, classes in enumerate(lf_classes(votes)):
        assert classes == {j % 2}
        fired = dense[:, j] >= 0
        assert abs(fired.mean() - 0.17) < 0.01
        assert 0.57 < (truth[fired] == j % 2).mean() < 0.88


def test_one_sided_votes_take_more_classes_and_are_reproducible():
    votes, truth = make_one_sided_votes(
        3000, n_lfs=6, cardinality=3, class_balance=None, random_state=4
    )
    assert lf_classes(votes) == [{0}, {1}, {2}, {0}, {1}, {2}]
    again = make_one_sided_votes(3000, n_lfs=6, cardinality=3, class_balance=None, random_state=4)
    assert votes == again[0] and np.array_equal(truth, again[1])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"votes_per_row": 9.0}, "votes_per_row"),  # an LF would fire on every row of its class
        ({"votes_per_row": 0.0}, "votes_per_row"),
        ({"n_lfs": 1}, "n_lfs"),
        ({"accuracy": (0.2, 1.2)}, "accuracy"),
        ({"class_balance": [0.6, 0.6]}, "class_balance"),
    ],
)
def test_one_sided_votes_check_their_arguments(kwargs, name):
    with pytest.raises(ParameterError, match=f"'{name}' parameter of make_one_sided_votes"):
        make_one_sided_votes(100, **kwargs)

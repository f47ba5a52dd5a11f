from __future__ import annotations

import numpy as np
import pytest

from weaklabel import ParameterError
from weaklabel.datasets import YOUTUBE_SPAM_CLASSES, load_youtube_spam, make_votes


def test_youtube_spam_is_complete_and_unique():
    data = load_youtube_spam()
    assert len(data) == 1956
    assert data["id"].is_unique
    assert data["label"].value_counts().to_dict() == {"spam": 1005, "ham": 951}
    assert set(data["label"]) == set(YOUTUBE_SPAM_CLASSES)
    assert data.groupby("video").size().to_dict() == {
        "Psy": 350,
        "KatyPerry": 350,
        "LMFAO": 438,
        "Eminem": 448,
        "Shakira": 370,
    }
    assert data["text"].notna().all()


def test_make_votes_matches_requested_rates():
    acc, cov = np.array([0.9, 0.6]), np.array([0.7, 0.2])
    votes, truth = make_votes(50_000, acc, cov, cardinality=3, random_state=0)
    dense = votes.to_dense()
    for j in range(2):
        fired = dense[:, j] != -1
        assert abs(fired.mean() - cov[j]) < 0.01
        assert abs((dense[fired, j] == truth[fired]).mean() - acc[j]) < 0.01


def test_make_votes_class_dependent_coverage():
    votes, truth = make_votes(20_000, [1.0], [[0.0, 0.5]], random_state=0)
    fired = votes.to_dense()[:, 0] != -1
    assert not fired[truth == 0].any()


def test_make_votes_is_reproducible():
    a = make_votes(100, [0.8], [0.5], random_state=5)
    b = make_votes(100, [0.8], [0.5], random_state=5)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


def test_make_votes_checks_its_arguments():
    with pytest.raises(ParameterError, match="'accuracies'"):
        make_votes(10, [1.5], [0.5])
    with pytest.raises(ParameterError, match="'coverages'"):
        make_votes(10, [0.5], [0.5, 0.5])
    with pytest.raises(ParameterError, match="'class_balance'"):
        make_votes(10, [0.5], [0.5], class_balance=[0.9, 0.9])

"""Classes a whole crowd finds harder: LabelModel's likelihood-ratio test for class offsets in
the crowd's prior (weaklabel/models/_difficulty.py)."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel.datasets import make_crowd_votes
from weaklabel.models import LabelModel, MajorityVote, _difficulty


def _crowd(seed: int, *, accuracy: tuple[float, float]) -> tuple[VoteMatrix, np.ndarray]:
    """A balanced binary crowd: 500 items, 150 workers, 6 answers per item; a worker of skill
    ``s`` (logit, drawn around 1) is right on class ``y`` with ``sigmoid(s + d_y)``, ``d_y`` the
    logit of ``accuracy[y]`` minus 1 (so ``accuracy`` is the typical worker's per class)."""
    rng = np.random.default_rng(seed)
    n, workers, per = 500, 150, 6
    truth = rng.integers(0, 2, n)
    skill = rng.normal(1.0, 0.5, workers)
    shift = np.log(np.asarray(accuracy) / (1 - np.asarray(accuracy))) - 1.0
    dense = np.full((n, workers), -1)
    for i in range(n):
        for w in rng.choice(workers, per, replace=False):
            right = rng.random() < 1 / (1 + np.exp(-(skill[w] + shift[truth[i]])))
            dense[i, w] = truth[i] if right else 1 - truth[i]
    return VoteMatrix.from_dense(dense[:, (dense >= 0).any(axis=0)], cardinality=2), truth


def _fit(votes: VoteMatrix) -> LabelModel:
    return LabelModel(votes.cardinality, progress=False, random_state=0).fit(votes)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_class_the_crowd_finds_harder_is_not_read_as_a_rarer_class(seed, monkeypatch):
    # workers right 56% of the time on class 0, 81% on class 1: they answer class 1 more often.
    # Read with equal accuracies on both classes that says class 1 is common.
    votes, truth = _crowd(seed, accuracy=(0.56, 0.81))
    model = _fit(votes)
    gain, needed = model.difficulty_test_
    assert gain > needed
    with monkeypatch.context() as patch:
        patch.setattr(_difficulty, "LEVEL", 1.0)  # never passes: the offsets are never kept
        without = _fit(votes)
    assert without.difficulty_test_[0] == pytest.approx(gain)
    share = truth.mean()
    assert abs(model.class_balance_[1] - share) < abs(without.class_balance_[1] - share)
    assert abs(model.class_balance_[1] - share) < 0.08
    accuracy = (model.predict(votes) == truth).mean()
    assert accuracy > (without.predict(votes) == truth).mean()
    assert accuracy >= (MajorityVote().fit(votes).predict(votes) == truth).mean() - 0.01


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_classes_equally_hard_keep_the_prior_without_offsets(seed):
    # each worker equally accurate on every class (make_crowd_votes): the offsets would only let
    # EM trade them against the class balance
    votes, _ = make_crowd_votes(
        600, 120, cardinality=3, labels_per_row=5, accuracy=(0.45, 0.8), random_state=seed
    )
    model = _fit(votes)
    gain, needed = model.difficulty_test_
    assert gain <= needed


def test_the_test_runs_only_with_a_learned_crowd_prior():
    dense = np.full((200, 4), -1)
    dense[:100, 0], dense[100:, 1], dense[::3, 2], dense[1::3, 3] = 1, 0, 1, 0
    one_sided = _fit(VoteMatrix.from_dense(dense, cardinality=2))
    assert one_sided.difficulty_test_ is None


def test_both_fits_share_max_iter():
    votes, _ = _crowd(0, accuracy=(0.56, 0.81))
    model = LabelModel(2, progress=False, random_state=0, max_iter=12).fit(votes)
    assert model.n_iter_ <= 12


def test_the_test_is_a_diagnostic_not_saved(tmp_path):
    votes, _ = _crowd(0, accuracy=(0.56, 0.81))
    model = _fit(votes)
    model.save(tmp_path / "model.json")
    loaded = LabelModel.load(tmp_path / "model.json")
    assert loaded.difficulty_test_ is None
    np.testing.assert_allclose(loaded.predict_proba(votes), model.predict_proba(votes))

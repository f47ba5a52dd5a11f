"""The crowd's prior: how far LabelModel shrinks each worker's confusion toward the crowd's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel.analysis import expected_calibration_error
from weaklabel.datasets import make_crowd_votes
from weaklabel.models import LabelModel, MajorityVote, _pooled
from weaklabel.models._em import EM
from weaklabel.models._pooled import MAX_STRENGTH, MIN_UNITS, pooled_prior
from weaklabel.models._starts import majority_start
from weaklabel.models._units import make_units


def _ece(model: LabelModel, votes: VoteMatrix, truth: np.ndarray) -> float:
    return expected_calibration_error(model.predict_proba(votes), truth, n_bins=10, model=model)


@pytest.fixture
def fixed_prior(monkeypatch):
    """Turn the learned prior off: every general LF keeps the fixed smoothing prior."""

    def fit(votes: VoteMatrix, **settings: Any) -> LabelModel:
        with monkeypatch.context() as patch:
            patch.setattr(_pooled, "MIN_UNITS", 10**9)
            return LabelModel(votes.cardinality, progress=False, random_state=0, **settings).fit(
                votes
            )

    return fit


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_workers_too_few_answers_apart_are_weighed_alike(seed, fixed_prior):
    # 78 workers of accuracy 0.5-0.85, 3 answers per item, ~31 per worker: their accuracies
    # cannot be told apart from their answers, and the fixed prior let EM trust the workers who
    # happened to agree with it (0.71-0.75, below majority vote on every seed). The learned
    # prior shrinks each worker to the crowd: majority vote's labels, better calibrated.
    votes, truth = make_crowd_votes(
        800, 78, cardinality=2, labels_per_row=3, accuracy=(0.5, 0.85), random_state=seed
    )
    pooled = LabelModel(progress=False, random_state=0).fit(votes)
    fixed = fixed_prior(votes)
    majority = (MajorityVote().fit(votes).predict(votes) == truth).mean()
    accuracy = (pooled.predict(votes) == truth).mean()
    assert accuracy >= majority - 0.002
    assert accuracy > (fixed.predict(votes) == truth).mean() + 0.005
    assert _ece(pooled, votes, truth) < _ece(fixed, votes, truth)


def test_a_skewed_crowd_is_labeled_better_than_with_the_fixed_prior(fixed_prior):
    # 92% of the items in one class, 300 workers, 5 answers per item
    scores = []
    for seed in range(3):
        votes, truth = make_crowd_votes(
            1000,
            300,
            cardinality=3,
            labels_per_row=5,
            accuracy=(0.4, 0.9),
            class_balance=[0.92, 0.05, 0.03],
            random_state=seed,
        )
        # the priors' own calibration: without the label noise, which lifts both alike
        pooled = LabelModel(3, progress=False, random_state=0, label_noise=0.0).fit(votes)
        fixed = fixed_prior(votes, label_noise=0.0)
        scores.append(
            [(m.predict(votes) == truth).mean() for m in (pooled, fixed)]
            + [_ece(m, votes, truth) for m in (pooled, fixed)]
        )
    pooled_acc, fixed_acc, pooled_ece, fixed_ece = np.mean(scores, axis=0)
    assert pooled_acc > fixed_acc + 0.01
    assert pooled_ece < fixed_ece


def test_workers_who_differ_clearly_keep_their_own_rates(fixed_prior):
    # 20 workers of accuracy 0.55-0.95 with 500 answers each: the fixed prior's freedom is kept
    votes, truth = make_crowd_votes(
        2000, 20, cardinality=2, labels_per_row=5, accuracy=(0.55, 0.95), random_state=0
    )
    pooled = LabelModel(progress=False, random_state=0).fit(votes)
    fixed = fixed_prior(votes)
    majority = (MajorityVote().fit(votes).predict(votes) == truth).mean()
    accuracy = (pooled.predict(votes) == truth).mean()
    assert abs(accuracy - (fixed.predict(votes) == truth).mean()) < 0.003
    assert accuracy > majority + 0.01
    np.testing.assert_allclose(pooled.emissions_, fixed.emissions_, atol=0.01)


def _binary_answers(right: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``[unit, y, vote]`` counts of two-class workers from their right and total counts."""
    answers = np.empty((len(total), 2, 2))
    answers[:, [0, 1], [0, 1]] = right
    answers[:, [0, 1], [1, 0]] = total - right
    return answers


def test_strength_follows_the_spread_of_the_workers():
    k, strength = 2, 3.0
    total = np.full((50, k), 30.0)
    alike = pooled_prior(_binary_answers(0.7 * total, total), strength=strength)
    assert alike is not None
    assert alike.strength == MAX_STRENGTH
    np.testing.assert_allclose(alike.mean, 0.7)
    # workers from 0.5 to 0.95, 500 answers per class: the spread is real, each keeps its own
    # accuracy; alike on both classes, so each class is drawn to the worker's own
    accuracy = np.linspace(0.5, 0.95, 50)
    total = np.full((50, k), 500.0)
    apart = pooled_prior(_binary_answers(accuracy[:, None] * total, total), strength=strength)
    assert apart is not None
    assert np.abs(apart.mean[:, 0] - accuracy).max() < 0.01
    assert apart.strength == MAX_STRENGTH
    # each worker 0.25 better on one class than on the other: no shrinking beyond the fixed
    # prior's toward the worker's own
    per_class = np.linspace(0.6, 0.7, 50)[:, None] + np.array([0.25, -0.25])
    apart = pooled_prior(_binary_answers(per_class * total, total), strength=strength)
    assert apart is not None
    assert apart.strength == strength


def test_wrong_answers_follow_the_crowds_shares_as_far_as_workers_share_them():
    k, strength = 4, 3.0
    partner = np.array([1, 0, 3, 2])
    answers = np.zeros((40, k, k))
    answers[:, np.arange(k), np.arange(k)] = 20.0
    # every worker errs like the crowd: classes 0 and 1 mixed up, and 2 and 3
    answers[:, np.arange(k), partner] = 6.0
    prior = pooled_prior(answers, strength=strength)
    assert prior is not None
    assert prior.off_strength == MAX_STRENGTH
    assert np.all(prior.errors[np.arange(k), partner] > 0.9)
    np.testing.assert_allclose(prior.errors.sum(axis=1), 1.0)
    assert np.all(np.diagonal(prior.errors) == 0.0)
    # each worker errs its own way: all its errors on one class, a different one per worker
    answers[:, np.arange(k), partner] = 0.0
    for u in range(40):
        for y in range(k):
            answers[u, y, (y + 1 + u % (k - 1)) % k] = 6.0
    prior = pooled_prior(answers, strength=strength)
    assert prior is not None
    assert prior.off_strength == strength
    # two classes: one wrong answer, nothing to learn
    total = np.full((40, 2), 30.0)
    prior = pooled_prior(_binary_answers(0.7 * total, total), strength=strength)
    assert prior is not None
    np.testing.assert_array_equal(prior.errors, [[0.0, 1.0], [1.0, 0.0]])


def _paired_crowd(seed: int) -> tuple[VoteMatrix, np.ndarray]:
    """60 workers, 5 answers on each of 600 items of 4 classes; a worker errs to the class
    paired with the true one (0-1, 2-3) 90% of the time, as crowds mix up two dog breeds."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, 600)
    accuracy = rng.uniform(0.45, 0.8, 60)
    partner = np.array([1, 0, 3, 2])
    dense = np.full((600, 60), -1)
    for i, y in enumerate(truth):
        for w in rng.choice(60, 5, replace=False):
            if rng.random() < accuracy[w]:
                dense[i, w] = y
            elif rng.random() < 0.9:
                dense[i, w] = partner[y]
            else:
                dense[i, w] = rng.choice([c for c in range(4) if c not in (y, partner[y])])
    return VoteMatrix.from_dense(dense, cardinality=4), truth


def test_classes_the_crowd_mixes_up_are_read_as_such(monkeypatch):
    # With the even split, a worker's few errors on class 0 spread a third of the prior on
    # classes 2 and 3 that no one answers there: its paired-class votes look like stronger
    # evidence than they are. The crowd's shares calibrate them (ECE lower on every seed).
    def even(wrong: np.ndarray, *, strength: float) -> tuple[np.ndarray, float]:
        return (1.0 - np.eye(wrong.shape[1])) / (wrong.shape[1] - 1), strength

    scores = []
    for seed in range(5):
        votes, truth = _paired_crowd(seed)
        learned = LabelModel(4, progress=False, random_state=0).fit(votes)
        with monkeypatch.context() as patch:
            patch.setattr(_pooled, "_error_prior", even)
            split = LabelModel(4, progress=False, random_state=0).fit(votes)
        scores.append(
            [(m.predict(votes) == truth).mean() for m in (learned, split)]
            + [_ece(m, votes, truth) for m in (learned, split)]
        )
    scores = np.array(scores)
    assert np.all(scores[:, 2] < scores[:, 3])
    assert scores[:, 0].mean() >= scores[:, 1].mean()


def test_fewer_general_lfs_than_min_units_keep_the_fixed_prior(fixed_prior):
    total = np.full((MIN_UNITS - 1, 2), 30.0)
    assert pooled_prior(_binary_answers(0.7 * total, total), strength=3.0) is None
    votes, _ = make_crowd_votes(500, MIN_UNITS - 1, cardinality=2, labels_per_row=3, random_state=0)
    model = LabelModel(progress=False, random_state=0).fit(votes)
    np.testing.assert_array_equal(model.pattern_weights_, fixed_prior(votes).pattern_weights_)


def _one_m_step(votes: VoteMatrix) -> tuple[EM, np.ndarray, np.ndarray]:
    """LabelModel's EM on ``votes``, after one M-step from majority vote: the EM, the
    posteriors it started from and the pattern log-weights it learned."""
    k = votes.cardinality
    units = make_units(votes, None, cardinality=k, owner="test")
    patterns = units.patterns(votes)
    model = LabelModel(k, progress=False, random_state=0)
    em = EM(
        model, units, patterns.unit_of_pattern, patterns.vote_shares(units),
        patterns.indicator, np.ones(votes.n_rows),
    )  # fmt: skip
    q = majority_start(votes, k)
    pattern_weights, _ = em.m_step(q, q.sum(axis=0))
    return em, q, pattern_weights


def test_one_sided_lfs_do_not_count_toward_the_crowd():
    # 12 keyword LFs (one class each) beside 3 classifiers: too few general LFs to pool
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 3000)
    columns = [np.where(rng.random(3000) < 0.2, j % 2, -1) for j in range(12)]
    columns += [np.where(rng.random(3000) < 0.8, truth, 1 - truth) for _ in range(3)]
    votes = VoteMatrix.from_dense(np.stack(columns, axis=1), cardinality=2)
    em, _, _ = _one_m_step(votes)
    assert em.pooled is None


def test_the_temperature_reads_the_same_rates_with_nothing_left_out():
    votes, _ = make_crowd_votes(600, 40, cardinality=3, labels_per_row=4, random_state=1)
    em, q, pattern_weights = _one_m_step(votes)
    assert em.pooled is not None
    counts = np.asarray(em.indicator.T @ q)
    unit_counts = np.zeros((em.units.n_units, 3))
    np.add.at(unit_counts, em.unit, counts)
    every = np.arange(len(counts))
    held_out = em.held_out_rates(every, np.zeros((len(every), 3)), counts, unit_counts)
    np.testing.assert_allclose(np.log(held_out), pattern_weights, rtol=1e-10)
    # leaving a row out lowers its own pattern's rate on the class it voted
    row = 0
    p = em.indicator[row].indices
    own = np.repeat(q[row][None, :], len(p), axis=0)
    left_out = em.held_out_rates(p, own, counts, unit_counts)
    voted = em.same[p].argmax(axis=1)
    assert (left_out[np.arange(len(p)), voted] < held_out[p, voted]).all()


@pytest.mark.parametrize("silence", ["class", "lf"])
def test_no_smoothing_prior_gives_finite_probabilities(silence):
    # prior_strength=0 is allowed: a worker who never erred on a class (or never saw it) left
    # 0 / 0 in its rates, and the model returned NaN for every row
    votes, truth = make_crowd_votes(300, 40, cardinality=4, labels_per_row=3, random_state=0)
    model = LabelModel(4, prior_strength=0.0, silence=silence, progress=False, random_state=0)
    proba = model.fit(votes).predict_proba(votes)
    assert np.isfinite(proba).all()
    assert np.isfinite(model.temperature_)
    assert (proba.argmax(axis=1) == truth).mean() > 0.7

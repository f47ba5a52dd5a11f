"""The crowd's prior: how far LabelModel shrinks each worker's confusion toward the crowd's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from weaklabel import VoteMatrix
from weaklabel.analysis import expected_calibration_error
from weaklabel.datasets import make_crowd_votes
from weaklabel.models import LabelModel, MajorityVote, _pooled
from weaklabel.models._em import EM, initial_posteriors
from weaklabel.models._pooled import MAX_STRENGTH, MIN_UNITS, pooled_prior
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


def test_strength_follows_the_spread_of_the_workers():
    k, strength = 2, 3.0
    total = np.full((50, k), 30.0)
    alike = pooled_prior(0.7 * total, total, strength=strength, k=k)
    assert alike is not None
    assert alike.strength == MAX_STRENGTH
    np.testing.assert_allclose(alike.mean, 0.7)
    # workers from 0.5 to 0.95, 500 answers per class: the spread is real, each keeps its own
    # accuracy; alike on both classes, so each class is drawn to the worker's own
    accuracy = np.linspace(0.5, 0.95, 50)
    total = np.full((50, k), 500.0)
    apart = pooled_prior(accuracy[:, None] * total, total, strength=strength, k=k)
    assert apart is not None
    assert np.abs(apart.mean[:, 0] - accuracy).max() < 0.01
    assert apart.strength == MAX_STRENGTH
    # each worker 0.25 better on one class than on the other: no shrinking beyond the fixed
    # prior's toward the worker's own
    per_class = np.linspace(0.6, 0.7, 50)[:, None] + np.array([0.25, -0.25])
    apart = pooled_prior(per_class * total, total, strength=strength, k=k)
    assert apart is not None
    assert apart.strength == strength


def test_fewer_general_lfs_than_min_units_keep_the_fixed_prior(fixed_prior):
    total = np.full((MIN_UNITS - 1, 2), 30.0)
    assert pooled_prior(0.7 * total, total, strength=3.0, k=2) is None
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
    q = initial_posteriors(votes, k, init="majority", random_state=0)
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

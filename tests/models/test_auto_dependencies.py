"""LabelModel learns the dependencies among LFs that vote several classes when fit gets none."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import weaklabel.models._auto_dependencies as auto
from weaklabel import VoteMatrix
from weaklabel.datasets import make_dependent_votes, make_redundant_votes, make_votes
from weaklabel.models import LabelModel, learn_dependencies, load_model


def fit(votes, **params):
    return LabelModel(votes.cardinality, progress=False, random_state=0, **params).fit(votes)


def joined(model):
    return sorted(unit for unit in model.units_ if len(unit) > 1)


def top_class_gap(model, votes, truth):
    """Mean confidence minus accuracy of the predicted class (overconfidence)."""
    probs = model.predict_proba(votes)
    return float(probs.max(axis=1).mean() - (probs.argmax(axis=1) == truth).mean())


def test_near_copies_of_a_poor_lf_are_joined_and_stop_fooling_the_model():
    votes, truth = make_redundant_votes(10_000, random_state=0)  # lf_6..lf_8 copy lf_0
    blind = fit(votes, auto_dependencies=False)
    model = fit(votes)
    assert joined(blind) == []
    assert joined(model) == [[0, 6, 7, 8]]
    accuracy = float((model.predict(votes) == truth).mean())
    assert accuracy > float((blind.predict(votes) == truth).mean()) + 0.05
    assert top_class_gap(blind, votes, truth) > 0.1  # blind: the copies look certain
    assert abs(top_class_gap(model, votes, truth)) < 0.03
    assert model.lf_accuracies_[0] < 0.7  # lf_0 is right 61% of the time; blind says 1.0


@pytest.mark.parametrize("n_general", [2, 3, 5])
@pytest.mark.parametrize("accuracy", [0.6, 0.95])
@pytest.mark.parametrize("k", [2, 4])
def test_independent_lfs_stay_apart(n_general, accuracy, k):
    # two LFs alone cannot tell a copy from the class: accurate pairs used to be joined
    n_one_sided = 4 if n_general == 2 else 0
    m = n_general + n_one_sided
    rates = np.full(m, accuracy), np.full(m, 0.3)
    votes, _ = make_votes(5000, *rates, cardinality=k, random_state=1)
    dense = votes.to_dense()
    for j in range(n_general, m):  # these vote their own class only
        dense[dense[:, j] != j % k, j] = -1
    assert joined(fit(VoteMatrix.from_dense(dense, cardinality=k))) == []
    assert joined(fit(VoteMatrix.from_dense(dense[:, :2], cardinality=k))) == []


def test_one_sided_copies_are_left_to_the_class_silence():
    votes, _ = make_redundant_votes(10_000, random_state=0)
    dense = votes.to_dense()
    dense[dense != 1] = -1  # every LF now votes class 1 only
    assert joined(fit(VoteMatrix.from_dense(dense, cardinality=2))) == []


def redundant_with_confidences(n_rows, n_copies):
    """make_redundant_votes whose LFs state confidences; a copy states lf_0's where it agrees."""
    votes, truth = make_redundant_votes(n_rows, n_copies=n_copies, random_state=0)
    dense = votes.to_dense()
    sure = np.random.default_rng(0).uniform(0.5, 1.0, dense.shape)
    for copy in range(6, 6 + n_copies):
        same = dense[:, copy] == dense[:, 0]
        sure[same, copy] = sure[same, 0]
    return VoteMatrix.from_dense(dense, cardinality=2, confidences=sure), truth


def test_an_lf_with_confidence_levels_is_joined_with_all_its_levels():
    votes, truth = redundant_with_confidences(10_000, n_copies=1)  # lf_6 copies lf_0
    blind, model = fit(votes, auto_dependencies=False), fit(votes)
    levels = [len(cuts) + 1 for cuts in model.confidence_cuts_]
    assert levels[0] == levels[6] == 4
    start = np.cumsum([0, *levels])
    lf_0, lf_6 = range(start[0], start[1]), range(start[6], start[7])
    assert joined(model) == [[*lf_0, *lf_6]]
    assert top_class_gap(blind, votes, truth) > 0.1
    assert abs(top_class_gap(model, votes, truth)) < 0.03
    assert (model.predict(votes) == truth).mean() > (blind.predict(votes) == truth).mean() + 0.05


def test_a_join_that_cannot_hold_every_level_is_left_out():
    # lf_0 and three copies have 4 levels each: one unit holds 8 columns, so one copy joins lf_0
    votes, _ = redundant_with_confidences(10_000, n_copies=3)
    model = fit(votes)
    (unit,) = joined(model)
    owner_of = np.repeat(np.arange(9), [len(c) + 1 for c in model.confidence_cuts_])
    lfs = set(owner_of[unit].tolist())
    assert len(unit) == 8 and len(lfs) == 2 and 0 in lfs and lfs <= {0, 6, 7, 8}
    assert all((owner_of[unit] == lf).sum() == (owner_of == lf).sum() for lf in lfs)


def test_a_given_graph_or_the_switch_turns_learning_off():
    votes, _ = make_redundant_votes(5000, random_state=0)
    empty = nx.Graph()
    empty.add_nodes_from(votes.lf_names)
    model = LabelModel(2, progress=False).fit(votes, dependencies=empty)
    assert joined(model) == []
    assert joined(fit(votes, auto_dependencies=False)) == []
    assert LabelModel().get_params()["auto_dependencies"] is True


def test_gold_cross_validation_learns_the_graph_once(monkeypatch):
    votes, truth = make_redundant_votes(3000, random_state=0)
    gold = np.full(3000, -1)
    gold[:60] = truth[:60]
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return learn(*args, **kwargs)

    learn = auto.learn_dependencies
    monkeypatch.setattr(auto, "learn_dependencies", counted)
    model = LabelModel(2, progress=False, random_state=0).fit(votes, gold=gold)
    assert len(calls) == 1  # not once more per fold and weight
    assert joined(model) == [[0, 6, 7, 8]]


def test_a_model_with_learned_units_is_saved_and_loaded(tmp_path):
    votes, _ = make_redundant_votes(4000, random_state=0)
    model = fit(votes)
    assert joined(model) == [[0, 6, 7, 8]]  # units of different sizes
    model.save(tmp_path / "model.json")
    loaded = load_model(tmp_path / "model.json")
    assert loaded.units_ == model.units_
    assert np.array_equal(loaded.predict_proba(votes), model.predict_proba(votes))


def test_large_sets_are_learned_on_a_seeded_draw(monkeypatch):
    monkeypatch.setattr(auto, "MAX_ROWS", 3000)
    votes, _ = make_redundant_votes(20_000, random_state=2)
    first, again = fit(votes), fit(votes)
    assert joined(first) == joined(again) == [[0, 6, 7, 8]]
    assert np.array_equal(first.pattern_weights_, again.pattern_weights_)


def test_joining_stops_short_of_leaving_fewer_than_four_units():
    # lf_1 copies lf_0 and lf_3 copies lf_2: among four or five LFs a copied pair can pass for
    # the class, and joined, three units or fewer would have to identify it
    def votes_of(accuracies):
        votes, _, _ = make_dependent_votes(
            10_000,
            accuracies,
            [0.6] * len(accuracies),
            [(0, 1), (2, 3)],
            copy_prob=0.9,
            random_state=0,
        )
        return votes

    four, five = votes_of([0.7, 0.7, 0.8, 0.8]), votes_of([0.7, 0.7, 0.8, 0.8, 0.75])
    assert {frozenset(e) for e in learn_dependencies(five).edges} == {
        frozenset(("lf_0", "lf_1")),
        frozenset(("lf_2", "lf_3")),
    }
    assert joined(fit(four)) == joined(fit(five)) == []
    assert joined(fit(votes_of([0.7, 0.7, 0.8, 0.8, 0.75, 0.72]))) == [[0, 1], [2, 3]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_few_lfs_over_many_classes_are_not_joined_on_weak_edges(seed):
    # 4 independent LFs over 6 classes: at learn_dependencies' default threshold (0.1) each of
    # these sets got one false edge (strength 0.1-0.3) while the split shrank the class's part,
    # and the joined pair cost up to 2 points
    rng = np.random.default_rng(seed * 1000 + 4 * 7 + 6)
    accuracies, coverages = rng.uniform(0.55, 0.95, 4), rng.uniform(0.15, 0.3, 4)
    votes, _ = make_votes(3000, accuracies, coverages, cardinality=6, random_state=seed)
    assert learn_dependencies(votes).number_of_edges() == 0
    assert joined(fit(votes)) == []


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("k", "m"), [(5, 4), (10, 4), (4, 5)])
def test_accurate_lfs_voting_every_row_are_not_taken_for_copies(seed, k, m):
    # a few independent LFs that vote on every row (classifiers, prompted LLMs): when the split
    # shrank the class's part, the rest of it came out as an edge between the most accurate
    # ones (8 of these 18 sets were joined, costing up to 3 points)
    accuracies = np.random.default_rng(seed).uniform(0.6, 0.97, m)
    votes, _ = make_votes(1000, accuracies, np.ones(m), cardinality=k, random_state=seed)
    assert learn_dependencies(votes).number_of_edges() == 0
    assert joined(fit(votes)) == []

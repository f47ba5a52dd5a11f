"""Label models read stated confidences as evidence of different strength, with learned trust."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest

from weaklabel import DataError, VoteMatrix, lf_summary
from weaklabel.datasets import make_confidence_votes
from weaklabel.models import DawidSkene, LabelModel, MajorityVote, MomentsModel, load_model


def _plain(votes: VoteMatrix) -> VoteMatrix:
    return VoteMatrix.from_dense(votes.to_dense(), cardinality=votes.cardinality)


def _make(cls):
    return cls(2, random_state=0, progress=False) if cls is LabelModel else cls(2, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_confidence_votes(5000, random_state=0)


@pytest.mark.parametrize("cls", [LabelModel, DawidSkene])
def test_confidences_make_the_labels_better(cls, data):
    votes, truth = data
    with_them = (_make(cls).fit(votes).predict(votes) == truth).mean()
    without = (_make(cls).fit(_plain(votes)).predict(_plain(votes)) == truth).mean()
    assert with_them > without + 0.03


def test_an_overconfident_lf_is_trusted_as_far_as_it_earned(data):
    votes, truth = data
    model = _make(LabelModel).fit(votes)
    overconfident = votes.n_lfs - 1
    cuts = model.confidence_cuts_[overconfident]
    assert len(cuts) >= 2
    # each level's learned accuracy (without gold) against what the LF said and what it earned
    first = sum(len(c) + 1 for c in model.confidence_cuts_[:overconfident])
    emissions = model.emissions_[first : first + len(cuts) + 1]
    prior = model.class_balance_
    learned = (np.einsum("lyy,y->l", emissions, prior)) / (emissions.sum(axis=2) @ prior)
    mine = np.asarray(votes.lfs) == overconfident
    level = np.searchsorted(cuts, votes.confidences()[mine], side="right")
    said = [votes.confidences()[mine][level == i].mean() for i in range(len(cuts) + 1)]
    earned = [(votes.labels()[mine] == truth[votes.rows()[mine]])[level == i].mean()
              for i in range(len(cuts) + 1)]  # fmt: skip
    assert np.all(np.diff(learned) > 0)  # it keeps the LF's ranking of its votes
    assert np.all(learned < np.array(said) - 0.05)  # never what it claims
    assert np.allclose(learned, earned, atol=0.06)  # close to what it earned


def test_per_lf_figures_fold_the_levels_back(data):
    votes, _ = data
    model = _make(LabelModel).fit(votes)
    summary = lf_summary(votes, model=model)
    assert list(summary.index) == list(votes.lf_names)
    assert np.allclose(summary["learned_accuracy"], 0.75, atol=0.04)
    assert model.propensities_.shape == (votes.n_lfs, 2)


def test_majority_vote_ignores_confidences(data):
    votes, _ = data
    assert not any(MajorityVote(2).fit(votes).confidence_cuts_)
    assert np.array_equal(
        MajorityVote(2).fit(votes).predict_proba(votes),
        MajorityVote(2).fit(_plain(votes)).predict_proba(_plain(votes)),
    )


def test_a_few_votes_are_not_split():
    sure = [[0.6, 0.9], [0.7, 1.0], [0.8, 0.95]] * 20
    votes = VoteMatrix.from_dense([[0, 1], [1, -1], [0, 0]] * 20, cardinality=2, confidences=sure)
    assert MomentsModel(2, random_state=0).fit(votes).confidence_cuts_ == [[], []]


@pytest.mark.parametrize("cls", [LabelModel, DawidSkene, MomentsModel])
def test_the_levels_are_saved_and_restored(cls, data, tmp_path):
    votes, _ = data
    model = _make(cls).fit(votes)
    model.save(tmp_path / "model.json")
    loaded = load_model(tmp_path / "model.json")
    assert loaded.confidence_cuts_ == model.confidence_cuts_
    assert np.allclose(loaded.predict_proba(votes), model.predict_proba(votes))


@pytest.mark.parametrize(
    "cuts", [[[0.5]], [[0.9, 0.5]] * 7, [[1.5]] * 7, [["x"]] * 7, [[0.2, 0.4, 0.6, 0.8]] * 7]
)
def test_tampered_levels_are_refused(cuts, data, tmp_path):
    votes, _ = data
    _make(LabelModel).fit(votes).save(tmp_path / "model.json")
    saved = json.loads((tmp_path / "model.json").read_text())
    saved["confidence_cuts"] = cuts
    (tmp_path / "bad.json").write_text(json.dumps(saved))
    with pytest.raises(DataError, match=r"bad\.json: .*confidence_cuts_"):
        load_model(tmp_path / "bad.json")


def test_dependencies_between_split_lfs_join_their_levels(data):
    votes, _ = data
    graph = nx.Graph([(votes.lf_names[0], votes.lf_names[1])])
    model = _make(LabelModel).fit(votes, dependencies=graph)
    joined = [unit for unit in model.units_ if len(unit) > 1]
    assert joined  # the two LFs' levels form units
    summary = lf_summary(votes, model=model)
    assert summary.loc[votes.lf_names[0], "dependencies"] == [votes.lf_names[1]]


def _levelled_gold():
    """A classifier LF that says 0.95 or 0.55 and an LF without confidences, a model fitted with
    gold on 40 rows where the classifier said 0.95, and the unlabeled rows with the same votes:
    said at 0.95, and at 0.55."""
    rng = np.random.default_rng(0)
    n = 3000
    truth = rng.integers(0, 2, n)
    sure = rng.random(n) < 0.5
    said = np.where(rng.random(n) < np.where(sure, 0.9, 0.6), truth, 1 - truth)
    other = rng.random(n) < 0.5
    rows = np.concatenate([np.arange(n), np.flatnonzero(other)])
    lfs = np.concatenate([np.zeros(n, dtype=int), np.ones(other.sum(), dtype=int)])
    right = rng.random(n) < 0.75
    labels = np.concatenate([said, np.where(right, truth, 1 - truth)[other]])
    confidences = np.concatenate([np.where(sure, 0.95, 0.55), np.ones(other.sum())])
    votes = VoteMatrix(rows, lfs, labels, n_rows=n, cardinality=2, n_lfs=2, confidences=confidences)
    pattern = (said == 1) & ~other  # the classifier alone, voting 1
    top, bottom = np.flatnonzero(pattern & sure), np.flatnonzero(pattern & ~sure)
    gold = np.full(n, -1)
    gold[top[:40]] = truth[top[:40]]
    model = LabelModel(2, random_state=0, progress=False).fit(votes, gold=gold)
    return votes, model, top[40:], bottom


def test_gold_on_one_confidence_level_speaks_for_that_level_only():
    # The same vote at another confidence is another pattern for the model: the gold labels of
    # the top level's rows must not move the bottom level's (they did while gold was keyed by
    # the votes alone).
    votes, model, top, bottom = _levelled_gold()
    assert model.confidence_cuts_[0]  # the classifier is split into levels
    assert len(set(votes[top].row_hashes()) | set(votes[bottom].row_hashes())) == 1
    assert set(model.pattern_hashes(votes[top])).isdisjoint(model.pattern_hashes(votes[bottom]))
    probs, prior = model.predict_proba(votes), model.prior_proba(votes)
    np.testing.assert_array_equal(probs[bottom], prior[bottom])
    assert not np.allclose(probs[top], prior[top])


def test_a_file_of_version_2_with_levelled_gold_is_refused(tmp_path):
    _, model, _, _ = _levelled_gold()
    model.save(tmp_path / "model.json")
    saved = json.loads((tmp_path / "model.json").read_text())
    saved["version"] = 2
    (tmp_path / "old.json").write_text(json.dumps(saved))
    with pytest.raises(DataError, match=r"old\.json: saved by an older weaklabel.*fit and save"):
        load_model(tmp_path / "old.json")
    # without gold, or without levels, a version-2 file still loads
    saved["gold"] = None
    (tmp_path / "no_gold.json").write_text(json.dumps(saved))
    assert load_model(tmp_path / "no_gold.json").confidence_cuts_ == model.confidence_cuts_

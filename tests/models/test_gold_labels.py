"""Gold labels: each vote pattern's prediction updated by its labels; the gold rows' weight."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from weaklabel import DataError, VoteMatrix
from weaklabel.datasets import make_votes
from weaklabel.exceptions import ConvergenceWarning
from weaklabel.models import DawidSkene, LabelModel, MajorityVote, load_model
from weaklabel.models._gold_weight import GOLD_WEIGHTS, MIN_GOLD_FOR_CV


@pytest.fixture(scope="module")
def misled():
    """Votes where LF 0, voting 1 alone on 200 rows, is wrong on most of them."""
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, size=2000)
    dense = np.full((2000, 4), -1)
    for j in (1, 2, 3):  # three decent LFs that vote either class
        fire = rng.random(2000) < 0.5
        right = rng.random(2000) < 0.85
        dense[fire, j] = np.where(right[fire], truth[fire], 1 - truth[fire])
    alone = np.arange(200)
    dense[alone] = -1
    dense[alone, 0] = 1  # LF 0 alone on these rows; they are mostly class 0
    truth[alone] = (rng.random(200) < 0.2).astype(int)
    dense[200:400, 0] = np.where(truth[200:400] == 1, 1, -1)  # elsewhere LF 0 looks perfect
    return VoteMatrix.from_dense(dense, cardinality=2), truth


@pytest.mark.parametrize("model_class", [LabelModel, MajorityVote, DawidSkene])
def test_without_gold_the_predictions_are_the_models_own(misled, model_class):
    votes, _ = misled
    model = model_class(cardinality=2).fit(votes)
    assert np.array_equal(model.predict_proba(votes), model.prior_proba(votes))
    assert len(model.gold_patterns_) == 0 and model.gold_strength_ == 0.0


@pytest.mark.parametrize("model_class", [LabelModel, MajorityVote, DawidSkene])
def test_gold_on_a_misjudged_pattern_corrects_all_its_rows(misled, model_class):
    votes, truth = misled
    plain = model_class(cardinality=2).fit(votes)
    assert (plain.predict(votes[:200]) == 1).all()  # the model believes LF 0
    gold = np.full(2000, -1)
    gold[:10] = truth[:10]  # ten labels of the pattern "LF 0 alone"
    model = model_class(cardinality=2).fit(votes, gold=gold)
    assert (model.predict(votes[:200]) == 0).all()  # all 200 rows follow the labels
    others = np.arange(400, 2000)  # rows of patterns without gold: no worse than before
    before = (plain.predict(votes[others]) == truth[others]).mean()
    assert (model.predict(votes[others]) == truth[others]).mean() >= before - 0.01


def test_gold_helps_on_average_and_never_much_worse(misled):
    votes, truth = misled
    base = (LabelModel(progress=False).fit(votes).predict(votes) == truth).mean()
    scores = []
    for draw in range(6):
        rows = np.random.default_rng(draw).choice(2000, size=100, replace=False)
        gold = np.full(2000, -1)
        gold[rows] = truth[rows]
        predicted = LabelModel(progress=False, random_state=0).fit(votes, gold=gold).predict(votes)
        scores.append((predicted == truth).mean())
    assert np.mean(scores) > base + 0.01
    assert min(scores) > base - 0.01


def test_gold_survives_save_and_load(misled, tmp_path):
    votes, truth = misled
    gold = np.full(2000, -1)
    gold[:30] = truth[:30]
    model = LabelModel(progress=False).fit(votes, gold=gold)
    model.save(tmp_path / "m.json")
    loaded = load_model(tmp_path / "m.json")
    assert np.allclose(loaded.predict_proba(votes), model.predict_proba(votes))
    assert loaded.gold_strength_ == model.gold_strength_
    data = json.loads((tmp_path / "m.json").read_text())
    assert set(data["gold"]) == {"patterns", "counts", "strength"}


def test_a_model_file_without_gold_loads_as_no_gold(misled, tmp_path):
    votes, _ = misled
    model = LabelModel(progress=False).fit(votes)
    data = model.to_dict()
    del data["gold"]
    (tmp_path / "old.json").write_text(json.dumps(data))
    loaded = load_model(tmp_path / "old.json")
    assert np.allclose(loaded.predict_proba(votes), model.predict_proba(votes))


@pytest.mark.parametrize(
    "change",
    [
        {"strength": -1.0},
        {"strength": float("nan")},
        {"patterns": ["xyz"]},
        {"counts": [[1.0, -2.0]]},
        {"extra": 1},
    ],
)
def test_a_tampered_gold_block_is_refused(misled, tmp_path, change):
    votes, truth = misled
    gold = np.full(2000, -1)
    gold[:5] = truth[:5]
    data = LabelModel(progress=False).fit(votes, gold=gold).to_dict()
    data["gold"].update(change)
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"bad.json: the model's learned state is invalid: .*gold"):
        load_model(tmp_path / "bad.json")


def test_few_gold_rows_weigh_one_row_each(misled):
    votes, truth = misled
    gold = np.full(2000, -1)
    gold[: MIN_GOLD_FOR_CV - 1] = truth[: MIN_GOLD_FOR_CV - 1]
    assert LabelModel(progress=False).fit(votes, gold=gold).gold_weight_ == 0.0
    fixed = LabelModel(progress=False, gold_weight=3.0).fit(votes, gold=gold)
    assert fixed.gold_weight_ == 3.0


def test_the_gold_weight_is_chosen_by_cross_validation_reproducibly():
    votes, truth = make_votes(3000, [0.9, 0.8, 0.7, 0.6], [0.5, 0.5, 0.5, 0.5], random_state=1)
    gold = np.full(3000, -1)
    gold[:200] = truth[:200]
    first = LabelModel(progress=False, random_state=0).fit(votes, gold=gold)
    second = LabelModel(progress=False, random_state=0).fit(votes, gold=gold)
    assert first.gold_weight_ in GOLD_WEIGHTS
    assert first.gold_weight_ == second.gold_weight_
    assert np.array_equal(first.predict_proba(votes), second.predict_proba(votes))


def test_only_the_fit_kept_warns_that_it_did_not_converge():
    """The cross-validation's refits are internal: their convergence is not the user's concern."""
    votes, truth = make_votes(3000, [0.9, 0.8, 0.7, 0.6], [0.5, 0.5, 0.5, 0.5], random_state=1)
    gold = np.full(3000, -1)
    gold[:200] = truth[:200]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LabelModel(max_iter=1, progress=False, random_state=0).fit(votes, gold=gold)
    unconverged = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert not model.converged_
    assert len(unconverged) == 1

"""The one-sided LFs' off-pole class factor (weaklabel.models._offpole)."""

import numpy as np
import pytest

import weaklabel.models._em as em_module
from weaklabel import VoteMatrix
from weaklabel.analysis import expected_calibration_error
from weaklabel.datasets import make_keyword_votes, make_one_sided_votes
from weaklabel.models import LabelModel
from weaklabel.models._offpole import (
    MIN_PER_CLASS,
    MIN_SHARE,
    MIN_UNITS,
    applies,
    off_pole_factor,
)


def _without_factor(monkeypatch):
    monkeypatch.setattr(em_module, "applies", lambda *args: False)


def _split(n_fit, n_rows, random_state):
    votes, truth = make_keyword_votes(n_rows, random_state=random_state)
    dense, k = votes.to_dense(), votes.cardinality
    fit = VoteMatrix.from_dense(dense[:n_fit], cardinality=k)
    test = VoteMatrix.from_dense(dense[n_fit:], cardinality=k)
    return fit, test, truth[n_fit:]


def _scores(fit, test, truth):
    model = LabelModel(fit.cardinality, progress=False, random_state=0).fit(fit)
    proba = np.asarray(model.predict_proba(test))
    ece = expected_calibration_error(proba, truth, model=model)
    return float((model.predict(test) == truth).mean()), ece


def test_keyword_suites_gain_from_the_class_factor(monkeypatch):
    # broad classes whose rows rarely carry another class's keyword: a single off-pole rate gave
    # them the rows of every stray keyword
    fit, test, truth = _split(2000, 8000, random_state=1)
    accuracy, ece = _scores(fit, test, truth)
    _without_factor(monkeypatch)
    accuracy_without, ece_without = _scores(fit, test, truth)
    assert accuracy > accuracy_without + 0.01
    assert ece < ece_without + 0.03


def test_binary_and_per_lf_silence_fits_are_untouched(monkeypatch):
    votes, _ = make_one_sided_votes(3000, random_state=0)
    keywords, _ = make_keyword_votes(2000, random_state=0)
    models = [
        LabelModel(2, progress=False).fit(votes),
        LabelModel(9, silence="lf", progress=False).fit(keywords),
    ]
    _without_factor(monkeypatch)
    again = [
        LabelModel(2, progress=False).fit(votes),
        LabelModel(9, silence="lf", progress=False).fit(keywords),
    ]
    for model, other, data in zip(models, again, [votes, keywords], strict=True):
        assert model.silence_ == other.silence_
        np.testing.assert_allclose(model.predict_proba(data), other.predict_proba(data))


def _suite(per_class, k, fired=10.0):
    poles = np.repeat(np.arange(k), per_class)
    return poles, np.full(len(poles), fired)


def test_the_factor_needs_a_suite_of_one_sided_lfs():
    per_class = max(MIN_PER_CLASS, -(-MIN_UNITS // 3))
    poles, fired = _suite(per_class, 3)
    assert applies(poles, fired, 3)
    assert not applies(*_suite(MIN_UNITS, 2), 2)  # one off-pole class: nothing to spread
    few = (MIN_UNITS - 1) // 3  # enough on each class, too few in all
    assert few >= MIN_PER_CLASS
    assert not applies(*_suite(few, 3), 3)
    lone = np.append(np.repeat([0, 1], MIN_UNITS), 2)  # class 2 has one LF
    assert not applies(lone, np.full(len(lone), 10.0), 3)
    # a few one-sided crowd workers among many general ones
    mixed = np.append(poles, np.full(len(poles), -1))
    share = MIN_SHARE * 0.9
    votes = np.append(fired * share, fired * (1 - share))
    assert not applies(mixed, votes, 3)
    assert applies(mixed, np.append(fired, fired * 0.5), 3)


def test_the_factor_moves_wrong_votes_between_classes_only():
    rng = np.random.default_rng(0)
    k, per_class = 4, 3
    poles = np.repeat(np.arange(k), per_class)
    expected = rng.uniform(1, 20, (len(poles), k))
    fired = rng.uniform(0, 40, (len(poles), k))
    expected[np.arange(len(poles)), poles] = fired[np.arange(len(poles)), poles] = 0.0
    factor = off_pole_factor(fired, expected, poles)
    # each unit fires off its pole as often in all as before
    np.testing.assert_allclose((factor * expected).sum(axis=1), expected.sum(axis=1))
    # a unit's factor ignores its own class's units: they stray together
    changed = fired.copy()
    changed[poles == 0] *= 5.0
    moved = off_pole_factor(changed, expected, poles)
    np.testing.assert_allclose(moved[poles == 0], factor[poles == 0])
    assert not np.allclose(moved[poles == 1], factor[poles == 1])


@pytest.mark.parametrize("seen", [0.2, 5.0])
def test_classes_whose_rows_draw_stray_votes_get_more_of_them(seen):
    k, per_class = 3, 4
    poles = np.repeat(np.arange(k), per_class)
    expected = np.ones((len(poles), k)) * 10.0
    fired = expected.copy()
    fired[:, 2] *= seen  # class 2's rows draw the others' keywords `seen` times as often
    expected[np.arange(len(poles)), poles] = fired[np.arange(len(poles)), poles] = 0.0
    factor = off_pole_factor(fired, expected, poles)
    units_of_0 = poles == 0
    assert ((factor[units_of_0, 2] > factor[units_of_0, 1]) == (seen > 1)).all()


def test_the_factor_is_read_off_the_rows_without_gold(monkeypatch):
    votes, truth = make_keyword_votes(2000, random_state=0)
    gold = np.full(votes.n_rows, -1)
    gold[:100] = truth[:100]  # weighing ten times the other rows together
    seen = []

    def spy(fired, expected, poles):
        seen.append(float(fired.sum()))
        return off_pole_factor(fired, expected, poles)

    monkeypatch.setattr(em_module, "off_pole_factor", spy)
    LabelModel(9, progress=False, gold_weight=10.0).fit(votes, gold=gold)
    # off-pole fires on the 1,900 unlabeled rows can be no more than their votes
    assert 0 < max(seen) <= float((votes.to_dense()[100:] >= 0).sum())

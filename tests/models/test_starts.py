"""LabelModel's EM starts: majority vote, the moments estimate, Dawid-Skene for a crowd, and
``init="auto"`` keeping the likeliest fit (weaklabel.models._starts)."""

from __future__ import annotations

import numpy as np
import pytest

from weaklabel.datasets import make_crowd_votes, make_votes
from weaklabel.models import LabelModel
from weaklabel.models._starts import DISAGREE, log_likelihood


def crowd(seed: int):
    """Six classes, fifteen workers of accuracy 0.38-0.79, three answers per item: at seed 4 EM
    from majority vote settles on a fixed point the moments estimate's start beats."""
    return make_crowd_votes(
        1200, 15, cardinality=6, labels_per_row=3, accuracy=(0.38, 0.79), random_state=seed
    )


def fitted(votes, init: str) -> LabelModel:
    return LabelModel(6, init=init, progress=False, random_state=0).fit(votes)


def likelihood(model: LabelModel, votes) -> float:
    return log_likelihood(model, votes, np.ones(votes.n_rows), 0.0)


def test_auto_keeps_the_start_under_which_the_votes_are_likelier():
    votes, truth = crowd(4)
    models = {init: fitted(votes, init) for init in ("majority", "moments", "auto")}
    scores = {init: likelihood(m, votes) for init, m in models.items()}
    accuracy = {init: float((m.predict(votes) == truth).mean()) for init, m in models.items()}
    assert scores["moments"] > scores["majority"] + 10.0
    assert scores["auto"] == pytest.approx(scores["moments"])
    np.testing.assert_allclose(
        models["auto"].predict_proba(votes), models["moments"].predict_proba(votes)
    )
    assert accuracy["auto"] > accuracy["majority"] + 0.01


def test_auto_never_keeps_the_less_likely_fit():
    for seed in range(4):
        votes, _ = crowd(seed)
        best = max(likelihood(fitted(votes, init), votes) for init in ("majority", "moments"))
        assert likelihood(fitted(votes, "auto"), votes) == pytest.approx(best)


def test_where_the_starts_agree_em_runs_once(monkeypatch):
    votes, _ = make_votes(3000, np.linspace(0.7, 0.9, 10), np.full(10, 0.5), random_state=0)
    calls = []
    original = LabelModel._fit_sample

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LabelModel, "_fit_sample", counting)
    auto = LabelModel(2, progress=False, random_state=0).fit(votes)
    assert len(calls) == 1
    majority = LabelModel(2, init="majority", progress=False, random_state=0).fit(votes)
    np.testing.assert_array_equal(auto.predict_proba(votes), majority.predict_proba(votes))


def test_a_start_named_is_the_only_one(monkeypatch):
    votes, _ = crowd(4)
    calls = []
    original = LabelModel._fit_sample

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LabelModel, "_fit_sample", counting)
    for init in ("majority", "moments"):
        calls.clear()
        fitted(votes, init)
        assert len(calls) == 1
    calls.clear()
    fitted(votes, "auto")
    # the moments start disagrees on more than DISAGREE of these rows; Dawid-Skene's may too
    assert len(calls) in (2, 3)
    assert 0.0 < DISAGREE < 0.5


def test_gold_rows_do_not_judge_the_starts():
    votes, truth = crowd(4)
    gold = np.full(votes.n_rows, -1)
    gold[:60] = truth[:60]
    model = LabelModel(6, progress=False, random_state=0).fit(votes, gold=gold)
    assert (model.predict(votes)[60:] == truth[60:]).mean() > 0.75


def spy_on_crowd_start(monkeypatch) -> list[int]:
    from weaklabel.models import _starts

    calls: list[int] = []
    original = _starts.crowd_start

    def spy(model, sample, weights):
        calls.append(sample.n_rows)
        return original(model, sample, weights)

    monkeypatch.setattr(_starts, "crowd_start", spy)
    return calls


def test_a_crowd_also_starts_from_dawid_skene(monkeypatch):
    calls = spy_on_crowd_start(monkeypatch)
    votes, _ = crowd(4)  # 15 workers, each voting every class; the starts disagree here
    auto = fitted(votes, "auto")
    assert len(calls) == 1
    scores = [likelihood(fitted(votes, init), votes) for init in ("majority", "moments")]
    assert likelihood(auto, votes) >= max(scores) - 1e-6


def test_one_sided_lfs_never_start_from_dawid_skene(monkeypatch):
    from weaklabel.datasets import make_keyword_votes

    calls = spy_on_crowd_start(monkeypatch)
    votes, _ = make_keyword_votes(2000, cardinality=5, n_lfs=40, random_state=0)
    LabelModel(5, progress=False, random_state=0).fit(votes)
    assert calls == []


def test_where_majority_vote_is_a_good_start_no_other_start_is_read(monkeypatch):
    calls = spy_on_crowd_start(monkeypatch)
    votes, _ = make_crowd_votes(
        1000, 20, cardinality=3, labels_per_row=5, accuracy=(0.85, 0.95), random_state=0
    )
    LabelModel(3, progress=False, random_state=0).fit(votes)
    assert calls == []

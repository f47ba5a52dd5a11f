"""Per-LF silence: LabelModel(silence="auto") counts every silent one-sided LF where the LFs fire
independently given the class, and once per class elsewhere (weaklabel.models._silence)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from weaklabel import DataError, VoteMatrix
from weaklabel.datasets import make_dependent_votes, make_keyword_votes, make_one_sided_votes
from weaklabel.models import LabelModel, MajorityVote
from weaklabel.models import _silence as silence_module
from weaklabel.models._silence import pooled_misfit


def _accuracy(model, votes, truth) -> float:
    return float((model.predict(votes) == truth).mean())


def _twelve_lfs(pairs=(), *, rows=6000, accuracy=0.8, coverage=0.15, copy_prob=0.0, balance=None):
    """Twelve one-sided LFs alternating between two classes, with planted copies ``pairs``."""
    m = 12
    return make_dependent_votes(
        rows,
        np.broadcast_to(accuracy, (m,)),
        np.full(m, coverage),
        list(pairs),
        copy_prob=copy_prob,
        class_balance=balance,
        polarities=np.arange(m) % 2,
        random_state=0,
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_independent_one_sided_lfs_get_every_silence_counted(seed):
    # ten weak one-sided LFs, independent given the class, 60/40 classes: leaving the silent
    # siblings of a fired LF out favours the class whose LFs fire most, which takes rows
    votes, truth = make_one_sided_votes(8000, random_state=seed)
    fit, test = votes[range(4000)], votes[range(4000, 8000)]
    auto = LabelModel(progress=False, random_state=0).fit(fit)
    per_class = LabelModel(progress=False, random_state=0, silence="class").fit(fit)
    assert auto.silence_ == "lf" and per_class.silence_ == "class"
    assert auto.silence_test_[0] >= 10 and auto.silence_test_[1] <= 0.1
    assert per_class.silence_test_ is None  # not run
    gold = truth[4000:]
    assert _accuracy(auto, test, gold) > _accuracy(per_class, test, gold) + 0.02
    assert _accuracy(auto, test, gold) > _accuracy(MajorityVote().fit(fit), test, gold)
    assert auto.temperature_ == 1.0
    assert abs(auto.class_balance_[0] - 0.6) < 0.05  # the rows without votes pin the balance


def test_a_rare_class_is_found_with_its_share():
    # three classes 72/24/4, 24 independent one-sided LFs: the class-level silence hands the
    # rows to the rare class, whose LFs each catch much of it
    m, k = 24, 3
    rng = np.random.default_rng(3)
    votes, truth, _ = make_dependent_votes(
        6000,
        rng.uniform(0.6, 0.95, m),
        np.full(m, 0.04),
        [],
        cardinality=k,
        class_balance=[0.72, 0.24, 0.04],
        polarities=np.arange(m) % k,
        random_state=0,
    )
    auto = LabelModel(k, progress=False, random_state=0).fit(votes)
    per_class = LabelModel(k, progress=False, random_state=0, silence="class").fit(votes)
    assert auto.silence_ == "lf"
    assert _accuracy(auto, votes, truth) > 0.82
    assert _accuracy(auto, votes, truth) > _accuracy(per_class, votes, truth) + 0.05
    assert np.abs(auto.class_balance_ - [0.72, 0.24, 0.04]).max() < 0.03


def test_keywords_that_exclude_each_other_keep_the_class_level_silence():
    # one specific keyword per row: a class's keywords never fire together, which independence
    # given the class would have them do
    votes, _ = make_keyword_votes(4000, random_state=0)
    model = LabelModel(9, progress=False, random_state=0).fit(votes)
    assert model.silence_ == "class" and model.silence_test_[1] > 0.1


def test_copied_lfs_keep_the_class_level_silence():
    # independent one-sided LFs, and four of them repeating another on 90% of the rows
    votes, _, _ = _twelve_lfs([(0, 2), (1, 3), (4, 6), (5, 7)], copy_prob=0.9)
    assert LabelModel(progress=False, random_state=0).fit(votes).silence_ == "class"


def test_too_few_lfs_to_test_keep_the_class_level_silence():
    votes, _ = make_one_sided_votes(6000, n_lfs=4, random_state=0)  # 6 pairs: too few
    model = LabelModel(progress=False, random_state=0).fit(votes)
    assert model.silence_ == "class" and model.silence_test_ is None  # not even tried
    forced = LabelModel(progress=False, random_state=0, silence="lf").fit(votes)
    assert forced.silence_ == "lf"


def test_lfs_that_vote_several_classes_are_left_as_they_are():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 3000)
    right = rng.random((3000, 5)) < 0.8
    votes = VoteMatrix.from_dense(
        np.where(right, truth[:, None], 1 - truth[:, None]), cardinality=2
    )
    auto = LabelModel(progress=False, random_state=0).fit(votes)
    per_class = LabelModel(progress=False, random_state=0, silence="class").fit(votes)
    assert auto.silence_ == "class"
    assert np.array_equal(auto.predict_proba(votes), per_class.predict_proba(votes))


def test_rows_without_votes_get_the_posterior_of_an_all_silent_row():
    votes, truth = make_one_sided_votes(6000, accuracy=(0.75, 0.9), random_state=0)
    model = LabelModel(progress=False, random_state=0, label_noise=0.0, silence="lf").fit(votes)
    unvoted = votes.votes_per_row() == 0
    shares = np.bincount(truth[unvoted], minlength=2) / unvoted.sum()
    assert np.abs(model.unvoted_proba_ - shares).max() < 0.05
    # the same probabilities as a row whose LFs all abstained, through the vote path
    silent = VoteMatrix.from_dense(np.full((1, votes.n_lfs), -1), cardinality=2)
    assert np.allclose(model._proba(silent)[0], model.unvoted_proba_)


def test_gold_labels_do_not_hurt_under_per_lf_silence():
    # where the LFs are independent the model is already close to the Bayes rule, so 150 gold
    # rows of 800 move it little; over six draws they must not cost accuracy on the other rows
    changes = []
    for seed in range(6):
        votes, truth = make_one_sided_votes(800, random_state=seed)
        gold = np.full(len(truth), -1)
        rows = np.random.default_rng(0).choice(len(truth), 150, replace=False)
        gold[rows] = truth[rows]
        rest = np.setdiff1d(np.arange(len(truth)), rows)
        plain = LabelModel(progress=False, random_state=0, silence="lf").fit(votes)
        helped = LabelModel(progress=False, random_state=0, silence="lf").fit(votes, gold=gold)
        changes.append(
            _accuracy(helped, votes[rest], truth[rest]) - _accuracy(plain, votes[rest], truth[rest])
        )
    assert np.mean(changes) >= -0.002


def test_the_silence_mode_is_saved_and_checked_on_load(reloaded):
    votes, _ = make_one_sided_votes(4000, random_state=0)
    model = LabelModel(progress=False, random_state=0).fit(votes)
    assert model.silence_ == "lf"
    loaded, path = reloaded(model, votes)
    assert loaded.silence_ == "lf" and loaded.silence_test_ is None  # a diagnostic, not saved
    document = json.loads(path.read_text())
    document["state"]["silence_"] = "sometimes"
    path.write_text(json.dumps(document))
    with pytest.raises(DataError, match="silence_ must be 'class' or 'lf'"):
        LabelModel.load(path)
    del document["state"]["silence_"]  # a file from before: the class-level silence
    path.write_text(json.dumps(document))
    assert LabelModel.load(path).silence_ == "class"


def test_silence_is_a_checked_parameter():
    votes, _ = make_one_sided_votes(500, random_state=0)
    with pytest.raises(ValueError, match="silence"):
        LabelModel(silence="sometimes").fit(votes)


def test_joined_lfs_count_their_silence_once_as_a_unit():
    # a planted copy, joined by the dependency graph given to fit: under per-LF silence the pair
    # is one unit, whose silence counts once, and predictions go through the joint patterns
    import networkx as nx

    votes, truth, edges = _twelve_lfs([(0, 2)], copy_prob=1.0)
    graph = nx.Graph(edges)
    joined = LabelModel(progress=False, random_state=0, silence="lf").fit(votes, dependencies=graph)
    assert sorted(map(len, joined.units_))[-1] == 2
    proba = joined.predict_proba(votes)
    assert np.allclose(proba.sum(axis=1), 1.0) and np.isfinite(proba).all()
    unjoined = LabelModel(progress=False, random_state=0, silence="lf").fit(votes)
    # counted twice, the copy's vote and silence outweigh the others: the joint unit does better
    assert _accuracy(joined, votes, truth) > _accuracy(unjoined, votes, truth)


def test_the_test_does_not_reject_independence_for_having_many_rows():
    # 100 independent one-sided LFs on a million rows: asked of all of them, the pairwise test
    # rejected the naive Bayes form for 56% of the pairs (EM fits a sample, and with that many
    # rows any misfit shows); it now asks what 100,000 rows would show, as on 100,000 rows
    votes, truth = make_one_sided_votes(1_000_000, n_lfs=100, votes_per_row=5.0, random_state=0)
    model = LabelModel(progress=False, random_state=0).fit(votes)
    assert model.silence_ == "lf"
    assert _accuracy(model, votes, truth) > 0.9  # majority vote 0.883, class-level silence 0.600


def test_an_lf_below_its_class_share_does_not_fail_the_test():
    # independent one-sided LFs on 70/30 classes, one of them for the large class right on 45% of
    # its votes (below the class's 70%: it fires more on the other class). The anchored model
    # reads it as weightless (e held at r), so its co-firing is not tested
    accuracy = np.full(12, 0.85)
    accuracy[0] = 0.45
    votes, truth, _ = _twelve_lfs(rows=8000, accuracy=accuracy, coverage=0.12, balance=[0.7, 0.3])
    model = LabelModel(progress=False, random_state=0).fit(votes)
    assert model.silence_ == "lf"
    assert _accuracy(model, votes, truth) > _accuracy(MajorityVote().fit(votes), votes, truth)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_per_lf_fit_keeps_the_rows_without_votes_in_their_class(seed):
    # Six weak, low-coverage LFs (two pairs of copies), 91% / 9% classes, 80% of the rows without
    # a vote. EM started those rows at a uniform guess and let the rare class, whose LFs fire
    # least, take them all (balance 0.07 / 0.93, 8% right); from the voted rows' shares, as
    # Dawid-Skene starts, it keeps them in the large class.
    votes, truth, _ = make_dependent_votes(
        3000,
        cardinality=2,
        accuracies=np.array([0.42, 0.51, 0.61, 0.68, 0.68, 0.66]),
        coverages=np.array([0.07, 0.053, 0.037, 0.065, 0.019, 0.091]),
        polarities=np.array([0, 0, 1, 0, 0, 1]),
        class_balance=np.array([0.91, 0.09]),
        dependencies=[(5, 2), (0, 4)],
        copy_prob=0.9,
        random_state=seed,
    )
    model = LabelModel(silence="lf", progress=False, random_state=0).fit(votes)
    assert abs(model.class_balance_[0] - 0.91) < 0.03
    assert model.unvoted_proba_.argmax() == 0
    majority = MajorityVote().fit(votes).predict(votes)
    assert (model.predict(votes) == truth).mean() > (majority == truth).mean()


BALANCE_10 = np.array([0.2365, 0.1591, 0.1263, 0.1188, 0.0836, 0.0804, 0.0665, 0.0574, 0.0425])
BALANCE_10 = np.append(BALANCE_10, 1.0 - BALANCE_10.sum())


def test_keywords_that_exclude_each_other_keep_the_class_silence(monkeypatch):
    # one specific keyword per row, beside broad keywords that fire as side mentions: the pairs
    # frequent enough to test one by one are the broad-specific ones, which pass; the specific
    # ones never fire together, which only the pooled rare pairs show
    votes, truth = make_keyword_votes(
        6000,
        cardinality=10,
        n_lfs=108,
        accuracy=(0.66, 0.98),
        broad_classes=3,
        broad_variants=1,
        broad_recall=0.48,
        side_mentions=0.26,
        class_balance=BALANCE_10,
        random_state=7,
    )
    fit, test, gold = votes[range(3000)], votes[range(3000, 6000)], truth[3000:]
    model = LabelModel(10, progress=False).fit(fit)
    assert model.silence_ == "class"
    majority = _accuracy(MajorityVote(10).fit(fit), test, gold)
    assert _accuracy(model, test, gold) > majority + 0.1
    monkeypatch.setattr(silence_module, "pooled_misfit", lambda *args, **kwargs: False)
    naive = LabelModel(10, progress=False).fit(fit)  # what the pairs alone let through
    assert naive.silence_ == "lf"
    assert _accuracy(naive, test, gold) < majority


def test_the_pooled_rare_pairs_veto_only_a_clear_misfit():
    expected = np.full(200, 2.0)  # 400 co-fires expected in all, every pair too rare to test
    assert pooled_misfit(np.full(200, 0.7), expected, scale=1.0)  # one keyword per row
    assert not pooled_misfit(np.full(200, 1.8), expected, scale=1.0)  # 360: within chance
    assert not pooled_misfit(np.full(200, 0.7), expected, scale=0.01)  # as if on few rows
    frequent = np.full(200, 50.0)  # pairs tested one by one do not count here
    assert not pooled_misfit(np.zeros(200), frequent, scale=1.0)

from __future__ import annotations

import numpy as np
import pytest

from weaklabel import ABSTAIN, DataError, ParameterError, VoteMatrix
from weaklabel.analysis import expected_calibration_error
from weaklabel.datasets import (
    make_crowd_votes,
    make_keyword_votes,
    make_one_sided_votes,
    make_random_lf_votes,
    make_votes,
)
from weaklabel.models import (
    DawidSkene,
    LabelModel,
    MajorityVote,
    MomentsModel,
    WeightedMajorityVote,
)

ACCURACIES = np.array([0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.62, 0.88])
COVERAGES = np.array([0.8, 0.3, 0.5, 0.2, 0.6, 0.4, 0.7, 0.25, 0.55, 0.35])


@pytest.mark.parametrize(("k", "balance"), [(2, [0.65, 0.35]), (3, [0.5, 0.3, 0.2])])
def test_recovers_known_lf_accuracies_and_class_balance(k, balance):
    votes, truth = make_votes(
        20_000, ACCURACIES, COVERAGES, cardinality=k, class_balance=balance, random_state=11
    )
    model = LabelModel(cardinality=k, progress=False).fit(votes)
    assert np.abs(model.lf_accuracies_ - ACCURACIES).max() < 0.05
    assert np.abs(model.class_balance_ - balance).max() < 0.03
    assert (model.predict(votes) == truth).mean() >= (
        MajorityVote(cardinality=k).fit(votes).predict(votes) == truth
    ).mean()


def test_learned_attributes_are_consistent():
    votes, _ = make_votes(5000, ACCURACIES[:4], COVERAGES[:4], random_state=2)
    model = LabelModel(progress=False).fit(votes)
    assert model.emissions_.shape == (4, 2, 2)
    assert np.allclose(model.confusions_.sum(axis=2), 1.0)
    assert np.all((model.propensities_ > 0) & (model.propensities_ < 1))
    assert 1 <= model.n_iter_ <= model.max_iter


def test_one_sided_lfs_do_not_collapse_to_one_class():
    # Each LF votes only one class, and fires mostly on that class (keyword LFs).
    rng = np.random.default_rng(0)
    n = 4000
    truth = (rng.random(n) < 0.4).astype(int)
    dense = np.full((n, 4), -1)
    dense[:, 0] = np.where((truth == 1) & (rng.random(n) < 0.5), 1, -1)
    dense[:, 1] = np.where((truth == 1) & (rng.random(n) < 0.4) | (rng.random(n) < 0.02), 1, -1)
    dense[:, 2] = np.where((truth == 0) & (rng.random(n) < 0.5), 0, -1)
    dense[:, 3] = np.where((truth == 0) & (rng.random(n) < 0.4) | (rng.random(n) < 0.03), 0, -1)
    votes = VoteMatrix.from_dense(dense, cardinality=2)
    model = LabelModel(progress=False).fit(votes)
    pred = model.predict(votes)
    covered = votes.votes_per_row() > 0
    assert 0.3 < model.class_balance_[1] < 0.5
    assert (pred[covered] == truth[covered]).mean() > 0.9
    assert model.lf_accuracies_.min() > 0.8


def test_gold_labels_are_clamped_and_help():
    votes, truth = make_votes(3000, [0.55, 0.6, 0.58], [0.5, 0.5, 0.5], random_state=4)
    gold = np.full(votes.n_rows, -1)
    gold[:1500] = truth[:1500]
    model = LabelModel(progress=False).fit(votes, gold=gold)
    plain = LabelModel(progress=False).fit(votes)
    truth_acc = np.array([0.55, 0.6, 0.58])
    assert (
        np.abs(model.lf_accuracies_ - truth_acc).max()
        <= np.abs(plain.lf_accuracies_ - truth_acc).max() + 1e-9
    )


def test_prior_accuracy_must_lie_between_chance_and_one():
    votes, _ = make_votes(100, [0.9], [0.5], random_state=0)
    with pytest.raises(ParameterError, match="'prior_accuracy' parameter of LabelModel"):
        LabelModel(prior_accuracy=0.3).fit(votes)


def test_progress_can_be_silenced(capsys):
    votes, _ = make_votes(500, [0.9, 0.8], [0.5, 0.5], random_state=0)
    LabelModel(progress=False).fit(votes)
    assert capsys.readouterr().err == ""
    LabelModel(progress=True).fit(votes)
    assert "Fitting LabelModel" in capsys.readouterr().err


def test_predicts_in_chunks_like_at_once(monkeypatch):
    import weaklabel.models._base as base

    votes, _ = make_votes(1000, [0.9, 0.8, 0.7], [0.5, 0.5, 0.5], random_state=1)
    model = LabelModel(progress=False).fit(votes)
    whole = model.predict_proba(votes)
    monkeypatch.setattr(base, "_PREDICT_CHUNK", 64)
    assert np.allclose(model.predict_proba(votes), whole)


def test_warns_when_em_runs_out_of_steps():
    from weaklabel.exceptions import ConvergenceWarning

    votes, _ = make_votes(2000, [0.6, 0.55, 0.58], [0.5, 0.5, 0.5], random_state=3)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model = LabelModel(max_iter=2, tol=1e-12, progress=False).fit(votes)
    assert model.converged_ is False
    assert LabelModel(progress=False).fit(votes).converged_ is True


def test_em_converges_where_the_acceleration_alone_would_cycle():
    # four vote patterns, LFs joined in pairs, one nested in another of the other class: the
    # SQUAREM extrapolation cycled for good (1,000 steps, unconverged); plain EM converges
    import networkx as nx

    votes = VoteMatrix.from_dense(
        [[1, 1, 0, -1], [1, -1, 0, 0], [-1, 1, -1, 0], [1, 1, -1, -1]] * 25,
        cardinality=2,
        lf_names=["s1", "s2", "h1", "h2"],
    )
    units = nx.Graph([("s1", "s2"), ("h1", "h2")])
    model = LabelModel(progress=False, random_state=0).fit(votes, dependencies=units)
    assert model.converged_ and model.n_iter_ < 200


def test_weak_lfs_with_imbalanced_classes_reach_the_true_balance():
    # 10 weak LFs voting either class, 85/15 classes: slow for plain EM, accelerated here.
    rng = np.random.default_rng(0)
    votes, truth = make_votes(
        10_000,
        rng.uniform(0.55, 0.75, 10),
        rng.uniform(0.3, 0.9, 10),
        class_balance=[0.85, 0.15],
        random_state=1,
    )
    model = LabelModel(progress=False).fit(votes)
    assert model.converged_
    assert abs(model.class_balance_[0] - 0.85) < 0.04
    assert (model.predict(votes) == truth).mean() > (
        MajorityVote().fit(votes).predict(votes) == truth
    ).mean() + 0.05


def _accuracy(model, votes, truth):
    return float((model.fit(votes).predict(votes) == truth).mean())


def test_workers_seen_voting_few_classes_are_not_certain_of_them():
    # 300 crowd workers with about 17 answers each on items of which 92% are one class: most never
    # answer a rare class, and a prior spread over the classes each one happened to vote made
    # them certain of those (0.785, below majority vote's 0.858).
    votes, truth = make_crowd_votes(
        1000,
        300,
        labels_per_row=5,
        accuracy=(0.4, 0.9),
        class_balance=[0.92, 0.05, 0.03],
        random_state=0,
    )
    model = LabelModel(3, progress=False, random_state=0)
    assert _accuracy(model, votes, truth) > _accuracy(MajorityVote(3), votes, truth) + 0.05


def test_many_one_sided_keyword_lfs_beat_majority_vote():
    # 9 skewed classes, 160 keyword LFs, about one vote per row: the class balance is barely
    # identified, and the estimated one let large classes take rows (0.85 vs majority vote 0.88).
    votes, truth = make_keyword_votes(4000, random_state=0)
    model = LabelModel(9, progress=False, random_state=0)
    assert _accuracy(model, votes, truth) > _accuracy(MajorityVote(9), votes, truth) + 0.02


@pytest.mark.parametrize(("m", "k"), [(2000, 2), (400, 20)])
def test_many_lfs_and_many_classes(m, k):
    rng = np.random.default_rng(0)
    votes, truth = make_votes(
        4000, rng.uniform(0.5, 0.9, m), np.full(m, 8 / m), cardinality=k, random_state=0
    )
    model = LabelModel(cardinality=k, progress=False).fit(votes)
    assert model.emissions_.shape == (m, k, k)
    majority = MajorityVote(cardinality=k).fit(votes).predict(votes)
    assert (model.predict(votes) == truth).mean() >= (majority == truth).mean()


@pytest.mark.parametrize(
    "model_class", [LabelModel, DawidSkene, MajorityVote, WeightedMajorityVote, MomentsModel]
)
def test_votes_with_more_classes_than_the_model_are_refused_clearly(model_class):
    votes = VoteMatrix.from_dense(np.array([[0, 1, 2], [2, 2, -1]] * 10), cardinality=3)
    with pytest.raises(DataError, match=r"class index 2 \(from LF 'lf_0'\).*cardinality=2"):
        model_class(cardinality=2).fit(votes)


def test_votes_with_fewer_classes_than_the_model_fit_and_predict():
    votes = VoteMatrix.from_dense(np.array([[0, 1, -1], [1, 1, 0]] * 20), cardinality=2)
    model = LabelModel(cardinality=3, progress=False).fit(votes)
    probs = model.predict_proba(votes)
    assert probs.shape == (40, 3) and np.allclose(probs.sum(axis=1), 1.0)


@pytest.mark.parametrize("model_class", [LabelModel, DawidSkene, MajorityVote, MomentsModel])
def test_a_hopeless_number_of_classes_is_refused_before_fitting(monkeypatch, model_class):
    import weaklabel._core.memory as memory

    monkeypatch.setattr(memory, "available_bytes", lambda: 2 * 1024**3)  # a 2 GB machine
    votes = VoteMatrix.from_dense(np.array([[0, 1, -1, 2]] * 8), cardinality=3)
    model = model_class(cardinality=30_000)
    with pytest.raises(DataError, match=r"30,000 classes needs about .* GB of memory.*2\.0 GB"):
        model.fit(votes)
    assert not hasattr(model, "class_balance_")
    model_class(cardinality=3).fit(votes)  # a sensible size still fits on that machine


def test_the_cli_refuses_a_hopeless_cardinality_in_one_paragraph(monkeypatch, tmp_path, capsys):
    import weaklabel._core.memory as memory
    from weaklabel.cli import main

    monkeypatch.setattr(memory, "available_bytes", lambda: 2 * 1024**3)
    VoteMatrix.from_dense(np.array([[0, 1], [1, 1]] * 4), cardinality=2).save(tmp_path / "v.npz")
    code = main(["fit", "--votes", str(tmp_path / "v.npz"), "--out", str(tmp_path / "m.json"),
                 "--cardinality", "32000", "--model", "dawid-skene"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "32,000 classes needs about" in err and "Traceback" not in err
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("seed", [0, 1])
def test_a_class_silence_follows_its_lfs_rates(seed):
    # five one-sided LFs per class, independent given the class: on 7-16% of a class's voted rows
    # none of its own LFs fired. A free silence rate fitted on the voted rows ran to 0.001 (those
    # rows went to the other class), so a class's silence was near-certain evidence against it
    votes, truth = make_one_sided_votes(5000, random_state=seed)
    model = LabelModel(progress=False, random_state=0, silence="class").fit(votes)
    pole = votes.polarity().argmax(axis=1)
    fired = votes.to_dense() != ABSTAIN
    voted = fired.any(axis=1)
    for c in range(2):
        rows = voted & (truth == c)
        empirical = float((~fired[rows][:, pole == c].any(axis=1)).mean())
        learned = float(np.exp(model.silence_weights_[c, c]))
        assert empirical / 3 < learned < empirical * 3


# -- tempered confidence ------------------------------------------------------------------------


def test_a_random_lf_is_met_with_a_tempered_posterior_that_keeps_every_label():
    # six good LFs and one that fires at random on 20% of the rows: the untempered product of
    # likelihood ratios is overconfident; the temperature learned from the votes cuts the
    # calibration error and never changes a label
    votes, truth = make_random_lf_votes(5000, random_state=0)
    voted = votes.votes_per_row() > 0
    # the temperature's own effect, without the label noise that lifts both alike
    tempered = LabelModel(progress=False, random_state=0, label_noise=0.0, silence="class").fit(
        votes
    )
    raw = LabelModel(
        progress=False, random_state=0, temper=False, label_noise=0.0, silence="class"
    ).fit(votes)
    assert raw.temperature_ == 1.0
    assert 1.3 < tempered.temperature_ <= 20.0
    assert np.array_equal(tempered.predict(votes), raw.predict(votes))
    error = expected_calibration_error(tempered.predict_proba(votes)[voted], truth[voted])
    raw_error = expected_calibration_error(raw.predict_proba(votes)[voted], truth[voted])
    assert error < raw_error - 0.02


def test_independent_lfs_are_left_untempered():
    # the model's own assumption holds: the votes do not reject the untempered posterior
    votes, _ = make_votes(5000, ACCURACIES[:5], COVERAGES[:5], random_state=0)
    assert LabelModel(progress=False, random_state=0).fit(votes).temperature_ == 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_silent_lfs_do_not_hold_the_temperature_down(seed):
    # four good LFs on 5% of the rows each and one firing at random on 10%: most voted rows
    # carry one vote, and the silences of the LFs that did not fire (which a sharp posterior
    # predicts well) used to outnumber the votes and keep the posterior overconfident
    votes, truth = make_random_lf_votes(
        5000, n_good=4, coverage=0.05, random_coverage=0.1, random_state=seed
    )
    voted = votes.votes_per_row() > 0
    model = LabelModel(progress=False, random_state=0, silence="class").fit(votes)
    assert model.temperature_ > 3.0
    assert expected_calibration_error(model.predict_proba(votes)[voted], truth[voted]) < 0.13


def test_too_few_rows_with_two_votes_leave_the_posterior_untempered():
    # 19 rows where two LFs voted: too little to learn a temperature from
    votes, _ = make_one_sided_votes(4000, votes_per_row=0.6, random_state=0)
    dense = votes.to_dense()
    several = np.flatnonzero((dense >= 0).sum(axis=1) >= 2)
    dense = np.delete(dense, several[19:], axis=0)
    model = LabelModel(progress=False, random_state=0).fit(
        VoteMatrix.from_dense(dense, cardinality=2)
    )
    assert model.temperature_ == 1.0


def test_the_temperature_is_saved_and_restored(tmp_path):
    votes, _ = make_random_lf_votes(2000, random_state=1)
    model = LabelModel(progress=False, random_state=0, silence="class").fit(votes)
    model.save(tmp_path / "model.json")
    loaded = LabelModel.load(tmp_path / "model.json")
    assert loaded.temperature_ == model.temperature_ > 1.0
    assert np.array_equal(loaded.predict_proba(votes), model.predict_proba(votes))


@pytest.mark.parametrize("joined", [False, True])
def test_a_vote_never_seen_in_fit_counts_at_the_prior_accuracy(joined):
    # an LF that never fired on the rows fitted (a rare keyword) votes at prediction: its vote
    # counts as one from an LF right prior_accuracy of the time; it used to be dropped, which
    # left the row to the other classes' silence and so to the class whose LFs fire least
    votes, _ = make_keyword_votes(3000, random_state=0)
    dense = votes.to_dense()
    k = votes.cardinality
    rare = int(np.argmax((dense >= 0).sum(axis=0) > 0))  # an LF that fires somewhere
    pole = int(dense[dense[:, rare] >= 0, rare][0])
    fit = dense.copy()
    fit[:, rare] = ABSTAIN
    graph = None
    if joined:  # joined units: predictions go through the joint patterns
        import networkx as nx

        graph = nx.Graph(
            [
                (
                    votes.lf_names[(rare + 1) % len(votes.lf_names)],
                    votes.lf_names[(rare + 2) % len(votes.lf_names)],
                )
            ]
        )
    model = LabelModel(cardinality=k, progress=False, random_state=0)
    model.fit(
        VoteMatrix.from_dense(fit, cardinality=k, lf_names=votes.lf_names), dependencies=graph
    )
    alone = np.full((1, dense.shape[1]), ABSTAIN)
    alone[0, rare] = pole
    proba = model.predict_proba(
        VoteMatrix.from_dense(alone, cardinality=k, lf_names=votes.lf_names)
    )[0]
    assert proba.argmax() == pole
    assert proba[pole] > 1.5 / k


def test_label_noise_mixes_in_a_uniform_guess_and_keeps_every_label(tmp_path):
    votes, _ = make_random_lf_votes(4000, random_state=3)
    raw = LabelModel(progress=False, random_state=0, label_noise=0.0).fit(votes)
    noisy = LabelModel(progress=False, random_state=0, label_noise=0.2).fit(votes)
    raw_p, noisy_p = raw.predict_proba(votes), noisy.predict_proba(votes)
    voted = votes.votes_per_row() > 0
    assert np.allclose(noisy_p[voted], 0.8 * raw_p[voted] + 0.1)
    assert np.array_equal(noisy_p[~voted], raw_p[~voted])
    assert np.array_equal(noisy.unvoted_proba_, raw.unvoted_proba_)  # rows without votes: the prior
    assert np.array_equal(noisy.predict(votes), raw.predict(votes))
    assert noisy_p.max() <= 0.9 + 1e-12
    noisy.save(tmp_path / "model.json")
    loaded = LabelModel.load(tmp_path / "model.json")
    assert loaded.label_noise == 0.2
    assert np.array_equal(loaded.predict_proba(votes), noisy_p)


@pytest.mark.parametrize("value", [-0.1, 1.0, "high"])
def test_label_noise_outside_zero_to_one_is_refused_by_name(value):
    votes, _ = make_random_lf_votes(200, random_state=0)
    with pytest.raises(ParameterError, match="label_noise"):
        LabelModel(progress=False, label_noise=value).fit(votes)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_default_label_noise_calibrates_where_some_gold_labels_disagree_with_every_vote(seed):
    # independent LFs, but 5% of the true labels are flipped after the votes were drawn (the
    # errors a gold set carries, items every LF gets wrong): the model's posterior cannot see
    # them, and without label noise its confident rows are right less often than it claims
    votes, truth = make_votes(
        6000, ACCURACIES, COVERAGES, class_balance=[0.6, 0.4], random_state=seed
    )
    rng = np.random.default_rng(seed)
    flipped = np.where(rng.random(len(truth)) < 0.05, 1 - truth, truth)
    voted = votes.votes_per_row() > 0

    def error(model):
        return expected_calibration_error(model.predict_proba(votes)[voted], flipped[voted])

    default = LabelModel(progress=False, random_state=0).fit(votes)
    raw = LabelModel(progress=False, random_state=0, label_noise=0.0).fit(votes)
    assert error(default) < error(raw) - 0.01


def test_dawid_skene_says_whether_it_converged():
    votes, _ = make_votes(500, ACCURACIES[:4], COVERAGES[:4], random_state=0)
    # plain EM: about 280 iterations here, more than the default 100
    assert not DawidSkene(progress=False).fit(votes).converged_
    model = DawidSkene(max_iter=1000, progress=False).fit(votes)
    assert model.converged_ and model.n_iter_ < 1000

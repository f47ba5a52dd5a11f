from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from strategies import vote_matrices

from weaklabel import DataError, ParameterError, VoteMatrix, lf_summary
from weaklabel._analysis.advice import lf_advice
from weaklabel.analysis import conflict_examples, explain, label_summary, lf_pairs, wilson_interval
from weaklabel.datasets import make_dependent_votes, make_votes
from weaklabel.models import DawidSkene, LabelModel, MajorityVote


@given(vote_matrices())
def test_pairs_match_a_dense_reference(votes):
    dense = votes.to_dense()
    pairs = lf_pairs(votes).set_index(["lf_a", "lf_b"])
    n = votes.n_rows
    for a in range(votes.n_lfs):
        for b in range(a + 1, votes.n_lfs):
            both = (dense[:, a] != -1) & (dense[:, b] != -1)
            key = (votes.lf_names[a], votes.lf_names[b])
            if not both.any():
                assert key not in pairs.index
                continue
            agree = both & (dense[:, a] == dense[:, b])
            row = pairs.loc[key]
            assert row["overlap"] == pytest.approx(both.sum() / n)
            assert row["conflict"] == pytest.approx((both & ~agree).sum() / n)
            assert row["agreement"] == pytest.approx(agree.sum() / both.sum())


def test_wilson_interval_contains_the_estimate_and_narrows():
    low, high = wilson_interval([5, 50, 0], [10, 100, 0])
    assert low[0] < 0.5 < high[0]
    assert high[1] - low[1] < high[0] - low[0]
    assert np.isnan(low[2]) and np.isnan(high[2])


@pytest.fixture(scope="module")
def fitted():
    votes, truth = make_votes(
        3000, [0.9, 0.8, 0.7, 0.6], [0.6, 0.5, 0.4, 0.5], class_balance=[0.6, 0.4], random_state=3
    )
    votes = VoteMatrix.from_dense(
        votes.to_dense(), cardinality=2, lf_names=["a", "b", "c", "d"], class_names=["no", "yes"]
    )
    model = LabelModel(progress=False).fit(votes)
    return votes, truth, model


def test_summary_with_model_and_dependencies(fitted):
    votes, truth, model = fitted
    graph = nx.Graph([("a", "c")])
    graph.add_nodes_from(votes.lf_names)
    summary = lf_summary(votes, gold=truth, model=model, dependencies=graph)
    assert np.allclose(summary["learned_accuracy"], model.lf_accuracies_)
    assert (summary["weight"].diff().dropna() < 0).all()  # better LFs weigh more
    assert summary.loc["a", "dependencies"] == ["c"] and summary.loc["b", "dependencies"] == []
    assert (summary["accuracy_low"] <= summary["empirical_accuracy"]).all()
    assert (summary["empirical_accuracy"] <= summary["accuracy_high"]).all()
    # learned accuracies track the truth (make_votes' accuracies) within a few points
    assert np.abs(summary["learned_accuracy"] - [0.9, 0.8, 0.7, 0.6]).max() < 0.06


def test_summary_refuses_a_model_of_other_lfs(fitted):
    votes, _, model = fitted
    with pytest.raises(DataError, match="fitted on other LFs"):
        lf_summary(votes.select_lfs(["a", "b"]), model=model)


def test_label_summary(fitted):
    votes, truth, model = fitted
    probs = model.predict_proba(votes)
    summary = label_summary(votes, probs, gold=truth, model=model)
    pred = probs.argmax(axis=1)
    assert summary.accuracy == pytest.approx((pred == truth).mean())
    assert summary.confusion.to_numpy().sum() == votes.n_rows
    assert summary.confusion.loc["yes", "yes"] == ((pred == 1) & (truth == 1)).sum()
    assert summary.confidence_histogram["rows"].sum() == votes.n_rows
    assert summary.coverage == pytest.approx((votes.votes_per_row() > 0).mean())
    assert list(summary.predicted_balance.index) == ["no", "yes"]
    assert summary.model_balance.sum() == pytest.approx(1)
    assert 0 < summary.per_class.loc["yes", "f1"] <= 1
    assert "<table" in summary._repr_html_()


def test_label_summary_checks_shapes(fitted):
    votes, _, _ = fitted
    with pytest.raises(DataError, match="one row per vote row"):
        label_summary(votes, np.zeros((3, 2)))


def test_conflict_examples(fitted):
    votes, truth, model = fitted
    probs = model.predict_proba(votes)
    examples = conflict_examples(votes, probs, gold=truth, per_lf=4, random_state=0)
    assert set(examples["kind"]) == {"conflicts_with_model", "wrong_against_gold"}
    assert examples.groupby(["lf", "kind"]).size().max() <= 4
    dense = votes.to_dense()
    for record in examples.itertuples():
        lf = votes.lf_index(record.lf)
        assert dense[record.row, lf] == record.vote
        if record.kind == "conflicts_with_model":
            assert record.vote != record.label
        else:
            assert record.vote != record.gold
    again = conflict_examples(votes, probs, gold=truth, per_lf=4, random_state=0)
    pd.testing.assert_frame_equal(examples, again)


def test_explain_removing_each_vote(fitted):
    votes, _, model = fitted
    row = int(np.flatnonzero(votes.votes_per_row() == 3)[0])
    table = explain(model, votes, row)
    assert len(table) == 3
    assert set(table["lf"]) <= set(votes.lf_names)
    # effects are differences of two probability vectors: they sum to zero per vote
    assert np.allclose(table[["effect_no", "effect_yes"]].sum(axis=1), 0)
    assert table.attrs["probs"]["yes"] == pytest.approx(
        model.predict_proba(votes[row : row + 1])[0, 1]
    )
    voted = table.set_index("lf")
    for _, record in voted.iterrows():
        sign = 1 if record["vote"] == "yes" else -1
        assert sign * record["effect_yes"] > 0  # a vote pushes toward its class


def test_explain_works_for_any_model(fitted):
    votes, _, _ = fitted
    table = explain(MajorityVote().fit(votes), votes, 0)
    assert table["learned_accuracy"].isna().all()
    with pytest.raises(DataError, match="not a row position"):
        explain(MajorityVote().fit(votes), votes, votes.n_rows)


def test_explain_takes_a_row_id_and_says_how_when_given_an_id_as_position():
    votes = VoteMatrix.from_dense(
        [[1, 1, -1], [0, 0, 0], [1, -1, 0]] * 30,
        cardinality=2,
        row_ids=[f"r{i}" for i in range(90)],
    )
    model = LabelModel(progress=False).fit(votes)
    assert explain(model, votes, row_id="r2").equals(explain(model, votes, 2))
    with pytest.raises(ParameterError, match=r"'row' parameter of explain.*row_id='r2'"):
        explain(model, votes, row="r2")
    with pytest.raises(DataError, match=r"no row has the id 'nope'.*'r0', 'r1'"):
        explain(model, votes, row_id="nope")
    with pytest.raises(DataError, match=r"row 90 is not a row position"):
        explain(model, votes, 90)
    with pytest.raises(ParameterError, match=r"exactly one of 'row'"):
        explain(model, votes)


@pytest.fixture(scope="module")
def below_share():
    """Six one-sided LFs; lf_5 votes class 0 (60% of the rows) and is right 45% of the time."""
    return make_dependent_votes(
        4000,
        cardinality=2,
        accuracies=np.array([0.9, 0.85, 0.8, 0.9, 0.85, 0.45]),
        coverages=np.array([0.2, 0.25, 0.3, 0.2, 0.15, 0.3]),
        polarities=np.array([0, 0, 1, 1, 1, 0]),
        class_balance=np.array([0.6, 0.4]),
        dependencies=[],
        copy_prob=0.5,
        random_state=0,
    )[0]


def test_weight_reads_a_one_sided_lf_against_its_class_share(below_share):
    # lf_5's vote is evidence against class 0. LabelModel never reads an LF against its own
    # class, so it weighs nothing there (the formula without the class share said +0.24);
    # Dawid-Skene reads it against.
    votes = below_share
    for model in (LabelModel(progress=False, random_state=0), DawidSkene(progress=False)):
        model.fit(votes)
        summary = lf_summary(votes, model=model)
        acc, share = summary["learned_accuracy"], model.class_balance_[[0, 0, 1, 1, 1, 0]]
        expected = np.log(acc * (1 - share) / ((1 - acc) * share))
        assert (summary["weight"].iloc[:5] > 0.5).all()
        assert np.allclose(summary["weight"].iloc[:5], expected.iloc[:5])
        if isinstance(model, LabelModel):
            assert summary.loc["lf_5", "weight"] == 0.0
        else:
            assert summary.loc["lf_5", "weight"] == pytest.approx(expected.iloc[5])
            assert summary.loc["lf_5", "weight"] < 0


def test_advice_names_classes_no_lf_votes_for_and_lfs_without_weight(below_share):
    votes = below_share
    three = VoteMatrix.from_dense(votes.to_dense(), cardinality=3)  # class 2: no LF
    names = ["no", "yes", "other"]
    for data, model in (
        (votes, LabelModel(progress=False)),
        (three, LabelModel(3, progress=False)),
    ):
        model.fit(data)
        advice = lf_advice(lf_summary(data, model=model), model, names[: data.cardinality])
        *classes, weightless = advice
        assert [line[:29] for line in classes] == (
            ["No LF votes for class 'other'"] if data.cardinality == 3 else []
        )
        assert "votes of LF 'lf_5' (for 'no') no weight" in weightless
    # Dawid-Skene reads lf_5 against its class: it has a (negative) weight, nothing to flag
    dawid_skene = DawidSkene(progress=False).fit(votes)
    assert lf_advice(lf_summary(votes, model=dawid_skene), dawid_skene, names[:2]) == []


def test_advice_names_lfs_voting_several_classes_no_better_than_chance():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 2000)
    accuracy = [0.85, 0.8, 0.75, 0.7, 0.2]  # the last one answers the other class 80% of the time
    dense = np.column_stack([np.where(rng.random(2000) < a, truth, 1 - truth) for a in accuracy])
    dense[rng.random(dense.shape) < 0.3] = -1
    names = ["no", "yes"]
    for columns, flagged in ((slice(None), True), (slice(0, 4), False)):
        votes = VoteMatrix.from_dense(dense[:, columns], cardinality=2)
        model = LabelModel(progress=False, random_state=0).fit(votes)
        lines = [
            line
            for line in lf_advice(lf_summary(votes, model=model), model, names)
            if "no more often than chance" in line
        ]
        assert len(lines) == int(flagged)
        if flagged:
            assert "reckons 1 LF voting several classes" in lines[0]
            share = re.search(r"'lf_4' \((\d+)%\)", lines[0])
            assert share is not None and 15 <= int(share.group(1)) <= 25  # right 20% of the time
    # any model that reckons the LFs' accuracies gets the line, not only LabelModel
    dawid_skene = DawidSkene(progress=False).fit(VoteMatrix.from_dense(dense, cardinality=2))
    summary = lf_summary(VoteMatrix.from_dense(dense, cardinality=2), model=dawid_skene)
    assert any("'lf_4'" in line for line in lf_advice(summary, dawid_skene, names))

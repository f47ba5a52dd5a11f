"""weaklabel.active.query: the contract, each strategy's promise, diversity, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel import DataError, ParameterError, VoteMatrix
from weaklabel.active import AUTO, STRATEGIES, query
from weaklabel.datasets import make_votes
from weaklabel.models import LabelModel, MajorityVote

PATTERNS = {
    "confident": [1, 1, -1],  # two LFs agree
    "conflict": [1, 0, -1],  # two LFs disagree
    "single": [-1, -1, 0],  # one LF alone
    "none": [-1, -1, -1],  # no vote
}


@pytest.fixture(scope="module")
def votes():
    counts = {"confident": 40, "conflict": 30, "single": 20, "none": 10}
    dense = [PATTERNS[name] for name, n in counts.items() for _ in range(n)]
    return VoteMatrix.from_dense(dense, cardinality=2, row_ids=[f"r{i}" for i in range(100)])


@pytest.fixture(scope="module")
def model(votes):
    return LabelModel(progress=False, random_state=0).fit(votes)


def end_probs(n=100, seed=0):
    """An end model's probabilities: one per row, rows of one pattern told apart."""
    p = np.random.default_rng(seed).uniform(0.02, 0.98, n)
    return np.column_stack([1 - p, p])


def extra(strategy):
    return {"end_model_probs": end_probs()} if strategy == "end_model" else {}


def pattern_of(votes, rows):
    dense = votes.to_dense()
    names = {tuple(v): k for k, v in PATTERNS.items()}
    return [names[tuple(dense[r])] for r in rows]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_strategy_keeps_the_contract(votes, model, strategy):
    chosen = query(votes, model, 5, strategy=strategy, random_state=0, **extra(strategy))
    assert list(chosen.columns[:4]) == ["row", "id", "score", "strategy"]
    assert len(chosen) <= 5 and chosen["row"].is_unique
    assert chosen["id"].tolist() == [f"r{r}" for r in chosen["row"]]
    assert chosen["row"].dtype.kind == "i" and chosen["score"].dtype.kind == "f"
    expected = AUTO if strategy == "auto" else strategy
    assert set(chosen["strategy"]) <= {expected}
    again = query(votes, model, 5, strategy=strategy, random_state=0, **extra(strategy))
    pd.testing.assert_frame_equal(chosen, again)  # deterministic for a seed


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_labeled_rows_are_never_returned(votes, model, strategy):
    first = query(votes, model, 10, strategy=strategy, random_state=1, **extra(strategy))
    second = query(votes, model, 90, strategy=strategy, labeled=first["row"], random_state=1,
                   **extra(strategy))  # fmt: skip
    assert not set(first["row"]) & set(second["row"])
    mask = np.zeros(100, dtype=bool)
    mask[first["row"]] = True
    third = query(votes, model, 90, strategy=strategy, labeled=mask, random_state=1,
                  **extra(strategy))  # fmt: skip
    assert not set(first["row"]) & set(third["row"])


def test_uncovered_returns_only_rows_without_votes(votes, model):
    chosen = query(votes, model, 50, strategy="uncovered", random_state=0)
    assert len(chosen) == 10  # there are only ten
    assert set(pattern_of(votes, chosen["row"])) == {"none"}


def test_uncertainty_strategies_start_with_the_least_sure_pattern(votes, model):
    probs = model.predict_proba(votes)
    least_sure = int(np.argmin(probs.max(axis=1)))
    for strategy in ("least_confidence", "margin", "entropy"):
        chosen = query(votes, model, 4, strategy=strategy, random_state=0)
        assert pattern_of(votes, [chosen["row"].iloc[0]]) == pattern_of(votes, [least_sure])
        assert chosen["score"].is_monotonic_decreasing


def test_lf_disagreement_starts_with_the_conflict(votes, model):
    chosen = query(votes, model, 1, strategy="lf_disagreement", random_state=0)
    assert pattern_of(votes, chosen["row"]) == ["conflict"]


def test_expected_gain_prefers_many_uncertain_rows_to_few():
    dense = [[1, 0]] * 60 + [[0, 1]] * 3 + [[1, -1]] * 30 + [[-1, 0]] * 30
    votes = VoteMatrix.from_dense(dense, cardinality=2)
    model = MajorityVote().fit(votes, class_balance=[0.5, 0.5])  # both conflicts are 50/50
    chosen = query(votes, model, 1, strategy="expected_gain", random_state=0)
    assert chosen["row"].iloc[0] < 60  # the frequent conflict, not the rare one
    assert chosen["n_similar"].iloc[0] == 60


def test_a_batch_never_holds_the_same_text_twice(votes, model):
    texts = ["Buy now", "buy   NOW ", "hello"] * 33 + ["x"]
    chosen = query(votes, model, 20, texts=texts, random_state=0)
    keys = [" ".join(texts[r].split()).casefold() for r in chosen["row"]]
    assert len(keys) == len(set(keys)) == len(chosen)
    labeled = [0]  # "Buy now" is labeled: its duplicates are not worth asking again
    chosen = query(votes, model, 20, texts=texts, labeled=labeled, random_state=0)
    assert "buy now" not in {" ".join(texts[r].split()).casefold() for r in chosen["row"]}


def test_bad_arguments_name_the_parameter(votes, model):
    with pytest.raises(ParameterError, match=r"'strategy' parameter of query.*Did you mean"):
        query(votes, model, 3, strategy="entopy")
    with pytest.raises(ParameterError, match=r"'n' parameter of query must be an int >= 0"):
        query(votes, model, -1)
    with pytest.raises(ParameterError, match=r"'labeled' parameter of query holds 100"):
        query(votes, model, 3, labeled=[100])
    with pytest.raises(ParameterError, match=r"'labeled' parameter of query must be row positions"):
        query(votes, model, 3, labeled=["r1"])
    with pytest.raises(DataError, match=r"texts has 2 entries but the votes have 100 rows"):
        query(votes, model, 3, texts=["a", "b"])
    with pytest.raises(DataError, match=r"query expects the VoteMatrix"):
        query(votes.to_dense(), model, 3)


def test_nothing_left_gives_an_empty_frame_of_the_same_columns(votes, model):
    chosen = query(votes, model, 5, labeled=np.arange(100), random_state=0)
    assert chosen.empty and chosen["row"].dtype.kind == "i"
    assert list(chosen.columns[:4]) == ["row", "id", "score", "strategy"]


def test_one_pass_per_pattern_on_many_rows():
    votes, _ = make_votes(200_000, [0.8] * 20, [0.2] * 20, random_state=0)
    model = LabelModel(progress=False, random_state=0).fit(votes)
    chosen = query(votes, model, 50, random_state=0)
    assert len(chosen) == 50 and chosen["row"].is_unique


# -- the end model's probabilities ------------------------------------------------------------


def test_end_model_ranks_rows_by_the_end_model_s_margin(votes, model):
    probs = end_probs()
    chosen = query(votes, model, 10, strategy="end_model", end_model_probs=probs, random_state=0)
    margin = np.abs(probs[:, 1] - probs[:, 0])
    assert chosen["row"].tolist() == np.argsort(margin, kind="stable")[:10].tolist()
    np.testing.assert_allclose(chosen["score"], 1 - margin[chosen["row"]])
    # label and confidence are the end model's: its label is the final one
    assert chosen["confidence"].tolist() == probs[chosen["row"]].max(axis=1).tolist()
    assert chosen["label"].tolist() == [str(c) for c in probs[chosen["row"]].argmax(axis=1)]


def test_auto_uses_the_end_model_when_its_probabilities_are_given(votes, model):
    plain = query(votes, model, 5, random_state=0)
    with_end = query(votes, model, 5, end_model_probs=end_probs(), random_state=0)
    assert set(plain["strategy"]) == {AUTO} and set(with_end["strategy"]) == {"end_model"}
    # rows of one vote pattern are told apart by the text: a batch may hold several
    assert len(set(pattern_of(votes, with_end["row"]))) < len(with_end)


def test_end_model_never_picks_a_text_twice(votes, model):
    texts = [f"text {i % 20}" for i in range(100)]
    chosen = query(votes, model, 30, strategy="end_model", end_model_probs=end_probs(),
                   texts=texts, random_state=0)  # fmt: skip
    assert len(chosen) == 20  # twenty distinct texts
    assert len({texts[r] for r in chosen["row"]}) == 20


def test_end_model_ties_are_broken_by_the_seed(votes, model):
    flat = np.full((100, 2), 0.5)
    a = query(votes, model, 5, strategy="end_model", end_model_probs=flat, random_state=0)
    b = query(votes, model, 5, strategy="end_model", end_model_probs=flat, random_state=1)
    assert set(a["row"]) != set(b["row"])


def test_end_model_strategy_needs_the_probabilities(votes, model):
    with pytest.raises(ParameterError, match=r"'end_model' strategy .* end_model_probs="):
        query(votes, model, 5, strategy="end_model")


@pytest.mark.parametrize(
    ("probs", "match"),
    [
        (np.full((99, 2), 0.5), r"'end_model_probs' .* has 99 rows but 100 are needed"),
        (np.full((100, 3), 1 / 3), r"has 3 columns but there are 2 classes"),
        (np.vstack([[0.7, 0.7], np.full((99, 2), 0.5)]), r"row 0 sums to 1.4 \(\[0.7, 0.7\]\)"),
        (np.vstack([np.full((5, 2), 0.5), [[np.nan, 1]], np.full((94, 2), 0.5)]), r"; row 5 is"),
    ],
)
def test_bad_end_model_probs_are_refused(votes, model, probs, match):
    with pytest.raises(DataError, match=match):
        query(votes, model, 5, end_model_probs=probs)


def test_rows_whose_lf_said_another_confidence_are_scored_apart():
    # A classifier LF that says 0.95 or 0.55, beside an LF of 75% accuracy: the same votes at two
    # confidence levels are two patterns for the model, with their own probabilities; grouped by
    # their votes alone, every row took the probabilities of its group's first row.
    rng = np.random.default_rng(0)
    n = 3000
    truth = rng.integers(0, 2, n)
    sure = np.arange(n) % 2 == 0
    said = np.where(rng.random(n) < np.where(sure, 0.9, 0.6), truth, 1 - truth)
    other = np.where(rng.random(n) < 0.75, truth, 1 - truth)
    votes = VoteMatrix(
        np.tile(np.arange(n), 2), np.repeat([0, 1], n), np.concatenate([said, other]),
        n_rows=n, cardinality=2, n_lfs=2,
        confidences=np.concatenate([np.where(sure, 0.95, 0.55), np.ones(n)]),
    )  # fmt: skip
    model = LabelModel(progress=False, random_state=0).fit(votes)
    assert model.confidence_cuts_[0]
    probs = model.predict_proba(votes)
    chosen = query(votes, model, 20, strategy="margin", random_state=0)
    np.testing.assert_allclose(chosen["confidence"], probs[chosen["row"]].max(axis=1))
    key = said * 4 + other * 2 + sure  # the votes, and the level the classifier said
    same = [(key == key[row]).sum() for row in chosen["row"]]
    assert chosen["n_similar"].tolist() == same

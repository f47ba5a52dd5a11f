"""model_lf: a classifier's top class as the vote, its probability as the confidence."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from weaklabel import (
    ABSTAIN,
    LabelingFunction,
    LabelingFunctionError,
    ParameterError,
    apply_lfs,
    model_lf,
)

GOLD = pd.DataFrame(
    {
        "text": [
            "win a free prize now",
            "free money click here",
            "subscribe to my channel",
            "click to win free stuff",
            "lovely song",
            "great video thanks",
            "this song is great",
            "nice melody",
        ],
        "label": [1, 1, 1, 1, 0, 0, 0, 0],
    }
)
FRAME = pd.DataFrame(
    {
        "text": ["free prize inside", "great song", "click here to win", "hello there", None],
        "stars": [1, 5, 2, 3, 4],
        "votes": [10, 0, 3, 1, 2],
    }
)


@pytest.fixture(scope="module")
def pipeline():
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10.0))
    return model.fit(GOLD["text"], GOLD["label"])


def dense(votes, what="labels"):
    out = np.full(votes.shape, ABSTAIN if what == "labels" else 0.0)
    out[votes.rows(), votes.lfs] = votes.labels() if what == "labels" else votes.confidences()
    return out


def apply(lfs, frame=FRAME, **options):
    return apply_lfs(lfs, frame, cardinality=2, progress=False, **options)


def test_a_sklearn_pipeline_votes_its_top_class_with_its_probability(pipeline):
    lf = model_lf("tfidf", pipeline)
    assert isinstance(lf, LabelingFunction) and lf.vectorized
    votes = apply([lf])
    texts = FRAME["text"].iloc[:4]
    proba = pipeline.predict_proba(texts)
    top = proba.max(axis=1)
    expected = np.where(top >= 0.5, proba.argmax(axis=1), ABSTAIN)
    assert dense(votes)[:4, 0].tolist() == expected.tolist()
    assert dense(votes)[:, 0].tolist()[:3] == [1, 0, 1]
    assert dense(votes)[4, 0] == ABSTAIN  # a missing text abstains
    assert np.allclose(dense(votes, "confidences")[:4, 0], top, atol=1e-6)


def test_the_threshold_decides_where_it_abstains(pipeline):
    top = pipeline.predict_proba(FRAME["text"].iloc[:4]).max(axis=1)
    cut = float(np.sort(top)[1]) + 1e-9  # the two least sure rows fall below it
    votes = apply([model_lf("m", pipeline, threshold=cut)])
    voted = dense(votes)[:4, 0] != ABSTAIN
    assert voted.tolist() == (top >= cut).tolist() and voted.sum() == 2
    assert (dense(apply([model_lf("m", pipeline, threshold=1.0)]))[:, 0] == ABSTAIN).all()
    assert (dense(apply([model_lf("m", pipeline, threshold=0.0)]))[:4, 0] != ABSTAIN).all()


def test_the_model_sees_only_the_rows_with_every_field():
    seen = []

    def proba(x):
        seen.append(x)
        p = np.where(x["stars"].to_numpy() <= 2, 0.9, 0.2)
        return np.column_stack([1 - p, p])

    votes = apply([model_lf("stars", proba, fields=["text", "stars"])])
    (x,) = seen
    assert isinstance(x, pd.DataFrame) and list(x.columns) == ["text", "stars"] and len(x) == 4
    assert dense(votes)[:, 0].tolist() == [1, 0, 1, 0, ABSTAIN]
    assert np.allclose(dense(votes, "confidences")[:4, 0], [0.9, 0.8, 0.9, 0.8])


def test_one_field_is_passed_as_a_series():
    seen = []

    def proba(x):
        seen.append(x)
        return np.tile([0.3, 0.7], (len(x), 1))

    apply([model_lf("one", proba, fields="stars")])
    assert isinstance(seen[0], pd.Series) and seen[0].tolist() == [1, 5, 2, 3, 4]


def test_class_names_of_the_estimator_map_to_indices():
    names = GOLD["label"].map({0: "ham", 1: "spam"})
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10.0)).fit(GOLD["text"], names)
    with pytest.raises(LabelingFunctionError, match=r"classes_ are \['ham', 'spam'\]"):
        apply([model_lf("named", model)])
    votes = apply([model_lf("named", model, classes=["ham", "spam"])])
    assert dense(votes)[:3, 0].tolist() == [1, 0, 1]
    # the columns follow classes_, whatever order the classes are listed in
    flipped = apply_lfs([model_lf("named", model, classes=["spam", "ham"])], FRAME, progress=False)
    assert dense(flipped)[:3, 0].tolist() == [0, 1, 0]


def test_an_estimator_trained_on_indices_needs_no_class_names(pipeline):
    votes = apply([model_lf("indices", pipeline, classes=["ham", "spam"])])
    assert dense(votes)[:3, 0].tolist() == [1, 0, 1]


def test_class_names_the_estimator_does_not_know_are_refused():
    x = pd.DataFrame({"stars": [1, 3, 5], "votes": [0, 1, 2]})
    model = LogisticRegression().fit(x, ["ham", "spam", "eggs"])
    lf = model_lf("named", model, fields=["stars", "votes"], classes=["ham", "spam"])
    with pytest.raises(LabelingFunctionError, match=r"classes_ hold 'eggs', which is not among"):
        apply([lf])


def const(rows):
    def proba(x):
        return np.tile(rows, (len(x), 1)) if np.ndim(rows) == 1 else rows

    return proba


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (lambda x: np.full(len(x), 0.5), r"shape \(4,\) for 4 rows, not \(4, k\)"),
        (lambda x: np.full((len(x) + 1, 2), 0.5), r"shape \(5, 2\) for 4 rows"),
        (lambda x: np.ones((len(x), 1)), r"shape \(4, 1\)"),
        (const([np.nan, 1.0]), r"not finite \(NaN or infinite\) for row 0"),
        (const([0.6, 0.6]), r"summing to more than 0.001 away from 1 for row 0"),
        (const([1.5, -0.5]), r"outside \[0, 1\]"),
        (lambda x: ["a"] * len(x), r"not an array of numbers"),
    ],
)
def test_bad_outputs_are_refused_naming_the_lf_and_the_fix(output, message):
    with pytest.raises(LabelingFunctionError, match="model_lf 'bad'") as caught:
        apply([model_lf("bad", output)])
    assert caught.match(message)
    assert "probabilities" in str(caught.value)


def test_rows_within_the_tolerance_are_accepted():
    votes = apply([model_lf("close", const([0.2, 0.8005]))])
    assert dense(votes)[:4, 0].tolist() == [1] * 4
    assert np.allclose(dense(votes, "confidences")[:4, 0], 0.8005, atol=1e-6)


def test_more_columns_than_classes_are_refused():
    with pytest.raises(
        LabelingFunctionError, match=r"3 columns of probabilities for the 2 classes"
    ):
        apply([model_lf("k", const([0.2, 0.3, 0.5]), classes=["a", "b"])])


def test_a_missing_field_names_the_columns():
    with pytest.raises(LabelingFunctionError, match=r"'txt'.*Did you mean 'text'\?"):
        apply([model_lf("m", const([0.5, 0.5]), fields="txt")])


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": -0.1}, "threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"fields": []}, "fields"),
        ({"fields": ["a", "a"]}, "fields"),
        ({"classes": ["only"]}, "classes"),
        ({"classes": "ab"}, "classes"),
    ],
)
def test_bad_settings_are_refused(options, name):
    with pytest.raises(ParameterError, match=rf"The '{name}' parameter of model_lf\('m'\)"):
        model_lf("m", const([0.5, 0.5]), **options)


def test_a_model_without_predict_proba_is_refused():
    with pytest.raises(ParameterError, match="'predict_proba' parameter of model_lf"):
        model_lf("m", LogisticRegression.__name__)


def test_it_pickles_and_runs_in_worker_processes(pipeline):
    lf = model_lf("tfidf", pipeline)
    copy = pickle.loads(pickle.dumps(lf))
    one = apply([lf])
    assert apply([copy], n_jobs=2, chunk_size=2) == one
    # workers are forked: even a lambda, which does not pickle, works there
    lam = model_lf("lam", lambda x: np.tile([0.1, 0.9], (len(x), 1)))
    assert dense(apply([lam], n_jobs=2, chunk_size=2))[:4, 0].tolist() == [1] * 4
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(lam)

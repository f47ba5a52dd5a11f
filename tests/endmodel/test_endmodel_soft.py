"""Soft-label training does what its definition says; row weights; the features."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from weaklabel.endmodel import EndModel
from weaklabel.endmodel._features import TextFeatures
from weaklabel.endmodel._soft import (
    fit_soft_logistic,
    repeat_rows,
    soft_cross_entropy,
    softmax_proba,
)
from weaklabel.endmodel._weights import row_weights


def _problem(k: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = sp.csr_matrix(rng.random((60, 8)) * (rng.random((60, 8)) < 0.5))
    return X, rng.dirichlet(np.ones(k), 60), rng.random(60) + 0.1


@pytest.mark.parametrize("k", [3, 4])
def test_soft_fit_equals_an_ordinary_classifier_on_rows_repeated_per_class(k):
    # the definition: each row once per class, label c, weight w_i * P[i, c]
    X, targets, weights = _problem(k)
    coef, intercept, _, converged = fit_soft_logistic(
        X, targets, weights, C=2.0, max_iter=2000, tol=1e-10
    )
    rows, labels, pair_weights = repeat_rows(targets, weights)
    reference = LogisticRegression(C=2.0, tol=1e-12, max_iter=10_000)
    reference.fit(X[rows], labels, sample_weight=pair_weights)
    assert converged
    np.testing.assert_allclose(coef, reference.coef_, atol=1e-4)
    np.testing.assert_allclose(
        softmax_proba(X, coef, intercept), reference.predict_proba(X), atol=1e-5
    )


def test_soft_fit_minimizes_the_soft_cross_entropy():
    X, targets, weights = _problem(3, seed=1)
    coef, intercept, _, _ = fit_soft_logistic(X, targets, weights, C=1.0, max_iter=2000)
    rng = np.random.default_rng(2)

    def objective(c: np.ndarray, b: np.ndarray) -> float:
        loss = soft_cross_entropy(targets, softmax_proba(X, c, b), weights) * weights.sum()
        return loss + 0.5 * float((c * c).sum())

    best = objective(coef, intercept)
    for _ in range(20):  # any small step away costs more
        step = rng.normal(scale=1e-2, size=coef.shape)
        assert objective(coef + step, intercept) > best
        assert objective(coef, intercept + rng.normal(scale=1e-2, size=3)) > best


def test_with_little_penalty_the_probabilities_track_soft_targets():
    texts = ["alpha beta", "gamma delta", "epsilon zeta"]
    targets = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])
    model = EndModel(C=1e4, min_df=1, weighting="none", progress=False)
    probs = model.fit(texts, targets).predict_proba(texts)
    np.testing.assert_allclose(probs, targets, atol=0.02)
    # the soft targets, not their argmax: a hard-label fit would push row 0 far above 0.7
    assert probs[0, 0] < 0.75


def test_repeated_rows_leave_out_zero_weights():
    rows, labels, weights = repeat_rows(np.array([[1.0, 0.0], [0.3, 0.7]]), np.array([1.0, 0.0]))
    assert rows.tolist() == [0] and labels.tolist() == [0] and weights.tolist() == [1.0]


@pytest.mark.parametrize("weighting", ["entropy", "confidence"])
def test_uniform_rows_count_nothing_and_certain_rows_count_fully(weighting):
    probs = np.array([[1 / 3] * 3, [1.0, 0.0, 0.0], [0.6, 0.3, 0.1]])
    weights = row_weights(probs, weighting)
    assert weights[0] == pytest.approx(0.0) and weights[1] == pytest.approx(1.0)
    assert 0 < weights[2] < 1
    assert row_weights(probs, "none").tolist() == [1.0, 1.0, 1.0]


def test_rows_without_votes_do_not_pull_the_model_toward_the_prior():
    # 40 rows with "free" are spam by the LFs; 400 more with "free" have no vote (uniform)
    texts = ["free"] * 440 + ["hello"] * 40
    probs = np.array([[0.05, 0.95]] * 40 + [[0.5, 0.5]] * 400 + [[0.95, 0.05]] * 40)
    weighted = EndModel(min_df=1, progress=False).fit(texts, probs)
    flat = EndModel(min_df=1, weighting="none", progress=False).fit(texts, probs)
    assert weighted.predict_proba(["free"])[0, 1] > 0.9
    assert flat.predict_proba(["free"])[0, 1] < 0.6  # (40 x 0.95 + 400 x 0.5) / 440 = 0.54


def test_features_are_tf_idf_rows_of_unit_length_per_block():
    texts = ["Free free prize", "see you", ""]
    features, learned = TextFeatures.learn(texts, word_ngrams=(1, 2), char_ngrams=(2, 5), min_df=1)
    matrix = features.transform(texts)
    np.testing.assert_allclose(matrix.toarray(), learned.toarray())  # as counted when learning
    norms = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
    assert norms.tolist() == pytest.approx([2.0, 2.0, 0.0])  # two blocks of length 1; empty: 0
    words = features.blocks[0]
    assert words.vocabulary is not None and "free prize" in words.vocabulary  # lowercased
    counts = words.counts(["free free free"]).toarray().ravel()
    assert counts[words.vocabulary.index("free")] == 3

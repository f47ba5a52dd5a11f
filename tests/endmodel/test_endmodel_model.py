"""EndModel's contract: fit / predict, cross-fitting without leaks, custom estimators, checks."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import make_texts, soft_labels
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from weaklabel import DataError, MissingDependencyError, NotFittedError, ParameterError
from weaklabel.endmodel import EndModel
from weaklabel.endmodel._crossfit import temper
from weaklabel.endmodel._folds import assign_folds, text_groups
from weaklabel.endmodel._soft import soft_cross_entropy


def test_fit_returns_self_and_predicts_rows_that_sum_to_one(small_set):
    texts, probs, labels = small_set
    model = EndModel(progress=False)
    assert model.fit(texts, probs) is model
    out = model.predict_proba(texts)
    assert out.shape == (200, 2) and np.allclose(out.sum(axis=1), 1)
    assert (model.predict(texts) == labels).mean() > 0.95  # it labels the uncovered rows too
    assert model.solver_ == "lbfgs" and model.n_rows_ == 200 and model.n_classes_ == 2


def test_unfitted_use_raises():
    with pytest.raises(NotFittedError, match=r"call fit\(texts, probs\)"):
        EndModel().predict_proba(["a"])


def test_texts_may_be_a_series_and_probs_a_frame(small_set):
    texts, probs, _ = small_set
    a = EndModel(progress=False).fit(pd.Series(texts), pd.DataFrame(probs)).predict_proba(texts)
    b = EndModel(progress=False).fit(texts, probs).predict_proba(pd.Series(texts))
    np.testing.assert_array_equal(a, b)


def test_gold_rows_as_one_hot_train_it(small_set):
    texts, _, labels = small_set
    uniform = np.full((200, 2), 0.5)
    gold = uniform.copy()
    gold[:40] = np.eye(2)[labels[:40]]  # 40 gold labels, nothing else known
    model = EndModel(progress=False).fit(texts, gold)
    assert (model.predict(texts[40:]) == labels[40:]).mean() > 0.95


def test_sample_weight_zero_leaves_a_row_out():
    texts = ["free prize"] * 10 + ["free prize"] * 10
    probs = np.array([[0.0, 1.0]] * 10 + [[1.0, 0.0]] * 10)
    weights = np.array([1.0] * 10 + [0.0] * 10)
    model = EndModel(min_df=1, progress=False).fit(texts, probs, sample_weight=weights)
    assert model.predict_proba(["free prize"])[0, 1] > 0.8


# -- cross-fitting ----------------------------------------------------------------------------


def _memorizable(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Texts that only a model that saw them can label: a random class per text, and a token
    unique to the text (written twice, in other case and spacing: one group)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    texts = []
    for i in range(n):
        texts += [f"token{i}x hello", f"TOKEN{i}X   Hello "]
    return texts, np.repeat(labels, 2)


def test_cross_fitting_never_predicts_a_row_with_a_model_that_saw_its_text():
    texts, labels = _memorizable(150, seed=0)
    probs = np.eye(2)[labels]
    model = EndModel(C=100.0, min_df=1, random_state=0, progress=False)
    in_sample = (model.fit(texts, probs).predict(texts) == labels).mean()
    out_of_fold = model.cross_fit_predict_proba(texts, probs).argmax(axis=1)
    assert in_sample > 0.99  # memorizing is possible: the unique tokens give every row away
    assert abs((out_of_fold == labels).mean() - 0.5) < 0.12  # yet out of fold it is chance


def test_copies_of_a_text_share_a_fold():
    texts = ["Buy now", "buy  NOW", "hello", " hello ", "other", "x"] * 3 + ["y", "z"]
    groups = text_groups(texts)
    folds = assign_folds(groups, 3, np.random.default_rng(1), owner="EndModel")
    for group in np.unique(groups):
        assert len(set(folds[groups == group].tolist())) == 1
    assert groups[0] == groups[1] and groups[2] == groups[3]


def test_folds_have_similar_sizes_even_with_a_big_repeated_text():
    groups = np.concatenate([np.zeros(300, dtype=np.int64), np.arange(1, 1001)])
    folds = assign_folds(groups, 5, np.random.default_rng(0), owner="EndModel")
    sizes = np.bincount(folds)
    assert sorted(sizes.tolist()) == [250, 250, 250, 250, 300]  # the 300 copies: one fold
    assert len(set(folds[:300].tolist())) == 1


def test_cross_fitting_is_deterministic_given_random_state(small_set):
    texts, probs, _ = small_set
    a = EndModel(random_state=3, progress=False).cross_fit_predict_proba(texts, probs)
    b = EndModel(random_state=3, progress=False).cross_fit_predict_proba(texts, probs)
    c = EndModel(random_state=4, progress=False).cross_fit_predict_proba(texts, probs)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)  # other folds


def test_cross_fitting_keeps_a_model_fitted_on_all_rows_and_its_figures(small_set):
    texts, probs, _ = small_set
    model = EndModel(random_state=0, progress=False)
    out_of_fold = model.cross_fit_predict_proba(texts, probs)
    full = EndModel(random_state=0, progress=False).fit(texts, probs)
    assert full.temperature_ == 1.0  # nothing held out to learn it from
    tempered = temper(full.predict_proba(texts), model.temperature_)
    np.testing.assert_allclose(model.predict_proba(texts), tempered)
    assert 0 < model.cv_log_loss_ < np.log(2) and 0.9 < model.cv_agreement_ <= 1
    assert not np.allclose(out_of_fold, model.predict_proba(texts))
    model.fit(texts, probs)  # a plain fit has no cross-validated figures
    assert not hasattr(model, "cv_log_loss_")
    assert model.temperature_ == 1.0


def test_cross_fitting_brings_the_confidence_to_the_labels_it_learns_from():
    # 0.97-sure soft labels: the penalized model is less sure than that out of fold; the
    # temperature learned there sharpens it toward them, never changing the top class
    texts, labels = make_texts(400, seed=5)
    probs = np.where(np.eye(2)[labels] > 0, 0.97, 0.03)
    model = EndModel(random_state=0, progress=False)
    out_of_fold = model.cross_fit_predict_proba(texts, probs)
    assert model.temperature_ < 0.9
    raw = temper(out_of_fold, 1.0 / model.temperature_)  # undo it
    assert soft_cross_entropy(probs, out_of_fold, np.ones(400)) < soft_cross_entropy(
        probs, raw, np.ones(400)
    )
    assert np.abs(out_of_fold.max(axis=1).mean() - 0.97) < np.abs(raw.max(axis=1).mean() - 0.97)
    assert np.array_equal(out_of_fold.argmax(axis=1), raw.argmax(axis=1))
    assert np.array_equal(model.predict(texts), model._fitted().predict_proba(texts, 100).argmax(1))


# -- custom estimators ------------------------------------------------------------------------


def test_a_custom_estimator_is_cloned_and_refitted(small_set):
    texts, probs, labels = small_set
    estimator = LogisticRegression(C=5.0)
    model = EndModel(estimator=estimator, progress=False)
    out = model.cross_fit_predict_proba(texts, probs)
    assert not hasattr(estimator, "coef_")  # the object passed in stays unfitted
    assert model.estimator_ is not estimator and model.estimator_.C == 5.0
    assert model.solver_ == "estimator" and (out.argmax(axis=1) == labels).mean() > 0.9
    first = model.estimator_
    model.fit(texts[:100], probs[:100])
    assert model.estimator_ is not first  # refitted, not reused


def test_a_pipeline_gets_the_weights_at_its_last_step(small_set):
    texts, probs, labels = small_set
    pipeline = make_pipeline(MaxAbsScaler(), LogisticRegression())
    model = EndModel(estimator=pipeline, progress=False).fit(texts, probs)
    assert (model.predict(texts) == labels).mean() > 0.9


def test_an_estimator_without_sample_weight_is_refused(small_set):
    texts, probs, _ = small_set
    with pytest.raises(ParameterError, match=r"'estimator' parameter .* sample_weight"):
        EndModel(estimator=KNeighborsClassifier(), progress=False).fit(texts, probs)
    with pytest.raises(ParameterError, match=r"'estimator' parameter .* instance"):
        EndModel(estimator=LogisticRegression, progress=False).fit(texts, probs)


# -- streaming --------------------------------------------------------------------------------


def test_the_streaming_path_comes_close_to_the_in_memory_fit():
    texts, labels = make_texts(600, seed=5)
    probs = soft_labels(labels, seed=5)
    memory = EndModel(char_ngrams=None, progress=False).fit(texts, probs)
    streamed = EndModel(streaming_rows=100, chunk_size=64, epochs=20, alpha=1e-4,
                        random_state=0, progress=False).fit(texts, probs)  # fmt: skip
    assert streamed.solver_ == "sgd" and memory.solver_ == "lbfgs"
    test_texts, test_labels = make_texts(300, seed=6)
    a, b = memory.predict_proba(test_texts), streamed.predict_proba(test_texts)
    assert (a.argmax(axis=1) == b.argmax(axis=1)).mean() > 0.95
    assert (b.argmax(axis=1) == test_labels).mean() > 0.95
    assert np.abs(a - b).mean() < 0.15


def test_fit_chunks_streams_chunks_and_never_holds_all_features(monkeypatch, capsys):
    from weaklabel.endmodel._features import TextFeatures

    seen: list[int] = []
    transform = TextFeatures.transform

    def spy(self, texts):
        seen.append(len(texts))
        return transform(self, texts)

    monkeypatch.setattr(TextFeatures, "transform", spy)
    texts, labels = make_texts(500, seed=1)
    probs = soft_labels(labels, covered=1.0)
    chunks = ((texts[i : i + 50], probs[i : i + 50]) for i in range(0, 500, 50))
    model = EndModel(chunk_size=64, progress=False).fit_chunks(chunks, n_rows=500)
    assert model.solver_ == "sgd" and model.n_rows_ == 500
    assert max(seen) <= 50
    seen.clear()
    assert (model.predict(texts) == labels).mean() > 0.9
    assert max(seen) <= 64 and sum(seen) == 500  # predictions in chunks too
    assert capsys.readouterr().err == ""


def test_the_streaming_progress_bar_shows_unless_silenced(capsys):
    texts, labels = make_texts(100)
    probs = soft_labels(labels, covered=1.0)
    EndModel(progress=True).fit_chunks([(texts, probs)])
    assert "Fitting EndModel (streaming)" in capsys.readouterr().err
    EndModel(progress=False).fit_chunks([(texts, probs)])
    assert capsys.readouterr().err == ""


def test_bad_chunks_are_refused():
    texts, labels = make_texts(100)
    probs = soft_labels(labels, covered=1.0)
    with pytest.raises(ParameterError, match=r"'epochs' parameter .* list"):
        EndModel(epochs=2, progress=False).fit_chunks(iter([(texts, probs)]))
    with pytest.raises(DataError, match=r"chunk 1\): the probabilities have 3 classes"):
        EndModel(progress=False).fit_chunks([(texts, probs), (["a"], [[0.2, 0.3, 0.5]])])
    with pytest.raises(ParameterError, match=r"'estimator' parameter of EndModel.fit_chunks"):
        EndModel(estimator=LogisticRegression(), progress=False).fit_chunks([(texts, probs)])


def test_three_classes_stream_one_versus_rest():
    rng = np.random.default_rng(0)
    words = [["red", "crimson"], ["blue", "navy"], ["green", "olive"]]
    labels = rng.integers(0, 3, 300)
    texts = [" ".join(rng.choice(words[c], 2).tolist()) + " thing" for c in labels.tolist()]
    model = EndModel(streaming_rows=10, epochs=5, progress=False).fit(texts, np.eye(3)[labels])
    assert model.link_ == "ovr" and model.coef_.shape == (3, 2**20)
    probs = model.predict_proba(texts)
    assert np.allclose(probs.sum(axis=1), 1) and (probs.argmax(axis=1) == labels).mean() > 0.95


# -- checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "probs", "message"),
    [
        (
            ["a", "b"],
            [[0.5, 0.5]],
            r"'probs' argument of EndModel.fit has 1 rows but 2 are needed: one row .* per text",
        ),
        (["a"], [[0.5, 0.6]], r"row 0 sums to 1\.1 .* normalize"),
        (["a"], [[np.nan, 1.0]], r"finite probabilities >= 0; row 0"),
        (["a"], [[1.0]], r"k >= 2 classes"),
        (["a", None], [[0.5, 0.5]] * 2, r"'texts' .* row 1 is None\. Fill missing texts"),
        (["a", 3], [[0.5, 0.5]] * 2, r"row 1 is 3 \(int\)"),
        ([], np.zeros((0, 2)), r"'texts' argument of EndModel.fit is empty"),
        ("one text", [[0.5, 0.5]], r"a single str\. Wrap it in a list"),
    ],
)
def test_bad_inputs_are_refused_naming_the_argument_and_the_fix(texts, probs, message):
    with pytest.raises(DataError, match=message):
        EndModel(progress=False).fit(texts, probs)


def test_bad_sample_weights_are_refused():
    with pytest.raises(DataError, match=r"'sample_weight' .* row 1 is -1\.0\. Use 0"):
        EndModel(progress=False).fit(["a", "b"], [[1, 0], [0, 1]], sample_weight=[1, -1])
    with pytest.raises(DataError, match=r"0 for every row"):
        EndModel(progress=False).fit(["a", "b"], [[1, 0], [0, 1]], sample_weight=[0, 0])
    with pytest.raises(DataError, match=r"every row has weight 0 \(uniform"):
        EndModel(progress=False).fit(["a", "b"], [[0.5, 0.5], [0.5, 0.5]])


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"n_folds": 1}, r"'n_folds' parameter of EndModel must be an int >= 2\. Got 1"),
        ({"weighting": "entropi"}, r"Did you mean 'entropy'\?"),
        ({"C": 0}, r"'C' parameter of EndModel must be a float > 0"),
        ({"word_ngrams": (2, 1)}, r"'word_ngrams' parameter .* 1 <= low <= high"),
        ({"word_ngrams": None, "char_ngrams": None}, r"'char_ngrams' parameter .* needs some"),
        ({"random_state": -1}, r"'random_state' parameter"),
    ],
)
def test_bad_settings_are_refused_at_fit(settings, message):
    with pytest.raises(ParameterError, match=message):
        EndModel(progress=False, **settings).fit(["a b", "c d"], [[1, 0], [0, 1]])


def test_more_folds_than_distinct_texts_are_refused():
    texts = ["spam", "SPAM", "ham", "ham "]  # two distinct texts
    with pytest.raises(ParameterError, match=r"'n_folds' .* distinct texts \(2; .* n_folds=2"):
        EndModel(n_folds=3, progress=False).cross_fit_predict_proba(texts, np.eye(2)[[1, 1, 0, 0]])


def test_a_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'weaklabel\[endmodel\]'"):
        EndModel(progress=False).fit(["a b"], [[0.2, 0.8]])


def test_importing_the_end_model_does_not_import_scikit_learn():
    code = "import sys, weaklabel.endmodel; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

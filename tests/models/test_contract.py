"""One battery of contract tests over every label model (STYLE.md rule 14)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import vote_matrices
from tampering import MODEL_CASES, MODEL_CLASS_CASES, write_tampered

from weaklabel import DataError, NotFittedError, ParameterError, VoteMatrix
from weaklabel.datasets import make_votes
from weaklabel.models import BaseLabelModel, LabelModel, MajorityVote, load_model

MODELS = sorted(BaseLabelModel.registry.values(), key=lambda c: c.__name__)


def make(cls, k=2, **params):
    if "progress" in cls._param_names():
        params.setdefault("progress", False)
    return cls(cardinality=k, **params)


@pytest.fixture(scope="module")
def data():
    votes, truth = make_votes(
        3000,
        [0.9, 0.8, 0.75, 0.7, 0.85],
        [0.6, 0.5, 0.4, 0.5, 0.3],
        cardinality=3,
        class_balance=[0.5, 0.3, 0.2],
        random_state=7,
    )
    return votes, truth


def test_every_model_is_covered():
    assert {LabelModel, MajorityVote} <= set(MODELS)


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
class TestContract:
    def test_init_only_stores_settings(self, cls):
        model = make(cls, k=-5)  # invalid, but __init__ does not check
        assert model.cardinality == -5
        assert not any(name.endswith("_") and not name.startswith("_") for name in vars(model))

    def test_fit_returns_self_and_sets_learned_state(self, cls, data):
        votes, _ = data
        model = make(cls, k=3)
        assert model.fit(votes) is model
        for name in cls._state:
            assert name.endswith("_") and hasattr(model, name)
        assert model.lf_names_ == votes.lf_names

    def test_every_setting_has_its_constraints_declared_once(self, cls):
        assert set(cls._constraints()) == set(cls._param_names())
        # a subclass declares only what it adds or tightens: no hand-written _check_params
        assert "_check_params" not in vars(cls)

    def test_each_constraint_refuses_a_wrong_value_with_the_template(self, cls, data):
        for name, forms in cls._constraints().items():
            if name == "cardinality" or any(type(f).__name__ == "Check" for f in forms if f):
                continue  # cardinality is tested above; free-form checks accept anything
            model = make(cls, k=3, **{name: "wrong" if name != "tie_break" else 3.5})
            with pytest.raises(ParameterError, match=rf"The '{name}' parameter of {cls.__name__} "
                               r"must be .*\. Got .* instead"):  # fmt: skip
                model.fit(data[0])

    def test_invalid_settings_are_refused_at_fit(self, cls, data):
        with pytest.raises(ParameterError, match="'cardinality' parameter of"):
            make(cls, k=1).fit(data[0])
        with pytest.raises(ParameterError, match="'tie_break'"):
            make(cls, k=3, tie_break="coin").fit(data[0])

    def test_unfitted_use_raises(self, cls, data):
        model = make(cls, k=3)
        with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
            model.predict_proba(data[0])
        with pytest.raises(NotFittedError):
            model.predict(data[0])
        with pytest.raises(NotFittedError):
            model.save("never.json")

    def test_rows_sum_to_one(self, cls, data):
        votes, _ = data
        probs = make(cls, k=3).fit(votes).predict_proba(votes)
        assert probs.shape == (votes.n_rows, 3)
        assert np.all(probs >= 0)
        assert np.allclose(probs.sum(axis=1), 1.0)

    def test_beats_chance_on_synthetic_votes(self, cls, data):
        votes, truth = data
        pred = make(cls, k=3).fit(votes).predict(votes)
        assert pred.dtype == np.int64
        assert (pred == truth).mean() > 0.7

    def test_permuting_lf_columns_changes_nothing(self, cls, data):
        votes, _ = data
        order = [3, 0, 4, 2, 1]
        a = make(cls, k=3).fit(votes).predict_proba(votes)
        permuted = VoteMatrix.from_dense(votes.to_dense()[:, order], cardinality=3)
        b = make(cls, k=3).fit(permuted).predict_proba(permuted)
        assert np.allclose(a, b, atol=1e-8)

    def test_all_abstain_row_gets_the_class_prior(self, cls, data):
        votes, _ = data
        model = make(cls, k=3).fit(votes)
        empty = VoteMatrix.from_dense(np.full((2, votes.n_lfs), -1), cardinality=3)
        assert np.allclose(model.predict_proba(empty), model.class_balance_)
        assert np.isclose(model.class_balance_.sum(), 1.0)

    def test_deterministic_for_a_random_state(self, cls, data):
        votes, _ = data
        a = make(cls, k=3, random_state=3).fit(votes).predict_proba(votes)
        b = make(cls, k=3, random_state=3).fit(votes).predict_proba(votes)
        assert np.array_equal(a, b)

    def test_save_load_round_trip(self, cls, data, tmp_path):
        votes, _ = data
        model = make(cls, k=3, tie_break="lowest").fit(votes)
        path = tmp_path / "model.json"
        model.save(path)
        loaded = load_model(path)
        assert type(loaded) is cls
        transient = set(cls._transient_params)
        saved = {k: v for k, v in model.get_params().items() if k not in transient}
        assert {k: v for k, v in loaded.get_params().items() if k not in transient} == saved
        assert np.array_equal(loaded.predict_proba(votes), model.predict_proba(votes))
        assert np.array_equal(cls.load(path).predict(votes), model.predict(votes))
        assert path.read_text().lstrip().startswith("{")  # JSON, not pickle

    def test_votes_beyond_cardinality_are_refused(self, cls):
        votes = VoteMatrix.from_dense([[0, 2], [1, -1]], cardinality=3, lf_names=["p", "q"])
        with pytest.raises(DataError, match=r"class index 2 \(from LF 'q'\).*cardinality=2"):
            make(cls, k=2).fit(votes)

    def test_predict_with_other_lfs_is_refused(self, cls, data):
        votes, _ = data
        model = make(cls, k=3).fit(votes)
        with pytest.raises(DataError, match="fitted on 5"):
            model.predict_proba(votes.select_lfs([0, 1]))
        renamed = VoteMatrix.from_dense(
            votes.to_dense(), cardinality=3, lf_names=["a", "b", "c", "d", "e"]
        )
        with pytest.raises(DataError, match="differ from those"):
            model.predict_proba(renamed)

    def test_fixed_class_balance_is_kept(self, cls, data):
        votes, _ = data
        model = make(cls, k=3).fit(votes, class_balance=[0.2, 0.3, 0.5])
        assert np.allclose(model.class_balance_, [0.2, 0.3, 0.5])
        with pytest.raises(ParameterError, match="'class_balance'"):
            make(cls, k=3).fit(votes, class_balance=[0.5, 0.5])

    def test_accepts_a_dense_array(self, cls):
        dense = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, -1, -1]] * 5)
        probs = make(cls).fit(dense).predict_proba(dense)
        assert probs.shape == (20, 2)

    def test_ties_follow_the_policy(self, cls, data, monkeypatch):
        votes, _ = data
        row = votes[:1]
        for policy, prior, expected in (
            ("lowest", [0.2, 0.5, 0.3], 0),
            ("prior", [0.2, 0.5, 0.3], 1),
        ):
            model = make(cls, k=3, tie_break=policy).fit(votes, class_balance=prior)
            monkeypatch.setattr(model, "_proba", lambda v: np.array([[0.4, 0.4, 0.2]]))
            assert model.predict(row).tolist() == [expected]
        picks = set()
        for seed in range(16):
            model = make(cls, k=3, tie_break="random", random_state=seed).fit(votes)
            monkeypatch.setattr(model, "_proba", lambda v: np.array([[0.4, 0.4, 0.2]]))
            picks.add(int(model.predict(row)[0]))
        assert picks == {0, 1}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vote_matrices(max_rows=25, max_lfs=5, max_classes=3))
@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_any_votes_give_valid_probabilities(cls, votes):
    probs = make(cls, k=votes.cardinality).fit(votes).predict_proba(votes)
    assert np.all(np.isfinite(probs))
    assert np.allclose(probs.sum(axis=1), 1.0)


# -- loading a tampered model file: a DataError naming the file, never NaN probabilities ----------


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    """A small fitted model of every class saved to JSON (3 LFs, 3 classes), and its votes."""
    folder = tmp_path_factory.mktemp("models")
    votes, _ = make_votes(400, [0.9, 0.8, 0.7], [0.6, 0.5, 0.4], cardinality=3, random_state=1)
    paths = {}
    for cls in MODELS:
        paths[cls] = folder / f"{cls.__name__}.json"
        make(cls, k=3).fit(votes).save(paths[cls])
    return votes, paths


@pytest.mark.parametrize("case", sorted(MODEL_CASES))
@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_tampered_model_file_is_refused(cls, case, saved_models, tmp_path):
    _, paths = saved_models
    change, message = MODEL_CASES[case]
    bad = write_tampered(paths[cls], tmp_path / "tampered.json", change, cls)
    for load in (load_model, cls.load):
        with pytest.raises(DataError, match=r"tampered\.json") as caught:
            load(bad)
        assert message in str(caught.value)


@pytest.mark.parametrize("case", sorted(MODEL_CLASS_CASES))
def test_tampered_model_state_is_refused(case, saved_models, tmp_path):
    _, paths = saved_models
    name, change, message = MODEL_CLASS_CASES[case]
    cls = next(c for c in MODELS if c.__name__ == name)
    bad = write_tampered(paths[cls], tmp_path / "tampered.json", change, cls)
    with pytest.raises(DataError, match=r"tampered\.json") as caught:
        load_model(bad)
    assert message in str(caught.value)


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_untampered_model_file_loads(cls, saved_models):
    votes, paths = saved_models
    probs = load_model(paths[cls]).predict_proba(votes)
    assert np.allclose(probs.sum(axis=1), 1.0) and np.all(probs >= 0)
